// SPDX-License-Identifier: GPL-2.0
/*
 * lg-asm-offsets.c - the structure offsets switcher.S and vmx_switch.S use
 * (and the one VMCS field encoding vmx_switch.S writes, from asm/vmx.h's
 * enum, which assembly cannot include), generated at
 * build time into lg-asm-offsets.h (Kbuild's "offsets" rule, as the
 * kernel's asm-offsets.c and KVM's kvm-asm-offsets.c do), so the assembly
 * can never disagree with the C layout of struct lg_vcpu.
 */
#define COMPILE_OFFSETS

#include <linux/kbuild.h>
#include <asm/vmx.h>
#include "lg.h"

static void __used lg_offsets(void)
{
	OFFSET(LG_VCPU_RAX, lg_vcpu, regs[LG_RAX]);
	OFFSET(LG_VCPU_RBX, lg_vcpu, regs[LG_RBX]);
	OFFSET(LG_VCPU_RCX, lg_vcpu, regs[LG_RCX]);
	OFFSET(LG_VCPU_RDX, lg_vcpu, regs[LG_RDX]);
	OFFSET(LG_VCPU_RSI, lg_vcpu, regs[LG_RSI]);
	OFFSET(LG_VCPU_RDI, lg_vcpu, regs[LG_RDI]);
	OFFSET(LG_VCPU_RBP, lg_vcpu, regs[LG_RBP]);
	OFFSET(LG_VCPU_R8, lg_vcpu, regs[LG_R8]);
	OFFSET(LG_VCPU_R9, lg_vcpu, regs[LG_R9]);
	OFFSET(LG_VCPU_R10, lg_vcpu, regs[LG_R10]);
	OFFSET(LG_VCPU_R11, lg_vcpu, regs[LG_R11]);
	OFFSET(LG_VCPU_R12, lg_vcpu, regs[LG_R12]);
	OFFSET(LG_VCPU_R13, lg_vcpu, regs[LG_R13]);
	OFFSET(LG_VCPU_R14, lg_vcpu, regs[LG_R14]);
	OFFSET(LG_VCPU_R15, lg_vcpu, regs[LG_R15]);
	DEFINE(LG_VMCS_HOST_RSP, HOST_RSP);
}
