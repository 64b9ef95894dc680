// SPDX-License-Identifier: GPL-2.0
/*
 * lgrun - PID 1 of the run initramfs behind "lguest run -- CMD ARGS...".
 * It mounts the pseudo filesystems, loads the modules the launcher asked
 * for, runs the command that /lgrun/ describes with stdout on hvc0, stderr
 * on hvc1 and stdin fed from length-prefixed frames on hvc2, and ends the
 * guest through the test-exit port with the command's exit status.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/io.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#define EXIT_PORT	0xf4	/* LGUEST_TEST_EXIT_PORT */
#define EXIT_INIT	125	/* init failed: the command did not run */
#define MAX_FILE	(1 << 20)
#define MAX_STRS	4096

extern char **environ;

/* One byte over MAX_FILE so that slurp() can tell "too big" from "full". */
static char argv_buf[MAX_FILE + 1], env_buf[MAX_FILE + 1];
static char *cmd_argv[MAX_STRS + 1];
static char *cmd_env[3 + MAX_STRS + 1] = {
	"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
	"HOME=/root", "TERM=linux",
};
static int kmsg = -1;
static int hvc[3] = { -1, -1, -1 };

/*T:018 On the guest's side of "lguest run", PID 1 runs the command,
 * waits for it, drains its consoles (tcdrain: every byte has reached the
 * launcher's files), and ends the whole guest with one byte to the exit
 * port: the command's status, which becomes the launcher's.  There is no
 * shutdown to wait for, since nothing in a throwaway guest needs saving. :*/
static void __attribute__((noreturn)) finish(int code)
{
	if (ioperm(EXIT_PORT, 1, 1) == 0)
		outb(code, EXIT_PORT);
	/* Only if the port failed: PID 1 must not return (that panics). */
	reboot(RB_POWER_OFF);
	for (;;)
		pause();
}

/*
 * say: one line, in one write() so that lines never mix.  A message for
 * the user goes to hvc1, the command's stderr, once that is open, in the
 * launcher's "lguest: " form; others, and those before, to the kernel log
 * (or, before /dev is mounted, to the initial console).
 */
static void __attribute__((format(printf, 2, 3)))
say(int user, const char *fmt, ...)
{
	int fd = user && hvc[1] >= 0 ? hvc[1] : kmsg >= 0 ? kmsg : 2;
	char line[512];
	va_list ap;
	int n;

	n = snprintf(line, sizeof(line), "%s", fd == hvc[1] ? "lguest: " :
		     fd == kmsg ? "<3>lgrun: " : "lgrun: ");
	va_start(ap, fmt);
	n += vsnprintf(line + n, sizeof(line) - n - 1, fmt, ap);
	va_end(ap);
	if (n > (int)sizeof(line) - 2)
		n = sizeof(line) - 2;
	line[n++] = '\n';
	if (write(fd, line, n) == n && fd == hvc[1])
		tcdrain(fd);
}

#define klog(...)	say(0, __VA_ARGS__)
/* fail: init itself went wrong: the command cannot run. */
#define fail(...)	(say(1, __VA_ARGS__), finish(EXIT_INIT))

/* mnt: mount fstype on dir, creating dir; EBUSY means it already is. */
static void mnt(const char *fstype, const char *dir, unsigned long flags,
		const char *opts)
{
	if (mkdir(dir, 0755) < 0 && errno != EEXIST)
		fail("cannot create %s: %s", dir, strerror(errno));
	if (mount(fstype, dir, fstype, flags, opts) < 0 && errno != EBUSY)
		fail("cannot mount %s on %s: %s", fstype, dir, strerror(errno));
}

/* slurp: all of path (max bytes; buf has max + 1), NUL-terminated; or -1. */
static ssize_t slurp(const char *path, char *buf, size_t max)
{
	ssize_t len = 0, n = 1;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -1;
	while (n > 0 && (size_t)len <= max)
		if ((n = read(fd, buf + len, max + 1 - len)) > 0)
			len += n;
	close(fd);	/* succeeds, so errno is still read()'s */
	if (n < 0)
		return -1;
	if ((size_t)len > max) {
		errno = EFBIG;
		return -1;
	}
	buf[len] = '\0';
	return len;
}

/* split: NUL-terminated strings into out[], NULL-ended: how many, or -1. */
static int split(char *buf, size_t len, char **out, int max)
{
	size_t i = 0;
	int n = 0;

	if (len && buf[len - 1] != '\0')
		return -1;
	while (i < len) {
		if (n == max)
			return -1;
		out[n++] = buf + i;
		i += strlen(buf + i) + 1;
	}
	out[n] = NULL;
	return n;
}

/* load_modules: /lib/modules/order's core group, plus blk and net if asked. */
static void load_modules(int blk, int net)
{
	static char order[65536];
	char path[256], group[8], file[200], *line, *save;
	int fd;

	if (slurp("/lib/modules/order", order, sizeof(order) - 1) < 0)
		fail("cannot read /lib/modules/order: %s", strerror(errno));
	for (line = strtok_r(order, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		if (sscanf(line, "%7s %199s", group, file) != 2 ||
		    (strcmp(group, "core") && !(blk && !strcmp(group, "blk")) &&
		     !(net && !strcmp(group, "net"))))
			continue;
		snprintf(path, sizeof(path), "/lib/modules/%s", file);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		/*
		 * One module failing (crc32c-intel without SSE4.2, say) need
		 * not sink the rest: say so and go on.
		 */
		if (fd < 0 || (syscall(SYS_finit_module, fd, "", 0) < 0 &&
			       errno != EEXIST))
			klog("cannot load %s: %s", file, strerror(errno));
		if (fd >= 0)
			close(fd);
	}
}

/* lo_up: loopback up (the kernel gives it 127.0.0.1); failure is harmless. */
static void lo_up(void)
{
	struct ifreq ifr = { .ifr_name = "lo" };
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (s >= 0 && ioctl(s, SIOCGIFFLAGS, &ifr) == 0) {
		ifr.ifr_flags |= IFF_UP;
		ioctl(s, SIOCSIFFLAGS, &ifr);
	}
	close(s);
}

/*
 * open_console: /dev/hvcN, raw.  devtmpfs makes the node a little after
 * virtio_console probes, so wait up to 5 s.  Raw: no echo, no CR/LF
 * mangling, no signal characters - the bytes are the command's own.
 */
static void open_console(int n)
{
	struct timespec tick = { 0, 10000000 };	/* 10 ms */
	struct termios t;
	char path[16];
	int i, fd = -1;

	snprintf(path, sizeof(path), "/dev/hvc%d", n);
	for (i = 0; i < 500 && fd < 0; i++)
		if ((fd = open(path, O_RDWR | O_NOCTTY | O_CLOEXEC)) < 0)
			nanosleep(&tick, NULL);
	if (fd < 0) {
		klog("no %s after 5 s: %s", path, strerror(errno));
		finish(EXIT_INIT);
	}
	if (tcgetattr(fd, &t) < 0)
		fail("%s: tcgetattr: %s", path, strerror(errno));
	cfmakeraw(&t);
	t.c_cc[VMIN] = 1;
	t.c_cc[VTIME] = 0;
	if (tcsetattr(fd, TCSANOW, &t) < 0)
		fail("%s: tcsetattr: %s", path, strerror(errno));
	hvc[n] = fd;
}

/* xfer: read or write exactly len bytes; -1 on error or end of file. */
static int xfer(int rd, int fd, void *buf, size_t len)
{
	ssize_t n;

	while (len) {
		n = rd ? read(fd, buf, len) : write(fd, buf, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		buf = (char *)buf + n;
		len -= n;
	}
	return 0;
}

/*
 * pump: the child that turns hvc2's frames (u16 little-endian length, then
 * that many bytes; length 0 is end of input) into the command's stdin.
 * If the command stops reading, keep draining frames and drop them, so
 * the launcher never blocks on a full console.
 */
static void __attribute__((noreturn)) pump(int in, int out)
{
	static unsigned char buf[65535];
	unsigned char hdr[2];
	size_t len;

	signal(SIGPIPE, SIG_IGN);	/* EPIPE instead */
	while (!xfer(1, in, hdr, 2) && (len = hdr[0] | hdr[1] << 8) &&
	       !xfer(1, in, buf, len))
		if (out >= 0 && xfer(0, out, buf, len) < 0)
			out = -1;	/* no reader left: drop the rest */
	_exit(0);	/* closes the write end: the command sees EOF */
}

/* run: the command's child; everything but 0, 1, 2 is O_CLOEXEC. */
static void __attribute__((noreturn)) run(int in, const char *dir)
{
	sigset_t none;
	int sig, err;

	setsid();
	if (dup2(in, 0) < 0 || dup2(hvc[0], 1) < 0 || dup2(hvc[1], 2) < 0)
		_exit(EXIT_INIT);
	if (chdir(dir) < 0) {
		dprintf(2, "lguest: cannot enter workdir '%s': %s\n", dir,
			strerror(errno));
		_exit(EXIT_INIT);
	}
	/* SIGKILL, SIGSTOP and glibc's own refuse: that is fine. */
	for (sig = 1; sig < NSIG; sig++)
		signal(sig, SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	/* execvpe() searches the caller's PATH, not envp's: make them one. */
	environ = cmd_env;
	execvpe(cmd_argv[0], cmd_argv, cmd_env);
	err = errno;
	dprintf(2, "lguest: %s: %s\n", cmd_argv[0], strerror(err));
	_exit(err == ENOENT || err == ENOTDIR ? 127 : 126);
}

/*
 * save_output: --output.  The results in /output go to the raw disk the
 * launcher made for them (/lgrun/output names it), as a newc cpio archive
 * that the launcher unpacks once we are gone.  busybox writes it; an
 * archive that does not fit, or any failure, is the launcher's 125.
 */
static int save_output(const char *dev)
{
	pid_t pid;
	int st, null;

	pid = fork();
	if (pid < 0)
		return -1;
	if (!pid) {
		null = open("/dev/null", O_RDWR);
		if (null < 0 || chdir("/output") < 0 || dup2(null, 0) < 0 ||
		    dup2(null, 2) < 0)
			_exit(1);
		execl("/bin/sh", "sh", "-c", "find . | cpio -o -H newc > \"$0\"",
		      dev, (char *)NULL);
		_exit(1);
	}
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(st) && !WEXITSTATUS(st) ? 0 : -1;
}

/* opt: an optional /lgrun file's length, 0 if absent; unreadable fails. */
static size_t opt(const char *path, char *buf, size_t max)
{
	ssize_t len = slurp(path, buf, max);

	if (len < 0 && errno != ENOENT)
		fail("cannot read %s: %s", path, strerror(errno));
	return len < 0 ? 0 : len;
}

/* build_env: the defaults, each NAME=VALUE of /lgrun/env replacing its own. */
static void build_env(void)
{
	static char *vars[MAX_STRS + 1];
	size_t len = opt("/lgrun/env", env_buf, MAX_FILE), k;
	int i, j, n = 3;

	if (split(env_buf, len, vars, MAX_STRS) < 0)
		fail("bad /lgrun/env: want at most %d NUL-terminated strings",
		     MAX_STRS);
	for (i = 0; vars[i]; i++) {
		k = strcspn(vars[i], "=");
		if (!k || !vars[i][k])
			fail("bad /lgrun/env entry '%s': not NAME=VALUE",
			     vars[i]);
		for (j = 0; j < n && strncmp(cmd_env[j], vars[i], k + 1); j++)
			;
		cmd_env[j] = vars[i];
		n += j == n;
	}
	cmd_env[n] = NULL;
}

int main(void)
{
	static char workdir[4097], devices[4097], output[64];
	char *word, *save, one = 'R';
	int blk = 0, net = 0, pipefd[2], st, code, i, fd;
	pid_t pump_pid, cmd, pid;
	ssize_t len;
	size_t wlen;

	mnt("proc", "/proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
	mnt("sysfs", "/sys", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
	mnt("devtmpfs", "/dev", MS_NOSUID, "mode=0755");
	/*
	 * Without /dev/console the kernel starts us with no fds 0-2; fill
	 * them so that no later fd lands there for dup2() to clobber.
	 */
	while ((fd = open("/dev/null", O_RDWR)) >= 0 && fd < 3)
		;
	if (fd >= 3)
		close(fd);
	kmsg = open("/dev/kmsg", O_WRONLY | O_CLOEXEC);
	mnt("devpts", "/dev/pts", MS_NOSUID | MS_NOEXEC,
	    "gid=5,mode=0620,ptmxmode=0666");
	mnt("tmpfs", "/tmp", MS_NOSUID | MS_NODEV, "mode=1777");

	len = slurp("/lgrun/argv", argv_buf, MAX_FILE);
	if (len < 0)
		fail("cannot read /lgrun/argv: %s", strerror(errno));
	if (split(argv_buf, len, cmd_argv, MAX_STRS) < 1)
		fail("bad /lgrun/argv: want 1 to %d NUL-terminated strings",
		     MAX_STRS);
	build_env();
	wlen = opt("/lgrun/workdir", workdir, sizeof(workdir) - 1);
	if (wlen && workdir[wlen - 1] == '\n')
		workdir[--wlen] = '\0';
	if (!wlen)
		strcpy(workdir, "/");
	opt("/lgrun/devices", devices, sizeof(devices) - 1);
	for (word = strtok_r(devices, " \t\r\n", &save); word;
	     word = strtok_r(NULL, " \t\r\n", &save)) {
		blk |= !strcmp(word, "blk");
		net |= !strcmp(word, "net");
	}

	/* --output: a raw disk (/dev/vdX) for the archive of /output. */
	wlen = opt("/lgrun/output", output, sizeof(output) - 1);
	if (wlen && strncmp(output, "/dev/vd", 7))
		fail("bad /lgrun/output: want /dev/vdX");
	if (wlen && mkdir("/output", 0755) < 0 && errno != EEXIST)
		fail("mkdir /output: %s", strerror(errno));

	load_modules(blk, net);
	lo_up();
	for (i = 0; i < 3; i++)
		open_console(i);

	if (pipe2(pipefd, O_CLOEXEC) < 0)
		fail("pipe: %s", strerror(errno));
	pump_pid = fork();
	if (pump_pid < 0)
		fail("fork: %s", strerror(errno));
	if (!pump_pid) {
		close(pipefd[0]);
		pump(hvc[2], pipefd[1]);
	}
	/* Only the pump may hold the write end, or stdin never reaches EOF. */
	close(pipefd[1]);
	/* All three consoles are raw now: the launcher may send stdin. */
	if (xfer(0, hvc[2], &one, 1) < 0)
		fail("hvc2: %s", strerror(errno));

	cmd = fork();
	if (cmd < 0)
		fail("fork: %s", strerror(errno));
	if (!cmd)
		run(pipefd[0], workdir);
	/* The read end too: once the command is gone, the pump gets EPIPE. */
	close(pipefd[0]);

	/* As PID 1 we inherit the command's orphans: reap them as we go. */
	while ((pid = waitpid(-1, &st, 0)) != cmd) {
		if (pid < 0 && errno != EINTR)
			fail("waitpid: %s", strerror(errno));
		if (pid == pump_pid)
			pump_pid = -1;
	}
	code = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);

	if (pump_pid > 0) {
		kill(pump_pid, SIGKILL);
		while (waitpid(pump_pid, NULL, 0) < 0 && errno == EINTR)
			;
	}
	/* The guest ends at the port write: let the output reach the host. */
	tcdrain(hvc[0]);
	tcdrain(hvc[1]);
	if (*output && save_output(output) < 0) {
		say(1, "--output: the files in /output do not fit on the output disk (%s), or could not be written",
		    output);
		code = EXIT_INIT;
	}
	if (blk)
		sync();
	finish(code);
}
