// SPDX-License-Identifier: GPL-2.0
/*
 * console.c - virtio-console: the guest's hvc0 joined, inside the kernel,
 * to two files the launcher hands over (its stdin and stdout).  Output is
 * written by the vCPU thread at the guest's notify; input is read by a
 * work item when the input file polls readable, with a Ctrl-A escape.
 */
#define pr_fmt(fmt) "lguest_dev: " fmt

#include <linux/cred.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/poll.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/virtio_console.h>
#include <linux/virtio_ids.h>
#include <linux/wait.h>
#include <linux/workqueue.h>

#include "lgdev.h"

#define LGDEV_CON_RXQ		0	/* receiveq: host -> guest */
#define LGDEV_CON_TXQ		1	/* transmitq: guest -> host */
#define LGDEV_CON_BUF		1024	/* bytes read or written at a time */
#define LGDEV_CON_RX_BUDGET	64	/* chains per run of the input work */
#define LGDEV_CON_IN_EVENTS	(EPOLLIN | EPOLLRDNORM | EPOLLHUP | EPOLLERR)
#define CTRL_A			0x01

/**
 * struct lgdev_con - a virtio console.
 * @dev: the transport.
 * @in: the input file (@in.file NULL: no input, or it ended),
 *	listened to through lguest.ko's struct lguest_input.
 * @out: the output file, or NULL: output is discarded.
 * @cred: the launcher's credentials, for @rx_work's reads.
 * @escape: Ctrl-A x quits (%LGUEST_DEV_F_ESCAPE).
 * @running: the driver has kicked us since DRIVER_OK: input may flow.
 * @rx_work: moves input into the receive queue; alone takes its chains.
 * @rx_chain: @rx_work's chain.
 * @tx_chain: the vCPU thread's chain.
 * @esc_pending: @rx_work saw a Ctrl-A as the last byte.
 * @pend: input read but not yet in a guest buffer.
 * @pend_off: the first byte of @pend not yet delivered.
 * @pend_len: how many bytes from there are not yet delivered.
 * @rd_buf: the bytes as read, before the escape is taken out into @pend.
 * @tx_buf: output staging, vCPU thread only.
 */
struct lgdev_con {
	struct lgdev dev;
	struct lguest_input in;
	struct file *out;
	const struct cred *cred;
	bool escape;
	bool running;
	struct work_struct rx_work;
	struct lgdev_chain *rx_chain;
	struct lgdev_chain *tx_chain;
	bool esc_pending;
	u8 pend[LGDEV_CON_BUF + 1];
	unsigned int pend_off, pend_len;
	u8 rd_buf[LGDEV_CON_BUF];
	u8 tx_buf[LGDEV_CON_BUF];
};

static struct lgdev_con *to_con(struct lgdev *d)
{
	return container_of(d, struct lgdev_con, dev);
}

/* --- Output: the vCPU thread writes what the guest sends. --- */

/* Write all of @len bytes, or give up on an error or a signal. */
static int con_write(struct lgdev_con *con, const u8 *buf, size_t len)
{
	struct file *f = con->out;
	loff_t *ppos = (f->f_mode & FMODE_STREAM) ? NULL : &f->f_pos;

	while (len) {
		ssize_t n = kernel_write(f, buf, len, ppos);

		if (n <= 0)
			return n ? n : -EIO;
		buf += n;
		len -= n;
	}
	return 0;
}

/*T:940 The console's output needs no worker: Linux's virtio console
 * driver spins after each kick until its buffer comes back, so the kick
 * itself, in the vCPU thread, writes the bytes to the launcher's stdout
 * and returns the buffer before the guest runs again.  A stdout that
 * blocks (a full pipe, a stopped terminal) holds the vCPU as a slow
 * serial line would, and a signal to the launcher still ends the wait. :*/
static void con_tx(struct lgdev_con *con)
{
	struct lgdev_vq *vq = &con->dev.vqs[LGDEV_CON_TXQ];
	struct lgdev_chain *c = con->tx_chain;
	int r;

	do {
		while ((r = lgdev_vq_pop(vq, c)) > 0) {
			u64 off = 0;

			while (con->out && off < c->out_len) {
				size_t n = min_t(u64, c->out_len - off, LGDEV_CON_BUF);

				if (lgdev_chain_copy(&con->dev, c, false, off, con->tx_buf, n) ||
				    con_write(con, con->tx_buf, n))
					break;
				off += n;
			}
			lgdev_vq_push(vq, c->head, 0);
		}
		if (r < 0)
			return;
	} while (lgdev_vq_more(vq));
}

/* --- Input: a work item moves what the input file has into the guest. --- */

/*
 * Take the escape out of @n bytes of @in into @out (room for @n + 1).
 * Returns the bytes to deliver; sets *@quit on Ctrl-A x (what follows it
 * is dropped).
 */
static unsigned int con_filter(struct lgdev_con *con, const u8 *in, unsigned int n,
			       u8 *out, bool *quit)
{
	unsigned int i, o = 0;

	for (i = 0; i < n; i++) {
		u8 c = in[i];

		if (!con->escape) {
			out[o++] = c;
			continue;
		}
		if (con->esc_pending) {
			con->esc_pending = false;
			if (c == 'x' || c == 'X') {
				*quit = true;
				return o;
			}
			if (c != CTRL_A)
				out[o++] = CTRL_A;
			out[o++] = c;
			continue;
		}
		if (c == CTRL_A)
			con->esc_pending = true;
		else
			out[o++] = c;
	}
	return o;
}

/*
 * Refill @pend from the input file.  Returns > 0 with bytes pending, 0 if
 * there is nothing now (wait for a wake-up), < 0 if the input is over.
 */
static int con_read(struct lgdev_con *con)
{
	bool quit = false;
	ssize_t n;

	if (con->pend_len)
		return 1;
	if (!con->in.file)
		return -ENOENT;
	/* Read on while all we get is escape bytes: no wake-up is owed for them. */
	do {
		n = lguest_input_read(&con->in, con->rd_buf, sizeof(con->rd_buf));
		if (n == -EAGAIN || n == -EINTR || n == -ERESTARTSYS)
			return 0;
		if (n <= 0)
			return -ENOENT;	/* end of file, or an error: no more input */
		con->pend_off = 0;
		con->pend_len = con_filter(con, con->rd_buf, n, con->pend, &quit);
		if (quit) {
			pr_info_ratelimited("virtio-console in slot %u: Ctrl-A x: quitting\n",
					    con->dev.ldev.slot);
			lguest_quit(con->dev.ldev.lg);
			con->pend_len = 0;
			return -ENOENT;
		}
	} while (!con->pend_len);
	return 1;
}

/* @rx_work's body: move input into the receive queue, @budget chains at most. */
static void con_rx(struct lgdev_con *con, unsigned int budget)
{
	struct lgdev_vq *vq = &con->dev.vqs[LGDEV_CON_RXQ];
	struct lgdev_chain *c = con->rx_chain;

	while (READ_ONCE(con->running)) {
		unsigned int n;
		int r;

		if (!budget--) {
			queue_work(system_unbound_wq, &con->rx_work);
			return;
		}
		r = con_read(con);
		if (r < 0) {
			lguest_input_stop(&con->in);
			return;
		}
		if (!r)
			return;		/* the input file's wake-up brings us back */
		r = lgdev_vq_pop(vq, c);
		if (r < 0)
			return;
		if (!r) {
			if (lgdev_vq_more(vq))
				continue;
			return;		/* the guest's next notify brings us back */
		}
		n = min_t(u64, c->in_len, con->pend_len);
		if (c->out_len || lgdev_chain_copy(&con->dev, c, true, 0,
						   con->pend + con->pend_off, n))
			n = 0;
		lgdev_vq_push(vq, c->head, n);
		con->pend_off += n;
		con->pend_len -= n;
	}
}

static void con_rx_work(struct work_struct *work)
{
	struct lgdev_con *con = container_of(work, struct lgdev_con, rx_work);
	unsigned int budget = LGDEV_CON_RX_BUDGET;
	const struct cred *old;

	/* Read as the launcher would, not as the kernel's worker. */
	old = override_creds(con->cred);
	con_rx(con, budget);
	revert_creds(old);
}

/* The input file may be readable (any context): schedule the work. */
static void con_ready(struct lguest_input *in)
{
	struct lgdev_con *con = container_of(in, struct lgdev_con, in);

	if (READ_ONCE(con->running))
		queue_work(system_unbound_wq, &con->rx_work);
}

/*T:945 Input comes the other way, from a file that may have nothing to
 * say for hours.  As the UART does, we hang an entry on its wait queue;
 * its wake-up only schedules a work item, which reads what is there (with
 * lguest_input_read(), which never waits, whatever the launcher does to
 * its own copy of the file) and copies it
 * into the guest's receive buffers.  With nowhere to put it, the bytes
 * wait in a small buffer, and the file is not read again, until the guest
 * hands over buffers.  The escape is taken out here too: Ctrl-A x ends
 * the guest's run without a trip through user space. :*/
static void con_notify(struct lgdev *d, unsigned int q)
{
	struct lgdev_con *con = to_con(d);

	if (q == LGDEV_CON_TXQ) {
		con_tx(con);
		return;
	}
	WRITE_ONCE(con->running, true);
	queue_work(system_unbound_wq, &con->rx_work);
}

static void con_reset(struct lgdev *d)
{
	struct lgdev_con *con = to_con(d);

	WRITE_ONCE(con->running, false);
	cancel_work_sync(&con->rx_work);
}

static void con_destroy(struct lgdev *d)
{
	struct lgdev_con *con = to_con(d);

	lguest_input_stop(&con->in);
	/* A wake-up that saw @running before the reset may have queued it. */
	cancel_work_sync(&con->rx_work);
	if (con->out)
		fput(con->out);
	put_cred(con->cred);
	kfree(con->rx_chain);
	kfree(con->tx_chain);
	kfree(con);
}

static void con_show(struct lgdev *d, struct seq_file *m)
{
	struct lgdev_con *con = to_con(d);

	seq_printf(m, "  console: input %s, output %s, running %d, %u bytes pending%s\n",
		   READ_ONCE(con->in.file) ? "open" : "none", con->out ? "open" : "none",
		   READ_ONCE(con->running), READ_ONCE(con->pend_len),
		   con->escape ? ", Ctrl-A escape" : "");
}

static const struct lgdev_type con_type = {
	.name		= "virtio-console",
	.device_id	= VIRTIO_ID_CONSOLE,
	.nvqs		= 2,
	.notify		= con_notify,
	.reset		= con_reset,
	.destroy	= con_destroy,
	.show		= con_show,
};

/*
 * kernel_read() and kernel_write() refuse files without ->read_iter or
 * ->write_iter, and files that also have the old methods.
 */
static bool con_can_read(const struct file *f)
{
	return (f->f_mode & FMODE_READ) && (f->f_mode & FMODE_CAN_READ) &&
	       f->f_op->read_iter && !f->f_op->read;
}

static bool con_can_write(const struct file *f)
{
	return (f->f_mode & FMODE_WRITE) && (f->f_mode & FMODE_CAN_WRITE) &&
	       f->f_op->write_iter && !f->f_op->write;
}

/**
 * lgdev_console_create() - make a virtio console on two files.
 * @lg: the guest.
 * @desc: the launcher's description (checked by main.c); %LGUEST_DEV_F_ESCAPE
 *	turns the Ctrl-A escape on.
 * @files: [0] the input (NULL for none; open for reading; read only
 *	through lguest_input_read(), which never waits),
 *	[1] the output (open for writing).  Their references become ours on
 *	success.  A file the kernel cannot read or write through
 *	kernel_read()/kernel_write() (/dev/null is one) is dropped here and
 *	treated as none.
 *
 * Return: the device, ERR_PTR(-EINVAL) for an input not open for reading
 * or an output not open for writing,
 * ERR_PTR(-ENOMEM).
 */
struct lguest_device *lgdev_console_create(struct lguest *lg,
					   const struct lguest_device_desc *desc,
					   struct file *files[LGUEST_DEVICE_FDS])
{
	struct file *in = files[0], *out = files[1];
	struct lgdev_con *con;

	if ((in && !(in->f_mode & FMODE_READ)) || !(out->f_mode & FMODE_WRITE)) {
		pr_warn_ratelimited("virtio-console in slot %u: the input must be readable, the output writable\n",
				    desc->slot);
		return ERR_PTR(-EINVAL);
	}
	con = kzalloc(sizeof(*con), GFP_KERNEL_ACCOUNT);
	if (!con)
		return ERR_PTR(-ENOMEM);
	con->rx_chain = lgdev_chain_alloc();
	con->tx_chain = lgdev_chain_alloc();
	if (!con->rx_chain || !con->tx_chain) {
		kfree(con->rx_chain);
		kfree(con->tx_chain);
		kfree(con);
		return ERR_PTR(-ENOMEM);
	}
	INIT_WORK(&con->rx_work, con_rx_work);
	con->cred = get_current_cred();	/* create runs in the launcher's ioctl */
	con->escape = desc->flags & LGUEST_DEV_F_ESCAPE;
	lgdev_setup(&con->dev, lg, desc, &con_type, 0);
	/* No size, no ports, no emergency write: the config space is unused. */
	con->dev.config_len = sizeof(struct virtio_console_config);

	/* From here the files are ours. */
	if (con_can_write(out))
		con->out = out;
	else
		fput(out);
	if (in && con_can_read(in))
		lguest_input_start(&con->in, in, LGDEV_CON_IN_EVENTS, con_ready);
	else if (in)
		fput(in);
	return &con->dev.ldev;
}
