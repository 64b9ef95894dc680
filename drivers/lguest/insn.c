// SPDX-License-Identifier: GPL-2.0
/*
 * insn.c - decode the one instruction that touched device memory: only the
 * MOV forms Linux uses on device registers, in 64-bit mode, and only as far
 * as emulating the access needs (length, size, direction, register or
 * immediate).  Everything else is refused.  Also the x86 rules for writing a
 * loaded value to a register, and the decoders shadow paging needs without
 * decode assists (MOV CRn, CLTS, INVLPG).  Built into lguest.ko and into
 * tests/unit.
 */
#include <linux/types.h>
#include <linux/errno.h>

#include "insn.h"

#define LG_REX_W	0x08
#define LG_REX_R	0x04

/*
 * Are the n bytes at pos part of what we may decode?  -E2BIG if they would
 * make the instruction longer than the CPU allows, else -EFAULT if the
 * caller did not give us that many bytes.
 */
static int lg_insn_room(unsigned int pos, unsigned int n, unsigned int avail)
{
	if (pos + n > LG_INSN_MAX_LEN)
		return -E2BIG;
	if (pos + n > avail)
		return -EFAULT;
	return 0;
}

static u64 lg_insn_mask(unsigned int size)
{
	return size >= 8 ? ~0ULL : (1ULL << (size * 8)) - 1;
}

/* n (1, 2 or 4) little-endian bytes. */
static u64 lg_insn_le(const u8 *p, unsigned int n)
{
	u64 v = 0;

	while (n--)
		v = (v << 8) | p[n];
	return v;
}

/* The length of a ModRM memory operand's SIB and displacement bytes. */
static int lg_insn_modrm(const u8 *code, unsigned int avail,
			 unsigned int *pos, u8 modrm)
{
	unsigned int mod = modrm >> 6, rm = modrm & 7, disp;
	int err;

	/* Register-direct: no memory operand, so it cannot be our access. */
	if (mod == 3)
		return -EOPNOTSUPP;
	disp = mod == 1 ? 1 : mod == 2 ? 4 : 0;
	if (rm == 4) {
		/* SIB follows; base 101 with mod 00 means disp32, no base. */
		err = lg_insn_room(*pos, 1, avail);
		if (err)
			return err;
		if (mod == 0 && (code[*pos] & 7) == 5)
			disp = 4;
		(*pos)++;
	} else if (mod == 0 && rm == 5) {
		disp = 4;	/* RIP-relative */
	}
	/* Neither special case depends on REX.B: R13 behaves like RBP here. */
	err = lg_insn_room(*pos, disp, avail);
	if (err)
		return err;
	*pos += disp;
	return 0;
}

/**
 * lg_insn_decode() - decode one 64-bit-mode instruction that accesses memory.
 * @code: the instruction bytes.
 * @avail: how many of them there are.
 * @insn: filled in on success; undefined on failure.
 *
 * Accepts MOV 88, 89, 8A, 8B (ModRM memory operand, any ModRM/SIB/
 * displacement/RIP-relative form), C6 /0 and C7 /0 (imm8/16/32; with REX.W
 * the imm32 is sign-extended), MOVZX 0F B6/B7, MOVSX 0F BE/BF, and MOV
 * A0-A3 with an 8-byte moffs (4 bytes after 67).  Prefixes: 66 (operand
 * size), 67 (address size: does not change ModRM lengths in 64-bit mode, only
 * the moffs width), the segment overrides 26 2E 36 3E 64 65 (ignored: the
 * address comes from the fault), and REX 40-4F.  As the SDM (vol. 2, 2.2.1)
 * says, a REX counts only right before the opcode: a REX followed by a legacy
 * prefix is ignored, as the CPU ignores it.  Two REX bytes in a row (the SDM
 * allows one) are refused.  LOCK (F0) and REP/REPNE (F2, F3) are refused.
 *
 * Return: 0; -EOPNOTSUPP for any other instruction, prefix or encoding
 * (including a register-direct ModRM); -E2BIG if the instruction would be
 * longer than %LG_INSN_MAX_LEN bytes; -EFAULT if it runs past @avail bytes
 * (checked in that order, byte by byte).
 */
int lg_insn_decode(const u8 *code, unsigned int avail, struct lg_insn *insn)
{
	unsigned int pos = 0, opsize, imm_len = 0;
	bool op16 = false, addr32 = false, moffs = false;
	u8 rex = 0, op, modrm;
	int err;

	/* Legacy prefixes and REX. */
	for (;;) {
		err = lg_insn_room(pos, 1, avail);
		if (err)
			return err;
		op = code[pos];
		if (op >= 0x40 && op <= 0x4f) {
			if (rex)
				return -EOPNOTSUPP;
			rex = op;
		} else if (op == 0x66) {
			op16 = true;
			rex = 0;
		} else if (op == 0x67) {
			addr32 = true;
			rex = 0;
		} else if (op == 0x26 || op == 0x2e || op == 0x36 ||
			   op == 0x3e || op == 0x64 || op == 0x65) {
			rex = 0;
		} else {
			break;
		}
		pos++;
	}
	pos++;	/* the opcode */

	opsize = (rex & LG_REX_W) ? 8 : op16 ? 2 : 4;
	insn->imm = 0;
	insn->reg = 0;
	insn->ext = LG_INSN_EXT_NONE;
	insn->write = false;
	insn->high8 = false;
	insn->has_imm = false;

	switch (op) {
	case 0x88:	/* MOV r/m8, r8 */
	case 0x89:	/* MOV r/m, r */
	case 0x8a:	/* MOV r8, r/m8 */
	case 0x8b:	/* MOV r, r/m */
		insn->write = !(op & 2);
		insn->size = (op & 1) ? opsize : 1;
		break;
	case 0xc6:	/* MOV r/m8, imm8 */
	case 0xc7:	/* MOV r/m, imm16/imm32 */
		insn->write = true;
		insn->has_imm = true;
		insn->size = (op & 1) ? opsize : 1;
		imm_len = insn->size == 8 ? 4 : insn->size;
		break;
	case 0xa0:	/* MOV AL, moffs8 */
	case 0xa1:	/* MOV rAX, moffs */
	case 0xa2:	/* MOV moffs8, AL */
	case 0xa3:	/* MOV moffs, rAX */
		insn->write = op & 2;
		insn->size = (op & 1) ? opsize : 1;
		moffs = true;
		break;
	case 0x0f:
		err = lg_insn_room(pos, 1, avail);
		if (err)
			return err;
		op = code[pos++];
		/* B6/B7 MOVZX, BE/BF MOVSX; bit 0: 16-bit source. */
		if (op != 0xb6 && op != 0xb7 && op != 0xbe && op != 0xbf)
			return -EOPNOTSUPP;
		insn->size = (op & 1) ? 2 : 1;
		insn->ext = (op & 8) ? LG_INSN_EXT_SIGN : LG_INSN_EXT_ZERO;
		break;
	default:
		return -EOPNOTSUPP;
	}
	insn->dst_size = insn->ext == LG_INSN_EXT_NONE ? insn->size : opsize;

	if (moffs) {
		/* The register is always rAX; the offset is the address. */
		err = lg_insn_room(pos, addr32 ? 4 : 8, avail);
		if (err)
			return err;
		insn->len = pos + (addr32 ? 4 : 8);
		return 0;
	}

	err = lg_insn_room(pos, 1, avail);
	if (err)
		return err;
	modrm = code[pos++];
	/* C6/C7 are MOV only with reg field 0 (/0). */
	if (insn->has_imm && (modrm & 0x38))
		return -EOPNOTSUPP;
	err = lg_insn_modrm(code, avail, &pos, modrm);
	if (err)
		return err;

	if (insn->has_imm) {
		err = lg_insn_room(pos, imm_len, avail);
		if (err)
			return err;
		insn->imm = lg_insn_le(code + pos, imm_len);
		pos += imm_len;
		if (insn->size == 8 && (insn->imm & 0x80000000ULL))
			insn->imm |= 0xffffffff00000000ULL;
	} else {
		insn->reg = ((modrm >> 3) & 7) | ((rex & LG_REX_R) ? 8 : 0);
		/* Without REX, byte registers 4-7 are AH, CH, DH, BH. */
		if (insn->size == 1 && insn->ext == LG_INSN_EXT_NONE &&
		    !rex && insn->reg >= 4) {
			insn->high8 = true;
			insn->reg -= 4;
		}
	}
	insn->len = pos;
	return 0;
}

/**
 * lg_insn_merge() - write @size bytes of @val into a register holding @old.
 * @old: the register's 64-bit value.
 * @val: the value written (bits above @size are ignored).
 * @size: 1, 2, 4 or 8: the width of the register operand.
 *
 * The x86 rule in 64-bit mode: 8- and 16-bit writes leave the rest of the
 * register alone, 32-bit writes zero the upper half, 64-bit writes replace.
 *
 * Return: the register's new value.
 */
u64 lg_insn_merge(u64 old, u64 val, unsigned int size)
{
	if (size >= 4)
		return val & lg_insn_mask(size);
	return (old & ~lg_insn_mask(size)) | (val & lg_insn_mask(size));
}

/**
 * lg_insn_load_value() - the destination register after a decoded load.
 * @insn: the decoded load.
 * @old: the register's value before it (&struct lg_insn.reg).
 * @data: the value read from memory (bits above @insn->size are ignored).
 *
 * Return: the register's new value: @data zero- or sign-extended to
 * @insn->dst_size for MOVZX/MOVSX, then merged by lg_insn_merge(); or put
 * in bits 15:8 for AH..BH.
 */
u64 lg_insn_load_value(const struct lg_insn *insn, u64 old, u64 data)
{
	u64 mask = lg_insn_mask(insn->size);

	data &= mask;
	if (insn->high8)
		return (old & ~0xff00ULL) | (data << 8);
	if (insn->ext == LG_INSN_EXT_SIGN && (data >> (8 * insn->size - 1)))
		data |= ~mask;
	return lg_insn_merge(old, data, insn->dst_size);
}

/**
 * lg_insn_store_value() - the value a decoded store writes to memory.
 * @insn: the decoded store.
 * @regval: the 64-bit value of &struct lg_insn.reg (ignored for an
 *	immediate).
 *
 * Return: the immediate, or the register's low @insn->size bytes (bits 15:8
 * for AH..BH), with nothing set above @insn->size bytes.
 */
u64 lg_insn_store_value(const struct lg_insn *insn, u64 regval)
{
	if (insn->has_imm)
		return insn->imm;
	if (insn->high8)
		return (regval >> 8) & 0xff;
	return regval & lg_insn_mask(insn->size);
}

/*
 * The group-7 opcode 0F 01 at @pos, after an optional REX prefix (@rex):
 * its ModRM byte in @modrm and @pos just past it.  Returns 0, -EFAULT if
 * @avail is too short, -EOPNOTSUPP for another opcode.
 */
static int lg_insn_0f01(const u8 *code, unsigned int *pos, unsigned int avail,
			u8 *rex, u8 *modrm)
{
	int err = lg_insn_room(*pos, 1, avail);

	if (err)
		return err;
	if (code[*pos] >= 0x40 && code[*pos] <= 0x4f)
		*rex = code[(*pos)++];
	err = lg_insn_room(*pos, 3, avail);
	if (err)
		return err;
	if (code[*pos] != 0x0f || code[*pos + 1] != 0x01)
		return -EOPNOTSUPP;
	*modrm = code[*pos + 2];
	*pos += 3;
	return 0;
}

/**
 * lg_insn_decode_invlpg() - decode INVLPG m ([prefixes] [REX] 0F 01 /7).
 * @code: the instruction bytes.
 * @avail: how many of them there are.
 * @mem: its memory operand, filled in on success.
 *
 * Segment overrides (only FS and GS have bases in 64-bit mode) and 0x67
 * are accepted; the operand may take any ModRM/SIB form.
 *
 * Return: the instruction's length, or -EOPNOTSUPP (not INVLPG m),
 * -EFAULT (@avail too short), -E2BIG (longer than 15 bytes).
 */
int lg_insn_decode_invlpg(const u8 *code, unsigned int avail, struct lg_insn_mem *mem)
{
	unsigned int pos = 0, mod, rm, disp_len;
	u8 rex = 0, modrm;
	int err;

	*mem = (struct lg_insn_mem){ .base = -1, .index = -1 };
	for (;;) {
		err = lg_insn_room(pos, 1, avail);
		if (err)
			return err;
		if (code[pos] == 0x64 || code[pos] == 0x65)
			mem->seg = code[pos] - 0x60;
		else if (code[pos] == 0x67)
			mem->addr32 = true;
		else if (code[pos] != 0x26 && code[pos] != 0x2e &&
			 code[pos] != 0x36 && code[pos] != 0x3e)
			break;
		pos++;
	}
	err = lg_insn_0f01(code, &pos, avail, &rex, &modrm);
	if (err)
		return err;
	mod = modrm >> 6;
	rm = modrm & 7;
	if (mod == 3 || ((modrm >> 3) & 7) != 7)
		return -EOPNOTSUPP;
	disp_len = mod == 1 ? 1 : mod == 2 ? 4 : 0;
	if (rm == 4) {
		u8 sib;

		err = lg_insn_room(pos, 1, avail);
		if (err)
			return err;
		sib = code[pos++];
		mem->scale = sib >> 6;
		if ((((sib >> 3) & 7) | (rex & 2 ? 8 : 0)) != 4)
			mem->index = ((sib >> 3) & 7) | (rex & 2 ? 8 : 0);
		if ((sib & 7) == 5 && mod == 0)
			disp_len = 4;	/* disp32, no base */
		else
			mem->base = (sib & 7) | (rex & 1 ? 8 : 0);
	} else if (rm == 5 && mod == 0) {
		mem->rip_rel = true;
		disp_len = 4;
	} else {
		mem->base = rm | (rex & 1 ? 8 : 0);
	}
	err = lg_insn_room(pos, disp_len, avail);
	if (err)
		return err;
	if (disp_len == 1)
		mem->disp = (s8)code[pos];
	else if (disp_len == 4)
		mem->disp = (s32)lg_insn_le(code + pos, 4);
	return pos + disp_len;
}

/* [REX] 0F @from /r (a read) or 0F @from+2 /r (a write): MOV CRn or DRn. */
static int lg_insn_decode_movspecial(const u8 *code, unsigned int avail, u8 from,
				     unsigned int *reg, unsigned int *gpr, bool *to)
{
	unsigned int pos = 0;
	u8 rex = 0;
	int err;

	if (avail && code[0] >= 0x40 && code[0] <= 0x4f)
		rex = code[pos++];
	err = lg_insn_room(pos, 3, avail);
	if (err)
		return err;
	if (code[pos] != 0x0f || (code[pos + 1] != from && code[pos + 1] != from + 2))
		return -EOPNOTSUPP;
	*to = code[pos + 1] == from + 2;
	*reg = ((code[pos + 2] >> 3) & 7) | (rex & LG_REX_R ? 8 : 0);
	*gpr = (code[pos + 2] & 7) | (rex & 1 ? 8 : 0);
	return pos + 3;
}

/**
 * lg_insn_decode_movcr() - decode MOV to or from a control register
 * ([REX] 0F 20 /r, [REX] 0F 22 /r) or CLTS (0F 06).
 * @code: the instruction bytes.
 * @avail: how many of them there are.
 * @cr: the control register (REX.R selects CR8-CR15).
 * @gpr: the general register (REX.B selects R8-R15); the ModRM mod bits
 *	are ignored, as the CPU ignores them.
 * @to_cr: true for a write of the control register.
 * @clts: true for CLTS (then @cr is 0, @to_cr true, @gpr meaningless).
 *
 * Return: the instruction's length, or -EOPNOTSUPP, -EFAULT as above.
 */
int lg_insn_decode_movcr(const u8 *code, unsigned int avail, unsigned int *cr,
			 unsigned int *gpr, bool *to_cr, bool *clts)
{
	int err;

	*clts = false;
	err = lg_insn_room(0, 2, avail);
	if (err)
		return err;
	if (code[0] == 0x0f && code[1] == 0x06) {
		*clts = true;
		*cr = 0;
		*gpr = 0;
		*to_cr = true;
		return 2;
	}
	return lg_insn_decode_movspecial(code, avail, 0x20, cr, gpr, to_cr);
}

/**
 * lg_insn_decode_movdr() - decode MOV to or from a debug register
 * ([REX] 0F 21 /r, [REX] 0F 23 /r).
 * @code: the instruction bytes.
 * @avail: how many of them there are.
 * @dr: the debug register (REX.R gives 8-15, which do not exist: #UD).
 * @gpr: the general register (REX.B selects R8-R15); mod bits ignored.
 * @to_dr: true for a write of the debug register.
 *
 * Return: the instruction's length, or -EOPNOTSUPP, -EFAULT as above.
 */
int lg_insn_decode_movdr(const u8 *code, unsigned int avail, unsigned int *dr,
			 unsigned int *gpr, bool *to_dr)
{
	return lg_insn_decode_movspecial(code, avail, 0x21, dr, gpr, to_dr);
}

/**
 * lg_insn_decode_msw() - decode LMSW or SMSW with a register operand
 * ([66] [REX] 0F 01 /6 and /4, ModRM mod 11): the 286's view of CR0.
 * @code: the instruction bytes.
 * @avail: how many of them there are.
 * @gpr: the general register (REX.B selects R8-R15).
 * @lmsw: true for LMSW (a write of CR0's low four bits), false for SMSW.
 * @size16: true with the operand-size prefix (SMSW then writes 16 bits).
 *
 * Return: the instruction's length; -EOPNOTSUPP for anything else,
 * including the memory forms; -EFAULT if @avail is too short.
 */
int lg_insn_decode_msw(const u8 *code, unsigned int avail, unsigned int *gpr,
		       bool *lmsw, bool *size16)
{
	unsigned int pos = 0, reg;
	u8 rex = 0, modrm;
	int err;

	*size16 = false;
	err = lg_insn_room(0, 1, avail);
	if (err)
		return err;
	if (code[pos] == 0x66) {
		*size16 = true;
		pos++;
	}
	err = lg_insn_0f01(code, &pos, avail, &rex, &modrm);
	if (err)
		return err;
	reg = (modrm >> 3) & 7;
	if ((modrm >> 6) != 3 || (reg != 4 && reg != 6))
		return -EOPNOTSUPP;
	*lmsw = reg == 6;
	*gpr = (modrm & 7) | (rex & 1 ? 8 : 0);
	return pos;
}
