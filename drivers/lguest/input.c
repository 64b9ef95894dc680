// SPDX-License-Identifier: GPL-2.0
/*
 * input.c - listening to a file the launcher handed over (its stdin) the
 * way epoll and vhost do: an entry on each of the file's wait queues whose
 * wake function calls back, so input is noticed without a thread and
 * without ever blocking on the file.  The UART and the virtio console
 * (lguest_dev.ko) both use it.
 */
#include "lg.h"

#include <linux/file.h>
#include <linux/fs.h>
#include <linux/lguest_backend.h>
#include <linux/poll.h>
#include <linux/rcupdate.h>
#include <linux/uio.h>

/*
 * The file's wait queue calls this with that queue's lock held, maybe in
 * interrupt context: only pass the news on.  POLLFREE means the queue
 * itself is going away (RCU-delayed): leave it, and make the store of
 * NULL our last access, as epoll does.
 */
static int lg_input_wake(wait_queue_entry_t *wait, unsigned int mode, int sync, void *key)
{
	struct lguest_input_wait *w = container_of(wait, struct lguest_input_wait, wait);
	struct lguest_input *input = w->input;
	__poll_t mask = key_to_poll(key);

	if (!mask || (mask & (input->pt._key | POLLFREE)))
		input->ready(input);
	if (mask & POLLFREE) {
		list_del_init(&wait->entry);
		/* Pairs with lguest_input_stop(): after NULL it leaves the queue be. */
		smp_store_release(&w->wqh, NULL);
	}
	return 0;
}

static void lg_input_queue_proc(struct file *file, wait_queue_head_t *wqh, poll_table *pt)
{
	struct lguest_input *input = container_of(pt, struct lguest_input, pt);
	struct lguest_input_wait *w;

	/* More queues than entries: the input ones come first. */
	if (input->nr_waits >= LGUEST_INPUT_WAITS)
		return;
	w = &input->waits[input->nr_waits++];
	w->input = input;
	init_waitqueue_func_entry(&w->wait, lg_input_wake);
	w->wqh = wqh;
	add_wait_queue(wqh, &w->wait);
}

/**
 * lguest_input_start() - listen to @file.
 * @input: zeroed, or stopped with lguest_input_stop().
 * @file: the file; our reference passes to @input.
 * @events: the poll events that mean input (EPOLLIN, EPOLLHUP, ...).
 * @ready: called, from any context and with a wait-queue lock held, when
 *	@file may have become readable; it must only note that and wake
 *	whoever reads.
 *
 * @ready is not called for input already waiting: look once after this.
 */
void lguest_input_start(struct lguest_input *input, struct file *file, __poll_t events,
			void (*ready)(struct lguest_input *input))
{
	input->file = file;
	input->ready = ready;
	input->nr_waits = 0;
	init_poll_funcptr(&input->pt, lg_input_queue_proc);
	input->pt._key = events;
	vfs_poll(file, &input->pt);
}
EXPORT_SYMBOL_GPL(lguest_input_start);

/**
 * lguest_input_stop() - stop listening and put the file.
 * @input: started, or zeroed (then nothing happens).
 *
 * Once it returns, @ready runs no more: remove_wait_queue() has taken and
 * dropped each queue's lock.
 */
void lguest_input_stop(struct lguest_input *input)
{
	wait_queue_head_t *wqh;
	unsigned int i;

	for (i = 0; i < input->nr_waits; i++) {
		rcu_read_lock();
		/* Pairs with lg_input_wake(): NULL is POLLFREE, already unhooked. */
		wqh = smp_load_acquire(&input->waits[i].wqh);
		if (wqh)
			remove_wait_queue(wqh, &input->waits[i].wait);
		rcu_read_unlock();
	}
	input->nr_waits = 0;
	if (input->file)
		fput(input->file);
	input->file = NULL;
}
EXPORT_SYMBOL_GPL(lguest_input_stop);

/**
 * lguest_input_read() - read what @input's file has now, never waiting.
 * @input: started.
 * @buf: where to.
 * @len: at most this many bytes.
 *
 * The file is one lg_get_user_file() took for console input: a pipe,
 * FIFO or terminal is our own open file with O_NONBLOCK, which the
 * launcher cannot clear; a socket is read with IOCB_NOWAIT, whatever its
 * O_NONBLOCK says; a regular file (never on FUSE) or /dev/null-like
 * device does not wait on anyone.  So neither the vCPU thread nor a
 * worker sleeps waiting for data.  A pipe's or socket's lock is still
 * taken before O_NONBLOCK is looked at: another process holding it
 * (splice() from a stalled FUSE file) holds us too (security.rst).
 *
 * Return: bytes read, 0 at end of file, -EAGAIN if nothing is there now,
 * or another negative errno.
 */
ssize_t lguest_input_read(struct lguest_input *input, void *buf, size_t len)
{
	struct file *f = input->file;
	struct kvec kv = { .iov_base = buf, .iov_len = len };
	bool stream = f->f_mode & FMODE_STREAM;
	struct iov_iter iter;
	struct kiocb kiocb;
	ssize_t n;

	init_sync_kiocb(&kiocb, f);
	if (!S_ISREG(file_inode(f)->i_mode) && (f->f_mode & FMODE_NOWAIT))
		kiocb.ki_flags |= IOCB_NOWAIT;
	kiocb.ki_pos = stream ? 0 : f->f_pos;
	iov_iter_kvec(&iter, ITER_DEST, &kv, 1, len);
	n = vfs_iocb_iter_read(f, &kiocb, &iter);
	if (n > 0 && !stream)
		f->f_pos = kiocb.ki_pos;
	return n;
}
EXPORT_SYMBOL_GPL(lguest_input_read);
