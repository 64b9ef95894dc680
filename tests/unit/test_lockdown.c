// SPDX-License-Identifier: GPL-2.0
/*
 * test_lockdown.c - unit test of the sandbox launcher's lockdown
 * (tools/lguest/lockdown.c): each case is a child that locks itself down
 * and then does one thing; the parent checks how it ended (exit 0 for
 * what a running launcher does, SIGSYS for the rest) and, through
 * /proc/PID/status, what the kernel says the child's sandbox is.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/sched.h>

#include "../../tools/lguest/lockdown.h"
#include "unit.h"

#define NOBODY		65534	/* the unprivileged run's uid and gid */
#define CAP_SETPCAP_BIT	8

/* A pipe every child inherits, for the writes that must work. */
static int pfd[2];
/* The test itself: a process not ours to signal, once a child runs. */
static pid_t parent;
/* In a child: whether it locked itself down. */
static bool locked;

/* bad: a child's failure: say what, and exit with a status the parent shows. */
static void __attribute__((noreturn)) bad(int status, const char *what)
{
	fprintf(stderr, "  child: %s (errno %d)\n", what, errno);
	_exit(status);
}

/* The things a running launcher does, all after the lockdown. */

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static int thread_token;
static pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
static bool go;
static volatile sig_atomic_t signals;

static void *thread_body(void *arg)
{
	struct timespec ts;
	char *p;

	pthread_mutex_lock(&lock);
	while (!go)
		pthread_cond_wait(&cond, &lock);	/* futex */
	pthread_mutex_unlock(&lock);
	p = malloc(1 << 20);				/* mmap */
	if (!p)
		return NULL;
	memset(p, 1, 1 << 20);
	free(p);
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return arg;
}

static void on_signal(int sig)
{
	(void)sig;
	signals++;
}

static volatile int timer_threads;

static void on_timer(union sigval v)
{
	(void)v;
	__atomic_add_fetch(&timer_threads, 1, __ATOMIC_SEQ_CST);
}

static void do_allowed(void)
{
	struct sigaction sa = { .sa_handler = on_signal };
	struct sigevent sev = { .sigev_notify = SIGEV_SIGNAL, .sigev_signo = SIGUSR2 };
	struct itimerspec its = { .it_value = { 0, 5000000 } };
	struct itimerval itv;
	struct pollfd pol = { .fd = pfd[0], .events = POLLIN };
	struct timespec ts, nap = { 0, 1000000 };
	struct timeval tv;
	pthread_t tid;
	timer_t timer;
	char buf[16], *m;
	void *ret;
	FILE *f;
	int i;

	/* The pump: stdio on a pipe (fcntl F_GETFL, fstat), poll, read. */
	f = fdopen(pfd[1], "w");
	if (!f || fprintf(f, "ok") != 2 || fflush(f))
		bad(10, "stdio write to a pipe");
	if (poll(&pol, 1, 1000) != 1 || read(pfd[0], buf, sizeof(buf)) != 2 ||
	    memcmp(buf, "ok", 2))
		bad(11, "poll and read back the pipe");
	/* A thread (clone3 refused, then clone with CLONE_THREAD), joined. */
	if (pthread_create(&tid, NULL, thread_body, &thread_token))
		bad(12, "pthread_create");
	pthread_mutex_lock(&lock);
	go = true;
	pthread_cond_signal(&cond);
	pthread_mutex_unlock(&lock);
	if (pthread_join(tid, &ret) || ret != &thread_token)
		bad(13, "pthread_join, or the thread failed");
	/* Time. */
	if (clock_gettime(CLOCK_MONOTONIC, &ts) || gettimeofday(&tv, NULL) ||
	    nanosleep(&nap, NULL))
		bad(14, "clock_gettime, gettimeofday, nanosleep");
	/* Memory the way malloc and thread stacks use it. */
	m = mmap(NULL, 65536, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED || mprotect(m, 4096, PROT_NONE) ||
	    madvise(m + 4096, 4096, MADV_DONTNEED))
		bad(15, "mmap, mprotect, madvise");
	if (munmap(m, 65536))
		bad(16, "munmap");
	m = mmap(NULL, 65536, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED)
		bad(16, "mmap");
	m = mremap(m, 65536, 1 << 20, MREMAP_MAYMOVE);	/* realloc */
	if (m == MAP_FAILED || munmap(m, 1 << 20))
		bad(16, "mremap, munmap");
	/* Signals to ourselves, and a timer (--timeout). */
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGUSR1, &sa, NULL) || sigaction(SIGUSR2, &sa, NULL) ||
	    raise(SIGUSR1) || signals != 1)
		bad(17, "sigaction, raise");
	if (timer_create(CLOCK_MONOTONIC, &sev, &timer) ||
	    timer_settime(timer, 0, &its, NULL))
		bad(18, "timer_create, timer_settime");
	for (i = 0; i < 1000 && signals < 2; i++)
		nanosleep(&nap, NULL);
	if (signals != 2 || timer_delete(timer))
		bad(19, "the timer's signal, timer_delete");
	/* SIGEV_THREAD: glibc's helper thread (sigwaitinfo), a thread a shot. */
	sev = (struct sigevent) { .sigev_notify = SIGEV_THREAD, .sigev_notify_function = on_timer };
	if (timer_create(CLOCK_MONOTONIC, &sev, &timer) ||
	    timer_settime(timer, 0, &its, NULL))
		bad(25, "timer_create, timer_settime (SIGEV_THREAD)");
	for (i = 0; i < 1000 && !timer_threads; i++)
		nanosleep(&nap, NULL);
	if (!timer_threads || timer_delete(timer))
		bad(26, "the timer's thread, timer_delete (SIGEV_THREAD)");
	/* The watchdog child() set: still there, and set again. */
	if (!alarm(20) || getitimer(ITIMER_REAL, &itv) || !itv.it_value.tv_sec ||
	    setitimer(ITIMER_REAL, &itv, NULL))
		bad(20, "alarm, getitimer, setitimer");
	if (getrandom(buf, sizeof(buf), 0) != sizeof(buf))
		bad(21, "getrandom");
	/* The filter's answers short of killing (the kernel's are others). */
	if (locked && (ioctl(pfd[0], TIOCSTI, "x") != -1 || errno != EPERM))
		bad(22, "ioctl(TIOCSTI) is not refused with EPERM");
	if (locked && (syscall(SYS_clone3, NULL, 0) != -1 || errno != ENOSYS))
		bad(23, "clone3 is not refused with ENOSYS");
	if (fcntl(pfd[0], F_GETFD) < 0 || fcntl(pfd[0], F_GETFL) < 0)
		bad(24, "fcntl F_GETFD, F_GETFL");
	/* Other ioctls are refused, not fatal: FIOSETOWN would signal others. */
	if (locked && (ioctl(pfd[0], FIONREAD, &(int){ 0 }) != -1 || errno != EPERM))
		bad(42, "ioctl(FIONREAD) is not refused with EPERM");
}

/* The things it must never do: each one should kill the child (SIGSYS). */

static void do_openat(void)
{
	syscall(SYS_openat, AT_FDCWD, "/", O_RDONLY);
}

static void do_open(void)
{
	syscall(SYS_open, "/", O_RDONLY);
}

static void do_socket(void)
{
	socket(AF_UNIX, SOCK_STREAM, 0);
}

/*
 * A path that is not there: were execve let through, it would come back
 * with ENOENT and the child exit 0, rather than die in the new program.
 */
static void do_execve(void)
{
	char *argv[] = { "/nonexistent/lguest-test", NULL }, *envp[] = { NULL };

	execve(argv[0], argv, envp);
}

static void do_fork(void)
{
	if (fork() == 0)
		_exit(0);
}

/*
 * vfork's child runs on our stack until it exits: no function call in
 * it, just exit_group straight from the asm, so we come back intact.
 */
static void do_vfork(void)
{
	long ret = SYS_vfork;

	__asm__ volatile("syscall" : "+a"(ret) : : "rcx", "r11", "memory");
	if (ret == 0)
		__asm__ volatile("syscall" : : "a"((long)SYS_exit_group), "D"(0L)
				 : "rcx", "r11", "memory");
}

/* A new process by the raw call, as a sandbox escape would. */
static void do_clone_process(void)
{
	syscall(SYS_clone, SIGCHLD, 0, 0, 0, 0);
}

/* CLONE_THREAD in the high half of the flags, which the kernel ignores. */
static void do_clone_high_bits(void)
{
	syscall(SYS_clone, ((unsigned long)CLONE_THREAD << 32) | SIGCHLD, 0, 0, 0, 0);
}

static void do_kill_parent(void)
{
	kill(parent, 0);
}

static void do_tgkill_parent(void)
{
	syscall(SYS_tgkill, parent, parent, 0);
}

static void do_ptrace(void)
{
	syscall(SYS_ptrace, 0 /* PTRACE_TRACEME */, 0, 0, 0);
}

static void do_prctl(void)
{
	prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0);
}

static void do_dup(void)
{
	dup(1);
}

static void do_fcntl_dupfd(void)
{
	fcntl(1, F_DUPFD, 0);
}

static void do_bpf(void)
{
	syscall(SYS_bpf, 0, NULL, 0);
}

/* getpid with the x32 bit: x32's table, refused whatever the number. */
static void do_x32(void)
{
	syscall(SYS_getpid | 0x40000000 /* __X32_SYSCALL_BIT */);
}

/* getpid (20) through i386's int $0x80: another architecture's table. */
static void do_int80(void)
{
	long ret = 20;

	__asm__ volatile("int $0x80" : "+a"(ret) : : "memory");
	if (ret != getpid())
		bad(30, "int $0x80 getpid did not answer our pid");
}

static void do_selftest(void)
{
	lockdown_selftest();
}

/* The same, unlocked: its complaint on stderr is expected, so not shown. */
static void do_selftest_quiet(void)
{
	int fd = open("/dev/null", O_WRONLY);

	if (fd < 0 || dup2(fd, STDERR_FILENO) < 0)
		bad(31, "/dev/null");
	lockdown_selftest();
}

/* Another thread already running: lockdown must refuse, not half-work. */
static void *sleeper(void *arg)
{
	pause();
	return arg;
}

static void do_threaded(void)
{
	char err[LOCKDOWN_ERR_LEN] = "";
	pthread_t tid;
	int r;

	if (pthread_create(&tid, NULL, sleeper, NULL))
		bad(40, "pthread_create");
	r = lockdown_apply(err);
	if (r != -EBUSY || !err[0])
		bad(41, "lockdown_apply with a second thread did not give -EBUSY");
}

/* A child: its uid, whether it locks down, what it does. */
enum lock { NO_LOCK, LOCK };

static void drop_to_nobody(void)
{
	if (setgroups(0, NULL) || setresgid(NOBODY, NOBODY, NOBODY) ||
	    setresuid(NOBODY, NOBODY, NOBODY))
		bad(3, "cannot become nobody");
}

static void child(enum lock lock, bool unpriv, void (*fn)(void))
{
	char err[LOCKDOWN_ERR_LEN] = "";
	int r;

	/* Whatever goes wrong, no hang: SIGALRM is a failure too. */
	alarm(20);
	if (unpriv)
		drop_to_nobody();
	if (lock == LOCK) {
		r = lockdown_apply(err);
		if (r) {
			fprintf(stderr, "  child: lockdown_apply: %d: %s\n", r, err);
			_exit(2);
		}
		locked = true;
	}
	fn();
	/* _exit: exit() would run LeakSanitizer, whose helper is no thread. */
	_exit(0);
}

static const char *describe(int status, char *buf, size_t len)
{
	if (WIFSIGNALED(status))
		snprintf(buf, len, "killed by %s", strsignal(WTERMSIG(status)));
	else
		snprintf(buf, len, "exit %d", WEXITSTATUS(status));
	return buf;
}

/* run: one case; @want_sig 0 means it must exit 0. */
static int run(const char *name, enum lock lock, bool unpriv, void (*fn)(void),
	       int want_sig)
{
	char got[64];
	int status;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		perror("fork");
		exit(2);
	}
	if (pid == 0)
		child(lock, unpriv, fn);
	if (waitpid(pid, &status, 0) != pid) {
		perror("waitpid");
		exit(2);
	}
	describe(status, got, sizeof(got));
	if (want_sig)
		UNIT_CHECK(WIFSIGNALED(status) && WTERMSIG(status) == want_sig,
			   "%s%s: %s, want killed by %s", name, unpriv ? " (nobody)" : "",
			   got, strsignal(want_sig));
	else
		UNIT_CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0,
			   "%s%s: %s, want exit 0", name, unpriv ? " (nobody)" : "", got);
	return status;
}

/* field: the value of "NAME:" in a /proc status text, in @base; -1 if none. */
static long long field(const char *text, const char *name, int base)
{
	char key[64];
	const char *p;

	snprintf(key, sizeof(key), "\n%s:", name);
	p = strstr(text, key);
	if (!p)
		return -1;
	return strtoll(p + strlen(key), NULL, base);
}

static void read_status(pid_t pid, char *buf, size_t len)
{
	char path[64];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	n = fd < 0 ? -1 : read(fd, buf, len - 1);
	if (n < 0) {
		perror(path);
		exit(2);
	}
	buf[n] = '\0';
	close(fd);
}

/*
 * The sandbox as the kernel sees it: the child locks down, says it is
 * ready and waits (read is allowed); we read /proc/PID/status, then let it
 * go.  A child may not ask itself: capget and prctl are not allowed.
 */
static void test_status(bool unpriv, bool setpcap)
{
	int ready[2], done[2], status;
	char buf[4096], c = 0, got[64];
	pid_t pid;

	if (pipe2(ready, O_CLOEXEC) || pipe2(done, O_CLOEXEC)) {
		perror("pipe");
		exit(2);
	}
	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		perror("fork");
		exit(2);
	}
	if (pid == 0) {
		char err[LOCKDOWN_ERR_LEN];

		close(ready[0]);
		close(done[1]);
		alarm(20);
		if (unpriv)
			drop_to_nobody();
		if (lockdown_apply(err)) {
			fprintf(stderr, "  child: lockdown_apply: %s\n", err);
			_exit(2);
		}
		if (write(ready[1], &c, 1) != 1 || read(done[0], &c, 1) != 0)
			_exit(4);
		_exit(0);
	}
	close(ready[1]);
	close(done[0]);
	if (read(ready[0], &c, 1) == 1) {
		read_status(pid, buf, sizeof(buf));
		UNIT_CHECK(field(buf, "Seccomp", 10) == 2, "status%s: Seccomp %lld, want 2 (filter)",
			   unpriv ? " (nobody)" : "", field(buf, "Seccomp", 10));
		UNIT_CHECK(field(buf, "NoNewPrivs", 10) == 1, "status%s: NoNewPrivs %lld, want 1",
			   unpriv ? " (nobody)" : "", field(buf, "NoNewPrivs", 10));
		UNIT_CHECK(field(buf, "CapEff", 16) == 0, "status%s: CapEff %llx, want 0",
			   unpriv ? " (nobody)" : "", field(buf, "CapEff", 16));
		UNIT_CHECK(field(buf, "CapPrm", 16) == 0, "status%s: CapPrm %llx, want 0",
			   unpriv ? " (nobody)" : "", field(buf, "CapPrm", 16));
		UNIT_CHECK(field(buf, "CapInh", 16) == 0, "status%s: CapInh %llx, want 0",
			   unpriv ? " (nobody)" : "", field(buf, "CapInh", 16));
		UNIT_CHECK(field(buf, "CapAmb", 16) == 0, "status%s: CapAmb %llx, want 0",
			   unpriv ? " (nobody)" : "", field(buf, "CapAmb", 16));
		/* Only CAP_SETPCAP may empty the bounding set. */
		if (setpcap && !unpriv)
			UNIT_CHECK(field(buf, "CapBnd", 16) == 0, "status: CapBnd %llx, want 0",
				   field(buf, "CapBnd", 16));
	} else {
		UNIT_CHECK(0, "status%s: the child died before it was ready",
			   unpriv ? " (nobody)" : "");
	}
	close(done[1]);
	close(ready[0]);
	waitpid(pid, &status, 0);
	UNIT_CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		   "status%s: the child: %s, want exit 0", unpriv ? " (nobody)" : "",
		   describe(status, got, sizeof(got)));
}

/* The forbidden calls, each in a locked-down child. */
static const struct {
	const char *name;
	void (*fn)(void);
} forbidden[] = {
	{ "openat", do_openat },
	{ "open", do_open },
	{ "socket", do_socket },
	{ "execve", do_execve },
	{ "fork", do_fork },
	{ "vfork", do_vfork },
	{ "clone of a process", do_clone_process },
	{ "clone, CLONE_THREAD in the high half", do_clone_high_bits },
	{ "kill", do_kill_parent },
	{ "tgkill of another process", do_tgkill_parent },
	{ "ptrace", do_ptrace },
	{ "prctl", do_prctl },
	{ "dup", do_dup },
	{ "fcntl F_DUPFD", do_fcntl_dupfd },
	{ "bpf", do_bpf },
	{ "x32 getpid", do_x32 },
};

static void test_unpriv(bool setpcap)
{
	run("allowed calls", LOCK, true, do_allowed, 0);
	run("openat", LOCK, true, do_openat, SIGSYS);
	run("socket", LOCK, true, do_socket, SIGSYS);
	run("fork", LOCK, true, do_fork, SIGSYS);
	test_status(true, setpcap);
}

int main(void)
{
	char buf[4096];
	bool setpcap;
	unsigned int i;
	ssize_t n = -1;
	int fd;

	parent = getpid();
	/* Our lines and the children's (stderr) in the order they happen. */
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (pipe(pfd)) {
		perror("pipe");
		return 2;
	}
	fd = open("/proc/self/status", O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		n = read(fd, buf, sizeof(buf) - 1);
		close(fd);
	}
	buf[n > 0 ? n : 0] = '\0';
	setpcap = field(buf, "CapEff", 16) >= 0 &&
		  (field(buf, "CapEff", 16) >> CAP_SETPCAP_BIT) & 1;

	/* What a running launcher does: all of it must work. */
	run("allowed calls", NO_LOCK, false, do_allowed, 0);
	run("allowed calls", LOCK, false, do_allowed, 0);
	for (i = 0; i < sizeof(forbidden) / sizeof(forbidden[0]); i++) {
		/* Without the lockdown each lives: what kills it is the filter. */
		run(forbidden[i].name, NO_LOCK, false, forbidden[i].fn, 0);
		run(forbidden[i].name, LOCK, false, forbidden[i].fn, SIGSYS);
	}
	/* i386's table: only where this kernel runs int $0x80 at all. */
	if (WIFEXITED(run("int $0x80 (unlocked)", NO_LOCK, false, do_int80, 0)))
		run("int $0x80", LOCK, false, do_int80, SIGSYS);
	else
		printf("  int $0x80 does not work here without the lockdown: not tested\n");

	/* LGUEST_LOCKDOWN_SELFTEST=1: SIGSYS locked down, SIGABRT if not. */
	run("selftest, unset", LOCK, false, do_selftest, 0);
	setenv("LGUEST_LOCKDOWN_SELFTEST", "1", 1);
	run("selftest", LOCK, false, do_selftest, SIGSYS);
	run("selftest without the lockdown", NO_LOCK, false, do_selftest_quiet, SIGABRT);
	unsetenv("LGUEST_LOCKDOWN_SELFTEST");

	run("lockdown with a thread running", NO_LOCK, false, do_threaded, 0);
	test_status(false, setpcap);
	/* Root: again as nobody, who holds no CAP_SETPCAP nor CAP_SYS_ADMIN. */
	if (geteuid() == 0)
		test_unpriv(setpcap);
	close(pfd[0]);
	close(pfd[1]);
	return unit_summary("lockdown");
}
