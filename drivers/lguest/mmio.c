// SPDX-License-Identifier: GPL-2.0
/*
 * mmio.c - guest loads and stores to device memory.  A nested page fault
 * outside RAM comes here from run.c: we decode the MOV that faulted
 * (insn.c), hand the access to the device whose window it hits (the IOAPIC,
 * the xAPIC page, the virtio-mmio windows), do the register half of the MOV the way the CPU
 * would have, and step the guest over it.
 */
#include "lg.h"
#include "insn.h"

#include <linux/build_bug.h>
#include <linux/mm.h>
#include <asm/msr-index.h>
#include <asm/trap_pf.h>

/*
 * The NPF error code in EXITINFO1 (APM vol. 2, 15.25.6): the #PF bits
 * (X86_PF_*) and, above them, where in the walk it happened.  Bit 33 has
 * a name only in KVM's private header (PFERR_GUEST_PAGE_MASK).
 */
#define LG_NPF_GUEST_PT		BIT_ULL(33)	/* in the guest's page walk */

#define LG_IOAPIC_SIZE		0x1000ULL
#define LG_LAPIC_SIZE		0x1000ULL	/* the xAPIC's page */

/* Device windows start on a multiple of their size (see lg_mmio_exit()). */
static_assert(!(LGUEST_IOAPIC_BASE & (LG_IOAPIC_SIZE - 1)));
static_assert(!(LGUEST_LAPIC_BASE & (LG_LAPIC_SIZE - 1)));
static_assert(!(LGUEST_MMIO_BASE & (LGUEST_MMIO_SIZE - 1)));
static_assert(!(LGUEST_MMIO_SIZE & (LGUEST_MMIO_SIZE - 1)));

static void lg_mmio_unbacked(struct lg_vcpu *vcpu, u64 gpa, bool write)
{
	kill_guest(vcpu->lg, "%s of unbacked guest-physical address 0x%llx at rip 0x%llx",
		   write ? "write" : "read", gpa, vcpu->vmcb->save.rip);
}

/*
 * The fault must have been a data access by the instruction at RIP: not a
 * fetch, not the guest's page walk, not the delivery of an event through
 * an IDT or a stack out in device space.  Returns false after killing.
 */
static bool lg_mmio_fault_ok(struct lg_vcpu *vcpu, u64 gpa)
{
	const struct vmcb_control_area *c = &vcpu->vmcb->control;
	const struct vmcb_save_area *s = &vcpu->vmcb->save;

	if (c->exit_info_1 & X86_PF_INSTR) {
		kill_guest(vcpu->lg, "instruction fetch of unbacked guest-physical address 0x%llx at rip 0x%llx",
			   gpa, s->rip);
		return false;
	}
	if (c->exit_info_1 & LG_NPF_GUEST_PT) {
		u64 cr3 = lg_guest_cr3(vcpu), top = 0;

		/* Whose fault: the root itself, or an entry under it? */
		lg_copy_from_guest(vcpu->lg, &top, (cr3 & PAGE_MASK) + 511 * 8, sizeof(top));
		kill_guest(vcpu->lg, "page-table walk through non-RAM guest-physical address 0x%llx at rip 0x%llx (error 0x%llx, cr3 0x%llx, its last entry 0x%llx, cr2 0x%llx, exit_int_info 0x%x)",
			   gpa, s->rip, c->exit_info_1, cr3, top, s->cr2, c->exit_int_info);
		return false;
	}
	if (c->exit_int_info & SVM_EXITINTINFO_VALID) {
		kill_guest(vcpu->lg, "event delivery (exit_int_info 0x%x) touched non-RAM guest-physical address 0x%llx at rip 0x%llx",
			   c->exit_int_info, gpa, s->rip);
		return false;
	}
	if (!lg_code64(s)) {
		kill_guest(vcpu->lg, "MMIO from non-64-bit code at rip 0x%llx (gpa 0x%llx, efer 0x%llx, cs attrib 0x%x)",
			   s->rip, gpa, s->efer, s->cs.attrib);
		return false;
	}
	return true;
}

/*
 * Read and decode the instruction at RIP.  It may end on the last mapped
 * page, so if 15 bytes cannot be read, read what RIP's page holds and let
 * the decoder say whether that was enough.  Returns false after killing.
 */
static bool lg_mmio_decode(struct lg_vcpu *vcpu, u64 gpa, struct lg_insn *insn)
{
	u64 rip = vcpu->vmcb->save.rip;
	u8 code[LG_INSN_MAX_LEN];
	unsigned int avail;
	int err;

	err = lg_read_guest_insn(vcpu, rip, code, sizeof(code));
	if (err < 0) {
		kill_guest(vcpu->lg, "cannot read the instruction at rip 0x%llx (error %d) that touched guest-physical address 0x%llx",
			   rip, err, gpa);
		return false;
	}
	avail = err;
	err = lg_insn_decode(code, avail, insn);
	if (err) {
		kill_guest(vcpu->lg, "cannot emulate the instruction at rip 0x%llx (%*ph, error %d) on guest-physical address 0x%llx",
			   rip, avail, code, err, gpa);
		return false;
	}
	/* The CPU told us which way the access went: it must agree. */
	if (insn->write != !!(vcpu->vmcb->control.exit_info_1 & X86_PF_WRITE)) {
		kill_guest(vcpu->lg, "instruction at rip 0x%llx (%*ph) is a %s but the fault at guest-physical address 0x%llx was not",
			   rip, insn->len, code, insn->write ? "store" : "load", gpa);
		return false;
	}
	return true;
}

/*T:535 A nested page fault tells us the guest-physical address and whether
 * it was a read or a write, but not how wide the access was, nor which
 * register it came from or goes to: for that we need the instruction.  KVM
 * gets its bytes from the CPU's decode assists and runs them through the
 * kernel's x86 decoder and emulator; we have neither.  QEMU's (TCG) SVM
 * offers no decode assists, so we read the bytes at RIP through the guest's
 * page tables ourselves, and Debian's kernel does not export insn_decode()
 * to modules.  Nor do we want a general emulator here: insn.c decodes only
 * the MOV forms Linux's readb()..writeq() and the compiler's variants of them
 * come out as, and anything else kills the guest, bytes and all.  The access
 * then goes to the one device window it falls inside, never across two, and
 * the register half follows the CPU's rules: 8- and 16-bit loads merge into
 * the old register value, 32-bit loads zero the upper half. :*/
/**
 * lg_mmio_exit() - emulate the guest's access to device memory at @gpa.
 * @vcpu: the guest.
 * @gpa: the guest-physical address of the nested page fault (EXITINFO2),
 *	outside RAM.
 *
 * Called from the nested-page-fault exit: reads the NPF error code and
 * EXITINTINFO from the VMCB.  On success the device has seen the access,
 * a load's register is written and the guest is past the instruction.
 * Anything we cannot emulate kills the guest, saying why.
 *
 * Return: %LG_EXIT_CONTINUE (also after a kill: the run loop sees @vcpu->dead).
 */
enum lg_exit_action lg_mmio_exit(struct lg_vcpu *vcpu, u64 gpa)
{
	struct vmcb_save_area *s = &vcpu->vmcb->save;
	struct lg_insn insn;
	u64 val = 0, window;
	bool ioapic, lapic;
	int err;

	if (!lg_mmio_fault_ok(vcpu, gpa) || !lg_mmio_decode(vcpu, gpa, &insn))
		return LG_EXIT_CONTINUE;

	/* gpa - base wraps for gpa < base, so each test is one compare. */
	ioapic = gpa - LGUEST_IOAPIC_BASE < LG_IOAPIC_SIZE;
	lapic = gpa - LGUEST_LAPIC_BASE < LG_LAPIC_SIZE;
	if (ioapic || lapic)
		window = lapic ? LG_LAPIC_SIZE : LG_IOAPIC_SIZE;
	else if (gpa - LGUEST_MMIO_BASE < LGUEST_MMIO_MAX * LGUEST_MMIO_SIZE)
		window = LGUEST_MMIO_SIZE;
	else
		window = 0;
	if (!window) {
		lg_mmio_unbacked(vcpu, gpa, insn.write);
		return LG_EXIT_CONTINUE;
	}
	if ((gpa & (window - 1)) > window - insn.size) {
		kill_guest(vcpu->lg, "%u-byte %s at guest-physical address 0x%llx straddles a device window's end at rip 0x%llx",
			   insn.size, insn.write ? "write" : "read", gpa, s->rip);
		return LG_EXIT_CONTINUE;
	}

	if (insn.write)
		val = lg_insn_store_value(&insn, insn.has_imm ? 0 :
					  lg_gpr_read(vcpu, insn.reg));
	if (ioapic)
		err = lg_ioapic_mmio(vcpu->lg, gpa, insn.write, insn.size, &val);
	else if (lapic)
		err = lg_lapic_mmio(vcpu, gpa, insn.write, insn.size, &val);
	else
		err = lg_device_mmio(vcpu->lg, gpa, insn.write, insn.size, &val);
	if (err == -ENODEV) {
		lg_mmio_unbacked(vcpu, gpa, insn.write);
		return LG_EXIT_CONTINUE;
	}
	/* A signal came first: the instruction runs again after it. */
	if (err == -EINTR)
		return LG_EXIT_CONTINUE;
	if (err) {
		/* A device that killed the guest itself keeps its reason. */
		kill_guest(vcpu->lg, "%u-byte %s of guest-physical address 0x%llx refused by the device (error %d) at rip 0x%llx",
			   insn.size, insn.write ? "write" : "read", gpa, err, s->rip);
		return LG_EXIT_CONTINUE;
	}
	if (!insn.write)
		lg_gpr_write(vcpu, insn.reg,
			     lg_insn_load_value(&insn, lg_gpr_read(vcpu, insn.reg), val));

	lg_advance_rip(vcpu, insn.len, false);
	return LG_EXIT_CONTINUE;
}
