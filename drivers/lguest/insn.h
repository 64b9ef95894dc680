/* SPDX-License-Identifier: GPL-2.0 */
/*
 * insn.h - the decoder for the instructions a guest uses on device memory
 * (insn.c): the MOV forms behind readb..readq/writeb..writeq, decoded in
 * 64-bit mode, and the x86 rules for writing their result to a register;
 * and, for shadow paging, MOV to/from CRn, CLTS and INVLPG's operand.
 * No kernel dependencies beyond u8/u64/bool, for the user-space unit test.
 */
#ifndef _LGUEST_INSN_H
#define _LGUEST_INSN_H

/* The architectural limit: a longer instruction raises #GP. */
#define LG_INSN_MAX_LEN		15

/**
 * enum lg_insn_ext - how a load widens the memory value into its register.
 * @LG_INSN_EXT_NONE: plain MOV: the register is as wide as the memory operand.
 * @LG_INSN_EXT_ZERO: MOVZX: zero-extended to &struct lg_insn.dst_size.
 * @LG_INSN_EXT_SIGN: MOVSX: sign-extended to &struct lg_insn.dst_size.
 */
enum lg_insn_ext {
	LG_INSN_EXT_NONE,
	LG_INSN_EXT_ZERO,
	LG_INSN_EXT_SIGN,
};

/**
 * struct lg_insn - one decoded memory-access instruction.
 * @imm: for a store of an immediate (@has_imm): the value, already extended
 *	to @size bytes (C7 with REX.W: imm32 sign-extended to 64 bits); no
 *	bits set above @size.
 * @len: the instruction's length in bytes, prefixes included (1-15).
 * @size: bytes of memory accessed: 1, 2, 4 or 8.
 * @dst_size: for a load, bytes of the destination register written: @size,
 *	except for MOVZX/MOVSX (2, 4 or 8).  Equal to @size for a store.
 * @reg: the general register (x86 number, 0 = RAX ... 15 = R15) that is
 *	stored from or loaded into.  For AH/CH/DH/BH it is the register they
 *	live in (RAX..RBX, 0-3) and @high8 is set.  0 when @has_imm.
 * @ext: &enum lg_insn_ext, for loads.
 * @write: true for a store to memory, false for a load from it.
 * @high8: @reg's bits 15:8 are the operand (AH, CH, DH or BH).
 * @has_imm: the stored value is @imm, not a register.
 */
struct lg_insn {
	u64 imm;
	u8 len;
	u8 size;
	u8 dst_size;
	u8 reg;
	enum lg_insn_ext ext;
	bool write;
	bool high8;
	bool has_imm;
};

/**
 * struct lg_insn_mem - a ModRM memory operand, as INVLPG names its address.
 * @disp: the displacement, sign-extended.
 * @base: the base register (x86 number), or -1 for none.
 * @index: the index register, or -1 for none.
 * @scale: the index is shifted left by this (0-3).
 * @rip_rel: the address is the next instruction's RIP plus @disp.
 * @seg: 4 for an FS override, 5 for GS, 0 otherwise (their bases add).
 * @addr32: the 0x67 prefix: the address is truncated to 32 bits.
 */
struct lg_insn_mem {
	s64 disp;
	int base, index;
	u8 scale;
	bool rip_rel;
	u8 seg;
	bool addr32;
};

int lg_insn_decode(const u8 *code, unsigned int avail, struct lg_insn *insn);
int lg_insn_decode_invlpg(const u8 *code, unsigned int avail, struct lg_insn_mem *mem);
int lg_insn_decode_movcr(const u8 *code, unsigned int avail, unsigned int *cr,
			 unsigned int *gpr, bool *to_cr, bool *clts);
int lg_insn_decode_movdr(const u8 *code, unsigned int avail, unsigned int *dr,
			 unsigned int *gpr, bool *to_dr);
int lg_insn_decode_msw(const u8 *code, unsigned int avail, unsigned int *gpr,
		       bool *lmsw, bool *size16);
u64 lg_insn_merge(u64 old, u64 val, unsigned int size);
u64 lg_insn_load_value(const struct lg_insn *insn, u64 old, u64 data);
u64 lg_insn_store_value(const struct lg_insn *insn, u64 regval);

#endif /* _LGUEST_INSN_H */
