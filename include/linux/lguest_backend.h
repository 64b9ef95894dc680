/* SPDX-License-Identifier: GPL-2.0 */
/*
 * lguest_backend.h - the small in-kernel API that lguest.ko offers to device
 * backends such as lguest_dev.ko (virtio-mmio devices served in the host
 * kernel).  A backend registers once at load and unregisters at unload; the
 * registration pins lguest.ko, so the hypervisor cannot leave under it.
 */
#ifndef _LINUX_LGUEST_BACKEND_H
#define _LINUX_LGUEST_BACKEND_H

#include <linux/list.h>
#include <linux/module.h>

/*
 * Bumped whenever struct lguest_backend or the functions below change in a
 * way a backend built against the old header would get wrong.
 */
#define LGUEST_BACKEND_API_VERSION	1

/**
 * struct lguest_backend - a device backend known to the hypervisor.
 * @name: short name shown in the log, e.g. "virtio-mmio".
 * @api_version: %LGUEST_BACKEND_API_VERSION the backend was built with.
 * @owner: the backend's module (THIS_MODULE).
 * @list: private to lguest.ko.
 */
struct lguest_backend {
	const char *name;
	unsigned int api_version;
	struct module *owner;
	struct list_head list;
};

int lguest_register_backend(struct lguest_backend *backend);
void lguest_unregister_backend(struct lguest_backend *backend);

#endif /* _LINUX_LGUEST_BACKEND_H */
