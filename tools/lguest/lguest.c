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
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/lguest.h>

#include "parse.h"

#define LGUEST_LAUNCHER_VERSION	"0.1"
#define DEFAULT_MEM		(256ULL << 20)
#define MIN_MEM			(2ULL << 20)

/* Exit statuses, documented in --help. */
enum {
	EXIT_GUEST_OK	= 0,	/* the guest powered itself off */
	EXIT_FAILURE_RT	= 1,	/* the guest was killed, or could not run */
	EXIT_USAGE	= 2,	/* bad arguments or files */
};

struct launch {
	const char *raw;	/* --raw: flat 64-bit image, entered at 1 MiB */
	const char *kernel;	/* --kernel: bzImage */
	const char *initrd;	/* --initrd */
	const char *append;	/* --append: kernel command line */
	uint64_t mem;		/* --mem: guest RAM in bytes */
	int verbose;
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
"       lguest --raw FILE [--mem SIZE]\n"
"Run a guest on the lguest hypervisor (/dev/lguest, module lguest.ko).\n"
"\n"
"  -k, --kernel FILE   Linux bzImage to boot\n"
"  -i, --initrd FILE   initial ramdisk for --kernel\n"
"  -a, --append TEXT   kernel command line for --kernel\n"
"  -r, --raw FILE      flat 64-bit image loaded and entered at 1 MiB\n"
"  -m, --mem SIZE      guest RAM, with K/M/G suffix (default 256M)\n"
"  -v, --verbose       say what the launcher does\n"
"  -V, --version       print versions (launcher, ABI, loaded module) and exit\n"
"  -h, --help          print this help and exit\n"
"\n"
"Exit status: 0 guest powered off, 1 guest killed or could not run,\n"
"2 bad arguments or files.  Errors are one line starting \"lguest: \".\n");
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
		{ "verbose",	no_argument,	   NULL, 'v' },
		{ "version",	no_argument,	   NULL, 'V' },
		{ "help",	no_argument,	   NULL, 'h' },
		{ }
	};
	int c, err;

	l->mem = DEFAULT_MEM;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":k:i:a:r:m:vVh", opts, NULL)) != -1) {
		switch (c) {
		case 'k': l->kernel = optarg; break;
		case 'i': l->initrd = optarg; break;
		case 'a': l->append = optarg; break;
		case 'r': l->raw = optarg; break;
		case 'v': l->verbose++; break;
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

int main(int argc, char **argv)
{
	struct launch l = { 0 };
	int image_fd, initrd_fd = -1, lg_fd;

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

	lg_fd = open_lguest();
	if (l.verbose)
		fprintf(stderr, "lguest: /dev/lguest speaks ABI %d; guest RAM %" PRIu64 " MiB\n",
			LGUEST_API_VERSION, l.mem >> 20);

	/* ABI 1 has no way to create a guest: say so instead of pretending. */
	close(lg_fd);
	close(image_fd);
	if (initrd_fd >= 0)
		close(initrd_fd);
	die(EXIT_FAILURE_RT, "the loaded module (ABI %d) cannot create guests yet",
	    LGUEST_API_VERSION);
}
