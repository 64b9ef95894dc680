/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vmx_ops.h - the VMX instructions as C: VMREAD, VMWRITE, VMCLEAR, VMPTRLD,
 * INVEPT and INVVPID.  Each reports failure instead of crashing: a VMX
 * instruction fails with CF set (VMfailInvalid: no current VMCS or a bad
 * operand) or ZF set (VMfailValid: the reason is in the current VMCS's
 * VM-instruction error field), SDM 30.2 "Conventions", and faults (#UD)
 * outside VMX operation, which the exception table turns into a failure.
 * VMREAD and VMWRITE failures are a bug in the backend, never the guest's
 * doing: they are logged (rate-limited, with the field and the error number
 * of SDM 30.4) and the access is dropped (a failed VMREAD reads 0).
 */
#ifndef _LGUEST_VMX_OPS_H
#define _LGUEST_VMX_OPS_H

#include <linux/compiler.h>
#include <linux/errno.h>
#include <linux/types.h>
#include <asm/asm.h>
#include <asm/vmx.h>

#include "vmx.h"

/*
 * The value of @field in the current VMCS; 0, after a log line, if the
 * VMREAD failed.
 */
static __always_inline unsigned long lg_vmread(unsigned long field)
{
	unsigned long val;

	asm_goto_output("1: vmread %[field], %[val]\n\t"
			"jna %l[fail]\n\t"
			_ASM_EXTABLE(1b, %l[fault])
			: [val] "=r" (val)
			: [field] "r" (field)
			: "cc" : fail, fault);
	return val;
fail:
	lg_vmx_insn_error("vmread", field, false);
	return 0;
fault:
	lg_vmx_insn_error("vmread", field, true);
	return 0;
}

/* Sets @field of the current VMCS to @val; logs a failure and goes on. */
static __always_inline void lg_vmwrite(unsigned long field, unsigned long val)
{
	asm goto("1: vmwrite %[val], %[field]\n\t"
		 "jna %l[fail]\n\t"
		 _ASM_EXTABLE(1b, %l[fault])
		 : : [field] "r" (field), [val] "rm" (val)
		 : "cc", "memory" : fail, fault);
	return;
fail:
	lg_vmx_insn_error("vmwrite", field, false);
	return;
fault:
	lg_vmx_insn_error("vmwrite", field, true);
}

/*
 * VMCLEAR: writes the VMCS at @pa back to memory, makes it inactive and
 * its launch state "clear" on this CPU, and no longer current if it was
 * (SDM 24.11.3, 30.3 "VMCLEAR").  Returns 0 or -EIO; logs nothing (it is
 * used from the emergency-reboot NMI path too).
 */
static __always_inline int lg_vmcs_clear(u64 pa)
{
	asm goto("1: vmclear %[pa]\n\t"
		 "jna %l[fail]\n\t"
		 _ASM_EXTABLE(1b, %l[fail])
		 : : [pa] "m" (pa) : "cc", "memory" : fail);
	return 0;
fail:
	return -EIO;
}

/*
 * VMPTRLD: makes the VMCS at @pa current (and active) on this CPU (SDM
 * 30.3 "VMPTRLD").  Fails, for instance, on a wrong revision identifier
 * (error 11).  Returns 0 or -EIO; the caller says what failed.
 */
static __always_inline int lg_vmptrld(u64 pa)
{
	asm goto("1: vmptrld %[pa]\n\t"
		 "jna %l[fail]\n\t"
		 _ASM_EXTABLE(1b, %l[fail])
		 : : [pa] "m" (pa) : "cc", "memory" : fail);
	return 0;
fail:
	return -EIO;
}

/*
 * INVEPT of @type (VMX_EPT_EXTENT_CONTEXT: the mappings of @eptp;
 * VMX_EPT_EXTENT_GLOBAL: all EPT mappings), SDM 30.3 "INVEPT" and 28.3.3.
 * Returns 0, or -EIO after a log line.
 */
static __always_inline int lg_invept(unsigned long type, u64 eptp)
{
	struct { u64 eptp, rsvd; } desc = { eptp, 0 };

	asm goto("1: invept %[desc], %[type]\n\t"
		 "jna %l[fail]\n\t"
		 _ASM_EXTABLE(1b, %l[fault])
		 : : [type] "r" (type), [desc] "m" (desc)
		 : "cc", "memory" : fail, fault);
	return 0;
fail:
	lg_vmx_insn_error("invept", type, false);
	return -EIO;
fault:
	lg_vmx_insn_error("invept", type, true);
	return -EIO;
}

/*
 * INVVPID of @type (VMX_VPID_EXTENT_INDIVIDUAL_ADDR: @gva of @vpid;
 * _SINGLE_CONTEXT: all of @vpid; _ALL_CONTEXT: every VPID but 0), SDM 30.3
 * "INVVPID".  The descriptor's bits 63:16 must be 0 (SDM: else VMfailValid).
 * Returns 0, or -EIO after a log line.
 */
static __always_inline int lg_invvpid(unsigned long type, u16 vpid, u64 gva)
{
	struct { u64 vpid, gva; } desc = { vpid, gva };

	asm goto("1: invvpid %[desc], %[type]\n\t"
		 "jna %l[fail]\n\t"
		 _ASM_EXTABLE(1b, %l[fault])
		 : : [type] "r" (type), [desc] "m" (desc)
		 : "cc", "memory" : fail, fault);
	return 0;
fail:
	lg_vmx_insn_error("invvpid", type, false);
	return -EIO;
fault:
	lg_vmx_insn_error("invvpid", type, true);
	return -EIO;
}

#endif /* _LGUEST_VMX_OPS_H */
