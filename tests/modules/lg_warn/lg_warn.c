// SPDX-License-Identifier: GPL-2.0
/*
 * lg_warn.c - test-only module, the harness's negative control: it fires a
 * WARN (with its "WARNING:" line and call trace) at load, so the test host's
 * kernel-log check must flag it.  A log check that passes this is broken.
 */
#define pr_fmt(fmt) "lg_warn: " fmt

#include <linux/bug.h>
#include <linux/module.h>

static int __init lg_warn_init(void)
{
	pr_info("planting a warning for the harness to find\n");
	WARN(1, "lg_warn: planted warning (negative control)\n");
	return 0;
}

static void __exit lg_warn_exit(void)
{
}

module_init(lg_warn_init);
module_exit(lg_warn_exit);
MODULE_DESCRIPTION("lguest test: planted WARN for the harness's log check");
MODULE_LICENSE("GPL");
