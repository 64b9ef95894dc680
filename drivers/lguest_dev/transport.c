// SPDX-License-Identifier: GPL-2.0
/*
 * transport.c - the virtio-mmio (version 2) register file of every device:
 * identification, feature negotiation, device status and reset, queue
 * setup, notifications, the level-triggered interrupt line with its
 * InterruptStatus/InterruptACK pair, and the device configuration space.
 */
#define pr_fmt(fmt) "lguest_dev: " fmt

#include <linux/kernel.h>
#include <linux/seq_file.h>
#include <linux/virtio_config.h>
#include <linux/virtio_mmio.h>
#include <linux/virtio_ring.h>

#include "lgdev.h"

#define LGDEV_MAGIC		0x74726976	/* "virt" */
#define LGDEV_VERSION		2
#define LGDEV_VENDOR		0x0047554c	/* "LUG" */
#define LGDEV_CONFIG_OFF	0x100

static struct lgdev *to_lgdev(struct lguest_device *ldev)
{
	return container_of(ldev, struct lgdev, ldev);
}

/**
 * lgdev_has_feature() - was a feature negotiated?
 * @d: the device.
 * @bit: the feature bit.
 *
 * Return: true if both the device offered and the driver accepted @bit.
 */
bool lgdev_has_feature(const struct lgdev *d, unsigned int bit)
{
	return d->features & d->driver_features & BIT_ULL(bit);
}

/* Called with d->lock held: the line follows InterruptStatus. */
static void lgdev_update_irq(struct lgdev *d)
{
	lguest_set_irq(d->ldev.lg, d->ldev.irq, d->isr != 0);
}

/**
 * lgdev_interrupt() - set InterruptStatus bits and assert the line.
 * @d: the device.
 * @bits: %VIRTIO_MMIO_INT_VRING and/or %VIRTIO_MMIO_INT_CONFIG.
 *
 * Any thread; the line stays up until the driver acknowledges every bit.
 */
void lgdev_interrupt(struct lgdev *d, u32 bits)
{
	spin_lock(&d->lock);
	d->isr |= bits;
	lgdev_update_irq(d);
	spin_unlock(&d->lock);
}

/**
 * lgdev_needs_reset() - the driver broke the rules: set DEVICE_NEEDS_RESET,
 *	tell it with a configuration change interrupt if it is running the
 *	device, and leave the queues alone until it resets the device.
 * @d: the device.
 * @fmt: what was wrong, with the offending values (logged, rate limited).
 */
void lgdev_needs_reset(struct lgdev *d, const char *fmt, ...)
{
	struct va_format vaf;
	va_list ap;

	va_start(ap, fmt);
	vaf.fmt = fmt;
	vaf.va = &ap;
	pr_warn_ratelimited("%s in slot %u needs a reset: %pV\n",
			    d->type->name, d->ldev.slot, &vaf);
	va_end(ap);

	spin_lock(&d->lock);
	d->status |= VIRTIO_CONFIG_S_NEEDS_RESET;
	if (d->status & VIRTIO_CONFIG_S_DRIVER_OK) {
		d->isr |= VIRTIO_MMIO_INT_CONFIG;
		lgdev_update_irq(d);
	}
	spin_unlock(&d->lock);
}

/**
 * lgdev_broken() - does the device wait for a reset?
 * @d: the device.
 *
 * Return: true if DEVICE_NEEDS_RESET is set.
 */
bool lgdev_broken(struct lgdev *d)
{
	return READ_ONCE(d->status) & VIRTIO_CONFIG_S_NEEDS_RESET;
}

/* Writing 0 to Status: stop the device's work, forget the driver. */
static void lgdev_reset(struct lgdev *d)
{
	unsigned int i;

	d->type->reset(d);
	for (i = 0; i < d->type->nvqs; i++) {
		spin_lock(&d->vqs[i].lock);
		lgdev_vq_reset(&d->vqs[i]);
		spin_unlock(&d->vqs[i].lock);
	}
	d->driver_features = 0;
	d->features_sel = 0;
	d->driver_features_sel = 0;
	d->queue_sel = 0;
	spin_lock(&d->lock);
	d->status = 0;
	d->isr = 0;
	lgdev_update_irq(d);
	spin_unlock(&d->lock);
}

/* Kick every ready queue: at DRIVER_OK, for buffers added before it. */
static void lgdev_kick_all(struct lgdev *d)
{
	unsigned int i;

	for (i = 0; i < d->type->nvqs; i++)
		if (d->vqs[i].ready && !lgdev_broken(d))
			d->type->notify(d, i);
}

static void lgdev_write_status(struct lgdev *d, u32 val)
{
	u32 old = READ_ONCE(d->status);

	if (!val) {
		lgdev_reset(d);
		return;
	}
	/*
	 * FEATURES_OK only sticks if the driver took VIRTIO_F_VERSION_1 (we
	 * speak nothing older) and nothing we did not offer; the driver
	 * reads Status back to see.
	 */
	if ((val & VIRTIO_CONFIG_S_FEATURES_OK) && !(old & VIRTIO_CONFIG_S_FEATURES_OK) &&
	    (!(d->driver_features & BIT_ULL(VIRTIO_F_VERSION_1)) ||
	     (d->driver_features & ~d->features)))
		val &= ~VIRTIO_CONFIG_S_FEATURES_OK;
	/* DRIVER_OK without FEATURES_OK is no way to run a device. */
	if ((val & VIRTIO_CONFIG_S_DRIVER_OK) && !(val & VIRTIO_CONFIG_S_FEATURES_OK))
		val &= ~VIRTIO_CONFIG_S_DRIVER_OK;
	spin_lock(&d->lock);
	/* Only a reset clears DEVICE_NEEDS_RESET; the driver cannot set it. */
	d->status = (val & ~VIRTIO_CONFIG_S_NEEDS_RESET) |
		    (d->status & VIRTIO_CONFIG_S_NEEDS_RESET);
	spin_unlock(&d->lock);
	if ((val & VIRTIO_CONFIG_S_DRIVER_OK) && !(old & VIRTIO_CONFIG_S_DRIVER_OK))
		lgdev_kick_all(d);
}

static struct lgdev_vq *lgdev_sel_vq(struct lgdev *d)
{
	return d->queue_sel < d->type->nvqs ? &d->vqs[d->queue_sel] : NULL;
}

static u32 lgdev_read_reg(struct lgdev *d, u64 off)
{
	struct lgdev_vq *vq = lgdev_sel_vq(d);

	switch (off) {
	case VIRTIO_MMIO_MAGIC_VALUE:
		return LGDEV_MAGIC;
	case VIRTIO_MMIO_VERSION:
		return LGDEV_VERSION;
	case VIRTIO_MMIO_DEVICE_ID:
		return d->type->device_id;
	case VIRTIO_MMIO_VENDOR_ID:
		return LGDEV_VENDOR;
	case VIRTIO_MMIO_DEVICE_FEATURES:
		return d->features_sel < 2 ? d->features >> (32 * d->features_sel) : 0;
	case VIRTIO_MMIO_QUEUE_NUM_MAX:
		return vq ? LGDEV_QUEUE_MAX : 0;
	case VIRTIO_MMIO_QUEUE_READY:
		return vq ? vq->ready : 0;
	case VIRTIO_MMIO_INTERRUPT_STATUS:
		return READ_ONCE(d->isr);
	case VIRTIO_MMIO_STATUS:
		return READ_ONCE(d->status);
	case VIRTIO_MMIO_SHM_LEN_LOW:
	case VIRTIO_MMIO_SHM_LEN_HIGH:
	case VIRTIO_MMIO_SHM_BASE_LOW:
	case VIRTIO_MMIO_SHM_BASE_HIGH:
		return ~0U;	/* no shared memory regions */
	case VIRTIO_MMIO_CONFIG_GENERATION:
		return 0;	/* our configuration never changes */
	}
	return 0;	/* write-only or unknown registers read as 0 */
}

/* Queue address registers: 32-bit halves of three 64-bit addresses. */
static void lgdev_set_half(u64 *addr, bool high, u32 val)
{
	if (high)
		*addr = (*addr & 0xffffffffULL) | ((u64)val << 32);
	else
		*addr = (*addr & ~0xffffffffULL) | val;
}

static void lgdev_write_reg(struct lgdev *d, u64 off, u32 val)
{
	struct lgdev_vq *vq = lgdev_sel_vq(d);

	switch (off) {
	case VIRTIO_MMIO_DEVICE_FEATURES_SEL:
		d->features_sel = val;
		return;
	case VIRTIO_MMIO_DRIVER_FEATURES:
		/* Frozen once FEATURES_OK is set. */
		if ((READ_ONCE(d->status) & VIRTIO_CONFIG_S_FEATURES_OK) ||
		    d->driver_features_sel >= 2)
			return;
		lgdev_set_half(&d->driver_features, d->driver_features_sel, val);
		return;
	case VIRTIO_MMIO_DRIVER_FEATURES_SEL:
		d->driver_features_sel = val;
		return;
	case VIRTIO_MMIO_QUEUE_SEL:
		d->queue_sel = val;
		return;
	case VIRTIO_MMIO_QUEUE_NOTIFY:
		/*
		 * Before DRIVER_OK (or while the device waits for a reset)
		 * a notify is ignored; DRIVER_OK looks at every ready queue.
		 */
		if (val < d->type->nvqs && d->vqs[val].ready && !lgdev_broken(d) &&
		    (READ_ONCE(d->status) & VIRTIO_CONFIG_S_DRIVER_OK))
			d->type->notify(d, val);
		return;
	case VIRTIO_MMIO_INTERRUPT_ACK:
		spin_lock(&d->lock);
		d->isr &= ~val;
		lgdev_update_irq(d);
		spin_unlock(&d->lock);
		return;
	case VIRTIO_MMIO_STATUS:
		lgdev_write_status(d, val);
		return;
	}
	/* The rest set up the selected queue, and only while it is not ready. */
	if (!vq || (vq->ready && off != VIRTIO_MMIO_QUEUE_READY))
		return;
	switch (off) {
	case VIRTIO_MMIO_QUEUE_NUM:
		vq->num = val;
		return;
	case VIRTIO_MMIO_QUEUE_READY:
		if (!val) {
			/* Stopping a queue: let its work in flight finish. */
			if (vq->ready) {
				d->type->reset(d);
				spin_lock(&vq->lock);
				vq->ready = false;
				spin_unlock(&vq->lock);
			}
			return;
		}
		if (vq->ready || lgdev_broken(d) || lgdev_vq_check(vq))
			return;
		spin_lock(&vq->lock);
		vq->last_avail = 0;
		vq->used_idx = 0;
		/*
		 * Stopping it drained its work; a head popped but never given
		 * back (a request that failed before it was queued) must not
		 * make the driver's first reuse of it look like a republish.
		 */
		bitmap_zero(vq->in_flight_map, LGDEV_QUEUE_MAX);
		vq->in_flight = 0;
		vq->ready = true;
		spin_unlock(&vq->lock);
		return;
	case VIRTIO_MMIO_QUEUE_DESC_LOW:
	case VIRTIO_MMIO_QUEUE_DESC_HIGH:
		lgdev_set_half(&vq->desc, off == VIRTIO_MMIO_QUEUE_DESC_HIGH, val);
		return;
	case VIRTIO_MMIO_QUEUE_AVAIL_LOW:
	case VIRTIO_MMIO_QUEUE_AVAIL_HIGH:
		lgdev_set_half(&vq->avail, off == VIRTIO_MMIO_QUEUE_AVAIL_HIGH, val);
		return;
	case VIRTIO_MMIO_QUEUE_USED_LOW:
	case VIRTIO_MMIO_QUEUE_USED_HIGH:
		lgdev_set_half(&vq->used, off == VIRTIO_MMIO_QUEUE_USED_HIGH, val);
		return;
	}
}

/*
 * Registers are 32-bit: other sizes below the configuration space read as
 * 0 and are ignored when written (Linux never makes them).  The
 * configuration space may be read at any width; writes to it are ignored,
 * as none of our devices has a writable field.
 */
static int lgdev_mmio_read(struct lguest_device *ldev, u64 off, unsigned int size, u64 *val)
{
	struct lgdev *d = to_lgdev(ldev);

	*val = 0;
	if (off >= LGDEV_CONFIG_OFF) {
		off -= LGDEV_CONFIG_OFF;
		if (off < d->config_len && size <= d->config_len - off)
			memcpy(val, d->config + off, size);
		return 0;
	}
	if (size == 4 && !(off & 3))
		*val = lgdev_read_reg(d, off);
	return 0;
}

static int lgdev_mmio_write(struct lguest_device *ldev, u64 off, unsigned int size, u64 val)
{
	struct lgdev *d = to_lgdev(ldev);

	if (off < LGDEV_CONFIG_OFF && size == 4 && !(off & 3))
		lgdev_write_reg(d, off, val);
	return 0;
}

static void lgdev_destroy(struct lguest_device *ldev)
{
	struct lgdev *d = to_lgdev(ldev);
	struct mem_cgroup *memcg = d->memcg;

	d->type->reset(d);
	d->type->destroy(d);
	mem_cgroup_put(memcg);
}

/*
 * For debugfs: the transport's registers, and each queue as we see it
 * next to what the guest's rings say (avail idx, the flags or used_event
 * it set, our avail_event), which is what tells a lost notify from a lost
 * interrupt.  Reads of guest RAM here are checked like any other.
 */
static void lgdev_show(struct lguest_device *ldev, struct seq_file *m)
{
	struct lgdev *d = to_lgdev(ldev);
	unsigned int i;

	seq_printf(m, "  %s status 0x%x isr 0x%x features 0x%llx driver 0x%llx\n",
		   d->type->name, READ_ONCE(d->status), READ_ONCE(d->isr),
		   d->features, d->driver_features);
	for (i = 0; i < d->type->nvqs; i++) {
		struct lgdev_vq *vq = &d->vqs[i];
		u16 avail_flags = 0, avail_idx = 0, used_event = 0, avail_event = 0;
		u32 num = READ_ONCE(vq->num);

		if (!READ_ONCE(vq->ready) || !num) {
			seq_printf(m, "  queue %u: not ready\n", i);
			continue;
		}
		lguest_copy_from_guest(d->ldev.lg, &avail_flags, vq->avail, 2);
		lguest_copy_from_guest(d->ldev.lg, &avail_idx, vq->avail + 2, 2);
		lguest_copy_from_guest(d->ldev.lg, &used_event, vq->avail + 4 + 2ULL * num, 2);
		lguest_copy_from_guest(d->ldev.lg, &avail_event, vq->used + 4 + 8ULL * num, 2);
		seq_printf(m, "  queue %u: num %u last_avail %u used_idx %u in_flight %u max %u | avail idx %u flags 0x%x used_event %u | avail_event %u\n",
			   i, num, READ_ONCE(vq->last_avail), READ_ONCE(vq->used_idx),
			   READ_ONCE(vq->in_flight), READ_ONCE(vq->in_flight_max),
			   le16_to_cpu((__force __le16)avail_idx),
			   le16_to_cpu((__force __le16)avail_flags),
			   le16_to_cpu((__force __le16)used_event),
			   le16_to_cpu((__force __le16)avail_event));
	}
	if (d->type->show)
		d->type->show(d, m);
}

static const struct lguest_device_ops lgdev_ops = {
	.mmio_read	= lgdev_mmio_read,
	.mmio_write	= lgdev_mmio_write,
	.destroy	= lgdev_destroy,
	.show		= lgdev_show,
};

/**
 * lgdev_setup() - set up the transport half of a new device.
 * @d: the device, zeroed.
 * @lg: the guest.
 * @desc: the launcher's description (for the slot).
 * @type: the device type.
 * @features: the type's feature bits; VERSION_1, EVENT_IDX and
 *	INDIRECT_DESC are added.
 *
 * Called by the launcher's ioctl: the device holds the launcher's memory
 * cgroup from here (dropped at destroy; a constructor failing after this
 * drops it with mem_cgroup_put(@d->memcg)).
 */
void lgdev_setup(struct lgdev *d, struct lguest *lg, const struct lguest_device_desc *desc,
		const struct lgdev_type *type, u64 features)
{
	unsigned int i;

	d->ldev.ops = &lgdev_ops;
	d->ldev.lg = lg;
	d->ldev.slot = desc->slot;
	d->ldev.irq = LGUEST_MMIO_IRQ_BASE + desc->slot;
	d->type = type;
	d->memcg = get_mem_cgroup_from_mm(current->mm);
	d->features = features | BIT_ULL(VIRTIO_F_VERSION_1) |
		      BIT_ULL(VIRTIO_RING_F_EVENT_IDX) | BIT_ULL(VIRTIO_RING_F_INDIRECT_DESC);
	spin_lock_init(&d->lock);
	for (i = 0; i < LGDEV_MAX_QUEUES; i++) {
		d->vqs[i].dev = d;
		d->vqs[i].index = i;
		spin_lock_init(&d->vqs[i].lock);
	}
}
