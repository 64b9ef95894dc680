// SPDX-License-Identifier: GPL-2.0
/*
 * guest.c - liblguest's steps on one guest: open /dev/lguest, create the
 * guest and map its RAM, load a raw image or a kernel (bzImage, vmlinux,
 * Multiboot) with its initrd and tables, set the registers of its entry
 * and hand its devices to the module.  Each step returns a negative errno
 * and a sentence; liblguest.c runs the guest.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
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

#define fail(err, e, ...)	errnof(err, GUEST_ERR_LEN, e, __VA_ARGS__)

static int xioctl(int fd, unsigned long req, void *arg, const char *what, char *err)
{
	if (ioctl(fd, req, arg) < 0)
		return fail(err, errno, "%s: %s", what, strerror(errno));
	return 0;
}

/*T:020 /dev/lguest is the only door to the hypervisor.  The first thing
 * said through it is the ABI version: a launcher and a module from
 * different releases must find out here, with a clear message, rather than
 * by misreading each other's structures. :*/
/**
 * open_lguest() - open /dev/lguest and agree on the ABI version.
 * @err: %GUEST_ERR_LEN bytes for the reason on failure.
 *
 * Return: the open file, or a negative errno.
 */
int open_lguest(char *err)
{
	int fd, version, e;

	fd = open("/dev/lguest", O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		e = errno;
		if (e == ENOENT)
			return fail(err, e, "/dev/lguest not found: load the module first (modprobe lguest)");
		if (e == EACCES || e == EPERM)
			return fail(err, e, "cannot open /dev/lguest: %s (join the group that owns it: see udev/60-lguest.rules)",
				    strerror(e));
		return fail(err, e, "cannot open /dev/lguest: %s", strerror(e));
	}
	version = ioctl(fd, LGUEST_GET_API_VERSION);
	e = errno;
	if (version < 0) {
		close(fd);
		return fail(err, e, "/dev/lguest does not answer LGUEST_GET_API_VERSION: %s",
			    strerror(e));
	}
	if (version != LGUEST_API_VERSION) {
		close(fd);
		return fail(err, EPROTO, "module speaks ABI %d, this launcher speaks ABI %d: use matching versions",
			    version, LGUEST_API_VERSION);
	}
	return fd;
}

/*T:030 The launcher asks the module for a guest of the requested size, then
 * maps that guest's RAM into its own address space: from here on, loading
 * an image is a read() into guest memory. :*/
/**
 * create_guest() - create the guest and map its RAM.
 * @g: filled in.
 * @lg_fd: the open /dev/lguest; @g owns it from here (guest_close()).
 * @l: the machine asked for (--mem, --paging, --cpus, -v).
 * @err: %GUEST_ERR_LEN bytes for the reason on failure.
 *
 * Return: 0 or a negative errno.
 */
int create_guest(struct guest *g, int lg_fd, const struct launch *l, char *err)
{
	struct lguest_create c = { .mem_size = l->mem, .flags = l->paging };
	int mode;

	if (l->hlt_exit)
		c.flags |= LGUEST_CREATE_HLT_EXIT;
	if (l->prealloc)
		c.flags |= LGUEST_CREATE_PREALLOC;
	g->fd = lg_fd;
	g->mem = l->mem;
	g->ram = MAP_FAILED;
	g->ncpus = 0;
	mode = ioctl(lg_fd, LGUEST_CREATE, &c);
	if (mode < 0 && errno == EOPNOTSUPP)
		return fail(err, errno, "--paging npt: this CPU has no nested paging (try --paging shadow)");
	if (mode < 0)
		return fail(err, errno, "cannot create a guest with %" PRIu64 " MiB of RAM: %s",
			    l->mem >> 20, strerror(errno));
	if (l->verbose)
		fprintf(stderr, "lguest: paging: %s\n",
			mode == LGUEST_PAGING_SHADOW ? "shadow" :
			mode == LGUEST_PAGING_NPT ? "npt" : "unknown");
	g->ram = mmap(NULL, l->mem, PROT_READ | PROT_WRITE, MAP_SHARED, lg_fd, 0);
	if (g->ram == MAP_FAILED)
		return fail(err, errno, "cannot map guest RAM: %s", strerror(errno));
	for (g->ncpus = 0; g->ncpus < l->cpus; g->ncpus++) {
		g->vcpu_fd[g->ncpus] = ioctl(lg_fd, LGUEST_CREATE_VCPU, g->ncpus);
		if (g->vcpu_fd[g->ncpus] < 0)
			return fail(err, errno, "cannot create vCPU %u: %s", g->ncpus,
				    strerror(errno));
	}
	return 0;
}

/**
 * guest_close() - unmap the guest's RAM and close its files: once the last
 *	is closed, the module frees the guest.
 * @g: the guest, from create_guest() (whether or not it succeeded).
 */
void guest_close(struct guest *g)
{
	unsigned int i;

	for (i = 0; i < g->ncpus; i++)
		close(g->vcpu_fd[i]);
	g->ncpus = 0;
	if (g->ram != MAP_FAILED)
		munmap(g->ram, g->mem);
	g->ram = MAP_FAILED;
	if (g->fd >= 0)
		close(g->fd);
	g->fd = -1;
}

/**
 * load_file() - read a whole file into guest RAM, checking it fits.
 * @g: the guest.
 * @fd: the open file.
 * @what: what it is, for messages ("raw image").
 * @path: its name, for messages.
 * @gpa: where in guest RAM it goes.
 * @err: %GUEST_ERR_LEN bytes for the reason on failure.
 *
 * Return: 0 or a negative errno.
 */
int load_file(struct guest *g, int fd, const char *what, const char *path,
	      uint64_t gpa, char *err)
{
	struct stat st;
	uint64_t done = 0;

	if (fstat(fd, &st) < 0)
		return fail(err, errno, "%s '%s': %s", what, path, strerror(errno));
	if ((uint64_t)st.st_size > g->mem || gpa > g->mem - st.st_size)
		return fail(err, EFBIG, "%s '%s' (%lld bytes) does not fit in %" PRIu64 " MiB of guest RAM at 0x%" PRIx64,
			    what, path, (long long)st.st_size, g->mem >> 20, gpa);
	while (done < (uint64_t)st.st_size) {
		ssize_t n = pread(fd, g->ram + gpa + done, st.st_size - done, done);

		if (n <= 0)
			return fail(err, n ? errno : EIO, "cannot read %s '%s': %s", what, path,
				    n ? strerror(errno) : "unexpected end of file");
		done += n;
	}
	return 0;
}

/*
 * enter_at: give the vCPU the registers of an entry (boot.c), the one
 * path for raw images and kernels.  The module checks them against
 * the rules VMRUN enforces before it takes them.
 */
static int enter_at(struct guest *g, const struct boot_entry *e, char *err)
{
	struct lguest_sregs sregs;
	struct lguest_regs regs;

	if (xioctl(g->vcpu_fd[0], LGUEST_GET_SREGS, &sregs, "LGUEST_GET_SREGS", err))
		return -errno;
	boot_entry_regs(e, &sregs, &regs);
	if (xioctl(g->vcpu_fd[0], LGUEST_SET_SREGS, &sregs, "LGUEST_SET_SREGS", err) ||
	    xioctl(g->vcpu_fd[0], LGUEST_SET_REGS, &regs, "LGUEST_SET_REGS", err))
		return -errno;
	return 0;
}

/*T:040 A raw guest starts the way the uapi header promises: in 64-bit
 * mode, with all of RAM identity-mapped by 2 MiB pages, a three-entry GDT
 * and no IDT.  The launcher builds those tables in guest memory and then
 * sets the registers through the module, which checks them against the
 * rules VMRUN enforces before accepting them. :*/
/**
 * setup_raw() - the tables and registers of a raw image's entry.
 * @g: the guest, its image loaded at %LGUEST_RAW_LOAD.
 * @err: %GUEST_ERR_LEN bytes for the reason on failure.
 *
 * Return: 0 or a negative errno.
 */
int setup_raw(struct guest *g, char *err)
{
	const struct boot_entry e = {
		.gdt = LGUEST_RAW_GDT, .cs = 0x08, .pml4 = LGUEST_RAW_PML4,
		.rip = LGUEST_RAW_LOAD, .rsp = LGUEST_RAW_LOAD, .rdi = g->mem,
	};

	boot_entry_tables(g->ram, g->mem, &e);
	return enter_at(g, &e, err);
}

/**
 * dump_ram() - write the guest's RAM to a file (--dump-ram).
 * @g: the guest.
 * @path: the file, created or truncated, mode 0600.
 * @err: %GUEST_ERR_LEN bytes for the reason on failure.
 *
 * Return: 0 or a negative errno.
 */
int dump_ram(struct guest *g, const char *path, char *err)
{
	uint64_t done = 0;
	int fd, e;

	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return fail(err, errno, "cannot create '%s': %s", path, strerror(errno));
	while (done < g->mem) {
		ssize_t n = write(fd, g->ram + done, g->mem - done);

		if (n <= 0) {
			e = n ? errno : EIO;
			close(fd);
			return fail(err, e, "cannot write '%s': %s", path, strerror(e));
		}
		done += n;
	}
	close(fd);
	return 0;
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
 * @initrd_size: the initrd's bytes (0 for none).
 * @err: %GUEST_ERR_LEN bytes for the reason on failure.
 *
 * Return: 0 or -%EINVAL.
 */
int plan_kernel(const struct launch *l, const struct kernel_image *bz,
		struct boot_layout *lay, uint64_t initrd_size, char *err)
{
	if (boot_plan(lay, bz, l->mem, l->append, l->initrd, initrd_size, err) < 0)
		return -EINVAL;
	if (!l->verbose)
		return 0;
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
	return 0;
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
		else if (o->type == LGUEST_DEV_CONSOLE && (o->flags & LGUEST_DEV_F_ESCAPE))
			snprintf(what, sizeof(what), "console (hvc0 on stdin/stdout, Ctrl-A x quits)");
		else if (o->type == LGUEST_DEV_CONSOLE)
			snprintf(what, sizeof(what), "console");
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
	if (e == EOPNOTSUPP)
		return ": that device type is not built into lguest_dev (its CONFIG_LGUEST_DEV_ option was off)";
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
 * @err: %GUEST_ERR_LEN bytes for the reason on failure.
 *
 * The module takes its own references to the files, so ours are closed
 * afterwards.  The virtio console nobody asked for by name is dropped, not
 * fatal, when no backend serves it (lguest_dev.ko not loaded, or built
 * without CONFIG_LGUEST_DEV_CONSOLE): stdin then goes to ttyS0.  It is the last device, and the DSDT is written after
 * this, without it.
 *
 * Return: 0 or a negative errno.
 */
int add_devices(struct guest *g, struct launch *l, char *err)
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
		if (o->type == LGUEST_DEV_CONSOLE && (e == ENODEV || e == EOPNOTSUPP) &&
		    !l->console_given) {
			if (l->verbose)
				fprintf(stderr, "lguest: no virtio console (%s): stdin goes to ttyS0\n",
					e == ENODEV ? "lguest_dev.ko is not loaded" :
						      "not built into lguest_dev");
			if (o->fd >= 0)
				close(o->fd);
			d->n--;
			d->console = false;
			break;
		}
		devopts_close(d);
		return fail(err, e, "cannot add %s%s%s%s: %s%s", devopt_kind(o),
			    *name ? " '" : "", name, *name ? "'" : "", strerror(e),
			    add_hint(o, e));
	}
	devopts_close(d);
	return 0;
}

/*
 * prefault: map [gpa, gpa + len) of guest RAM into us before we write it,
 * in one call, rather than take a page fault per 4 KiB page as the copy
 * runs (tens of thousands for a kernel, each a trip through the module's
 * fault handler).  Only a speed-up: a kernel without MADV_POPULATE_WRITE
 * (before 5.14) just faults as before.
 */
static void prefault(struct guest *g, uint64_t gpa, uint64_t len)
{
	uint64_t start = gpa & ~4095ULL;

	if (!len || gpa >= g->mem || len > g->mem - gpa)
		return;
	madvise(g->ram + start, gpa + len - start, MADV_POPULATE_WRITE);
}

/**
 * setup_kernel() - load the planned kernel guest and set its registers.
 * @g: the guest.
 * @l: the user's wishes.
 * @bz: the kernel, checked by plan_kernel().
 * @lay: its layout, from plan_kernel().
 * @kernel_fd: the open kernel.
 * @initrd_fd: the open initrd, or -1.
 * @err: %GUEST_ERR_LEN bytes for the reason on failure.
 *
 * Return: 0 or a negative errno.
 */
int setup_kernel(struct guest *g, const struct launch *l,
		 const struct kernel_image *bz, const struct boot_layout *lay,
		 int kernel_fd, int initrd_fd, char *err)
{
	struct acpi_mmio_dev mmio[LGUEST_MMIO_MAX];
	struct boot_entry e;
	unsigned int n, i;

	/* The DSDT describes every device the module will be given. */
	n = devopts_mmio(&l->devs, mmio);
	for (i = 0; i < bz->nsegs; i++)
		prefault(g, lay->load + bz->seg[i].at, bz->seg[i].filesz);
	prefault(g, lay->initrd, lay->initrd_size);
	if (boot_load(g->ram, bz, lay, l->append, kernel_fd, initrd_fd,
		      mmio, n, err) < 0)
		return -EIO;
	boot_kernel_entry(lay, &e);
	return enter_at(g, &e, err);
}
