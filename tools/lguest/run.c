// SPDX-License-Identifier: GPL-2.0
/*
 * run.c - "lguest run [OPTIONS] -- CMD [ARGS...]": boot a throwaway guest
 * that runs CMD with our stdin, stdout and stderr, and exit with its exit
 * status; statuses of our own follow "docker run" and timeout(1).  Built on
 * liblguest (lg_run_command()), as any program could be.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "liblguest.h"
#include "liblguest-int.h"
#include "run.h"
#include "util.h"

/* Our own statuses; the command's are 0-255 otherwise. */
enum {
	RUN_TIMEOUT	= 124,	/* --timeout passed, as timeout(1) */
	RUN_FAILED	= 125,	/* lguest itself failed, as docker run */
	RUN_NOEXEC	= 126,	/* CMD found but not executable (the guest's init) */
	RUN_NOTFOUND	= 127,	/* CMD not found (the guest's init) */
};

static void run_usage(FILE *f)
{
	fprintf(f,
"Usage: lguest run [OPTIONS] -- CMD [ARGS...]\n"
"Run CMD in a fresh, throwaway guest and exit with its exit status.  CMD's\n"
"stdout and stderr arrive on ours, separately; our stdin is its stdin, its\n"
"end included.  The guest sees no host file it was not given, and has no\n"
"network unless --net is given.\n"
"\n"
"  -f, --file HOST[:GUEST]  copy a host file into the guest (GUEST defaults\n"
"                      to HOST; a relative GUEST is under --workdir)\n"
"  -D, --dir HOST[:GUEST]   copy a host directory tree into the guest\n"
"  -o, --output DIR    bring back what the command leaves in the guest's\n"
"                      /output: its files and directories (no links),\n"
"                      into DIR (made if missing; nothing is overwritten)\n"
"      --disk FILE[,ro]     a virtio disk (/dev/vda, vdb ...), e.g. to bring\n"
"                      results back on a writable one; repeatable\n"
"      --net NAME[,mac=MAC] a virtio network card on a new host interface\n"
"                      NAME (needs CAP_NET_ADMIN); repeatable\n"
"  -e, --env NAME=VALUE     set in CMD's environment; repeatable\n"
"  -w, --workdir DIR   CMD's working directory (default /)\n"
"  -m, --mem SIZE      guest RAM, with K/M/G suffix (default 128M)\n"
"  -c, --cpus N        vCPUs (default 1)\n"
"  -t, --timeout SECS  stop the guest after SECS seconds: exit status 124\n"
"  -l, --log FILE      the guest kernel's messages (else none are kept)\n"
"  -k, --kernel FILE   guest kernel (default: %s/vmlinux)\n"
"  -i, --initrd FILE   its initramfs (default: %s/run/initramfs.cpio;\n"
"                      another must have an init that speaks lgrun's protocol)\n"
"  -a, --append TEXT   more for the kernel command line\n"
"      --paging auto|npt|shadow  as for lguest --kernel\n"
"  -v, --verbose       say what is done\n"
"  -h, --help          print this help and exit\n"
"\n"
"Exit status: CMD's own; 128+N if it died of signal N; 124 timed out;\n"
"125 lguest failed (a bad option, no module, the guest's kernel panicked:\n"
"one line on stderr says why); 126 CMD cannot be executed; 127 not found.\n"
"After setting up, lguest keeps no capabilities and a seccomp filter ends\n"
"it if it makes a system call it does not need.\n",
		lg_datadir(), lg_datadir());
}

/* run_fail: one line on stderr, status 125. */
#define run_fail(...)	die(RUN_FAILED, __VA_ARGS__)

static void check(struct lg_vm *vm, int r)
{
	if (r < 0)
		run_fail("%s", lg_error(vm));
}

/* add_path: --file and --dir: HOST[:GUEST], checked to be of the kind named. */
static void add_path(struct lg_vm *vm, const char *opt, char *arg, bool dir)
{
	char *colon = strchr(arg, ':');
	struct stat st;

	if (colon)
		*colon = '\0';
	if (!*arg || (colon && !colon[1]))
		run_fail("%s %s: want HOST[:GUEST]", opt, arg);
	if (stat(arg, &st) < 0)
		run_fail("%s %s: %s", opt, arg, strerror(errno));
	if (dir && !S_ISDIR(st.st_mode))
		run_fail("%s %s: not a directory (use --file)", opt, arg);
	if (!dir && !S_ISREG(st.st_mode))
		run_fail("%s %s: not a regular file (use --dir for a tree)", opt, arg);
	check(vm, lg_add_file(vm, arg, colon ? colon + 1 : NULL));
}

/* parse_timeout: whole seconds, 1 to a day. */
static int parse_timeout(const char *arg)
{
	unsigned long n;
	char *end;

	errno = 0;
	n = strtoul(arg, &end, 10);
	if (errno || end == arg || *end || !n || n > 86400 || *arg == '-')
		run_fail("--timeout %s: want whole seconds, 1 to 86400", arg);
	return n;
}

/*T:012 "lguest run" is the sandbox: one command, one throwaway guest.
 * Every option becomes a liblguest call; the guest boots the default
 * kernel with a busybox initramfs whose init runs the command and reports
 * its status through the exit port.  So the launcher's exit status is the
 * command's, and its own failures take the statuses docker run uses. :*/
/**
 * run_main() - "lguest run".
 * @argc: arguments from "run" on.
 * @argv: likewise.
 *
 * Return: the exit status (or exits with one).
 */
int run_main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "file",	required_argument, NULL, 'f' },
		{ "dir",	required_argument, NULL, 'D' },
		{ "output",	required_argument, NULL, 'o' },
		{ "disk",	required_argument, NULL, 'd' },
		{ "net",	required_argument, NULL, 'n' },
		{ "env",	required_argument, NULL, 'e' },
		{ "workdir",	required_argument, NULL, 'w' },
		{ "mem",	required_argument, NULL, 'm' },
		{ "cpus",	required_argument, NULL, 'c' },
		{ "timeout",	required_argument, NULL, 't' },
		{ "log",	required_argument, NULL, 'l' },
		{ "kernel",	required_argument, NULL, 'k' },
		{ "initrd",	required_argument, NULL, 'i' },
		{ "append",	required_argument, NULL, 'a' },
		{ "paging",	required_argument, NULL, 'P' },
		{ "verbose",	no_argument,	   NULL, 'v' },
		{ "help",	no_argument,	   NULL, 'h' },
		{ }
	};
	const char *kernel = NULL, *initrd = NULL, *append = NULL;
	unsigned int flags = LG_F_LOCKDOWN;
	int c, err, timeout_ms = -1, log_fd;
	struct lg_exit e;
	struct lg_vm *vm;
	unsigned long n;
	uint64_t mem;
	char *end;

	if (lg_create(&vm) < 0)
		run_fail("out of memory");
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, "+:f:D:o:e:w:m:c:t:l:k:i:a:vh", opts, NULL)) != -1) {
		switch (c) {
		case 'f': add_path(vm, "--file", optarg, false); break;
		case 'D': add_path(vm, "--dir", optarg, true); break;
		case 'o': check(vm, lg_set_output(vm, optarg)); break;
		case 'd': check(vm, lg_add_disk_arg(vm, optarg)); break;
		case 'n': check(vm, lg_add_net_arg(vm, optarg)); break;
		case 'e': check(vm, lg_set_env(vm, optarg)); break;
		case 'w': check(vm, lg_set_workdir(vm, optarg)); break;
		case 'k': kernel = optarg; break;
		case 'i': initrd = optarg; break;
		case 'a': append = optarg; break;
		case 'v': flags |= LG_F_VERBOSE; break;
		case 't': timeout_ms = parse_timeout(optarg) * 1000; break;
		case 'm':
			err = parse_size(optarg, &mem);
			if (err)
				run_fail("--mem %s: %s", optarg, err == -ERANGE ? "too large" :
					 "not a size (try 256M or 1G)");
			check(vm, lg_set_mem(vm, mem));
			break;
		case 'c':
			errno = 0;
			n = strtoul(optarg, &end, 10);
			if (errno || end == optarg || *end || *optarg == '-' || n > UINT32_MAX)
				run_fail("--cpus %s: want a number of vCPUs", optarg);
			check(vm, lg_set_cpus(vm, n));
			break;
		case 'l':
			log_fd = open(optarg, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
			if (log_fd < 0)
				run_fail("--log %s: %s", optarg, strerror(errno));
			check(vm, lg_set_log(vm, log_fd));
			break;
		case 'P':
			if (!strcmp(optarg, "auto"))
				check(vm, lg_set_paging(vm, LG_PAGING_AUTO));
			else if (!strcmp(optarg, "npt"))
				check(vm, lg_set_paging(vm, LG_PAGING_NPT));
			else if (!strcmp(optarg, "shadow"))
				check(vm, lg_set_paging(vm, LG_PAGING_SHADOW));
			else
				run_fail("--paging %s: want auto, npt or shadow", optarg);
			break;
		case 'h':
			run_usage(stdout);
			exit(0);
		case ':':
			run_fail("option %s needs an argument (see lguest run --help)",
				 argv[optind - 1]);
		default:
			run_fail("unknown option '%s' (see lguest run --help)",
				 argv[optind - 1]);
		}
	}
	if (optind >= argc)
		run_fail("no command: lguest run [OPTIONS] -- CMD [ARGS...]");
	if (initrd && !kernel)
		run_fail("--initrd goes with --kernel");
	if (kernel || append)
		check(vm, lg_set_kernel(vm, kernel, initrd, append));
	check(vm, lg_set_flags(vm, flags));
	if (fcntl(STDIN_FILENO, F_GETFD) < 0)
		check(vm, lg_set_stdio(vm, -1, STDOUT_FILENO, STDERR_FILENO));
	if (lg_run_command(vm, argv + optind) < 0)
		run_fail("%s", lg_error(vm));
	err = lg_wait(vm, timeout_ms, &e);
	if (err == -ETIMEDOUT) {
		fprintf(stderr, "lguest: timed out after %d seconds: the guest is gone\n",
			timeout_ms / 1000);
		exit(RUN_TIMEOUT);
	}
	if (err < 0)
		run_fail("%s", lg_error(vm));
	switch (e.reason) {
	case LG_EXIT_TEST:
		/* --output's note, if any (entries it skipped). */
		if (*lg_error(vm))
			fprintf(stderr, "lguest: %s\n", lg_error(vm));
		exit(e.status);
	case LG_EXIT_PANIC:
		run_fail("the guest's kernel panicked before the command ended%s",
			 flags & LG_F_VERBOSE ? "" : " (--log FILE keeps its messages)");
	case LG_EXIT_REBOOT:
		run_fail("the guest's kernel restarted (an early panic?) before the command ended");
	case LG_EXIT_KILLED:
		run_fail("guest killed: %s", e.message);
	case LG_EXIT_POWEROFF:
		run_fail("the guest powered off before the command ended");
	}
	run_fail("the guest stopped for an unknown reason %d", e.reason);
}
