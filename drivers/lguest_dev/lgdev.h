/* SPDX-License-Identifier: GPL-2.0 */
/*
 * lgdev.h - what the pieces of lguest_dev.ko share: the virtio-mmio device
 * (transport.c), the device types plugged into it (console.c, blk.c, net.c,
 * rng.c), and the constructors main.c dispatches to.
 */
#ifndef _LGUEST_DEV_LGDEV_H
#define _LGUEST_DEV_LGDEV_H

#include <linux/lguest_backend.h>
#include <linux/memcontrol.h>
#include <linux/sched/mm.h>
#include <linux/spinlock.h>
#include <linux/types.h>

#include "virtqueue.h"

/*
 * What a guest's requests allocate while it runs: charged to the launcher,
 * and, with its memory cgroup full (guest RAM, allocated as touched, may
 * fill it), a failure the request reports rather than the OOM killer
 * choosing some process of the cgroup.
 */
#define LGDEV_GFP	(GFP_KERNEL_ACCOUNT | __GFP_RETRY_MAYFAIL | __GFP_NOWARN)

#define LGDEV_MAX_QUEUES	2
#define LGDEV_CONFIG_MAX	256

struct lgdev;
struct seq_file;

/**
 * struct lgdev_type - one kind of virtio device.
 * @name: for messages.
 * @device_id: the virtio device ID (DeviceID register).
 * @nvqs: how many virtqueues it has (at most %LGDEV_MAX_QUEUES).
 * @notify: the guest kicked queue @q (vCPU thread, guest lock held, only
 *	after DRIVER_OK and while the device does not need a reset).
 * @reset: stop and wait for all work in flight; after it returns nothing
 *	touches the queues until the guest sets them up again.  May sleep.
 *	Called for a device reset, a queue stopped with QueueReady = 0, and
 *	before @destroy.
 * @destroy: free the device (its work already stopped by @reset).
 * @show: optional: a few more lines for debugfs (any thread, a snapshot).
 */
struct lgdev_type {
	const char *name;
	u32 device_id;
	unsigned int nvqs;
	void (*notify)(struct lgdev *d, unsigned int q);
	void (*reset)(struct lgdev *d);
	void (*destroy)(struct lgdev *d);
	void (*show)(struct lgdev *d, struct seq_file *m);
};

/**
 * struct lgdev - a virtio-mmio (version 2) device; device types embed it.
 * @ldev: what lguest.ko knows of the device.
 * @type: the device type.
 * @features: the device's feature bits (DeviceFeatures).
 * @driver_features: what the driver wrote (DriverFeatures).
 * @features_sel: DeviceFeaturesSel.
 * @driver_features_sel: DriverFeaturesSel.
 * @queue_sel: QueueSel.
 * @lock: guards @status and @isr, which I/O workers change too.
 * @status: the Status register.
 * @isr: the InterruptStatus register.
 * @config: the device configuration space, little-endian.
 * @config_len: its size in bytes.
 * @vqs: the virtqueues.
 * @memcg: the launcher's memory cgroup (a reference), charged for what
 *	the device allocates for the guest in workers (lgdev_charge()).
 */
struct lgdev {
	struct lguest_device ldev;
	const struct lgdev_type *type;
	u64 features;
	u64 driver_features;
	u32 features_sel;
	u32 driver_features_sel;
	u32 queue_sel;
	spinlock_t lock;
	u32 status;
	u32 isr;
	u8 config[LGDEV_CONFIG_MAX];
	unsigned int config_len;
	struct lgdev_vq vqs[LGDEV_MAX_QUEUES];
	struct mem_cgroup *memcg;
};

/**
 * lgdev_charge() - from here, a worker's %__GFP_ACCOUNT allocations are
 *	charged to the launcher's memory cgroup, not the worker's (root).
 * @d: the device.
 *
 * Return: what lgdev_uncharge() restores.
 */
static inline struct mem_cgroup *lgdev_charge(struct lgdev *d)
{
	return set_active_memcg(d->memcg);
}

/**
 * lgdev_uncharge() - end what lgdev_charge() began.
 * @old: its return value.
 */
static inline void lgdev_uncharge(struct mem_cgroup *old)
{
	set_active_memcg(old);
}

void lgdev_setup(struct lgdev *d, struct lguest *lg, const struct lguest_device_desc *desc,
		const struct lgdev_type *type, u64 features);
bool lgdev_has_feature(const struct lgdev *d, unsigned int bit);
void lgdev_interrupt(struct lgdev *d, u32 bits);
__printf(2, 3) void lgdev_needs_reset(struct lgdev *d, const char *fmt, ...);
bool lgdev_broken(struct lgdev *d);

struct lguest_device *lgdev_rng_create(struct lguest *lg,
				       const struct lguest_device_desc *desc,
				       struct file *files[LGUEST_DEVICE_FDS]);
struct lguest_device *lgdev_console_create(struct lguest *lg,
					   const struct lguest_device_desc *desc,
					   struct file *files[LGUEST_DEVICE_FDS]);
struct lguest_device *lgdev_blk_create(struct lguest *lg,
				       const struct lguest_device_desc *desc,
				       struct file *files[LGUEST_DEVICE_FDS]);
struct lguest_device *lgdev_net_create(struct lguest *lg,
				       const struct lguest_device_desc *desc,
				       struct file *files[LGUEST_DEVICE_FDS]);

#endif /* _LGUEST_DEV_LGDEV_H */
