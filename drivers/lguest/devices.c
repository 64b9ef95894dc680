// SPDX-License-Identifier: GPL-2.0
/*
 * devices.c - the guest's devices as lguest.ko sees them: a window each in
 * the MMIO hole, made by a backend module (lguest_dev.ko) when the launcher
 * asks (LGUEST_ADD_DEVICE), reached from mmio.c, destroyed with the guest;
 * and the functions backends call: checked guest memory, interrupt lines.
 */
#include "lg.h"

#include <linux/file.h>
#include <linux/lguest_backend.h>
#include <linux/module.h>
#include <linux/sched.h>
#include <linux/uaccess.h>

/* What each device type's descriptors are (&struct lguest_device_desc.fds). */
static const u8 lg_dev_fd_use[][LGUEST_DEVICE_FDS] = {
	[LGUEST_DEV_NET]	= { LG_FD_NONE, LG_FD_NONE },
	[LGUEST_DEV_BLOCK]	= { LG_FD_DISK, LG_FD_NONE },
	[LGUEST_DEV_CONSOLE]	= { LG_FD_CONSOLE_IN, LG_FD_CONSOLE_OUT },
	[LGUEST_DEV_RNG]	= { LG_FD_NONE, LG_FD_NONE },
};

/*T:690 A device is born when the launcher hands over its description and
 * its file descriptors, before the guest first runs.  The hypervisor does
 * not know what a disk or a network link is: it checks the description's
 * shape, takes the files, and asks the backend module for a device to put
 * in the window the launcher chose (its ACPI tables already say where).
 * From then on the window's loads and stores go to the device, and the
 * device owns the files until the guest dies. :*/
/**
 * lg_add_device() - handle LGUEST_ADD_DEVICE.
 * @lg: the guest, with its lock held.
 * @udesc: the launcher's &struct lguest_device_desc.
 *
 * Return: 0 or a negative errno (see the uapi header).
 */
int lg_add_device(struct lguest *lg, const struct lguest_device_desc __user *udesc)
{
	struct file *files[LGUEST_DEVICE_FDS] = { NULL };
	struct lguest_device_desc desc;
	struct lguest_backend *backend;
	struct lguest_device *dev;
	unsigned int i;
	int err;

	if (copy_from_user(&desc, udesc, sizeof(desc)))
		return -EFAULT;
	if (desc.type < LGUEST_DEV_NET || desc.type > LGUEST_DEV_RNG ||
	    desc.slot >= LGUEST_MMIO_MAX ||
	    (desc.flags & ~(LGUEST_DEV_F_READONLY | LGUEST_DEV_F_ESCAPE)) ||
	    desc.pad[0] || desc.pad[1] || desc.pad2 ||
	    memchr_inv(desc.reserved, 0, sizeof(desc.reserved)) ||
	    !memchr(desc.name, '\0', sizeof(desc.name)))
		return -EINVAL;
	if (READ_ONCE(lg->ran) || lg->devices[desc.slot])
		return -EBUSY;
	for (i = 0; i < LGUEST_DEVICE_FDS; i++) {
		struct file *f;

		if (desc.fds[i] == -1)
			continue;
		err = -EINVAL;
		if (lg_dev_fd_use[desc.type][i] == LG_FD_NONE)
			goto put_files;
		f = lg_get_user_file(desc.fds[i], lg_dev_fd_use[desc.type][i]);
		if (IS_ERR(f)) {
			err = PTR_ERR(f);
			goto put_files;
		}
		files[i] = f;
	}
	err = -ENODEV;
	backend = lg_backend_get();
	if (!backend)
		goto put_files;
	if (!backend->create)
		goto put_backend;
	dev = backend->create(lg, &desc, files);
	if (IS_ERR(dev)) {
		err = PTR_ERR(dev);
		goto put_backend;
	}
	dev->lg = lg;
	dev->slot = desc.slot;
	dev->irq = LGUEST_MMIO_IRQ_BASE + desc.slot;
	lg->devices[desc.slot] = dev;
	lg->device_backend[desc.slot] = backend;
	return 0;

put_backend:
	module_put(backend->owner);
put_files:
	for (i = 0; i < LGUEST_DEVICE_FDS; i++)
		if (files[i])
			fput(files[i]);
	return err;
}

/**
 * lg_devices_destroy() - destroy every device of a dying guest.
 * @lg: the guest; its RAM still exists, so devices can finish their work.
 */
void lg_devices_destroy(struct lguest *lg)
{
	unsigned int i;

	for (i = 0; i < LGUEST_MMIO_MAX; i++) {
		struct lguest_device *dev = lg->devices[i];

		if (!dev)
			continue;
		lg->devices[i] = NULL;
		dev->ops->destroy(dev);
		module_put(lg->device_backend[i]->owner);
		lg->device_backend[i] = NULL;
	}
}

/**
 * lg_device_mmio() - a guest access to a virtio-mmio window.
 * @lg: the guest (a vCPU thread, io_lock held).
 * @gpa: the address, inside the windows; [gpa, gpa + size) in one window.
 * @write: store (of *@val) or load (into *@val).
 * @size: 1, 2, 4 or 8.
 * @val: the value.
 *
 * Return: 0, -ENODEV for an empty window, -EINTR if a signal came first
 * (nothing done), or the device's error.
 */
int lg_device_mmio(struct lguest *lg, u64 gpa, bool write, unsigned int size, u64 *val)
{
	u64 off = gpa - LGUEST_MMIO_BASE;
	struct lguest_device *dev = lg->devices[off / LGUEST_MMIO_SIZE];
	int err;

	if (!dev)
		return -ENODEV;
	off %= LGUEST_MMIO_SIZE;
	/*
	 * Backends see one access at a time, whichever vCPU makes it.  The
	 * holder may be blocked writing a console; a signal ends the wait
	 * (-EINTR: the access is not done and the instruction runs again).
	 */
	if (mutex_lock_interruptible(&lg->io_lock))
		return -EINTR;
	if (write)
		err = dev->ops->mmio_write(dev, off, size, *val);
	else
		err = dev->ops->mmio_read(dev, off, size, val);
	mutex_unlock(&lg->io_lock);
	return err;
}

/**
 * lguest_gpa_ok() - is [@gpa, @gpa + @len) inside guest RAM?
 * @lg: the guest.
 * @gpa: guest-physical start.
 * @len: bytes (0 is inside if @gpa is at most the RAM size).
 *
 * The same overflow-safe check every lguest.ko access goes through.
 *
 * Return: true if the whole range is RAM.
 */
bool lguest_gpa_ok(struct lguest *lg, u64 gpa, u64 len)
{
	return lg_gpa_range_ok(lg, gpa, len);
}
EXPORT_SYMBOL_GPL(lguest_gpa_ok);

/**
 * lguest_gpa_populate() - check that [@gpa, @gpa + @len) is guest RAM, and
 *	make it exist: RAM is allocated when first touched, and a device
 *	handed a buffer touches it.
 * @lg: the guest.
 * @gpa: guest-physical start.
 * @len: bytes.
 *
 * May sleep, unless the range is populated already.  Once it is, copies
 * to and from it never allocate, so need not sleep, for as long as the
 * guest lives.
 *
 * Return: 0, -EFAULT if the range is not all RAM, -ENOMEM (the guest has
 * been killed).
 */
int lguest_gpa_populate(struct lguest *lg, u64 gpa, u64 len)
{
	return lg_mem_populate(lg, gpa, len);
}
EXPORT_SYMBOL_GPL(lguest_gpa_populate);

/**
 * lguest_copy_from_guest() - copy bytes out of guest RAM, checked.
 * @lg: the guest.
 * @dst: kernel buffer.
 * @gpa: guest-physical source.
 * @len: bytes.
 *
 * Safe from any context while the guest exists; RAM never touched reads
 * as zeroes.
 *
 * Return: 0, or -EFAULT if any byte is outside guest RAM (nothing copied).
 */
int lguest_copy_from_guest(struct lguest *lg, void *dst, u64 gpa, size_t len)
{
	return lg_copy_from_guest(lg, dst, gpa, len);
}
EXPORT_SYMBOL_GPL(lguest_copy_from_guest);

/**
 * lguest_copy_to_guest() - copy bytes into guest RAM, checked.
 * @lg: the guest.
 * @gpa: guest-physical destination.
 * @src: kernel buffer.
 * @len: bytes.
 *
 * May sleep unless the range was populated (lguest_gpa_populate()).
 *
 * Return: 0, -EFAULT if any byte is outside guest RAM, -ENOMEM (the guest
 * has been killed); nothing is copied then.
 */
int lguest_copy_to_guest(struct lguest *lg, u64 gpa, const void *src, size_t len)
{
	return lg_copy_to_guest(lg, gpa, src, len);
}
EXPORT_SYMBOL_GPL(lguest_copy_to_guest);

/**
 * lguest_guest_bvecs() - describe guest RAM as page pieces, for I/O
 *	straight to and from the guest (an ITER_BVEC iov_iter).
 * @lg: the guest.
 * @gpa: guest-physical start.
 * @len: bytes.
 * @bv: filled with at most @max pieces.
 * @max: room in @bv.
 *
 * Populates the range first (may sleep unless it was).
 *
 * Return: the number of pieces, -EFAULT if the range leaves RAM, -ENOMEM
 * (the guest has been killed), -E2BIG if it needs more than @max pieces.
 */
int lguest_guest_bvecs(struct lguest *lg, u64 gpa, u64 len, struct bio_vec *bv,
		       unsigned int max)
{
	unsigned int n = 0;
	int err = lg_mem_populate(lg, gpa, len);

	if (err)
		return err;
	while (len) {
		unsigned int off = offset_in_page(gpa);
		unsigned int chunk = min_t(u64, len, PAGE_SIZE - off);

		if (n == max)
			return -E2BIG;
		bv[n].bv_page = lg_gpa_page(lg, gpa);
		bv[n].bv_len = chunk;
		bv[n].bv_offset = off;
		n++;
		gpa += chunk;
		len -= chunk;
	}
	return n;
}
EXPORT_SYMBOL_GPL(lguest_guest_bvecs);

/**
 * lguest_set_irq() - set the level of the guest's IOAPIC line @pin; an
 *	interrupt it raises kicks a running vCPU (lg_lapic_set_irq()).
 * @lg: the guest.
 * @pin: the line (a device's @irq).
 * @level: asserted or not.
 *
 * Safe from any context while the guest exists.
 */
void lguest_set_irq(struct lguest *lg, unsigned int pin, bool level)
{
	lg_ioapic_set_irq(lg, pin, level);
}
EXPORT_SYMBOL_GPL(lguest_set_irq);

/**
 * lguest_quit() - the console's user asked to quit: %LGUEST_RUN ends with
 *	%LGUEST_EXIT_QUIT as soon as the vCPU notices, halted or not.
 * @lg: the guest.
 *
 * Safe from any context while the guest exists.
 */
void lguest_quit(struct lguest *lg)
{
	lg_stop(lg, LGUEST_EXIT_QUIT, 0);
}
EXPORT_SYMBOL_GPL(lguest_quit);

/**
 * lguest_kill() - kill the guest for something it did to a device.
 * @lg: the guest, from a device's MMIO op (the vCPU thread).
 * @fmt: printf-style reason with the offending values.
 */
void lguest_kill(struct lguest *lg, const char *fmt, ...)
{
	char reason[LGUEST_KILL_REASON_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	kill_guest(lg, "%s", reason);
}
EXPORT_SYMBOL_GPL(lguest_kill);
