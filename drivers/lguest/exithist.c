// SPDX-License-Identifier: GPL-2.0
/*
 * exithist.c - each vCPU's last %LG_EXIT_HIST exits, a ring the run loop
 * fills after every #VMEXIT (lg_exit_record(), inline in lg.h), shown in
 * debugfs ("exits") and put in the kernel log when a guest dies
 * (CONFIG_LGUEST_EXIT_HISTORY; without it the calls are empty stubs in lg.h
 * and the ring is not in struct lg_vcpu).
 */
#include "lg.h"

#include <linux/ratelimit.h>
#include <linux/sched.h>
#include <linux/seq_file.h>

/**
 * lg_exit_hist_show() - print the guest's last exits, oldest first.
 * @vcpu: the guest.
 * @m: where to, or NULL for the kernel log (callers take lg_report_rs).
 */
void lg_exit_hist_show(struct lg_vcpu *vcpu, struct seq_file *m)
{
	unsigned int i;

	for (i = 0; i < LG_EXIT_HIST; i++) {
		const struct lg_exit_rec *r =
			&vcpu->hist[(vcpu->hist_pos + i) % LG_EXIT_HIST];

		if (!r->code && !r->rip)
			continue;
		if (m)
			seq_printf(m, "inj 0x%08x exit 0x%03x intinfo 0x%08x shadow %u rip 0x%llx rflags 0x%llx\n",
				   r->inj, r->code, r->intinfo, r->int_state & 1, r->rip, r->rflags);
		else
			pr_info("guest %d: inj 0x%08x exit 0x%03x intinfo 0x%08x shadow %u rip 0x%llx rflags 0x%llx\n",
				task_tgid_nr(current), r->inj, r->code, r->intinfo,
				r->int_state & 1, r->rip, r->rflags);
	}
}

/**
 * lg_exit_hist_report() - put a dying vCPU's last exits in the kernel log,
 *	within the rate limit every guest shares.
 * @vcpu: the vCPU.
 */
void lg_exit_hist_report(struct lg_vcpu *vcpu)
{
	if (__ratelimit(&lg_report_rs))
		lg_exit_hist_show(vcpu, NULL);
}
