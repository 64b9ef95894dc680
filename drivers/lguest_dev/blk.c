// SPDX-License-Identifier: GPL-2.0
/*
 * blk.c - virtio-blk over a file or block device the launcher opened.
 * The vCPU thread serves what cannot wait for a disk (tmpfs, cached reads)
 * and lists the rest for a few workers; either runs reads, writes and
 * flushes straight between the file and guest pages (ITER_BVEC), and gives
 * completions back on the used ring in batches.  Discard punches holes.
 */
#define pr_fmt(fmt) "lguest_dev: " fmt

#include <linux/cred.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/list.h>
#include <linux/seq_file.h>
#include <linux/falloc.h>	/* after fs.h, for its types */
#include <linux/magic.h>
#include <linux/mm.h>
#include <linux/timekeeping.h>
#include <linux/slab.h>
#include <linux/uio.h>
#include <linux/virtio_blk.h>
#include <linux/virtio_ids.h>
#include <linux/workqueue.h>

#include "lgdev.h"

/*
 * Segments per request: what QEMU offers, the queue's size less the header
 * and the status, so a guest's 1 MiB of 4 KiB pages is one request.
 */
#define LGDEV_BLK_SEG_MAX	(LGDEV_QUEUE_MAX - 2)
#define LGDEV_BLK_SIZE_MAX	(1U << 20)
/* The most data one request may move (SEG_MAX x SIZE_MAX would be more). */
#define LGDEV_BLK_REQ_MAX	(8U << 20)
/*
 * Workers draining a device's list; a new one starts while the list
 * outgrows them.  One for tmpfs, whose requests are copies the vCPU thread
 * also makes, and whose writes all wait for the one inode lock.
 */
#define LGDEV_BLK_WORKERS	4
/*
 * Data the vCPU thread serves itself in one notify before it leaves the
 * rest to the workers, so the guest's vCPU is not held for long.
 */
#define LGDEV_BLK_INLINE_BUDGET	(4U << 20)
/* blk_serve(): a request that would have to wait, for a worker to redo. */
#define LGDEV_BLK_AGAIN		0xff
/*
 * Completions gathered before they go back (one index update, one
 * interrupt): at most this many, and none held once this much data is done.
 */
#define LGDEV_BLK_BATCH		16
#define LGDEV_BLK_BATCH_BYTES	(256U << 10)
/*
 * A big request (LGDEV_BLK_BATCH_BYTES or more) that could be served in
 * place goes to a worker while others are in flight, and for the next
 * DEEP ones after that (the worker may drain the list faster than the
 * guest fills it); and now and then as a probe, with the one after it, to
 * see whether the guest queues more behind them: every PROBE_MIN big
 * requests at first, half as often after each probe that found none, down
 * to every PROBE_MAX; back to PROBE_MIN when one does, or after
 * PROBE_IDLE_NS without a big request (a new burst probes at once).
 */
#define LGDEV_BLK_DEEP		8U
#define LGDEV_BLK_PROBE_MIN	4U
#define LGDEV_BLK_PROBE_MAX	32U
#define LGDEV_BLK_PROBE_IDLE_NS	(50 * NSEC_PER_MSEC)
#define LGDEV_SECTOR_SHIFT	9
#define LGDEV_SECTOR_SIZE	(1U << LGDEV_SECTOR_SHIFT)
/* Discard: one range per request, at most 1 GiB, in 4 KiB units. */
#define LGDEV_BLK_DISCARD_SECTORS	(1U << 21)
#define LGDEV_BLK_DISCARD_ALIGN		8

struct lgdev_blk {
	struct lgdev dev;
	struct file *file;
	bool readonly;
	bool discard;			/* VIRTIO_BLK_F_DISCARD offered */
	bool in_memory;			/* tmpfs: no request waits for a disk */
	bool nowait;			/* the file honours IOCB_NOWAIT reads */
	u64 capacity;			/* 512-byte sectors */
	struct workqueue_struct *wq;
	const struct cred *cred;	/* the launcher's, for the workers' I/O */
	struct lgdev_chain *chain;	/* the vCPU thread's scratch chain */
	char serial[VIRTIO_BLK_ID_BYTES];
	spinlock_t lock;		/* pending, queued, busy */
	struct list_head pending;	/* requests taken, not yet served */
	unsigned int queued;		/* on pending */
	unsigned long busy;		/* workers started and not yet idle */
	unsigned int max_workers;	/* at most LGDEV_BLK_WORKERS */
	/* blk_hand_off(), under the guest's io_lock like every notify: */
	unsigned int deep;		/* big requests still to hand off */
	unsigned int probe_every;	/* big requests between probes */
	unsigned int since_probe;	/* big requests since the last one */
	u64 last_big;			/* when the last big request came (ns) */
	struct lgdev_blk_worker {
		struct work_struct work;
		struct lgdev_blk *blk;
	} workers[LGDEV_BLK_WORKERS];
	/* For debugfs and the bench: what the guest asked and we answered. */
	atomic64_t notifies, requests, bytes, batches, interrupts;
	atomic64_t inline_reqs, serve_ns, wait_ns;	/* by the vCPU; in blk_serve(); listed to served */
	atomic64_t probes;		/* big requests handed off alone */
};

struct lgdev_blk_req {
	struct list_head node;
	u64 t;
	struct lgdev_chain chain;	/* flexible: keep last */
};

/*
 * Describe the data part of @c as guest pages: the readable (@write false)
 * or writable buffers, from byte @skip, @len bytes.  Returns the bvec
 * array (kvfree it) and its length in *@nr, or NULL.
 */
static struct bio_vec *blk_bvecs(struct lgdev_blk *blk, const struct lgdev_chain *c,
				 bool write, u64 skip, u64 len, unsigned int *nr)
{
	struct lguest *lg = blk->dev.ldev.lg;
	unsigned int i, max = 0, n = 0;
	struct bio_vec *bv;
	u64 left;

	/* Pages each piece spans: len is at most LGDEV_BLK_REQ_MAX. */
	for (i = 0, left = len + skip; i < c->n && left; i++) {
		const struct lgdev_buf *b = &c->buf[i];
		u32 take = min_t(u64, b->len, left);

		if (b->write != write)
			continue;
		max += DIV_ROUND_UP(offset_in_page(b->addr) + take, PAGE_SIZE);
		left -= take;
	}
	bv = kvmalloc_array(max ?: 1, sizeof(*bv), LGDEV_GFP);
	if (!bv)
		return NULL;
	for (i = 0, left = len; i < c->n && left; i++) {
		const struct lgdev_buf *b = &c->buf[i];
		u64 addr = b->addr;
		u32 take = b->len;
		int got;

		if (b->write != write)
			continue;
		if (skip >= take) {
			skip -= take;
			continue;
		}
		addr += skip;
		take -= skip;
		skip = 0;
		take = min_t(u64, take, left);
		got = lguest_guest_bvecs(lg, addr, take, bv + n, max - n);
		if (got < 0) {
			kvfree(bv);
			return NULL;
		}
		n += got;
		left -= take;
	}
	if (left) {
		kvfree(bv);
		return NULL;
	}
	*nr = n;
	return bv;
}

/*
 * Read or write @len bytes at sector @sector between the file and @c; with
 * @nowait (reads only), %LGDEV_BLK_AGAIN unless all of it came at once
 * without waiting (IOCB_NOWAIT: from the page cache).
 */
static u8 blk_rw(struct lgdev_blk *blk, const struct lgdev_chain *c, bool out,
		 u64 sector, u64 len, bool nowait)
{
	struct iov_iter iter;
	loff_t pos;
	struct bio_vec *bv;
	unsigned int nr;
	u8 status = VIRTIO_BLK_S_OK;

	if (len % LGDEV_SECTOR_SIZE || len > LGDEV_BLK_REQ_MAX ||
	    sector > blk->capacity || len / LGDEV_SECTOR_SIZE > blk->capacity - sector)
		return VIRTIO_BLK_S_IOERR;
	if (out && blk->readonly)
		return VIRTIO_BLK_S_IOERR;
	pos = sector << LGDEV_SECTOR_SHIFT;
	if (!len)
		return VIRTIO_BLK_S_OK;
	/* Data follows the 16-byte header; the status byte follows the data. */
	bv = blk_bvecs(blk, c, !out, out ? sizeof(struct virtio_blk_outhdr) : 0, len, &nr);
	if (!bv)
		return VIRTIO_BLK_S_IOERR;
	iov_iter_bvec(&iter, out ? ITER_SOURCE : ITER_DEST, bv, nr, len);
	if (nowait && !out) {
		struct kiocb kiocb;

		init_sync_kiocb(&kiocb, blk->file);
		kiocb.ki_pos = pos;
		/*
		 * Only what the page cache holds: no readahead either (it may
		 * read metadata and wait), and not a file someone has since
		 * switched to O_DIRECT (fcntl() on a shared open file).
		 */
		kiocb.ki_flags |= IOCB_NOWAIT | IOCB_NOIO;
		if ((kiocb.ki_flags & IOCB_DIRECT) ||
		    vfs_iocb_iter_read(blk->file, &kiocb, &iter) != len)
			status = LGDEV_BLK_AGAIN;
		kvfree(bv);
		return status;
	}
	if (out)
		file_start_write(blk->file);
	while (iov_iter_count(&iter)) {
		ssize_t ret;

		if (out)
			ret = vfs_iter_write(blk->file, &iter, &pos, 0);
		else
			ret = vfs_iter_read(blk->file, &iter, &pos, 0);
		if (ret <= 0) {
			status = VIRTIO_BLK_S_IOERR;
			break;
		}
	}
	if (out)
		file_end_write(blk->file);
	kvfree(bv);
	return status;
}

/*
 * Discard: the readable data is one struct virtio_blk_discard_write_zeroes
 * (we said max_discard_seg 1); its range becomes a hole in the file, which
 * then reads as zeroes, as the guest may expect but must not rely on.
 */
static u8 blk_discard(struct lgdev_blk *blk, const struct lgdev_chain *c)
{
	struct virtio_blk_discard_write_zeroes seg;
	u64 sector;
	u32 num;

	if (!blk->discard)
		return VIRTIO_BLK_S_UNSUPP;
	if (c->out_len != sizeof(struct virtio_blk_outhdr) + sizeof(seg) ||
	    lgdev_chain_copy(&blk->dev, c, false, sizeof(struct virtio_blk_outhdr),
			     &seg, sizeof(seg)))
		return VIRTIO_BLK_S_IOERR;
	sector = le64_to_cpu(seg.sector);
	num = le32_to_cpu(seg.num_sectors);
	if (le32_to_cpu(seg.flags))
		return VIRTIO_BLK_S_UNSUPP;
	if (num > LGDEV_BLK_DISCARD_SECTORS || sector > blk->capacity ||
	    num > blk->capacity - sector)
		return VIRTIO_BLK_S_IOERR;
	if (!num)
		return VIRTIO_BLK_S_OK;
	if (vfs_fallocate(blk->file, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
			  sector << LGDEV_SECTOR_SHIFT, (u64)num << LGDEV_SECTOR_SHIFT))
		return VIRTIO_BLK_S_IOERR;
	return VIRTIO_BLK_S_OK;
}

/*
 * Serve one request; *@written is the data bytes put in its buffers.  With
 * @nowait, a read that would wait gives %LGDEV_BLK_AGAIN, having written
 * nothing the guest may rely on (it is served again, whole).
 */
static u8 blk_serve(struct lgdev_blk *blk, const struct lgdev_chain *c, u32 *written,
		    bool nowait)
{
	struct virtio_blk_outhdr hdr;
	u64 in_data = c->in_len - 1;
	u8 status;
	size_t n;

	*written = 0;
	if (lgdev_chain_copy(&blk->dev, c, false, 0, &hdr, sizeof(hdr)))
		return VIRTIO_BLK_S_IOERR;
	switch (le32_to_cpu(hdr.type)) {
	case VIRTIO_BLK_T_IN:
		status = blk_rw(blk, c, false, le64_to_cpu(hdr.sector), in_data, nowait);
		if (status == VIRTIO_BLK_S_OK)
			*written = in_data;
		return status;
	case VIRTIO_BLK_T_OUT:
		return blk_rw(blk, c, true, le64_to_cpu(hdr.sector),
			      c->out_len - sizeof(hdr), false);
	case VIRTIO_BLK_T_FLUSH:
		return vfs_fsync(blk->file, 0) ? VIRTIO_BLK_S_IOERR : VIRTIO_BLK_S_OK;
	case VIRTIO_BLK_T_DISCARD:
		return blk_discard(blk, c);
	case VIRTIO_BLK_T_GET_ID:
		n = min_t(u64, in_data, VIRTIO_BLK_ID_BYTES);
		if (lgdev_chain_copy(&blk->dev, c, true, 0, blk->serial, n))
			return VIRTIO_BLK_S_IOERR;
		*written = n;
		return VIRTIO_BLK_S_OK;
	}
	return VIRTIO_BLK_S_UNSUPP;
}

/* Write a request's status byte (the last writable byte) and note its used entry. */
static void blk_finish(struct lgdev_blk *blk, const struct lgdev_chain *c, u8 status,
		       u32 written, struct lgdev_used *u)
{
	/* Best effort: the range was checked when the chain was taken. */
	lgdev_chain_copy(&blk->dev, c, true, c->in_len - 1, &status, 1);
	u->head = c->head;
	u->len = written + 1;
}

/* Give @n finished requests back on the used ring at once. */
static void blk_give_back(struct lgdev_blk *blk, const struct lgdev_used *u, unsigned int n)
{
	if (!n)
		return;
	atomic64_inc(&blk->batches);
	if (lgdev_vq_push_many(&blk->dev.vqs[0], u, n))
		atomic64_inc(&blk->interrupts);
}

/* Take the next pending request, or say this worker is idle (bit @id cleared). */
static struct lgdev_blk_req *blk_next(struct lgdev_blk *blk, unsigned int id)
{
	struct lgdev_blk_req *req;

	spin_lock(&blk->lock);
	req = list_first_entry_or_null(&blk->pending, struct lgdev_blk_req, node);
	if (req) {
		list_del(&req->node);
		blk->queued--;
	} else {
		__clear_bit(id, &blk->busy);
	}
	spin_unlock(&blk->lock);
	return req;
}

/*
 * A worker: serve pending requests until there are none, giving the
 * finished ones back whenever the list runs dry or a batch is full.
 */
static void blk_work(struct work_struct *work)
{
	struct lgdev_blk_worker *w = container_of(work, struct lgdev_blk_worker, work);
	struct lgdev_blk *blk = w->blk;
	struct mem_cgroup *memcg = lgdev_charge(&blk->dev);
	unsigned int id = w - blk->workers, n = 0, bytes = 0;
	struct lgdev_used done[LGDEV_BLK_BATCH];
	struct lgdev_blk_req *req;
	const struct cred *old;
	u32 written;
	u8 status;

	/* The launcher's I/O: its permissions, its setuid-stripping write. */
	old = override_creds(blk->cred);
	while ((req = blk_next(blk, id))) {
		u64 t = ktime_get_ns();

		atomic64_add(t - req->t, &blk->wait_ns);
		status = blk_serve(blk, &req->chain, &written, false);
		atomic64_add(ktime_get_ns() - t, &blk->serve_ns);
		blk_finish(blk, &req->chain, status, written, &done[n++]);
		written += req->chain.out_len - sizeof(struct virtio_blk_outhdr);
		atomic64_add(written, &blk->bytes);
		bytes += written;
		kfree(req);
		cond_resched();
		/*
		 * Off tmpfs the next request may wait on a disk (or forever,
		 * on FUSE): nothing finished waits behind it.
		 */
		if (n == LGDEV_BLK_BATCH || bytes >= LGDEV_BLK_BATCH_BYTES ||
		    !blk->in_memory || list_empty_careful(&blk->pending)) {
			blk_give_back(blk, done, n);
			n = 0;
			bytes = 0;
		}
	}
	revert_creds(old);
	blk_give_back(blk, done, n);
	lgdev_uncharge(memcg);
}

/*
 * Where a worker starts (under blk->lock, in the vCPU thread): on tmpfs,
 * the next CPU but this vCPU's, for here it would take the CPU from the
 * guest, whose next requests its copy is meant to overlap (and a lone
 * probe would seem to say the guest waits for each request); but only one
 * the launcher's thread may run on itself, so that its cpuset and affinity
 * also bound the copies its guest asks for; else this one.  Elsewhere,
 * wherever the scheduler likes.
 */
static int blk_worker_cpu(const struct lgdev_blk *blk)
{
	int self = smp_processor_id(), cpu;

	if (!blk->in_memory)
		return WORK_CPU_UNBOUND;
	for_each_cpu_wrap(cpu, current->cpus_ptr, self)
		if (cpu != self && cpu_online(cpu))
			return cpu;
	return self;
}

/*
 * vCPU thread: put one checked chain on the device's list, and start a
 * worker if none runs or the list holds more than the running ones can
 * be expected to take.  No more than the queue's size are ever in flight
 * (lgdev_vq_pop() refuses a head it still holds), and each is charged to
 * the launcher's memory cgroup.
 */
static void blk_submit(struct lgdev_blk *blk, const struct lgdev_chain *c)
{
	struct lgdev_blk_req *req;
	unsigned int busy, id;
	struct lgdev_used u;

	req = kmalloc(struct_size(req, chain.buf, c->n), LGDEV_GFP);
	if (!req) {
		blk_finish(blk, c, VIRTIO_BLK_S_IOERR, 0, &u);
		blk_give_back(blk, &u, 1);
		return;
	}
	req->chain.head = c->head;
	req->chain.n = c->n;
	req->chain.out_len = c->out_len;
	req->chain.in_len = c->in_len;
	memcpy(req->chain.buf, c->buf, flex_array_size(c, buf, c->n));
	req->t = ktime_get_ns();
	spin_lock(&blk->lock);
	list_add_tail(&req->node, &blk->pending);
	blk->queued++;
	busy = hweight_long(blk->busy);
	if (busy < blk->max_workers && (!busy || blk->queued > busy)) {
		id = ffz(blk->busy);
		__set_bit(id, &blk->busy);
		queue_work_on(blk_worker_cpu(blk), blk->wq, &blk->workers[id].work);
	}
	spin_unlock(&blk->lock);
}

/*
 * vCPU thread: should a big request (@len data bytes) that could be served
 * in place go to a worker instead?  In place, the guest's vCPU waits for
 * the whole copy and so never has two requests in flight, even at a queue
 * depth of 32: it is the worker's copy that lets the guest queue the next
 * ones meanwhile, on the other CPU.  But a guest that waits for each
 * request would pay two wakeups for nothing: so only while others are in
 * flight or were lately, or as a probe now and then, which a request
 * arriving while the probe is in flight proves right.
 */
static bool blk_hand_off(struct lgdev_blk *blk, u64 len)
{
	u64 now;
	bool idle;

	if (len < LGDEV_BLK_BATCH_BYTES)
		return false;
	now = ktime_get_ns();
	idle = now - blk->last_big > LGDEV_BLK_PROBE_IDLE_NS;
	blk->last_big = now;
	if (READ_ONCE(blk->dev.vqs[0].in_flight) > 1) {
		blk->deep = LGDEV_BLK_DEEP;
		blk->probe_every = LGDEV_BLK_PROBE_MIN;
		blk->since_probe = 0;
		return true;
	}
	if (blk->deep && !idle) {
		blk->deep--;
		return true;
	}
	if (idle) {
		blk->probe_every = LGDEV_BLK_PROBE_MIN;
		blk->since_probe = LGDEV_BLK_PROBE_MIN;
	}
	if (++blk->since_probe < blk->probe_every)
		return false;
	blk->since_probe = 0;
	blk->probe_every = min(2 * blk->probe_every, LGDEV_BLK_PROBE_MAX);
	blk->deep = 1;
	atomic64_inc(&blk->probes);
	return true;
}

/*
 * vCPU thread: serve @c here and now if that cannot wait for a disk: any
 * request on tmpfs (its page cache is the disk), a read the page cache
 * holds whole (IOCB_NOWAIT, on a file that honours it), an ID; within
 * *@budget bytes per notify, and not a big one blk_hand_off() gives a
 * worker.  The launcher's credentials and memory cgroup are taken on first
 * use (*@old, *@memcg) and kept until the notify ends.
 * Return: true if served (its used entry in *@u), false for a worker.
 */
static bool blk_inline(struct lgdev_blk *blk, const struct lgdev_chain *c, u64 *budget,
		       struct lgdev_used *u, const struct cred **old, struct mem_cgroup **memcg)
{
	struct virtio_blk_outhdr hdr;
	u64 len = 0;
	u32 written;
	u8 status;
	u64 t;

	if (lgdev_chain_copy(&blk->dev, c, false, 0, &hdr, sizeof(hdr)))
		return false;
	switch (le32_to_cpu(hdr.type)) {
	case VIRTIO_BLK_T_IN:
		if (!blk->in_memory && !blk->nowait)
			return false;
		len = c->in_len - 1;
		if (blk_hand_off(blk, len))
			return false;
		break;
	case VIRTIO_BLK_T_OUT:
		if (!blk->in_memory)
			return false;
		len = c->out_len - sizeof(hdr);
		if (blk_hand_off(blk, len))
			return false;
		break;
	case VIRTIO_BLK_T_FLUSH:
		if (!blk->in_memory)
			return false;
		break;
	case VIRTIO_BLK_T_GET_ID:
		break;
	default:
		return false;
	}
	/*
	 * Every request costs at least a page of the budget, so a guest
	 * posting IDs or flushes cannot keep the notify going for free.
	 */
	len = max_t(u64, len, PAGE_SIZE);
	if (len > *budget)
		return false;
	if (!*old) {
		*memcg = lgdev_charge(&blk->dev);
		*old = override_creds(blk->cred);
	}
	t = ktime_get_ns();
	status = blk_serve(blk, c, &written, !blk->in_memory);
	atomic64_add(ktime_get_ns() - t, &blk->serve_ns);
	if (status == LGDEV_BLK_AGAIN)
		return false;
	*budget -= len;
	atomic64_inc(&blk->inline_reqs);
	atomic64_add(written + c->out_len - sizeof(hdr), &blk->bytes);
	blk_finish(blk, c, status, written, u);
	return true;
}

/*T:920 The guest's queue notify arrives in the vCPU thread, which must
 * not wait for a disk, but a hop to another thread costs a wakeup each way.
 * So the notify serves itself what cannot wait, up to 4 MiB per notify: a
 * request on a tmpfs file (its page cache is the disk), and a read the page
 * cache holds whole (IOCB_NOWAIT, on a file that honours it).  But not a
 * big one while the guest has others in flight, or had lately: served in
 * place, its copy stalls the guest's vCPU, which then never has two in
 * flight, even at a queue depth of 32; a worker's copy (on tmpfs, on
 * another CPU) lets the guest queue the next ones meanwhile.  A guest that
 * waits for each request is only found out by trying: now and then a lone
 * big request goes to the worker too, as a probe, which a request arriving
 * while it is in flight proves right.  The finished ones go back on the
 * used ring in batches, one index update and at most one interrupt each.
 * Anything else goes on the device's list for a worker (up to four run,
 * one on tmpfs: one while the guest waits for each request, more while
 * requests pile up), which serves request after request and gives them
 * back in batches too.  Either way the I/O runs straight between the
 * backing file and the guest's pages (an ITER_BVEC over them, no copy),
 * and with the credentials of the launcher that added the disk, so a write
 * clears a setuid bit and a security module sees the launcher, just as if
 * the launcher had written the file itself. :*/
static void blk_notify(struct lgdev *d, unsigned int q)
{
	struct lgdev_blk *blk = container_of(d, struct lgdev_blk, dev);
	struct lgdev_vq *vq = &d->vqs[q];
	struct lgdev_used done[LGDEV_BLK_BATCH];
	u64 budget = LGDEV_BLK_INLINE_BUDGET;
	struct mem_cgroup *memcg = NULL;
	const struct cred *old = NULL;
	unsigned int n = 0;
	int r;

	atomic64_inc(&blk->notifies);
	do {
		for (;;) {
			struct lgdev_chain *c = blk->chain;

			/*
			 * Another vCPU may refill the ring as fast as this one
			 * empties it: yield the CPU, and stop for a kill.
			 */
			cond_resched();
			if (fatal_signal_pending(current)) {
				r = -EINTR;
				break;
			}
			r = lgdev_vq_pop(vq, c);
			if (r <= 0)
				break;
			if (c->out_len < sizeof(struct virtio_blk_outhdr) || !c->in_len) {
				lgdev_needs_reset(d, "queue 0: request at head %u has %llu readable and %llu writable bytes",
						  c->head, c->out_len, c->in_len);
				r = -EINVAL;
				break;
			}
			atomic64_inc(&blk->requests);
			if (!blk_inline(blk, c, &budget, &done[n], &old, &memcg)) {
				blk_submit(blk, c);
				continue;
			}
			if (++n == LGDEV_BLK_BATCH) {
				blk_give_back(blk, done, n);
				n = 0;
			}
		}
	} while (r >= 0 && lgdev_vq_more(vq));
	if (old) {
		revert_creds(old);
		lgdev_uncharge(memcg);
	}
	blk_give_back(blk, done, n);
}

/*
 * Wait for every request in flight (they only touch guest RAM and the
 * file): the workers leave only once the list is empty, and nothing adds
 * to it meanwhile (notifies come from the vCPU thread resetting us).
 */
static void blk_reset(struct lgdev *d)
{
	struct lgdev_blk *blk = container_of(d, struct lgdev_blk, dev);

	drain_workqueue(blk->wq);
	WARN_ON_ONCE(!list_empty_careful(&blk->pending));
}

/* debugfs: the counters behind the bench's notifies and interrupts per MiB. */
static void blk_show(struct lgdev *d, struct seq_file *m)
{
	struct lgdev_blk *blk = container_of(d, struct lgdev_blk, dev);

	seq_printf(m, "  blk notifies %lld requests %lld inline %lld bytes %lld batches %lld interrupts %lld serve_us %lld wait_us %lld probes %lld\n",
		   (long long)atomic64_read(&blk->notifies),
		   (long long)atomic64_read(&blk->requests),
		   (long long)atomic64_read(&blk->inline_reqs),
		   (long long)atomic64_read(&blk->bytes),
		   (long long)atomic64_read(&blk->batches),
		   (long long)atomic64_read(&blk->interrupts),
		   (long long)atomic64_read(&blk->serve_ns) / 1000,
		   (long long)atomic64_read(&blk->wait_ns) / 1000,
		   (long long)atomic64_read(&blk->probes));
}

static void blk_destroy(struct lgdev *d)
{
	struct lgdev_blk *blk = container_of(d, struct lgdev_blk, dev);

	destroy_workqueue(blk->wq);
	put_cred(blk->cred);
	fput(blk->file);
	kfree(blk->chain);
	kfree(blk);
}

static const struct lgdev_type blk_type = {
	.name		= "virtio-blk",
	.device_id	= VIRTIO_ID_BLOCK,
	.nvqs		= 1,
	.notify		= blk_notify,
	.reset		= blk_reset,
	.destroy	= blk_destroy,
	.show		= blk_show,
};

/**
 * lgdev_blk_create() - make a virtio-blk device on @files[0].
 * @lg: the guest.
 * @desc: the launcher's description (type and fds checked by main.c).
 * @files: @files[0] the disk: a regular file or a block device, open for
 *	reading, and for writing unless %LGUEST_DEV_F_READONLY.
 *
 * Return: the device (which now owns @files[0]), or ERR_PTR(-EINVAL) for
 * an unusable file, ERR_PTR(-ENOMEM).
 */
struct lguest_device *lgdev_blk_create(struct lguest *lg,
				       const struct lguest_device_desc *desc,
				       struct file *files[LGUEST_DEVICE_FDS])
{
	struct file *file = files[0];
	umode_t mode = file_inode(file)->i_mode;
	bool readonly = desc->flags & LGUEST_DEV_F_READONLY;
	struct virtio_blk_config *cfg;
	struct lgdev_blk *blk;
	unsigned int i;
	u64 features;

	if (!S_ISREG(mode) && !S_ISBLK(mode)) {
		pr_warn_ratelimited("virtio-blk in slot %u: the disk is neither a regular file nor a block device\n",
				    desc->slot);
		return ERR_PTR(-EINVAL);
	}
	if (!(file->f_mode & FMODE_READ) || !(file->f_mode & FMODE_CAN_READ) ||
	    (!readonly && (!(file->f_mode & FMODE_WRITE) ||
			   !(file->f_mode & FMODE_CAN_WRITE)))) {
		pr_warn_ratelimited("virtio-blk in slot %u: the disk is not open for %s\n",
				    desc->slot, readonly ? "reading" : "reading and writing");
		return ERR_PTR(-EINVAL);
	}
	blk = kzalloc(sizeof(*blk), GFP_KERNEL_ACCOUNT);
	if (!blk)
		return ERR_PTR(-ENOMEM);
	blk->chain = lgdev_chain_alloc();
	if (!blk->chain)
		goto free;
	blk->in_memory = S_ISREG(mode) && file_inode(file)->i_sb->s_magic == TMPFS_MAGIC;
	/* tmpfs: per-CPU workers, each started off the vCPU's CPU; all copy. */
	blk->wq = alloc_workqueue("lguest-blk%u",
				  blk->in_memory ? WQ_CPU_INTENSIVE : WQ_UNBOUND,
				  LGDEV_BLK_WORKERS, desc->slot);
	if (!blk->wq)
		goto free;
	spin_lock_init(&blk->lock);
	INIT_LIST_HEAD(&blk->pending);
	for (i = 0; i < LGDEV_BLK_WORKERS; i++) {
		INIT_WORK(&blk->workers[i].work, blk_work);
		blk->workers[i].blk = blk;
	}
	blk->file = file;
	blk->cred = get_current_cred();	/* create runs in the launcher's ioctl */
	blk->readonly = readonly;
	/* A block device's size is its mapping's inode's, not the node's. */
	blk->capacity = i_size_read(file->f_mapping->host) >> LGDEV_SECTOR_SHIFT;
	snprintf(blk->serial, sizeof(blk->serial), "lguest-vd%u", desc->slot);

	features = BIT_ULL(VIRTIO_BLK_F_SIZE_MAX) | BIT_ULL(VIRTIO_BLK_F_SEG_MAX) |
		   BIT_ULL(VIRTIO_BLK_F_FLUSH);
	if (readonly)
		features |= BIT_ULL(VIRTIO_BLK_F_RO);
	/* Discard where it is one call: a writable regular file that can punch holes. */
	blk->discard = !readonly && S_ISREG(mode) && file->f_op->fallocate;
	/* O_DIRECT reads never come from the page cache: never in place. */
	blk->nowait = (file->f_mode & FMODE_NOWAIT) && !(file->f_flags & O_DIRECT);
	blk->max_workers = blk->in_memory ? 1 : LGDEV_BLK_WORKERS;
	blk->probe_every = LGDEV_BLK_PROBE_MIN;
	if (blk->discard)
		features |= BIT_ULL(VIRTIO_BLK_F_DISCARD);
	lgdev_setup(&blk->dev, lg, desc, &blk_type, features);
	BUILD_BUG_ON(sizeof(*cfg) > LGDEV_CONFIG_MAX);
	cfg = (struct virtio_blk_config *)blk->dev.config;
	cfg->capacity = cpu_to_le64(blk->capacity);
	cfg->size_max = cpu_to_le32(LGDEV_BLK_SIZE_MAX);
	cfg->seg_max = cpu_to_le32(LGDEV_BLK_SEG_MAX);
	if (blk->discard) {
		cfg->max_discard_sectors = cpu_to_le32(LGDEV_BLK_DISCARD_SECTORS);
		cfg->max_discard_seg = cpu_to_le32(1);
		cfg->discard_sector_alignment = cpu_to_le32(LGDEV_BLK_DISCARD_ALIGN);
	}
	blk->dev.config_len = sizeof(*cfg);
	return &blk->dev.ldev;

free:
	kfree(blk->chain);
	kfree(blk);
	return ERR_PTR(-ENOMEM);
}
