// SPDX-License-Identifier: GPL-2.0
/*
 * liblguest.c - the library the lguest command is built on: one object per
 * guest (struct lg_vm) that collects the machine asked for, sets it up
 * through /dev/lguest (guest.c), runs one thread per vCPU, and reports how
 * the guest ended.  runcmd.c adds a command in a throwaway guest.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "liblguest.h"
#include "liblguest-int.h"
#include "lockdown.h"
#include "util.h"

_Static_assert(LG_EXIT_HLT == LGUEST_EXIT_HLT && LG_EXIT_TEST == LGUEST_EXIT_TEST &&
	       LG_EXIT_KILLED == LGUEST_EXIT_KILLED, "LG_EXIT_ are LGUEST_EXIT_");
_Static_assert(LG_ERR_LEN >= GUEST_ERR_LEN && LG_ERR_LEN >= BOOT_ERR_LEN, "LG_ERR_LEN");
_Static_assert(LG_PAGING_AUTO == LGUEST_PAGING_AUTO, "LG_PAGING_");

#define DEFAULT_MEM		(256ULL << 20)
#define MIN_MEM			(2ULL << 20)

/**
 * lg_fail() - record why a call failed, for lg_error().
 * @vm: the guest.
 * @e: the errno (positive).
 * @fmt: printf format of the sentence.
 *
 * Return: -@e.
 */
int lg_fail(struct lg_vm *vm, int e, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(vm->err, sizeof(vm->err), fmt, ap);
	va_end(ap);
	return e > 0 ? -e : -EIO;
}

/* Setters only work before the guest exists. */
static int check_unstarted(struct lg_vm *vm, const char *what)
{
	if (vm->prepared)
		return lg_fail(vm, EBUSY, "%s: the guest is already set up", what);
	return 0;
}

/**
 * lg_create() - a new guest, with nothing set: 256 MiB (128 MiB for a
 *	command's), one vCPU.
 * @vmp: where the new object goes.
 *
 * No /dev/lguest yet: that is opened when the guest is set up, after
 * every file named has been checked.
 *
 * Return: 0 or -%ENOMEM.
 */
int lg_create(struct lg_vm **vmp)
{
	struct lg_vm *vm = calloc(1, sizeof(*vm));

	*vmp = NULL;
	if (!vm)
		return -ENOMEM;
	vm->l.mem = DEFAULT_MEM;
	vm->l.cpus = 1;
	devopts_init(&vm->l.devs);
	vm->g.fd = -1;
	vm->g.ram = MAP_FAILED;
	vm->log_fd = -1;
	vm->in_fd = STDIN_FILENO;
	vm->out_fd = STDOUT_FILENO;
	vm->err_fd = STDERR_FILENO;
	vm->pump_w = vm->ctl_r = vm->null_fd = vm->ctl_w_tmp = vm->output_fd = -1;
	pthread_mutex_init(&vm->lock, NULL);
	{
		pthread_condattr_t ca;

		pthread_condattr_init(&ca);
		pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
		pthread_cond_init(&vm->cond, &ca);
		pthread_condattr_destroy(&ca);
	}
	*vmp = vm;
	return 0;
}

/**
 * lg_error() - the sentence saying why the last failing call failed.
 * @vm: the guest.
 *
 * Return: the sentence, without "lguest: " or a newline; "" if none.
 */
const char *lg_error(const struct lg_vm *vm)
{
	return vm->err;
}

/* lg_hv_error: the last failure was the module's, not the caller's input. */
bool lg_hv_error(const struct lg_vm *vm)
{
	return vm->hv_error;
}

/* lg_strdup: a copy the object owns (freed by lg_destroy()). */
char *lg_strdup(struct lg_vm *vm, const char *s)
{
	char **keep, *c;

	keep = realloc(vm->owned, (vm->nowned + 1) * sizeof(*keep));
	if (!keep)
		return NULL;
	vm->owned = keep;
	c = strdup(s);
	if (c)
		vm->owned[vm->nowned++] = c;
	return c;
}

/**
 * lg_set_mem() - the guest's RAM.
 * @vm: the guest.
 * @bytes: at least 2 MiB, a multiple of 4 KiB; rounded up to 2 MiB.
 *
 * Return: 0 or -%EINVAL / -%E2BIG.
 */
int lg_set_mem(struct lg_vm *vm, uint64_t bytes)
{
	if (check_unstarted(vm, "memory"))
		return -EBUSY;
	if (bytes < MIN_MEM)
		return lg_fail(vm, EINVAL, "--mem %" PRIu64 ": guest RAM must be at least %lluM",
			       bytes, MIN_MEM >> 20);
	if (bytes & 4095)
		return lg_fail(vm, EINVAL, "--mem %" PRIu64 ": not a multiple of 4K", bytes);
	if (bytes > LGUEST_MAX_MEM)
		return lg_fail(vm, E2BIG, "--mem: a guest has at most %llu GiB of RAM (devices sit above it)",
			       LGUEST_MAX_MEM >> 30);
	/* The module takes RAM in 2 MiB units. */
	vm->l.mem = (bytes + LGUEST_MEM_ALIGN - 1) & ~(LGUEST_MEM_ALIGN - 1);
	vm->mem_set = true;
	return 0;
}

/**
 * lg_set_cpus() - the number of vCPUs, each run by a thread.
 * @vm: the guest.
 * @n: 1 to the host's online CPUs and %LGUEST_MAX_VCPUS.
 *
 * Return: 0 or -%EINVAL.
 */
int lg_set_cpus(struct lg_vm *vm, unsigned int n)
{
	long online = sysconf(_SC_NPROCESSORS_ONLN);

	if (check_unstarted(vm, "--cpus"))
		return -EBUSY;
	if (!n || n > LGUEST_MAX_VCPUS)
		return lg_fail(vm, EINVAL, "--cpus %u: a guest has 1 to %u vCPUs", n,
			       (unsigned int)LGUEST_MAX_VCPUS);
	if (online > 0 && n > (unsigned long)online)
		return lg_fail(vm, EINVAL, "--cpus %u: this host has only %ld online CPUs",
			       n, online);
	vm->l.cpus = n;
	return 0;
}

/**
 * lg_set_paging() - nested or shadow paging.
 * @vm: the guest.
 * @paging: an LG_PAGING_ value.
 *
 * Return: 0 or -%EINVAL.
 */
int lg_set_paging(struct lg_vm *vm, unsigned int paging)
{
	if (check_unstarted(vm, "--paging"))
		return -EBUSY;
	if (paging > LG_PAGING_AUTO)
		return lg_fail(vm, EINVAL, "paging mode %u: want an LG_PAGING_ value", paging);
	vm->l.paging = paging;
	return 0;
}

/**
 * lg_set_flags() - LG_F_ flags.
 * @vm: the guest.
 * @flags: replaces the flags set before.
 *
 * Return: 0 or -%EINVAL for an unknown flag.
 */
int lg_set_flags(struct lg_vm *vm, unsigned int flags)
{
	const unsigned int known = LG_F_VERBOSE | LG_F_LOCKDOWN | LG_F_MMIO_CMDLINE |
				   LG_F_SERIAL_CONSOLE | LG_F_CONSOLE_GIVEN | LG_F_PREALLOC;

	if (check_unstarted(vm, "flags"))
		return -EBUSY;
	if (flags & ~known)
		return lg_fail(vm, EINVAL, "unknown flags 0x%x", flags & ~known);
	vm->flags = flags;
	vm->l.verbose = !!(flags & LG_F_VERBOSE);
	vm->l.serial_console = flags & LG_F_SERIAL_CONSOLE;
	vm->l.console_given = flags & (LG_F_CONSOLE_GIVEN | LG_F_MMIO_CMDLINE);
	vm->l.mmio_cmdline = flags & LG_F_MMIO_CMDLINE;
	vm->l.prealloc = flags & LG_F_PREALLOC;
	return 0;
}

/**
 * lg_set_kernel() - the kernel to boot.
 * @vm: the guest.
 * @kernel: a bzImage, an ELF vmlinux or a Multiboot image; NULL for the
 *	default (lg_run_command() only).
 * @initrd: its initial ramdisk, or NULL.
 * @cmdline: its command line, or NULL for the default.
 *
 * The files are opened and checked when the guest is set up.
 *
 * Return: 0 or a negative errno.
 */
int lg_set_kernel(struct lg_vm *vm, const char *kernel, const char *initrd,
		  const char *cmdline)
{
	if (check_unstarted(vm, "kernel"))
		return -EBUSY;
	vm->l.kernel = kernel ? lg_strdup(vm, kernel) : NULL;
	vm->l.initrd = initrd ? lg_strdup(vm, initrd) : NULL;
	vm->l.append = cmdline ? lg_strdup(vm, cmdline) : NULL;
	if ((kernel && !vm->l.kernel) || (initrd && !vm->l.initrd) ||
	    (cmdline && !vm->l.append))
		return lg_fail(vm, ENOMEM, "out of memory");
	return 0;
}

/**
 * lg_set_raw() - a flat 64-bit image for lg_start() (the --raw convention
 *	of the uapi header), instead of a kernel.
 * @vm: the guest.
 * @path: the image file.
 *
 * Return: 0 or a negative errno.
 */
int lg_set_raw(struct lg_vm *vm, const char *path)
{
	if (check_unstarted(vm, "--raw"))
		return -EBUSY;
	vm->l.raw = lg_strdup(vm, path);
	return vm->l.raw ? 0 : lg_fail(vm, ENOMEM, "out of memory");
}

/**
 * lg_add_disk() - a virtio disk on a file or block device.
 * @vm: the guest.
 * @path: the file (no comma in its name).
 * @flags: %LG_DISK_READONLY or 0.
 *
 * Return: 0 or a negative errno.
 */
int lg_add_disk(struct lg_vm *vm, const char *path, unsigned int flags)
{
	char arg[PATH_MAX + 4], *keep;

	if (check_unstarted(vm, "--disk"))
		return -EBUSY;
	if (strchr(path, ',') || flags & ~LG_DISK_READONLY)
		return lg_fail(vm, EINVAL, "disk '%s': a name without commas, and only LG_DISK_READONLY", path);
	if (snprintf(arg, sizeof(arg), "%s%s", path,
		     flags & LG_DISK_READONLY ? ",ro" : "") >= (int)sizeof(arg))
		return lg_fail(vm, ENAMETOOLONG, "disk: file name longer than %d bytes", PATH_MAX - 1);
	keep = lg_strdup(vm, arg);
	if (!keep)
		return lg_fail(vm, ENOMEM, "out of memory");
	return lg_add_disk_arg(vm, keep);
}

/* lg_add_disk_arg: "FILE[,ro]" as --disk takes it; @arg outlives @vm. */
int lg_add_disk_arg(struct lg_vm *vm, const char *arg)
{
	if (devopts_add_disk(&vm->l.devs, arg, vm->err) < 0)
		return -EINVAL;
	return 0;
}

/**
 * lg_add_net() - a virtio network card on a new host interface.
 * @vm: the guest.
 * @ifname: the host interface's name (a tap device made by the module).
 * @mac: "xx:xx:xx:xx:xx:xx", or NULL for a random one.
 *
 * The module needs CAP_NET_ADMIN in the caller's network namespace.
 *
 * Return: 0 or a negative errno.
 */
int lg_add_net(struct lg_vm *vm, const char *ifname, const char *mac)
{
	char arg[64], *keep;

	if (check_unstarted(vm, "--net"))
		return -EBUSY;
	if (snprintf(arg, sizeof(arg), "%s%s%s", ifname, mac ? ",mac=" : "",
		     mac ? mac : "") >= (int)sizeof(arg))
		return lg_fail(vm, EINVAL, "--net %s: name or MAC too long", ifname);
	keep = lg_strdup(vm, arg);
	if (!keep)
		return lg_fail(vm, ENOMEM, "out of memory");
	return lg_add_net_arg(vm, keep);
}

/* lg_add_net_arg: "NAME[,mac=MAC]" as --net takes it; @arg outlives @vm. */
int lg_add_net_arg(struct lg_vm *vm, const char *arg)
{
	if (devopts_add_net(&vm->l.devs, arg, vm->err) < 0)
		return -EINVAL;
	return 0;
}

/**
 * lg_add_rng() - a virtio entropy device (the host's random numbers).
 * @vm: the guest.
 *
 * Return: 0 or -%EBUSY.
 */
int lg_add_rng(struct lg_vm *vm)
{
	if (check_unstarted(vm, "--rng"))
		return -EBUSY;
	vm->l.devs.rng = true;
	return 0;
}

/**
 * lg_set_log() - where the guest's serial port (its kernel's messages,
 *	given console=ttyS0) is written.
 * @vm: the guest.
 * @fd: a console file (regular file, pipe, terminal), or -1 to discard
 *	it; lg_start() writes to stdout unless this is called.  The caller
 *	keeps it open until lg_wait() returns.
 *
 * Return: 0 or -%EBUSY.
 */
int lg_set_log(struct lg_vm *vm, int fd)
{
	if (check_unstarted(vm, "--log"))
		return -EBUSY;
	vm->log_fd = fd;
	vm->log_set = true;
	return 0;
}

/* open_image: open a file named for the guest; a regular, non-empty one. */
static int open_image(struct lg_vm *vm, const char *what, const char *path)
{
	struct stat st;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return lg_fail(vm, errno, "cannot open %s '%s': %s", what, path,
			       strerror(errno));
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size == 0) {
		close(fd);
		return lg_fail(vm, EINVAL, "%s '%s' is %s", what, path,
			       S_ISREG(st.st_mode) ? "empty" : "not a regular file");
	}
	return fd;
}

/*
 * append_mmio_params: the command line with virtio_mmio.device= for every
 * device.  boot_plan() still checks its length against the kernel's limit.
 */
static int append_mmio_params(struct lg_vm *vm)
{
	char params[LGUEST_MMIO_MAX * 48];

	if (devopts_cmdline(&vm->l.devs, params, sizeof(params)) < 0 ||
	    snprintf(vm->cmdline, sizeof(vm->cmdline), "%s%s", vm->l.append,
		     params) >= (int)sizeof(vm->cmdline))
		return lg_fail(vm, E2BIG, "--mmio-cmdline: the command line would be too long");
	vm->l.append = vm->cmdline;
	return 0;
}

/*
 * prepare_kernel: check the kernel and plan its memory, before the
 * hypervisor is asked for anything.
 */
static int prepare_kernel(struct lg_vm *vm, struct kernel_image *bz,
			  struct boot_layout *lay, int *kernel_fd, int *initrd_fd)
{
	struct launch *l = &vm->l;
	uint64_t initrd_size = 0;
	struct stat st;
	int r;

	*kernel_fd = open_image(vm, "kernel", l->kernel);
	if (*kernel_fd < 0)
		return *kernel_fd;
	if (l->initrd) {
		*initrd_fd = open_image(vm, "initrd", l->initrd);
		if (*initrd_fd < 0)
			return *initrd_fd;
		if (fstat(*initrd_fd, &st) < 0)
			return lg_fail(vm, errno, "initrd '%s': %s", l->initrd, strerror(errno));
		initrd_size = st.st_size;
	}
	if (kernel_read(bz, *kernel_fd, l->kernel, vm->err) < 0)
		return -EINVAL;
	if (vm->extra_len && (bz->multiboot || !l->initrd))
		return lg_fail(vm, EINVAL, "kernel '%s': files for the guest need a Linux kernel and an initrd",
			       l->kernel);
	/* A Multiboot kernel's arguments are argv[1...]: none by default. */
	if (!l->append)
		l->append = bz->multiboot ? "" : DEFAULT_CMDLINE;
	if (l->mmio_cmdline && (r = append_mmio_params(vm)) < 0)
		return r;
	/*
	 * The kernel looks for the next archive at a multiple of 4 from the
	 * start, skipping zeros: pad before ours.
	 */
	if (vm->extra_len && initrd_size % 4) {
		size_t pad = 4 - initrd_size % 4;
		uint8_t *p = realloc(vm->extra, vm->extra_len + pad);

		if (!p)
			return lg_fail(vm, ENOMEM, "out of memory");
		memmove(p + pad, p, vm->extra_len);
		memset(p, 0, pad);
		vm->extra = p;
		vm->extra_len += pad;
	}
	r = plan_kernel(l, bz, lay, initrd_size + vm->extra_len, vm->err);
	if (r < 0)
		return r;
	lay->initrd_extra = vm->extra;
	lay->initrd_extra_len = vm->extra_len;
	lay->cpus = l->cpus;
	return 0;
}

/*T:010 Every guest is set up by liblguest, which is deliberately dull: it collects the machine asked for, opens
 * every file it was given before touching the hypervisor (so a typo is
 * reported as a typo, not as a module problem), and only then opens
 * /dev/lguest, creates the guest, loads it and hands over its devices. :*/
/**
 * lg_prepare() - set the guest up: files, /dev/lguest, RAM, devices,
 *	registers, consoles.
 * @vm: the guest, as set so far.
 * @con: the serial port's files (&struct lguest_console).
 *
 * Return: 0 or a negative errno; lg_destroy() undoes what was done.
 */
int lg_prepare(struct lg_vm *vm, struct lguest_console *con)
{
	struct launch *l = &vm->l;
	struct kernel_image bz;
	struct boot_layout lay;
	int kernel_fd = -1, initrd_fd = -1, raw_fd = -1, fd, r;

	if (vm->prepared)
		return lg_fail(vm, EBUSY, "the guest is already set up");
	vm->prepared = true;
	vm->hv_error = false;
	if (!l->kernel == !l->raw) {
		r = lg_fail(vm, EINVAL, "give exactly one of a kernel or a raw image");
		goto close_files;
	}
	if (l->raw && l->devs.n) {
		r = lg_fail(vm, EINVAL, "a raw guest has no devices");
		goto close_files;
	}
	if (devopts_finish(&l->devs, vm->err) < 0 || devopts_open(&l->devs, vm->err) < 0) {
		r = -EINVAL;
		goto close_files;
	}
	if (l->raw) {
		raw_fd = open_image(vm, "raw image", l->raw);
		r = raw_fd;
	} else {
		r = prepare_kernel(vm, &bz, &lay, &kernel_fd, &initrd_fd);
	}
	if (r < 0)
		goto close_files;
	if (l->devs.console && (r = console_fds(&l->devs, vm->err)) < 0)
		goto close_files;
	if (l->verbose)
		print_devices(l);

	/* From here on, a failure is the module's, bar a file's contents. */
	vm->hv_error = true;
	fd = open_lguest(vm->err);
	if (fd < 0) {
		r = fd;
		goto close_files;
	}
	r = create_guest(&vm->g, fd, l, vm->err);
	if (r < 0)
		goto close_files;
	r = add_devices(&vm->g, l, vm->err);
	if (r < 0)
		goto close_files;
	/* A console dropped for want of lguest_dev.ko: stdin goes to ttyS0. */
	if (vm->serial_stdin && !l->devs.console && fcntl(STDIN_FILENO, F_GETFD) >= 0)
		con->in_fd = STDIN_FILENO;
	if (l->raw) {
		r = load_file(&vm->g, raw_fd, "raw image", l->raw, LGUEST_RAW_LOAD, vm->err);
		vm->hv_error = !r;
		if (!r)
			r = setup_raw(&vm->g, vm->err);
		if (!r && l->verbose)
			fprintf(stderr, "lguest: raw guest '%s', %" PRIu64 " MiB of RAM\n",
				l->raw, l->mem >> 20);
	} else {
		r = setup_kernel(&vm->g, l, &bz, &lay, kernel_fd, initrd_fd, vm->err);
		vm->hv_error = r != -EIO;	/* boot_load(): the files */
	}
	if (r < 0)
		goto close_files;
	/* The module takes files that cannot hold files (uapi header). */
	if (ioctl(vm->g.fd, LGUEST_SET_CONSOLE, con) < 0)
		r = lg_fail(vm, errno, "LGUEST_SET_CONSOLE: %s%s", strerror(errno),
			    errno == EINVAL ? ": a console file is of a kind the module refuses (a unix socket?): use a pipe" : "");
close_files:
	devopts_close(&l->devs);
	if (kernel_fd >= 0)
		close(kernel_fd);
	if (initrd_fd >= 0)
		close(initrd_fd);
	if (raw_fd >= 0)
		close(raw_fd);
	return r < 0 ? r : 0;
}

/* The signal that makes a vCPU's LGUEST_RUN, or the pump's read, return. */
static int kick_signal(void)
{
	return SIGRTMIN + 1;
}

static void kick_handler(int sig)
{
}

/**
 * lg_thread_signals() - at the start of each of our threads: let the kick
 *	in, whatever mask the program's thread had (signalfd users block it).
 */
void lg_thread_signals(void)
{
	sigset_t kick;

	sigemptyset(&kick);
	sigaddset(&kick, kick_signal());
	pthread_sigmask(SIG_UNBLOCK, &kick, NULL);
}

/*
 * lg_record: the first ending seen is the guest's; wake lg_wait().  A
 * command's status comes through the exit port as (V << 1) | 1.
 */
static void lg_record(struct lg_vm *vm, const struct lguest_run *run, int e)
{
	pthread_mutex_lock(&vm->lock);
	if (!vm->stopped) {
		vm->stopped = true;
		memset(&vm->exit, 0, sizeof(vm->exit));
		if (e) {
			vm->exit.reason = LG_EXIT_KILLED;
			/* strerrordesc_np() reads no locale files (lockdown). */
			snprintf(vm->exit.message, sizeof(vm->exit.message),
				 "LGUEST_RUN: %s", strerrordesc_np(e));
		} else {
			vm->exit.reason = run->reason;
			vm->exit.status = run->status;
			if (run->reason == LGUEST_EXIT_TEST && vm->command)
				vm->exit.status = (run->status >> 1) & 0xff;
			if (run->reason == LGUEST_EXIT_KILLED)
				snprintf(vm->exit.message, sizeof(vm->exit.message), "%.*s",
					 (int)sizeof(run->kill_reason), run->kill_reason);
		}
		pthread_cond_broadcast(&vm->cond);
	}
	pthread_mutex_unlock(&vm->lock);
}

/* run_vcpu: LGUEST_RUN until the guest stops, or lg_destroy() asks. */
static void run_vcpu(struct lg_vm *vm, unsigned int id)
{
	struct lguest_run run;

	while (!__atomic_load_n(&vm->destroying, __ATOMIC_ACQUIRE)) {
		if (ioctl(vm->g.vcpu_fd[id], LGUEST_RUN, &run) == 0) {
			lg_record(vm, &run, 0);
			return;
		}
		if (errno != EINTR) {
			lg_record(vm, NULL, errno);
			return;
		}
	}
}

static void *vcpu_thread(void *p)
{
	struct lg_vcpu_arg *a = p;

	lg_thread_signals();
	run_vcpu(a->vm, a->id);
	return NULL;
}

/*T:050 Then the library simply asks the module to run the guest: one
 * thread per vCPU, each in LGUEST_RUN on its own vCPU's file, again and
 * again if a harmless signal interrupts it.  Everything the guest does is
 * handled in the kernel, IPIs between vCPUs included; LGUEST_RUN only comes
 * back when the guest has stopped itself or been killed, and then on every
 * vCPU with the same reason: the first thread to see it records it for
 * lg_wait().  The sandbox locks itself down just before: after this point
 * the process only runs guests, and a seccomp filter holds it to that. :*/
/**
 * lg_launch() - lock down if asked, then start the vCPU threads (and the
 *	stdin pump of a command).
 * @vm: the guest, from lg_prepare().
 *
 * Return: 0 or a negative errno.
 */
int lg_launch(struct lg_vm *vm)
{
	struct sigaction sa = { .sa_handler = kick_handler };
	unsigned int i;
	int e;

	/* No SA_RESTART: the kick must end the system call it lands in. */
	sigemptyset(&sa.sa_mask);
	if (sigaction(kick_signal(), &sa, NULL) < 0)
		return lg_fail(vm, errno, "sigaction: %s", strerror(errno));
	/* The extractor of --output is a process: it must exist before. */
	if (vm->output_dir && (e = lg_output_start(vm)) < 0)
		return e;
	if ((vm->flags & LG_F_LOCKDOWN) && (e = lockdown_apply(vm->err)) < 0) {
		vm->hv_error = true;
		return e;
	}
	if (vm->command && (e = lg_start_pump(vm)) < 0)
		return e;
	for (i = 0; i < vm->g.ncpus; i++) {
		vm->args[i] = (struct lg_vcpu_arg){ .vm = vm, .id = i };
		e = pthread_create(&vm->tid[i], NULL, vcpu_thread, &vm->args[i]);
		if (e)
			return lg_fail(vm, e, "cannot start the thread of vCPU %u: %s", i,
				       strerrordesc_np(e));
		vm->nthreads++;
	}
	if (vm->flags & LG_F_LOCKDOWN)
		lockdown_selftest();
	return 0;
}

/**
 * lg_start() - boot the kernel (or raw image) as set: the serial port on
 *	stdout (or lg_set_log()'s file), a virtio console on stdin and stdout
 *	unless %LG_F_SERIAL_CONSOLE.
 * @vm: the guest.
 *
 * Returns once the vCPU threads run; lg_wait() says how the guest ended.
 *
 * Return: 0 or a negative errno.
 */
int lg_start(struct lg_vm *vm)
{
	struct lguest_console con = { .out_fd = STDOUT_FILENO, .in_fd = -1 };
	int r;

	if (vm->log_set)
		con.out_fd = vm->log_fd;
	vm->l.devs.console = vm->l.kernel && !vm->l.serial_console;
	if (vm->l.raw && (vm->l.console_given || vm->l.mmio_cmdline))
		return lg_fail(vm, EINVAL, "a raw guest has only the serial port");
	/* The serial port reads stdin, if we have one and no virtio console. */
	vm->serial_stdin = true;
	r = lg_prepare(vm, &con);
	if (r < 0)
		return r;
	return lg_launch(vm);
}

/**
 * lg_wait() - wait for the guest to end.
 * @vm: the guest, started.
 * @timeout_ms: at most this long; negative for no limit.
 * @exit: how it ended.
 *
 * With lg_set_output(), the results are unpacked here, once the command
 * has ended.
 *
 * Return: 0, -%ETIMEDOUT (the guest still runs: lg_destroy() ends it),
 * -%EINVAL if it was never started, or the error of unpacking the results
 * (@exit is filled in).
 */
int lg_wait(struct lg_vm *vm, int timeout_ms, struct lg_exit *exit)
{
	struct timespec until;
	int r = 0;

	if (!vm->nthreads)
		return lg_fail(vm, EINVAL, "the guest was never started");
	clock_gettime(CLOCK_MONOTONIC, &until);
	until.tv_sec += timeout_ms / 1000;
	until.tv_nsec += (long)(timeout_ms % 1000) * 1000000;
	if (until.tv_nsec >= 1000000000) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000;
	}
	pthread_mutex_lock(&vm->lock);
	while (!vm->stopped && r != ETIMEDOUT) {
		if (timeout_ms < 0)
			r = pthread_cond_wait(&vm->cond, &vm->lock);
		else
			r = pthread_cond_timedwait(&vm->cond, &vm->lock, &until);
	}
	if (vm->stopped)
		*exit = vm->exit;
	pthread_mutex_unlock(&vm->lock);
	if (!vm->stopped)
		return lg_fail(vm, ETIMEDOUT, "the guest still runs after %d ms", timeout_ms);
	/* A command that ended (whatever its status) left its results. */
	if (vm->output_started && !vm->output_done)
		return lg_output_finish(vm, exit->reason == LG_EXIT_TEST);
	return 0;
}

/**
 * lg_dump_ram() - write the guest's RAM to a file, once it has ended.
 * @vm: the guest.
 * @path: the file, created or truncated, mode 0600.
 *
 * Return: 0 or a negative errno.
 */
int lg_dump_ram(struct lg_vm *vm, const char *path)
{
	if (vm->g.ram == MAP_FAILED)
		return lg_fail(vm, EINVAL, "the guest has no RAM yet");
	if (vm->flags & LG_F_LOCKDOWN)
		return lg_fail(vm, EPERM, "cannot write '%s': the process is locked down", path);
	return dump_ram(&vm->g, path, vm->err);
}

/* Kick @tid until it ends: a kick may land just before a system call. */
static void kick_join(pthread_t tid)
{
	struct timespec ts;

	for (;;) {
		pthread_kill(tid, kick_signal());
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += 10 * 1000000;
		if (ts.tv_nsec >= 1000000000) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000;
		}
		if (pthread_timedjoin_np(tid, NULL, &ts) == 0)
			return;
	}
}

/**
 * lg_destroy() - stop the guest if it runs, and free everything: the
 *	module frees the guest when the last of its files is closed.
 * @vm: the guest, or NULL.
 */
void lg_destroy(struct lg_vm *vm)
{
	unsigned int i;

	if (!vm)
		return;
	__atomic_store_n(&vm->destroying, true, __ATOMIC_RELEASE);
	for (i = 0; i < vm->nthreads; i++)
		kick_join(vm->tid[i]);
	if (vm->pump_started)
		kick_join(vm->pump);
	if (vm->output_started && !vm->output_done)
		lg_output_finish(vm, false);
	lg_command_free(vm);
	devopts_close(&vm->l.devs);
	guest_close(&vm->g);
	for (i = 0; i < vm->nowned; i++)
		free(vm->owned[i]);
	free(vm->owned);
	pthread_cond_destroy(&vm->cond);
	pthread_mutex_destroy(&vm->lock);
	free(vm);
}

/**
 * lg_run_raw() - run a flat image to HLT in this thread: create the guest,
 *	load @image at %LGUEST_RAW_LOAD, enter it there in 64-bit mode (the
 *	uapi header's --raw convention: RDI is the RAM size), and return
 *	when a vCPU executes HLT (%LG_EXIT_HLT) or the guest ends otherwise;
 *	a signal handled meanwhile ends it with -%EINTR (the guest is then
 *	only good for lg_read_mem() and lg_destroy()).
 * @vm: the guest, its memory and paging set; no kernel, devices or files.
 * @image: the code.
 * @len: its bytes; it must fit in RAM above %LGUEST_RAW_LOAD.
 * @exit: how it ended; then lg_read_mem() reads its results.
 *
 * Return: 0 or a negative errno.
 */
int lg_run_raw(struct lg_vm *vm, const void *image, size_t len, struct lg_exit *exit)
{
	struct lguest_run run;
	int fd, r;

	if (vm->prepared)
		return lg_fail(vm, EBUSY, "the guest is already set up");
	if (vm->l.kernel || vm->l.raw || vm->l.devs.n || vm->l.devs.rng || vm->nfiles)
		return lg_fail(vm, EINVAL, "a raw guest has no kernel, devices or files");
	if (vm->flags & LG_F_LOCKDOWN)
		return lg_fail(vm, EINVAL, "lg_run_raw() runs in the caller's thread: it does not lock down");
	if (len > vm->l.mem || LGUEST_RAW_LOAD > vm->l.mem - len)
		return lg_fail(vm, EFBIG, "a %zu-byte image does not fit in %" PRIu64 " MiB of RAM at 0x%x",
			       len, vm->l.mem >> 20, LGUEST_RAW_LOAD);
	vm->prepared = true;
	vm->l.hlt_exit = true;
	vm->l.cpus = 1;
	fd = open_lguest(vm->err);
	if (fd < 0)
		return fd;
	r = create_guest(&vm->g, fd, &vm->l, vm->err);
	if (r < 0)
		return r;
	memcpy(vm->g.ram + LGUEST_RAW_LOAD, image, len);
	r = setup_raw(&vm->g, vm->err);
	if (r < 0)
		return r;
	/* A signal ends the run: the caller's way to bound it (alarm()). */
	if (ioctl(vm->g.vcpu_fd[0], LGUEST_RUN, &run) < 0)
		return lg_fail(vm, errno, "LGUEST_RUN: %s", strerror(errno));
	vm->command = false;
	memset(exit, 0, sizeof(*exit));
	exit->reason = run.reason;
	exit->status = run.status;
	if (run.reason == LGUEST_EXIT_KILLED)
		snprintf(exit->message, sizeof(exit->message), "%.*s",
			 (int)sizeof(run.kill_reason), run.kill_reason);
	return 0;
}

/**
 * lg_read_mem() - copy guest RAM out, once the guest has ended (or while
 *	it runs, racing with it).
 * @vm: the guest, set up.
 * @gpa: guest-physical address.
 * @buf: where the bytes go.
 * @len: how many.
 *
 * Return: 0 or -%EFAULT outside guest RAM (overflow included).
 */
int lg_read_mem(struct lg_vm *vm, uint64_t gpa, void *buf, size_t len)
{
	if (vm->g.ram == MAP_FAILED)
		return lg_fail(vm, EINVAL, "the guest has no RAM yet");
	if (len > vm->g.mem || gpa > vm->g.mem - len)
		return lg_fail(vm, EFAULT, "0x%" PRIx64 "+%zu is outside guest RAM", gpa, len);
	memcpy(buf, vm->g.ram + gpa, len);
	return 0;
}
