// SPDX-License-Identifier: GPL-2.0
/*
 * lguest.c - the launcher: the trivial user-space half of lguest.  It checks
 * its arguments and files, opens /dev/lguest, agrees on the ABI version and
 * (from ABI 2 on) loads the images into guest RAM and hands over file
 * descriptors; the guest itself runs, and its devices are served, in the
 * kernel.  Every failure is one line on stderr starting "lguest: ".
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include <linux/lguest.h>

#include "acpi.h"
#include "boot.h"
#include "devopts.h"
#include "parse.h"

#define LGUEST_LAUNCHER_VERSION	"0.1"
#define DEFAULT_MEM		(256ULL << 20)
#define MIN_MEM			(2ULL << 20)
#define DEFAULT_CMDLINE		"console=ttyS0"

/* Exit statuses, documented in --help. */
enum {
	EXIT_GUEST_OK	= 0,	/* the guest powered itself off */
	EXIT_FAILURE_RT	= 1,	/* the guest was killed, or could not run */
	EXIT_USAGE	= 2,	/* bad arguments or files */
	EXIT_REBOOT	= 3,	/* the guest rebooted itself */
	EXIT_PANIC	= 4,	/* the guest's kernel panicked */
};

struct launch {
	const char *raw;	/* --raw: flat 64-bit image, entered at 1 MiB */
	const char *kernel;	/* --kernel: bzImage */
	const char *initrd;	/* --initrd */
	const char *append;	/* --append: kernel command line */
	const char *dump_ram;	/* --dump-ram: write guest RAM here at the end */
	uint64_t mem;		/* --mem: guest RAM in bytes */
	int verbose;
	bool serial_console;	/* --console serial: stdin to ttyS0, no hvc0 */
	bool console_given;	/* --console was given (else we may fall back) */
	bool mmio_cmdline;	/* --mmio-cmdline: devices on the command line too */
	unsigned int paging;	/* --paging: an LGUEST_PAGING_ value */
	struct devopts devs;	/* --disk, --net, --rng, in slot order */
};

static void __attribute__((format(printf, 2, 3), noreturn))
die(int status, const char *fmt, ...)
{
	va_list ap;

	fputs("lguest: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(status);
}

static void usage(FILE *f)
{
	fprintf(f,
"Usage: lguest --kernel BZIMAGE [--initrd FILE] [--append CMDLINE] [--mem SIZE]\n"
"                     [--disk FILE[,ro]]... [--net NAME[,mac=MAC]]... [--rng]\n"
"                     [--console virtio|serial] [--mmio-cmdline]\n"
"                     [--paging auto|npt|shadow]\n"
"       lguest --raw FILE [--mem SIZE] [--paging auto|npt|shadow]\n"
"Run a guest on the lguest hypervisor (/dev/lguest, module lguest.ko).\n"
"\n"
"  -k, --kernel FILE   Linux bzImage to boot\n"
"  -i, --initrd FILE   initial ramdisk for --kernel\n"
"  -a, --append TEXT   kernel command line for --kernel (default\n"
"                      \"" DEFAULT_CMDLINE "\")\n"
"  -r, --raw FILE      flat 64-bit image loaded and entered at 1 MiB\n"
"  -m, --mem SIZE      guest RAM, with K/M/G suffix (default 256M; rounded\n"
"                      up to 2M; at most 3G with --kernel)\n"
"      --disk FILE[,ro]\n"
"                      virtio disk on FILE (a regular file or a block\n"
"                      device), read-only with \",ro\"; repeatable\n"
"      --net NAME[,mac=xx:xx:xx:xx:xx:xx]\n"
"                      virtio network card on host interface NAME (a random\n"
"                      MAC unless given); repeatable\n"
"      --rng           virtio entropy device (the host's random numbers)\n"
"      --console virtio|serial\n"
"                      where stdin goes (default virtio, see below)\n"
"      --mmio-cmdline  also list the devices on the kernel command line\n"
"                      (virtio_mmio.device=, for kernels built with\n"
"                      CONFIG_VIRTIO_MMIO_CMDLINE_DEVICES; stock kernels\n"
"                      find them through ACPI)\n"
"      --dump-ram FILE write guest RAM to FILE when the guest stops\n"
"      --paging auto|npt|shadow\n"
"                      how guest addresses are translated: nested paging\n"
"                      (npt), shadow page tables kept by the module\n"
"                      (shadow), or npt if the CPU has it (auto); default:\n"
"                      the module's paging= parameter\n"
"  -v, --verbose       say what the launcher does\n"
"  -V, --version       print versions (launcher, ABI, loaded module) and exit\n"
"  -h, --help          print this help and exit\n"
"\n"
"A --kernel guest has two consoles on this terminal, both writing to\n"
"stdout: the serial port ttyS0 (the kernel's messages, with the default\n"
"command line) and a virtio console, hvc0, which reads stdin.  A terminal\n"
"is put in raw mode, so every key, Ctrl-C included, goes to the guest:\n"
"type Ctrl-A x to quit (exit status 0), Ctrl-A Ctrl-A to send a Ctrl-A.\n"
"With --console serial there is no hvc0: ttyS0 reads stdin, and Ctrl-C\n"
"ends the guest.  The guest needs virtio_console to use hvc0.\n"
"\n"
"Devices (--kernel only, at most %u in all) are virtio-mmio devices served\n"
"by lguest_dev.ko.  Slots go to the disks, then the nets, each in the order\n"
"given, then the rng: slot N is at 0x%llx + N * 0x%llx, IOAPIC pin %u + N.\n"
"\n"
"Exit status: 0 guest powered off, 1 guest killed or could not run,\n"
"2 bad arguments or files, 3 guest rebooted, 4 guest kernel panicked.\n"
"Errors are one line starting \"lguest: \".\n",
		(unsigned int)LGUEST_MMIO_MAX, LGUEST_MMIO_BASE, LGUEST_MMIO_SIZE,
		(unsigned int)LGUEST_MMIO_IRQ_BASE);
}

/* open_image: open a file the user named, or die saying which and why. */
static int open_image(const char *what, const char *path)
{
	struct stat st;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		die(EXIT_USAGE, "cannot open %s '%s': %s", what, path,
		    strerror(errno));
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))
		die(EXIT_USAGE, "%s '%s' is not a regular file", what, path);
	if (st.st_size == 0)
		die(EXIT_USAGE, "%s '%s' is empty", what, path);
	return fd;
}

/*T:010 The journey of a guest starts here, in user space.  The launcher is
 * deliberately dull: it reads the user's wishes, opens every file it was
 * given before touching the hypervisor (so a typo is reported as a typo, not
 * as a module problem), and only then opens /dev/lguest. :*/
static void parse_args(int argc, char **argv, struct launch *l)
{
	static const struct option opts[] = {
		{ "kernel",	required_argument, NULL, 'k' },
		{ "initrd",	required_argument, NULL, 'i' },
		{ "append",	required_argument, NULL, 'a' },
		{ "raw",	required_argument, NULL, 'r' },
		{ "mem",	required_argument, NULL, 'm' },
		{ "dump-ram",	required_argument, NULL, 'D' },
		{ "disk",	required_argument, NULL, 'd' },
		{ "net",	required_argument, NULL, 'n' },
		{ "rng",	no_argument,	   NULL, 'R' },
		{ "console",	required_argument, NULL, 'C' },
		{ "mmio-cmdline", no_argument,	   NULL, 'M' },
		{ "paging",	required_argument, NULL, 'P' },
		{ "verbose",	no_argument,	   NULL, 'v' },
		{ "version",	no_argument,	   NULL, 'V' },
		{ "help",	no_argument,	   NULL, 'h' },
		{ }
	};
	char msg[DEVOPT_ERR_LEN];
	int c, err;

	l->mem = DEFAULT_MEM;
	devopts_init(&l->devs);
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":k:i:a:r:m:vVh", opts, NULL)) != -1) {
		switch (c) {
		case 'k': l->kernel = optarg; break;
		case 'i': l->initrd = optarg; break;
		case 'a': l->append = optarg; break;
		case 'r': l->raw = optarg; break;
		case 'D': l->dump_ram = optarg; break;
		case 'v': l->verbose++; break;
		case 'R': l->devs.rng = true; break;
		case 'M': l->mmio_cmdline = true; break;
		case 'P':
			if (!strcmp(optarg, "auto"))
				l->paging = LGUEST_PAGING_AUTO;
			else if (!strcmp(optarg, "npt"))
				l->paging = LGUEST_PAGING_NPT;
			else if (!strcmp(optarg, "shadow"))
				l->paging = LGUEST_PAGING_SHADOW;
			else
				die(EXIT_USAGE, "--paging %s: want auto, npt or shadow", optarg);
			break;
		case 'C':
			if (!strcmp(optarg, "serial"))
				l->serial_console = true;
			else if (!strcmp(optarg, "virtio"))
				l->serial_console = false;
			else
				die(EXIT_USAGE, "--console %s: want virtio or serial", optarg);
			l->console_given = true;
			break;
		case 'd':
			if (devopts_add_disk(&l->devs, optarg, msg) < 0)
				die(EXIT_USAGE, "%s", msg);
			break;
		case 'n':
			if (devopts_add_net(&l->devs, optarg, msg) < 0)
				die(EXIT_USAGE, "%s", msg);
			break;
		case 'm':
			err = parse_size(optarg, &l->mem);
			if (err)
				die(EXIT_USAGE, "--mem %s: %s", optarg,
				    err == -ERANGE ? "too large" :
				    "not a size (try 256M or 1G)");
			break;
		case 'V':
			l->verbose = -1;
			return;
		case 'h':
			usage(stdout);
			exit(0);
		case ':':
			die(EXIT_USAGE, "option %s needs an argument (see --help)",
			    argv[optind - 1]);
		default:
			die(EXIT_USAGE, "unknown option '%s' (see --help)",
			    argv[optind - 1]);
		}
	}
	if (optind < argc)
		die(EXIT_USAGE, "unexpected argument '%s' (see --help)",
		    argv[optind]);
	if (!l->kernel == !l->raw)
		die(EXIT_USAGE, "give exactly one of --kernel or --raw (see --help)");
	if (l->raw && (l->initrd || l->append))
		die(EXIT_USAGE, "--initrd and --append go with --kernel, not --raw");
	if (l->raw && (l->devs.n || l->devs.rng))
		die(EXIT_USAGE, "--disk/--net/--rng need --kernel (a --raw guest has no devices)");
	if (l->raw && l->mmio_cmdline)
		die(EXIT_USAGE, "--mmio-cmdline goes with --kernel (a --raw guest has no devices)");
	/* The command line names the console's window: no dropping it later. */
	if (l->mmio_cmdline)
		l->console_given = true;
	if (l->raw && l->console_given)
		die(EXIT_USAGE, "--console goes with --kernel (a --raw guest has only the serial port)");
	l->devs.console = l->kernel && !l->serial_console;
	if (devopts_finish(&l->devs, msg) < 0)
		die(EXIT_USAGE, "%s", msg);
	if (l->mem < MIN_MEM)
		die(EXIT_USAGE, "--mem %" PRIu64 ": guest RAM must be at least %lluM",
		    l->mem, MIN_MEM >> 20);
	if (l->mem & 4095)
		die(EXIT_USAGE, "--mem %" PRIu64 ": not a multiple of 4K", l->mem);
}

/*T:020 /dev/lguest is the only door to the hypervisor.  The first thing
 * said through it is the ABI version: a launcher and a module from
 * different releases must find out here, with a clear message, rather than
 * by misreading each other's structures. :*/
static int open_lguest(void)
{
	int fd, version;

	fd = open("/dev/lguest", O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT)
			die(EXIT_FAILURE_RT, "/dev/lguest not found: load the module first (modprobe lguest)");
		die(EXIT_FAILURE_RT, "cannot open /dev/lguest: %s", strerror(errno));
	}
	version = ioctl(fd, LGUEST_GET_API_VERSION);
	if (version < 0)
		die(EXIT_FAILURE_RT, "/dev/lguest does not answer LGUEST_GET_API_VERSION: %s",
		    strerror(errno));
	if (version != LGUEST_API_VERSION)
		die(EXIT_FAILURE_RT, "module speaks ABI %d, this launcher speaks ABI %d: use matching versions",
		    version, LGUEST_API_VERSION);
	return fd;
}

static void print_version(void)
{
	int fd, version;

	printf("lguest launcher %s, ABI %d\n", LGUEST_LAUNCHER_VERSION,
	       LGUEST_API_VERSION);
	fd = open("/dev/lguest", O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		printf("module: not loaded (/dev/lguest: %s)\n", strerror(errno));
		return;
	}
	version = ioctl(fd, LGUEST_GET_API_VERSION);
	if (version < 0)
		printf("module: no answer (%s)\n", strerror(errno));
	else
		printf("module: ABI %d\n", version);
	close(fd);
}

/* The guest: its /dev/lguest file and its RAM as the launcher sees it. */
struct guest {
	int fd;
	uint8_t *ram;
	uint64_t mem;
};

static void xioctl(int fd, unsigned long req, void *arg, const char *what)
{
	if (ioctl(fd, req, arg) < 0)
		die(EXIT_FAILURE_RT, "%s: %s", what, strerror(errno));
}

/*T:030 The launcher asks the module for a guest of the requested size, then
 * maps that guest's RAM into its own address space: from here on, loading
 * an image is a read() into guest memory. :*/
static void create_guest(struct guest *g, int lg_fd, uint64_t mem,
			 const struct launch *l)
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
}

/* load_file: read a whole file into guest RAM at @gpa, checking it fits. */
static uint64_t load_file(struct guest *g, int fd, const char *what,
			  const char *path, uint64_t gpa)
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

static void put64(struct guest *g, uint64_t gpa, uint64_t val)
{
	memcpy(g->ram + gpa, &val, sizeof(val));
}

/*T:040 A raw guest starts the way the uapi header promises: in 64-bit
 * mode, with all of RAM identity-mapped by 2 MiB pages, a three-entry GDT
 * and no IDT.  The launcher builds those tables in guest memory and then
 * sets the registers through the module, which checks them against the
 * rules VMRUN enforces before accepting them. :*/
static void setup_raw(struct guest *g)
{
	struct lguest_regs regs = { 0 };
	struct lguest_sregs sregs;
	const struct lguest_segment code = {
		.selector = 0x08, .limit = 0xffffffff, .attrib = 0xa9b,
	}, data = {
		.selector = 0x10, .limit = 0xffffffff, .attrib = 0xc93,
	};

	/* PML4 -> one PDPT -> one PD per GiB, 2 MiB pages (P|RW|PS). */
	boot_identity_map(g->ram, g->mem, LGUEST_RAW_PML4);
	put64(g, LGUEST_RAW_GDT, 0);
	put64(g, LGUEST_RAW_GDT + 8, 0x00af9b000000ffffULL);
	put64(g, LGUEST_RAW_GDT + 16, 0x00cf93000000ffffULL);

	xioctl(g->fd, LGUEST_GET_SREGS, &sregs, "LGUEST_GET_SREGS");
	sregs.cs = code;
	sregs.ds = sregs.es = sregs.ss = data;
	sregs.fs = sregs.gs = (struct lguest_segment){ 0 };
	sregs.gdt = (struct lguest_dtable){ .base = LGUEST_RAW_GDT, .limit = 23 };
	sregs.idt = (struct lguest_dtable){ 0 };
	sregs.cr0 = 0x80010033;		/* PG WP NE ET MP PE */
	sregs.cr3 = LGUEST_RAW_PML4;
	sregs.cr4 = 0x620;		/* OSXMMEXCPT OSFXSR PAE */
	sregs.efer = 0xd00;		/* NXE LMA LME */
	xioctl(g->fd, LGUEST_SET_SREGS, &sregs, "LGUEST_SET_SREGS");

	regs.rip = LGUEST_RAW_LOAD;
	regs.rsp = LGUEST_RAW_LOAD;
	regs.rdi = g->mem;
	regs.rflags = 0x2;
	xioctl(g->fd, LGUEST_SET_REGS, &regs, "LGUEST_SET_REGS");
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

/*T:050 Then the launcher simply asks the module to run the guest, again and
 * again if a harmless signal interrupts it.  Everything the guest does is
 * handled in the kernel; LGUEST_RUN only comes back when the guest has
 * stopped itself or been killed. :*/
static int run_guest(struct guest *g, const struct launch *l)
{
	struct lguest_run run;

	for (;;) {
		if (ioctl(g->fd, LGUEST_RUN, &run) == 0)
			break;
		if (errno != EINTR)
			die(EXIT_FAILURE_RT, "LGUEST_RUN: %s", strerror(errno));
	}
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
	}
	die(EXIT_FAILURE_RT, "LGUEST_RUN returned unknown reason %u", run.reason);
}

/*T:041 A bzImage is checked as far as it can be without the hypervisor:
 * its setup header, whether kernel, command line and initrd fit in the RAM
 * asked for.  So a wrong file or a too-small --mem is reported the same way
 * on a machine without the module, and nothing is half-built when it is. :*/
static void plan_kernel(const struct launch *l, struct bzimage *bz,
			struct boot_layout *lay, int kernel_fd, int initrd_fd)
{
	char err[BOOT_ERR_LEN];
	struct stat st;
	uint64_t initrd_size = 0;

	if (bzimage_read(bz, kernel_fd, l->kernel, err) < 0)
		die(EXIT_USAGE, "%s", err);
	if (initrd_fd >= 0) {
		if (fstat(initrd_fd, &st) < 0)
			die(EXIT_USAGE, "initrd '%s': %s", l->initrd, strerror(errno));
		initrd_size = st.st_size;
	}
	if (boot_plan(lay, bz, l->mem, l->append, l->initrd, initrd_size, err) < 0)
		die(EXIT_USAGE, "%s", err);
	if (!l->verbose)
		return;
	fprintf(stderr, "lguest: kernel '%s': boot protocol %u.%02u, %" PRIu64 " bytes loaded at 0x%" PRIx64 ", unpacks up to 0x%" PRIx64 ", entry 0x%" PRIx64 "\n",
		l->kernel, bz->version >> 8, bz->version & 0xff, bz->code_size,
		lay->load, lay->load_end, lay->entry);
	if (lay->initrd_size)
		fprintf(stderr, "lguest: initrd '%s': 0x%" PRIx64 "-0x%" PRIx64 " (%" PRIu64 " bytes)\n",
			l->initrd, lay->initrd, lay->initrd + lay->initrd_size,
			lay->initrd_size);
	fprintf(stderr, "lguest: command line at 0x%" PRIx64 ": \"%s\"\n",
		lay->cmdline, l->append);
	fprintf(stderr, "lguest: %" PRIu64 " MiB of RAM, boot_params at 0x%" PRIx64 ", ACPI RSDP at 0x%" PRIx64 "\n",
		lay->mem >> 20, lay->boot_params, lay->acpi);
}

/* print_devices: -v, say where every device goes. */
static void print_devices(const struct launch *l)
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

/*
 * add_devices: give the module every device, in slot order.  It takes its
 * own references to the files, so ours are closed afterwards.  The virtio
 * console nobody asked for by name is dropped, not fatal, when no backend
 * serves it (lguest_dev.ko not loaded): stdin then goes to ttyS0.  It is
 * the last device, and the DSDT is written after this, without it.
 */
static void add_devices(struct guest *g, struct launch *l)
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

/* setup_kernel: load the planned bzImage guest and set its registers. */
static void setup_kernel(struct guest *g, const struct launch *l,
			 const struct bzimage *bz, const struct boot_layout *lay,
			 int kernel_fd, int initrd_fd)
{
	struct acpi_mmio_dev mmio[LGUEST_MMIO_MAX];
	struct lguest_regs regs;
	struct lguest_sregs sregs;
	char err[BOOT_ERR_LEN];
	unsigned int n;

	/* The DSDT describes every device the module will be given. */
	n = devopts_mmio(&l->devs, mmio);
	if (boot_load(g->ram, bz, lay, l->append, kernel_fd, initrd_fd,
		      mmio, n, err) < 0)
		die(EXIT_USAGE, "%s", err);
	xioctl(g->fd, LGUEST_GET_SREGS, &sregs, "LGUEST_GET_SREGS");
	boot_set_regs(lay, &sregs, &regs);
	xioctl(g->fd, LGUEST_SET_SREGS, &sregs, "LGUEST_SET_SREGS");
	xioctl(g->fd, LGUEST_SET_REGS, &regs, "LGUEST_SET_REGS");
}

/* The terminal's settings before we made it raw, to put back at the end. */
static struct termios saved_tty;
static volatile sig_atomic_t tty_is_raw;

static void restore_tty(void)
{
	if (tty_is_raw) {
		tcsetattr(STDIN_FILENO, TCSANOW, &saved_tty);
		tty_is_raw = 0;
	}
}

/*
 * A fatal signal: put the terminal back, then die of the same signal with
 * its default action (it is blocked while we run, so it lands on return).
 */
static void fatal_signal(int sig)
{
	restore_tty();
	signal(sig, SIG_DFL);
	raise(sig);
}

/*T:045 A --kernel guest's console is the launcher's terminal.  The
 * module reads stdin itself, so the terminal must hand over every key as it
 * is typed: no line editing, no echo (the guest echoes).  With the virtio
 * console the signal keys go to the guest too (Ctrl-C interrupts the
 * guest's program, not the guest), and the module's Ctrl-A x is the way
 * out; with only the serial port, Ctrl-C still ends the launcher.  The
 * settings come back on every way out, a fatal signal included. :*/
static void console_raw(bool keep_signals)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };
	struct sigaction sa = { .sa_handler = fatal_signal };
	struct termios t;
	unsigned int i;

	if (!isatty(STDIN_FILENO) || tcgetpgrp(STDIN_FILENO) != getpgrp() ||
	    tcgetattr(STDIN_FILENO, &saved_tty) < 0)
		return;
	t = saved_tty;
	t.c_lflag &= ~(ICANON | ECHO | ECHONL | IEXTEN);
	t.c_iflag &= ~(ICRNL | INLCR | IGNCR | IXON);
	t.c_cc[VMIN] = 1;
	t.c_cc[VTIME] = 0;
	t.c_cc[VSUSP] = _POSIX_VDISABLE;	/* Ctrl-Z goes to the guest */
	if (!keep_signals)
		t.c_lflag &= ~ISIG;

	sigemptyset(&sa.sa_mask);
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		struct sigaction old;

		/* Leave ignored what our parent ignored (nohup), bar SIGINT. */
		if (sigaction(sigs[i], NULL, &old) == 0 &&
		    old.sa_handler == SIG_IGN && sigs[i] != SIGINT)
			continue;
		sigaction(sigs[i], &sa, NULL);
	}
	atexit(restore_tty);
	tty_is_raw = 1;
	if (tcsetattr(STDIN_FILENO, TCSANOW, &t) < 0)
		tty_is_raw = 0;
}

/*
 * append_mmio_params: the command line with virtio_mmio.device= for every
 * device.  boot_plan() still checks its length against the kernel's limit.
 */
static const char *append_mmio_params(const struct launch *l)
{
	static char line[4096];
	char params[LGUEST_MMIO_MAX * 48];

	if (devopts_cmdline(&l->devs, params, sizeof(params)) < 0 ||
	    snprintf(line, sizeof(line), "%s%s", l->append, params) >= (int)sizeof(line))
		die(EXIT_USAGE, "--mmio-cmdline: the command line would be too long");
	return line;
}

/*
 * console_fds: the virtio console's files.  The module reads the input
 * from a worker that must not sleep on it, so it wants a non-blocking file
 * of its own: stdin reopened through /proc, which makes a new open file
 * (O_NONBLOCK there does not change the shell's stdin).  No stdin, or one
 * that cannot be reopened (a socket), means no console input.
 */
static void console_fds(struct devopts *d)
{
	int in = -1, out = STDOUT_FILENO;

	if (fcntl(STDIN_FILENO, F_GETFD) >= 0) {
		in = open("/proc/self/fd/0", O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
		if (in < 0)
			fprintf(stderr, "lguest: console input off: cannot reopen stdin: %s\n",
				strerror(errno));
	}
	if (fcntl(STDOUT_FILENO, F_GETFD) < 0)
		out = open("/dev/null", O_WRONLY | O_CLOEXEC);
	if (out < 0)
		die(EXIT_FAILURE_RT, "no stdout and cannot open /dev/null: %s", strerror(errno));
	devopts_console_fds(d, in, out);
}

int main(int argc, char **argv)
{
	static struct launch l;
	struct lguest_console con = { .out_fd = STDOUT_FILENO, .in_fd = -1 };
	struct bzimage bz;
	struct boot_layout lay;
	struct guest g;
	char msg[DEVOPT_ERR_LEN];
	int image_fd, initrd_fd = -1, lg_fd;

	/*
	 * Ctrl-C must always stop a guest, even one spinning with interrupts
	 * off: LGUEST_RUN returns on a pending signal and the default action
	 * ends us.  A shell may have started us with SIGINT ignored (a
	 * background job); undo that.
	 */
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);

	parse_args(argc, argv, &l);
	if (l.verbose < 0) {
		print_version();
		return 0;
	}
	if (l.raw)
		image_fd = open_image("raw image", l.raw);
	else
		image_fd = open_image("kernel", l.kernel);
	if (l.initrd)
		initrd_fd = open_image("initrd", l.initrd);
	if (devopts_open(&l.devs, msg) < 0)
		die(EXIT_USAGE, "%s", msg);
	if (l.devs.console)
		console_fds(&l.devs);

	/* Up to the device hole (a raw guest has the same machine). */
	if (l.mem > LGUEST_MAX_MEM)
		die(EXIT_USAGE, "--mem: a guest has at most %llu GiB of RAM (devices sit above it)",
		    LGUEST_MAX_MEM >> 30);
	/* The module takes RAM in 2 MiB units. */
	l.mem = (l.mem + LGUEST_MEM_ALIGN - 1) & ~(LGUEST_MEM_ALIGN - 1);
	if (l.kernel) {
		if (!l.append)
			l.append = DEFAULT_CMDLINE;
		if (l.mmio_cmdline)
			l.append = append_mmio_params(&l);
		plan_kernel(&l, &bz, &lay, image_fd, initrd_fd);
	}
	if (l.verbose)
		print_devices(&l);

	lg_fd = open_lguest();
	create_guest(&g, lg_fd, l.mem, &l);
	add_devices(&g, &l);
	if (l.raw) {
		load_file(&g, image_fd, "raw image", l.raw, LGUEST_RAW_LOAD);
		setup_raw(&g);
		if (l.verbose)
			fprintf(stderr, "lguest: raw guest '%s', %" PRIu64 " MiB of RAM\n",
				l.raw, l.mem >> 20);
	} else {
		setup_kernel(&g, &l, &bz, &lay, image_fd, initrd_fd);
	}
	/* The serial port reads stdin, if we have one and no virtio console. */
	if (!l.devs.console && fcntl(STDIN_FILENO, F_GETFD) >= 0)
		con.in_fd = STDIN_FILENO;
	close(image_fd);
	if (initrd_fd >= 0)
		close(initrd_fd);
	/* The module takes files that cannot hold files (uapi header). */
	if (ioctl(g.fd, LGUEST_SET_CONSOLE, &con) < 0)
		die(EXIT_FAILURE_RT, "LGUEST_SET_CONSOLE: %s%s", strerror(errno),
		    errno == EINVAL ? ": stdin or stdout is of a kind the module refuses (a unix socket?): use a pipe" : "");
	if (con.in_fd >= 0 || l.devs.console)
		console_raw(!l.devs.console);
	return run_guest(&g, &l);
}
