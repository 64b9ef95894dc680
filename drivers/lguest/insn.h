/* SPDX-License-Identifier: GPL-2.0 */
/*
 * insn.h - the decoder for the instructions a guest uses on device memory
 * (insn.c): the MOV forms behind readb..readq/writeb..writeq, decoded in
 * 64-bit mode, and the x86 rules for writing their result to a register.
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

int lg_insn_decode(const u8 *code, unsigned int avail, struct lg_insn *insn);
u64 lg_insn_merge(u64 old, u64 val, unsigned int size);
u64 lg_insn_load_value(const struct lg_insn *insn, u64 old, u64 data);
u64 lg_insn_store_value(const struct lg_insn *insn, u64 regval);

#endif /* _LGUEST_INSN_H */
