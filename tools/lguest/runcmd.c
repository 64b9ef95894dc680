// SPDX-License-Identifier: GPL-2.0
/*
 * runcmd.c - liblguest's command in a throwaway guest: the files and
 * settings that travel in an extra initramfs, the three virtio consoles
 * that carry the command's stdout, stderr and stdin, and the thread that
 * frames stdin so the guest can tell its end (initramfs/lgrun.c is the
 * other side).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cpio.h"
#include "liblguest-int.h"
#include "util.h"

#ifndef LGUEST_DATADIR
#define LGUEST_DATADIR		"/usr/local/share/lguest"
#endif

/*
 * At most this share of the guest's RAM goes to the files copied in: the
 * kernel unpacks them into RAM while the archive is still there.
 */
#define FILES_RAM_SHARE		3
#define FRAME_MAX		65535
/* A command's guest is small unless asked: Firecracker's default too. */
#define RUN_DEFAULT_MEM		(128ULL << 20)
/* What the guest's init takes (initramfs/lgrun.c): refused here first. */
#define ARGS_MAX		(1U << 20)
#define ARGS_COUNT_MAX		4096

/**
 * lg_datadir() - where the default kernel and initramfs of a command's
 *	guest live: $LGUEST_DATADIR, else the build tree this was built in.
 *
 * Return: the directory.
 */
const char *lg_datadir(void)
{
	const char *d = getenv("LGUEST_DATADIR");

	return d && *d ? d : LGUEST_DATADIR;
}

/**
 * lg_add_file() - copy a host file, or a directory tree, into the guest.
 * @vm: the guest.
 * @host_path: the file or directory; read when the guest is set up.
 * @guest_path: where it appears; NULL for @host_path.  A relative path is
 *	taken from the command's working directory (lg_set_workdir()).
 *
 * Nothing else of the host is visible to the guest.
 *
 * Return: 0 or a negative errno.
 */
int lg_add_file(struct lg_vm *vm, const char *host_path, const char *guest_path)
{
	struct lg_file *f;

	if (vm->prepared)
		return lg_fail(vm, EBUSY, "--file: the guest is already set up");
	if (!*host_path || (guest_path && !*guest_path))
		return lg_fail(vm, EINVAL, "--file: an empty path");
	f = realloc(vm->files, (vm->nfiles + 1) * sizeof(*f));
	if (!f)
		return lg_fail(vm, ENOMEM, "out of memory");
	vm->files = f;
	f = &vm->files[vm->nfiles];
	f->host = lg_strdup(vm, host_path);
	f->guest = lg_strdup(vm, guest_path ? guest_path : host_path);
	if (!f->host || !f->guest)
		return lg_fail(vm, ENOMEM, "out of memory");
	vm->nfiles++;
	return 0;
}

/* lg_env_count: the variables --env has set so far. */
static unsigned int lg_env_count(const struct lg_vm *vm)
{
	unsigned int n = 0;
	size_t i;

	for (i = 0; i < vm->env_len; i++)
		n += !vm->env[i];
	return n;
}

/**
 * lg_set_env() - one NAME=VALUE in the command's environment (on top of
 *	PATH, HOME and TERM).
 * @vm: the guest.
 * @name_value: "NAME=VALUE", NAME not empty.
 *
 * Return: 0 or a negative errno.
 */
int lg_set_env(struct lg_vm *vm, const char *name_value)
{
	const char *eq = strchr(name_value, '=');
	size_t len = strlen(name_value) + 1;
	char *env;

	if (vm->prepared)
		return lg_fail(vm, EBUSY, "--env: the guest is already set up");
	if (!eq || eq == name_value)
		return lg_fail(vm, EINVAL, "--env %s: want NAME=VALUE", name_value);
	/* The guest's init adds PATH, HOME and TERM. */
	if (vm->env_len + len > ARGS_MAX || lg_env_count(vm) >= ARGS_COUNT_MAX - 3)
		return lg_fail(vm, E2BIG, "--env: more than %u bytes or %u variables",
			       ARGS_MAX, ARGS_COUNT_MAX - 3);
	env = realloc(vm->env, vm->env_len + len);
	if (!env)
		return lg_fail(vm, ENOMEM, "out of memory");
	memcpy(env + vm->env_len, name_value, len);
	vm->env = env;
	vm->env_len += len;
	return 0;
}

/**
 * lg_set_workdir() - the command's working directory in the guest.
 * @vm: the guest.
 * @dir: an absolute path (default "/").
 *
 * Return: 0 or a negative errno.
 */
int lg_set_workdir(struct lg_vm *vm, const char *dir)
{
	if (vm->prepared)
		return lg_fail(vm, EBUSY, "--workdir: the guest is already set up");
	if (dir[0] != '/')
		return lg_fail(vm, EINVAL, "--workdir %s: want an absolute path", dir);
	if (strlen(dir) >= PATH_MAX)
		return lg_fail(vm, ENAMETOOLONG, "--workdir: longer than %d bytes", PATH_MAX - 1);
	vm->workdir = lg_strdup(vm, dir);
	return vm->workdir ? 0 : lg_fail(vm, ENOMEM, "out of memory");
}

/**
 * lg_set_stdio() - the command's stdin, stdout and stderr, here.
 * @vm: the guest.
 * @in_fd: read until its end, which the command then sees; -1 for none.
 * @out_fd: a console file (regular file, pipe, terminal) or -1 to discard.
 * @err_fd: likewise.
 *
 * The default is 0, 1 and 2.  The caller keeps them open until lg_wait()
 * returns.
 *
 * Return: 0 or -%EBUSY.
 */
int lg_set_stdio(struct lg_vm *vm, int in_fd, int out_fd, int err_fd)
{
	if (vm->prepared)
		return lg_fail(vm, EBUSY, "stdio: the guest is already set up");
	vm->in_fd = in_fd;
	vm->out_fd = out_fd;
	vm->err_fd = err_fd;
	return 0;
}

/**
 * lg_set_output() - bring the files the command leaves in the guest's
 *	/output back into a host directory.
 * @vm: the guest.
 * @dir: the directory, made if missing; nothing in it is overwritten.
 *
 * The guest writes them, as a cpio archive, to a disk of its RAM's size
 * made for them (in memory, charged to us); after the command ends a
 * process forked before the lockdown unpacks it (output.c), trusting
 * nothing in it: regular files and directories only, under @dir.
 *
 * Return: 0 or a negative errno.
 */
int lg_set_output(struct lg_vm *vm, const char *dir)
{
	if (vm->prepared)
		return lg_fail(vm, EBUSY, "--output: the guest is already set up");
	if (!*dir)
		return lg_fail(vm, EINVAL, "--output: an empty path");
	vm->output_dir = lg_strdup(vm, dir);
	return vm->output_dir ? 0 : lg_fail(vm, ENOMEM, "out of memory");
}

/* add_output_disk: the in-memory disk the guest writes its results to. */
static int add_output_disk(struct lg_vm *vm)
{
	unsigned int i, disks = 0;
	int fd;

	for (i = 0; i < vm->l.devs.n; i++)
		disks += vm->l.devs.dev[i].type == LGUEST_DEV_BLOCK;
	if (disks >= 26)
		return lg_fail(vm, E2BIG, "--output: too many disks before it");
	fd = memfd_create("lguest-output", MFD_CLOEXEC);
	if (fd < 0)
		return lg_fail(vm, errno, "--output: memfd_create: %s", strerror(errno));
	if (ftruncate(fd, vm->l.mem) < 0) {
		close(fd);
		return lg_fail(vm, errno, "--output: %s", strerror(errno));
	}
	vm->output_fd = dup(fd);
	if (vm->output_fd < 0 || devopts_add_disk_fd(&vm->l.devs, fd, "(--output)", vm->err) < 0) {
		close(fd);
		return vm->output_fd < 0 ? lg_fail(vm, errno, "dup: %s", strerror(errno)) : -E2BIG;
	}
	/* Disks take slots, and names, in the order given: ours is last. */
	snprintf(vm->output_dev, sizeof(vm->output_dev), "/dev/vd%c", 'a' + disks);
	return 0;
}

/**
 * lg_output_start() - fork the extractor of --output (before lockdown).
 * @vm: the guest, set up.
 *
 * Return: 0 or a negative errno.
 */
int lg_output_start(struct lg_vm *vm)
{
	char err[OUTPUT_ERR_LEN];
	int r = output_start(&vm->output, vm->output_dir, vm->output_fd, err);

	if (r < 0)
		return lg_fail(vm, -r, "--output %s: %s", vm->output_dir, err);
	vm->output_started = true;
	return 0;
}

/**
 * lg_output_finish() - have the extractor unpack the results, or not.
 * @vm: the guest, ended.
 * @extract: the command ended: unpack.
 *
 * Return: 0 or a negative errno (the results could not be unpacked).
 */
int lg_output_finish(struct lg_vm *vm, bool extract)
{
	char err[OUTPUT_ERR_LEN];
	int r;

	vm->output_done = true;
	err[0] = '\0';
	r = output_finish(&vm->output, extract, err);
	if (r < 0)
		return lg_fail(vm, -r, "--output %s: %s", vm->output_dir, err);
	/* A note on success ("2 entries skipped: ..."): lg_error() has it. */
	vm->err[0] = '\0';
	if (err[0])
		snprintf(vm->err, sizeof(vm->err), "--output %s: %s", vm->output_dir, err);
	return 0;
}

/* guest_name: @path as the guest sees it, in @buf: relative to the workdir. */
static int guest_name(struct lg_vm *vm, const char *path, char *buf, size_t len)
{
	const char *wd = vm->workdir ? vm->workdir : "/";

	if (path[0] == '/')
		return snprintf(buf, len, "%s", path) >= (int)len ? -1 : 0;
	return snprintf(buf, len, "%s/%s", wd, path) >= (int)len ? -1 : 0;
}

/*T:015 A command's guest is the stock kernel and a small busybox
 * initramfs whose init (initramfs/lgrun.c) runs one command.  What the
 * command is, its environment and the user's files travel in a second cpio
 * archive, built here in memory and laid after the first: Linux unpacks
 * archives laid end to end.  So no host directory is shared with the
 * guest; it sees exactly what it was given. :*/
static int build_extra(struct lg_vm *vm, char *const argv[])
{
	struct cpio c;
	char cerr[CPIO_ERR_LEN], gpath[PATH_MAX];
	size_t alen = 0;
	char *args, *p;
	unsigned int i;
	int r;

	for (i = 0; argv[i] && i < ARGS_COUNT_MAX; i++)
		alen += strlen(argv[i]) + 1;
	if (argv[i] || alen > ARGS_MAX)
		return lg_fail(vm, E2BIG, "the command has more than %u arguments or %u bytes of them",
			       ARGS_COUNT_MAX, ARGS_MAX);
	if (vm->env_len > ARGS_MAX)
		return lg_fail(vm, E2BIG, "--env: more than %u bytes in all", ARGS_MAX);
	args = malloc(alen);
	if (!args)
		return lg_fail(vm, ENOMEM, "out of memory");
	for (p = args, i = 0; argv[i]; i++)
		p = stpcpy(p, argv[i]) + 1;

	cpio_init(&c, vm->l.mem / FILES_RAM_SHARE);
	r = cpio_add_dir(&c, "lgrun", 0700, cerr);
	if (!r)
		r = cpio_add_bytes(&c, "lgrun/argv", args, alen, 0600, cerr);
	if (!r && vm->env_len)
		r = cpio_add_bytes(&c, "lgrun/env", vm->env, vm->env_len, 0600, cerr);
	if (!r && vm->workdir) {
		r = cpio_add_parents(&c, vm->workdir, cerr);
		if (!r && strcmp(vm->workdir, "/"))
			r = cpio_add_dir(&c, vm->workdir, 0755, cerr);
		if (!r)
			r = cpio_add_bytes(&c, "lgrun/workdir", vm->workdir,
					   strlen(vm->workdir), 0600, cerr);
	}
	if (!r) {
		char dev[16] = "";
		unsigned int j;

		for (j = 0; j < vm->l.devs.n; j++) {
			if (vm->l.devs.dev[j].type == LGUEST_DEV_BLOCK && !strstr(dev, "blk"))
				strcat(dev, "blk ");
			if (vm->l.devs.dev[j].type == LGUEST_DEV_NET && !strstr(dev, "net"))
				strcat(dev, "net ");
		}
		r = cpio_add_bytes(&c, "lgrun/devices", dev, strlen(dev), 0600, cerr);
	}
	if (!r && vm->output_dir)
		r = cpio_add_bytes(&c, "lgrun/output", vm->output_dev,
				   strlen(vm->output_dev), 0600, cerr);
	for (i = 0; !r && i < vm->nfiles; i++) {
		if (guest_name(vm, vm->files[i].guest, gpath, sizeof(gpath)) < 0) {
			free(args);
			cpio_free(&c);
			return lg_fail(vm, ENAMETOOLONG, "--file %s: guest path too long",
				       vm->files[i].guest);
		}
		r = cpio_add_host(&c, vm->files[i].host, gpath, cerr);
	}
	if (!r)
		r = cpio_finish(&c, cerr);
	free(args);
	if (r) {
		cpio_free(&c);
		return lg_fail(vm, -r, "%s", cerr);
	}
	vm->extra = c.buf;
	vm->extra_len = c.len;
	return 0;
}

/*
 * add_group: with the default initramfs, the modules a guest with disks
 * (blk.cpio) or NICs (net.cpio) needs go in before our archive, so that
 * a guest without unpacks none of them.
 */
static int add_group(struct lg_vm *vm, uint32_t type, const char *name)
{
	char path[PATH_MAX + 16];
	struct stat st;
	uint8_t *buf;
	unsigned int i;
	int fd, r;

	for (i = 0; i < vm->l.devs.n && vm->l.devs.dev[i].type != type; i++)
		;
	if (i == vm->l.devs.n || vm->l.initrd != vm->initrd_path)
		return 0;
	snprintf(path, sizeof(path), "%s/run/%s", lg_datadir(), name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return lg_fail(vm, errno, "cannot open '%s': %s", path, strerror(errno));
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size % 4 ||
	    (uint64_t)st.st_size > vm->l.mem) {
		close(fd);
		return lg_fail(vm, EINVAL, "'%s' is not an archive of the build's", path);
	}
	buf = realloc(vm->extra, vm->extra_len + st.st_size);
	if (!buf) {
		close(fd);
		return lg_fail(vm, ENOMEM, "out of memory");
	}
	memmove(buf + st.st_size, buf, vm->extra_len);
	vm->extra = buf;
	vm->extra_len += st.st_size;
	r = pread_full(fd, buf, st.st_size, 0);
	close(fd);
	if (r < 0)
		return lg_fail(vm, EIO, "cannot read '%s'", path);
	return 0;
}

/*
 * add_consoles: hvc0 writes the command's stdout, hvc1 its stderr; hvc2
 * is the stdin channel: its input is a pipe the pump fills with frames,
 * its output a pipe on which the guest says when it is ready for them.
 */
static int add_consoles(struct lg_vm *vm)
{
	int in[2], ctl[2], out = vm->out_fd, err = vm->err_fd;
	struct devopts *d = &vm->l.devs;

	if (out < 0 || err < 0) {
		vm->null_fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
		if (vm->null_fd < 0)
			return lg_fail(vm, errno, "cannot open /dev/null: %s", strerror(errno));
		if (out < 0)
			out = vm->null_fd;
		if (err < 0)
			err = vm->null_fd;
	}
	if (vm->pump_w >= 0)
		return lg_fail(vm, EBUSY, "the consoles are already made");
	if (pipe2(in, O_CLOEXEC) < 0)
		return lg_fail(vm, errno, "pipe: %s", strerror(errno));
	if (pipe2(ctl, O_CLOEXEC) < 0) {
		close(in[0]);
		close(in[1]);
		return lg_fail(vm, errno, "pipe: %s", strerror(errno));
	}
	/* The pump never blocks on the guest: it must keep draining hvc2. */
	if (fcntl(in[1], F_SETFL, O_NONBLOCK) < 0) {
		close(in[0]);
		close(in[1]);
		close(ctl[0]);
		close(ctl[1]);
		return lg_fail(vm, errno, "fcntl: %s", strerror(errno));
	}
	vm->pump_w = in[1];
	vm->ctl_r = ctl[0];
	if (devopts_add_console(d, -1, out, vm->err) < 0 ||
	    devopts_add_console(d, -1, err, vm->err) < 0 ||
	    devopts_add_console(d, in[0], ctl[1], vm->err) < 0) {
		close(in[0]);
		close(ctl[1]);
		return -E2BIG;
	}
	/* lg_prepare() hands them over; the module keeps its own references. */
	vm->ctl_w_tmp = ctl[1];
	return 0;
}

/**
 * lg_run_command() - boot a throwaway guest that runs @argv, its stdio on
 *	lg_set_stdio()'s files.
 * @vm: the guest; with no kernel set, the default kernel and initramfs
 *	(lg_datadir()).
 * @argv: the command and its arguments, NULL-terminated; argv[0] is looked
 *	up in the guest's PATH.
 *
 * Returns once the guest runs.  lg_wait() then gives the command's exit
 * status in &struct lg_exit.status (with %LG_EXIT_TEST): as a shell gives
 * it, 128 + N for death by signal N, 126 and 127 when it cannot be run.
 *
 * Return: 0 or a negative errno.
 */
int lg_run_command(struct lg_vm *vm, char *const argv[])
{
	struct lguest_console con = { .out_fd = -1, .in_fd = -1 };
	const char *dir = lg_datadir();
	char line[sizeof(vm->cmdline)];
	int r;

	if (!argv || !argv[0] || !*argv[0])
		return lg_fail(vm, EINVAL, "no command to run");
	if (vm->prepared)
		return lg_fail(vm, EBUSY, "the guest is already set up");
	if (vm->l.raw)
		return lg_fail(vm, EINVAL, "a command needs a kernel, not a raw image");
	if (!vm->l.kernel) {
		snprintf(vm->kernel_path, sizeof(vm->kernel_path), "%s/vmlinux", dir);
		snprintf(vm->initrd_path, sizeof(vm->initrd_path), "%s/run/initramfs.cpio", dir);
		vm->l.kernel = vm->kernel_path;
		if (!vm->l.initrd)
			vm->l.initrd = vm->initrd_path;
	}
	/*
	 * A throwaway guest skips what a long-lived one checks at boot:
	 * the crypto self-tests, the IOAPIC timer check (its timer is the
	 * local APIC's), and the serial ports, unless --log reads ttyS0.
	 */
	if (snprintf(line, sizeof(line), "panic=-1 cryptomgr.notests no_timer_check %s%s%s",
		     vm->log_set && vm->log_fd >= 0 ? "console=ttyS0 8250.nr_uarts=1" :
		     "quiet 8250.nr_uarts=0",
		     vm->l.append ? " " : "", vm->l.append ? vm->l.append : "") >=
	    (int)sizeof(line))
		return lg_fail(vm, E2BIG, "--append: too long");
	memcpy(vm->cmdline, line, sizeof(line));
	vm->l.append = vm->cmdline;
	vm->command = true;
	if (!vm->mem_set)
		vm->l.mem = RUN_DEFAULT_MEM;
	if (vm->output_dir && (r = add_output_disk(vm)) < 0)
		return r;
	r = add_consoles(vm);
	if (r < 0)
		return r;
	r = build_extra(vm, argv);
	if (!r)
		r = add_group(vm, LGUEST_DEV_BLOCK, "blk.cpio");
	if (!r)
		r = add_group(vm, LGUEST_DEV_NET, "net.cpio");
	if (r < 0)
		return r;
	con.out_fd = vm->log_set ? vm->log_fd : -1;
	r = lg_prepare(vm, &con);
	close(vm->ctl_w_tmp);
	vm->ctl_w_tmp = -1;
	if (r < 0)
		return r;
	return lg_launch(vm);
}

/*T:016 The command's stdin reaches the guest through hvc2, framed: two
 * bytes of length, then the bytes, and a frame of length 0 for the end of
 * the file, which a console cannot otherwise say.  Nothing is sent before
 * the guest writes 'R' on hvc2: by then its init has put the console in raw
 * mode, so no byte is echoed or translated.  The pump never blocks on the
 * guest's side: it keeps draining what the guest writes on hvc2, so a guest
 * that floods hvc2 while ignoring its input cannot stall its own vCPU's
 * write (the module's) or us. :*/
static void *pump_thread(void *p)
{
	struct lg_vm *vm = p;
	uint8_t *buf = vm->frame;
	size_t off = 0, len = 0;	/* the frame still to write */
	bool ready = false, eof = vm->in_fd < 0, sent_end = false;
	char c[512];

	lg_thread_signals();
	while (!__atomic_load_n(&vm->destroying, __ATOMIC_ACQUIRE)) {
		struct pollfd pfd[3] = {
			{ .fd = vm->ctl_r, .events = POLLIN },
			{ .fd = -1, .events = POLLIN },
			{ .fd = -1, .events = POLLOUT },
		};
		ssize_t n;

		if (ready && len == off && !eof)
			pfd[1].fd = vm->in_fd;
		if (ready && len > off)
			pfd[2].fd = vm->pump_w;
		if (poll(pfd, 3, -1) < 0)
			continue;	/* a signal: a kick looks at destroying */
		if (pfd[0].revents) {
			n = read(vm->ctl_r, c, sizeof(c));
			if (n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN))
				break;	/* the guest is gone */
			if (n > 0 && memchr(c, 'R', n))
				ready = true;
		}
		if (pfd[1].revents) {
			n = read(vm->in_fd, buf + 2, FRAME_MAX);
			if (n < 0 && (errno == EINTR || errno == EAGAIN))
				continue;
			if (n < 0)
				fprintf(stderr, "lguest: reading stdin: %s: the command sees its end\n",
					strerrordesc_np(errno));
			if (n <= 0) {
				eof = true;
				n = 0;
			}
			put16(buf, n);
			off = 0;
			len = n + 2;
			sent_end = !n;
		}
		/* No stdin at all: its end, once the guest is ready. */
		if (ready && eof && !sent_end && len == off) {
			put16(buf, 0);
			off = 0;
			len = 2;
			sent_end = true;
		}
		if (len > off && vm->pump_w >= 0) {
			n = write(vm->pump_w, buf + off, len - off);
			if (n > 0)
				off += n;
			else if (n < 0 && errno != EAGAIN && errno != EINTR)
				off = len = 0, eof = sent_end = true;	/* the guest is gone */
			if (off == len && sent_end && vm->pump_w >= 0) {
				close(vm->pump_w);
				vm->pump_w = -1;
			}
		}
	}
	return NULL;
}

/**
 * lg_start_pump() - start the thread that frames stdin for the guest.
 * @vm: the guest, a command's, set up.
 *
 * Return: 0 or a negative errno.
 */
int lg_start_pump(struct lg_vm *vm)
{
	int e;

	vm->frame = malloc(FRAME_MAX + 2);
	if (!vm->frame)
		return lg_fail(vm, ENOMEM, "out of memory");
	e = pthread_create(&vm->pump, NULL, pump_thread, vm);
	if (e)
		return lg_fail(vm, e, "cannot start the stdin thread: %s", strerrordesc_np(e));
	vm->pump_started = true;
	return 0;
}

/* lg_command_free() - what lg_run_command() allocated (lg_destroy()). */
void lg_command_free(struct lg_vm *vm)
{
	if (vm->pump_w >= 0)
		close(vm->pump_w);
	if (vm->ctl_r >= 0)
		close(vm->ctl_r);
	if (vm->ctl_w_tmp >= 0)
		close(vm->ctl_w_tmp);
	if (vm->null_fd >= 0)
		close(vm->null_fd);
	if (vm->output_fd >= 0)
		close(vm->output_fd);
	free(vm->frame);
	free(vm->extra);
	free(vm->files);
	free(vm->env);
}
