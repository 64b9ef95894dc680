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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/lguest.h>

#include "launcher.h"
#include "util.h"

#define LGUEST_LAUNCHER_VERSION	"0.1"
#define DEFAULT_MEM		(256ULL << 20)
#define MIN_MEM			(2ULL << 20)
#define DEFAULT_CMDLINE		"console=ttyS0"

static void usage(FILE *f)
{
	fprintf(f,
"Usage: lguest --kernel KERNEL [--initrd FILE] [--append CMDLINE] [--mem SIZE]\n"
"                     [--disk FILE[,ro]]... [--net NAME[,mac=MAC]]... [--rng]\n"
"                     [--console virtio|serial] [--mmio-cmdline]\n"
"                     [--paging auto|npt|shadow] [--cpus N]\n"
"       lguest --raw FILE [--mem SIZE] [--paging auto|npt|shadow] [--cpus N]\n"
"Run a guest on the lguest hypervisor (/dev/lguest, module lguest.ko).\n"
"\n"
"  -k, --kernel FILE   Linux bzImage or ELF vmlinux to boot, or a Multiboot\n"
"                      (v1) image such as a kvm-unit-tests x86 .flat file:\n"
"                      entered in 32-bit mode, paging off, EAX 0x2BADB002\n"
"  -i, --initrd FILE   initial ramdisk for --kernel (Multiboot: module 0)\n"
"  -a, --append TEXT   kernel command line for --kernel (default\n"
"                      \"" DEFAULT_CMDLINE "\"; Multiboot: the file's name,\n"
"                      then TEXT, default none)\n"
"  -r, --raw FILE      flat 64-bit image loaded and entered at 1 MiB\n"
"  -m, --mem SIZE      guest RAM, with K/M/G suffix (default 256M; rounded\n"
"                      up to 2M; at most 3G with --kernel)\n"
"  -c, --cpus N        vCPUs (default 1; at most the host's online CPUs and\n"
"                      %u), each run by a thread; the kernel brings up\n"
"                      vCPUs 1 to N-1 itself, with INIT and start-up IPIs\n"
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
"2 bad arguments or files, 3 guest rebooted, 4 guest kernel panicked;\n"
"a guest that writes V to the test-exit port 0x%x ends with (V << 1) | 1.\n"
"Errors are one line starting \"lguest: \".\n",
		(unsigned int)LGUEST_MAX_VCPUS,
		(unsigned int)LGUEST_MMIO_MAX, LGUEST_MMIO_BASE, LGUEST_MMIO_SIZE,
		(unsigned int)LGUEST_MMIO_IRQ_BASE, LGUEST_TEST_EXIT_PORT);
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

/* parse_cpus: --cpus N, 1 to the host's online CPUs and LGUEST_MAX_VCPUS. */
static void parse_cpus(const char *arg, struct launch *l)
{
	long online = sysconf(_SC_NPROCESSORS_ONLN);
	unsigned long n;
	char *end;

	errno = 0;
	n = strtoul(arg, &end, 10);
	if (errno || end == arg || *end || !n || *arg == '-')
		die(EXIT_USAGE, "--cpus %s: want a number of vCPUs, 1 to %u", arg,
		    (unsigned int)LGUEST_MAX_VCPUS);
	if (n > LGUEST_MAX_VCPUS)
		die(EXIT_USAGE, "--cpus %s: a guest has at most %u vCPUs", arg,
		    (unsigned int)LGUEST_MAX_VCPUS);
	if (online > 0 && n > (unsigned long)online)
		die(EXIT_USAGE, "--cpus %s: this host has only %ld online CPUs", arg, online);
	l->cpus = n;
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
		{ "cpus",	required_argument, NULL, 'c' },
		{ "verbose",	no_argument,	   NULL, 'v' },
		{ "version",	no_argument,	   NULL, 'V' },
		{ "help",	no_argument,	   NULL, 'h' },
		{ }
	};
	char msg[DEVOPT_ERR_LEN];
	int c, err;

	l->mem = DEFAULT_MEM;
	l->cpus = 1;
	devopts_init(&l->devs);
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":k:i:a:r:m:c:vVh", opts, NULL)) != -1) {
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
		case 'c':
			parse_cpus(optarg, l);
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

int main(int argc, char **argv)
{
	static struct launch l;
	struct lguest_console con = { .out_fd = STDOUT_FILENO, .in_fd = -1 };
	struct kernel_image bz;
	struct boot_layout lay;
	struct guest g;
	char msg[DEVOPT_ERR_LEN], err[BOOT_ERR_LEN];
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
		if (kernel_read(&bz, image_fd, l.kernel, err) < 0)
			die(EXIT_USAGE, "%s", err);
		/* A Multiboot kernel's arguments are argv[1...]: none. */
		if (!l.append)
			l.append = bz.multiboot ? "" : DEFAULT_CMDLINE;
		if (l.mmio_cmdline)
			l.append = append_mmio_params(&l);
		plan_kernel(&l, &bz, &lay, image_fd, initrd_fd);
		lay.cpus = l.cpus;
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
