// SPDX-License-Identifier: GPL-2.0
/*
 * fguest.c - build and run the fuzzers' raw guests (see fguest.h).  The
 * guest-physical layout, below the code at FG_CODE (LGUEST_RAW_LOAD):
 *   0x0800 GDT (null, code 0x08, data 0x10, TSS 0x18)
 *   0x1000 PML4, 0x2000 PDPT, 0x3000-0x6fff four page directories
 *   0x7000 TSS (IST1 = 0x20000)     0x8000 IDT (256 interrupt gates)
 *   0x9000 FG_SLOTVAR               0x10000 per-vector stubs, 16 bytes each
 *   0x11000 the common handler      0x12000-0x20000 the IST1 stack
 *   below 0x80000 the code's stack
 */
#include "fguest.h"
#include "fuzz.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/time.h>

#define FG_GDT		LGUEST_RAW_GDT
#define FG_PML4		LGUEST_RAW_PML4
#define FG_TSS		0x7000ULL
#define FG_IDT		0x8000ULL
#define FG_STUBS	0x10000ULL
#define FG_HANDLER	0x11000ULL
#define FG_IST_TOP	0x20000ULL

static void put64(struct fguest *g, uint64_t gpa, uint64_t v)
{
	memcpy(g->ram + gpa, &v, 8);
}

/**
 * fg_create() - open /dev/lguest, create a guest with @mem bytes of RAM in
 * paging mode @paging and map its RAM.
 * @g: filled in.
 * @mem: RAM size.
 * @paging: %LGUEST_PAGING_NPT, %LGUEST_PAGING_SHADOW ...
 *
 * Return: 0, or a negative errno (nothing left open).
 */
int fg_create(struct fguest *g, uint64_t mem, int paging)
{
	struct lguest_create c = { .mem_size = mem, .flags = paging };
	int err;

	memset(g, 0, sizeof(*g));
	g->fd = open("/dev/lguest", O_RDWR | O_CLOEXEC);
	if (g->fd < 0)
		return -errno;
	g->paging = ioctl(g->fd, LGUEST_CREATE, &c);
	if (g->paging < 0)
		goto fail;
	g->ram = mmap(NULL, mem, PROT_READ | PROT_WRITE, MAP_SHARED, g->fd, 0);
	if (g->ram == MAP_FAILED)
		goto fail;
	g->vfd = ioctl(g->fd, LGUEST_CREATE_VCPU, 0);
	if (g->vfd < 0)
		goto fail;
	g->mem = mem;
	return 0;
fail:
	err = -errno;
	if (g->ram && g->ram != MAP_FAILED)
		munmap(g->ram, mem);
	close(g->fd);
	g->fd = -1;
	g->vfd = -1;
	g->ram = NULL;
	return err;
}

/**
 * fg_destroy() - unmap and close: the guest goes away with its file.
 * @g: the guest.
 */
void fg_destroy(struct fguest *g)
{
	if (g->ram)
		munmap(g->ram, g->mem);
	if (g->vfd >= 0)
		close(g->vfd);
	if (g->fd >= 0)
		close(g->fd);
	g->ram = NULL;
	g->fd = -1;
	g->vfd = -1;
}

/**
 * fg_slot() - the code slot @idx: its marker written, its body NOPs.
 * @g: the guest.
 * @idx: slot number, below the @nslots given to fg_setup().
 *
 * Return: where the slot's body (FG_BODY bytes) goes.
 */
uint8_t *fg_slot(struct fguest *g, unsigned int idx)
{
	uint8_t *p = g->ram + FG_CODE + (uint64_t)idx * FG_SLOT;
	uint32_t a = FG_SLOTVAR;

	/* movl $idx, FG_SLOTVAR: c7 04 25 <disp32> <imm32> */
	p[0] = 0xc7;
	p[1] = 0x04;
	p[2] = 0x25;
	memcpy(p + 3, &a, 4);
	memcpy(p + 7, &idx, 4);
	memset(p + FG_MARK_LEN, 0x90, FG_BODY);
	return p + FG_MARK_LEN;
}

/* The poweroff sequence: mov $HC_POWEROFF, %eax; xor %ebx, %ebx; vmmcall; cli; hlt; jmp. */
static size_t put_poweroff(uint8_t *p)
{
	static const uint8_t tail[] = {
		0x31, 0xdb, 0x0f, 0x01, 0xd9, 0xfa, 0xf4, 0xeb, 0xfe,
	};
	uint32_t hc = LGUEST_HC_POWEROFF;

	p[0] = 0xb8;
	memcpy(p + 1, &hc, 4);
	memcpy(p + 5, tail, sizeof(tail));
	return 5 + sizeof(tail);
}

/*
 * The common handler: the frame is error code, RIP, CS, RFLAGS, RSP, SS.
 * Resume at the slot after the one FG_SLOTVAR names, with a fresh stack,
 * CS 0x08, SS 0x10 and RFLAGS 0x2 (IF, TF, AC clear); past the last slot,
 * power off.
 */
static void put_handler(struct fguest *g)
{
	uint8_t *p = g->ram + FG_HANDLER;
	uint32_t n = g->nslots, code = FG_CODE, stack = FG_STACK;
	size_t i = 0, jae;

#define B(...) do { const uint8_t b_[] = { __VA_ARGS__ }; \
	memcpy(p + i, b_, sizeof(b_)); i += sizeof(b_); } while (0)
#define D(v) do { uint32_t d_ = (v); memcpy(p + i, &d_, 4); i += 4; } while (0)
	B(0x8b, 0x04, 0x25); D(FG_SLOTVAR);		/* mov FG_SLOTVAR, %eax */
	B(0xff, 0xc0);					/* inc %eax */
	B(0x3d); D(n);					/* cmp $n, %eax */
	jae = i;
	B(0x73, 0x00);					/* jae fin */
	B(0x48, 0xc1, 0xe0, 0x05);			/* shl $5, %rax */
	B(0x48, 0x05); D(code);				/* add $FG_CODE, %rax */
	B(0x48, 0x89, 0x44, 0x24, 0x08);		/* mov %rax, 8(%rsp) */
	B(0x48, 0xc7, 0x44, 0x24, 0x10); D(0x08);	/* CS */
	B(0x48, 0xc7, 0x44, 0x24, 0x18); D(0x02);	/* RFLAGS */
	B(0x48, 0xc7, 0x44, 0x24, 0x20); D(stack);	/* RSP */
	B(0x48, 0xc7, 0x44, 0x24, 0x28); D(0x10);	/* SS */
	B(0x48, 0x83, 0xc4, 0x08);			/* add $8, %rsp */
	B(0x48, 0xcf);					/* iretq */
#undef B
#undef D
	/* fin: */
	p[jae + 1] = i - (jae + 2);
	put_poweroff(p + i);
}

/*
 * 64-bit interrupt gates to one stub per vector; the stubs push a 0
 * error code where the CPU pushes none.
 */
static void put_idt(struct fguest *g)
{
	static const uint32_t errcode = (1 << 8) | (1 << 10) | (1 << 11) |
		(1 << 12) | (1 << 13) | (1 << 14) | (1 << 17) | (1 << 21) |
		(1 << 29) | (1 << 30);
	unsigned int v;

	for (v = 0; v < 256; v++) {
		uint64_t stub = FG_STUBS + v * 16;
		uint8_t *s = g->ram + stub;
		uint64_t lo;
		int32_t rel;
		size_t i = 0;

		if (v >= 32 || !(errcode & (1U << v))) {
			s[i++] = 0x6a;		/* push $0 */
			s[i++] = 0x00;
		}
		s[i++] = 0xe9;			/* jmp FG_HANDLER */
		rel = (int32_t)(FG_HANDLER - (stub + i + 4));
		memcpy(s + i, &rel, 4);

		lo = (stub & 0xffff) | (0x08ULL << 16) |
		     ((uint64_t)(g->ist ? 1 : 0) << 32) | (0x8eULL << 40) |
		     ((stub >> 16 & 0xffff) << 48);
		put64(g, FG_IDT + v * 16, lo);
		put64(g, FG_IDT + v * 16 + 8, stub >> 32);
	}
}

static int set_sregs(struct fguest *g, bool tss, bool osxsave)
{
	struct lguest_sregs s;
	const struct lguest_segment code = {
		.selector = 0x08, .limit = 0xffffffff, .attrib = 0xa9b,
	}, data = {
		.selector = 0x10, .limit = 0xffffffff, .attrib = 0xc93,
	};

	if (ioctl(g->vfd, LGUEST_GET_SREGS, &s))
		return -errno;
	s.cs = code;
	s.ds = s.es = s.ss = data;
	s.fs = s.gs = (struct lguest_segment){ 0 };
	s.gdt = (struct lguest_dtable){ .base = FG_GDT, .limit = 39 };
	s.idt = (struct lguest_dtable){ .base = FG_IDT, .limit = 4095 };
	if (tss)
		s.tr = (struct lguest_segment){
			.base = FG_TSS, .limit = 0x67, .selector = 0x18,
			.attrib = 0x8b,
		};
	s.cr0 = 0x80010033;
	s.cr3 = FG_PML4;
	s.cr4 = 0x620 | (osxsave ? 1 << 18 : 0);
	s.efer = 0xd00;
	return ioctl(g->vfd, LGUEST_SET_SREGS, &s) ? -errno : 0;
}

/**
 * fg_setup() - write the tables, handler and a poweroff after @nslots
 * empty slots, and set the registers to enter slot 0.
 * @g: a guest from fg_create(), at least 16 MiB.
 * @nslots: code slots the caller fills with fg_slot().
 *
 * Return: 0 or a negative errno.
 */
int fg_setup(struct fguest *g, unsigned int nslots)
{
	struct lguest_regs r = { 0 };
	unsigned int i;
	uint64_t tss_lo;
	int err;

	g->nslots = nslots;
	if (FG_CODE + (uint64_t)(nslots + 1) * FG_SLOT > FG_RING_AREA ||
	    g->mem < FG_BUF_END)
		return -EINVAL;
	/* 4 GiB identity map: PML4[0] -> PDPT, PDPT[0..3] -> PDs, 2 MiB pages. */
	put64(g, FG_PML4, 0x2000 | 3);
	for (i = 0; i < 4; i++)
		put64(g, 0x2000 + i * 8, (0x3000 + i * 0x1000) | 3);
	for (i = 0; i < 2048; i++)
		put64(g, 0x3000 + i * 8, ((uint64_t)i << 21) | 0x83);

	put64(g, FG_GDT, 0);
	put64(g, FG_GDT + 8, 0x00af9b000000ffffULL);
	put64(g, FG_GDT + 16, 0x00cf93000000ffffULL);
	tss_lo = 0x67 | ((FG_TSS & 0xffffff) << 16) | (0x89ULL << 40) |
		 ((FG_TSS >> 24 & 0xff) << 56);
	put64(g, FG_GDT + 24, tss_lo);
	put64(g, FG_GDT + 32, 0);
	put64(g, FG_TSS + 0x24, FG_IST_TOP);

	for (i = 0; i < nslots; i++)
		fg_slot(g, i);
	put_poweroff(g->ram + FG_CODE + (uint64_t)nslots * FG_SLOT);

	/* A TSS and OSXSAVE if the module takes them, else without. */
	g->ist = 1;
	err = set_sregs(g, true, true);
	if (err)
		err = set_sregs(g, true, false);
	if (err) {
		g->ist = 0;
		err = set_sregs(g, false, false);
	}
	if (err)
		return err;
	put_idt(g);
	put_handler(g);

	r.rip = FG_CODE;
	r.rsp = FG_STACK;
	r.rdi = g->mem;
	r.rflags = 0x2;
	return ioctl(g->vfd, LGUEST_SET_REGS, &r) ? -errno : 0;
}

static void on_alarm(int sig)
{
	(void)sig;
}

static void stop_timer(void)
{
	struct itimerval it = { 0 };

	setitimer(ITIMER_REAL, &it, NULL);
}

/**
 * fg_run() - run the guest until it stops or @limit_s seconds pass.
 * @g: the guest.
 * @run: what the last %LGUEST_RUN said.
 * @limit_s: wall-clock limit; then a signal ends the run.
 *
 * Return: "poweroff", "killed", "reboot", "panic", "quit", "timeout" or
 * "error".
 */
const char *fg_run(struct fguest *g, struct lguest_run *run, double limit_s)
{
	struct sigaction sa = { .sa_handler = on_alarm };
	struct itimerval it = {
		.it_interval = { .tv_usec = 100000 },
		.it_value = { .tv_usec = 100000 },
	};
	double end = now_s() + limit_s;

	/*
	 * No SA_RESTART: RUN sees EINTR.  A repeating timer, since a one-shot
	 * one may fire just before the ioctl is entered.
	 */
	sigaction(SIGALRM, &sa, NULL);
	memset(run, 0, sizeof(*run));
	setitimer(ITIMER_REAL, &it, NULL);
	for (;;) {
		if (now_s() >= end) {
			stop_timer();
			return "timeout";
		}
		if (ioctl(g->vfd, LGUEST_RUN, run) == 0)
			break;
		if (errno != EINTR) {
			stop_timer();
			return "error";
		}
	}
	stop_timer();
	switch (run->reason) {
	case LGUEST_EXIT_POWEROFF: return "poweroff";
	case LGUEST_EXIT_KILLED: return "killed";
	case LGUEST_EXIT_REBOOT: return "reboot";
	case LGUEST_EXIT_PANIC: return "panic";
	case LGUEST_EXIT_QUIT: return "quit";
	case LGUEST_EXIT_TEST: return "test-exit";
	}
	return "error";
}
