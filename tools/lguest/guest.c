// SPDX-License-Identifier: GPL-2.0
/*
 * guest.c - the launcher's work on one guest: create it and map its RAM,
 * load a raw image or a kernel (bzImage, vmlinux, Multiboot) with its
 * initrd and tables, set the registers of its entry, hand its devices to
 * the module, and run it until it stops.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/lguest.h>

#include "acpi.h"
#include "launcher.h"
#include "util.h"

static void xioctl(int fd, unsigned long req, void *arg, const char *what)
{
	if (ioctl(fd, req, arg) < 0)
		die(EXIT_FAILURE_RT, "%s: %s", what, strerror(errno));
}

/*T:030 The launcher asks the module for a guest of the requested size, then
 * maps that guest's RAM into its own address space: from here on, loading
 * an image is a read() into guest memory. :*/
/**
 * create_guest() - create the guest and map its RAM.
 * @g: filled in.
 * @lg_fd: the open /dev/lguest.
 * @mem: RAM in bytes.
 * @l: the user's wishes (--paging, -v).
 */
void create_guest(struct guest *g, int lg_fd, uint64_t mem, const struct launch *l)
{
	struct lguest_create c = { .mem_size = mem, .flags = l->paging };
	int mode;

	g->fd = lg_fd;
	g->mem = mem;
	mode = ioctl(lg_fd, LGUEST_CREATE, &c);
	if (mode < 0 && errno == EOPNOTSUPP)
		die(EXIT_FAILURE_RT, "--paging npt: this CPU has no nested paging (try --paging shadow)");
	if (mode < 0)
		die(EXIT_FAILURE_RT, "cannot create a guest with %" PRIu64 " MiB of RAM: %s",
		    mem >> 20, strerror(errno));
	if (l->verbose)
		fprintf(stderr, "lguest: paging: %s\n",
			mode == LGUEST_PAGING_SHADOW ? "shadow" :
			mode == LGUEST_PAGING_NPT ? "npt" : "unknown");
	g->ram = mmap(NULL, mem, PROT_READ | PROT_WRITE, MAP_SHARED, lg_fd, 0);
	if (g->ram == MAP_FAILED)
		die(EXIT_FAILURE_RT, "cannot map guest RAM: %s", strerror(errno));
	for (g->ncpus = 0; g->ncpus < l->cpus; g->ncpus++) {
		g->vcpu_fd[g->ncpus] = ioctl(lg_fd, LGUEST_CREATE_VCPU, g->ncpus);
		if (g->vcpu_fd[g->ncpus] < 0)
			die(EXIT_FAILURE_RT, "cannot create vCPU %u: %s", g->ncpus,
			    strerror(errno));
	}
}

/**
 * load_file() - read a whole file into guest RAM, checking it fits.
 * @g: the guest.
 * @fd: the open file.
 * @what: what it is, for messages ("raw image").
 * @path: its name, for messages.
 * @gpa: where in guest RAM it goes.
 *
 * Return: its size in bytes; exits with a message on any failure.
 */
uint64_t load_file(struct guest *g, int fd, const char *what, const char *path,
		   uint64_t gpa)
{
	struct stat st;
	uint64_t done = 0;

	if (fstat(fd, &st) < 0)
		die(EXIT_USAGE, "%s '%s': %s", what, path, strerror(errno));
	if ((uint64_t)st.st_size > g->mem || gpa > g->mem - st.st_size)
		die(EXIT_USAGE, "%s '%s' (%lld bytes) does not fit in %" PRIu64 " MiB of guest RAM at 0x%" PRIx64,
		    what, path, (long long)st.st_size, g->mem >> 20, gpa);
	while (done < (uint64_t)st.st_size) {
		ssize_t n = pread(fd, g->ram + gpa + done, st.st_size - done, done);

		if (n <= 0)
			die(EXIT_USAGE, "cannot read %s '%s': %s", what, path,
			    n ? strerror(errno) : "unexpected end of file");
		done += n;
	}
	return done;
}

/*
 * enter_at: give the vCPU the registers of an entry (boot.c), the one
 * path for raw images and kernels.  The module checks them against
 * the rules VMRUN enforces before it takes them.
 */
static void enter_at(struct guest *g, const struct boot_entry *e)
{
	struct lguest_sregs sregs;
	struct lguest_regs regs;

	xioctl(g->vcpu_fd[0], LGUEST_GET_SREGS, &sregs, "LGUEST_GET_SREGS");
	boot_entry_regs(e, &sregs, &regs);
	xioctl(g->vcpu_fd[0], LGUEST_SET_SREGS, &sregs, "LGUEST_SET_SREGS");
	xioctl(g->vcpu_fd[0], LGUEST_SET_REGS, &regs, "LGUEST_SET_REGS");
}

/*T:040 A raw guest starts the way the uapi header promises: in 64-bit
 * mode, with all of RAM identity-mapped by 2 MiB pages, a three-entry GDT
 * and no IDT.  The launcher builds those tables in guest memory and then
 * sets the registers through the module, which checks them against the
 * rules VMRUN enforces before accepting them. :*/
/**
 * setup_raw() - the tables and registers of a raw image's entry.
 * @g: the guest, its image loaded at %LGUEST_RAW_LOAD.
 */
void setup_raw(struct guest *g)
{
	const struct boot_entry e = {
		.gdt = LGUEST_RAW_GDT, .cs = 0x08, .pml4 = LGUEST_RAW_PML4,
		.rip = LGUEST_RAW_LOAD, .rsp = LGUEST_RAW_LOAD, .rdi = g->mem,
	};

	boot_entry_tables(g->ram, g->mem, &e);
	enter_at(g, &e);
}

static void dump_ram(struct guest *g, const char *path)
{
	uint64_t done = 0;
	int fd;

	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		die(EXIT_FAILURE_RT, "cannot create '%s': %s", path, strerror(errno));
	while (done < g->mem) {
		ssize_t n = write(fd, g->ram + done, g->mem - done);

		if (n <= 0)
			die(EXIT_FAILURE_RT, "cannot write '%s': %s", path, strerror(errno));
		done += n;
	}
	close(fd);
}

/* Whoever sees the guest stop first reports it; the others wait for exit(). */
static pthread_mutex_t stop_lock = PTHREAD_MUTEX_INITIALIZER;

/* run_vcpu: run vCPU @id until the guest stops; the launcher's status. */
static int run_vcpu(struct guest *g, const struct launch *l, unsigned int id)
{
	struct lguest_run run;

	for (;;) {
		if (ioctl(g->vcpu_fd[id], LGUEST_RUN, &run) == 0)
			break;
		if (errno != EINTR)
			die(EXIT_FAILURE_RT, "LGUEST_RUN: %s", strerror(errno));
	}
	pthread_mutex_lock(&stop_lock);
	fflush(stdout);
	if (l->dump_ram)
		dump_ram(g, l->dump_ram);
	switch (run.reason) {
	case LGUEST_EXIT_POWEROFF:
		if (run.status)
			die(EXIT_FAILURE_RT, "guest powered off with status %u", run.status);
		return EXIT_GUEST_OK;
	case LGUEST_EXIT_KILLED:
		run.kill_reason[sizeof(run.kill_reason) - 1] = '\0';
		die(EXIT_FAILURE_RT, "guest killed: %s", run.kill_reason);
	case LGUEST_EXIT_REBOOT:
		/*
		 * We do not restart it: whoever started us decides whether
		 * a reboot means "run it again".
		 */
		die(EXIT_REBOOT, "guest rebooted");
	case LGUEST_EXIT_PANIC:
		die(EXIT_PANIC, "guest kernel panicked");
	case LGUEST_EXIT_QUIT:
		if (l->verbose)
			fprintf(stderr, "lguest: quit (Ctrl-A x)\n");
		return EXIT_GUEST_OK;
	case LGUEST_EXIT_TEST:
		/* The guest's own verdict is our exit status, as under QEMU. */
		if (l->verbose)
			fprintf(stderr, "lguest: test exit, status %u\n", run.status);
		return run.status & 0xff;
	}
	die(EXIT_FAILURE_RT, "LGUEST_RUN returned unknown reason %u", run.reason);
}

struct vcpu_thread {
	struct guest *g;
	const struct launch *l;
	unsigned int id;
};

static void *vcpu_thread(void *arg)
{
	const struct vcpu_thread *t = arg;

	exit(run_vcpu(t->g, t->l, t->id));
}

/*T:050 Then the launcher simply asks the module to run the guest: one
 * thread per vCPU, each in LGUEST_RUN on its own vCPU's file, again and
 * again if a harmless signal interrupts it.  Everything the guest does is
 * handled in the kernel, IPIs between vCPUs included; LGUEST_RUN only comes
 * back when the guest has stopped itself or been killed, and then on every
 * vCPU with the same reason: the first thread to see it reports it and
 * ends the process. :*/
/**
 * run_guest() - run the guest until it stops, and say why.
 * @g: the guest, set up.
 * @l: the user's wishes (--dump-ram, -v).
 *
 * Return: the launcher's exit status (or exits with a message).
 */
int run_guest(struct guest *g, const struct launch *l)
{
	static struct vcpu_thread threads[LGUEST_MAX_VCPUS];
	pthread_t tid;
	unsigned int i;
	int err;

	for (i = 1; i < g->ncpus; i++) {
		threads[i] = (struct vcpu_thread) { .g = g, .l = l, .id = i };
		err = pthread_create(&tid, NULL, vcpu_thread, &threads[i]);
		if (err)
			die(EXIT_FAILURE_RT, "cannot start the thread of vCPU %u: %s", i,
			    strerror(err));
	}
	return run_vcpu(g, l, 0);
}

/*T:041 A kernel is checked as far as it can be without the hypervisor:
 * its headers, whether kernel, command line and initrd fit in the RAM
 * asked for.  So a wrong file or a too-small --mem is reported the same way
 * on a machine without the module, and nothing is half-built when it is. :*/
/**
 * plan_kernel() - plan a checked kernel's guest memory.
 * @l: the user's wishes (--mem, --append, --initrd).
 * @bz: the kernel, from kernel_read().
 * @lay: filled in: where everything goes.
 * @kernel_fd: the open kernel.
 * @initrd_fd: the open initrd, or -1.
 */
void plan_kernel(const struct launch *l, const struct kernel_image *bz,
		 struct boot_layout *lay, int kernel_fd, int initrd_fd)
{
	char err[BOOT_ERR_LEN];
	struct stat st;
	uint64_t initrd_size = 0;

	if (initrd_fd >= 0) {
		if (fstat(initrd_fd, &st) < 0)
			die(EXIT_USAGE, "initrd '%s': %s", l->initrd, strerror(errno));
		initrd_size = st.st_size;
	}
	if (boot_plan(lay, bz, l->mem, l->append, l->initrd, initrd_size, err) < 0)
		die(EXIT_USAGE, "%s", err);
	if (!l->verbose)
		return;
	if (bz->multiboot)
		fprintf(stderr, "lguest: kernel '%s': multiboot, %" PRIu64 " bytes at 0x%" PRIx64 "-0x%" PRIx64 ", 32-bit entry 0x%" PRIx64 "\n",
			l->kernel, bz->code_size, lay->load, lay->load_end, lay->entry);
	else
		fprintf(stderr, "lguest: kernel '%s': %s, boot protocol %u.%02u, %" PRIu64 " bytes loaded at 0x%" PRIx64 ", unpacks up to 0x%" PRIx64 ", entry 0x%" PRIx64 "\n",
			l->kernel, bz->kind, bz->version >> 8, bz->version & 0xff, bz->code_size,
			lay->load, lay->load_end, lay->entry);
	if (lay->initrd_size)
		fprintf(stderr, "lguest: initrd '%s': %s0x%" PRIx64 "-0x%" PRIx64 " (%" PRIu64 " bytes)\n",
			l->initrd, bz->multiboot ? "module 0 at " : "", lay->initrd,
			lay->initrd + lay->initrd_size, lay->initrd_size);
	/* A Multiboot kernel's starts with its name (multiboot_write()). */
	fprintf(stderr, "lguest: command line at 0x%" PRIx64 ": \"%s%s%s\"\n",
		lay->cmdline, bz->multiboot ? l->kernel : "",
		bz->multiboot && *l->append ? " " : "", l->append);
	fprintf(stderr, "lguest: %" PRIu64 " MiB of RAM, %s at 0x%" PRIx64 ", ACPI RSDP at 0x%" PRIx64 "\n",
		lay->mem >> 20, bz->multiboot ? "Multiboot information" : "boot_params",
		bz->multiboot ? lay->mb_info : lay->boot_params, lay->acpi);
}

/**
 * print_devices() - for -v, say where every device goes.
 * @l: the user's wishes, devices included.
 */
void print_devices(const struct launch *l)
{
	unsigned int i;

	for (i = 0; i < l->devs.n; i++) {
		const struct devopt *o = &l->devs.dev[i];
		const uint8_t *m = o->mac;
		char what[PATH_MAX + 64];

		if (o->type == LGUEST_DEV_BLOCK)
			snprintf(what, sizeof(what), "disk '%s'%s", o->path,
				 o->flags & LGUEST_DEV_F_READONLY ? " (read-only)" : "");
		else if (o->type == LGUEST_DEV_NET && (m[0] | m[1] | m[2] | m[3] | m[4] | m[5]))
			snprintf(what, sizeof(what), "net '%s' (mac %02x:%02x:%02x:%02x:%02x:%02x)",
				 o->name, m[0], m[1], m[2], m[3], m[4], m[5]);
		else if (o->type == LGUEST_DEV_NET)
			snprintf(what, sizeof(what), "net '%s' (random mac)", o->name);
		else if (o->type == LGUEST_DEV_CONSOLE)
			snprintf(what, sizeof(what), "console (hvc0 on stdin/stdout, Ctrl-A x quits)");
		else
			snprintf(what, sizeof(what), "rng");
		fprintf(stderr, "lguest: slot %u: %s at 0x%llx, irq %u\n", o->slot, what,
			LGUEST_MMIO_BASE + o->slot * LGUEST_MMIO_SIZE,
			(unsigned int)LGUEST_MMIO_IRQ_BASE + o->slot);
	}
}

/* add_hint: what to do about ADD_DEVICE's errno @e for @o, or "". */
static const char *add_hint(const struct devopt *o, int e)
{
	if (e == ENODEV)
		return ": no backend serves it (is lguest_dev.ko loaded? modprobe lguest_dev)";
	if (o->type == LGUEST_DEV_NET && e == EPERM)
		return ": a network interface needs CAP_NET_ADMIN in the launcher's network namespace";
	if (o->type == LGUEST_DEV_NET && e == EEXIST)
		return ": the launcher's network namespace has an interface of that name";
	if (o->type == LGUEST_DEV_CONSOLE && e == EINVAL)
		return ": stdin or stdout is of a kind the module refuses (a unix socket?): use a pipe";
	return "";
}

/**
 * add_devices() - give the module every device, in slot order.
 * @g: the guest.
 * @l: the user's wishes; a dropped default console is taken out of them.
 *
 * The module takes its own references to the files, so ours are closed
 * afterwards.  The virtio console nobody asked for by name is dropped, not
 * fatal, when no backend serves it (lguest_dev.ko not loaded): stdin then
 * goes to ttyS0.  It is the last device, and the DSDT is written after
 * this, without it.
 */
void add_devices(struct guest *g, struct launch *l)
{
	struct devopts *d = &l->devs;
	struct lguest_device_desc desc;
	unsigned int i;

	for (i = 0; i < d->n; i++) {
		const struct devopt *o = &d->dev[i];
		const char *name = o->type == LGUEST_DEV_BLOCK ? o->path : o->name;
		int e;

		devopt_desc(o, &desc);
		if (ioctl(g->fd, LGUEST_ADD_DEVICE, &desc) == 0)
			continue;
		e = errno;
		if (o->type == LGUEST_DEV_CONSOLE && e == ENODEV && !l->console_given) {
			if (l->verbose)
				fprintf(stderr, "lguest: no virtio console (lguest_dev.ko is not loaded): stdin goes to ttyS0\n");
			if (o->fd >= 0)
				close(o->fd);
			d->n--;
			d->console = false;
			break;
		}
		die(EXIT_FAILURE_RT, "cannot add %s%s%s%s: %s%s", devopt_kind(o),
		    *name ? " '" : "", name, *name ? "'" : "", strerror(e), add_hint(o, e));
	}
	devopts_close(d);
}

/**
 * setup_kernel() - load the planned kernel guest and set its registers.
 * @g: the guest.
 * @l: the user's wishes.
 * @bz: the kernel, checked by plan_kernel().
 * @lay: its layout, from plan_kernel().
 * @kernel_fd: the open kernel.
 * @initrd_fd: the open initrd, or -1.
 */
void setup_kernel(struct guest *g, const struct launch *l,
		  const struct kernel_image *bz, const struct boot_layout *lay,
		  int kernel_fd, int initrd_fd)
{
	struct acpi_mmio_dev mmio[LGUEST_MMIO_MAX];
	struct boot_entry e;
	char err[BOOT_ERR_LEN];
	unsigned int n;

	/* The DSDT describes every device the module will be given. */
	n = devopts_mmio(&l->devs, mmio);
	if (boot_load(g->ram, bz, lay, l->append, kernel_fd, initrd_fd,
		      mmio, n, err) < 0)
		die(EXIT_USAGE, "%s", err);
	boot_kernel_entry(lay, &e);
	enter_at(g, &e);
}
