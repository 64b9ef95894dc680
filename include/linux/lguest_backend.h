/* SPDX-License-Identifier: GPL-2.0 */
/*
 * lguest_backend.h - the small in-kernel API that lguest.ko offers to device
 * backends such as lguest_dev.ko (virtio-mmio devices served in the host
 * kernel): registration, devices in the guest's MMIO windows, checked
 * access to guest memory, and interrupt lines.
 */
#ifndef _LINUX_LGUEST_BACKEND_H
#define _LINUX_LGUEST_BACKEND_H

#include <linux/bvec.h>
#include <linux/list.h>
#include <linux/module.h>
#include <linux/poll.h>
#include <linux/types.h>
#include <linux/wait.h>
#include <uapi/linux/lguest.h>

/*
 * Bumped whenever struct lguest_backend or the functions below change in a
 * way a backend built against the old header would get wrong.
 *
 * Version 1: registration only.
 * Version 2: devices (create, MMIO, destroy), guest memory, interrupts.
 * Version 3: &lguest_device_ops.show, lguest_quit(), struct lguest_input
 *	(lguest_input_read() added later: an addition breaks no backend).
 */
#define LGUEST_BACKEND_API_VERSION	3

struct lguest;		/* one guest; opaque to backends */
struct lguest_device;
struct seq_file;

/**
 * struct lguest_device_ops - what lguest.ko calls on a device.
 * @mmio_read: a guest load of @size (1, 2, 4 or 8) bytes at offset @off
 *	(< %LGUEST_MMIO_SIZE, not crossing the window) of the device's window;
 *	fill *@val.  Called in the vCPU thread with the guest's lock held; it
 *	may sleep briefly but must not wait on the guest.  A negative return
 *	kills the guest (say why with lguest_kill() first).
 * @mmio_write: the same for a store of @val.
 * @destroy: the guest is going away (its file was closed): stop all work
 *	on the device, wait for it, and free the device.  May sleep.  No
 *	other op runs during or after it.
 * @show: optional: describe the device's state in a few lines for
 *	debugfs (/sys/kernel/debug/lguest/<pid>/devices).  Any thread, while
 *	the guest runs: a snapshot, without waiting on anything.
 */
struct lguest_device_ops {
	int (*mmio_read)(struct lguest_device *dev, u64 off, unsigned int size, u64 *val);
	int (*mmio_write)(struct lguest_device *dev, u64 off, unsigned int size, u64 val);
	void (*destroy)(struct lguest_device *dev);
	void (*show)(struct lguest_device *dev, struct seq_file *m);
};

/**
 * struct lguest_device - one device in one of the guest's MMIO windows.
 *	Backends embed it in their own device structure.
 * @ops: the device's operations.
 * @lg: the guest (set by lguest.ko before create returns to it).
 * @slot: the window: guest-physical %LGUEST_MMIO_BASE + @slot *
 *	%LGUEST_MMIO_SIZE.
 * @irq: the IOAPIC pin the device raises: %LGUEST_MMIO_IRQ_BASE + @slot.
 */
struct lguest_device {
	const struct lguest_device_ops *ops;
	struct lguest *lg;
	unsigned int slot;
	unsigned int irq;
};

/**
 * struct lguest_backend - a device backend known to the hypervisor.
 * @name: short name shown in the log, e.g. "virtio-mmio".
 * @api_version: %LGUEST_BACKEND_API_VERSION the backend was built with.
 * @owner: the backend's module (THIS_MODULE); pinned while it has devices.
 * @create: make a device from the launcher's description (%LGUEST_ADD_DEVICE)
 *	for window @desc->slot; @files holds @desc's file descriptors as files
 *	(NULL where the descriptor was -1), of the kinds the uapi header says
 *	each use accepts (a console input may be lguest.ko's own non-blocking
 *	reopening of it: read it with lguest_input_read()), whose references
 *	pass to the backend on success.  Process context; may sleep.  Returns the device
 *	(with @ops, @slot and @irq set) or an ERR_PTR: -EINVAL for a bad
 *	description, -ENODEV for a device type it does not serve.
 * @list: private to lguest.ko.
 */
struct lguest_backend {
	const char *name;
	unsigned int api_version;
	struct module *owner;
	struct lguest_device *(*create)(struct lguest *lg,
					const struct lguest_device_desc *desc,
					struct file *files[LGUEST_DEVICE_FDS]);
	struct list_head list;
};

int lguest_register_backend(struct lguest_backend *backend);
void lguest_unregister_backend(struct lguest_backend *backend);

bool lguest_gpa_ok(struct lguest *lg, u64 gpa, u64 len);
int lguest_gpa_populate(struct lguest *lg, u64 gpa, u64 len);
int lguest_copy_from_guest(struct lguest *lg, void *dst, u64 gpa, size_t len);
int lguest_copy_to_guest(struct lguest *lg, u64 gpa, const void *src, size_t len);
int lguest_guest_bvecs(struct lguest *lg, u64 gpa, u64 len, struct bio_vec *bv,
		       unsigned int max);
void lguest_set_irq(struct lguest *lg, unsigned int pin, bool level);
void lguest_quit(struct lguest *lg);

/* Wait queues of an input file we listen on (a pipe or tty has two). */
#define LGUEST_INPUT_WAITS	4

struct lguest_input;

/**
 * struct lguest_input_wait - our entry on one wait queue of the file.
 * @wait: the entry.
 * @wqh: the queue it is on; NULL once the queue's owner said POLLFREE.
 * @input: the input it belongs to.
 */
struct lguest_input_wait {
	wait_queue_entry_t wait;
	wait_queue_head_t *wqh;
	struct lguest_input *input;
};

/**
 * struct lguest_input - a file listened to without a thread (the UART's
 *	receiver and the virtio console read the launcher's stdin this way).
 * @file: the file, our reference (NULL when stopped).
 * @ready: told, from any context, that @file may be readable.
 * @pt: the poll table that hung @waits on @file's queues.
 * @waits: those entries.
 * @nr_waits: how many of @waits are in use.
 */
struct lguest_input {
	struct file *file;
	void (*ready)(struct lguest_input *input);
	poll_table pt;
	struct lguest_input_wait waits[LGUEST_INPUT_WAITS];
	unsigned int nr_waits;
};

void lguest_input_start(struct lguest_input *input, struct file *file, __poll_t events,
			void (*ready)(struct lguest_input *input));
void lguest_input_stop(struct lguest_input *input);
ssize_t lguest_input_read(struct lguest_input *input, void *buf, size_t len);
__printf(2, 3) void lguest_kill(struct lguest *lg, const char *fmt, ...);

#endif /* _LINUX_LGUEST_BACKEND_H */
