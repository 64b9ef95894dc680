// SPDX-License-Identifier: GPL-2.0
/*
 * test_insn.c - unit tests of the MMIO instruction decoder and of the
 * register write-back rules (drivers/lguest/insn.c, compiled in here as
 * is): real encodings from GNU as of every MOV form a guest's readX/writeX
 * becomes, the prefix rules, the rejects, and x86 partial-register writes;
 * and the shadow-paging decoders of INVLPG's operand and MOV CRn/CLTS.
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int8_t s8;
typedef int32_t s32;
typedef int64_t s64;
#include "../../drivers/lguest/insn.c"
#include "unit.h"

#define NONE	LG_INSN_EXT_NONE
#define ZERO	LG_INSN_EXT_ZERO
#define SIGN	LG_INSN_EXT_SIGN

/* An instruction that decodes, and what it must decode to. */
struct good {
	const char *what;
	u8 bytes[16];
	unsigned int n;		/* bytes given to the decoder */
	unsigned int len, size, dst_size, reg;
	bool write, high8, has_imm;
	enum lg_insn_ext ext;
	u64 imm;
};

#define B(...) { __VA_ARGS__ }, sizeof((u8[]){ __VA_ARGS__ })

static const struct good goods[] = {
	/* what, bytes, len, size, dst_size, reg, write, high8, has_imm, ext, imm */
	{ "mov %al,(%rdi)", B(0x88, 0x07), 2, 1, 1, 0, true, false, false, NONE, 0 },
	{ "mov %ah,(%rdi)", B(0x88, 0x27), 2, 1, 1, 0, true, true, false, NONE, 0 },
	{ "mov %bh,(%rdi)", B(0x88, 0x3f), 2, 1, 1, 3, true, true, false, NONE, 0 },
	{ "mov %sil,(%rdi)", B(0x40, 0x88, 0x37), 3, 1, 1, 6, true, false, false, NONE, 0 },
	{ "mov %r9b,(%rdi)", B(0x44, 0x88, 0x0f), 3, 1, 1, 9, true, false, false, NONE, 0 },
	{ "mov %eax,(%rdi)", B(0x89, 0x07), 2, 4, 4, 0, true, false, false, NONE, 0 },
	{ "mov %ax,(%rdi)", B(0x66, 0x89, 0x07), 3, 2, 2, 0, true, false, false, NONE, 0 },
	{ "mov %rax,(%rdi)", B(0x48, 0x89, 0x07), 3, 8, 8, 0, true, false, false, NONE, 0 },
	{ "mov %r12d,0x10(%r13)", B(0x45, 0x89, 0x65, 0x10),
	  4, 4, 4, 12, true, false, false, NONE, 0 },
	{ "mov %r15,0x11223344(%r8,%r9,8)",
	  B(0x4f, 0x89, 0xbc, 0xc8, 0x44, 0x33, 0x22, 0x11),
	  8, 8, 8, 15, true, false, false, NONE, 0 },
	{ "mov (%rdi),%eax", B(0x8b, 0x07), 2, 4, 4, 0, false, false, false, NONE, 0 },
	{ "mov (%rdi),%al", B(0x8a, 0x07), 2, 1, 1, 0, false, false, false, NONE, 0 },
	{ "mov (%rdi),%ch", B(0x8a, 0x2f), 2, 1, 1, 1, false, true, false, NONE, 0 },
	{ "mov 0x4(%rdi),%r11b", B(0x44, 0x8a, 0x5f, 0x04),
	  4, 1, 1, 11, false, false, false, NONE, 0 },
	{ "mov (%rdi),%spl", B(0x40, 0x8a, 0x27), 3, 1, 1, 4, false, false, false, NONE, 0 },
	{ "mov 0x12345678(%rip),%edx", B(0x8b, 0x15, 0x78, 0x56, 0x34, 0x12),
	  6, 4, 4, 2, false, false, false, NONE, 0 },
	{ "mov 0x0(%rbp),%eax", B(0x8b, 0x45, 0x00), 3, 4, 4, 0, false, false, false, NONE, 0 },
	{ "mov 0x0(%r13),%eax", B(0x41, 0x8b, 0x45, 0x00),
	  4, 4, 4, 0, false, false, false, NONE, 0 },
	{ "mov 0x10(%rax,%rbx,4),%ecx", B(0x8b, 0x4c, 0x98, 0x10),
	  4, 4, 4, 1, false, false, false, NONE, 0 },
	{ "mov 0x100(%rax,%rbx,4),%ecx",
	  B(0x8b, 0x8c, 0x98, 0x00, 0x01, 0x00, 0x00), 7, 4, 4, 1, false, false, false, NONE, 0 },
	{ "mov 0x1000(,%rbx,4),%ecx (SIB, no base)",
	  B(0x8b, 0x0c, 0x9d, 0x00, 0x10, 0x00, 0x00), 7, 4, 4, 1, false, false, false, NONE, 0 },
	{ "mov 0x8(%rbp,%rbx,1),%ecx", B(0x8b, 0x4c, 0x1d, 0x08),
	  4, 4, 4, 1, false, false, false, NONE, 0 },
	{ "mov 0x0(%r13,%rbx,1),%ecx", B(0x41, 0x8b, 0x4c, 0x1d, 0x00),
	  5, 4, 4, 1, false, false, false, NONE, 0 },
	{ "41 8b 0c 1d: SIB base R13 with mod 0 is disp32, no base",
	  B(0x41, 0x8b, 0x0c, 0x1d, 0x00, 0x10, 0x00, 0x00),
	  8, 4, 4, 1, false, false, false, NONE, 0 },
	{ "41 8b 05: rm R13 with mod 0 is RIP-relative",
	  B(0x41, 0x8b, 0x05, 0x00, 0x10, 0x00, 0x00), 7, 4, 4, 0, false, false, false, NONE, 0 },
	{ "mov 0x1000,%ecx (SIB absolute)",
	  B(0x8b, 0x0c, 0x25, 0x00, 0x10, 0x00, 0x00), 7, 4, 4, 1, false, false, false, NONE, 0 },
	{ "mov (%rsp),%eax", B(0x8b, 0x04, 0x24), 3, 4, 4, 0, false, false, false, NONE, 0 },
	{ "mov 0x8(%r12),%rax", B(0x49, 0x8b, 0x44, 0x24, 0x08),
	  5, 8, 8, 0, false, false, false, NONE, 0 },
	{ "mov %fs:(%rdi),%eax", B(0x64, 0x8b, 0x07), 3, 4, 4, 0, false, false, false, NONE, 0 },
	{ "mov (%edi),%eax (67)", B(0x67, 0x8b, 0x07), 3, 4, 4, 0, false, false, false, NONE, 0 },
	{ "movb $0x12,(%rdi)", B(0xc6, 0x07, 0x12), 3, 1, 1, 0, true, false, true, NONE, 0x12 },
	{ "movb $0x80,-0x20(%rip)",
	  B(0xc6, 0x05, 0xe0, 0xff, 0xff, 0xff, 0x80), 7, 1, 1, 0, true, false, true, NONE, 0x80 },
	{ "movw $0x1234,(%rdi)", B(0x66, 0xc7, 0x07, 0x34, 0x12),
	  5, 2, 2, 0, true, false, true, NONE, 0x1234 },
	{ "movw $0x8000,(%r10)", B(0x66, 0x41, 0xc7, 0x02, 0x00, 0x80),
	  6, 2, 2, 0, true, false, true, NONE, 0x8000 },
	{ "movl $0x80000000,(%rdi)",
	  B(0xc7, 0x07, 0x00, 0x00, 0x00, 0x80),
	  6, 4, 4, 0, true, false, true, NONE, 0x80000000ULL },
	{ "movq $-1,(%rdi)",
	  B(0x48, 0xc7, 0x07, 0xff, 0xff, 0xff, 0xff), 7, 8, 8, 0, true, false, true, NONE, ~0ULL },
	{ "movq $0x7fffffff,0x8(%rdi)",
	  B(0x48, 0xc7, 0x47, 0x08, 0xff, 0xff, 0xff, 0x7f),
	  8, 8, 8, 0, true, false, true, NONE, 0x7fffffffULL },
	{ "movq $0x80000000 -> sign-extended",
	  B(0x48, 0xc7, 0x07, 0x00, 0x00, 0x00, 0x80),
	  7, 8, 8, 0, true, false, true, NONE, 0xffffffff80000000ULL },
	{ "movl $1,0x10(%rip)",
	  B(0xc7, 0x05, 0x10, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00),
	  10, 4, 4, 0, true, false, true, NONE, 1 },
	{ "movzbl (%rdi),%eax", B(0x0f, 0xb6, 0x07), 3, 1, 4, 0, false, false, false, ZERO, 0 },
	{ "movzwl (%rdi),%eax", B(0x0f, 0xb7, 0x07), 3, 2, 4, 0, false, false, false, ZERO, 0 },
	{ "movzbq (%rdi),%rax", B(0x48, 0x0f, 0xb6, 0x07),
	  4, 1, 8, 0, false, false, false, ZERO, 0 },
	{ "movzbw (%rdi),%ax", B(0x66, 0x0f, 0xb6, 0x07),
	  4, 1, 2, 0, false, false, false, ZERO, 0 },
	{ "movzbl (%rdi),%esi: no high8 for MOVZX",
	  B(0x0f, 0xb6, 0x37), 3, 1, 4, 6, false, false, false, ZERO, 0 },
	{ "movsbl (%rdi),%eax", B(0x0f, 0xbe, 0x07), 3, 1, 4, 0, false, false, false, SIGN, 0 },
	{ "movswq (%rdi),%r8", B(0x4c, 0x0f, 0xbf, 0x07),
	  4, 2, 8, 8, false, false, false, SIGN, 0 },
	{ "movsbw (%rdi),%ax", B(0x66, 0x0f, 0xbe, 0x07),
	  4, 1, 2, 0, false, false, false, SIGN, 0 },
	{ "movabs 0xfec00000,%eax",
	  B(0xa1, 0x00, 0x00, 0xc0, 0xfe, 0x00, 0x00, 0x00, 0x00),
	  9, 4, 4, 0, false, false, false, NONE, 0 },
	{ "movabs %al,0xfec00000",
	  B(0xa2, 0x00, 0x00, 0xc0, 0xfe, 0x00, 0x00, 0x00, 0x00),
	  9, 1, 1, 0, true, false, false, NONE, 0 },
	{ "movabs 0xfec00000,%rax",
	  B(0x48, 0xa1, 0x00, 0x00, 0xc0, 0xfe, 0x00, 0x00, 0x00, 0x00),
	  10, 8, 8, 0, false, false, false, NONE, 0 },
	{ "movabs %ax,0xfec00010",
	  B(0x66, 0xa3, 0x10, 0x00, 0xc0, 0xfe, 0x00, 0x00, 0x00, 0x00),
	  10, 2, 2, 0, true, false, false, NONE, 0 },
	{ "movabs 0xfec00000,%al",
	  B(0xa0, 0x00, 0x00, 0xc0, 0xfe, 0x00, 0x00, 0x00, 0x00),
	  9, 1, 1, 0, false, false, false, NONE, 0 },
	{ "addr32 mov 0xfec00000,%eax (4-byte moffs)",
	  B(0x67, 0xa1, 0x00, 0x00, 0xc0, 0xfe), 6, 4, 4, 0, false, false, false, NONE, 0 },
	{ "41 a1: REX.B does not change rAX",
	  B(0x41, 0xa1, 0x00, 0x00, 0xc0, 0xfe, 0x00, 0x00, 0x00, 0x00),
	  10, 4, 4, 0, false, false, false, NONE, 0 },
	/* A REX followed by a legacy prefix is ignored, as the CPU ignores it. */
	{ "48 66 89 07: REX.W ignored, 16-bit", B(0x48, 0x66, 0x89, 0x07),
	  4, 2, 2, 0, true, false, false, NONE, 0 },
	{ "40 2e 88 27: REX ignored, so AH", B(0x40, 0x2e, 0x88, 0x27),
	  4, 1, 1, 0, true, true, false, NONE, 0 },
	{ "44 67 8b 07: REX.R ignored, EAX", B(0x44, 0x67, 0x8b, 0x07),
	  4, 4, 4, 0, false, false, false, NONE, 0 },
	{ "66 48 c7: REX.W beats 66, imm32 sign-extended",
	  B(0x66, 0x48, 0xc7, 0x07, 0xfe, 0xff, 0xff, 0xff),
	  8, 8, 8, 0, true, false, true, NONE, ~1ULL },
	{ "15 bytes exactly",
	  B(0x66, 0x2e, 0x3e, 0x48, 0xc7, 0x84, 0x98, 0x44, 0x33, 0x22, 0x11,
	    0x78, 0x56, 0x34, 0x12),
	  15, 8, 8, 0, true, false, true, NONE, 0x12345678 },
};

/* An instruction that must not decode, and the error it must give. */
struct bad {
	const char *what;
	u8 bytes[20];
	unsigned int n;
	int err;
};

#define N(n, ...) { __VA_ARGS__ }, n

static const struct bad bads[] = {
	{ "lock mov", B(0xf0, 0x89, 0x07), -EOPNOTSUPP },
	{ "rep mov", B(0xf3, 0x89, 0x07), -EOPNOTSUPP },
	{ "repne mov", B(0xf2, 0x8b, 0x07), -EOPNOTSUPP },
	{ "mov %eax,%eax (mod 3)", B(0x89, 0xc0), -EOPNOTSUPP },
	{ "mov %al,%cl (mod 3)", B(0x8a, 0xc8), -EOPNOTSUPP },
	{ "movzbl %al,%eax (mod 3)", B(0x0f, 0xb6, 0xc0), -EOPNOTSUPP },
	{ "xabort (c6 f8)", B(0xc6, 0xf8, 0x00), -EOPNOTSUPP },
	{ "c7 /1", B(0xc7, 0x4f, 0x08, 0x01, 0x00, 0x00, 0x00), -EOPNOTSUPP },
	{ "nop", B(0x90), -EOPNOTSUPP },
	{ "add %eax,(%rdi)", B(0x01, 0x07), -EOPNOTSUPP },
	{ "0f b8", B(0x0f, 0xb8, 0x07), -EOPNOTSUPP },
	{ "movsxd (63)", B(0x48, 0x63, 0x07), -EOPNOTSUPP },
	{ "two REX", B(0x48, 0x48, 0x89, 0x07), -EOPNOTSUPP },
	{ "rex then lock", B(0x48, 0xf0, 0x89, 0x07), -EOPNOTSUPP },
	{ "nothing", N(0, 0x8b), -EFAULT },
	{ "8b 07 cut to 1", N(1, 0x8b, 0x07), -EFAULT },
	{ "prefix only", N(1, 0x66), -EFAULT },
	{ "0f cut", N(1, 0x0f, 0xb6, 0x07), -EFAULT },
	{ "SIB missing", N(2, 0x8b, 0x04, 0x24), -EFAULT },
	{ "disp8 missing", N(2, 0x8b, 0x47, 0x08), -EFAULT },
	{ "disp32 cut", N(5, 0x8b, 0x87, 0x00, 0x10, 0x00, 0x00), -EFAULT },
	{ "RIP disp32 cut", N(4, 0x8b, 0x05, 0x00, 0x10, 0x00, 0x00), -EFAULT },
	{ "imm32 cut", N(5, 0xc7, 0x07, 0x00, 0x00, 0x00, 0x80), -EFAULT },
	{ "moffs cut", N(8, 0xa1, 0x00, 0x00, 0xc0, 0xfe, 0x00, 0x00, 0x00, 0x00), -EFAULT },
	{ "16 bytes: one prefix too many",
	  B(0x66, 0x66, 0x2e, 0x3e, 0x48, 0xc7, 0x84, 0x98, 0x44, 0x33, 0x22, 0x11,
	    0x78, 0x56, 0x34, 0x12), -E2BIG },
	{ "14 x 66 then 89 07",
	  B(0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
	    0x66, 0x66, 0x89, 0x07), -E2BIG },
	{ "16 x 66, only 15 read", B(0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
	    0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66), -E2BIG },
	{ "16 x 66 but 10 given", N(10, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
	    0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66), -EFAULT },
};

static void check_good(const struct good *g)
{
	struct lg_insn insn;
	int err;

	memset(&insn, 0xa5, sizeof(insn));
	err = lg_insn_decode(g->bytes, g->n, &insn);
	UNIT_CHECK(err == 0, "%s: error %d", g->what, err);
	if (err)
		return;
	UNIT_CHECK(insn.len == g->len, "%s: len %u, want %u", g->what, insn.len, g->len);
	UNIT_CHECK(insn.size == g->size, "%s: size %u, want %u", g->what, insn.size, g->size);
	UNIT_CHECK(insn.dst_size == g->dst_size, "%s: dst_size %u, want %u",
		   g->what, insn.dst_size, g->dst_size);
	UNIT_CHECK(insn.write == g->write, "%s: write %d", g->what, insn.write);
	UNIT_CHECK(insn.has_imm == g->has_imm, "%s: has_imm %d", g->what, insn.has_imm);
	UNIT_CHECK(insn.ext == g->ext, "%s: ext %d, want %d", g->what, insn.ext, g->ext);
	if (g->has_imm) {
		UNIT_CHECK(insn.imm == g->imm, "%s: imm 0x%llx, want 0x%llx", g->what,
			   (unsigned long long)insn.imm, (unsigned long long)g->imm);
	} else {
		UNIT_CHECK(insn.reg == g->reg, "%s: reg %u, want %u", g->what, insn.reg, g->reg);
		UNIT_CHECK(insn.high8 == g->high8, "%s: high8 %d", g->what, insn.high8);
	}

	/* Trailing bytes beyond the instruction change nothing. */
	if (g->n < sizeof(g->bytes)) {
		u8 more[32];
		struct lg_insn again;

		memcpy(more, g->bytes, g->n);
		memset(more + g->n, 0x90, sizeof(more) - g->n);
		err = lg_insn_decode(more, sizeof(more), &again);
		UNIT_CHECK(err == 0 && again.len == insn.len,
			   "%s: with trailing bytes: error %d len %u", g->what, err, again.len);
	}
	/* Any shorter buffer is a truncated instruction. */
	if (g->len > 0) {
		err = lg_insn_decode(g->bytes, g->len - 1, &insn);
		UNIT_CHECK(err == -EFAULT, "%s: cut to %u bytes: error %d, want -EFAULT",
			   g->what, g->len - 1, err);
	}
}

static void check_bad(const struct bad *b)
{
	struct lg_insn insn;
	int err = lg_insn_decode(b->bytes, b->n, &insn);

	UNIT_CHECK(err == b->err, "%s: error %d, want %d", b->what, err, b->err);
}

/* Decode, then write back a load: the register's new value. */
static u64 load(const u8 *code, unsigned int n, u64 old, u64 data)
{
	struct lg_insn insn;

	if (lg_insn_decode(code, n, &insn))
		return 0xdeadULL;
	return lg_insn_load_value(&insn, old, data);
}

static u64 store(const u8 *code, unsigned int n, u64 regval)
{
	struct lg_insn insn;

	if (lg_insn_decode(code, n, &insn))
		return 0xdeadULL;
	return lg_insn_store_value(&insn, regval);
}

#define EXPECT(got, want) do {						\
	unsigned long long g_ = (got), w_ = (want);			\
	UNIT_CHECK(g_ == w_, "%s = 0x%llx, want 0x%llx", #got, g_, w_);	\
} while (0)

#define C(...) (const u8[]){ __VA_ARGS__ }, sizeof((u8[]){ __VA_ARGS__ })

static void check_writeback(void)
{
	const u64 old = 0x1122334455667788ULL;

	EXPECT(lg_insn_merge(old, 0xaabbccddeeff0099ULL, 1), 0x1122334455667799ULL);
	EXPECT(lg_insn_merge(old, 0xaabbccddeeff0099ULL, 2), 0x1122334455660099ULL);
	EXPECT(lg_insn_merge(old, 0xaabbccddeeff0099ULL, 4), 0x00000000eeff0099ULL);
	EXPECT(lg_insn_merge(old, 0xaabbccddeeff0099ULL, 8), 0xaabbccddeeff0099ULL);

	/* Loads; device data may carry junk above the access size. */
	/* mov (%rdi),%al; %ah; %spl */
	EXPECT(load(C(0x8a, 0x07), old, 0xffffff99), 0x1122334455667799ULL);
	EXPECT(load(C(0x8a, 0x27), old, 0xffffff99), 0x1122334455669988ULL);
	EXPECT(load(C(0x40, 0x8a, 0x27), old, 0x99), 0x1122334455667799ULL);
	EXPECT(load(C(0x66, 0x8b, 0x07), old, 0xffff1234), 0x1122334455661234ULL);
	EXPECT(load(C(0x8b, 0x07), old, 0xffffffff), 0x00000000ffffffffULL);
	EXPECT(load(C(0x48, 0x8b, 0x07), old, 0xfedcba9876543210ULL), 0xfedcba9876543210ULL);
	/* movzbl, movzbq, movzbw, movzwl */
	EXPECT(load(C(0x0f, 0xb6, 0x07), old, 0x80), 0x80ULL);
	EXPECT(load(C(0x48, 0x0f, 0xb6, 0x07), old, 0xff80), 0x80ULL);
	EXPECT(load(C(0x66, 0x0f, 0xb6, 0x07), old, 0x80), 0x1122334455660080ULL);
	EXPECT(load(C(0x0f, 0xb7, 0x07), old, 0x8001), 0x8001ULL);
	/* movsbl (negative, positive), movsbq, movsbw, movswl, movswq */
	EXPECT(load(C(0x0f, 0xbe, 0x07), old, 0x80), 0xffffff80ULL);
	EXPECT(load(C(0x0f, 0xbe, 0x07), old, 0x7f), 0x7fULL);
	EXPECT(load(C(0x48, 0x0f, 0xbe, 0x07), old, 0x80), 0xffffffffffffff80ULL);
	EXPECT(load(C(0x66, 0x0f, 0xbe, 0x07), old, 0x80), 0x112233445566ff80ULL);
	EXPECT(load(C(0x0f, 0xbf, 0x07), old, 0x8000), 0xffff8000ULL);
	EXPECT(load(C(0x4c, 0x0f, 0xbf, 0x07), old, 0x18000), 0xffffffffffff8000ULL);
	EXPECT(load(C(0xa0, 0, 0, 0xc0, 0xfe, 0, 0, 0, 0), old, 0x42), 0x1122334455667742ULL);
	EXPECT(load(C(0xa1, 0, 0, 0xc0, 0xfe, 0, 0, 0, 0), old, 0x42), 0x42ULL);

	/* Stores. */
	EXPECT(store(C(0x88, 0x07), old), 0x88ULL);			/* %al */
	EXPECT(store(C(0x88, 0x27), old), 0x77ULL);			/* %ah */
	EXPECT(store(C(0x88, 0x3f), 0xabcdULL), 0xabULL);		/* %bh */
	EXPECT(store(C(0x40, 0x88, 0x27), old), 0x88ULL);		/* %spl */
	EXPECT(store(C(0x66, 0x89, 0x07), old), 0x7788ULL);
	EXPECT(store(C(0x89, 0x07), old), 0x55667788ULL);
	EXPECT(store(C(0x48, 0x89, 0x07), old), old);
	EXPECT(store(C(0xc6, 0x07, 0xfe), old), 0xfeULL);
	EXPECT(store(C(0x66, 0xc7, 0x07, 0xfe, 0xff), old), 0xfffeULL);
	EXPECT(store(C(0xc7, 0x07, 0xfe, 0xff, 0xff, 0xff), old), 0xfffffffeULL);
	EXPECT(store(C(0x48, 0xc7, 0x07, 0xfe, 0xff, 0xff, 0xff), old), 0xfffffffffffffffeULL);
	EXPECT(store(C(0xa3, 0, 0, 0xc0, 0xfe, 0, 0, 0, 0), old), 0x55667788ULL);
}

/* INVLPG's operand, in each addressing form (encodings from GNU as). */
static void check_invlpg(void)
{
	static const struct {
		const char *what;
		u8 bytes[16];
		unsigned int n;
		int len, base, index, scale;
		s64 disp;
		bool rip_rel, addr32;
		u8 seg;
	} t[] = {
		{ "invlpg (%rdi)", B(0x0f, 0x01, 0x3f), 3, 7, -1, 0, 0, false, false, 0 },
		{ "invlpg 0x10(%rcx,%rdx,8)", B(0x0f, 0x01, 0x7c, 0xd1, 0x10),
		  5, 1, 2, 3, 0x10, false, false, 0 },
		{ "invlpg 0x12345678(%rip)", B(0x0f, 0x01, 0x3d, 0x78, 0x56, 0x34, 0x12),
		  7, -1, -1, 0, 0x12345678, true, false, 0 },
		{ "invlpg %fs:0x8(%r13)", B(0x64, 0x41, 0x0f, 0x01, 0x7d, 0x08),
		  6, 13, -1, 0, 8, false, false, 4 },
		{ "invlpg (%r12)", B(0x41, 0x0f, 0x01, 0x3c, 0x24), 5, 12, -1, 0, 0, false, false, 0 },
		{ "invlpg 0x11223344(,%r9,4)",
		  B(0x42, 0x0f, 0x01, 0x3c, 0x8d, 0x44, 0x33, 0x22, 0x11),
		  9, -1, 9, 2, 0x11223344, false, false, 0 },
		{ "invlpg (%esi)", B(0x67, 0x0f, 0x01, 0x3e), 4, 6, -1, 0, 0, false, true, 0 },
		{ "invlpg -0x80(%rbx)", B(0x0f, 0x01, 0x7b, 0x80), 4, 3, -1, 0, -0x80, false, false, 0 },
	};
	static const struct { const char *what; u8 bytes[16]; unsigned int n; int err; } bad[] = {
		{ "invlpga (0f 01 df)", B(0x0f, 0x01, 0xdf), -EOPNOTSUPP },
		{ "sgdt (0f 01 /0)", B(0x0f, 0x01, 0x07), -EOPNOTSUPP },
		{ "truncated disp32", B(0x0f, 0x01, 0x3d, 0x78, 0x56), -EFAULT },
		{ "truncated SIB", B(0x0f, 0x01, 0x3c), -EFAULT },
	};
	struct lg_insn_mem m;
	unsigned int i;
	int len;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		len = lg_insn_decode_invlpg(t[i].bytes, t[i].n, &m);
		UNIT_CHECK(len == t[i].len && m.base == t[i].base && m.index == t[i].index &&
			   (m.index < 0 || m.scale == t[i].scale) && m.disp == t[i].disp &&
			   m.rip_rel == t[i].rip_rel && m.addr32 == t[i].addr32 &&
			   m.seg == t[i].seg,
			   "%s: len %d base %d index %d scale %u disp %lld rip %d a32 %d seg %u",
			   t[i].what, len, m.base, m.index, m.scale, (long long)m.disp,
			   m.rip_rel, m.addr32, m.seg);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		len = lg_insn_decode_invlpg(bad[i].bytes, bad[i].n, &m);
		UNIT_CHECK(len == bad[i].err, "%s: got %d, want %d", bad[i].what, len, bad[i].err);
	}
}

/* MOV to and from CRn, and CLTS. */
static void check_movcr(void)
{
	static const struct {
		const char *what;
		u8 bytes[16];
		unsigned int n;
		int len;
		unsigned int cr, gpr;
		bool to_cr, clts;
	} t[] = {
		{ "mov %cr0,%rax", B(0x0f, 0x20, 0xc0), 3, 0, 0, false, false },
		{ "mov %rax,%cr0", B(0x0f, 0x22, 0xc0), 3, 0, 0, true, false },
		{ "mov %cr3,%r11", B(0x41, 0x0f, 0x20, 0xdb), 4, 3, 11, false, false },
		{ "mov %r9,%cr4", B(0x41, 0x0f, 0x22, 0xe1), 4, 4, 9, true, false },
		{ "mov %cr8,%rax", B(0x44, 0x0f, 0x20, 0xc0), 4, 8, 0, false, false },
		{ "clts", B(0x0f, 0x06), 2, 0, 0, true, true },
	};
	unsigned int i, cr, gpr;
	bool to_cr, clts;
	int len;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		len = lg_insn_decode_movcr(t[i].bytes, t[i].n, &cr, &gpr, &to_cr, &clts);
		UNIT_CHECK(len == t[i].len && cr == t[i].cr && to_cr == t[i].to_cr &&
			   clts == t[i].clts && (clts || gpr == t[i].gpr),
			   "%s: len %d cr %u gpr %u to_cr %d clts %d", t[i].what, len,
			   cr, gpr, to_cr, clts);
	}
	len = lg_insn_decode_movcr((const u8 []){ 0x0f, 0x01, 0xf0 }, 3, &cr, &gpr, &to_cr, &clts);
	UNIT_CHECK(len == -EOPNOTSUPP, "lmsw: got %d", len);
	len = lg_insn_decode_movcr((const u8 []){ 0x0f, 0x20 }, 2, &cr, &gpr, &to_cr, &clts);
	UNIT_CHECK(len == -EFAULT, "truncated mov cr: got %d", len);
}

static void check_movdr(void)
{
	unsigned int dr, gpr;
	bool to_dr;
	int len;

	/* mov %dr7, %rax (0f 21 f8); mov %r9, %dr0 (41 0f 23 c1) */
	len = lg_insn_decode_movdr((const u8 []){ 0x0f, 0x21, 0xf8 }, 3, &dr, &gpr, &to_dr);
	UNIT_CHECK(len == 3 && dr == 7 && gpr == 0 && !to_dr,
		   "mov dr7,rax: len %d dr %u gpr %u to %d", len, dr, gpr, to_dr);
	len = lg_insn_decode_movdr((const u8 []){ 0x41, 0x0f, 0x23, 0xc1 }, 4, &dr, &gpr, &to_dr);
	UNIT_CHECK(len == 4 && dr == 0 && gpr == 9 && to_dr,
		   "mov r9,dr0: len %d dr %u gpr %u to %d", len, dr, gpr, to_dr);
	len = lg_insn_decode_movdr((const u8 []){ 0x44, 0x0f, 0x21, 0xc0 }, 4, &dr, &gpr, &to_dr);
	UNIT_CHECK(len == 4 && dr == 8, "rex.r mov dr8: len %d dr %u", len, dr);
	len = lg_insn_decode_movdr((const u8 []){ 0x0f, 0x20, 0xc0 }, 3, &dr, &gpr, &to_dr);
	UNIT_CHECK(len == -EOPNOTSUPP, "mov cr as dr: got %d", len);
	len = lg_insn_decode_movdr((const u8 []){ 0x0f, 0x23 }, 2, &dr, &gpr, &to_dr);
	UNIT_CHECK(len == -EFAULT, "truncated mov dr: got %d", len);
}

static void check_msw(void)
{
	static const struct {
		const char *what;
		u8 bytes[16];
		unsigned int n;
		int len;
		unsigned int gpr;
		bool lmsw, size16;
	} t[] = {
		{ "lmsw %ax", B(0x0f, 0x01, 0xf0), 3, 0, true, false },
		{ "smsw %rax", B(0x48, 0x0f, 0x01, 0xe0), 4, 0, false, false },
		{ "smsw %cx", B(0x66, 0x0f, 0x01, 0xe1), 4, 1, false, true },
		{ "lmsw %r9w", B(0x41, 0x0f, 0x01, 0xf1), 4, 9, true, false },
		{ "smsw (%rax)", B(0x0f, 0x01, 0x20), -EOPNOTSUPP, 0, false, false },
		{ "lmsw (%rax)", B(0x0f, 0x01, 0x30), -EOPNOTSUPP, 0, false, false },
		{ "invlpg (%rax)", B(0x0f, 0x01, 0x38), -EOPNOTSUPP, 0, false, false },
		{ "vmrun", B(0x0f, 0x01, 0xd8), -EOPNOTSUPP, 0, false, false },
		{ "mov %cr0,%rax", B(0x0f, 0x20, 0xc0), -EOPNOTSUPP, 0, false, false },
		{ "truncated", B(0x66, 0x0f, 0x01), -EFAULT, 0, false, false },
	};
	unsigned int i, gpr;
	bool lmsw, size16;
	int len;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		gpr = 99;
		lmsw = !t[i].lmsw;
		len = lg_insn_decode_msw(t[i].bytes, t[i].n, &gpr, &lmsw, &size16);
		UNIT_CHECK(len == t[i].len && (len < 0 ||
			   (gpr == t[i].gpr && lmsw == t[i].lmsw && size16 == t[i].size16)),
			   "%s: len %d gpr %u lmsw %d size16 %d", t[i].what, len, gpr,
			   lmsw, size16);
	}
}

int main(void)
{
	unsigned int i;

	for (i = 0; i < sizeof(goods) / sizeof(goods[0]); i++)
		check_good(&goods[i]);
	for (i = 0; i < sizeof(bads) / sizeof(bads[0]); i++)
		check_bad(&bads[i]);
	check_writeback();
	check_invlpg();
	check_movcr();
	check_movdr();
	check_msw();
	return unit_summary("insn");
}
