// SPDX-License-Identifier: GPL-2.0
/*
 * abi_probe.c - test helper run inside the test host: drives /dev/lguest's
 * ABI from user space with good and bad arguments, the way a buggy or
 * hostile launcher would, and checks every answer is the documented errno
 * (never a crash).  Prints one line per check; exits non-zero if any failed.
 * "abi_probe mem MIB" probes only the RAM sizes (run in a memory cgroup that
 * holds less than MIB MiB: tests/host/cases/abi-mem.sh); "abi_probe dev"
 * only LGUEST_ADD_DEVICE (with lguest_dev.ko loaded).  Also built as a
 * 32-bit program, abi_probe32 (tests/host/cases/abi-compat32.sh).
 */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stddef.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/lguest.h>

/*
 * One layout for 32- and 64-bit launchers (the module asserts the same
 * numbers for x86-64; this file is also built with -m32 as abi_probe32).
 */
_Static_assert(sizeof(struct lguest_create) == 16, "lguest_create");
_Static_assert(sizeof(struct lguest_regs) == 144, "lguest_regs");
_Static_assert(sizeof(struct lguest_segment) == 24, "lguest_segment");
_Static_assert(sizeof(struct lguest_dtable) == 16, "lguest_dtable");
_Static_assert(sizeof(struct lguest_sregs) == 328, "lguest_sregs");
_Static_assert(offsetof(struct lguest_sregs, cr0) == 224, "lguest_sregs.cr0");
_Static_assert(sizeof(struct lguest_console) == 8, "lguest_console");
_Static_assert(sizeof(struct lguest_device_desc) == 80, "lguest_device_desc");
_Static_assert(offsetof(struct lguest_device_desc, reserved) == 48,
	       "lguest_device_desc.reserved");
_Static_assert(sizeof(struct lguest_run) == 264, "lguest_run");

static int failed;

static void check(int ok, const char *what)
{
	printf("%s: %s\n", ok ? "ok" : "FAILED", what);
	if (!ok)
		failed = 1;
}

/* expect_errno: the call returned -1 with errno @want. */
static void expect_errno(long ret, int want, const char *what)
{
	char buf[160];

	snprintf(buf, sizeof(buf), "%s -> %s (got %ld, %s)", what, strerror(want),
		 ret, ret < 0 ? strerror(errno) : "success");
	check(ret == -1 && errno == want, buf);
}

static int open_lguest(void)
{
	int fd = open("/dev/lguest", O_RDWR);

	if (fd < 0) {
		printf("FAILED: open /dev/lguest: %s\n", strerror(errno));
		_exit(1);
	}
	return fd;
}

/* probe_bad_sizes: RAM sizes LGUEST_CREATE refuses before allocating. */
static void probe_bad_sizes(int fd)
{
	static const struct {
		uint64_t size;
		int err;
		const char *what;
	} bad[] = {
		{ 0, EINVAL, "CREATE with 0 bytes" },
		{ LGUEST_MEM_ALIGN + 4096, EINVAL, "CREATE with unaligned size" },
		{ LGUEST_MEM_ALIGN - 4096, EINVAL, "CREATE with 2 MiB - 4 KiB" },
		{ LGUEST_MAX_MEM + LGUEST_MEM_ALIGN, E2BIG, "CREATE over the maximum (the device hole)" },
		{ 4ULL << 30, E2BIG, "CREATE 4 GiB (over the device hole)" },
		{ 1ULL << 63, E2BIG, "CREATE 2^63 bytes" },
		{ UINT64_MAX - LGUEST_MEM_ALIGN + 1, E2BIG, "CREATE near 2^64" },
	};
	struct lguest_create c = { 0 };
	unsigned int i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		c.mem_size = bad[i].size;
		expect_errno(ioctl(fd, LGUEST_CREATE, &c), bad[i].err, bad[i].what);
	}
}

static void probe_vcpus(int fd);

static void probe_create(void)
{
	struct lguest_create c = { 0 };
	struct lguest_run run;
	int fd = open_lguest(), mode;

	errno = 0;
	/* The vCPU ioctls are the vCPU files' (ABI 9). */
	expect_errno(ioctl(fd, LGUEST_RUN, &run), ENOTTY, "RUN on the guest's file");
	expect_errno(ioctl(fd, LGUEST_GET_REGS, &run), ENOTTY, "GET_REGS on the guest's file");
	expect_errno(ioctl(fd, LGUEST_CREATE_VCPU, 0), ENOENT, "CREATE_VCPU before CREATE");
	expect_errno(mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0) == MAP_FAILED ? -1 : 0,
		     ENOENT, "mmap before CREATE");
	probe_bad_sizes(fd);
	c.mem_size = LGUEST_MEM_ALIGN;
	c.flags = LGUEST_CREATE_PREALLOC << 1;
	expect_errno(ioctl(fd, LGUEST_CREATE, &c), EINVAL, "CREATE with unknown flags");
	c.flags = 0;
	c.reserved = 1;
	expect_errno(ioctl(fd, LGUEST_CREATE, &c), EINVAL, "CREATE with reserved set");
	expect_errno(ioctl(fd, LGUEST_CREATE, (void *)16), EFAULT, "CREATE with a bad pointer");
	c.reserved = 0;
	c.mem_size = 4 * LGUEST_MEM_ALIGN;
	mode = ioctl(fd, LGUEST_CREATE, &c);
	check(mode == LGUEST_PAGING_NPT || mode == LGUEST_PAGING_SHADOW,
	      "CREATE 8 MiB answers its paging mode");
	expect_errno(ioctl(fd, LGUEST_CREATE, &c), EEXIST, "CREATE twice");
	expect_errno(ioctl(fd, LGUEST_CREATE_VCPU, 1), EINVAL, "CREATE_VCPU 1 before 0");
	expect_errno(ioctl(fd, LGUEST_CREATE_VCPU, -1L), EINVAL, "CREATE_VCPU -1");
	probe_vcpus(fd);
}

/*
 * vCPUs come in order, up to LGUEST_MAX_VCPUS, and each file keeps the
 * guest alive after the guest's own file is closed.
 */
static void probe_vcpus(int fd)
{
	struct lguest_regs regs;
	int vfd[LGUEST_MAX_VCPUS], i, ok = 1;

	for (i = 0; i < LGUEST_MAX_VCPUS; i++) {
		vfd[i] = ioctl(fd, LGUEST_CREATE_VCPU, i);
		ok &= vfd[i] >= 0;
	}
	check(ok, "CREATE_VCPU 0 to LGUEST_MAX_VCPUS - 1, in order");
	expect_errno(ioctl(fd, LGUEST_CREATE_VCPU, LGUEST_MAX_VCPUS), EINVAL,
		     "CREATE_VCPU beyond LGUEST_MAX_VCPUS");
	expect_errno(ioctl(fd, LGUEST_CREATE_VCPU, 0), EINVAL, "CREATE_VCPU 0 twice");
	expect_errno(ioctl(vfd[0], LGUEST_CREATE, &regs), ENOTTY, "CREATE on a vCPU file");
	close(fd);
	check(vfd[0] >= 0 && ioctl(vfd[1], LGUEST_GET_REGS, &regs) == 0,
	      "a vCPU file works after the guest's file is closed");
	for (i = 0; i < LGUEST_MAX_VCPUS; i++)
		if (vfd[i] >= 0)
			close(vfd[i]);
}

static void probe_guest(void)
{
	/*
	 * NPT where the CPU has it, whatever the module's paging= default:
	 * under shadow paging SET_SREGS refuses the reset state (paging off)
	 * that GET_SREGS gives a fresh guest.
	 */
	struct lguest_create c = { .mem_size = 4 * LGUEST_MEM_ALIGN,
				   .flags = LGUEST_PAGING_AUTO };
	struct lguest_console con = { .out_fd = 1, .in_fd = -1 };
	struct lguest_sregs sregs, good;
	struct lguest_regs regs;
	uint8_t *ram;
	int fd = open_lguest(), vfd;

	if (ioctl(fd, LGUEST_CREATE, &c) < 0) {
		check(0, "CREATE for the guest probes");
		return;
	}
	ram = mmap(NULL, c.mem_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	check(ram != MAP_FAILED, "mmap all of RAM, shared");
	if (ram != MAP_FAILED) {
		int i, zero = 1;

		for (i = 0; i < (int)c.mem_size; i += 4096)
			zero &= ram[i] == 0;
		check(zero, "fresh guest RAM reads as zeroes");
		ram[c.mem_size - 1] = 0x5a;
		check(ram[c.mem_size - 1] == 0x5a, "last byte of RAM is writable");
		munmap(ram, c.mem_size);
	}
	expect_errno(mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, fd, 0) == MAP_FAILED ? -1 : 0,
		     EINVAL, "private mmap");
	expect_errno(mmap(NULL, c.mem_size + 4096, PROT_READ, MAP_SHARED, fd, 0) == MAP_FAILED ? -1 : 0,
		     ENXIO, "mmap past the end of RAM");
	expect_errno(mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, c.mem_size) == MAP_FAILED ? -1 : 0,
		     ENXIO, "mmap at an offset past RAM");

	vfd = ioctl(fd, LGUEST_CREATE_VCPU, 0);
	check(vfd >= 0, "CREATE_VCPU 0");
	check(ioctl(vfd, LGUEST_GET_SREGS, &good) == 0, "GET_SREGS");
	check(!(good.efer & (1 << 12)), "GET_SREGS hides EFER.SVME");
	sregs = good;
	sregs.cr0 = 1ULL << 32;
	expect_errno(ioctl(vfd, LGUEST_SET_SREGS, &sregs), EINVAL, "SET_SREGS CR0 high bits");
	sregs = good;
	sregs.cr0 |= 1u << 29;	/* NW without CD */
	sregs.cr0 &= ~(1u << 30);
	expect_errno(ioctl(vfd, LGUEST_SET_SREGS, &sregs), EINVAL, "SET_SREGS CR0.NW without CD");
	sregs = good;
	sregs.efer = 1ULL << 12;	/* SVME is not the guest's */
	expect_errno(ioctl(vfd, LGUEST_SET_SREGS, &sregs), EINVAL, "SET_SREGS EFER.SVME");
	sregs = good;
	sregs.efer = 0x500;	/* LME|LMA without paging */
	expect_errno(ioctl(vfd, LGUEST_SET_SREGS, &sregs), EINVAL, "SET_SREGS LMA without PG");
	sregs = good;
	sregs.cr3 = 1ULL << 60;
	expect_errno(ioctl(vfd, LGUEST_SET_SREGS, &sregs), EINVAL, "SET_SREGS CR3 beyond MAXPHYADDR");
	sregs = good;
	sregs.cr4 = 1ULL << 40;
	expect_errno(ioctl(vfd, LGUEST_SET_SREGS, &sregs), EINVAL, "SET_SREGS CR4 reserved bit");
	sregs = good;
	sregs.reserved[3] = 1;
	expect_errno(ioctl(vfd, LGUEST_SET_SREGS, &sregs), EINVAL, "SET_SREGS reserved field");
	check(ioctl(vfd, LGUEST_SET_SREGS, &good) == 0, "SET_SREGS of what GET_SREGS gave");

	memset(&regs, 0xff, sizeof(regs));
	check(ioctl(vfd, LGUEST_SET_REGS, &regs) == 0, "SET_REGS with all ones");
	check(ioctl(vfd, LGUEST_GET_REGS, &regs) == 0 && regs.rflags == 0x3f7fd7,
	      "RFLAGS reserved bits cleared, bit 1 set");
	expect_errno(ioctl(vfd, LGUEST_SET_REGS, (void *)8), EFAULT, "SET_REGS bad pointer");

	close(vfd);

	con.out_fd = 999;
	expect_errno(ioctl(fd, LGUEST_SET_CONSOLE, &con), EBADF, "SET_CONSOLE closed fd");
	con.out_fd = open("/dev/null", O_RDONLY);
	expect_errno(ioctl(fd, LGUEST_SET_CONSOLE, &con), EBADF, "SET_CONSOLE read-only fd");
	close(con.out_fd);
	con.out_fd = 1;
	con.in_fd = 999;
	expect_errno(ioctl(fd, LGUEST_SET_CONSOLE, &con), EBADF, "SET_CONSOLE closed input fd");
	con.in_fd = open("/dev/null", O_WRONLY);
	expect_errno(ioctl(fd, LGUEST_SET_CONSOLE, &con), EBADF, "SET_CONSOLE write-only input fd");
	close(con.in_fd);
	con.in_fd = open("/dev/null", O_RDONLY);
	check(ioctl(fd, LGUEST_SET_CONSOLE, &con) == 0, "SET_CONSOLE with a readable input fd (ABI 3)");
	close(con.in_fd);
	close(fd);
}

/* The host's RAM in bytes (MemTotal), or 0. */
static uint64_t mem_total(void)
{
	unsigned long long kb = 0;
	FILE *f = fopen("/proc/meminfo", "r");

	if (f) {
		if (fscanf(f, "MemTotal: %llu kB", &kb) != 1)
			kb = 0;
		fclose(f);
	}
	return kb << 10;
}

static sigjmp_buf bus_jmp;

static void on_sigbus(int sig)
{
	(void)sig;
	siglongjmp(bus_jmp, 1);
}

/*
 * Write a byte to every page of @len bytes at @ram, through the mapping:
 * each first touch of a 2 MiB chunk makes the module allocate it.  Return
 * how many bytes were written before a SIGBUS (the chunk could not be
 * had), or @len.
 */
static uint64_t touch_all(volatile char *ram, uint64_t len)
{
	struct sigaction sa = { .sa_handler = on_sigbus }, old;
	volatile uint64_t off = 0;

	sigaction(SIGBUS, &sa, &old);
	if (!sigsetjmp(bus_jmp, 1))
		for (; off < len; off += 4096)
			ram[off] = 1;
	sigaction(SIGBUS, &old, NULL);
	return off;
}

/*
 * probe_mem MIB: the sizes a guest's RAM may not have, in a memory cgroup
 * that holds less than MIB MiB: over the device hole, 2^63, zero and
 * unaligned are refused up front; the largest size on a host with less RAM
 * than that, and MIB MiB with LGUEST_CREATE_PREALLOC (more than the cgroup
 * allows), fail with ENOMEM (the caller checks the log: no OOM killer, no
 * warning).  Without the flag, MIB MiB is created, as RAM comes when first
 * touched, and touching all of it through the mapping ends in SIGBUS
 * once the cgroup is full.  Then a small guest is still created.
 */
static void probe_mem(uint64_t mib)
{
	struct lguest_create c = { 0 };
	int fd = open_lguest(), mode;
	uint64_t done;
	char what[128];
	char *ram;

	probe_bad_sizes(fd);
	if (mem_total() && mem_total() < LGUEST_MAX_MEM) {
		c.mem_size = LGUEST_MAX_MEM;
		expect_errno(ioctl(fd, LGUEST_CREATE, &c), ENOMEM,
			     "CREATE the maximum, more than the host's RAM");
	}
	c.mem_size = mib << 20;
	c.flags = LGUEST_CREATE_PREALLOC;
	snprintf(what, sizeof(what), "CREATE_PREALLOC %llu MiB, more than the memory cgroup allows",
		 (unsigned long long)mib);
	expect_errno(ioctl(fd, LGUEST_CREATE, &c), ENOMEM, what);

	c.flags = 0;
	mode = ioctl(fd, LGUEST_CREATE, &c);
	snprintf(what, sizeof(what), "CREATE %llu MiB without PREALLOC: RAM comes when touched",
		 (unsigned long long)mib);
	check(mode == LGUEST_PAGING_NPT || mode == LGUEST_PAGING_SHADOW, what);
	ram = mmap(NULL, c.mem_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	check(ram != MAP_FAILED, "mmap of all of it");
	if (ram != MAP_FAILED) {
		check(ram[c.mem_size - 4096] == 0, "its last page reads as zero");
		done = touch_all(ram, c.mem_size);
		snprintf(what, sizeof(what), "writing every page: SIGBUS after %llu of %llu MiB",
			 (unsigned long long)(done >> 20), (unsigned long long)mib);
		check(done > 0 && done < c.mem_size, what);
		munmap(ram, c.mem_size);
	}
	close(fd);

	fd = open_lguest();
	c.mem_size = 4 * LGUEST_MEM_ALIGN;
	mode = ioctl(fd, LGUEST_CREATE, &c);
	check(mode == LGUEST_PAGING_NPT || mode == LGUEST_PAGING_SHADOW,
	      "CREATE 8 MiB after the refusals");
	close(fd);
}

/*
 * probe_dev: LGUEST_ADD_DEVICE (lguest_dev.ko loaded): an rng in slot 0;
 * pad2 or reserved set is EINVAL; slot 0 again is EBUSY.  Its size is in
 * the ioctl number: a layout that differs between 32- and 64-bit launchers
 * makes it ENOTTY for one of them.
 */
static void probe_dev(void)
{
	struct lguest_create c = { .mem_size = 4 * LGUEST_MEM_ALIGN };
	struct lguest_device_desc d;
	int fd = open_lguest();

	if (ioctl(fd, LGUEST_CREATE, &c) < 0) {
		check(0, "CREATE for the device probes");
		return;
	}
	memset(&d, 0, sizeof(d));
	d.type = LGUEST_DEV_RNG;
	d.fds[0] = d.fds[1] = -1;
	d.slot = 1;
	d.pad2 = 1;
	expect_errno(ioctl(fd, LGUEST_ADD_DEVICE, &d), EINVAL, "ADD_DEVICE with pad2 set");
	d.pad2 = 0;
	d.reserved[3] = 1;
	expect_errno(ioctl(fd, LGUEST_ADD_DEVICE, &d), EINVAL, "ADD_DEVICE with reserved[3] set");
	d.reserved[3] = 0;
	d.slot = 0;
	check(ioctl(fd, LGUEST_ADD_DEVICE, &d) == 0, "ADD_DEVICE rng in slot 0");
	expect_errno(ioctl(fd, LGUEST_ADD_DEVICE, &d), EBUSY, "ADD_DEVICE slot 0 again");
	close(fd);
}

int main(int argc, char **argv)
{
	char buf[8];
	int fd, v;

	if (argc == 3 && !strcmp(argv[1], "mem")) {
		probe_mem(strtoull(argv[2], NULL, 0));
		return failed;
	}
	if (argc == 2 && !strcmp(argv[1], "dev")) {
		probe_dev();
		return failed;
	}

	fd = open_lguest();
	v = ioctl(fd, LGUEST_GET_API_VERSION);
	printf("api version %d\n", v);
	check(v == LGUEST_API_VERSION, "LGUEST_GET_API_VERSION answers the header's version");
	errno = 0;
	check(ioctl(fd, _IO(LGUEST_IOC_MAGIC, 0x7f)) == -1 && errno == ENOTTY,
	      "unknown ioctl in our range is ENOTTY");
	errno = 0;
	check(ioctl(fd, _IOW(0xAE, 0x01, int), &v) == -1 && errno == ENOTTY,
	      "a KVM ioctl is ENOTTY");
	errno = 0;
	check(read(fd, buf, sizeof(buf)) == -1 && errno == EINVAL,
	      "read() is refused with EINVAL");
	close(fd);
	probe_create();
	probe_guest();
	return failed;
}
