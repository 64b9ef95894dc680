// SPDX-License-Identifier: GPL-2.0
/*
 * virtqueue.c - the device side of virtio 1.x split virtqueues in guest
 * RAM.  The guest owns that memory and may change it under us at any time,
 * so everything is read once, through lguest.ko's checked copies, and
 * checked before use: ring indices, descriptor chains (bounded, loop-free,
 * one level of indirection), and every buffer's range.
 */
#define pr_fmt(fmt) "lguest_dev: " fmt

#include <linux/slab.h>
#include <linux/virtio_config.h>
#include <linux/virtio_mmio.h>
#include <linux/virtio_ring.h>

#include "lgdev.h"


static struct lguest *vq_lg(const struct lgdev_vq *vq)
{
	return vq->dev->ldev.lg;
}

/*
 * Every device keeps one or two scratch chains per guest: the longest one
 * must fit a page (kmalloc-4k), or each would take an 8 KiB object.
 */
static_assert(sizeof(struct lgdev_chain) + LGDEV_CHAIN_MAX * sizeof(struct lgdev_buf) <=
	      PAGE_SIZE);

/**
 * lgdev_chain_alloc() - allocate room for the longest chain we accept.
 *
 * Return: the chain, or NULL.
 */
struct lgdev_chain *lgdev_chain_alloc(void)
{
	struct lgdev_chain *c;

	return kzalloc(struct_size(c, buf, LGDEV_CHAIN_MAX), GFP_KERNEL_ACCOUNT);
}

/**
 * lgdev_vq_reset() - forget a queue's setup (device reset).
 * @vq: the queue; no work may be in flight on it.
 */
void lgdev_vq_reset(struct lgdev_vq *vq)
{
	vq->ready = false;
	vq->num = 0;
	vq->desc = 0;
	vq->avail = 0;
	vq->used = 0;
	vq->last_avail = 0;
	vq->used_idx = 0;
	bitmap_zero(vq->in_flight_map, LGDEV_QUEUE_MAX);
	vq->in_flight = 0;
}

/**
 * lgdev_vq_check() - check the queue the driver set up, when it writes 1
 *	to QueueReady: size a power of two up to %LGDEV_QUEUE_MAX, the three
 *	parts aligned as the spec says and wholly inside guest RAM, which is
 *	populated now, so that no later ring access allocates (the used ring
 *	is written under the queue's spinlock).
 * @vq: the queue.
 *
 * Return: 0, or -EINVAL after putting the device in DEVICE_NEEDS_RESET
 * (or with the guest killed, if its RAM could not be had).
 */
int lgdev_vq_check(struct lgdev_vq *vq)
{
	struct lguest *lg = vq_lg(vq);
	u32 num = vq->num;

	if (!num || num > LGDEV_QUEUE_MAX || (num & (num - 1))) {
		lgdev_needs_reset(vq->dev, "queue %u: size %u is not a power of two up to %u",
				  vq->index, num, LGDEV_QUEUE_MAX);
		return -EINVAL;
	}
	if ((vq->desc & 15) || (vq->avail & 1) || (vq->used & 3) ||
	    lguest_gpa_populate(lg, vq->desc, 16ULL * num) ||
	    lguest_gpa_populate(lg, vq->avail, 6 + 2ULL * num) ||
	    lguest_gpa_populate(lg, vq->used, 6 + 8ULL * num)) {
		lgdev_needs_reset(vq->dev,
				  "queue %u: size %u, desc 0x%llx, driver 0x%llx, device 0x%llx misaligned or outside RAM",
				  vq->index, num, vq->desc, vq->avail, vq->used);
		return -EINVAL;
	}
	return 0;
}

static int vq_read16(struct lgdev_vq *vq, u64 gpa, u16 *val)
{
	__le16 v;
	int err = lguest_copy_from_guest(vq_lg(vq), &v, gpa, sizeof(v));

	*val = err ? 0 : le16_to_cpu(v);
	return err;
}

static int vq_write16(struct lgdev_vq *vq, u64 gpa, u16 val)
{
	__le16 v = cpu_to_le16(val);

	return lguest_copy_to_guest(vq_lg(vq), gpa, &v, sizeof(v));
}

/*T:910 A virtqueue lives in guest memory, so every word of it is a claim
 * the guest makes, not a fact.  A descriptor chain is walked with a budget
 * of the queue's size (a loop spends it and stops), an indirect table is
 * followed once and never from inside another, and every buffer's range is
 * checked against RAM, overflow included, and populated (RAM comes when
 * first touched), before anything touches it.  A
 * head stays marked from the moment we take it until it is back in the
 * used ring, and publishing it again meanwhile is an offence too: so no
 * queue ever has more chains in flight than its size, however fast the
 * guest republishes them, and so neither has what a backend allocates for
 * them.  A queue that breaks the rules is not argued with: the device goes to
 * NEEDS_RESET and the guest's driver must start over. :*/
/* Walk the chain at @head into @c. */
static int vq_walk(struct lgdev_vq *vq, u16 head, struct lgdev_chain *c)
{
	struct lguest *lg = vq_lg(vq);
	u64 table = vq->desc;
	u32 size = vq->num, seen = 0;
	bool indirect = false, writing = false;
	u16 i = head;

	c->head = head;
	c->n = 0;
	c->out_len = 0;
	c->in_len = 0;
	for (;;) {
		struct vring_desc desc;
		u64 addr;
		u32 len;
		u16 flags;

		if (++seen > size) {
			lgdev_needs_reset(vq->dev, "queue %u: chain at head %u loops (more than %u descriptors%s)",
					  vq->index, head, size, indirect ? " in its indirect table" : "");
			return -EINVAL;
		}
		if (lguest_copy_from_guest(lg, &desc, table + 16ULL * i, sizeof(desc))) {
			lgdev_needs_reset(vq->dev, "queue %u: descriptor %u at 0x%llx outside RAM",
					  vq->index, i, table + 16ULL * i);
			return -EINVAL;
		}
		addr = le64_to_cpu(desc.addr);
		len = le32_to_cpu(desc.len);
		flags = le16_to_cpu(desc.flags);

		if (flags & VRING_DESC_F_INDIRECT) {
			if (indirect || (flags & VRING_DESC_F_NEXT) ||
			    !lgdev_has_feature(vq->dev, VIRTIO_RING_F_INDIRECT_DESC) ||
			    !len || (len & 15) || len / 16 > LGDEV_CHAIN_MAX ||
			    (addr & 15) || !lguest_gpa_ok(lg, addr, len)) {
				lgdev_needs_reset(vq->dev,
						  "queue %u: bad indirect descriptor %u (addr 0x%llx len %u flags 0x%x%s)",
						  vq->index, i, addr, len, flags,
						  indirect ? ", nested" : "");
				return -EINVAL;
			}
			indirect = true;
			table = addr;
			size = len / 16;
			seen = 0;
			i = 0;
			continue;
		}
		if (c->n == LGDEV_CHAIN_MAX) {
			lgdev_needs_reset(vq->dev, "queue %u: chain at head %u longer than %u buffers",
					  vq->index, head, LGDEV_CHAIN_MAX);
			return -EINVAL;
		}
		if (!(flags & VRING_DESC_F_WRITE) && writing) {
			lgdev_needs_reset(vq->dev, "queue %u: chain at head %u has a readable buffer after a writable one",
					  vq->index, head);
			return -EINVAL;
		}
		/* Populated now: a backend copies to it under its locks. */
		if (lguest_gpa_populate(lg, addr, len)) {
			lgdev_needs_reset(vq->dev, "queue %u: buffer 0x%llx + %u (descriptor %u) outside RAM",
					  vq->index, addr, len, i);
			return -EINVAL;
		}
		writing = flags & VRING_DESC_F_WRITE;
		c->buf[c->n].addr = addr;
		c->buf[c->n].len = len;
		c->buf[c->n].write = writing;
		c->n++;
		if (writing)
			c->in_len += len;
		else
			c->out_len += len;
		if (!(flags & VRING_DESC_F_NEXT))
			return 0;
		i = le16_to_cpu(desc.next);
		if (i >= size) {
			lgdev_needs_reset(vq->dev, "queue %u: next index %u past table of %u",
					  vq->index, i, size);
			return -EINVAL;
		}
	}
}

/**
 * lgdev_vq_pop() - take the next available descriptor chain.
 * @vq: the queue (vCPU thread).
 * @c: filled with the chain (room for %LGDEV_CHAIN_MAX buffers).
 *
 * Return: 1 with a chain, now in flight until lgdev_vq_push() gives it
 * back; 0 if none is available (or the queue is not ready); -EINVAL if the
 * ring or chain was bad, or its head is already in flight (the device now
 * needs a reset).
 */
int lgdev_vq_pop(struct lgdev_vq *vq, struct lgdev_chain *c)
{
	u16 avail_idx, head;
	bool busy;
	int err;

	if (!vq->ready || lgdev_broken(vq->dev))
		return 0;
	if (vq_read16(vq, vq->avail + 2, &avail_idx))
		goto bad_ring;
	if (avail_idx == vq->last_avail)
		return 0;
	if ((u16)(avail_idx - vq->last_avail) > vq->num) {
		lgdev_needs_reset(vq->dev, "queue %u: available idx %u is more than %u past %u",
				  vq->index, avail_idx, vq->num, vq->last_avail);
		return -EINVAL;
	}
	/* Read the ring entry only after the index that published it. */
	virt_rmb();
	if (vq_read16(vq, vq->avail + 4 + 2ULL * (vq->last_avail & (vq->num - 1)), &head))
		goto bad_ring;
	if (head >= vq->num) {
		lgdev_needs_reset(vq->dev, "queue %u: head %u at available slot %u past size %u",
				  vq->index, head, vq->last_avail, vq->num);
		return -EINVAL;
	}
	/*
	 * A head the device still holds may not be published again (a split
	 * ring's chain belongs to the device from the moment it is made
	 * available until the device puts it in the used ring).  Refusing
	 * it bounds the chains in flight, and what the backends allocate for
	 * them, by the queue's size.
	 */
	spin_lock(&vq->lock);
	busy = test_bit(head, vq->in_flight_map);
	spin_unlock(&vq->lock);
	if (busy) {
		lgdev_needs_reset(vq->dev, "queue %u: head %u published again while in flight (%u in flight)",
				  vq->index, head, READ_ONCE(vq->in_flight));
		return -EINVAL;
	}
	err = vq_walk(vq, head, c);
	if (err)
		return err;
	spin_lock(&vq->lock);
	__set_bit(head, vq->in_flight_map);
	vq->in_flight++;
	vq->in_flight_max = max(vq->in_flight_max, vq->in_flight);
	spin_unlock(&vq->lock);
	vq->last_avail++;
	return 1;

bad_ring:
	lgdev_needs_reset(vq->dev, "queue %u: available ring 0x%llx unreadable", vq->index, vq->avail);
	return -EINVAL;
}

/**
 * lgdev_vq_more() - done taking chains for now: tell the driver (with
 *	EVENT_IDX) which index to notify us at, then look again, so a chain
 *	added meanwhile is not left waiting for a notify that will not come.
 * @vq: the queue (vCPU thread).
 *
 * Return: true if more chains are available.
 */
bool lgdev_vq_more(struct lgdev_vq *vq)
{
	u16 avail_idx;

	if (!vq->ready || lgdev_broken(vq->dev))
		return false;
	if (lgdev_has_feature(vq->dev, VIRTIO_RING_F_EVENT_IDX) &&
	    vq_write16(vq, vq->used + 4 + 8ULL * vq->num, vq->last_avail))
		return false;
	/* Our store above before the avail->idx load: pairs with the driver's mb. */
	virt_mb();
	if (vq_read16(vq, vq->avail + 2, &avail_idx))
		return false;
	return avail_idx != vq->last_avail;
}

/**
 * lgdev_vq_push_many() - give chains back on the used ring, publish them
 *	with one index update, and interrupt the guest once, unless it asked
 *	not to be (EVENT_IDX used_event anywhere in the batch, or
 *	VRING_AVAIL_F_NO_INTERRUPT without it).
 * @vq: the queue (any thread but interrupt context; serialized by @vq->lock).
 * @elems: each chain's head (taken by lgdev_vq_pop(): no longer in flight
 *	after this) and the bytes written into its writable buffers, CPU order.
 * @n: how many, at most the queue's size.
 *
 * Return: true if the guest was interrupted.
 */
bool lgdev_vq_push_many(struct lgdev_vq *vq, const struct lgdev_used *elems, unsigned int n)
{
	struct lguest *lg = vq_lg(vq);
	struct vring_used_elem elem;
	bool need = true;
	u16 old, event;
	unsigned int i;

	if (!n)
		return false;
	spin_lock(&vq->lock);
	if (!vq->ready || n > vq->num) {
		spin_unlock(&vq->lock);
		return false;
	}
	old = vq->used_idx;
	for (i = 0; i < n; i++) {
		u16 head = elems[i].head;

		/* No longer ours, before the driver can see it is not. */
		if (head < LGDEV_QUEUE_MAX && __test_and_clear_bit(head, vq->in_flight_map))
			vq->in_flight--;
		elem.id = cpu_to_le32(head);
		elem.len = cpu_to_le32(elems[i].len);
		if (lguest_copy_to_guest(lg, vq->used + 4 + 8ULL * ((u16)(old + i) & (vq->num - 1)),
					 &elem, sizeof(elem)))
			goto bad;
	}
	/* The entries must be visible before the index that publishes them. */
	virt_wmb();
	vq->used_idx = old + n;
	if (vq_write16(vq, vq->used + 2, vq->used_idx))
		goto bad;
	/* And the index before we look at what the driver wants. */
	virt_mb();
	if (lgdev_has_feature(vq->dev, VIRTIO_RING_F_EVENT_IDX)) {
		if (!vq_read16(vq, vq->avail + 4 + 2ULL * vq->num, &event))
			need = vring_need_event(event, vq->used_idx, old);
	} else if (!vq_read16(vq, vq->avail, &event)) {
		need = !(event & VRING_AVAIL_F_NO_INTERRUPT);
	}
	spin_unlock(&vq->lock);
	if (need)
		lgdev_interrupt(vq->dev, VIRTIO_MMIO_INT_VRING);
	return need;

bad:
	spin_unlock(&vq->lock);
	lgdev_needs_reset(vq->dev, "queue %u: used ring 0x%llx unwritable", vq->index, vq->used);
	return false;
}

/**
 * lgdev_vq_push() - give one chain back on the used ring and interrupt the
 *	guest unless it asked not to be: lgdev_vq_push_many() of one.
 * @vq: the queue (any thread; serialized by @vq->lock).
 * @head: the chain's head, taken by lgdev_vq_pop(): no longer in flight.
 * @len: bytes written into its writable buffers.
 */
void lgdev_vq_push(struct lgdev_vq *vq, u16 head, u32 len)
{
	struct lgdev_used e = { .head = head, .len = len };

	lgdev_vq_push_many(vq, &e, 1);
}

/**
 * lgdev_chain_copy() - copy between a kernel buffer and a chain's bytes,
 *	as if its readable (or writable) buffers were one array.
 * @d: the device.
 * @c: the chain.
 * @write: into the writable buffers (from @buf); else out of the readable
 *	ones (into @buf).
 * @off: byte offset into those buffers.
 * @buf: the kernel buffer.
 * @len: bytes.
 *
 * Return: 0, or -EFAULT if the buffers are too short or outside RAM.
 */
int lgdev_chain_copy(struct lgdev *d, const struct lgdev_chain *c, bool write,
		     u64 off, void *buf, size_t len)
{
	struct lguest *lg = d->ldev.lg;
	unsigned int i;

	for (i = 0; i < c->n && len; i++) {
		const struct lgdev_buf *b = &c->buf[i];
		size_t n;
		int err;

		if (b->write != write)
			continue;
		if (off >= b->len) {
			off -= b->len;
			continue;
		}
		n = min_t(u64, len, b->len - off);
		if (write)
			err = lguest_copy_to_guest(lg, b->addr + off, buf, n);
		else
			err = lguest_copy_from_guest(lg, buf, b->addr + off, n);
		if (err)
			return err;
		buf += n;
		len -= n;
		off = 0;
	}
	return len ? -EFAULT : 0;
}
