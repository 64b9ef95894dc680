/* SPDX-License-Identifier: GPL-2.0 */
/*
 * virtqueue.h - the device side of a virtio 1.x split virtqueue living in
 * guest RAM: taking descriptor chains off the available ring (every address,
 * length and index checked), giving them back on the used ring, and the
 * interrupt suppression rules (EVENT_IDX, VRING_AVAIL_F_NO_INTERRUPT).
 */
#ifndef _LGUEST_DEV_VIRTQUEUE_H
#define _LGUEST_DEV_VIRTQUEUE_H

#include <linux/bitops.h>
#include <linux/spinlock.h>
#include <linux/types.h>

struct lgdev;

/* The largest queue we offer (QueueNumMax), and the longest chain we take. */
#define LGDEV_QUEUE_MAX		256
#define LGDEV_CHAIN_MAX		256

/**
 * struct lgdev_buf - one guest buffer of a descriptor chain, already checked
 *	to lie inside guest RAM.
 * @addr: guest-physical start.
 * @len: bytes.
 * @write: device-writable (else device-readable).
 */
struct lgdev_buf {
	u64 addr;
	u32 len;
	bool write;
};

/**
 * struct lgdev_chain - a descriptor chain taken off the available ring.
 * @head: the head index, which goes back in the used ring.
 * @n: buffers in @buf.
 * @out_len: total bytes of the device-readable buffers (they come first).
 * @in_len: total bytes of the device-writable buffers.
 * @buf: the buffers, in chain order.
 */
struct lgdev_chain {
	u16 head;
	unsigned int n;
	u64 out_len;
	u64 in_len;
	struct lgdev_buf buf[];
};

/**
 * struct lgdev_vq - one split virtqueue of a device.
 * @dev: the device.
 * @index: the queue's number.
 * @lock: serializes the used ring (the vCPU thread and I/O workers both
 *	complete requests).
 * @ready: QueueReady; the addresses below have been checked.
 * @num: QueueNum.
 * @desc: guest-physical address of the descriptor table (QueueDesc).
 * @avail: of the available ring (QueueDriver).
 * @used: of the used ring (QueueDevice).
 * @last_avail: the next available-ring index to take.
 * @used_idx: our copy of the used ring's idx (under @lock).
 * @in_flight_map: heads taken off the available ring and not yet given
 *	back on the used ring (under @lock): a head is in flight at most
 *	once, so no queue has more than @num chains in flight.
 * @in_flight: how many bits of @in_flight_map are set (under @lock).
 * @in_flight_max: the most that ever were, since the device was made
 *	(debugfs).
 */
struct lgdev_vq {
	struct lgdev *dev;
	unsigned int index;
	spinlock_t lock;
	bool ready;
	u32 num;
	u64 desc, avail, used;
	u16 last_avail;
	u16 used_idx;
	DECLARE_BITMAP(in_flight_map, LGDEV_QUEUE_MAX);
	unsigned int in_flight;
	unsigned int in_flight_max;
};

struct lgdev_chain *lgdev_chain_alloc(void);
void lgdev_vq_reset(struct lgdev_vq *vq);
int lgdev_vq_check(struct lgdev_vq *vq);
int lgdev_vq_pop(struct lgdev_vq *vq, struct lgdev_chain *c);
bool lgdev_vq_more(struct lgdev_vq *vq);
void lgdev_vq_push(struct lgdev_vq *vq, u16 head, u32 len);
void lgdev_vq_push_n(struct lgdev_vq *vq, const u16 *heads, const u32 *lens, unsigned int n);
int lgdev_chain_copy(struct lgdev *d, const struct lgdev_chain *c, bool write,
		     u64 off, void *buf, size_t len);

#endif /* _LGUEST_DEV_VIRTQUEUE_H */
