// SPDX-License-Identifier: GPL-2.0
/*
 * run.c - the run loop, in the spirit of the ancestor's run_guest(): enter
 * the guest, come back on #VMEXIT, dispatch the exit through a table
 * indexed by exit code, and go round again until the guest needs the
 * launcher, is killed, or a signal arrives.  Also here: event injection,
 * HLT and the guest timer, stepping over intercepted instructions, and
 * kill_guest().
 */
#include "lg.h"

#include <linux/hrtimer.h>
#include <linux/ratelimit.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/stddef.h>
#include <asm/debugreg.h>
#include <asm/fpu/api.h>
#include <asm/fpu/xcr.h>
#include <asm/mce.h>
#include <asm/nospec-branch.h>
#include <asm/special_insns.h>
#include <asm/trapnr.h>

#include "trace.h"

/*T:500 kill_guest() is how the hypervisor says "no" to a guest: the guest
 * is marked dead with a sentence saying what it did, including the values
 * that were wrong, and the run loop hands that sentence to the launcher,
 * which prints it and exits.  It is sticky, as in the ancestor: the first
 * reason wins, and a dead guest never runs again.  It is a stop of the
 * whole machine: every vCPU gets the stop request and leaves guest mode
 * (lg_stop()), whichever vCPU, device or launcher call found the fault.
 * The host carries on. :*/
/**
 * kill_guest() - stop a misbehaving guest for good, saying why.
 * @lg: the guest.
 * @fmt: printf-style reason, with the offending values.
 *
 * Safe from any context.
 */
void kill_guest(struct lguest *lg, const char *fmt, ...)
{
	unsigned long flags;
	bool first;
	va_list ap;

	spin_lock_irqsave(&lg->stop_lock, flags);
	first = !lg->stop;
	if (first) {
		va_start(ap, fmt);
		vsnprintf(lg->kill_reason, sizeof(lg->kill_reason), fmt, ap);
		va_end(ap);
		WRITE_ONCE(lg->stop, LGUEST_EXIT_KILLED);
	}
	spin_unlock_irqrestore(&lg->stop_lock, flags);
	if (!first)
		return;
	trace_lguest_kill(lg->kill_reason);
	lg_stop_vcpus(lg);
}

/**
 * lg_stop() - the guest stopped itself (or its user stopped it): every
 *	vCPU's LGUEST_RUN returns @reason, unless another came first.
 * @lg: the guest.
 * @reason: an %LGUEST_EXIT_ value other than %LGUEST_EXIT_KILLED.
 * @status: what goes with it (&struct lguest_run.status).
 *
 * Safe from any context.
 *
 * Return: true if this was the first reason (the one reported).
 */
bool lg_stop(struct lguest *lg, u32 reason, u32 status)
{
	unsigned long flags;
	bool first;

	spin_lock_irqsave(&lg->stop_lock, flags);
	first = !lg->stop;
	if (first) {
		lg->stop_status = status;
		WRITE_ONCE(lg->stop, reason);
	}
	spin_unlock_irqrestore(&lg->stop_lock, flags);
	if (first)
		lg_stop_vcpus(lg);
	return first;
}

/**
 * lg_inject_exception() - deliver an exception to the guest on next entry.
 * @vcpu: the guest.
 * @vector: exception vector (0-31).
 * @has_err: whether it pushes an error code.
 * @err: the error code.
 */
void lg_inject_exception(struct lg_vcpu *vcpu, u8 vector, bool has_err, u32 err)
{
	struct vmcb_control_area *c = &vcpu->vmcb->control;

	/*
	 * A fault pushes RFLAGS with RF set, so that the IRET back to the
	 * faulting instruction does not hit its instruction breakpoint again
	 * (SDM vol. 3, 18.3.1.1).  The CPU does that for the exceptions it
	 * raises itself, not for one injected (KVM sets it, too).  #DB, #BP
	 * and #OF are traps; #DF and #MC aborts.
	 */
	if (vector != X86_TRAP_DB && vector != X86_TRAP_BP && vector != X86_TRAP_OF &&
	    vector != X86_TRAP_DF && vector != X86_TRAP_MC)
		vcpu->vmcb->save.rflags |= X86_EFLAGS_RF;
	c->event_inj = vector | SVM_EVTINJ_TYPE_EXEPT | SVM_EVTINJ_VALID |
		       (has_err ? SVM_EVTINJ_VALID_ERR : 0);
	c->event_inj_err = err;
}

/**
 * lg_gpr_read() - a general register by its x86 number.
 * @vcpu: the vCPU.
 * @reg: 0 (RAX) to 15 (R15).
 *
 * Return: its 64-bit value.
 */
u64 lg_gpr_read(struct lg_vcpu *vcpu, unsigned int reg)
{
	return vcpu->regs[reg & 15];
}

/**
 * lg_gpr_write() - set a whole general register by its x86 number.
 * @vcpu: the vCPU.
 * @reg: 0 (RAX) to 15 (R15).
 * @val: the new 64-bit value (partial-register rules are the caller's).
 */
void lg_gpr_write(struct lg_vcpu *vcpu, unsigned int reg, u64 val)
{
	vcpu->regs[reg & 15] = val;
}

/*T:515 An interrupt raised while the vCPU is in guest mode on another
 * CPU (a timer's hrtimer fires where it was armed, a device's worker runs
 * anywhere) would wait for the guest's next exit, which a guest spinning
 * with no exits delays to the host's next tick.  So whoever raises one
 * kicks the vCPU: a reschedule IPI to its CPU (kick_process()), which makes
 * VMRUN exit at once, or, if it arrives just before VMRUN with the host's
 * interrupts off, stays pending and makes VMRUN exit on entry; the run
 * loop then finds the vector in the IRR (lg_enter_guest()). :*/
/**
 * lg_kick_vcpu() - make the vCPU, if it is in guest mode on another CPU,
 *	exit at once, to see an interrupt or a request raised for it.
 * @vcpu: the guest.
 *
 * Safe from any context, hard interrupts included.
 */
void lg_kick_vcpu(struct lg_vcpu *vcpu)
{
	struct task_struct *task;

	/* Task structs are freed after an RCU grace period. */
	rcu_read_lock();
	task = READ_ONCE(vcpu->task);
	if (task && task != current)
		kick_process(task);
	rcu_read_unlock();
}

/**
 * lg_request() - ask a vCPU's thread for @req before its next VMRUN: set
 *	the bit, wake the vCPU if it sleeps, kick it if it is in guest mode.
 * @vcpu: the vCPU.
 * @req: an enum lg_request.
 *
 * Safe from any context.
 */
void lg_request(struct lg_vcpu *vcpu, enum lg_request req)
{
	set_bit(req, &vcpu->requests);
	wake_up(&vcpu->wq);
	lg_kick_vcpu(vcpu);
}

/**
 * lg_stop_vcpus() - make every vCPU of a stopped machine leave LGUEST_RUN.
 * @lg: the guest, its stop reason set.
 */
void lg_stop_vcpus(struct lguest *lg)
{
	unsigned int i, n = lg_nr_vcpus(lg);

	for (i = 0; i < n; i++)
		lg_request(lg->vcpus[i], LG_REQ_STOP);
}

/**
 * lg_raise_irq() - make an external (edge) interrupt pending for the guest.
 * @vcpu: the guest.
 * @vector: 32-255.  Safe from any context (the timer calls it).
 */
void lg_raise_irq(struct lg_vcpu *vcpu, u8 vector)
{
	lg_lapic_set_irq(vcpu, vector, false);
}

/*
 * Is there a reason to leave HLT?  (vCPU thread.)  An interrupt only ends
 * HLT if the guest would take it, so "cli; hlt" with something pending
 * sleeps rather than spins; the wake-only hypercall timer ends any HLT.
 */
static bool lg_has_event(struct lg_vcpu *vcpu)
{
	if (READ_ONCE(vcpu->requests))
		return true;
	/* Waiting for a start-up IPI, only a request (INIT, SIPI) counts. */
	if (vcpu->state != LG_VCPU_RUNNABLE)
		return false;
	return READ_ONCE(vcpu->timer_fired) ||
	       (vcpu->id == 0 && lg_uart_has_event(vcpu->lg)) ||
	       (READ_ONCE(vcpu->nmi_pending) && !vcpu->nmi_masked) ||
	       ((vcpu->vmcb->save.rflags & X86_EFLAGS_IF) &&
		lg_lapic_next_irq(vcpu) >= 0);
}

static enum hrtimer_restart lg_timer_fn(struct hrtimer *timer)
{
	struct lg_vcpu *vcpu = container_of(timer, struct lg_vcpu, timer);

	WRITE_ONCE(vcpu->timer_fired, true);
	if (vcpu->timer_vector)
		lg_raise_irq(vcpu, vcpu->timer_vector);
	else
		wake_up(&vcpu->wq);
	return HRTIMER_NORESTART;
}

/**
 * lg_timer_init() - set up the guest's timer and wait queue.
 * @vcpu: the guest.
 */
void lg_timer_init(struct lg_vcpu *vcpu)
{
	init_waitqueue_head(&vcpu->wq);
	hrtimer_init(&vcpu->timer, CLOCK_MONOTONIC, HRTIMER_MODE_REL);
	vcpu->timer.function = lg_timer_fn;
}

/*
 * What a dying guest leaves in the kernel log (the triple-fault line and
 * the exit history, or a panicking guest's history) is up to 17 lines, and
 * any launcher can make guests die in a loop: each such report is one
 * unit, allowed or suppressed whole by one rate limit shared by every guest
 * (two reports every 5 s).
 */
DEFINE_RATELIMIT_STATE(lg_report_rs, 5 * HZ, 2);

/*T:510 An interrupt can only be taken when the guest would take it:
 * RFLAGS.IF set, not in the one-instruction shadow after STI or MOV SS, and
 * not below what it is already servicing.  Rather than judge that from
 * outside, we post the APIC's best vector as the VMCB's virtual interrupt
 * (V_IRQ, V_INTR_VECTOR; APM vol. 2, 15.21.4) and let the CPU deliver it
 * through the guest's IDT the moment the guest opens its window, with no
 * exit.  The vector leaves IRR when posted, as a real APIC's does when the
 * CPU accepts it, so another vCPU's IPI of the same vector meanwhile is a
 * second interrupt, not lost in the first; after the exit, a cleared V_IRQ
 * says it was taken (into ISR), else it goes back.  EVENTINJ is left to
 * exceptions: QEMU's TCG, our test host, mishandles an injected INTR when
 * its thread is kicked right after VMRUN, delivering it a second time as an
 * exception with the guest's IF already clear.  VT-x has no V_IRQ: vmx.c
 * plays the CPU's part, injecting the posted vector at entry when the
 * guest's window is open and asking for an interrupt-window exit when it
 * is not, and clears V_IRQ only when the guest took it, so the rest of
 * this logic is the same on both. :*/
static void lg_inject_pending(struct lg_vcpu *vcpu)
{
	struct vmcb_control_area *c = &vcpu->vmcb->control;
	int vec = lg_lapic_next_irq(vcpu);

	/*
	 * The guest's CR8 is the VMCB's V_TPR, which it writes without an
	 * exit (APM vol. 2, 15.21.2): give it the APIC's TPR, and take it
	 * back after the exit (lg_virq_complete()).
	 */
	c->int_ctl = (c->int_ctl & ~(V_IRQ_MASK | V_INTR_PRIO_MASK | V_IGN_TPR_MASK |
				     V_TPR_MASK)) | (vcpu->lapic.tpr >> 4);
	vcpu->virq_vec = vec;
	if (vec < 0)
		return;
	/*
	 * Judged against TPR and ISR already (lg_lapic_next_irq()); without
	 * V_IGN_TPR the CPU also holds it back should the guest raise CR8
	 * before it opens its interrupt window.
	 */
	c->int_vector = vec;
	c->int_ctl |= V_IRQ_MASK | ((vec >> 4) << V_INTR_PRIO_SHIFT);
	lg_lapic_post(vcpu, vec);
}

/*
 * After an exit: was the posted virtual interrupt taken?  If V_IRQ is clear
 * it was, and the vector (out of IRR since it was posted) goes in service.
 * If the exit interrupted its delivery (a shadow-paging #PF on the guest's
 * stack, say), EXITINTINFO names it: the guest never saw it, so it goes
 * back to IRR and is posted again, rather than re-injected with EVENTINJ
 * (which TCG mishandles, above).  A vector above 31 is always an external interrupt, whatever type
 * the exit reported (APM 15.20: exceptions are vectors 0-31; TCG calls them
 * exceptions).  Return: true if EXITINTINFO was dealt with here.
 */
static bool lg_virq_complete(struct lg_vcpu *vcpu)
{
	struct vmcb_control_area *c = &vcpu->vmcb->control;
	u32 info = c->exit_int_info;
	int vec = vcpu->virq_vec;
	bool interrupted;

	/* A MOV to CR8 in guest mode changed the TPR's priority class. */
	if ((c->int_ctl & V_TPR_MASK) != vcpu->lapic.tpr >> 4)
		vcpu->lapic.tpr = (c->int_ctl & V_TPR_MASK) << 4;

	if ((info & SVM_EXITINTINFO_VALID) &&
	    (info & SVM_EXITINTINFO_TYPE_MASK) == SVM_EXITINTINFO_TYPE_EXEPT &&
	    (info & SVM_EXITINTINFO_VEC_MASK) > 31)
		c->exit_int_info = (info & ~(SVM_EXITINTINFO_TYPE_MASK |
					     SVM_EXITINTINFO_VALID_ERR)) |
				   SVM_EXITINTINFO_TYPE_INTR;
	if (vec < 0)
		return false;
	info = c->exit_int_info;
	interrupted = (info & SVM_EXITINTINFO_VALID) &&
		      (info & SVM_EXITINTINFO_TYPE_MASK) == SVM_EXITINTINFO_TYPE_INTR &&
		      (info & SVM_EXITINTINFO_VEC_MASK) == vec;
	if (!interrupted && !(c->int_ctl & V_IRQ_MASK))
		lg_lapic_ack(vcpu, vec);
	else
		lg_lapic_unpost(vcpu, vec);
	c->int_ctl &= ~V_IRQ_MASK;
	vcpu->virq_vec = -1;
	return interrupted;
}

/**
 * lg_rip_linear() - the linear address of the guest's next instruction.
 * @vcpu: the guest.
 *
 * Return: RIP in 64-bit mode; CS.base + EIP, in 32 bits, otherwise (the
 * legacy modes the guest passes through on its way to a reboot).
 */
u64 lg_rip_linear(struct lg_vcpu *vcpu)
{
	const struct vmcb_save_area *s = &vcpu->vmcb->save;

	if (lg_code64(s))
		return s->rip;
	return (u32)(s->cs.base + (u32)s->rip);
}

/* DR7.GD (SDM vol. 3, 17.2.4); 6.1 has it only in KVM's headers. */
#define LG_DR7_GD	BIT(13)

/*
 * Deliver a #DB as the CPU does: the CPU clears DR7.GD on every #DB, so
 * that the handler may use the debug registers (SDM vol. 3, 17.2.4);
 * injecting does not do that for us.
 */
static void lg_inject_db(struct lg_vcpu *vcpu)
{
	vcpu->vmcb->save.dr7 &= ~(u64)LG_DR7_GD;
	lg_inject_exception(vcpu, X86_TRAP_DB, false, 0);
}

/**
 * lg_advance_rip() - resume the guest after the instruction we emulated.
 * @vcpu: the guest.
 * @len: the instruction's length, as we decoded it.
 * @nrip: the exit is an instruction intercept, whose next RIP the CPU
 *	saves with nrip-save (APM vol. 2, 15.7.1); a nested page fault's is
 *	not, and its MMIO instruction is stepped by @len alone.
 *
 * Stepping over an instruction ends any STI/MOV SS interrupt shadow
 * (APM vol. 2, 15.21.5) and clears RFLAGS.RF (SDM vol. 3, 18.3.1.1), as
 * executing it would have.  With RFLAGS.TF set the CPU would have trapped
 * after it: the single-step #DB, with DR6.BS (SDM vol. 3, 18.3.1.4), is
 * delivered now (KVM's kvm_vcpu_do_singlestep()).
 */
void lg_advance_rip(struct lg_vcpu *vcpu, unsigned int len, bool nrip)
{
	struct vmcb_control_area *c = &vcpu->vmcb->control;
	struct vmcb_save_area *s = &vcpu->vmcb->save;
	bool step = lg_nmi_rflags(vcpu) & X86_EFLAGS_TF;	/* before RIP moves */
	u64 rip;

	if (nrip && lg_hw->nrips && c->next_rip)
		rip = c->next_rip;
	else
		rip = s->rip + len;
	/*
	 * Outside 64-bit mode the instruction pointer wraps: at 4 GiB in
	 * 32-bit code, at 64 KiB in 16-bit code (CS.D clear), so an
	 * instruction that ends exactly there resumes at 0.
	 */
	if (!lg_code64(s))
		rip = (s->cs.attrib & SVM_SELECTOR_DB_MASK) ? (u32)rip : (u16)rip;
	s->rip = rip;
	s->rflags &= ~(u64)X86_EFLAGS_RF;
	c->int_state &= ~SVM_INTERRUPT_SHADOW_MASK;
	if (step) {
		s->dr6 = (s->dr6 & ~(u64)DR_TRAP_BITS) | DR_STEP;
		lg_inject_db(vcpu);
	}
}

/**
 * lg_skip_insn() - step the guest over the instruction that exited.
 * @vcpu: the guest.
 * @opcode: the bytes the instruction must have (no prefixes).
 * @len: their number.
 *
 * With nrip-save the CPU tells us the next RIP.  Without it (TCG has none)
 * we read the bytes at RIP through the guest's page tables and step over
 * them only if they are the instruction we expect: a prefixed or otherwise
 * surprising encoding kills the guest instead of resuming it mid-instruction.
 *
 * Return: 0, or -EFAULT after killing the guest.
 */
int lg_skip_insn(struct lg_vcpu *vcpu, const u8 *opcode, unsigned int len)
{
	struct vmcb_control_area *c = &vcpu->vmcb->control;
	u8 buf[16];

	if (!(lg_hw->nrips && c->next_rip)) {
		if (WARN_ON_ONCE(len > sizeof(buf)))
			return -EFAULT;
		if (lg_read_guest_code(vcpu, lg_rip_linear(vcpu), buf, len) ||
		    memcmp(buf, opcode, len)) {
			kill_guest(vcpu->lg, "cannot step over the instruction at rip 0x%llx (want %*ph)",
				   vcpu->vmcb->save.rip, len, opcode);
			return -EFAULT;
		}
	}
	lg_advance_rip(vcpu, len, true);
	return 0;
}

static enum lg_exit_action lg_exit_nothing(struct lg_vcpu *vcpu)
{
	/* INTR/NMI/SMI: the host takes it as soon as we set GIF again. */
	return LG_EXIT_CONTINUE;
}

/*T:520 HLT is where an idle guest gives the CPU back.  We step over it and,
 * if nothing is pending, mark the guest halted; the run loop then sleeps
 * until the timer fires or an interrupt is raised, instead of spinning. :*/
static enum lg_exit_action lg_exit_hlt(struct lg_vcpu *vcpu)
{
	static const u8 hlt[] = { 0xf4 };

	if (lg_skip_insn(vcpu, hlt, sizeof(hlt)))
		return LG_EXIT_CONTINUE;
	/* A flat image's way to say "done" (LGUEST_CREATE_HLT_EXIT). */
	if (vcpu->lg->hlt_exit) {
		lg_stop(vcpu->lg, LGUEST_EXIT_HLT, 0);
		return LG_EXIT_TO_USER;
	}
	/* An exception to deliver (a single-step #DB) ends HLT at once. */
	if (!lg_has_event(vcpu) && !(vcpu->vmcb->control.event_inj & SVM_EVTINJ_VALID))
		vcpu->halted = true;
	else
		WRITE_ONCE(vcpu->timer_fired, false);
	return LG_EXIT_CONTINUE;
}

static enum lg_exit_action lg_exit_invd(struct lg_vcpu *vcpu)
{
	static const u8 invd[] = { 0x0f, 0x08 }, wbinvd[] = { 0x0f, 0x09 };

	/* Our guest's caches are the host's: nothing to write back. */
	if (vcpu->vmcb->control.exit_code == SVM_EXIT_INVD)
		lg_skip_insn(vcpu, invd, sizeof(invd));
	else
		lg_skip_insn(vcpu, wbinvd, sizeof(wbinvd));
	return LG_EXIT_CONTINUE;
}

/* SVM instructions and friends we do not offer: #UD, as on a CPU without them. */
static enum lg_exit_action lg_exit_ud(struct lg_vcpu *vcpu)
{
	lg_inject_exception(vcpu, X86_TRAP_UD, false, 0);
	return LG_EXIT_CONTINUE;
}

/* RDPMC: we do not virtualize performance counters, so none exists: #GP. */
static enum lg_exit_action lg_exit_gp(struct lg_vcpu *vcpu)
{
	lg_inject_exception(vcpu, X86_TRAP_GP, true, 0);
	return LG_EXIT_CONTINUE;
}

static enum lg_exit_action lg_exit_unsupported(struct lg_vcpu *vcpu)
{
	kill_guest(vcpu->lg, "unsupported exit 0x%x (task switch, RSM or FERR) at rip 0x%llx",
		   vcpu->vmcb->control.exit_code, vcpu->vmcb->save.rip);
	return LG_EXIT_CONTINUE;
}

static enum lg_exit_action lg_exit_shutdown(struct lg_vcpu *vcpu)
{
	const struct vmcb_save_area *s = &vcpu->vmcb->save;
	u64 walk[4];

	/*
	 * After SHUTDOWN the VMCB's guest state is undefined (APM 15.12),
	 * but what it says is often the best clue there is: logged as is.
	 */
	if (__ratelimit(&lg_report_rs)) {
		pr_info("guest %d triple fault: rip 0x%llx rsp 0x%llx rflags 0x%llx cr0 0x%llx cr2 0x%llx cr3 0x%llx (hw 0x%llx) cr4 0x%llx cs 0x%x/0x%x ss 0x%x idt 0x%llx/0x%x tr 0x%llx gs 0x%llx; last injected 0x%x (err 0x%x), exit before 0x%x, exitintinfo 0x%x\n",
			task_tgid_nr(current), s->rip, vcpu->regs[LG_RSP], s->rflags,
			lg_guest_cr0(vcpu), s->cr2, lg_guest_cr3(vcpu), s->cr3, s->cr4,
			s->cs.selector, s->cs.attrib, s->ss.selector,
			s->idtr.base, s->idtr.limit, s->tr.base, s->gs.base,
			vcpu->last_event_inj, vcpu->last_event_inj_err, vcpu->prev_exit,
			vcpu->vmcb->control.exit_int_info);
		lg_exit_hist_show(vcpu, NULL);
	}
	lg_guest_walk_entries(vcpu, s->cr2, walk);
	kill_guest(vcpu->lg, "triple fault (shutdown) at rip 0x%llx rsp 0x%llx cr2 0x%llx, last injected event 0x%x; cr3 0x%llx, cr2's entries %llx %llx %llx %llx",
		   s->rip, vcpu->regs[LG_RSP], s->cr2, vcpu->last_event_inj,
		   lg_guest_cr3(vcpu), walk[0], walk[1], walk[2], walk[3]);
	return LG_EXIT_CONTINUE;
}

/*T:530 A nested page fault means the guest touched a guest-physical address
 * our nested page tables do not map.  Inside RAM, that is RAM touched for
 * the first time (by the access, or by the guest's page walk): we populate
 * its chunk (T:305) and the guest runs the access again.  Anywhere else it
 * is an access to device memory (the IOAPIC, virtio-mmio windows), or to
 * nothing at all: mmio.c decodes the instruction and finds the device, or
 * kills the guest with the address, the direction and where it was. :*/
static enum lg_exit_action lg_exit_npf(struct lg_vcpu *vcpu)
{
	struct vmcb_control_area *c = &vcpu->vmcb->control;
	u64 gpa = c->exit_info_2, err = c->exit_info_1;

	if (lg_gpa_range_ok(vcpu->lg, gpa, 1)) {
		/*
		 * Mapped already: another vCPU got there first, and the
		 * retry will find the mapping.  The same fault twice in a
		 * row, though, would only ever repeat.
		 */
		if (READ_ONCE(vcpu->lg->chunks[gpa >> LG_CHUNK_SHIFT].mapped) &&
		    vcpu->npf_ram_gpa == gpa + 1) {
			kill_guest(vcpu->lg, "nested page fault inside mapped RAM at gpa 0x%llx (error 0x%llx, rip 0x%llx)",
				   gpa, err, vcpu->vmcb->save.rip);
			return LG_EXIT_CONTINUE;
		}
		vcpu->npf_ram_gpa = gpa + 1;
		lg_mem_map(vcpu->lg, gpa);	/* kills the guest on failure */
		return LG_EXIT_CONTINUE;
	}
	return lg_mmio_exit(vcpu, gpa);
}

/*T:531 #AC and #DB are the benign exceptions a guest can turn into a
 * hang of the whole machine: an #AC raised while the CPU pushes the frame
 * of an #AC (a misaligned stack at CPL 3 with alignment checking on), or a
 * #DB raised by a data breakpoint on the #DB's own IDT entry or stack,
 * makes the CPU deliver the same exception again, forever, inside
 * microcode where no interrupt gets in (CVE-2015-5307, CVE-2015-8104).
 * So both are intercepted, as KVM does, and handed straight back: each
 * delivery is then an exit, where the host takes its interrupts and the
 * run loop its signals, and a guest in such a loop only spins itself. :*/
static enum lg_exit_action lg_exit_ac(struct lg_vcpu *vcpu)
{
	lg_count_exception(X86_TRAP_AC);
	/* #AC always pushes an error code of 0 (SDM vol. 3, 6.15). */
	lg_inject_exception(vcpu, X86_TRAP_AC, true, 0);
	return LG_EXIT_CONTINUE;
}

static enum lg_exit_action lg_exit_db(struct lg_vcpu *vcpu)
{
	lg_count_exception(X86_TRAP_DB);
	if (lg_nmi_db(vcpu))
		return LG_EXIT_CONTINUE;
	/*
	 * The CPU recognised the #DB before the intercept and wrote its
	 * status (B0-B3, BD, BS, BT) into the guest's DR6 in the VMCB (APM
	 * vol. 2, 15.12), which is what the guest's handler will read.
	 */
	lg_inject_db(vcpu);
	return LG_EXIT_CONTINUE;
}

/*T:532 A machine check (#MC) is the hardware reporting an error: the
 * host's business, whichever code was running.  It is intercepted so the
 * guest never sees it, and right after the exit, with interrupts still
 * off, the host's machine-check handler is run as if the #MC had hit a
 * user task (as KVM's kvm_machine_check() does): it logs the error and
 * decides, from the banks, whether the host can go on.  A guest cannot
 * raise a real #MC by itself; "int $18" in the guest is a software
 * interrupt and never gets here. :*/
static void lg_machine_check(void)
{
#ifdef CONFIG_X86_MCE
	struct pt_regs regs = {
		.cs = 3,	/* a user context, whatever the guest ran at */
		.flags = X86_EFLAGS_IF,
	};

	do_machine_check(&regs);
#endif
}

/* Already handled in lg_enter_guest(): nothing for the guest. */
static enum lg_exit_action lg_exit_mc(struct lg_vcpu *vcpu)
{
	lg_count_exception(X86_TRAP_MC);
	return LG_EXIT_CONTINUE;
}

typedef enum lg_exit_action (*lg_exit_fn)(struct lg_vcpu *vcpu);

/*T:540 Every #VMEXIT lands here, in a table indexed by the exit code of
 * APM vol. 2, appendix C.  A code with no entry is one we never asked for;
 * the guest is killed with the number rather than guessed at. :*/
static const lg_exit_fn lg_exit_handlers[SVM_EXIT_NPF + 1] = {
	/* Shadow paging only (shadow.c): CR0/CR3 reads and writes, CR4 writes, #PF, INVLPG. */
	[SVM_EXIT_READ_CR0]	= lg_exit_cr,
	[SVM_EXIT_READ_CR3]	= lg_exit_cr,
	[SVM_EXIT_WRITE_CR0]	= lg_exit_cr,
	[SVM_EXIT_WRITE_CR3]	= lg_exit_cr,
	[SVM_EXIT_WRITE_CR4]	= lg_exit_cr,
	[SVM_EXIT_EXCP_BASE + X86_TRAP_PF] = lg_exit_pf,
	[SVM_EXIT_EXCP_BASE + X86_TRAP_DB] = lg_exit_db,
	[SVM_EXIT_EXCP_BASE + X86_TRAP_UD] = lg_exit_ud,
	[SVM_EXIT_EXCP_BASE + X86_TRAP_AC] = lg_exit_ac,
	[SVM_EXIT_EXCP_BASE + X86_TRAP_MC] = lg_exit_mc,
	[SVM_EXIT_INVLPG]	= lg_exit_invlpg,
	[SVM_EXIT_INTR]		= lg_exit_nothing,
	[SVM_EXIT_VINTR]	= lg_exit_nothing,	/* VT-x: a window opened */
	[SVM_EXIT_NMI]		= lg_exit_nothing,
	[SVM_EXIT_SMI]		= lg_exit_nothing,
	[SVM_EXIT_CPUID]	= lg_exit_cpuid,
	[SVM_EXIT_IRET]		= lg_exit_iret,
	[SVM_EXIT_RSM]		= lg_exit_unsupported,
	[SVM_EXIT_INVD]		= lg_exit_invd,
	[SVM_EXIT_HLT]		= lg_exit_hlt,
	[SVM_EXIT_INVLPGA]	= lg_exit_ud,
	[SVM_EXIT_IOIO]		= lg_exit_ioio,
	[SVM_EXIT_MSR]		= lg_exit_msr,
	[SVM_EXIT_TASK_SWITCH]	= lg_exit_unsupported,
	[SVM_EXIT_FERR_FREEZE]	= lg_exit_unsupported,
	[SVM_EXIT_SHUTDOWN]	= lg_exit_shutdown,
	[SVM_EXIT_VMRUN]	= lg_exit_ud,
	[SVM_EXIT_VMMCALL]	= lg_exit_vmmcall,
	[SVM_EXIT_VMLOAD]	= lg_exit_ud,
	[SVM_EXIT_VMSAVE]	= lg_exit_ud,
	[SVM_EXIT_STGI]		= lg_exit_ud,
	[SVM_EXIT_CLGI]		= lg_exit_ud,
	[SVM_EXIT_SKINIT]	= lg_exit_ud,
	[SVM_EXIT_WBINVD]	= lg_exit_invd,
	[SVM_EXIT_MONITOR]	= lg_exit_ud,
	[SVM_EXIT_MWAIT]	= lg_exit_ud,
	[SVM_EXIT_XSETBV]	= lg_exit_xsetbv,
	[SVM_EXIT_RDPRU]	= lg_exit_ud,
	[SVM_EXIT_RDPMC]	= lg_exit_gp,
	[SVM_EXIT_READ_DR0 ... SVM_EXIT_READ_DR7]	= lg_exit_dr,
	[SVM_EXIT_WRITE_DR0 ... SVM_EXIT_WRITE_DR7]	= lg_exit_dr,
	[SVM_EXIT_NPF]		= lg_exit_npf,
};

/* An event raised by an instruction, which runs again after the exit. */
static bool lg_event_is_soft(u32 info)
{
	u32 type = info & SVM_EXITINTINFO_TYPE_MASK;
	u8 vec = info & SVM_EXITINTINFO_VEC_MASK;

	return type == SVM_EXITINTINFO_TYPE_SOFT ||
	       (type == SVM_EXITINTINFO_TYPE_EXEPT &&
		(vec == X86_TRAP_BP || vec == X86_TRAP_OF));
}

static enum lg_exit_action lg_handle_exit(struct lg_vcpu *vcpu)
{
	struct vmcb_control_area *c = &vcpu->vmcb->control;
	u32 code, info;

	/* The backend's last word on what the exit was (VT-x: VMMCALL). */
	if (lg_hw->exit_decode)
		lg_hw->exit_decode(vcpu);
	code = c->exit_code;
	trace_lguest_exit(code, vcpu->vmcb->save.rip, c->exit_info_1, c->exit_info_2);
	vcpu->prev_exit = vcpu->this_exit;
	vcpu->this_exit = code;

	/*
	 * An event the CPU was delivering when it exited (an interrupt
	 * meeting a nested page fault, say) was not delivered: give it
	 * again.  A software interrupt, INT3 or INTO, is redone by executing
	 * the instruction again (RIP still points at it), as KVM does.
	 */
	info = lg_virq_complete(vcpu) ? 0 : c->exit_int_info;
	c->event_inj = 0;
	if ((info & SVM_EXITINTINFO_VALID) && !lg_event_is_soft(info)) {
		c->event_inj = info;
		c->event_inj_err = c->exit_int_info_err;
	}

	lg_nmi_after_exit(vcpu);

	if (code == (u32)SVM_EXIT_ERR) {
		/*
		 * The guest never ran: report the RIP we gave VMRUN.  What the
		 * save area holds now is not the guest's (QEMU's TCG writes
		 * the host's RIP there, which the launcher must not see).
		 */
		vcpu->vmcb->save.rip = vcpu->entry_rip;
		kill_guest(vcpu->lg, "VMRUN refused the guest state (VMEXIT_INVALID) at rip 0x%llx",
			   vcpu->entry_rip);
		return LG_EXIT_CONTINUE;
	}
	if (code < ARRAY_SIZE(lg_exit_handlers) && lg_exit_handlers[code])
		return lg_exit_handlers[code](vcpu);
	kill_guest(vcpu->lg, "unexpected exit 0x%x at rip 0x%llx (info 0x%llx 0x%llx)",
		   code, vcpu->vmcb->save.rip, c->exit_info_1, c->exit_info_2);
	return LG_EXIT_CONTINUE;
}

/*T:410 Entering the guest, from C.  Interrupts off, then GIF off (CLGI):
 * from here until STGI the host takes no interrupt, NMI or SMI, and anything
 * that arrives while the guest runs makes it exit instead (we intercept
 * INTR and NMI), to be taken the moment we set GIF again.  Around the
 * switch go the pieces of state the guest owns but VMRUN does not switch:
 * XCR0 and TSC_AUX; the FPU registers, loaded again if the host used them
 * while we were switched out; and the TLB flush when the guest moved to another
 * CPU, since its ASID's entries on the old CPU may be stale by the time it
 * returns.  Pending interrupts are looked at here too, with the host's
 * off, so that a device's kick cannot slip in between. :*/
static bool lg_enter_guest(struct lg_vcpu *vcpu, u64 host_xcr0)
{
	struct vmcb_control_area *c = &vcpu->vmcb->control;
	bool swap_xcr0, swap_aux;
	u32 host_pkru = 0, host_aux = 0;
	int cpu;

	/*
	 * The backend's per-CPU hold on the vCPU (VT-x: its VMCS current on
	 * this CPU) needs interrupts on and must last until after the exit.
	 */
	preempt_disable();
	if (lg_hw->vcpu_load && lg_hw->vcpu_load(vcpu)) {
		preempt_enable();
		return false;
	}
	local_irq_disable();
	/*
	 * A request, a stop or a signal that came since the run loop looked
	 * (its kick, an IPI, may have landed before interrupts went off, and
	 * is gone): back to the loop, which handles it, rather than into the
	 * guest until its next exit.  After this point a kick stays pending
	 * and makes VMRUN exit at once (KVM checks the same way).
	 */
	if (READ_ONCE(vcpu->requests) || lg_stopped(vcpu->lg) || signal_pending(current)) {
		local_irq_enable();
		preempt_enable();
		return false;
	}
	/*
	 * Interrupts are looked at only now, with the host's off: a device
	 * that raises one later finds us on this CPU and kicks us with an
	 * IPI, which stays pending and makes VMRUN exit at once.  Looked at
	 * any earlier, that kick could land before VMRUN and be lost, and the
	 * interrupt would wait for the guest's next exit.
	 */
	lg_inject_pending(vcpu);
	lg_hw->inject_nmi(vcpu);
	/*
	 * The guest's FPU state is this task's while LGUEST_RUN lasts
	 * (fpu_swap_kvm_fpstate()), but the registers keep it only until
	 * the task is switched out or a softirq borrows the FPU: both save it
	 * to memory and set TIF_NEED_FPU_LOAD, leaving someone else's values
	 * in the registers.  Load it back before the guest sees them (KVM
	 * does the same); with interrupts off nobody can take it again.
	 */
	if (test_thread_flag(TIF_NEED_FPU_LOAD))
		switch_fpu_return();
	cpu = smp_processor_id();
	if (vcpu->last_cpu != cpu || vcpu->asid == LG_SHARED_ASID) {
		lg_flush_guest_tlb(vcpu);
		vcpu->last_cpu = cpu;
	}
	lg_kvmclock_update(vcpu, cpu);
	swap_xcr0 = (vcpu->vmcb->save.cr4 & X86_CR4_OSXSAVE) && vcpu->xcr0 != host_xcr0;
	if (cpu_feature_enabled(X86_FEATURE_OSPKE))
		host_pkru = rdpkru();

	lg_spec_enter(vcpu);

	lg_hw->events_off(vcpu);
	if (swap_xcr0)
		xsetbv(XCR_XFEATURE_ENABLED_MASK, vcpu->xcr0);
	/*
	 * TSC_AUX holds the host's CPU number, and RDTSCP and RDPID read it
	 * with no intercept (SVM has none for RDPID): the guest's value is
	 * in the MSR while it runs, the host's back before anything of the
	 * host can run (interrupts and GIF are off until then).
	 */
	swap_aux = lg_has_tsc_aux();
	if (swap_aux) {
		host_aux = (u32)__rdmsr(MSR_TSC_AUX);
		swap_aux = host_aux != vcpu->tsc_aux;
		if (swap_aux)
			native_wrmsrl(MSR_TSC_AUX, vcpu->tsc_aux);
	}
	/*
	 * The guest's breakpoints, if its DR7 (loaded by VMRUN) enables one:
	 * the host's DR7 off first, so that none of the host's fires on the
	 * guest's addresses meanwhile.  #VMEXIT leaves DR7 disabled (0x400).
	 */
	if (vcpu->vmcb->save.dr7 & 0xff) {
		if (hw_breakpoint_active())
			set_debugreg(0, 7);
		set_debugreg(vcpu->dr[0], 0);
		set_debugreg(vcpu->dr[1], 1);
		set_debugreg(vcpu->dr[2], 2);
		set_debugreg(vcpu->dr[3], 3);
	}
	vcpu->last_event_inj = c->event_inj;
	vcpu->entry_rip = vcpu->vmcb->save.rip;
	vcpu->last_event_inj_err = c->event_inj_err;
	lg_hw->run(vcpu);
	/*
	 * VMSCAPE (CVE-2025-40300): what the guest left in the branch
	 * predictors could steer the launcher, or any process this CPU
	 * returns to.  Where the host mitigates it with an IBPB before the
	 * next return to user space, tell it this CPU ran a guest, as KVM's
	 * vcpu_enter_guest() does; set on this CPU, before we can migrate.
	 */
	if (cpu_feature_enabled(X86_FEATURE_IBPB_EXIT_TO_USER))
		this_cpu_write(x86_ibpb_exit_to_user, true);
	lg_exit_record(vcpu);
	if (swap_xcr0)
		xsetbv(XCR_XFEATURE_ENABLED_MASK, host_xcr0);
	if (swap_aux)
		native_wrmsrl(MSR_TSC_AUX, host_aux);
	if (cpu_feature_enabled(X86_FEATURE_OSPKE) && rdpkru() != host_pkru)
		wrpkru(host_pkru);
	/*
	 * #VMEXIT leaves DR7 disabled; put back the host's breakpoints
	 * (DR0-DR3, DR6, DR7), which the guest's may have replaced.
	 */
	if (hw_breakpoint_active())
		hw_breakpoint_restore();
	lg_hw->events_on(vcpu);
	if (unlikely(c->exit_code == SVM_EXIT_EXCP_BASE + X86_TRAP_MC))
		lg_machine_check();
	local_irq_enable();
	preempt_enable();
	return true;
}

/*
 * The requests other contexts left for this vCPU (lg_request()), done here,
 * at the one point before VMRUN where the vCPU is neither in guest mode nor
 * asleep.  A stop is sticky: it is never cleared.  Return: true to leave
 * LGUEST_RUN.
 */
static bool lg_check_requests(struct lg_vcpu *vcpu)
{
	if (test_bit(LG_REQ_STOP, &vcpu->requests) || lg_stopped(vcpu->lg))
		return true;
	if (test_and_clear_bit(LG_REQ_INIT, &vcpu->requests))
		lg_vcpu_init_signal(vcpu);
	if (test_and_clear_bit(LG_REQ_SIPI, &vcpu->requests))
		lg_vcpu_sipi(vcpu, READ_ONCE(vcpu->sipi_vector));
	return false;
}

/*T:420 And this is the run loop, the ancestor's run_guest() on new metal,
 * run by each vCPU's thread.  Each time round: do what other contexts
 * asked of this vCPU (stop, INIT, start-up IPI); go back to the launcher
 * with -EINTR if a signal is pending (that is what makes Ctrl-C work even
 * against a guest spinning with interrupts off, since every host timer tick
 * is an exit); let the scheduler in; sleep if the vCPU halted or waits for
 * a start-up IPI; inject what is pending; run; dispatch the exit.  The
 * guest's FPU state is swapped in once per LGUEST_RUN, not per exit. :*/
/**
 * lg_run() - run a vCPU until the guest needs the launcher (LGUEST_RUN).
 * @vcpu: the vCPU, with its lock held.
 * @run: filled in when the guest stopped.
 *
 * Return: 0 with @run filled in, or -EINTR on a signal.
 */
int lg_run(struct lg_vcpu *vcpu, struct lguest_run *run)
{
	struct lguest *lg = vcpu->lg;
	u64 host_xcr0 = boot_cpu_has(X86_FEATURE_XSAVE) ?
			xgetbv(XCR_XFEATURE_ENABLED_MASK) : 0;
	unsigned long flags;
	int ret = 0;

	if (!READ_ONCE(lg->ran)) {
		/* No device may be added from now on (lg_add_device()). */
		if (mutex_lock_killable(&lg->lock))
			return -EINTR;
		WRITE_ONCE(lg->ran, true);
		mutex_unlock(&lg->lock);
	}
	WRITE_ONCE(vcpu->task, current);
	fpu_swap_kvm_fpstate(&vcpu->gfpu, true);
	for (;;) {
		if (READ_ONCE(vcpu->requests) && lg_check_requests(vcpu))
			break;
		if (lg_stopped(lg))
			break;
		if (signal_pending(current)) {
			ret = -EINTR;
			break;
		}
		cond_resched();
		if (vcpu->halted || vcpu->state != LG_VCPU_RUNNABLE) {
			lg_console_flush_locked(lg);
			if (wait_event_interruptible(vcpu->wq, lg_has_event(vcpu))) {
				ret = -EINTR;
				break;
			}
			if (vcpu->state != LG_VCPU_RUNNABLE)
				continue;	/* only a request woke it */
			vcpu->halted = false;
			WRITE_ONCE(vcpu->timer_fired, false);
			continue;
		}
		if (vcpu->id == 0 && lg_uart_has_event(lg) &&
		    !mutex_lock_interruptible(&lg->io_lock)) {
			lg_uart_poll(lg);
			mutex_unlock(&lg->io_lock);
		}
		if (!lg_enter_guest(vcpu, host_xcr0))
			continue;
		if (lg_handle_exit(vcpu) == LG_EXIT_TO_USER)
			break;
	}
	fpu_swap_kvm_fpstate(&vcpu->gfpu, false);
	WRITE_ONCE(vcpu->task, NULL);
	lg_console_flush_locked(lg);
	if (ret)
		return ret;

	memset(run, 0, sizeof(*run));
	spin_lock_irqsave(&lg->stop_lock, flags);
	run->reason = lg->stop;
	run->status = lg->stop_status;
	if (lg->stop == LGUEST_EXIT_KILLED)
		strscpy(run->kill_reason, lg->kill_reason, sizeof(run->kill_reason));
	spin_unlock_irqrestore(&lg->stop_lock, flags);
	return 0;
}
