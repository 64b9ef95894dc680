// SPDX-License-Identifier: GPL-2.0
/*
 * main.c - lguest_dev.ko's entry: registers the in-kernel virtio-mmio
 * backend with lguest.ko through <linux/lguest_backend.h>.  The transport
 * and the console, block, net and rng devices hang off this registration.
 */
#define pr_fmt(fmt) "lguest_dev: " fmt

#include <linux/lguest_backend.h>
#include <linux/module.h>

static struct lguest_backend lgdev_backend = {
	.name		= "virtio-mmio",
	.api_version	= LGUEST_BACKEND_API_VERSION,
	.owner		= THIS_MODULE,
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
