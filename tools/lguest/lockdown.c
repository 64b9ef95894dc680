// SPDX-License-Identifier: GPL-2.0
/*
 * lockdown.c - the launcher's lockdown for its sandbox command, once every
 * file is open and the guest is set up: no new privileges, every
 * capability dropped, and a seccomp filter that lets through only what
 * running the guest needs.  Plain user space, so tests/unit runs it.
 */
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include <linux/lguest.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/audit.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/sched.h>
#include <linux/seccomp.h>

#include "lockdown.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

#ifdef __x86_64__

/*
 * fail: "@what: strerror" in @err; the negative errno, for "return
 * fail(...)".  errno is read first: snprintf may change it.
 */
static int fail(char *err, const char *what)
{
	int e = errno ? errno : EINVAL;

	snprintf(err, LOCKDOWN_ERR_LEN, "%s: %s", what, strerror(e));
	return -e;
}

/*
 * only_thread: refuse to lock down a process that already has threads.
 * Capabilities, no_new_privs and a seccomp filter installed without TSYNC
 * belong to the calling thread and to the threads it starts afterwards,
 * so a thread started before would run on unconfined, silently.  The
 * count is the link count of /proc/self/task (2 + one per thread); without
 * /proc there is no count, and we trust the caller.
 */
static int only_thread(char *err)
{
	struct stat st;

	if (stat("/proc/self/task", &st) == 0 && S_ISDIR(st.st_mode) && st.st_nlink > 3) {
		snprintf(err, LOCKDOWN_ERR_LEN,
			 "lockdown must come before the first thread is started (%lu running): it only confines the calling thread and those it starts later",
			 (unsigned long)st.st_nlink - 2);
		return -EBUSY;
	}
	return 0;
}

/*
 * drop_caps: every capability, in every set.  The bounding set first,
 * while we may still hold CAP_SETPCAP to change it; without it every
 * drop fails with EPERM, which is fine: with no_new_privs set and execve
 * forbidden, the bounding set can never add to what we hold.  The loop
 * asks the kernel how many capabilities there are (PR_CAPBSET_READ fails
 * past the last), so /proc need not be there; 64 is the size of the sets.
 */
static int drop_caps(char *err)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
		.pid = 0,
	};
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3];
	unsigned long cap;

	for (cap = 0; cap < 64 && prctl(PR_CAPBSET_READ, cap, 0, 0, 0) >= 0; cap++) {
		if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0 && errno != EPERM)
			return fail(err, "cannot drop a capability from the bounding set");
	}
	/* EINVAL: a kernel before 4.3, without ambient capabilities to clear. */
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
		return fail(err, "cannot clear the ambient capabilities");
	/* Giving up capabilities never needs a privilege. */
	memset(data, 0, sizeof(data));
	if (syscall(SYS_capset, &hdr, data) < 0)
		return fail(err, "cannot drop the capabilities (capset)");
	return 0;
}

/*
 * What the launcher still does once it runs the guest, and nothing else:
 * vCPU threads in ioctl(LGUEST_RUN) on files already open, a pump thread
 * copying between pipes and stdin/stdout, timers and signals for
 * --timeout, and what glibc does under those (thread stacks, malloc,
 * stdio, futexes).  Each entry is let through whatever its arguments; the
 * few that need their arguments looked at are in the rules below.  Not
 * here, so fatal: open/openat/openat2, execve/execveat, socket and
 * connect, fork/vfork, ptrace, mount, bpf, prctl, kill, dup.
 */
static const int allowed[] = {
	/* The pump: pipes, stdin, stdout, stderr. */
	SYS_read, SYS_write, SYS_readv, SYS_writev, SYS_pread64, SYS_pwrite64,
	SYS_poll, SYS_ppoll, SYS_select, SYS_pselect6, SYS_lseek, SYS_close,
	/* stdio's first write asks what stdout is (fstat, as newfstatat). */
	SYS_fstat, SYS_newfstatat,
	/* Memory: thread stacks, malloc, realloc. */
	SYS_mmap, SYS_munmap, SYS_mprotect, SYS_madvise, SYS_mremap, SYS_brk,
	/* Threads: glibc's start and end of one (clone is in the rules). */
	SYS_futex, SYS_set_robust_list, SYS_rseq, SYS_gettid, SYS_getpid,
	SYS_sched_yield, SYS_sched_getaffinity, SYS_exit, SYS_exit_group,
	/* Signals, ours only (tgkill and tkill are in the rules). */
	SYS_rt_sigaction, SYS_rt_sigprocmask, SYS_rt_sigreturn, SYS_sigaltstack,
	SYS_restart_syscall,
	/* glibc's SIGEV_THREAD timer helper waits in sigwaitinfo(). */
	SYS_rt_sigtimedwait,
	/* Time and timers: --timeout. */
	SYS_nanosleep, SYS_clock_nanosleep, SYS_clock_gettime, SYS_gettimeofday,
	SYS_alarm, SYS_setitimer, SYS_getitimer, SYS_timer_create,
	SYS_timer_settime, SYS_timer_gettime, SYS_timer_delete,
	/* malloc's and anyone's randomness. */
	SYS_getrandom,
#ifdef SYS_map_shadow_stack
	/* pthread_create() under user shadow stacks (CET). */
	SYS_map_shadow_stack,
#endif
};

/*
 * A system call whose argument decides: the low 32 bits of argument @arg
 * are tested against @vals, and the filter answers @match or @other.  The
 * low half is all these calls read (int, unsigned int, or clone's flags,
 * which the kernel cuts to 32 bits), so high bits cannot sneak past.
 */
struct arg_rule {
	int nr;
	unsigned int arg;
	uint16_t test;		/* BPF_JEQ: equal to one; BPF_JSET: has a bit of one */
	unsigned int nvals;
	uint32_t vals[4];
	uint32_t match, other;
};

#define RET_ALLOW	SECCOMP_RET_ALLOW
#define RET_KILL	SECCOMP_RET_KILL_PROCESS
#define RET_ERRNO(e)	(SECCOMP_RET_ERRNO | ((e) & SECCOMP_RET_DATA))

/* Low half of argument @n: x86-64 is little-endian. */
#define ARG_LO(n)	((uint32_t)offsetof(struct seccomp_data, args[n]))

/* Header (5), a pair per allowed call, a block per rule, the last "no". */
#define FILTER_MAX	(5 + 2 * ARRAY_SIZE(allowed) + 8 * 8 + 1)

struct filter {
	struct sock_filter insn[FILTER_MAX];
	unsigned int n;
	int overflow;
};

static void emit(struct filter *f, struct sock_filter insn)
{
	if (f->n < FILTER_MAX)
		f->insn[f->n++] = insn;
	else
		f->overflow = 1;
}

/*
 * emit_rule: if the call is @r's, load the argument and answer; else jump
 * over the block with the call's number still in the accumulator.
 *
 *	jeq nr, 0, len		len = 1 + nvals + 2
 *	ld  arg
 *	j?  vals[i], nvals - i, 0	(to "ret match")
 *	ret other
 *	ret match
 */
static void emit_rule(struct filter *f, const struct arg_rule *r)
{
	unsigned int i;

	emit(f, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, r->nr, 0,
					     1 + r->nvals + 2));
	emit(f, (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, ARG_LO(r->arg)));
	for (i = 0; i < r->nvals; i++)
		emit(f, (struct sock_filter)BPF_JUMP(BPF_JMP | r->test | BPF_K, r->vals[i],
						     r->nvals - i, 0));
	emit(f, (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, r->other));
	emit(f, (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, r->match));
}

/*
 * build_filter: the program, made at run time from the tables (the rules
 * name our own process id, which only now is known).  Every jump is
 * forward and short: a rule's block and an allowed call's pair are
 * jumped over whole, so no offset comes near BPF's 255.
 */
static int build_filter(struct filter *f, char *err)
{
	const uint32_t pid = getpid();
	const struct arg_rule rules[] = {
		/*
		 * pthread_create(): a thread of ours, sharing our memory and
		 * files.  Without CLONE_THREAD it is a new process: fork(),
		 * or a helper that would not be in our thread group.
		 */
		{ SYS_clone, 0, BPF_JSET, 1, { CLONE_THREAD }, RET_ALLOW, RET_KILL },
		/*
		 * Signals to ourselves only: raise(), abort() and
		 * pthread_kill() are tgkill() on our own process; clone is
		 * limited to threads, so our pid never changes.
		 */
		{ SYS_tgkill, 0, BPF_JEQ, 1, { pid }, RET_ALLOW, RET_KILL },
		{ SYS_tkill, 0, BPF_JEQ, 1, { pid }, RET_ALLOW, RET_KILL },
		/*
		 * Flags of a file we hold; not F_DUPFD (a dup), locks, or
		 * F_SETFL, which could leave a file we share with the shell
		 * (its terminal) non-blocking.  fdopen() asks F_GETFL.
		 */
		{ SYS_fcntl, 1, BPF_JEQ, 3, { F_GETFD, F_SETFD, F_GETFL },
		  RET_ALLOW, RET_KILL },
		/*
		 * ioctl: LGUEST_RUN, and what stdio asks of a terminal.  No
		 * other: not the terminal's settings, its process group or
		 * TIOCSTI (typing into the shell that started us), nor
		 * FIOSETOWN (signals to other processes).  Refused, not
		 * fatal, as an ioctl on the wrong kind of file would be.
		 */
		{ SYS_ioctl, 1, BPF_JEQ, 3, { LGUEST_RUN, TCGETS, TIOCGWINSZ },
		  RET_ALLOW, RET_ERRNO(EPERM) },
	};
	unsigned int i;

	f->n = 0;
	f->overflow = 0;
	/* Only the x86-64 system call table: not i386's (int $0x80)... */
	emit(f, (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
					     offsetof(struct seccomp_data, arch)));
	emit(f, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0));
	emit(f, (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, RET_KILL));
	/* ... nor x32's, whose numbers are ours with a bit set. */
	emit(f, (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
					     offsetof(struct seccomp_data, nr)));
	emit(f, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, __X32_SYSCALL_BIT, 0, 1));
	emit(f, (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, RET_KILL));
	/*
	 * glibc's pthread_create() tries clone3() first, whose flags sit in
	 * memory a filter cannot read; "not implemented" sends it to clone.
	 */
	emit(f, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_clone3, 0, 1));
	emit(f, (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, RET_ERRNO(ENOSYS)));
	for (i = 0; i < ARRAY_SIZE(rules); i++)
		emit_rule(f, &rules[i]);
	for (i = 0; i < ARRAY_SIZE(allowed); i++) {
		emit(f, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, allowed[i], 0, 1));
		emit(f, (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, RET_ALLOW));
	}
	emit(f, (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, RET_KILL));
	if (f->overflow) {
		snprintf(err, LOCKDOWN_ERR_LEN, "the seccomp filter is longer than its %zu instructions",
			 (size_t)FILTER_MAX);
		return -E2BIG;
	}
	return 0;
}

/*
 * The sandbox command's launcher opens everything it will ever need before
 * the guest runs: the kernel, the disks, /dev/lguest, the pipes to the
 * guest.  Then it locks itself down for good.  A bug a guest could exploit
 * in the launcher's pump then finds a process that can open nothing, run
 * nothing and connect nowhere; any other call kills the whole process.
 */
/**
 * lockdown_apply() - lock the launcher down for the rest of its life.
 * @err: %LOCKDOWN_ERR_LEN bytes for a sentence when it fails.
 *
 * In order: no_new_privs (which lets an unprivileged process install a
 * filter, and keeps execve from ever granting anything); every capability
 * dropped from the bounding set (where we may), the ambient, effective,
 * permitted and inheritable sets; then the seccomp filter, which kills the
 * process with SIGSYS on any call that is not allowed.
 *
 * Call it from the only thread, after every file is open and every setup
 * ioctl done, and before starting the vCPU and pump threads: they inherit
 * all of it, and clone is allowed only for threads.  With a thread already
 * running it refuses (-EBUSY), as that thread would stay unconfined.
 *
 * Return: 0, or a negative errno with a sentence in @err.  A failure may
 * leave part of it done (no_new_privs, fewer capabilities): the launcher
 * must not go on as if it were locked down.
 */
int lockdown_apply(char *err)
{
	static struct filter f;
	struct sock_fprog prog;
	int ret;

	ret = only_thread(err);
	if (ret)
		return ret;
	ret = build_filter(&f, err);
	if (ret)
		return ret;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return fail(err, "cannot set no_new_privs");
	ret = drop_caps(err);
	if (ret)
		return ret;
	prog.len = f.n;
	prog.filter = f.insn;
	if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0) < 0) {
		if (errno == EINVAL)
			return fail(err, "cannot install the seccomp filter (a kernel without CONFIG_SECCOMP_FILTER?)");
		return fail(err, "cannot install the seccomp filter");
	}
	return 0;
}

#else

/*
 * The filter's table is x86-64's; a 32-bit launcher (lguest32) would need
 * another, and is refused rather than left believing it is locked down.
 */
int lockdown_apply(char *err)
{
	snprintf(err, LOCKDOWN_ERR_LEN, "the sandbox lockdown is only built for x86-64");
	return -EOPNOTSUPP;
}

#endif

/**
 * lockdown_selftest() - prove the lockdown is there, if asked to.
 *
 * With LGUEST_LOCKDOWN_SELFTEST=1 in the environment, try a call the
 * filter forbids, openat("/"): a locked-down process dies of SIGSYS here,
 * which is what the tests look for.  If it lives on, the lockdown is
 * missing: say so on stderr and abort (SIGABRT, not SIGSYS).  Without the
 * variable it does nothing.  Call it right after lockdown_apply() returned
 * 0, before the guest runs.
 */
void lockdown_selftest(void)
{
	static const char msg[] =
		"lguest: lockdown selftest: openat(\"/\") was allowed: no lockdown\n";
	const char *s = getenv("LGUEST_LOCKDOWN_SELFTEST");

	if (!s || strcmp(s, "1"))
		return;
	syscall(SYS_openat, AT_FDCWD, "/", O_RDONLY);
	if (write(STDERR_FILENO, msg, sizeof(msg) - 1) < 0)
		abort();
	abort();
}
