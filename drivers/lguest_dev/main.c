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
 * Called by lguest.ko for LGUEST_ADD_DEVICE, in process context under the
 * guest's lock.  On failure lguest.ko still owns (and puts) the files.
 */
static struct lguest_device *lgdev_create(struct lguest *lg,
					  const struct lguest_device_desc *desc,
					  struct file *files[LGUEST_DEVICE_FDS])
{
	struct lguest_device *dev;

	if (!lgdev_desc_ok(desc, files)) {
		pr_warn_ratelimited("device type %u in slot %u: bad description (fds %d %d, flags 0x%x)\n",
			desc->type, desc->slot, desc->fds[0], desc->fds[1], desc->flags);
		return ERR_PTR(-EINVAL);
	}
	switch (desc->type) {
	case LGUEST_DEV_RNG:
		dev = lgdev_rng_create(lg, desc, files);
		break;
	case LGUEST_DEV_BLOCK:
		dev = lgdev_blk_create(lg, desc, files);
		break;
	case LGUEST_DEV_NET:
		dev = lgdev_net_create(lg, desc, files);
		break;
	case LGUEST_DEV_CONSOLE:
		dev = lgdev_console_create(lg, desc, files);
		break;
	default:
		return ERR_PTR(-ENODEV);
	}
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
