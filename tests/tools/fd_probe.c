// SPDX-License-Identifier: GPL-2.0
/*
 * fd_probe.c - test helper run inside the test host: hands /dev/lguest
 * hostile file descriptors, the way a hostile launcher would (issue 14,
 * findings 5-7).  Prints "ok: ..." / "FAILED: ..." per check and exits
 * non-zero if any failed.  Modes:
 *
 *   fd_probe cycle
 *	every fd kind that can hold a file reference (the /dev/lguest fd
 *	itself, a unix socket with it in flight, an io_uring with it
 *	registered, an epoll watching it), and other unfit kinds, offered as
 *	console and device fds: each must be refused with EINVAL (EBADF for
 *	O_PATH).  The caller then checks no guest is left and the modules
 *	unload.
 *   fd_probe console-stall GUEST.bin FIFO
 *	a virtio console whose input is FIFO (the caller holds a writer)
 *	handed over O_NONBLOCK, whose O_NONBLOCK is then cleared with fcntl;
 *	the guest (mmio-script.bin)
 *	posts a receive buffer and halts.  Runs until killed: the caller
 *	kills it and checks it exits at once.
 *   fd_probe blk-write GUEST.bin IMAGE
 *	a virtio disk on IMAGE (open O_RDWR); the guest writes sector 0 and
 *	powers off.  Run as an unprivileged user on a setuid image: the
 *	caller checks the write stripped the setuid bit, as the launcher's own
 *	write would have.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/lguest.h>

#define MEM		(4 * LGUEST_MEM_ALIGN)
#define SCRIPT_BASE	0x88000		/* mmio-script.S */
#define VQ_DESC		0x90000
#define VQ_AVAIL	0x91000
#define VQ_USED		0x92000
#define DATA		0x93000
#define QSIZE		8

/* virtio-mmio registers (virtio 1.2, 4.2.2) and status bits. */
#define MMIO_DRIVER_FEATURES		0x020
#define MMIO_DRIVER_FEATURES_SEL	0x024
#define MMIO_QUEUE_SEL			0x030
#define MMIO_QUEUE_NUM			0x038
#define MMIO_QUEUE_READY		0x044
#define MMIO_QUEUE_NOTIFY		0x050
#define MMIO_STATUS			0x070
#define MMIO_QUEUE_DESC_LOW		0x080
#define MMIO_QUEUE_DRIVER_LOW		0x090
#define MMIO_QUEUE_DEVICE_LOW		0x0a0
#define ST_ACK_DRIVER			3
#define ST_FEATURES_OK			8
#define ST_DRIVER_OK			4

static int failed;

static void check(int ok, const char *what)
{
	printf("%s: %s\n", ok ? "ok" : "FAILED", what);
	fflush(stdout);
	if (!ok)
		failed = 1;
}

static void die(const char *what)
{
	printf("FAILED: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void expect(int ret, int want, const char *what, const char *kind)
{
	char buf[200];

	snprintf(buf, sizeof(buf), "%s with %s -> %s (got %s)", what, kind,
		 want ? strerror(want) : "success",
		 ret < 0 ? strerror(errno) : "success");
	check(want ? ret == -1 && errno == want : ret == 0, buf);
}

static int open_lguest(void)
{
	int fd = open("/dev/lguest", O_RDWR | O_CLOEXEC);

	if (fd < 0)
		die("open /dev/lguest");
	return fd;
}

/* The vCPU of the guest new_guest() made last (each probe makes one). */
static int vcpu_fd = -1;

static int new_guest(void)
{
	struct lguest_create c = { .mem_size = MEM };
	int fd = open_lguest();

	if (ioctl(fd, LGUEST_CREATE, &c) < 0)
		die("LGUEST_CREATE");
	vcpu_fd = ioctl(fd, LGUEST_CREATE_VCPU, 0);
	if (vcpu_fd < 0)
		die("LGUEST_CREATE_VCPU");
	return fd;
}

/* One of the guest's devices, or -1 with errno. */
static int add_dev(int lg, unsigned int type, int fd0, int fd1)
{
	static unsigned int slot;
	struct lguest_device_desc d = { .type = type, .fds = { fd0, fd1 } };

	d.slot = slot++ % LGUEST_MMIO_MAX;

	return ioctl(lg, LGUEST_ADD_DEVICE, &d);
}

static int set_console(int lg, int out, int in)
{
	struct lguest_console c = { .out_fd = out, .in_fd = in };

	return ioctl(lg, LGUEST_SET_CONSOLE, &c);
}

/* Offer @fd (@kind) everywhere a guest takes one; each must answer @want. */
static void offer(int lg, int fd, int want, const char *kind)
{
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);

	expect(set_console(lg, fd, -1), want, "SET_CONSOLE out_fd", kind);
	expect(set_console(lg, -1, fd), want, "SET_CONSOLE in_fd", kind);
	expect(add_dev(lg, LGUEST_DEV_CONSOLE, fd, null), want, "console device input", kind);
	expect(add_dev(lg, LGUEST_DEV_CONSOLE, -1, fd), want, "console device output", kind);
	expect(add_dev(lg, LGUEST_DEV_BLOCK, fd, -1), want, "disk", kind);
	close(null);
}

/* A unix socket with @inflight sent into its own receive queue. */
static int unix_with_inflight(int inflight)
{
	char iobuf[1] = { 0 }, cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { .iov_base = iobuf, .iov_len = 1 };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);
	int sv[2];

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv))
		die("socketpair");
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &inflight, sizeof(int));
	if (sendmsg(sv[0], &msg, 0) != 1)
		die("sendmsg SCM_RIGHTS");
	close(sv[0]);
	return sv[1];
}

/* An io_uring with @fd registered (it holds a reference), or -1. */
static int uring_with(int fd)
{
	unsigned char params[120] = { 0 };	/* struct io_uring_params */
	int ring = syscall(425 /* io_uring_setup */, 4, params);

	if (ring < 0)
		return -1;
	if (syscall(427 /* io_uring_register */, ring, 2 /* IORING_REGISTER_FILES */, &fd, 1)) {
		close(ring);
		return -1;
	}
	return ring;
}

static int mode_cycle(void)
{
	int lg, fd, p[2];
	char path[] = "/tmp/fd_probe.XXXXXX";
	struct epoll_event ev = { .events = EPOLLIN };

	/* Fit files are taken (the device calls also make a device each). */
	lg = new_guest();
	if (pipe2(p, O_CLOEXEC | O_NONBLOCK))
		die("pipe");
	expect(set_console(lg, p[1], p[0]), 0, "SET_CONSOLE", "a pipe");
	expect(add_dev(lg, LGUEST_DEV_CONSOLE, p[0], p[1]), 0, "console device", "a pipe");
	fd = mkstemp(path);
	if (fd < 0 || ftruncate(fd, 1 << 20))
		die("mkstemp");
	unlink(path);
	expect(add_dev(lg, LGUEST_DEV_BLOCK, fd, -1), 0, "disk", "a regular file");
	close(fd);
	close(p[0]);
	close(p[1]);
	close(lg);

	/* The cycles: each would pin its own guest forever. */
	lg = new_guest();
	offer(lg, lg, EINVAL, "the guest's own /dev/lguest fd");
	fd = open_lguest();
	offer(lg, fd, EINVAL, "another /dev/lguest fd");
	close(fd);
	fd = unix_with_inflight(lg);
	offer(lg, fd, EINVAL, "a unix socket with the /dev/lguest fd in flight");
	close(fd);
	fd = epoll_create1(EPOLL_CLOEXEC);
	p[0] = eventfd(0, EFD_CLOEXEC);
	if (fd < 0 || p[0] < 0 || epoll_ctl(fd, EPOLL_CTL_ADD, p[0], &ev))
		die("epoll");
	offer(lg, fd, EINVAL, "an epoll fd");
	close(fd);
	offer(lg, p[0], EINVAL, "an eventfd");
	close(p[0]);
	fd = uring_with(lg);
	if (fd >= 0) {
		offer(lg, fd, EINVAL, "an io_uring with the /dev/lguest fd registered");
		close(fd);
	} else {
		printf("skipped: io_uring: %s\n", strerror(errno));
	}
	fd = open("/tmp", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	offer(lg, fd, EINVAL, "a directory");
	close(fd);
	fd = open("/dev/null", O_PATH | O_CLOEXEC);
	offer(lg, fd, EBADF, "an O_PATH fd");
	close(fd);
	fd = open("/proc/self/stat", O_RDONLY | O_CLOEXEC);
	expect(set_console(lg, -1, fd), EINVAL, "SET_CONSOLE in_fd", "a /proc file");
	expect(add_dev(lg, LGUEST_DEV_BLOCK, fd, -1), EINVAL, "disk", "a /proc file");
	close(fd);
	/* Exit with the guest still open: nothing may keep it. */
	return failed;
}

/* The guest's script: one entry per call. */
static void script(uint8_t *ram, unsigned int *n, uint32_t op, uint64_t addr, uint32_t val)
{
	uint8_t *e = ram + SCRIPT_BASE + 24 * (*n)++;

	memset(e, 0, 24);
	memcpy(e, &op, 4);
	memcpy(e + 8, &addr, 8);
	memcpy(e + 16, &val, 4);
}

static void put64(uint8_t *ram, uint64_t gpa, uint64_t v)
{
	memcpy(ram + gpa, &v, 8);
}

/* A raw guest as "lguest --raw" sets one up (include/uapi/linux/lguest.h). */
static uint8_t *raw_guest(int lg, const char *bin)
{
	struct lguest_regs regs = { 0 };
	struct lguest_sregs s;
	uint8_t *ram;
	ssize_t n;
	int fd;

	ram = mmap(NULL, MEM, PROT_READ | PROT_WRITE, MAP_SHARED, lg, 0);
	if (ram == MAP_FAILED)
		die("mmap");
	fd = open(bin, O_RDONLY);
	if (fd < 0)
		die(bin);
	n = read(fd, ram + LGUEST_RAW_LOAD, MEM - LGUEST_RAW_LOAD);
	if (n <= 0)
		die("read guest");
	close(fd);
	put64(ram, LGUEST_RAW_PML4, (LGUEST_RAW_PML4 + 0x1000) | 3);
	put64(ram, LGUEST_RAW_PML4 + 0x1000, (LGUEST_RAW_PML4 + 0x2000) | 3);
	put64(ram, LGUEST_RAW_PML4 + 0x2000, 0x83);
	put64(ram, LGUEST_RAW_PML4 + 0x2008, (2 << 20) | 0x83);
	put64(ram, LGUEST_RAW_GDT + 8, 0x00af9b000000ffffULL);
	put64(ram, LGUEST_RAW_GDT + 16, 0x00cf93000000ffffULL);
	if (ioctl(vcpu_fd, LGUEST_GET_SREGS, &s))
		die("GET_SREGS");
	s.cs = (struct lguest_segment){ .selector = 0x08, .limit = 0xffffffff, .attrib = 0xa9b };
	s.ds = s.es = s.ss = (struct lguest_segment){ .selector = 0x10, .limit = 0xffffffff,
						      .attrib = 0xc93 };
	s.fs = s.gs = (struct lguest_segment){ 0 };
	s.gdt = (struct lguest_dtable){ .base = LGUEST_RAW_GDT, .limit = 23 };
	s.idt = (struct lguest_dtable){ 0 };
	s.cr0 = 0x80010033;
	s.cr3 = LGUEST_RAW_PML4;
	s.cr4 = 0x620;
	s.efer = 0xd00;
	if (ioctl(vcpu_fd, LGUEST_SET_SREGS, &s))
		die("SET_SREGS");
	regs.rip = regs.rsp = LGUEST_RAW_LOAD;
	regs.rdi = MEM;
	regs.rflags = 2;
	if (ioctl(vcpu_fd, LGUEST_SET_REGS, &regs))
		die("SET_REGS");
	if (set_console(lg, 1, -1))
		die("SET_CONSOLE");
	return ram;
}

/*
 * Script a virtio driver for queue 0 of the device in slot 0 with one
 * chain of @n descriptors (already in the table) posted and notified.
 */
static void script_queue(uint8_t *ram, unsigned int *k, unsigned int q)
{
	uint16_t one = 1;

	memcpy(ram + VQ_AVAIL + 2, &one, 2);	/* idx 1: ring[0] = head 0 */
	script(ram, k, 1, MMIO_STATUS, ST_ACK_DRIVER);
	script(ram, k, 1, MMIO_DRIVER_FEATURES_SEL, 1);
	script(ram, k, 1, MMIO_DRIVER_FEATURES, 1);	/* VIRTIO_F_VERSION_1 */
	script(ram, k, 1, MMIO_STATUS, ST_ACK_DRIVER | ST_FEATURES_OK);
	script(ram, k, 1, MMIO_QUEUE_SEL, q);
	script(ram, k, 1, MMIO_QUEUE_NUM, QSIZE);
	script(ram, k, 1, MMIO_QUEUE_DESC_LOW, VQ_DESC);
	script(ram, k, 1, MMIO_QUEUE_DRIVER_LOW, VQ_AVAIL);
	script(ram, k, 1, MMIO_QUEUE_DEVICE_LOW, VQ_USED);
	script(ram, k, 1, MMIO_QUEUE_READY, 1);
	script(ram, k, 1, MMIO_STATUS, ST_ACK_DRIVER | ST_FEATURES_OK | ST_DRIVER_OK);
	script(ram, k, 1, MMIO_QUEUE_NOTIFY, q);
}

static void desc(uint8_t *ram, unsigned int i, uint64_t addr, uint32_t len, uint16_t flags)
{
	uint8_t *d = ram + VQ_DESC + 16 * i;
	uint16_t next = i + 1;

	memcpy(d, &addr, 8);
	memcpy(d + 8, &len, 4);
	memcpy(d + 12, &flags, 2);
	memcpy(d + 14, &next, 2);
}

static int run(void)
{
	struct lguest_run r;

	while (ioctl(vcpu_fd, LGUEST_RUN, &r)) {
		if (errno != EINTR)
			die("LGUEST_RUN");
	}
	printf("guest stopped: reason %u status %u %s\n", r.reason, r.status,
	       r.reason == LGUEST_EXIT_KILLED ? r.kill_reason : "");
	return r.reason == LGUEST_EXIT_POWEROFF && !r.status ? 0 : 1;
}

static int mode_console_stall(const char *bin, const char *fifo)
{
	int lg = new_guest(), in, null = open("/dev/null", O_WRONLY | O_CLOEXEC);
	uint8_t *ram = raw_guest(lg, bin);
	unsigned int k = 0;

	/* The caller keeps a writer open: our death is no end of file. */
	in = open(fifo, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (in < 0)
		die(fifo);
	if (add_dev(lg, LGUEST_DEV_CONSOLE, in, null))
		die("ADD_DEVICE console");
	/* The file the module holds is ours too: make it blocking again. */
	if (fcntl(in, F_SETFL, 0))
		die("fcntl");
	desc(ram, 0, DATA, 64, 2 /* VRING_DESC_F_WRITE */);
	script_queue(ram, &k, 0);	/* the receive queue */
	script(ram, &k, 0, 0, 0);	/* halt: wait to be killed */
	printf("console-stall: input O_NONBLOCK cleared, guest starting\n");
	fflush(stdout);
	return run();
}

static int mode_blk_write(const char *bin, const char *image)
{
	int lg = new_guest(), img = open(image, O_RDWR | O_CLOEXEC);
	uint8_t *ram = raw_guest(lg, bin);
	uint32_t hdr[4] = { 1 /* VIRTIO_BLK_T_OUT */, 0, 0, 0 };
	unsigned int k = 0;
	int rc;

	if (img < 0)
		die(image);
	if (add_dev(lg, LGUEST_DEV_BLOCK, img, -1))
		die("ADD_DEVICE disk");
	close(img);
	memcpy(ram + DATA, hdr, sizeof(hdr));
	memset(ram + DATA + 0x200, 0xa5, 512);
	ram[DATA + 0x400] = 0xff;
	desc(ram, 0, DATA, 16, 1 /* NEXT */);
	desc(ram, 1, DATA + 0x200, 512, 1);
	desc(ram, 2, DATA + 0x400, 1, 2 /* WRITE */);
	script_queue(ram, &k, 0);
	script(ram, &k, 2, VQ_USED + 2, 1);	/* the request came back */
	script(ram, &k, 3, 0, 0);
	rc = run();
	check(!rc, "the guest wrote sector 0 and powered off");
	check(ram[DATA + 0x400] == 0, "the write's status is VIRTIO_BLK_S_OK");
	return failed;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 2 && !strcmp(argv[1], "cycle"))
		return mode_cycle();
	if (argc == 4 && !strcmp(argv[1], "console-stall"))
		return mode_console_stall(argv[2], argv[3]);
	if (argc == 4 && !strcmp(argv[1], "blk-write"))
		return mode_blk_write(argv[2], argv[3]);
	fprintf(stderr, "usage: fd_probe cycle | console-stall GUEST.bin FIFO | blk-write GUEST.bin IMAGE\n");
	return 2;
}
