// SPDX-License-Identifier: GPL-2.0
/*
 * rng.c - virtio-rng: one request queue whose writable buffers we fill
 * from get_random_bytes(), right in the notify (the vCPU thread), with a
 * bound on the bytes per notify so a guest cannot keep its vCPU thread in
 * the host kernel for long.
 */
#define pr_fmt(fmt) "lguest_dev: " fmt

#include <linux/random.h>
#include <linux/slab.h>
#include <linux/virtio_ids.h>

#include "lgdev.h"

/* At most this much randomness per chain, and per notify. */
#define LGDEV_RNG_CHAIN_MAX	4096
#define LGDEV_RNG_NOTIFY_MAX	65536

struct lgdev_rng {
	struct lgdev dev;
	struct lgdev_chain *chain;
};

/* Fill @c's writable buffers, up to @max bytes; returns the bytes written. */
static u32 rng_fill(struct lgdev *d, const struct lgdev_chain *c, u32 max)
{
	u8 tmp[64];
	u32 done = 0;

	max = min_t(u64, max, c->in_len);
	while (done < max) {
		u32 n = min_t(u32, sizeof(tmp), max - done);

		get_random_bytes(tmp, n);
		if (lgdev_chain_copy(d, c, true, done, tmp, n))
			break;
		done += n;
	}
	memzero_explicit(tmp, sizeof(tmp));
	return done;
}

/*
 * Buffers left when the budget runs out wait for the next notify (Linux's
 * driver has one buffer out at a time, so this never happens to it).
 */
static void rng_notify(struct lgdev *d, unsigned int q)
{
	struct lgdev_rng *rng = container_of(d, struct lgdev_rng, dev);
	struct lgdev_vq *vq = &d->vqs[q];
	u32 budget = LGDEV_RNG_NOTIFY_MAX;
	int r = 0;

	do {
		while (budget && (r = lgdev_vq_pop(vq, rng->chain)) > 0) {
			u32 n = rng_fill(d, rng->chain, min_t(u32, budget, LGDEV_RNG_CHAIN_MAX));

			budget -= n;
			lgdev_vq_push(vq, rng->chain->head, n);
		}
		if (r < 0 || !budget)
			return;
	} while (lgdev_vq_more(vq));
}

/* All the work is done inside notify: nothing is ever in flight. */
static void rng_reset(struct lgdev *d)
{
}

static void rng_destroy(struct lgdev *d)
{
	struct lgdev_rng *rng = container_of(d, struct lgdev_rng, dev);

	kfree(rng->chain);
	kfree(rng);
}

static const struct lgdev_type rng_type = {
	.name		= "virtio-rng",
	.device_id	= VIRTIO_ID_RNG,
	.nvqs		= 1,
	.notify		= rng_notify,
	.reset		= rng_reset,
	.destroy	= rng_destroy,
};

/**
 * lgdev_rng_create() - make a virtio-rng device.
 * @lg: the guest.
 * @desc: the launcher's description (already checked by main.c).
 * @files: unused (all NULL).
 *
 * Return: the device or ERR_PTR(-ENOMEM).
 */
struct lguest_device *lgdev_rng_create(struct lguest *lg,
				       const struct lguest_device_desc *desc,
				       struct file *files[LGUEST_DEVICE_FDS])
{
	struct lgdev_rng *rng = kzalloc(sizeof(*rng), GFP_KERNEL_ACCOUNT);

	if (!rng)
		return ERR_PTR(-ENOMEM);
	rng->chain = lgdev_chain_alloc();
	if (!rng->chain) {
		kfree(rng);
		return ERR_PTR(-ENOMEM);
	}
	lgdev_setup(&rng->dev, lg, desc, &rng_type, 0);
	return &rng->dev.ldev;
}
