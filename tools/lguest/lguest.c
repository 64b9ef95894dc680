// SPDX-License-Identifier: GPL-2.0
/*
 * lguest.c - the launcher: the trivial user-space half of lguest.  It turns
 * its arguments into liblguest calls, which check the files, load the
 * images into guest RAM and hand over file descriptors; the guest itself
 * runs, and its devices are served, in the kernel.  "lguest run" (run.c)
 * runs one command in a throwaway guest.  Every failure is one line on
 * stderr starting "lguest: ".
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
#include "liblguest-int.h"
#include "run.h"
#include "util.h"

#define LGUEST_LAUNCHER_VERSION	"0.2"


static void usage(FILE *f)
{
	fprintf(f,
"Usage: lguest --kernel KERNEL [--initrd FILE] [--append CMDLINE] [--mem SIZE]\n"
"                     [--disk FILE[,ro]]... [--net NAME[,mac=MAC]]... [--rng]\n"
"                     [--console virtio|serial] [--mmio-cmdline]\n"
"                     [--paging auto|npt|shadow] [--cpus N] [--prealloc]\n"
"       lguest --raw FILE [--mem SIZE] [--paging auto|npt|shadow] [--cpus N]\n"
"                  [--prealloc]\n"
"       lguest run [OPTIONS] -- CMD [ARGS...]   (see lguest run --help)\n"
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
"                      up to 2M; at most 3G with --kernel); allocated 2M at\n"
"                      a time as the guest first touches it\n"
"      --prealloc      allocate all guest RAM before the guest starts, so\n"
"                      that too little host memory is an error now rather\n"
"                      than the guest killed later\n"
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

/* What the command line asked for, before it goes to liblguest. */
struct cli {
	const char *raw, *kernel, *initrd, *append, *dump_ram;
	uint64_t mem;
	int verbose;
	bool serial_console, console_given, mmio_cmdline, rng, prealloc;
	unsigned int paging;
};

/* check: a liblguest call refused an argument: exit 2 with its reason. */
static void check(struct lg_vm *vm, int r)
{
	if (r < 0)
		die(EXIT_USAGE, "%s", lg_error(vm));
}

/*T:005 The journey of a guest starts here, in user space.  The lguest
 * command only reads the user's wishes and hands each to liblguest, which
 * the sandbox command (lguest run) and other programs share. :*/
static void parse_args(int argc, char **argv, struct cli *l, struct lg_vm *vm)
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
		{ "prealloc",	no_argument,	   NULL, 'A' },
		{ "cpus",	required_argument, NULL, 'c' },
		{ "verbose",	no_argument,	   NULL, 'v' },
		{ "version",	no_argument,	   NULL, 'V' },
		{ "help",	no_argument,	   NULL, 'h' },
		{ }
	};
	unsigned long n;
	uint64_t mem;
	char *end;
	int c, err;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":k:i:a:r:m:c:vVh", opts, NULL)) != -1) {
		switch (c) {
		case 'k': l->kernel = optarg; break;
		case 'i': l->initrd = optarg; break;
		case 'a': l->append = optarg; break;
		case 'r': l->raw = optarg; break;
		case 'D': l->dump_ram = optarg; break;
		case 'v': l->verbose++; break;
		case 'R': l->rng = true; break;
		case 'M': l->mmio_cmdline = true; break;
		case 'A': l->prealloc = true; break;
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
			check(vm, lg_add_disk_arg(vm, optarg));
			break;
		case 'n':
			check(vm, lg_add_net_arg(vm, optarg));
			break;
		case 'c':
			errno = 0;
			n = strtoul(optarg, &end, 10);
			if (errno || end == optarg || *end || !n || *optarg == '-')
				die(EXIT_USAGE, "--cpus %s: want a number of vCPUs, 1 to %u", optarg,
				    (unsigned int)LGUEST_MAX_VCPUS);
			if (n > LGUEST_MAX_VCPUS)
				die(EXIT_USAGE, "--cpus %s: a guest has at most %u vCPUs", optarg,
				    (unsigned int)LGUEST_MAX_VCPUS);
			check(vm, lg_set_cpus(vm, n));
			break;
		case 'm':
			err = parse_size(optarg, &mem);
			if (err)
				die(EXIT_USAGE, "--mem %s: %s", optarg,
				    err == -ERANGE ? "too large" :
				    "not a size (try 256M or 1G)");
			l->mem = mem;
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
	if (l->raw && (vm->l.devs.n || l->rng))
		die(EXIT_USAGE, "--disk/--net/--rng need --kernel (a --raw guest has no devices)");
	if (l->raw && l->mmio_cmdline)
		die(EXIT_USAGE, "--mmio-cmdline goes with --kernel (a --raw guest has no devices)");
	if (l->raw && (l->console_given || l->mmio_cmdline))
		die(EXIT_USAGE, "--console goes with --kernel (a --raw guest has only the serial port)");
	check(vm, lg_set_mem(vm, l->mem));
	check(vm, lg_set_paging(vm, l->paging));
	/* The command line names the console's window: no dropping it later. */
	check(vm, lg_set_flags(vm, (l->verbose ? LG_F_VERBOSE : 0) |
			       (l->serial_console ? LG_F_SERIAL_CONSOLE : 0) |
			       (l->console_given ? LG_F_CONSOLE_GIVEN : 0) |
			       (l->mmio_cmdline ? LG_F_MMIO_CMDLINE : 0) |
			       (l->prealloc ? LG_F_PREALLOC : 0)));
	if (l->rng)
		check(vm, lg_add_rng(vm));
	if (l->raw)
		check(vm, lg_set_raw(vm, l->raw));
	else
		check(vm, lg_set_kernel(vm, l->kernel, l->initrd, l->append));
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

/* The statuses of a stopped guest (--help): every ending but a clean one says why. */
static int guest_status(struct lg_vm *vm, const struct lg_exit *e, int verbose)
{
	switch (e->reason) {
	case LG_EXIT_POWEROFF:
		if (e->status)
			die(EXIT_FAILURE_RT, "guest powered off with status %d", e->status);
		return EXIT_GUEST_OK;
	case LG_EXIT_KILLED:
		die(EXIT_FAILURE_RT, "guest killed: %s", e->message);
	case LG_EXIT_REBOOT:
		/*
		 * We do not restart it: whoever started us decides whether
		 * a reboot means "run it again".
		 */
		die(EXIT_REBOOT, "guest rebooted");
	case LG_EXIT_PANIC:
		die(EXIT_PANIC, "guest kernel panicked");
	case LG_EXIT_QUIT:
		if (verbose)
			fprintf(stderr, "lguest: quit (Ctrl-A x)\n");
		return EXIT_GUEST_OK;
	case LG_EXIT_TEST:
		/* The guest's own verdict is our exit status, as under QEMU. */
		if (verbose)
			fprintf(stderr, "lguest: test exit, status %d\n", e->status);
		return e->status & 0xff;
	}
	die(EXIT_FAILURE_RT, "LGUEST_RUN returned unknown reason %d", e->reason);
}

int main(int argc, char **argv)
{
	static struct cli l = { .mem = 256ULL << 20 };
	struct lg_exit e;
	struct lg_vm *vm;
	int r, status;

	/*
	 * Ctrl-C must always stop a guest, even one spinning with interrupts
	 * off: LGUEST_RUN returns on a pending signal and the default action
	 * ends us.  A shell may have started us with SIGINT ignored (a
	 * background job); undo that.
	 */
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);

	if (argc > 1 && !strcmp(argv[1], "run"))
		return run_main(argc - 1, argv + 1);
	if (lg_create(&vm) < 0)
		die(EXIT_FAILURE_RT, "out of memory");
	parse_args(argc, argv, &l, vm);
	if (l.verbose < 0) {
		print_version();
		return 0;
	}
	r = lg_start(vm);
	if (r < 0)
		die(lg_hv_error(vm) ? EXIT_FAILURE_RT : EXIT_USAGE, "%s", lg_error(vm));
	/* The terminal goes raw if a console reads it (lg_start()). */
	if (vm->l.devs.console || fcntl(STDIN_FILENO, F_GETFD) >= 0)
		console_raw(!vm->l.devs.console);
	if (lg_wait(vm, -1, &e) < 0)
		die(EXIT_FAILURE_RT, "%s", lg_error(vm));
	fflush(stdout);
	if (l.dump_ram && lg_dump_ram(vm, l.dump_ram) < 0)
		die(EXIT_FAILURE_RT, "%s", lg_error(vm));
	status = guest_status(vm, &e, l.verbose);
	exit(status);
}
