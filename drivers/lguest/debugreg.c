// SPDX-License-Identifier: GPL-2.0
/*
 * debugreg.c - MOV to and from DR0-DR7: the guest's debug registers,
 * emulated against its copy, so the host's breakpoints stay the host's.
 */
#include "lg.h"

#include <linux/kernel.h>
#include <asm/debugreg.h>
#include <asm/trapnr.h>

#include "insn.h"

/*
 * DR6 and DR7 bits a MOV DR may change, and those that always read as 1
 * (SDM vol. 3, 17.2.3-4; APM vol. 2, 13.1.1).  DR6 bit 16 (RTM) and bit
 * 11 (bus-lock #DB) exist only on CPUs with those features; we offer
 * neither, so both read as 1 whatever is written, as KVM's
 * kvm_dr6_fixed() makes them for such a guest.  (kvm-unit-tests' debug
 * test wants DR6 0xffff4ff0 after a single step, not 0xfffe4ff0.)
 */
#define LG_DR6_VOLATILE		0x0000e00fULL
#define LG_DR6_FIXED_1		0xffff0ff0ULL
#define LG_DR7_VOLATILE		0xffff2bffULL
#define LG_DR7_FIXED_1		0x400ULL

/*T:645 The debug registers are the guest's, but DR0-DR3 are not switched
 * by VMRUN, and the host's own breakpoints (perf, ptrace, kgdb) live there.
 * So every MOV to or from a debug register exits and is emulated here,
 * against the guest's copy: DR0-DR3 in struct lg_vcpu, DR6 and DR7 in the
 * VMCB, which VMRUN does switch.  The hardware DR0-DR3 get the guest's
 * values only around VMRUN, only while its DR7 enables a breakpoint, and
 * only after the host's DR7 is off (run.c); the host's come back after
 * the exit.  A guest breakpoint can then only fire in the guest. :*/
/**
 * lg_exit_dr() - handle MOV to or from DR0-DR7.
 * @vcpu: the guest.
 *
 * Return: %LG_EXIT_CONTINUE.
 */
enum lg_exit_action lg_exit_dr(struct lg_vcpu *vcpu)
{
	struct vmcb_control_area *c = &vcpu->vmcb->control;
	struct vmcb_save_area *s = &vcpu->vmcb->save;
	bool write = c->exit_code >= SVM_EXIT_WRITE_DR0;
	unsigned int dr = c->exit_code - (write ? SVM_EXIT_WRITE_DR0 : SVM_EXIT_READ_DR0);
	bool l64 = lg_code64(s);
	unsigned int reg, gpr;
	bool to_dr;
	u8 code[16];
	int avail, len;
	u64 val;

	lg_count_exception(LG_COUNT_MOV_DR);
	avail = lg_read_guest_insn(vcpu, lg_rip_linear(vcpu), code, sizeof(code));
	len = avail < 0 ? avail : lg_insn_decode_movdr(code, avail, &reg, &gpr, &to_dr);
	if (len < 0 || (reg & 7) != dr || to_dr != write) {
		kill_guest(vcpu->lg, "cannot emulate the debug-register access (exit 0x%x) at rip 0x%llx",
			   c->exit_code, s->rip);
		return LG_EXIT_CONTINUE;
	}
	/* SDM vol. 2, MOV DR: #UD for DR8-15 and for DR4/5 with CR4.DE. */
	if (reg > 7 || ((dr == 4 || dr == 5) && (s->cr4 & X86_CR4_DE))) {
		lg_inject_exception(vcpu, X86_TRAP_UD, false, 0);
		return LG_EXIT_CONTINUE;
	}
	if (s->cpl) {
		lg_inject_exception(vcpu, X86_TRAP_GP, true, 0);
		return LG_EXIT_CONTINUE;
	}
	if (dr == 4 || dr == 5)
		dr += 2;		/* aliases of DR6 and DR7 */
	if (write) {
		val = lg_gpr_read(vcpu, gpr);
		if (!l64)
			val = (u32)val;
		/* 1s in bits 63:32 of DR6 or DR7 are #GP. */
		if (dr >= 6 && val >> 32) {
			lg_inject_exception(vcpu, X86_TRAP_GP, true, 0);
			return LG_EXIT_CONTINUE;
		}
		if (dr < 4)
			vcpu->dr[dr] = val;
		else if (dr == 6)
			s->dr6 = (val & LG_DR6_VOLATILE) | LG_DR6_FIXED_1;
		else
			s->dr7 = (val & LG_DR7_VOLATILE) | LG_DR7_FIXED_1;
	} else {
		val = dr < 4 ? vcpu->dr[dr] : dr == 6 ? s->dr6 : s->dr7;
		lg_gpr_write(vcpu, gpr, l64 ? val : (u32)val);
	}
	lg_skip_insn(vcpu, code, len);
	return LG_EXIT_CONTINUE;
}
