// SPDX-License-Identifier: GPL-2.0
/*
 * guest_fuzz.c - the guest and virtio fuzzers: raw guests (fguest.h) whose
 * code is generated from a seed, run under /dev/lguest with all four
 * virtio devices (net, block, console, rng) attached.
 *
 * --mode insn: each slot is one random act: privileged instructions,
 * RDMSR/WRMSR of interesting and random MSRs, IN/OUT to ports, loads and
 * stores (and unemulatable forms) on every device window, the IOAPIC and
 * the hole, XSETBV values, INT3/ICEBP/INT n, MOV DR, CR writes, TF and
 * MOV SS tricks, hypercalls, SVM instructions, random bytes.
 * --mode virtio: a crude virtio-mmio driver: half-valid initialisation of
 * every queue of every device, then random register and config writes,
 * status transitions, avail-index bumps and notifies, on rings the host
 * prefills with random descriptors and a racing thread keeps rewriting.
 *
 * Each guest runs in a child process (the launcher), limited in time; some
 * are SIGKILLed at a random moment.  A guest may power off, be killed or
 * time out: all fine.  The host must stay clean, and a launcher that does
 * not die after SIGKILL is reported ("FINDING").
 *
 * Usage: guest_fuzz [--seed N] [--duration S] [--count N] [--only I]
 *	[--mode insn|virtio|both] [--paging npt|shadow|both] [--slots N]
 *	[--limit S] [--skip LIST] [--dump FILE] [-v]
 *       guest_fuzz --probe-fip (see probe_fip())
 * --skip takes known findings to avoid: xsetbv (XSETBV with random values),
 * dr (MOV to debug registers), tf (TF/MOV SS tricks, #DB storms).
 */
#include "fguest.h"
#include "fuzz.h"

#include <fcntl.h>
#include <net/if.h>
#include <pthread.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>

#define MEM		(16ULL << 20)
#define NDEV		4

static const char *skip = "";
static int verbose;

/* A code slot's body being written. */
struct body {
	uint8_t *p;
	size_t n;
};

static void b1(struct body *b, uint8_t v)
{
	if (b->n < FG_BODY)
		b->p[b->n++] = v;
}

static void bs(struct body *b, const uint8_t *v, size_t n)
{
	while (n--)
		b1(b, *v++);
}

#define BB(b, ...) do { const uint8_t b_[] = { __VA_ARGS__ }; \
	bs(b, b_, sizeof(b_)); } while (0)

static void b32(struct body *b, uint32_t v)
{
	bs(b, (const uint8_t *)&v, 4);
}

static void b64(struct body *b, uint64_t v)
{
	bs(b, (const uint8_t *)&v, 8);
}

/* mov $v, %e<reg> (b8+reg): reg 0 eax, 1 ecx, 2 edx, 3 ebx, 6 esi, 7 edi */
static void mov32(struct body *b, int reg, uint32_t v)
{
	b1(b, 0xb8 + reg);
	b32(b, v);
}

/* The devices: type and MMIO slot. */
struct devs {
	uint32_t type[NDEV];
	uint32_t slot[NDEV];
	int n;
};

static uint32_t window(const struct devs *d, int i)
{
	return LGUEST_MMIO_BASE + d->slot[i] * LGUEST_MMIO_SIZE;
}

static const uint32_t mmio_regs[] = {
	0x000, 0x004, 0x008, 0x00c, 0x010, 0x014, 0x020, 0x024, 0x030, 0x034,
	0x038, 0x044, 0x050, 0x060, 0x064, 0x070, 0x080, 0x084, 0x090, 0x094,
	0x0a0, 0x0a4, 0x0ac, 0x0b0, 0x0b4, 0x0b8, 0x0bc, 0x0c0, 0x0fc, 0x100,
	0x104, 0x108, 0x110, 0x120, 0x1fc, 0xffc,
};

static const uint32_t msrs[] = {
	0x10, 0x1b, 0x3a, 0x48, 0x49, 0x8b, 0xe1, 0xfe, 0x10a, 0x10b, 0x174,
	0x175, 0x176, 0x179, 0x17a, 0x17b, 0x1a0, 0x1d9, 0x1db, 0x1dc, 0x277,
	0x2ff, 0x400, 0x401, 0x402, 0x403, 0x6a0, 0x6a2, 0x6a4, 0x6e0, 0x6e1,
	0x800, 0x802, 0x803, 0x808, 0x80b, 0x80d, 0x80f, 0x810, 0x820, 0x828,
	0x830, 0x832, 0x835, 0x837, 0x838, 0x839, 0x83e, 0x83f, 0x8ff, 0xda0,
	0x11, 0x12, 0x4b564d00, 0x4b564d01, 0x4b564d02, 0x4b564d03,
	0x4b564d04, 0x4b564d05, 0x4b564d06, 0x4b564d07,
	LGUEST_MSR_SIGNATURE, LGUEST_MSR_API, 0x4c470002, 0x40000000,
	0xc0000080, 0xc0000081, 0xc0000082, 0xc0000083, 0xc0000084,
	0xc0000100, 0xc0000101, 0xc0000102, 0xc0000103, 0xc0000104,
	0xc0010000, 0xc0010004, 0xc0010010, 0xc0010015, 0xc001001a,
	0xc001001d, 0xc0010055, 0xc0010114, 0xc0010115, 0xc0010117,
	0xc0010118, 0xc0010140, 0xc0010141, 0xc0010200, 0xc0010201,
	0xc0011020, 0xc0011029, 0xc001100c, 0xc0010131,
};

/* IA32_APIC_BASE: disabled, xAPIC, x2APIC, EXTD alone, moved. */
static const uint64_t apic_bases[] = {
	0xfee00100, 0xfee00900, 0xfee00d00, 0xfee00500, 0xfed00900,
};

static const uint16_t ports[] = {
	0x3f8, 0x3f9, 0x3fa, 0x3fb, 0x3fc, 0x3fd, 0x3fe, 0x3ff,
	LGUEST_PVPANIC_PORT, LGUEST_PM_SLEEP_STS, 0x603, 0x20, 0x21, 0xa0,
	0xa1, 0x40, 0x43, 0x61, 0x64, 0x70, 0x71, 0x80, 0x92, 0xcf8, 0xcfc,
	0x2f8, 0x3f7, 0x4d0, 0xb2, 0xffff, 0x0,
};

static uint32_t pick_msr(struct rng *r)
{
	switch (rng_below(r, 6)) {
	case 0:
		return rng_next(r);
	case 1:
		return 0xc0010000 + rng_below(r, 0x2000);
	case 2:
		return rng_below(r, 0x2000);
	default:
		return rng_pick(r, msrs);
	}
}

static uint32_t pick_mmio(struct rng *r, const struct devs *d)
{
	switch (rng_below(r, 10)) {
	case 0:
		return LGUEST_IOAPIC_BASE + rng_below(r, 0x50);
	case 1:
		return LGUEST_MMIO_BASE + rng_below(r, LGUEST_MMIO_MAX) *
			LGUEST_MMIO_SIZE + rng_pick(r, mmio_regs);
	case 2:
		if (rng_chance(r, 4))	/* unbacked: kills the guest */
			return 0xe0000000 + rng_below(r, 0x10000000);
		return LGUEST_LAPIC_BASE + rng_below(r, 0x400);
	default:
		return window(d, rng_below(r, d->n)) +
			(rng_chance(r, 4) ? rng_below(r, 0x1000) : rng_pick(r, mmio_regs));
	}
}

/*
 * One access on %rdi: a store or load of some width, or (one time in
 * @odd) a form the MMIO emulation should refuse, which kills the guest.
 */
static void mem_access(struct rng *r, struct body *b, unsigned int odd)
{
	static const uint8_t forms[][4] = {
		{ 2, 0x89, 0x07 }, { 2, 0x8b, 0x07 }, { 2, 0x88, 0x07 },
		{ 2, 0x8a, 0x07 }, { 3, 0x66, 0x89, 0x07 },
		{ 3, 0x66, 0x8b, 0x07 }, { 3, 0x48, 0x89, 0x07 },
		{ 3, 0x48, 0x8b, 0x07 }, { 3, 0xf0, 0x09, 0x07 },
		{ 3, 0x0f, 0xb1, 0x07 }, { 2, 0x87, 0x07 }, { 2, 0x01, 0x07 },
		{ 3, 0x0f, 0xc3, 0x07 }, { 3, 0x0f, 0x11, 0x07 },
		{ 2, 0xff, 0x37 }, { 2, 0x8f, 0x07 }, { 3, 0x0f, 0xb6, 0x07 },
		{ 2, 0xa5 }, { 3, 0xf3, 0xa5 },
	};
	unsigned int f = rng_below(r, odd) ? rng_below(r, 8) : rng_below(r, ARRAY_SIZE(forms));

	if (forms[f][1] == 0xa5 || forms[f][2] == 0xa5)	/* movs: rsi = rdi */
		BB(b, 0x48, 0x89, 0xfe, 0xb9, 0x02, 0, 0, 0);
	bs(b, forms[f] + 1, forms[f][0]);
}

static uint64_t pick_xcr0(struct rng *r)
{
	static const uint64_t v[] = {
		0x1, 0x3, 0x7, 0x5, 0x2, 0x0, 0x1f, 0x1b, 0x17, 0xe7, 0xe3, 0x67,
		0x27, 0x207, 0x2ff, 0x80000000, 0x100000000ULL, 0x4, 0x201,
		0x800, 0x1000, 0x2000, 0x20000, 0x40000, 0x60000, 0x60007,
	};

	return rng_chance(r, 3) ? rng_next(r) & (rng_chance(r, 2) ? 0x3ff : ~0ULL)
				: rng_pick(r, v);
}

/* insn mode: one random act in a slot body. */
static void gen_insn(struct rng *r, struct body *b, const struct devs *d)
{
	uint64_t v = rng_interesting(r);
	unsigned int n;

	switch (rng_below(r, 17)) {
	case 0: case 1:		/* RDMSR/WRMSR */
		n = pick_msr(r);
		/* APIC_BASE: often a move between modes (xAPIC: its MMIO page). */
		if (n == 0x1b && rng_chance(r, 2))
			v = rng_pick(r, apic_bases);
		mov32(b, 1, n);
		mov32(b, 0, v);
		mov32(b, 2, rng_chance(r, 2) ? 0 : v >> 32);
		BB(b, 0x0f, rng_chance(r, 2) ? 0x30 : 0x32);
		break;
	case 2: case 3:		/* IN/OUT */
		mov32(b, 2, rng_chance(r, 4) ? rng_below(r, 0x10000) : rng_pick(r, ports));
		mov32(b, 0, v);
		switch (rng_below(r, 8)) {
		case 0: BB(b, 0xee); break;
		case 1: BB(b, 0xef); break;
		case 2: BB(b, 0x66, 0xef); break;
		case 3: BB(b, 0xec); break;
		case 4: BB(b, 0xed); break;
		case 5: BB(b, 0x66, 0xed); break;
		case 6: mov32(b, 7, FG_BUF_AREA); mov32(b, 1, rng_below(r, 9));
			BB(b, 0xf3, 0x6c); break;
		default: mov32(b, 6, FG_BUF_AREA); mov32(b, 1, rng_below(r, 9));
			BB(b, 0xf3, 0x6e); break;
		}
		break;
	case 4: case 5: case 6:	/* MMIO */
		mov32(b, 7, pick_mmio(r, d));
		mov32(b, 0, v);
		mem_access(r, b, 4);
		break;
	case 7:			/* XSETBV/XGETBV */
		if (fuzz_skip(skip, "xsetbv") || rng_chance(r, 4)) {
			mov32(b, 1, rng_below(r, 3));
			BB(b, 0x0f, 0x01, 0xd0);
			break;
		}
		v = pick_xcr0(r);
		mov32(b, 1, rng_chance(r, 8) ? rng_interesting(r) : 0);
		mov32(b, 0, v);
		mov32(b, 2, v >> 32);
		BB(b, 0x0f, 0x01, 0xd1);
		break;
	case 8:			/* exceptions on purpose */
		switch (rng_below(r, 6)) {
		case 0: BB(b, 0xcc); break;
		case 1: BB(b, 0xf1); break;
		case 2: BB(b, 0xcd, rng_next(r)); break;
		case 3: BB(b, 0x0f, 0x0b); break;
		case 4: BB(b, 0xfb, 0xf4); break;	/* sti; hlt */
		default: BB(b, 0xce); break;
		}
		break;
	case 9:			/* MOV DR */
		n = rng_below(r, 8);
		if (fuzz_skip(skip, "dr") || rng_chance(r, 3)) {
			BB(b, 0x0f, 0x21, 0xc0 | n << 3);
			break;
		}
		if (n == 7 && rng_chance(r, 2))
			v = (rng_next(r) & 0xffff00ff) | 0x3;
		else if (n < 4 && rng_chance(r, 2))
			v = rng_chance(r, 2) ? FG_SLOTVAR :
				FG_CODE + rng_below(r, 64) * FG_SLOT;
		BB(b, 0x48, 0xb8);
		b64(b, v);
		BB(b, 0x0f, 0x23, 0xc0 | n << 3);
		break;
	case 10: case 11:	/* CR writes */
		n = rng_pick(r, ((const uint8_t[]){ 0, 0, 2, 3, 4, 4, 8, 1, 5 }));
		if (rng_chance(r, 3)) {
			BB(b, 0x48, 0xb8);
			b64(b, v);
		} else {
			BB(b, 0x0f, 0x20, 0xc0 | n << 3);	/* mov %crN, %rax */
			BB(b, 0x48, 0x0f, 0xba, 0xf8, rng_below(r, 64)); /* btc */
		}
		BB(b, 0x0f, 0x22, 0xc0 | n << 3);
		break;
	case 12:		/* system instructions */
		switch (rng_below(r, 16)) {
		case 0: BB(b, 0x0f, 0x06); break;		/* clts */
		case 1: mov32(b, 0, v); BB(b, 0x0f, 0x01, 0xf0); break; /* lmsw */
		case 2: BB(b, 0x0f, 0x01, 0xe0); break;	/* smsw */
		case 3: mov32(b, 0, v); BB(b, 0x0f, 0x01, 0x38); break; /* invlpg */
		case 4: BB(b, 0x0f, 0x09); break;		/* wbinvd */
		case 5: BB(b, 0x0f, 0x08); break;		/* invd */
		case 6: BB(b, 0x0f, 0x01, 0xf9); break;	/* rdtscp */
		case 7: mov32(b, 1, v); BB(b, 0x0f, 0x33); break; /* rdpmc */
		case 8: BB(b, 0xf3, 0x0f, 0xc7, 0xf8); break;	/* rdpid */
		case 9: BB(b, 0x0f, 0x31); break;		/* rdtsc */
		case 10: mov32(b, 0, rng_chance(r, 2) ? v : 0x40000000 +
				rng_below(r, 0x200));
			mov32(b, 1, rng_below(r, 4));
			BB(b, 0x0f, 0xa2); break;		/* cpuid */
		case 11: BB(b, 0x0f, 0x01, 0xc8 + rng_below(r, 2)); break; /* monitor/mwait */
		case 12: BB(b, 0x0f, 0x01, 0xd8 + rng_below(r, 8)); break; /* SVM */
		case 13: BB(b, 0x0f, 0x01, 0xf8); break;	/* swapgs */
		case 14: BB(b, rng_chance(r, 2) ? 0x0f : 0x48, 0x05); break;
		default: mov32(b, 0, rng_next(r)); mov32(b, 2, rng_next(r));
			mov32(b, 7, FG_BUF_AREA + rng_below(r, 0x1000) * 64);
			BB(b, 0x0f, 0xae, rng_pick(r, ((const uint8_t[]){
				0x27, 0x2f, 0x0f, 0x07, 0x17 }))); /* xsave, xrstor, fx*, ldmxcsr */
			break;
		}
		break;
	case 13:		/* hypercalls */
		mov32(b, 0, rng_chance(r, 4) ? v : LGUEST_HC_BASE + rng_below(r, 5));
		mov32(b, 3, rng_chance(r, 2) ? rng_below(r, 200000) : rng_interesting(r));
		mov32(b, 1, rng_chance(r, 2) ? 32 + rng_below(r, 224) : rng_interesting(r));
		BB(b, 0x0f, 0x01, 0xd9);
		break;
	case 14:		/* TF, MOV SS, POPF: #DB where it hurts */
		if (fuzz_skip(skip, "tf"))
			break;
		BB(b, 0x9c, 0x48, 0x81, 0x0c, 0x24, 0x00, 0x01, 0x00, 0x00, 0x9d);
		if (rng_chance(r, 2))
			BB(b, 0x8c, 0xd0, 0x8e, 0xd0, rng_chance(r, 2) ? 0x9c : 0xf1);
		else
			BB(b, 0x90);
		break;
	default:		/* random bytes */
		n = 1 + rng_below(r, FG_BODY);
		while (n--)
			b1(b, rng_next(r));
		break;
	}
}

/* virtio mode: the queues' addresses, per device d and queue q. */
static uint64_t ring_base(int d, int q)
{
	return FG_RING_AREA + (uint64_t)(d * 4 + q) * FG_RING_STRIDE;
}

/* A store of @v to guest-physical @a. */
static void store32(struct body *b, uint32_t a, uint32_t v)
{
	mov32(b, 7, a);
	mov32(b, 0, v);
	BB(b, 0x89, 0x07);
}

static uint32_t maybe(struct rng *r, uint32_t v)
{
	return rng_chance(r, 12) ? (uint32_t)rng_interesting(r) : v;
}

static uint64_t ring_addr(struct rng *r, uint64_t good)
{
	switch (rng_below(r, 16)) {
	case 0: return rng_interesting(r);
	case 1: return good + 1 + rng_below(r, 15);
	case 2: return MEM - rng_below(r, 64);
	case 3: return LGUEST_MMIO_BASE;
	case 4: return FG_CODE;
	default: return good;
	}
}

/* The slots of one device's half-valid initialisation; returns slots used. */
static unsigned int gen_init(struct rng *r, struct fguest *g, unsigned int s,
			     const struct devs *d, int i)
{
	uint32_t w = window(d, i);
	unsigned int s0 = s, q, fsel;
	struct body b;

#define SLOT() (b = (struct body){ fg_slot(g, s++), 0 })
	SLOT(); store32(&b, w + 0x70, 0);
	SLOT(); store32(&b, w + 0x70, maybe(r, 1));
	SLOT(); store32(&b, w + 0x70, maybe(r, 3));
	for (fsel = 0; fsel < 2; fsel++) {
		SLOT(); store32(&b, w + 0x14, fsel);
		SLOT(); store32(&b, w + 0x24, fsel);
		/* driver features = device features & random mask */
		SLOT(); mov32(&b, 7, w + 0x10); BB(&b, 0x8b, 0x07);
		BB(&b, 0x25); b32(&b, rng_chance(r, 2) ? ~0U : rng_next(r));
		mov32(&b, 7, w + 0x20); BB(&b, 0x89, 0x07);
	}
	SLOT(); store32(&b, w + 0x70, maybe(r, 0xb));
	for (q = 0; q < 3; q++) {
		uint64_t base = ring_base(i, q);
		static const uint32_t nums[] = { 256, 128, 1, 2, 3, 0, 255, 257, 0x10000, 64 };

		SLOT(); store32(&b, w + 0x30, maybe(r, q));
		SLOT(); store32(&b, w + 0x38, rng_chance(r, 2) ? 256 : rng_pick(r, nums));
		base = ring_addr(r, base);
		SLOT(); store32(&b, w + 0x80, base);
		SLOT(); store32(&b, w + 0x84, base >> 32);
		base = ring_addr(r, ring_base(i, q) + 0x4000);
		SLOT(); store32(&b, w + 0x90, base);
		SLOT(); store32(&b, w + 0x94, base >> 32);
		base = ring_addr(r, ring_base(i, q) + 0x8000);
		SLOT(); store32(&b, w + 0xa0, base);
		SLOT(); store32(&b, w + 0xa4, base >> 32);
		SLOT(); store32(&b, w + 0x44, maybe(r, 1));
	}
	SLOT(); store32(&b, w + 0x70, maybe(r, 0xf));
#undef SLOT
	return s - s0;
}

static void gen_virtio_op(struct rng *r, struct body *b, const struct devs *d)
{
	int i = rng_below(r, d->n);
	uint32_t q = rng_below(r, 3);
	uint32_t w = window(d, i);
	static const uint32_t status[] = { 0, 1, 3, 0xb, 0xf, 0x4f, 0x8f, 0x7, 0x40, 0x80 };
	uint64_t a;

	switch (rng_below(r, 12)) {
	case 0: case 1: case 2:		/* publish: avail.idx += k, notify */
		mov32(b, 7, ring_base(i, q) + 0x4000 + 2);
		BB(b, 0x66, 0x81, 0x07);
		b1(b, rng_chance(r, 4) ? rng_next(r) : 1 + rng_below(r, 4));
		b1(b, rng_chance(r, 4) ? rng_next(r) : 0);
		mov32(b, 7, w + 0x50);
		BB(b, 0x89, 0x37);	/* mov %esi, (%rdi): esi is random */
		break;
	case 3: case 4:			/* notify */
		store32(b, w + 0x50, rng_chance(r, 8) ? (uint32_t)rng_interesting(r) : q);
		break;
	case 5:				/* config write */
		mov32(b, 7, w + 0x100 + rng_below(r, 0x40));
		mov32(b, 0, rng_next(r));
		mem_access(r, b, 2000);
		break;
	case 6:				/* status transition */
		store32(b, w + 0x70, rng_chance(r, 4) ? rng_next(r) : rng_pick(r, status));
		break;
	case 7:				/* any register, any value */
		mov32(b, 7, w + (rng_chance(r, 2) ? rng_pick(r, mmio_regs) : rng_below(r, 0x1000)));
		mov32(b, 0, rng_chance(r, 2) ? rng_interesting(r) : rng_below(r, 4));
		mem_access(r, b, 2000);
		break;
	case 8:				/* a descriptor word */
		a = ring_base(i, q) + rng_below(r, 256) * 16 + rng_below(r, 4) * 4;
		store32(b, a, rng_chance(r, 2) ? rng_interesting(r) : rng_below(r, 512));
		break;
	case 9:				/* interrupt ack, read status */
		store32(b, w + 0x64, rng_below(r, 4));
		break;
	case 10:			/* random %esi for the next publish */
		mov32(b, 6, rng_chance(r, 2) ? q : (uint32_t)rng_interesting(r));
		break;
	default:			/* avail ring entry */
		a = ring_base(i, q) + 0x4000 + 4 + rng_below(r, 256) * 2;
		mov32(b, 7, a);
		mov32(b, 0, rng_chance(r, 3) ? rng_next(r) : rng_below(r, 256));
		BB(b, 0x66, 0x89, 0x07);
		break;
	}
}

/* Fill (or refill, racing the device) one queue's rings and some buffers. */
static void scribble(struct rng *r, struct fguest *g, int i, int q, int n)
{
	uint8_t *base = g->ram + ring_base(i, q);

	while (n--) {
		unsigned int e = rng_below(r, 256);
		uint64_t addr;
		uint32_t len;
		uint16_t flags, next;

		switch (rng_below(r, 8)) {
		case 0: case 1: case 2: case 3:	/* descriptor */
			addr = FG_BUF_AREA + rng_below(r, (FG_BUF_END - FG_BUF_AREA) >> 12) * 4096 +
				(rng_chance(r, 4) ? rng_below(r, 4096) : 0);
			if (rng_chance(r, 8))
				addr = rng_chance(r, 2) ? rng_interesting(r) :
					ring_base(i, q) + rng_below(r, 0x9000);
			len = rng_chance(r, 4) ? rng_interesting(r) :
				rng_pick(r, ((const uint32_t[]){ 16, 512, 4096, 1, 0, 10, 12, 1526, 65536 }));
			flags = rng_chance(r, 8) ? rng_next(r) : rng_below(r, 8);
			next = rng_chance(r, 8) ? rng_next(r) : rng_below(r, 256);
			memcpy(base + e * 16, &addr, 8);
			memcpy(base + e * 16 + 8, &len, 4);
			memcpy(base + e * 16 + 12, &flags, 2);
			memcpy(base + e * 16 + 14, &next, 2);
			break;
		case 4:				/* avail ring entry */
			next = rng_chance(r, 8) ? rng_next(r) : rng_below(r, 256);
			memcpy(base + 0x4000 + 4 + e * 2, &next, 2);
			break;
		case 5:				/* avail idx or flags, used event */
			next = rng_chance(r, 2) ? (uint16_t)rng_next(r) : (uint16_t)(base[0x4002] + 1);
			memcpy(base + 0x4000 + 2 * rng_below(r, 2), &next, 2);
			break;
		case 6: {			/* a blk header or net header in a buffer */
			uint64_t off = rng_below(r, (FG_BUF_END - FG_BUF_AREA) >> 12) * 4096;
			uint32_t type = rng_chance(r, 3) ? rng_next(r) :
				rng_pick(r, ((const uint32_t[]){ 0, 1, 4, 8, 11, 13 }));
			uint64_t sector = rng_chance(r, 2) ? rng_below(r, 4096) : rng_interesting(r);

			memcpy(g->ram + FG_BUF_AREA + off, &type, 4);
			memcpy(g->ram + FG_BUF_AREA + off + 8, &sector, 8);
			if (rng_chance(r, 2)) {		/* discard/write-zeroes segment */
				memcpy(g->ram + FG_BUF_AREA + off + 16, &sector, 8);
				memcpy(g->ram + FG_BUF_AREA + off + 24, &type, 4);
			}
			break;
		}
		default:			/* the used ring, device-owned */
			flags = rng_next(r);
			memcpy(base + 0x8000 + 2 * rng_below(r, 4), &flags, 2);
			break;
		}
	}
}

struct racer {
	struct fguest *g;
	struct rng r;
	int ndev;
	volatile int stop;
};

static void *race(void *arg)
{
	struct racer *rc = arg;

	while (!rc->stop) {
		scribble(&rc->r, rc->g, rng_below(&rc->r, rc->ndev), rng_below(&rc->r, 3), 8);
		usleep(200 + rng_below(&rc->r, 2000));
	}
	return NULL;
}

static int nonblock(int fd)
{
	return fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
}

/* Give the guest its devices and console; 0 or a negative errno. */
static int add_devices(struct rng *r, struct fguest *g, struct devs *d,
		       unsigned int idx, int *feed)
{
	static const uint32_t types[NDEV] = {
		LGUEST_DEV_NET, LGUEST_DEV_BLOCK, LGUEST_DEV_CONSOLE, LGUEST_DEV_RNG,
	};
	char path[64];
	int pin[2], pout[2], uart[2], disk, i;
	struct lguest_console con;
	uint32_t used = 0;

	snprintf(path, sizeof(path), "/tmp/guest_fuzz.%d.disk", getpid());
	disk = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (disk < 0 || ftruncate(disk, 1 << 20))
		return -errno;
	unlink(path);
	if (pipe(pin) || pipe(pout) || pipe(uart))
		return -errno;
	nonblock(pin[0]);
	nonblock(pout[1]);
	nonblock(uart[0]);
	d->n = 0;
	for (i = 0; i < NDEV; i++) {
		struct lguest_device_desc dd = { .type = types[i] };
		uint32_t slot;

		do
			slot = rng_below(r, LGUEST_MMIO_MAX);
		while (used & (1U << slot));
		used |= 1U << slot;
		dd.slot = slot;
		dd.fds[0] = dd.fds[1] = -1;
		switch (dd.type) {
		case LGUEST_DEV_NET:
			snprintf(dd.name, sizeof(dd.name), "lgfzg%u", idx);
			break;
		case LGUEST_DEV_BLOCK:
			dd.fds[0] = disk;
			if (rng_chance(r, 4))
				dd.flags = LGUEST_DEV_F_READONLY;
			break;
		case LGUEST_DEV_CONSOLE:
			dd.fds[0] = pin[0];
			dd.fds[1] = pout[1];
			if (rng_chance(r, 2))
				dd.flags = LGUEST_DEV_F_ESCAPE;
			break;
		}
		if (ioctl(g->fd, LGUEST_ADD_DEVICE, &dd)) {
			fprintf(stderr, "guest_fuzz: ADD_DEVICE type %u slot %u: %s\n",
				dd.type, slot, strerror(errno));
			continue;
		}
		d->type[d->n] = dd.type;
		d->slot[d->n++] = slot;
		if (dd.type == LGUEST_DEV_NET && rng_chance(r, 2)) {
			struct ifreq ifr = { .ifr_flags = IFF_UP };
			int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

			strcpy(ifr.ifr_name, dd.name);
			if (s >= 0) {
				ioctl(s, SIOCSIFFLAGS, &ifr);
				close(s);
			}
		}
	}
	con.out_fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
	con.in_fd = uart[0];
	if (ioctl(g->fd, LGUEST_SET_CONSOLE, &con))
		fprintf(stderr, "guest_fuzz: SET_CONSOLE: %s\n", strerror(errno));
	close(con.out_fd);
	close(disk);
	close(pin[0]);
	close(pout[1]);
	close(uart[0]);
	feed[0] = pin[1];
	feed[1] = uart[1];
	nonblock(feed[0]);
	nonblock(feed[1]);
	return d->n ? 0 : -ENODEV;
}

/*
 * An application processor's thread: LGUEST_RUN until the guest stops.
 * The AP waits for INIT and a SIPI, which the generated code may send it
 * through random ICR writes (MSR 0x830), to any vector.  SIGALRM stays
 * the BSP's (fg_run()'s timer).
 */
static void *ap_thread(void *arg)
{
	int vfd = (int)(long)arg;
	struct lguest_run run;
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGALRM);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	while (ioctl(vfd, LGUEST_RUN, &run) && errno == EINTR)
		;
	return NULL;
}

/*
 * Give half the guests 1-3 application processors, each run by a thread;
 * they die with the child process.  Return: how many.
 */
static unsigned int add_aps(struct rng *r, struct fguest *g)
{
	unsigned int i, n = rng_chance(r, 2) ? 1 + rng_below(r, 3) : 0;
	pthread_t th;

	for (i = 0; i < n; i++) {
		int vfd = ioctl(g->fd, LGUEST_CREATE_VCPU, i + 1);

		if (vfd < 0 || pthread_create(&th, NULL, ap_thread, (void *)(long)vfd))
			break;
	}
	return i;
}

/* One guest, in the child: exit status 10 + what happened. */
static int one_guest(uint64_t seed, unsigned int idx, int paging, bool virtio,
		     unsigned int nslots, double limit, const char *dump)
{
	struct racer rc = { 0 };
	struct lguest_run run;
	struct fguest g;
	struct devs d;
	struct rng r;
	pthread_t th;
	unsigned int s = 0, i, aps = 0;
	const char *res;
	int feed[2] = { -1, -1 }, err;
	uint8_t junk[64];

	rng_seed(&r, seed, idx + 1);
	err = fg_create(&g, MEM, paging);
	if (err && dump) {
		/* No /dev/lguest: only write the code (what a guest would run). */
		g.ram = calloc(1, MEM);
		g.mem = MEM;
		g.nslots = nslots;
		d.n = NDEV;
		for (i = 0; i < NDEV; i++)
			d.slot[i] = i;
	} else if (err) {
		printf("guest %u: create: %s\n", idx, strerror(-err));
		return 14;
	} else if (add_devices(&r, &g, &d, idx, feed) || fg_setup(&g, nslots)) {
		printf("guest %u: setup failed: %s\n", idx, strerror(errno));
		return 15;
	}
	if (virtio)
		for (i = 0; i < (unsigned int)d.n && s < nslots / 2; i++)
			s += gen_init(&r, &g, s, &d, i);
	for (; s < nslots; s++) {
		struct body b = { fg_slot(&g, s), 0 };

		if (virtio)
			gen_virtio_op(&r, &b, &d);
		else
			gen_insn(&r, &b, &d);
	}
	for (i = 0; i < (unsigned int)d.n; i++) {
		int q;

		for (q = 0; q < 3; q++)
			scribble(&r, &g, i, q, 300);
	}
	if (dump) {
		FILE *f = fopen(dump, "w");

		if (f) {
			fwrite(g.ram + FG_CODE, FG_SLOT, nslots + 1, f);
			fclose(f);
		}
		if (err)
			return 16;
	}
	for (i = 0; i < sizeof(junk); i++)
		junk[i] = rng_next(&r);
	/* A full pipe is fine: the results do not matter. */
	if (write(feed[0], junk, sizeof(junk)) < 0)
		junk[0] = 0;
	if (write(feed[1], junk, sizeof(junk)) < 0)
		junk[0] = 0;
	if (!err)
		aps = add_aps(&r, &g);
	if (virtio) {
		rng_seed(&rc.r, seed, (idx + 1) | 1ULL << 40);
		rc.g = &g;
		rc.ndev = d.n;
		pthread_create(&th, NULL, race, &rc);
	}
	res = fg_run(&g, &run, limit);
	if (virtio) {
		rc.stop = 1;
		pthread_join(th, NULL);
	}
	printf("guest %u: %s %s%s: %s%s%s\n", idx,
	       g.paging == LGUEST_PAGING_SHADOW ? "shadow" : "npt",
	       virtio ? "virtio" : "insn", aps ? " smp" : "", res,
	       run.reason == LGUEST_EXIT_KILLED ? ": " : "",
	       run.reason == LGUEST_EXIT_KILLED ? run.kill_reason : "");
	fflush(stdout);
	if (!strcmp(res, "poweroff"))
		return 10;
	if (!strcmp(res, "killed"))
		return 11;
	if (!strcmp(res, "timeout"))
		return 12;
	return 13;
}

/*
 * --probe-fip: a guest whose first act is FXSAVE64 and XSAVE64 into RAM,
 * before any x87 instruction of its own: the x87 last-instruction and
 * last-data pointers (FIP, FDP) it finds must not be the host's (AMD
 * CPUs without XSAVEERPTR leave them alone on FXRSTOR/XRSTOR unless an
 * exception is pending, so they must be cleared for the guest, as Linux
 * does for tasks with X86_BUG_FXSAVE_LEAK).  Seen as a guest RIP in a
 * host module's address range after random code.
 */
static int probe_fip(int paging)
{
	static const uint8_t fx[] = { 0x48, 0x0f, 0xae, 0x07 };
	static const uint8_t xs[] = { 0x48, 0x0f, 0xae, 0x27 };
	struct lguest_run run;
	struct fguest g;
	struct body b;
	uint64_t v[4];
	int err, bad = 0;

	err = fg_create(&g, MEM, paging);
	if (!err)
		err = fg_setup(&g, 64);
	if (err) {
		printf("probe-fip: cannot create a guest: %s\n", strerror(-err));
		return 1;
	}
	b = (struct body){ fg_slot(&g, 0), 0 };
	mov32(&b, 7, FG_BUF_AREA);
	bs(&b, fx, sizeof(fx));
	b = (struct body){ fg_slot(&g, 1), 0 };
	mov32(&b, 7, FG_BUF_AREA + 0x1000);
	mov32(&b, 0, 0xffffffff);
	mov32(&b, 2, 0xffffffff);
	bs(&b, xs, sizeof(xs));
	printf("probe-fip: %s: %s\n", g.paging == LGUEST_PAGING_SHADOW ? "shadow" : "npt",
	       fg_run(&g, &run, 5));
	memcpy(&v[0], g.ram + FG_BUF_AREA + 8, 8);
	memcpy(&v[1], g.ram + FG_BUF_AREA + 16, 8);
	memcpy(&v[2], g.ram + FG_BUF_AREA + 0x1000 + 8, 8);
	memcpy(&v[3], g.ram + FG_BUF_AREA + 0x1000 + 16, 8);
	printf("probe-fip: fxsave64 FIP %#" PRIx64 " FDP %#" PRIx64 "; xsave64 FIP %#" PRIx64 " FDP %#" PRIx64 "\n",
	       v[0], v[1], v[2], v[3]);
	for (err = 0; err < 4; err++)
		bad |= v[err] >= 0xffff800000000000ULL;
	if (bad)
		printf("FINDING probe-fip: the guest sees a host kernel address as its x87 FIP/FDP\n");
	fg_destroy(&g);
	return bad;
}

int main(int argc, char **argv)
{
	uint64_t seed = fuzz_default_seed();
	double duration = 60, limit = 3, t0;
	unsigned int count = ~0U, nslots = 2048, idx, stats[8] = { 0 };
	long only = -1;
	const char *mode = "both", *paging = "both", *dump = NULL;
	int findings = 0, probe = 0;

	if (fuzz_parse_args("guest_fuzz", argc, argv, (const struct fuzz_opt[]){
		{ "-v", OPT_FLAG, &verbose }, { "--probe-fip", OPT_FLAG, &probe },
		{ "--seed", OPT_U64, &seed }, { "--duration", OPT_DOUBLE, &duration },
		{ "--count", OPT_UINT, &count }, { "--only", OPT_LONG, &only },
		{ "--mode", OPT_STR, &mode }, { "--paging", OPT_STR, &paging },
		{ "--slots", OPT_UINT, &nslots }, { "--limit", OPT_DOUBLE, &limit },
		{ "--skip", OPT_STR, &skip }, { "--dump", OPT_STR, &dump }, { NULL } }))
		return 2;
	if (probe)
		return probe_fip(LGUEST_PAGING_NPT) | probe_fip(LGUEST_PAGING_SHADOW);
	if (nslots < 64 || nslots > 8192)
		nslots = 2048;
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("guest_fuzz: seed %" PRIu64 " (replay: --seed %" PRIu64 " --mode %s --paging %s --slots %u --skip '%s')\n",
	       seed, seed, mode, paging, nslots, skip);
	t0 = now_s();
	for (idx = only >= 0 ? only : 0; idx < count && now_s() - t0 < duration; idx++) {
		struct rng pr;
		bool virtio = !strcmp(mode, "virtio") ||
			(!strcmp(mode, "both") && (idx >> 1) & 1);
		int pg = !strcmp(paging, "npt") ? LGUEST_PAGING_NPT :
			!strcmp(paging, "shadow") ? LGUEST_PAGING_SHADOW :
			(idx & 1) ? LGUEST_PAGING_SHADOW : LGUEST_PAGING_NPT;
		double kill_at = -1, start;
		int st = 0;
		pid_t pid;

		rng_seed(&pr, seed, (idx + 1) | 1ULL << 48);
		if (rng_chance(&pr, 6))		/* a killed launcher */
			kill_at = rng_below(&pr, (uint64_t)(limit * 1000)) / 1000.0;
		/* Said first, so a guest that takes the machine down is known. */
		printf("guest %u: start %s %s%s\n", idx,
		       pg == LGUEST_PAGING_SHADOW ? "shadow" : "npt",
		       virtio ? "virtio" : "insn", kill_at >= 0 ? " (to be killed)" : "");
		pid = fork();
		if (pid < 0) {
			perror("guest_fuzz: fork");
			return 1;
		}
		if (!pid)
			_exit(one_guest(seed, idx, pg, virtio, nslots, limit, dump));
		start = now_s();
		for (;;) {
			double t = now_s() - start;

			if (waitpid(pid, &st, WNOHANG) == pid)
				break;
			if ((kill_at >= 0 && t >= kill_at) || t > limit + 10) {
				if (t > limit + 10) {
					printf("FINDING guest %u: launcher still running %.0f s after its limit: SIGKILL\n",
					       idx, t - limit);
					fuzz_dump_stacks(pid);
				}
				kill(pid, SIGKILL);
				kill_at = -1;
				stats[6]++;
				start = now_s() - limit - 10 - 1;	/* only once */
				for (t = now_s(); waitpid(pid, &st, WNOHANG) != pid; usleep(10000)) {
					if (now_s() - t > 30) {
						printf("FINDING guest %u: launcher unkillable 30 s after SIGKILL\n", idx);
						fuzz_dump_stacks(pid);
						findings++;
						goto out;
					}
				}
				break;
			}
			usleep(5000);
		}
		if (WIFEXITED(st) && WEXITSTATUS(st) >= 10 && WEXITSTATUS(st) < 16)
			stats[WEXITSTATUS(st) - 10]++;
		else if (!WIFSIGNALED(st) || WTERMSIG(st) != SIGKILL)
			stats[7]++;
		if (only >= 0)
			break;
	}
out:
	printf("guest_fuzz: seed %" PRIu64 ": %u guests in %.0f s: %u powered off, %u killed, %u timed out, %u other exits, %u create failures, %u setup failures, %u launchers SIGKILLed, %u crashed\n",
	       seed, idx - (unsigned int)(only >= 0 ? only : 0), now_s() - t0, stats[0], stats[1], stats[2],
	       stats[3], stats[4], stats[5], stats[6], stats[7]);
	return findings || stats[7] ? 1 : 0;
}
