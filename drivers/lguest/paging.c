// SPDX-License-Identifier: GPL-2.0
/*
 * paging.c - which paging mode a new guest gets: nested paging or the
 * shadow MMU, from the launcher's LGUEST_CREATE flags or else the module's
 * paging= parameter.
 */
#include "lg.h"

#include <linux/moduleparam.h>

/* What the administrator chose: auto, npt or shadow (see lg_paging_mode()). */
static int lg_paging_param = LGUEST_PAGING_AUTO;

static int lg_paging_set(const char *val, const struct kernel_param *kp)
{
	if (sysfs_streq(val, "auto"))
		lg_paging_param = LGUEST_PAGING_AUTO;
	else if (sysfs_streq(val, "npt"))
		lg_paging_param = LGUEST_PAGING_NPT;
	else if (sysfs_streq(val, "shadow"))
		lg_paging_param = LGUEST_PAGING_SHADOW;
	else
		return -EINVAL;
	return 0;
}

static int lg_paging_get(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%s\n", lg_paging_name(lg_paging_param));
}

static const struct kernel_param_ops lg_paging_ops = {
	.set = lg_paging_set,
	.get = lg_paging_get,
};
module_param_cb(paging, &lg_paging_ops, NULL, 0644);
MODULE_PARM_DESC(paging, "default paging mode of new guests: auto (nested paging if the CPU has it), npt or shadow");

/**
 * lg_paging_name() - the name of a paging mode, as the parameter spells it.
 * @mode: an %LGUEST_PAGING_ value.
 *
 * Return: "auto", "npt", "shadow", "default", or "unavailable" for an
 * error from lg_paging_mode().
 */
const char *lg_paging_name(int mode)
{
	if (mode < 0)
		return "unavailable";
	switch (mode) {
	case LGUEST_PAGING_NPT: return "npt";
	case LGUEST_PAGING_SHADOW: return "shadow";
	case LGUEST_PAGING_AUTO: return "auto";
	}
	return "default";
}

/*T:550 Nested paging is the fast way to run a guest, but not the only one:
 * the ancestor ran for years on shadow page tables, and a CPU without NPT
 * (or a tester who wants to compare) still deserves a guest.  Each guest
 * picks its mode when it is created: the launcher's --paging, or else the
 * module's paging= parameter, whose "auto" means nested paging whenever
 * the CPU has it.  Asking for NPT on a CPU without it is an error, not a
 * silent downgrade. :*/
/**
 * lg_paging_mode() - the paging mode a new guest gets.
 * @flags: &struct lguest_create.flags (its paging bits).
 *
 * Return: %LGUEST_PAGING_NPT or %LGUEST_PAGING_SHADOW, or -EOPNOTSUPP.
 */
int lg_paging_mode(u32 flags)
{
	int mode = flags & LGUEST_CREATE_PAGING_MASK;

	if (mode == LGUEST_PAGING_DEFAULT)
		mode = READ_ONCE(lg_paging_param);
	if (mode == LGUEST_PAGING_AUTO)
		mode = lg_hw->nested_paging ? LGUEST_PAGING_NPT :
						       LGUEST_PAGING_SHADOW;
	if (mode == LGUEST_PAGING_NPT && !lg_hw->nested_paging)
		return -EOPNOTSUPP;
	return mode;
}
