// SPDX-License-Identifier: GPL-2.0
/*
 * main.c - lguest_dev.ko's entry: registers the in-kernel virtio-mmio
 * backend with lguest.ko through <linux/lguest_backend.h>.  The transport
 * and the console, block, net and rng devices hang off this registration.
 */
#define pr_fmt(fmt) "lguest_dev: " fmt

#include <linux/err.h>
#include <linux/lguest_backend.h>
#include <linux/module.h>
#include <linux/nospec.h>
#include <linux/string.h>

#include "lgdev.h"

/*
 * The launcher's description, beyond what lguest.ko checked: the file
 * descriptors the type needs and no others, and no fields of other types.
 */
static bool lgdev_desc_ok(const struct lguest_device_desc *desc,
			  struct file *files[LGUEST_DEVICE_FDS])
{
	if (desc->type != LGUEST_DEV_NET &&
	    (memchr_inv(desc->mac, 0, sizeof(desc->mac)) || desc->name[0]))
		return false;
	if ((desc->type == LGUEST_DEV_BLOCK && (desc->flags & ~LGUEST_DEV_F_READONLY)) ||
	    (desc->type == LGUEST_DEV_CONSOLE && (desc->flags & ~LGUEST_DEV_F_ESCAPE)) ||
	    (desc->type != LGUEST_DEV_BLOCK && desc->type != LGUEST_DEV_CONSOLE && desc->flags))
		return false;
	switch (desc->type) {
	case LGUEST_DEV_BLOCK:
		return files[0] && !files[1];
	case LGUEST_DEV_CONSOLE:
		return files[1];
	case LGUEST_DEV_NET:
	case LGUEST_DEV_RNG:
		return !files[0] && !files[1];
	}
	return true;
}

/*
 * Each device type's constructor and Kconfig option; the constructor is
 * NULL when the option is off (its file is then not built, and nothing
 * here refers to it).  Each CONFIG_ name is spelled out in full: fixdep
 * finds a file's options by their names in its text, and a name pasted
 * together with ## would leave this file out of the rebuild when the
 * option changes (found by scripts/kconfig-rand.sh).
 */
#define LGDEV_CTOR(on, opt, fn) { .option = opt, .create = (on) ? fn : NULL }

static const struct lgdev_ctor {
	const char *option;
	struct lguest_device *(*create)(struct lguest *lg,
					const struct lguest_device_desc *desc,
					struct file *files[LGUEST_DEVICE_FDS]);
} lgdev_ctors[] = {
	[LGUEST_DEV_NET] = LGDEV_CTOR(IS_ENABLED(CONFIG_LGUEST_DEV_NET),
				"LGUEST_DEV_NET", lgdev_net_create),
	[LGUEST_DEV_BLOCK] = LGDEV_CTOR(IS_ENABLED(CONFIG_LGUEST_DEV_BLK),
				"LGUEST_DEV_BLK", lgdev_blk_create),
	[LGUEST_DEV_CONSOLE] = LGDEV_CTOR(IS_ENABLED(CONFIG_LGUEST_DEV_CONSOLE),
				"LGUEST_DEV_CONSOLE", lgdev_console_create),
	[LGUEST_DEV_RNG] = LGDEV_CTOR(IS_ENABLED(CONFIG_LGUEST_DEV_RNG),
				"LGUEST_DEV_RNG", lgdev_rng_create),
};

/*
 * Called by lguest.ko for LGUEST_ADD_DEVICE, in process context under the
 * guest's lock.  On failure lguest.ko still owns (and puts) the files.
 * A type this module was built without is refused with -EOPNOTSUPP (the
 * launcher says so); -ENODEV stays "no backend for that at all".
 */
static struct lguest_device *lgdev_create(struct lguest *lg,
					  const struct lguest_device_desc *desc,
					  struct file *files[LGUEST_DEVICE_FDS])
{
	const struct lgdev_ctor *ctor;
	struct lguest_device *dev;

	if (desc->type >= ARRAY_SIZE(lgdev_ctors))
		return ERR_PTR(-ENODEV);
	ctor = &lgdev_ctors[array_index_nospec(desc->type, ARRAY_SIZE(lgdev_ctors))];
	if (!ctor->option)
		return ERR_PTR(-ENODEV);
	if (!ctor->create) {
		pr_info_ratelimited("device type %u in slot %u: not built in (CONFIG_%s is off)\n",
				    desc->type, desc->slot, ctor->option);
		return ERR_PTR(-EOPNOTSUPP);
	}
	if (!lgdev_desc_ok(desc, files)) {
		pr_warn_ratelimited("device type %u in slot %u: bad description (fds %d %d, flags 0x%x)\n",
			desc->type, desc->slot, desc->fds[0], desc->fds[1], desc->flags);
		return ERR_PTR(-EINVAL);
	}
	dev = ctor->create(lg, desc, files);
	if (!IS_ERR(dev))
		pr_info_ratelimited("device type %u in slot %u, irq %u\n",
				    desc->type, dev->slot, dev->irq);
	return dev;
}

static struct lguest_backend lgdev_backend = {
	.name		= "virtio-mmio",
	.api_version	= LGUEST_BACKEND_API_VERSION,
	.owner		= THIS_MODULE,
	.create		= lgdev_create,
};

/*T:900 Device backends come last in the tour, as they come last in a
 * guest's exit: the hypervisor decodes an access to a device page and hands
 * it here.  Registration is the handshake that makes the two modules agree
 * on the API between them. :*/
static int __init lgdev_init(void)
{
	return lguest_register_backend(&lgdev_backend);
}

static void __exit lgdev_exit(void)
{
	lguest_unregister_backend(&lgdev_backend);
}

module_init(lgdev_init);
module_exit(lgdev_exit);
MODULE_DESCRIPTION("lguest: in-kernel virtio devices");
MODULE_AUTHOR("The lguest developers");
MODULE_LICENSE("GPL");
