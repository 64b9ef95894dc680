// SPDX-License-Identifier: GPL-2.0
/*
 * abi_fuzz.c - the /dev/lguest ABI fuzzer: random and boundary arguments
 * to every ioctl of include/uapi/linux/lguest.h (and to numbers next to
 * them), bad and half-readable user pointers, random orders, several
 * threads on one file, fork with inherited files, launchers SIGKILLed at a
 * random moment (inside LGUEST_RUN too), mmap of guest RAM at odd offsets
 * and sizes, and every kind of file descriptor (regular, directory, pipe,
 * FIFO, socket, unix socket with files in flight, eventfd, memfd, O_PATH,
 * epoll, /dev/lguest itself, closed and negative numbers) wherever an fd
 * is taken (LGUEST_SET_CONSOLE, LGUEST_ADD_DEVICE).  The guests that run
 * (fguest.h) write to the UART and poke their device windows forever,
 * until a signal interrupts LGUEST_RUN.
 *
 * Usage: abi_fuzz [--seed N] [--duration S] [--workers N] [--skip LIST]
 *	[--bigmem] [-v] [--worker W] [--iter N]
 * Each worker is a process with its own random stream (seed, worker).
 * --skip takes known findings to avoid: cycle (a /dev/lguest fd, or a
 * socket or epoll leading to one, as a device or console fd), block
 * (blocking pipes, FIFOs and sockets as console/device fds), netname
 * (interface names that exist or are invalid).  --bigmem also asks for
 * guests of LGUEST_RAM_LIMIT bytes and more, up to LGUEST_MAX_MEM (off by
 * default: the RAM is allocated at create, and in a 2 GiB test host the
 * OOM killer then kills the test's own shell).
 * A launcher that does not die after SIGKILL prints "FINDING".
 * --worker W numbers the workers from W (--workers 1 --worker W replays
 * worker W alone), --iter N runs its iteration N only; -v prints every
 * iteration and ioctl with its argument's words.
 */
#define _GNU_SOURCE
#include "fguest.h"
#include "fuzz.h"

#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <sys/wait.h>

#define MEM		(16ULL << 20)

static const char *skip = "";
static int verbose, bigmem;
static unsigned int worker, first_worker;	/* --worker: the first one's number */
static long only_iter = -1;	/* --iter: replay this iteration alone */
static unsigned long n_ioctls, n_guests, n_killed, n_findings;
static volatile unsigned long *progress;	/* shared: each worker's iteration */

static __thread sigjmp_buf fault_jmp;
static __thread volatile int fault_armed;

static void on_fault(int sig)
{
	if (fault_armed)
		siglongjmp(fault_jmp, sig);
	signal(sig, SIG_DFL);
	raise(sig);
}

static void on_ping(int sig)
{
	(void)sig;
}

/*
 * A page followed by an inaccessible one, and a read-only page: arguments
 * that are half readable, or not writable.
 */
static uint8_t *edge_page, *ro_page;

static void setup_pages(void)
{
	uint8_t *p = mmap(NULL, 3 * 4096, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED) {
		perror("abi_fuzz: mmap");
		exit(1);
	}
	mprotect(p + 4096, 4096, PROT_NONE);
	mprotect(p + 8192, 4096, PROT_READ);
	edge_page = p;
	ro_page = p + 8192;
}

static const unsigned int cmds[] = {
	LGUEST_GET_API_VERSION, LGUEST_CREATE, LGUEST_GET_REGS, LGUEST_SET_REGS,
	LGUEST_GET_SREGS, LGUEST_SET_SREGS, LGUEST_SET_CONSOLE,
	LGUEST_ADD_DEVICE, LGUEST_RUN, LGUEST_CREATE_VCPU,
};

/* --- file descriptors of every kind --- */
enum fdkind {
	FD_NEG1, FD_NEG2, FD_BIG, FD_CLOSED, FD_REG_RW, FD_REG_RO, FD_DIR,
	FD_PIPE_R, FD_PIPE_W, FD_PIPE_R_NB, FD_PIPE_W_NB, FD_FIFO, FD_SOCK,
	FD_SOCK_NB, FD_UNIX_INFLIGHT, FD_EVENTFD, FD_MEMFD, FD_OPATH,
	FD_DEVNULL, FD_DEVZERO, FD_PROC, FD_EPOLL, FD_EPOLL_LG, FD_LG_OTHER,
	FD_LG_SELF, FD_BLKDEV, FD_NKINDS,
};

static const char *const fdnames[] = {
	"-1", "-2", "INT_MAX", "closed", "regular", "regular-ro", "directory",
	"pipe-r", "pipe-w", "pipe-r-nb", "pipe-w-nb", "fifo", "socket",
	"socket-nb", "unix-inflight", "eventfd", "memfd", "O_PATH",
	"/dev/null", "/dev/zero", "/proc", "epoll", "epoll-lguest",
	"lguest-other", "lguest-self", "blockdev",
};

/* Descriptors to close after the iteration. */
struct fdset {
	int fd[64];
	int n;
	int vcpu;	/* a vCPU file (> 0) the vCPU ioctls mostly go to */
};

static int keep(struct fdset *s, int fd)
{
	if (fd >= 0 && s->n < (int)ARRAY_SIZE(s->fd))
		s->fd[s->n++] = fd;
	else if (fd >= 0)
		close(fd);
	return fd;
}

static void close_all(struct fdset *s)
{
	while (s->n)
		close(s->fd[--s->n]);
}

static bool kind_skipped(enum fdkind k)
{
	switch (k) {
	case FD_UNIX_INFLIGHT: case FD_EPOLL_LG: case FD_LG_OTHER: case FD_LG_SELF:
		return fuzz_skip(skip, "cycle");
	case FD_PIPE_R: case FD_PIPE_W: case FD_FIFO: case FD_SOCK:
		return fuzz_skip(skip, "block");
	default:
		return false;
	}
}

static int make_fd(struct rng *r, struct fdset *s, int self)
{
	enum fdkind k;
	char path[64];
	int p[2], fd;

	do
		k = rng_below(r, FD_NKINDS);
	while (kind_skipped(k));
	if (verbose)
		printf("  fd kind %s\n", fdnames[k]);
	switch (k) {
	case FD_NEG1: return -1;
	case FD_NEG2: return -2;
	case FD_BIG: return INT_MAX;
	case FD_CLOSED:
		fd = open("/dev/null", O_RDONLY);
		close(fd);
		return fd;
	case FD_REG_RW: case FD_REG_RO:
		snprintf(path, sizeof(path), "/tmp/abi_fuzz.%d.file", getpid());
		fd = open(path, O_RDWR | O_CREAT, 0600);
		if (fd >= 0 && ftruncate(fd, 1 << 20))
			close(fd), fd = -1;
		if (k == FD_REG_RO && fd >= 0) {
			close(fd);
			fd = open(path, O_RDONLY | (rng_chance(r, 2) ? O_NONBLOCK : 0));
		}
		return keep(s, fd);
	case FD_DIR: return keep(s, open("/tmp", O_RDONLY | O_DIRECTORY));
	case FD_PIPE_R: case FD_PIPE_W: case FD_PIPE_R_NB: case FD_PIPE_W_NB:
		if (pipe2(p, (k == FD_PIPE_R_NB || k == FD_PIPE_W_NB) ? O_NONBLOCK : 0))
			return -1;
		keep(s, p[0]);
		keep(s, p[1]);
		if (rng_chance(r, 2) && write(p[1], "fuzz\r\n", 6) < 0)
			return -1;
		return (k == FD_PIPE_R || k == FD_PIPE_R_NB) ? p[0] : p[1];
	case FD_FIFO:
		snprintf(path, sizeof(path), "/tmp/abi_fuzz.%d.fifo", getpid());
		mkfifo(path, 0600);
		return keep(s, open(path, O_RDWR));
	case FD_SOCK: case FD_SOCK_NB:
		if (socketpair(AF_UNIX, (rng_chance(r, 2) ? SOCK_STREAM : SOCK_DGRAM) |
			       (k == FD_SOCK_NB ? SOCK_NONBLOCK : 0), 0, p))
			return -1;
		keep(s, p[0]);
		keep(s, p[1]);
		return p[rng_below(r, 2)];
	case FD_UNIX_INFLIGHT: {
		/* A socket whose receive queue holds /dev/lguest fds (and itself). */
		char cbuf[CMSG_SPACE(2 * sizeof(int))] = { 0 };
		struct iovec iov = { .iov_base = "x", .iov_len = 1 };
		struct msghdr m = {
			.msg_iov = &iov, .msg_iovlen = 1,
			.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
		};
		struct cmsghdr *c = CMSG_FIRSTHDR(&m);
		int fds[2];

		if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, p))
			return -1;
		keep(s, p[0]);
		keep(s, p[1]);
		fds[0] = self >= 0 ? self : p[0];
		fds[1] = p[rng_below(r, 2)];
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(fds));
		memcpy(CMSG_DATA(c), fds, sizeof(fds));
		sendmsg(p[1], &m, MSG_DONTWAIT);
		return p[rng_below(r, 2)];
	}
	case FD_EVENTFD:
		return keep(s, eventfd(rng_below(r, 3), rng_chance(r, 2) ? EFD_NONBLOCK : 0));
	case FD_MEMFD:
		fd = memfd_create("abi_fuzz", rng_chance(r, 2) ? MFD_ALLOW_SEALING : 0);
		if (fd >= 0 && ftruncate(fd, rng_below(r, 3) << 16))
			close(fd), fd = -1;
		return keep(s, fd);
	case FD_OPATH: return keep(s, open("/tmp", O_PATH));
	case FD_DEVNULL: return keep(s, open("/dev/null", O_RDWR | (rng_chance(r, 2) ? O_NONBLOCK : 0)));
	case FD_DEVZERO: return keep(s, open("/dev/zero", O_RDWR | (rng_chance(r, 2) ? O_NONBLOCK : 0)));
	case FD_PROC:
		return keep(s, open(rng_chance(r, 2) ? "/proc/kallsyms" : "/proc/self/status",
				    O_RDONLY | O_NONBLOCK));
	case FD_EPOLL: case FD_EPOLL_LG:
		fd = keep(s, epoll_create1(0));
		if (fd >= 0 && k == FD_EPOLL_LG && self >= 0) {
			struct epoll_event ev = { .events = EPOLLIN };

			epoll_ctl(fd, EPOLL_CTL_ADD, self, &ev);
		}
		return fd;
	case FD_LG_OTHER: return keep(s, open("/dev/lguest", O_RDWR));
	case FD_LG_SELF: return self;
	case FD_BLKDEV: return keep(s, open("/dev/ram0", O_RDONLY));
	default: return -1;
	}
}

/* --- arguments --- */
static uint64_t pick_mem(struct rng *r)
{
	static const uint64_t v[] = {
		0, 1, (2 << 20) - 1, 2 << 20, (2 << 20) + 1, 4 << 20, 16 << 20,
		16 << 20, 16 << 20, 32 << 20, LGUEST_MAX_MEM + (2 << 20),
		1ULL << 63, ~0ULL, ~0ULL - (2 << 20) + 1, (~0ULL >> 21) << 21,
	};
	/* Beyond the memory map's RAM limit: to be refused (issue 14, 14). */
	static const uint64_t big[] = {
		LGUEST_MAX_MEM, LGUEST_RAM_LIMIT, LGUEST_RAM_LIMIT + (2 << 20),
		0x100000000ULL,
	};

	if (bigmem && rng_chance(r, 16))
		return rng_pick(r, big);
	return rng_pick(r, v);
}

/* An argument for @cmd: a good buffer of random or valid contents, or a bad pointer. */
static void *pick_arg(struct rng *r, unsigned int cmd, void *buf, size_t size)
{
	switch (rng_below(r, 12)) {
	case 0: return NULL;
	case 1: return (void *)1;
	case 2: return (void *)0xffff888000000000ULL;
	case 3: return edge_page + 4096 - rng_below(r, size ? size : 1);
	case 4: return ro_page;
	case 5: return (void *)(uintptr_t)rng_interesting(r);
	default:
		(void)cmd;
		return buf;
	}
}

static void fill_random(struct rng *r, void *p, size_t n)
{
	uint8_t *b = p;

	while (n--)
		*b++ = rng_chance(r, 4) ? 0 : rng_next(r);
}

static void fill_create(struct rng *r, struct lguest_create *c)
{
	c->mem_size = pick_mem(r);
	c->flags = rng_chance(r, 6) ? rng_interesting(r) : rng_below(r, 8);	/* paging, HLT_EXIT */
	c->reserved = rng_chance(r, 8) ? rng_interesting(r) : 0;
}

static void fill_regs(struct rng *r, int fd, struct lguest_regs *regs)
{
	uint64_t *w = (uint64_t *)regs;
	unsigned int i;

	if (ioctl(fd, LGUEST_GET_REGS, regs))
		memset(regs, 0, sizeof(*regs));
	for (i = rng_below(r, 4); i < sizeof(*regs) / 8; i += 1 + rng_below(r, 8))
		w[i] = rng_interesting(r);
}

static void fill_sregs(struct rng *r, int fd, struct lguest_sregs *s)
{
	unsigned int n = 1 + rng_below(r, 3);

	if (ioctl(fd, LGUEST_GET_SREGS, s) || rng_chance(r, 16)) {
		fill_random(r, s, sizeof(*s));
		return;
	}
	while (n--) {
		struct lguest_segment *seg = &s->cs + rng_below(r, 8);

		switch (rng_below(r, 10)) {
		case 0: seg->attrib = rng_next(r); break;
		case 1: seg->base = rng_interesting(r); break;
		case 2: seg->limit = rng_interesting(r); seg->selector = rng_next(r); break;
		case 3: s->cr0 ^= 1ULL << rng_below(r, 64); break;
		case 4: s->cr4 ^= 1ULL << rng_below(r, 64); break;
		case 5: s->efer ^= 1ULL << rng_below(r, 64); break;
		case 6: s->cr3 = rng_interesting(r); break;
		case 7: s->gdt.base = rng_interesting(r); s->idt.limit = rng_next(r); break;
		case 8: s->reserved[rng_below(r, 8)] = rng_interesting(r); break;
		default: s->cr2 = rng_interesting(r); seg->reserved = rng_chance(r, 2); break;
		}
	}
}

static void fill_device(struct rng *r, struct fdset *s, int self,
			struct lguest_device_desc *d, unsigned int *netn)
{
	static const char *const names[] = {
		"lo", "", "a/b", "..", ".", "lg%d", "lgfa x", "0123456789abcdef",
	};

	memset(d, 0, sizeof(*d));
	d->type = rng_chance(r, 6) ? rng_interesting(r) : rng_below(r, 6);
	d->slot = rng_chance(r, 6) ? rng_interesting(r) : rng_below(r, LGUEST_MMIO_MAX + 1);
	d->fds[0] = make_fd(r, s, self);
	d->fds[1] = make_fd(r, s, self);
	d->flags = rng_chance(r, 4) ? rng_interesting(r) : rng_below(r, 4);
	fill_random(r, d->mac, sizeof(d->mac));
	if (rng_chance(r, 16))
		d->pad[0] = 1;
	if (rng_chance(r, 16))
		d->reserved[rng_below(r, 4)] = rng_interesting(r);
	if (!fuzz_skip(skip, "netname") && rng_chance(r, 8)) {
		const char *n = rng_pick(r, names);

		memcpy(d->name, n, strlen(n) < sizeof(d->name) ? strlen(n) + 1 : sizeof(d->name));
	} else {
		snprintf(d->name, sizeof(d->name), "lgfa%u.%u", worker, (*netn)++ % 100000);
	}
}

/* A guest that loops forever over the UART and its first device windows. */
static int busy_guest(struct fguest *g)
{
	unsigned int i, n = 64;
	int err = fg_setup(g, n);

	if (err)
		return err;
	for (i = 0; i < n - 1; i++) {
		uint8_t *p = fg_slot(g, i);
		uint32_t a = LGUEST_MMIO_BASE + (i % LGUEST_MMIO_MAX) * LGUEST_MMIO_SIZE;

		switch (i % 4) {
		case 0:	/* mov $0x3f8, %edx; mov $'z', %al; out %al, %dx; in %dx, %al */
			memcpy(p, "\xba\xf8\x03\x00\x00\xb0\x7a\xee\xec", 9);
			break;
		case 1:	/* mov $a+0x50, %edi; movl $0, (%rdi) (notify queue 0) */
			a += 0x50;
			p[0] = 0xbf;
			memcpy(p + 1, &a, 4);
			memcpy(p + 5, "\xc7\x07\x00\x00\x00\x00", 6);
			break;
		case 2:	/* mov $a+0x70, %edi; mov (%rdi), %eax (status) */
			a += 0x70;
			p[0] = 0xbf;
			memcpy(p + 1, &a, 4);
			memcpy(p + 5, "\x8b\x07", 2);
			break;
		default: /* mov $0x3fd, %edx; in %dx, %al (line status) */
			memcpy(p, "\xba\xfd\x03\x00\x00\xec", 6);
			break;
		}
	}
	/* the last slot: jmp to slot 0 */
	{
		uint8_t *p = fg_slot(g, n - 1);
		int32_t rel = -(int32_t)((n - 1) * FG_SLOT + FG_MARK_LEN + 5);

		p[0] = 0xe9;
		memcpy(p + 1, &rel, 4);
	}
	return 0;
}

/*
 * RUN for about @ms milliseconds, @arg as the argument.  The timer repeats:
 * a one-shot alarm may fire before the ioctl is entered, and a guest that
 * never exits by itself would then run on forever.
 */
static void run_for(int fd, void *arg, unsigned int ms)
{
	struct sigaction sa = { .sa_handler = on_ping };
	struct itimerval it = {
		.it_interval = { .tv_usec = 20000 },
		.it_value = { .tv_sec = ms / 1000, .tv_usec = ms % 1000 * 1000 + 1 },
	};

	if (verbose)
		printf("  run %u ms arg %p\n", ms, arg);
	sigaction(SIGALRM, &sa, NULL);
	setitimer(ITIMER_REAL, &it, NULL);
	ioctl(fd, LGUEST_RUN, arg);
	memset(&it, 0, sizeof(it));
	setitimer(ITIMER_REAL, &it, NULL);
	n_ioctls++;
}

/* mmap of the RAM at odd offsets and sizes, touched under a fault guard. */
static void odd_mmap(struct rng *r, int fd, uint64_t mem)
{
	static const int prots[] = {
		PROT_READ | PROT_WRITE, PROT_READ, PROT_NONE,
		PROT_READ | PROT_WRITE | PROT_EXEC, PROT_WRITE,
	};
	uint64_t lens[] = { 0, 1, 4096, mem - 4096, mem, mem + 4096, 2 * mem, 1ULL << 46 };
	uint64_t offs[] = { 0, 4096, mem - 4096, mem, 1, 1ULL << 40, rng_below(r, 4096) * 4096 };
	size_t len = rng_chance(r, 8) ? rng_interesting(r) : rng_pick(r, lens);
	off_t off = rng_chance(r, 8) ? (off_t)rng_interesting(r) : (off_t)rng_pick(r, offs);
	uint8_t *p;

	p = mmap(NULL, len, rng_pick(r, prots),
		 rng_chance(r, 4) ? MAP_PRIVATE : MAP_SHARED, fd, off);
	if (p == MAP_FAILED)
		return;
	if (!sigsetjmp(fault_jmp, 1)) {
		fault_armed = 1;
		p[0] = p[len - 1];
		p[rng_below(r, len)] ^= 1;
	}
	fault_armed = 0;
	if (rng_chance(r, 3)) {
		size_t nlen = len + 4096 * rng_below(r, 4);
		uint8_t *q = mremap(p, len, nlen, MREMAP_MAYMOVE);

		if (q != MAP_FAILED) {
			p = q;
			len = nlen;
		}
	}
	if (rng_chance(r, 3))
		madvise(p, len, rng_chance(r, 2) ? MADV_DONTNEED : MADV_REMOVE);
	if (rng_chance(r, 3))
		mprotect(p, len, PROT_READ);
	munmap(p, len);
}

/* -v: the argument of @cmd in 64-bit words, for a replay in C. */
static void dump_arg(unsigned int cmd, const void *arg)
{
	const uint64_t *w = arg;
	unsigned int i, n = _IOC_SIZE(cmd) / 8;

	if (_IOC_TYPE(cmd) != LGUEST_IOC_MAGIC || !(_IOC_DIR(cmd) & _IOC_WRITE))
		return;
	printf("   ");
	for (i = 0; i < n && i < 64; i++)
		printf(" %#llx,", (unsigned long long)w[i]);
	printf("\n");
}

/* One random operation on @fd. */
static void random_op(struct rng *r, int fd, struct fdset *s, unsigned int *netn)
{
	union {
		struct lguest_create c;
		struct lguest_regs regs;
		struct lguest_sregs sregs;
		struct lguest_console con;
		struct lguest_device_desc dev;
		struct lguest_run run;
		uint8_t raw[512];
	} u;
	unsigned int cmd;
	void *arg;

	memset(&u, 0, sizeof(u));
	switch (rng_below(r, 16)) {
	case 0:
		odd_mmap(r, fd, MEM);
		return;
	case 1:		/* ops the file does not have */
		switch (rng_below(r, 4)) {
		case 0: n_ioctls += read(fd, u.raw, sizeof(u.raw)) > 0; break;
		case 1: n_ioctls += write(fd, u.raw, sizeof(u.raw)) > 0; break;
		case 2: lseek(fd, rng_interesting(r), SEEK_SET); break;
		default: fsync(fd); break;
		}
		return;
	case 2:		/* a number next to ours, or anything */
		cmd = rng_chance(r, 2) ? _IOC(rng_below(r, 4), LGUEST_IOC_MAGIC,
					      rng_below(r, 0x20), rng_below(r, 0x400))
				       : (unsigned int)rng_next(r);
		break;
	default:
		cmd = rng_pick(r, cmds);
		break;
	}
	/* The vCPU ioctls go to a vCPU's file, now and then to the guest's. */
	if (s->vcpu > 0 && !rng_chance(r, 8) &&
	    (cmd == LGUEST_GET_REGS || cmd == LGUEST_SET_REGS || cmd == LGUEST_RUN ||
	     cmd == LGUEST_GET_SREGS || cmd == LGUEST_SET_SREGS))
		fd = s->vcpu;
	switch (cmd) {
	case LGUEST_CREATE:
		fill_create(r, &u.c);
		break;
	case LGUEST_CREATE_VCPU: {	/* by value: mostly the next number */
		long id = rng_chance(r, 4) ? (long)rng_next(r) : (long)rng_below(r, 3);
		int vfd;

		if (verbose)
			printf("  create vcpu %ld\n", id);
		vfd = ioctl(fd, cmd, id);
		n_ioctls++;
		if (vfd >= 0 && s->n < (int)ARRAY_SIZE(s->fd))
			s->vcpu = keep(s, vfd);
		else if (vfd >= 0)
			close(vfd);
		return;
	}
	case LGUEST_SET_REGS:
		fill_regs(r, fd, &u.regs);
		break;
	case LGUEST_SET_SREGS:
		fill_sregs(r, fd, &u.sregs);
		break;
	case LGUEST_SET_CONSOLE:
		u.con.out_fd = make_fd(r, s, fd);
		u.con.in_fd = make_fd(r, s, fd);
		break;
	case LGUEST_ADD_DEVICE:
		fill_device(r, s, fd, &u.dev, netn);
		break;
	case LGUEST_RUN:
		arg = rng_chance(r, 4) ? pick_arg(r, cmd, &u, _IOC_SIZE(cmd)) : &u;
		run_for(fd, arg, rng_below(r, 50));
		return;
	default:
		fill_random(r, &u, sizeof(u));
		break;
	}
	arg = rng_chance(r, 4) ? pick_arg(r, cmd, &u, _IOC_SIZE(cmd)) : &u;
	if (cmd == LGUEST_GET_API_VERSION && rng_chance(r, 2))
		arg = (void *)(uintptr_t)rng_next(r);
	if (verbose) {
		printf("  ioctl %#x arg %p\n", cmd, arg);
		if (arg == &u)
			dump_arg(cmd, &u);
	}
	ioctl(fd, cmd, arg);
	n_ioctls++;
}

/* A guest with devices of random fds, set up to run busy_guest(). */
static int new_guest(struct rng *r, struct fguest *g, struct fdset *s,
		     unsigned int *netn, bool devices)
{
	int err = fg_create(g, MEM, rng_chance(r, 2) ? LGUEST_PAGING_NPT : LGUEST_PAGING_SHADOW);
	unsigned int i, n;

	if (err)
		return err;
	n_guests++;
	if (devices) {
		n = rng_below(r, 6);
		for (i = 0; i < n; i++) {
			struct lguest_device_desc d;

			fill_device(r, s, g->fd, &d, netn);
			if (rng_chance(r, 2)) {		/* mostly-valid */
				d.type = 1 + rng_below(r, 4);
				d.slot = i;
				d.flags &= 3;
				memset(d.reserved, 0, sizeof(d.reserved));
				d.pad[0] = 0;
			}
			ioctl(g->fd, LGUEST_ADD_DEVICE, &d);
			n_ioctls++;
		}
		if (rng_chance(r, 2)) {
			struct lguest_console c = {
				.out_fd = make_fd(r, s, g->fd),
				.in_fd = make_fd(r, s, g->fd),
			};

			ioctl(g->fd, LGUEST_SET_CONSOLE, &c);
			n_ioctls++;
		}
	}
	return busy_guest(g);
}

struct thr {
	int fd;
	struct rng r;
	struct fdset s;
	unsigned int netn;
	int iters;
	volatile int done;
};

static void *thread_main(void *arg)
{
	struct thr *t = arg;

	while (t->iters--)
		random_op(&t->r, t->fd, &t->s, &t->netn);
	t->done = 1;
	return NULL;
}

/* Wait for @pid after SIGKILL; a launcher that will not go is a finding. */
static void reap(pid_t pid, uint64_t seed, unsigned long it)
{
	double t0 = now_s();
	int st;

	while (waitpid(pid, &st, WNOHANG) != pid) {
		if (now_s() - t0 > 30) {
			printf("FINDING worker %u iteration %lu (seed %" PRIu64 "): launcher %d unkillable 30 s after SIGKILL\n",
			       worker, it, seed, pid);
			fuzz_dump_stacks(pid);
			n_findings++;
			return;
		}
		usleep(5000);
	}
}

/* The scenario iteration @it of worker @w draws first. */
static unsigned int scenario_of(uint64_t seed, unsigned int w, unsigned long it)
{
	struct rng r;

	rng_seed(&r, seed, ((uint64_t)w << 32) | it);
	return rng_below(&r, 5);
}

/* One iteration: a scenario. */
static void iteration(uint64_t seed, unsigned long it, unsigned int *netn)
{
	struct fdset s = { .n = 0 };
	struct fguest g = { .fd = -1, .vfd = -1 };
	struct rng r;
	unsigned int i, n;
	int fd;
	pid_t pid;

	rng_seed(&r, seed, ((uint64_t)worker << 32) | it);
	switch (rng_below(&r, 5)) {
	case 0:		/* ioctl storm on one file */
		fd = open("/dev/lguest", O_RDWR);
		if (fd < 0)
			break;
		n = 1 + rng_below(&r, 24);
		for (i = 0; i < n; i++)
			random_op(&r, fd, &s, netn);
		if (rng_chance(&r, 2))		/* whatever state it is in */
			run_for(fd, &(struct lguest_run){ 0 }, 20);
		close(fd);
		break;
	case 1: {	/* threads on one file, a running guest among them */
		struct thr t[4];
		pthread_t th[4];

		if (new_guest(&r, &g, &s, netn, rng_chance(&r, 2)))
			break;
		n = 2 + rng_below(&r, 3);
		for (i = 0; i < n; i++) {
			t[i] = (struct thr){ .fd = g.fd, .iters = 4 + rng_below(&r, 12),
					     .netn = *netn + 1000 * (i + 1),
					     .s.vcpu = g.vfd };
			rng_seed(&t[i].r, seed, ((uint64_t)worker << 32 | it) ^ (i + 1ULL) << 56);
			pthread_create(&th[i], NULL, thread_main, &t[i]);
		}
		for (i = 0; i < 10; i++) {
			run_for(g.vfd, &(struct lguest_run){ 0 }, 5);
			if (rng_chance(&r, 3))
				pthread_kill(th[rng_below(&r, n)], SIGALRM);
		}
		if (rng_chance(&r, 2)) {	/* close under the threads' feet */
			fg_destroy(&g);
		}
		/*
		 * ualarm() is per process: a thread left in LGUEST_RUN after
		 * the others stopped arming it is pinged until it returns.
		 * Every thread is, since one may wait (uninterruptibly) for
		 * the guest's lock that another holds in LGUEST_RUN.
		 */
		for (i = 0; i < n; i++) {
			double t0 = now_s();

			while (!t[i].done) {
				unsigned int j;

				for (j = 0; j < n; j++)
					if (!t[j].done)
						pthread_kill(th[j], SIGALRM);
				usleep(10000);
				if (now_s() - t0 < 20)
					continue;
				printf("FINDING worker %u iteration %lu (seed %" PRIu64 "): a thread stays in the kernel 20 s, signals do not end it\n",
				       worker, it, seed);
				fuzz_dump_stacks(getpid());
				fflush(stdout);
				_exit(1);
			}
			pthread_join(th[i], NULL);
			close_all(&t[i].s);
		}
		*netn += 1000 * (n + 1);
		break;
	}
	case 2:		/* fork with the guest's file inherited */
		if (new_guest(&r, &g, &s, netn, rng_chance(&r, 2)))
			break;
		fflush(stdout);
		pid = fork();
		if (!pid) {
			n = rng_below(&r, 8);
			s.vcpu = g.vfd;
			for (i = 0; i < n; i++)
				random_op(&r, g.fd, &s, netn);
			run_for(g.vfd, &(struct lguest_run){ 0 }, rng_below(&r, 100));
			_exit(0);
		}
		if (pid < 0)
			break;
		run_for(g.vfd, &(struct lguest_run){ 0 }, rng_below(&r, 30));
		if (rng_chance(&r, 2))
			fg_destroy(&g);
		if (rng_chance(&r, 2)) {
			usleep(rng_below(&r, 50000));
			kill(pid, SIGKILL);
			n_killed++;
		}
		reap(pid, seed, it);
		break;
	case 3:		/* a launcher killed at a random point, in RUN or not */
		fflush(stdout);
		pid = fork();
		if (!pid) {
			if (new_guest(&r, &g, &s, netn, true))
				_exit(0);
			for (;;)
				run_for(g.vfd, &(struct lguest_run){ 0 }, 1000);
		}
		if (pid < 0)
			break;
		usleep(rng_below(&r, 300000));
		kill(pid, SIGKILL);
		n_killed++;
		reap(pid, seed, it);
		break;
	default:	/* fd kinds wherever an fd is taken, then run */
		if (new_guest(&r, &g, &s, netn, true))
			break;
		run_for(g.vfd, &(struct lguest_run){ 0 }, rng_below(&r, 100));
		break;
	}
	fg_destroy(&g);
	close_all(&s);
	*netn += 8;
}

static int worker_main(uint64_t seed, double duration)
{
	double t0 = now_s();
	unsigned int netn = 0;
	unsigned long it;
	struct sigaction sa = { .sa_handler = on_fault };

	sigaction(SIGSEGV, &sa, NULL);
	sigaction(SIGBUS, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	setup_pages();
	for (it = only_iter < 0 ? 0 : only_iter; now_s() - t0 < duration; it++) {
		if (only_iter >= 0 && it != (unsigned long)only_iter)
			break;
		progress[worker - first_worker] = it;
		if (verbose)
			printf("worker %u iteration %lu\n", worker, it);
		iteration(seed, it, &netn);
	}
	printf("abi_fuzz: worker %u: %lu iterations, %lu ioctls, %lu guests, %lu launchers SIGKILLed, %lu findings\n",
	       worker, it, n_ioctls, n_guests, n_killed, n_findings);
	return n_findings ? 1 : 0;
}

int main(int argc, char **argv)
{
	uint64_t seed = fuzz_default_seed();
	double duration = 60;
	unsigned int workers = 2, w, left;
	pid_t pids[16];
	unsigned long seen[16];
	double t0, seen_at[16];
	int rc = 0, stuck = 0;

	if (fuzz_parse_args("abi_fuzz", argc, argv, (const struct fuzz_opt[]){
		{ "-v", OPT_FLAG, &verbose }, { "--bigmem", OPT_FLAG, &bigmem },
		{ "--seed", OPT_U64, &seed }, { "--duration", OPT_DOUBLE, &duration },
		{ "--workers", OPT_UINT, &workers }, { "--skip", OPT_STR, &skip },
		{ "--iter", OPT_LONG, &only_iter },
		{ "--worker", OPT_UINT, &first_worker }, { NULL } }))
		return 2;
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("abi_fuzz: seed %" PRIu64 " (replay: --seed %" PRIu64 " --workers %u --skip '%s')\n",
	       seed, seed, workers, skip);
	if (workers < 1 || workers > 16)
		workers = 2;
	progress = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
			MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (progress == MAP_FAILED)
		return 1;
	for (w = 0; w < workers; w++) {
		pids[w] = fork();
		if (!pids[w]) {
			worker = w + first_worker;
			_exit(worker_main(seed, duration));
		}
	}
	/*
	 * A worker still busy 60 s after the end is stuck in the kernel:
	 * say where, with its iteration for --seed replay, and kill it.
	 */
	t0 = now_s();
	for (w = 0; w < workers; w++) {
		seen[w] = progress[w];
		seen_at[w] = t0;
	}
	for (left = workers; left; ) {
		int st;
		pid_t pid = waitpid(-1, &st, WNOHANG);

		if (pid > 0) {
			for (w = 0; w < workers; w++)
				if (pids[w] == pid)
					pids[w] = 0;
			left--;
			if (!WIFEXITED(st) || WEXITSTATUS(st)) {
				printf("abi_fuzz: a worker ended with status %#x\n", st);
				rc = 1;
			}
			continue;
		}
		if (pid < 0)
			break;
		/*
		 * An iteration takes well under a second; one that lasts 20 s
		 * is named at once, while the host may still print: if a CPU
		 * is stuck, this may be all the replay information there is.
		 */
		for (w = 0; w < workers; w++) {
			if (!pids[w])
				continue;
			if (progress[w] != seen[w]) {
				seen[w] = progress[w];
				seen_at[w] = now_s();
			} else if (now_s() - seen_at[w] > 20 && seen_at[w] > 0) {
				printf("FINDING worker %u: no progress for 20 s in iteration %lu (seed %" PRIu64 ", scenario %u)\n",
				       w + first_worker, seen[w], seed,
				       scenario_of(seed, w + first_worker, seen[w]));
				seen_at[w] = -1;
			}
		}
		if (now_s() - t0 > duration + 60 && !stuck) {
			stuck = 1;
			rc = 1;
			for (w = 0; w < workers; w++) {
				if (!pids[w] || kill(pids[w], 0))
					continue;
				printf("FINDING worker %u stuck in iteration %lu (seed %" PRIu64 ")\n",
				       w, progress[w], seed);
				fuzz_dump_stacks(pids[w]);
				kill(pids[w], SIGKILL);
			}
		}
		usleep(100000);
	}
	printf("abi_fuzz: seed %" PRIu64 ": done\n", seed);
	return rc;
}
