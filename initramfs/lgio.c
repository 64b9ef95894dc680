// SPDX-License-Identifier: GPL-2.0
/*
 * lgio - the device figures of "make bench": sequential and random direct
 * I/O on a block device, and one-way TCP throughput.  Built static, it runs
 * in the busybox guest (/bin/lgio) and in the test host (build/lgio).  Each
 * measurement prints one line "@@IO <what> <value> <unit>"; MB is 10^6 bytes.
 * "rr"/"rrserve": one-byte TCP request/response transactions per second.
 * A run that has no result after $LGIO_LIMIT seconds (default 120) fails.
 * Two memory checks for the MMU (shadow paging) ride along: "mmchurn",
 * mmap/mprotect/munmap and fork with every byte checked, and "filecheck",
 * a file written and read back through the page cache.  And two hostile
 * virtio drivers, "republish" and "netstall": see republish(), netstall().
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/aio_abi.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MIB		(1024 * 1024)
#define SEQ_BLOCK	MIB		/* sequential I/O: 1 MiB requests */
#define RAND_BLOCK	4096		/* random reads: 4 KiB */
#define RAND_SPAN	(64 * MIB)	/* random reads fall in the first 64 MiB */
#define NET_CHUNK	(128 * 1024)	/* send()/recv() size */
#define CONNECT_TRIES	200		/* connect: every 0.1 s, 20 s in all */
#define LIMIT_SECS	120		/* default for $LGIO_LIMIT */
#define AIO_QD_MAX	256		/* the deepest queue "lgio ... QD" keeps */

static const char *what = "lgio";

/* die: one line on stderr, "lgio: <subcommand>: <why>", and exit 1. */
static void __attribute__((noreturn, format(printf, 1, 2))) die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "lgio: %s: ", what);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static char alarm_msg[80];

static void on_alarm(int sig)
{
	(void)sig;
	if (write(2, alarm_msg, strlen(alarm_msg)) < 0)
		_exit(1);
	_exit(1);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* number: a positive decimal argument, or die. */
static long number(const char *s, const char *name)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v <= 0 || v > 1L << 20)
		die("bad %s '%s'", name, s);
	return v;
}

/* port: a TCP port argument, or die. */
static long port(const char *s)
{
	long v = number(s, "port");

	if (v > 65535)
		die("bad port '%s'", s);
	return v;
}

/* aligned_buf: LEN bytes aligned for O_DIRECT, filled with a pattern. */
static unsigned char *aligned_buf(size_t len)
{
	unsigned char *buf;
	size_t i;

	if (posix_memalign((void **)&buf, 4096, len))
		die("cannot allocate %zu bytes", len);
	for (i = 0; i < len; i++)
		buf[i] = (unsigned char)(i * 131 + (i >> 12));
	return buf;
}

/* open_direct: DEV opened with O_DIRECT, and at least BYTES long. */
static int open_direct(const char *dev, int flags, long long bytes)
{
	long long size;
	int fd;

	fd = open(dev, flags | O_DIRECT);
	if (fd < 0)
		die("cannot open %s with O_DIRECT: %s", dev, strerror(errno));
	size = lseek(fd, 0, SEEK_END);
	if (size < bytes)
		die("%s has %lld bytes, need %lld", dev, size, bytes);
	if (lseek(fd, 0, SEEK_SET) < 0)
		die("lseek %s: %s", dev, strerror(errno));
	return fd;
}

/*
 * seq: MIB MiB in 1 MiB direct requests from offset 0; a write ends with
 * fdatasync (the disk's flush), inside the timed span.
 */
static void seq(const char *dev, long mib, int writing)
{
	unsigned char *buf = aligned_buf(SEQ_BLOCK);
	double t0, t1;
	ssize_t n;
	long i;
	int fd;

	fd = open_direct(dev, writing ? O_WRONLY : O_RDONLY, (long long)mib * MIB);
	t0 = now();
	for (i = 0; i < mib; i++) {
		n = writing ? write(fd, buf, SEQ_BLOCK) : read(fd, buf, SEQ_BLOCK);
		if (n != SEQ_BLOCK)
			die("%s at MiB %ld of %s: %s", writing ? "write" : "read", i, dev,
			    n < 0 ? strerror(errno) : "short transfer");
	}
	if (writing && fdatasync(fd))
		die("fdatasync %s: %s", dev, strerror(errno));
	t1 = now();
	close(fd);
	printf("@@IO %s %.1f MB/s %ld MiB in %.3f s\n", what,
	       mib * (double)MIB / 1e6 / (t1 - t0), mib, t1 - t0);
}

/*
 * randread: 4 KiB direct reads at random aligned offsets in the first
 * 64 MiB, one at a time, for SECS seconds.
 */
static void randread(const char *dev, long secs)
{
	unsigned char *buf = aligned_buf(RAND_BLOCK);
	uint64_t x = 0x9e3779b97f4a7c15ull ^ (uint64_t)getpid();
	double t0, t, end;
	long ops = 0;
	off_t off;
	int fd;

	fd = open_direct(dev, O_RDONLY, RAND_SPAN);
	t0 = now();
	end = t0 + secs;
	do {
		/* xorshift64 */
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		off = (off_t)(x % (RAND_SPAN / RAND_BLOCK)) * RAND_BLOCK;
		if (pread(fd, buf, RAND_BLOCK, off) != RAND_BLOCK)
			die("read at %lld of %s: %s", (long long)off, dev, strerror(errno));
		ops++;
		t = now();
	} while (t < end);
	close(fd);
	printf("@@IO randread %.0f IOPS %ld reads in %.3f s\n", ops / (t - t0), ops, t - t0);
}

/*
 * Queue-depth I/O ("lgio seqwrite|seqread DEV MIB QD", "lgio randread|
 * randwrite DEV SECONDS QD"): Linux native AIO through the raw syscalls
 * (no libaio) on an O_DIRECT descriptor, so QD requests really are in
 * flight at once: each completion is answered by the next request.
 * Sequential: MIB MiB in 1 MiB requests from offset 0 (a write ends with
 * fdatasync, timed).  Random: 4 KiB at random aligned offsets in the
 * first 64 MiB for SECONDS.  One line "@@IO <mode>-qd<QD> <value> <unit>".
 */
static long sys_io_setup(unsigned int n, aio_context_t *ctx)
{
	return syscall(SYS_io_setup, n, ctx);
}

static long sys_io_submit(aio_context_t ctx, long n, struct iocb **iocbs)
{
	return syscall(SYS_io_submit, ctx, n, iocbs);
}

static long sys_io_getevents(aio_context_t ctx, long min, long max, struct io_event *ev)
{
	return syscall(SYS_io_getevents, ctx, min, max, ev, NULL);
}

struct aio_job {
	const char *dev;
	int fd, writing, random;
	size_t block;
	long long left;		/* sequential: bytes not yet submitted */
	long long next;		/* sequential: the next offset */
	double end;		/* random: submit nothing after this */
	uint64_t x;		/* random: xorshift64 state */
};

/* aio_next: fill @cb for the job's next request; 0 if there is none. */
static int aio_next(struct aio_job *j, struct iocb *cb)
{
	long long off;

	if (j->random) {
		if (now() >= j->end)
			return 0;
		j->x ^= j->x << 13;
		j->x ^= j->x >> 7;
		j->x ^= j->x << 17;
		off = (long long)(j->x % (RAND_SPAN / RAND_BLOCK)) * RAND_BLOCK;
	} else {
		if (j->left <= 0)
			return 0;
		off = j->next;
		j->next += j->block;
		j->left -= j->block;
	}
	cb->aio_lio_opcode = j->writing ? IOCB_CMD_PWRITE : IOCB_CMD_PREAD;
	cb->aio_offset = off;
	return 1;
}

/* aio_run: JOB at queue depth QD; prints its line, MODE naming it. */
static void aio_run(struct aio_job *j, const char *mode, long qd)
{
	static struct iocb cbs[AIO_QD_MAX];
	static struct iocb *ptrs[AIO_QD_MAX];
	static struct io_event ev[AIO_QD_MAX];
	unsigned char *bufs = aligned_buf(j->block * qd);
	aio_context_t ctx = 0;
	long i, n, live = 0, done = 0;
	double t0, t1;

	if (qd > AIO_QD_MAX)
		die("queue depth %ld: at most %d", qd, AIO_QD_MAX);
	if (sys_io_setup(qd, &ctx))
		die("io_setup(%ld): %s", qd, strerror(errno));
	for (i = 0; i < qd; i++) {
		memset(&cbs[i], 0, sizeof(cbs[i]));
		cbs[i].aio_fildes = j->fd;
		cbs[i].aio_buf = (uint64_t)(uintptr_t)(bufs + i * j->block);
		cbs[i].aio_nbytes = j->block;
		cbs[i].aio_data = i;
	}
	t0 = now();
	for (n = 0; n < qd && aio_next(j, &cbs[n]); n++)
		ptrs[n] = &cbs[n];
	if (n && sys_io_submit(ctx, n, ptrs) != n)
		die("io_submit of %ld: %s", n, strerror(errno));
	live = n;
	while (live) {
		long got = sys_io_getevents(ctx, 1, live, ev), k = 0;

		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			die("io_getevents: %s", got < 0 ? strerror(errno) : "nothing");
		for (i = 0; i < got; i++) {
			struct iocb *cb = &cbs[ev[i].data];

			if (ev[i].res != (long long)j->block)
				die("%s at %lld of %s: %s", j->writing ? "write" : "read",
				    (long long)cb->aio_offset, j->dev,
				    ev[i].res < 0 ? strerror(-ev[i].res) : "short transfer");
			done++;
			live--;
			if (aio_next(j, cb))
				ptrs[k++] = cb;
		}
		if (k && sys_io_submit(ctx, k, ptrs) != k)
			die("io_submit of %ld: %s", k, strerror(errno));
		live += k;
	}
	if (j->writing && !j->random && fdatasync(j->fd))
		die("fdatasync %s: %s", j->dev, strerror(errno));
	t1 = now();
	syscall(SYS_io_destroy, ctx);
	close(j->fd);
	if (j->random)
		printf("@@IO %s-qd%ld %.0f IOPS %ld %s in %.3f s\n", mode, qd, done / (t1 - t0),
		       done, j->writing ? "writes" : "reads", t1 - t0);
	else
		printf("@@IO %s-qd%ld %.1f MB/s %ld MiB in %.3f s\n", mode, qd,
		       done * (double)j->block / 1e6 / (t1 - t0), done * (long)(j->block / MIB),
		       t1 - t0);
}

/* aio_seq: "lgio seqwrite|seqread DEV MIB QD". */
static void aio_seq(const char *dev, long mib, int writing, long qd)
{
	struct aio_job j = {
		.dev = dev, .writing = writing, .block = SEQ_BLOCK,
		.left = (long long)mib * MIB,
	};

	j.fd = open_direct(dev, writing ? O_WRONLY : O_RDONLY, j.left);
	aio_run(&j, writing ? "seqwrite" : "seqread", qd);
}

/* aio_rand: "lgio randread|randwrite DEV SECONDS QD". */
static void aio_rand(const char *dev, long secs, int writing, long qd)
{
	struct aio_job j = {
		.dev = dev, .writing = writing, .random = 1, .block = RAND_BLOCK,
		.x = 0x9e3779b97f4a7c15ull ^ (uint64_t)getpid(),
	};

	j.fd = open_direct(dev, writing ? O_WRONLY : O_RDONLY, RAND_SPAN);
	j.end = now() + secs;
	aio_run(&j, writing ? "randwrite" : "randread", qd);
}

/*
 * send_tcp: connect to HOST:PORT (retrying while it is not listening yet),
 * send MIB MiB, half-close, and wait for the receiver to close.
 */
static void send_tcp(const char *host, long port, long mib)
{
	unsigned char *buf = aligned_buf(NET_CHUNK);
	long long left = (long long)mib * MIB;
	struct sockaddr_in sa = { .sin_family = AF_INET };
	double t0, t1;
	int fd, tries;
	ssize_t n;

	if (inet_pton(AF_INET, host, &sa.sin_addr) != 1)
		die("bad IPv4 address '%s'", host);
	sa.sin_port = htons(port);
	for (tries = 0; ; tries++) {
		fd = socket(AF_INET, SOCK_STREAM, 0);
		if (fd < 0)
			die("socket: %s", strerror(errno));
		if (!connect(fd, (struct sockaddr *)&sa, sizeof(sa)))
			break;
		if (tries >= CONNECT_TRIES)
			die("cannot connect to %s:%ld: %s", host, port, strerror(errno));
		close(fd);
		usleep(100000);
	}
	t0 = now();
	while (left > 0) {
		n = send(fd, buf, left < NET_CHUNK ? left : NET_CHUNK, MSG_NOSIGNAL);
		if (n <= 0)
			die("send to %s:%ld with %lld bytes left: %s", host, port, left,
			    n < 0 ? strerror(errno) : "nothing sent");
		left -= n;
	}
	if (shutdown(fd, SHUT_WR))
		die("shutdown: %s", strerror(errno));
	/* The receiver closes once it has it all. */
	while ((n = recv(fd, buf, NET_CHUNK, 0)) > 0)
		;
	t1 = now();
	close(fd);
	printf("@@IO send %.1f MB/s %ld MiB to %s:%ld in %.3f s (sender's view)\n",
	       mib * (double)MIB / 1e6 / (t1 - t0), mib, host, port, t1 - t0);
}

/*
 * recv_tcp: listen on PORT, accept one connection, read until EOF; the
 * rate runs from the first byte to the last and needs MIB MiB in all.
 */
static void recv_tcp(long port, long mib)
{
	unsigned char *buf = aligned_buf(NET_CHUNK);
	struct sockaddr_in sa = { .sin_family = AF_INET };
	long long got = 0, want = (long long)mib * MIB;
	double t0 = 0, t1 = 0;
	int lfd, fd, one = 1;
	ssize_t n;

	lfd = socket(AF_INET, SOCK_STREAM, 0);
	if (lfd < 0)
		die("socket: %s", strerror(errno));
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	sa.sin_addr.s_addr = htonl(INADDR_ANY);
	sa.sin_port = htons(port);
	if (bind(lfd, (struct sockaddr *)&sa, sizeof(sa)) || listen(lfd, 1))
		die("cannot listen on port %ld: %s", port, strerror(errno));
	printf("@@IO listening %ld\n", port);
	fflush(stdout);
	fd = accept(lfd, NULL, NULL);
	if (fd < 0)
		die("accept: %s", strerror(errno));
	close(lfd);
	while ((n = recv(fd, buf, NET_CHUNK, 0)) > 0) {
		t1 = now();
		if (!got)
			t0 = t1;
		got += n;
	}
	if (n < 0)
		die("recv after %lld bytes: %s", got, strerror(errno));
	close(fd);
	if (got != want)
		die("received %lld bytes, want %lld", got, want);
	printf("@@IO recv %.1f MB/s %ld MiB in %.3f s\n",
	       got / 1e6 / (t1 - t0), mib, t1 - t0);
}


#define RR_MSG		1		/* rr: bytes per request and per response */

/* rr_exact: move exactly RR_MSG bytes on @fd (send or receive); 0 at EOF. */
static int rr_exact(int fd, unsigned char *buf, int sending)
{
	size_t done = 0;
	ssize_t n;

	while (done < RR_MSG) {
		n = sending ? send(fd, buf + done, RR_MSG - done, MSG_NOSIGNAL) :
			      recv(fd, buf + done, RR_MSG - done, 0);
		if (n == 0 && !sending && !done)
			return 0;
		if (n <= 0)
			die("rr %s: %s", sending ? "send" : "recv",
			    n < 0 ? strerror(errno) : "connection closed mid-message");
		done += n;
	}
	return 1;
}

/*
 * rr_serve: listen on PORT, accept one connection and answer each RR_MSG
 * byte request with as many bytes, until the client closes.
 */
static void rr_serve(long port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	unsigned char buf[RR_MSG];
	int lfd, fd, one = 1;
	long long n = 0;

	lfd = socket(AF_INET, SOCK_STREAM, 0);
	if (lfd < 0)
		die("socket: %s", strerror(errno));
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	sa.sin_addr.s_addr = htonl(INADDR_ANY);
	sa.sin_port = htons(port);
	if (bind(lfd, (struct sockaddr *)&sa, sizeof(sa)) || listen(lfd, 1))
		die("cannot listen on port %ld: %s", port, strerror(errno));
	printf("@@IO listening %ld\n", port);
	fflush(stdout);
	fd = accept(lfd, NULL, NULL);
	if (fd < 0)
		die("accept: %s", strerror(errno));
	close(lfd);
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	while (rr_exact(fd, buf, 0)) {
		rr_exact(fd, buf, 1);
		n++;
	}
	close(fd);
	printf("@@IO rrserve answered %lld\n", n);
}

/*
 * rr_client: connect to HOST:PORT (retrying while it is not listening yet)
 * and for SECS seconds send an RR_MSG byte request and wait for its answer,
 * one at a time: transactions per second.
 */
static void rr_client(const char *host, long port, long secs)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	unsigned char buf[RR_MSG] = { 0 };
	double t0, t = 0, end;
	long long n = 0;
	int fd, tries, one = 1;

	if (inet_pton(AF_INET, host, &sa.sin_addr) != 1)
		die("bad IPv4 address '%s'", host);
	sa.sin_port = htons(port);
	for (tries = 0; ; tries++) {
		fd = socket(AF_INET, SOCK_STREAM, 0);
		if (fd < 0)
			die("socket: %s", strerror(errno));
		if (!connect(fd, (struct sockaddr *)&sa, sizeof(sa)))
			break;
		if (tries >= CONNECT_TRIES)
			die("cannot connect to %s:%ld: %s", host, port, strerror(errno));
		close(fd);
		usleep(100000);
	}
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	t0 = now();
	end = t0 + secs;
	do {
		rr_exact(fd, buf, 1);
		if (!rr_exact(fd, buf, 0))
			die("server closed after %lld transactions", n);
		n++;
		/* The clock every 16 transactions: it may cost an exit. */
		if (!(n & 15))
			t = now();
	} while (t < end);
	close(fd);
	printf("@@IO rr %.0f /s %lld transactions of %d byte(s) with %s:%ld in %.3f s\n",
	       n / (t - t0), n, RR_MSG, host, port, t - t0);
}

/* The word a page holds in round r at offset i: never zero, never repeated nearby. */
static uint64_t pattern(long r, size_t i)
{
	return ((uint64_t)r << 40) ^ (i * 0x9e3779b97f4a7c15ULL) ^ 0x5a5a5a5a5a5a5a5aULL;
}

static void fill(uint64_t *p, size_t words, long r)
{
	size_t i;

	for (i = 0; i < words; i++)
		p[i] = pattern(r, i);
}

/* Check words [from, to) of p against round r's pattern. */
static void check_from(const uint64_t *p, size_t from, size_t to, long r,
		       const char *when)
{
	size_t i;

	for (i = from; i < to; i++)
		if (p[i] != pattern(r, i))
			die("round %ld, %s: word %zu is 0x%llx, want 0x%llx", r, when, i,
			    (unsigned long long)p[i], (unsigned long long)pattern(r, i));
}

static void check(const uint64_t *p, size_t words, long r, const char *when)
{
	check_from(p, 0, words, r, when);
}

/*
 * mmchurn: ROUNDS times, map 1-64 pages, fill them, make them read-only
 * and read them, write again after PROT_WRITE, fork a child that checks
 * the parent's data and dirties its own copy-on-write copy, check the
 * parent's copy is untouched, unmap half and then the rest.
 */
static void mmchurn(long rounds)
{
	size_t pg = sysconf(_SC_PAGESIZE);
	long r;

	for (r = 1; r <= rounds; r++) {
		size_t pages = 1 + (r * 7) % 64, len = pages * pg, words = len / 8;
		uint64_t *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
				   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		pid_t pid;
		int status;

		if (p == MAP_FAILED)
			die("round %ld: mmap %zu bytes: %s", r, len, strerror(errno));
		fill(p, words, r);
		if (mprotect(p, len, PROT_READ))
			die("round %ld: mprotect read-only: %s", r, strerror(errno));
		check(p, words, r, "read-only");
		if (mprotect(p, len, PROT_READ | PROT_WRITE))
			die("round %ld: mprotect read-write: %s", r, strerror(errno));
		fill(p, words, r + 1);
		pid = fork();
		if (pid < 0)
			die("round %ld: fork: %s", r, strerror(errno));
		if (pid == 0) {
			check(p, words, r + 1, "in the child");
			fill(p, words, r + 2);
			check(p, words, r + 2, "child's own copy");
			_exit(0);
		}
		if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
		    WEXITSTATUS(status))
			die("round %ld: the child failed (status 0x%x)", r, status);
		check(p, words, r + 1, "after the child wrote its copy");
		if (pages > 1 && munmap(p, (pages / 2) * pg))
			die("round %ld: munmap half: %s", r, strerror(errno));
		if (pages > 1)
			check_from(p, (pages / 2) * pg / 8, words, r + 1,
				   "after unmapping the first half");
		if (munmap(p + (pages / 2) * pg / 8, len - (pages / 2) * pg))
			die("round %ld: munmap: %s", r, strerror(errno));
	}
	printf("@@IO mmchurn %ld rounds\n", rounds);
}

/* filecheck: write MIB MiB of patterned data to PATH, fsync, read it back, check. */
static void filecheck(const char *path, long mib)
{
	static uint64_t buf[MIB / 8];
	double t0 = now();
	long m;
	int fd;

	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (fd < 0)
		die("%s: %s", path, strerror(errno));
	for (m = 0; m < mib; m++) {
		fill(buf, MIB / 8, m + 1);
		if (write(fd, buf, MIB) != MIB)
			die("%s: write MiB %ld: %s", path, m, strerror(errno));
	}
	if (fsync(fd))
		die("%s: fsync: %s", path, strerror(errno));
	if (lseek(fd, 0, SEEK_SET))
		die("%s: lseek: %s", path, strerror(errno));
	for (m = 0; m < mib; m++) {
		if (read(fd, buf, MIB) != MIB)
			die("%s: read MiB %ld: %s", path, m, strerror(errno));
		check(buf, MIB / 8, m + 1, "file read back");
	}
	close(fd);
	printf("@@IO filecheck %ld MiB %.1f s\n", mib, now() - t0);
}

/*
 * republish: a hostile virtio-blk driver, through /dev/mem.  The device's
 * registers are at REGS (virtio-mmio, already unbound from its driver),
 * RAM is 1 MiB of guest RAM the kernel does not use (memmap=1M$RAM).  One
 * queue of 256, one chain at head 0 (a 16-byte write header, 4 KiB of
 * data, a status byte), and head 0 published in every available slot,
 * 256 at a time with a notify after each batch, up to COUNT times: a
 * device that does not refuse a head it still holds would take the same
 * chain COUNT times and queue COUNT requests.  Prints "@@IO republish
 * reset-after N" if the device went to NEEDS_RESET after N publishes,
 * "@@IO republish no-reset N" (and exits 1) if it never did.
 */
#define VQ_NUM		256
#define VQ_DATA		4096
static volatile uint32_t *rg;

static void reg_w(unsigned int off, uint32_t v)
{
	rg[off / 4] = v;
	__sync_synchronize();
}

static uint32_t reg_r(unsigned int off)
{
	__sync_synchronize();
	return rg[off / 4];
}

static unsigned long hexarg(const char *s, const char *name)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 0);
	if (errno || end == s || *end)
		die("bad %s '%s'", name, s);
	return v;
}

/*
 * vdev_map: map the registers of the virtio-mmio device at @regs (which
 * must be device @id, a @kind) and 1 MiB of RAM at @ram, through /dev/mem.
 */
static volatile uint8_t *vdev_map(unsigned long regs, unsigned long ram, uint32_t id,
				  const char *kind)
{
	int fd = open("/dev/mem", O_RDWR | O_SYNC);
	volatile uint8_t *m;

	if (fd < 0)
		die("/dev/mem: %s", strerror(errno));
	rg = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, regs);
	m = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE, MAP_SHARED, fd, ram);
	if (rg == MAP_FAILED || m == MAP_FAILED)
		die("mmap: %s", strerror(errno));
	if (reg_r(0) != 0x74726976 || reg_r(8) != id)
		die("no %s at %#lx (magic %#x, device %u)", kind, regs, reg_r(0), reg_r(8));
	return m;
}

/* vdev_up: reset, ACKNOWLEDGE, DRIVER, VIRTIO_F_VERSION_1 only, FEATURES_OK. */
static void vdev_up(void)
{
	reg_w(0x70, 0);
	reg_w(0x70, 1);
	reg_w(0x70, 3);
	reg_w(0x24, 0);
	reg_w(0x20, 0);
	reg_w(0x24, 1);
	reg_w(0x20, 1);
	reg_w(0x70, 11);
}

/* vdev_queue: queue @q of VQ_NUM, descriptors at @base, rings 4 and 8 KiB on; ready. */
static void vdev_queue(unsigned int q, uint64_t base)
{
	reg_w(0x30, q);
	reg_w(0x38, VQ_NUM);
	reg_w(0x80, (uint32_t)base);
	reg_w(0x84, base >> 32);
	reg_w(0x90, (uint32_t)(base + 0x1000));
	reg_w(0x94, (base + 0x1000) >> 32);
	reg_w(0xa0, (uint32_t)(base + 0x2000));
	reg_w(0xa4, (base + 0x2000) >> 32);
	reg_w(0x44, 1);
}

/* vdev_live: DRIVER_OK, or die. */
static void vdev_live(void)
{
	reg_w(0x70, 15);
	if (reg_r(0x70) != 15)
		die("device not live: status %#x", reg_r(0x70));
}

static void republish(unsigned long regs, unsigned long ram, long count)
{
	volatile uint8_t *m = vdev_map(regs, ram, 2, "virtio-blk");
	volatile uint16_t *avail;
	uint64_t hdr = ram + 0x3000, st = ram + 0x3100, data = ram + 0x10000;
	long n = 0;
	uint16_t idx = 0;
	int i;

	memset((void *)m, 0, 0x4000);
	/* Chain 0 -> 1 -> 2: header (VIRTIO_BLK_T_OUT, sector 0), data, status. */
	*(volatile uint32_t *)(m + 0x3000) = 1;
	struct { uint64_t addr; uint32_t len; uint16_t flags, next; } d[3] = {
		{ hdr, 16, 1, 1 }, { data, VQ_DATA, 1, 2 }, { st, 1, 2, 0 },
	};
	memcpy((void *)m, d, sizeof(d));
	avail = (volatile uint16_t *)(m + 0x1000);
	avail[0] = 1;			/* VRING_AVAIL_F_NO_INTERRUPT */
	vdev_up();
	vdev_queue(0, ram);
	vdev_live();
	while (n < count) {
		for (i = 0; i < VQ_NUM && n < count; i++, n++)
			avail[2 + (uint16_t)(idx + i) % VQ_NUM] = 0;
		idx += i;
		__sync_synchronize();
		avail[1] = idx;
		reg_w(0x50, 0);
		if (reg_r(0x70) & 0x40) {
			printf("@@IO republish reset-after %ld\n", n);
			reg_w(0x70, 0);
			return;
		}
	}
	printf("@@IO republish no-reset %ld\n", n);
	reg_w(0x70, 0);
	exit(1);
}

/*
 * netstall: a virtio-net driver that never gives the device a receive
 * buffer, through /dev/mem (REGS: the device, unbound from virtio-mmio;
 * RAM: 1 MiB the kernel does not use).  Both queues of 256 are set up,
 * the receive queue empty, and kicked (the device is live); then COUNT
 * broadcast frames (60 bytes) are sent, a batch of up to 256 at a time,
 * each batch waited for on the used ring; "@@IO netstall sent N" and
 * "@@IO netstall ready" follow, and SECS seconds of stall, while the host
 * sends toward the guest; then the device is reset.
 */
static void netstall(unsigned long regs, unsigned long ram, long count, long secs)
{
	volatile uint8_t *m = vdev_map(regs, ram, 1, "virtio-net");
	volatile uint16_t *tx_avail, *tx_used;
	uint64_t buf = ram + 0x8000;
	uint16_t idx = 0;
	long n = 0;
	int i;

	memset((void *)m, 0, 0x9000);
	/* A zero virtio_net_hdr_v1 (12 bytes), then a broadcast frame. */
	memset((void *)(m + 0x8000 + 12), 0xff, 6);
	memcpy((void *)(m + 0x8000 + 18), "\x02\x00\x00\x00\x00\x02\x88\xb5", 8);
	for (i = 0; i < VQ_NUM; i++) {
		struct { uint64_t addr; uint32_t len; uint16_t flags, next; } d = { buf, 72, 0, 0 };

		memcpy((void *)(m + 0x4000 + 16 * i), &d, sizeof(d));
	}
	tx_avail = (volatile uint16_t *)(m + 0x5000);
	tx_used = (volatile uint16_t *)(m + 0x6000);
	((volatile uint16_t *)(m + 0x1000))[0] = 1;	/* no interrupts */
	tx_avail[0] = 1;
	vdev_up();
	vdev_queue(0, ram);
	vdev_queue(1, ram + 0x4000);
	vdev_live();
	reg_w(0x50, 0);			/* receive queue: live, empty */
	while (n < count) {
		double until = now() + 10;

		for (i = 0; i < VQ_NUM && n < count; i++, n++)
			tx_avail[2 + (uint16_t)(idx + i) % VQ_NUM] = (uint16_t)(idx + i) % VQ_NUM;
		idx += i;
		__sync_synchronize();
		tx_avail[1] = idx;
		reg_w(0x50, 1);
		while (tx_used[1] != idx) {
			if (reg_r(0x70) & 0x40)
				die("device needs a reset after %ld frames", n);
			if (now() > until)
				die("frames not used after 10 s (used idx %u, avail %u)",
				    tx_used[1], idx);
			usleep(1000);
		}
	}
	printf("@@IO netstall sent %ld\n@@IO netstall ready\n", n);
	sleep(secs);
	reg_w(0x70, 0);
	printf("@@IO netstall done\n");
}

static void __attribute__((noreturn)) usage(void)
{
	fprintf(stderr,
		"usage: lgio seqwrite DEV MIB | seqread DEV MIB | randread DEV SECONDS\n"
		"       lgio seqwrite|seqread DEV MIB QD | randread|randwrite DEV SECONDS QD\n"
		"       lgio send HOST PORT MIB | recv PORT MIB\n"
		"       lgio rr HOST PORT SECONDS | rrserve PORT\n"
		"       lgio mmchurn ROUNDS | filecheck FILE MIB\n"
		"       lgio republish REGS RAM COUNT | netstall REGS RAM COUNT SECONDS\n");
	exit(2);
}

int main(int argc, char **argv)
{
	long limit;

	if (argc < 2)
		usage();
	what = argv[1];
	limit = getenv("LGIO_LIMIT") ? number(getenv("LGIO_LIMIT"), "LGIO_LIMIT") : LIMIT_SECS;
	snprintf(alarm_msg, sizeof(alarm_msg), "lgio: %s: gave up: no result in %ld s\n",
		 what, limit);
	signal(SIGALRM, on_alarm);
	alarm(limit);
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!strcmp(what, "seqwrite") && argc == 4)
		seq(argv[2], number(argv[3], "MiB"), 1);
	else if (!strcmp(what, "seqread") && argc == 4)
		seq(argv[2], number(argv[3], "MiB"), 0);
	else if (!strcmp(what, "randread") && argc == 4)
		randread(argv[2], number(argv[3], "seconds"));
	else if ((!strcmp(what, "seqwrite") || !strcmp(what, "seqread")) && argc == 5)
		aio_seq(argv[2], number(argv[3], "MiB"), what[3] == 'w', number(argv[4], "QD"));
	else if ((!strcmp(what, "randread") || !strcmp(what, "randwrite")) && argc == 5)
		aio_rand(argv[2], number(argv[3], "seconds"), what[4] == 'w',
			 number(argv[4], "QD"));
	else if (!strcmp(what, "send") && argc == 5)
		send_tcp(argv[2], port(argv[3]), number(argv[4], "MiB"));
	else if (!strcmp(what, "recv") && argc == 4)
		recv_tcp(port(argv[2]), number(argv[3], "MiB"));
	else if (!strcmp(what, "rr") && argc == 5)
		rr_client(argv[2], port(argv[3]), number(argv[4], "seconds"));
	else if (!strcmp(what, "rrserve") && argc == 3)
		rr_serve(port(argv[2]));
	else if (!strcmp(what, "mmchurn") && argc == 3)
		mmchurn(number(argv[2], "rounds"));
	else if (!strcmp(what, "republish") && argc == 5)
		republish(hexarg(argv[2], "REGS"), hexarg(argv[3], "RAM"),
			  number(argv[4], "COUNT"));
	else if (!strcmp(what, "netstall") && argc == 6)
		netstall(hexarg(argv[2], "REGS"), hexarg(argv[3], "RAM"),
			 number(argv[4], "COUNT"), number(argv[5], "SECONDS"));
	else if (!strcmp(what, "filecheck") && argc == 4)
		filecheck(argv[2], number(argv[3], "MiB"));
	else
		usage();
	return 0;
}
