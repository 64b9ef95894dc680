// SPDX-License-Identifier: GPL-2.0
/*
 * net.c - virtio-net: each device is a host Ethernet interface (named by
 * the launcher, e.g. "lg0") whose other end is the guest's eth0.  What the
 * host sends on the interface is queued (bounded) and copied into the
 * guest's receive buffers by a work item; what the guest sends is copied
 * out of its transmit queue by another work item, which the notify (the
 * vCPU thread) only schedules, and handed to the host stack with
 * netif_rx().  Checksum and TCP segmentation offload both ways, as a
 * tap device does them: a guest's 64 KiB TCP segment crosses as one packet
 * with its virtio_net_hdr, and so does the host's (offered to the host stack
 * only while the guest's driver has said it takes them).  Receive buffers
 * may be mergeable (a packet over several page-sized buffers, published
 * together); another guest's TSO packets cross a bridge to ours whole.
 */
#define pr_fmt(fmt) "lguest_dev: " fmt

#include <linux/bvec.h>
#include <linux/etherdevice.h>
#include <linux/highmem.h>
#include <linux/if_vlan.h>
#include <linux/netdevice.h>
#include <linux/nsproxy.h>
#include <linux/rtnetlink.h>
#include <linux/seq_file.h>
#include <linux/skbuff.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/virtio_ids.h>
#include <linux/virtio_net.h>
#include <linux/workqueue.h>
#include <net/net_namespace.h>

#include "lgdev.h"

#define LGDEV_NET_RXQ		0	/* host -> guest */
#define LGDEV_NET_TXQ		1	/* guest -> host */
#define LGDEV_NET_MTU		ETH_DATA_LEN
#define LGDEV_NET_HDR_LEN	sizeof(struct virtio_net_hdr_v1)
/* The longest frame either way: Ethernet header, a VLAN tag, the MTU. */
#define LGDEV_NET_FRAME_MAX	(VLAN_ETH_HLEN + LGDEV_NET_MTU)
/* The longest TSO packet either way (what GSO_MAX_SIZE allows). */
#define LGDEV_NET_GSO_MAX	(VLAN_ETH_HLEN + 65536)
/* Bytes of a guest packet copied to the skb's head; the rest go to pages. */
#define LGDEV_NET_HEAD		256
/*
 * What the host may have queued for the guest before we drop: packets,
 * and bytes (their truesize: a TSO packet may hold 64 KiB).
 */
#define LGDEV_NET_QUEUE_MAX	512
#define LGDEV_NET_QUEUE_BYTES	(4U << 20)
/* Room kept for one more packet when the queue stops (a TSO packet's truesize). */
#define LGDEV_NET_QUEUE_ROOM	(128U << 10)
/* Packets per run of the receive work, and per transmit notify. */
#define LGDEV_NET_RX_BUDGET	64
#define LGDEV_NET_TX_BUDGET	64
/*
 * Mergeable receive buffers: the most one packet may take (a 64 KiB TSO
 * packet in Linux's smallest, 1518-byte, buffers takes 44).  A packet that
 * needs more is dropped.
 */
#define LGDEV_NET_MRG_MAX	64

struct lgdev_net {
	struct lgdev dev;
	struct net_device *ndev;
	struct net *netns;		/* the launcher's, held while @ndev lives */
	struct lgdev_chain *tx_chain;	/* the transmit work's */
	struct lgdev_chain *rx_chain;	/* the receive work's */
	struct lgdev_chain *rx_chain0;	/* mergeable: a packet's first chain */
	/*
	 * Mergeable: the chains held for the packet at the head of @rxq (the
	 * receive work's, cleared by a reset), their lengths so far, and the
	 * bytes of header and frame written into them.
	 */
	unsigned int mrg_n;
	u32 mrg_filled;
	struct lgdev_used mrg[LGDEV_NET_MRG_MAX];
	struct sk_buff_head rxq;	/* host packets for the guest */
	unsigned int rxq_bytes;		/* their truesize, under rxq.lock */
	struct work_struct rx_work;
	struct work_struct tx_work;
	struct work_struct feat_work;	/* updates the netdev's offloads */
	/* Under rxq.lock: the driver is running us, the work may be queued. */
	bool running;
	/* Under rxq.lock: the receive work last found no buffer to fill. */
	bool starved;
};

struct lgdev_net_priv {
	struct lgdev_net *net;
};

static struct lgdev_net *ndev_net(struct net_device *ndev)
{
	return ((struct lgdev_net_priv *)netdev_priv(ndev))->net;
}

/*
 * Copy one packet into the chain @c: header then frame, all into the
 * writable buffers.  Returns the bytes written, or 0 if it does not fit
 * or the buffers are bad (the packet is dropped; the chain goes back empty).
 */
static u32 net_rx_fill(struct lgdev_net *net, const struct lgdev_chain *c,
		       const struct sk_buff *skb)
{
	struct virtio_net_hdr_mrg_rxbuf hdr = { .num_buffers = cpu_to_le16(1) };
	u64 off = LGDEV_NET_HDR_LEN;
	unsigned int i;

	if (c->out_len || c->in_len < LGDEV_NET_HDR_LEN + skb->len)
		return 0;
	/* Offloads the guest did not take were undone in net_start_xmit(). */
	if (virtio_net_hdr_from_skb(skb, &hdr.hdr, true, false, 0))
		return 0;
	if (lgdev_chain_copy(&net->dev, c, true, 0, &hdr, LGDEV_NET_HDR_LEN) ||
	    lgdev_chain_copy(&net->dev, c, true, off, skb->data, skb_headlen(skb)))
		return 0;
	off += skb_headlen(skb);
	for (i = 0; i < skb_shinfo(skb)->nr_frags; i++) {
		const skb_frag_t *f = &skb_shinfo(skb)->frags[i];
		u32 p_off, p_len, copied;
		struct page *p;

		skb_frag_foreach_page(f, skb_frag_off(f), skb_frag_size(f),
				      p, p_off, p_len, copied) {
			void *va = kmap_local_page(p);
			int err = lgdev_chain_copy(&net->dev, c, true, off,
						   va + p_off, p_len);

			kunmap_local(va);
			if (err)
				return 0;
			off += p_len;
		}
	}
	return off;
}

/* With rxq.lock: restart the host's queue, stopped by net_start_xmit(). */
static void net_rxq_wake(struct lgdev_net *net)
{
	if (netif_queue_stopped(net->ndev) && netif_running(net->ndev) &&
	    (net->starved || (skb_queue_len(&net->rxq) <= LGDEV_NET_QUEUE_MAX / 2 &&
			      net->rxq_bytes <= LGDEV_NET_QUEUE_BYTES / 2)))
		netif_wake_queue(net->ndev);
}

/*
 * Take the first packet for the guest off @net->rxq: the guest is taking
 * them, and the host's queue restarts once half of this one is free.
 */
static struct sk_buff *net_rxq_dequeue(struct lgdev_net *net)
{
	struct sk_buff *skb;
	unsigned long flags;

	spin_lock_irqsave(&net->rxq.lock, flags);
	skb = __skb_dequeue(&net->rxq);
	if (skb)
		net->rxq_bytes -= skb->truesize;
	net->starved = false;
	net_rxq_wake(net);
	spin_unlock_irqrestore(&net->rxq.lock, flags);
	return skb;
}

/* No receive buffer: what the host sends now is dropped, not held. */
static void net_rxq_starved(struct lgdev_net *net)
{
	unsigned long flags;

	spin_lock_irqsave(&net->rxq.lock, flags);
	net->starved = true;
	net_rxq_wake(net);
	spin_unlock_irqrestore(&net->rxq.lock, flags);
}

/* Drop every packet waiting for the guest. */
static void net_rxq_purge(struct lgdev_net *net)
{
	struct sk_buff *skb;

	while ((skb = net_rxq_dequeue(net)))
		kfree_skb(skb);
}

/*
 * Copy @len bytes of @skb from @soff into the writable buffers of @c from
 * @coff, a guest page at a time (guest RAM is pinned: page_address()).
 */
static int net_chain_write_skb(struct lgdev_net *net, const struct lgdev_chain *c, u64 coff,
			       const struct sk_buff *skb, u32 soff, u32 len)
{
	struct lguest *lg = net->dev.ldev.lg;
	unsigned int i;

	for (i = 0; i < c->n && len; i++) {
		const struct lgdev_buf *b = &c->buf[i];
		u64 gpa;
		u32 n;

		if (!b->write)
			continue;
		if (coff >= b->len) {
			coff -= b->len;
			continue;
		}
		n = min_t(u64, len, b->len - coff);
		gpa = b->addr + coff;
		coff = 0;
		len -= n;
		while (n) {
			u32 chunk = min_t(u64, n, PAGE_SIZE - offset_in_page(gpa));
			struct bio_vec bv;

			if (lguest_guest_bvecs(lg, gpa, chunk, &bv, 1) != 1 ||
			    skb_copy_bits(skb, soff, page_address(bv.bv_page) + bv.bv_offset, chunk))
				return -EFAULT;
			gpa += chunk;
			soff += chunk;
			n -= chunk;
		}
	}
	return len ? -EFAULT : 0;
}

/* Mergeable: give the held chains back empty (the guest drops them). */
static void net_rx_merge_drop(struct lgdev_net *net, struct lgdev_vq *vq)
{
	unsigned int i;

	for (i = 0; i < net->mrg_n; i++)
		net->mrg[i].len = 0;
	lgdev_vq_push_many(vq, net->mrg, net->mrg_n);
	net->mrg_n = 0;
	net->mrg_filled = 0;
}

enum { NET_RX_WAIT, NET_RX_DONE, NET_RX_DROPPED, NET_RX_AGAIN };

/*T:933 With mergeable receive buffers (VIRTIO_NET_F_MRG_RXBUF) a Linux
 * guest posts page-sized buffers instead of 64 KiB chains, and a packet
 * spreads over as many as it needs: its header says how many
 * (num_buffers), and they reach the used ring together, by one index
 * update, since the driver reads them as one.  A packet waits, holding the
 * buffers it has, until the guest posts enough; one that would take more
 * than 64 buffers, or lands in a chain that is not all writable, is
 * dropped and its buffers go back empty. :*/
/*
 * Mergeable: fill chains with @skb, at the head of @net->rxq, resuming
 * where an earlier run stopped.  Returns NET_RX_DONE once it is all in,
 * NET_RX_DROPPED, NET_RX_WAIT (no buffer now: the guest notifies when it
 * posts some), NET_RX_AGAIN (one came meanwhile), or -EINVAL for a device
 * that needs a reset.
 */
static int net_rx_merge(struct lgdev_net *net, struct lgdev_vq *vq, const struct sk_buff *skb)
{
	struct virtio_net_hdr_mrg_rxbuf hdr = { };
	u32 need = LGDEV_NET_HDR_LEN + skb->len;
	int r;

	while (net->mrg_filled < need) {
		struct lgdev_chain *c = net->mrg_n ? net->rx_chain : net->rx_chain0;
		u64 coff = 0;
		u32 take;

		/* More than we take, or than the ring can ever hold. */
		if (net->mrg_n == LGDEV_NET_MRG_MAX || net->mrg_n == vq->num) {
			net_rx_merge_drop(net, vq);
			return NET_RX_DROPPED;
		}
		r = lgdev_vq_pop(vq, c);
		if (r < 0)
			return r;
		if (!r)
			return lgdev_vq_more(vq) ? NET_RX_AGAIN : NET_RX_WAIT;
		net->mrg[net->mrg_n].head = c->head;
		net->mrg[net->mrg_n].len = 0;
		net->mrg_n++;
		if (net->mrg_n == 1) {
			coff = LGDEV_NET_HDR_LEN;
			net->mrg_filled = LGDEV_NET_HDR_LEN;
		}
		if (c->out_len || c->in_len <= coff) {
			net_rx_merge_drop(net, vq);
			return NET_RX_DROPPED;
		}
		take = min_t(u64, c->in_len - coff, need - net->mrg_filled);
		if (net_chain_write_skb(net, c, coff, skb, net->mrg_filled - LGDEV_NET_HDR_LEN,
					take)) {
			net_rx_merge_drop(net, vq);
			return NET_RX_DROPPED;
		}
		net->mrg[net->mrg_n - 1].len = coff + take;
		net->mrg_filled += take;
	}
	/* Offloads the guest did not take were undone in net_start_xmit(). */
	if (virtio_net_hdr_from_skb(skb, &hdr.hdr, true, false, 0)) {
		net_rx_merge_drop(net, vq);
		return NET_RX_DROPPED;
	}
	hdr.num_buffers = cpu_to_le16(net->mrg_n);
	if (lgdev_chain_copy(&net->dev, net->rx_chain0, true, 0, &hdr, LGDEV_NET_HDR_LEN)) {
		net_rx_merge_drop(net, vq);
		return NET_RX_DROPPED;
	}
	lgdev_vq_push_many(vq, net->mrg, net->mrg_n);
	net->mrg_n = 0;
	net->mrg_filled = 0;
	return NET_RX_DONE;
}

/*
 * The receive work: the only one that takes chains off the receive queue,
 * so the vCPU thread never races with it for the available ring; the used
 * ring is serialized by lgdev_vq_push().  Runs only while @running.
 */
static void net_rx_work(struct work_struct *work)
{
	struct lgdev_net *net = container_of(work, struct lgdev_net, rx_work);
	struct lgdev_vq *vq = &net->dev.vqs[LGDEV_NET_RXQ];
	struct net_device *ndev = net->ndev;
	bool mrg = lgdev_has_feature(&net->dev, VIRTIO_NET_F_MRG_RXBUF);
	unsigned int budget = LGDEV_NET_RX_BUDGET;
	struct sk_buff *skb;
	int r;

	while ((skb = skb_peek(&net->rxq))) {
		u32 n;

		if (!budget--) {
			queue_work(system_unbound_wq, &net->rx_work);
			return;
		}
		if (mrg) {
			r = net_rx_merge(net, vq, skb);
			if (r == NET_RX_AGAIN)
				continue;
			if (r == NET_RX_WAIT) {
				net_rxq_starved(net);
				return;
			}
			if (r < 0) {
				net->mrg_n = 0;
				net->mrg_filled = 0;
				net_rxq_purge(net);
				return;
			}
			skb = net_rxq_dequeue(net);
			if (!skb)
				return;
			if (r == NET_RX_DONE) {
				DEV_STATS_INC(ndev, tx_packets);
				DEV_STATS_ADD(ndev, tx_bytes, skb->len);
			} else {
				DEV_STATS_INC(ndev, tx_errors);
			}
			consume_skb(skb);
			continue;
		}
		r = lgdev_vq_pop(vq, net->rx_chain);
		if (r < 0) {
			/* The device needs a reset: nothing more goes in. */
			net_rxq_purge(net);
			return;
		}
		if (!r) {
			/* No buffer: ask for a notify when there is one. */
			if (lgdev_vq_more(vq))
				continue;
			net_rxq_starved(net);
			return;
		}
		skb = net_rxq_dequeue(net);
		if (!skb) {
			/* Purged by a reset meanwhile: hand the buffer back. */
			lgdev_vq_push(vq, net->rx_chain->head, 0);
			return;
		}
		n = net_rx_fill(net, net->rx_chain, skb);
		if (n) {
			DEV_STATS_INC(ndev, tx_packets);
			DEV_STATS_ADD(ndev, tx_bytes, skb->len);
		} else {
			DEV_STATS_INC(ndev, tx_errors);
		}
		lgdev_vq_push(vq, net->rx_chain->head, n);
		consume_skb(skb);
	}
}

/*
 * Can the guest take @skb as it is?  The netdev offers offloads only while
 * the guest's driver takes them (net_fix_features()), but a packet may have
 * been built just before a reset: a checksum left to us is computed here, a
 * TSO packet for a guest that takes none is dropped.  Frag lists (rare) are
 * flattened so net_rx_fill() only walks pages.
 */
static bool net_rx_offloads_ok(struct lgdev_net *net, struct sk_buff *skb)
{
	struct lgdev *d = &net->dev;

	if (skb_is_gso(skb)) {
		unsigned int type = skb_shinfo(skb)->gso_type;

		if (skb->len > LGDEV_NET_GSO_MAX ||
		    ((type & SKB_GSO_TCPV4) && !lgdev_has_feature(d, VIRTIO_NET_F_GUEST_TSO4)) ||
		    ((type & SKB_GSO_TCPV6) && !lgdev_has_feature(d, VIRTIO_NET_F_GUEST_TSO6)))
			return false;
	} else if (skb->len > LGDEV_NET_FRAME_MAX) {
		return false;
	}
	if (skb->ip_summed == CHECKSUM_PARTIAL &&
	    !lgdev_has_feature(d, VIRTIO_NET_F_GUEST_CSUM) && skb_checksum_help(skb))
		return false;
	return !skb_has_frag_list(skb) || !__skb_linearize(skb);
}

/*T:932 What the host sends waits in a queue bounded both in packets and
 * in bytes.  While the guest takes packets, a full queue stops the host's
 * interface queue until the guest has taken half, so a host TCP sender
 * slows down to the guest's pace instead of losing packets.  When the
 * guest does not take them (no receive buffers, or a guest that stopped),
 * the interface is not stopped: beyond the bound packets are dropped at
 * once and counted (tx_dropped of the host's interface: its transmit is
 * the guest's receive).  The other way, what the guest sends toward a host interface
 * that is down is dropped before an skb is even made, and counted
 * (rx_dropped), as is whatever the host's backlog refuses. :*/
/* Host stack -> guest: queue the frame for the receive work. */
static netdev_tx_t net_start_xmit(struct sk_buff *skb, struct net_device *ndev)
{
	struct lgdev_net *net = ndev_net(ndev);
	unsigned long flags;

	if (!net_rx_offloads_ok(net, skb))
		goto drop;
	spin_lock_irqsave(&net->rxq.lock, flags);
	if (!net->running || skb_queue_len(&net->rxq) >= LGDEV_NET_QUEUE_MAX ||
	    net->rxq_bytes + skb->truesize > LGDEV_NET_QUEUE_BYTES) {
		spin_unlock_irqrestore(&net->rxq.lock, flags);
		goto drop;
	}
	skb_orphan(skb);
	__skb_queue_tail(&net->rxq, skb);
	net->rxq_bytes += skb->truesize;
	if (!net->starved && (skb_queue_len(&net->rxq) >= LGDEV_NET_QUEUE_MAX ||
			      net->rxq_bytes + LGDEV_NET_QUEUE_ROOM > LGDEV_NET_QUEUE_BYTES))
		netif_stop_queue(ndev);
	queue_work(system_unbound_wq, &net->rx_work);
	spin_unlock_irqrestore(&net->rxq.lock, flags);
	return NETDEV_TX_OK;

drop:
	DEV_STATS_INC(ndev, tx_dropped);
	dev_kfree_skb_any(skb);
	return NETDEV_TX_OK;
}

/* Copy @len bytes of a chain from @off into @skb's head and page frags. */
static int net_tx_copy(struct lgdev_net *net, const struct lgdev_chain *c,
		       u64 off, struct sk_buff *skb, u32 head)
{
	unsigned int i;

	if (lgdev_chain_copy(&net->dev, c, false, off, skb->data, head))
		return -EFAULT;
	off += head;
	for (i = 0; i < skb_shinfo(skb)->nr_frags; i++) {
		skb_frag_t *f = &skb_shinfo(skb)->frags[i];

		/* alloc_skb_with_frags() pages: lowmem, compound, offset 0. */
		if (lgdev_chain_copy(&net->dev, c, false, off,
				     page_address(skb_frag_page(f)) + skb_frag_off(f),
				     skb_frag_size(f)))
			return -EFAULT;
		off += skb_frag_size(f);
	}
	return 0;
}

/*
 * A TSO packet from the guest: TCP over IPv4 or IPv6, as negotiated;
 * nothing else (no UDP fragmentation offload was offered).
 */
static bool net_tx_gso_ok(struct lgdev_net *net, u8 gso_type)
{
	/* ECN was never offered (VIRTIO_NET_F_HOST_ECN). */
	if ((gso_type & VIRTIO_NET_HDR_GSO_ECN) &&
	    !lgdev_has_feature(&net->dev, VIRTIO_NET_F_HOST_ECN))
		return false;
	switch (gso_type & ~VIRTIO_NET_HDR_GSO_ECN) {
	case VIRTIO_NET_HDR_GSO_TCPV4:
		return lgdev_has_feature(&net->dev, VIRTIO_NET_F_HOST_TSO4);
	case VIRTIO_NET_HDR_GSO_TCPV6:
		return lgdev_has_feature(&net->dev, VIRTIO_NET_F_HOST_TSO6);
	default:
		return false;
	}
}

/*
 * Guest -> host: one transmit chain into an skb for the host stack.  The
 * header's offload requests are checked by virtio_net_hdr_to_skb(), as tap
 * checks a user's: a TSO packet must have been negotiated and be sane.
 */
static void net_tx_one(struct lgdev_net *net, const struct lgdev_chain *c)
{
	struct net_device *ndev = net->ndev;
	struct virtio_net_hdr_mrg_rxbuf hdr;
	struct sk_buff *skb;
	u32 len, head;
	int err;

	if (c->out_len < LGDEV_NET_HDR_LEN + ETH_HLEN ||
	    c->out_len > LGDEV_NET_HDR_LEN + LGDEV_NET_GSO_MAX ||
	    lgdev_chain_copy(&net->dev, c, false, 0, &hdr, LGDEV_NET_HDR_LEN))
		goto length_error;
	/* The host side is down: nothing to deliver to (counted, not built). */
	if (!netif_running(ndev)) {
		DEV_STATS_INC(ndev, rx_dropped);
		return;
	}
	len = c->out_len - LGDEV_NET_HDR_LEN;
	if (hdr.hdr.gso_type == VIRTIO_NET_HDR_GSO_NONE) {
		if (len > LGDEV_NET_FRAME_MAX)
			goto length_error;
	} else if (!net_tx_gso_ok(net, hdr.hdr.gso_type)) {
		goto frame_error;
	}
	head = min_t(u32, len, LGDEV_NET_HEAD);
	skb = alloc_skb_with_frags(NET_IP_ALIGN + head, len - head,
				   PAGE_ALLOC_COSTLY_ORDER, &err, LGDEV_GFP);
	if (!skb) {
		DEV_STATS_INC(ndev, rx_dropped);
		return;
	}
	skb_reserve(skb, NET_IP_ALIGN);
	skb_put(skb, head);
	skb->data_len = len - head;
	skb->len += len - head;
	skb->dev = ndev;
	if (net_tx_copy(net, c, LGDEV_NET_HDR_LEN, skb, head)) {
		DEV_STATS_INC(ndev, rx_errors);
		kfree_skb(skb);
		return;
	}
	if (virtio_net_hdr_to_skb(skb, &hdr.hdr, true)) {
		kfree_skb(skb);
		goto frame_error;
	}
	skb->protocol = eth_type_trans(skb, ndev);
	/* The host's backlog is bounded (netdev_max_backlog): count its drops. */
	if (netif_rx(skb) == NET_RX_DROP) {
		DEV_STATS_INC(ndev, rx_dropped);
		return;
	}
	DEV_STATS_INC(ndev, rx_packets);
	DEV_STATS_ADD(ndev, rx_bytes, len);
	return;

length_error:
	DEV_STATS_INC(ndev, rx_length_errors);
	DEV_STATS_INC(ndev, rx_dropped);
	return;
frame_error:
	DEV_STATS_INC(ndev, rx_frame_errors);
	DEV_STATS_INC(ndev, rx_dropped);
}

/* Start serving at the first notify after DRIVER_OK. */
static void net_start(struct lgdev_net *net)
{
	bool was;

	spin_lock_irq(&net->rxq.lock);
	was = net->running;
	net->running = true;
	spin_unlock_irq(&net->rxq.lock);
	if (!was) {
		netif_carrier_on(net->ndev);
		schedule_work(&net->feat_work);
	}
}

/* The offloads the host may use toward the guest follow what it took. */
static netdev_features_t net_fix_features(struct net_device *ndev,
					  netdev_features_t features)
{
	struct lgdev_net *net = ndev_net(ndev);
	struct lgdev *d = &net->dev;

	if (!READ_ONCE(net->running) || !lgdev_has_feature(d, VIRTIO_NET_F_GUEST_CSUM))
		features &= ~(NETIF_F_HW_CSUM | NETIF_F_TSO | NETIF_F_TSO6);
	if (!lgdev_has_feature(d, VIRTIO_NET_F_GUEST_TSO4))
		features &= ~NETIF_F_TSO;
	if (!lgdev_has_feature(d, VIRTIO_NET_F_GUEST_TSO6))
		features &= ~NETIF_F_TSO6;
	return features;
}

static void net_feat_work(struct work_struct *work)
{
	struct lgdev_net *net = container_of(work, struct lgdev_net, feat_work);

	rtnl_lock();
	netdev_update_features(net->ndev);
	rtnl_unlock();
}

/*
 * The transmit work: the only one that takes chains off the transmit
 * queue.  The host stack's receive processing (netif_rx() may run it right
 * here) stays out of the vCPU thread.
 */
static void net_tx_work(struct work_struct *work)
{
	struct lgdev_net *net = container_of(work, struct lgdev_net, tx_work);
	struct lgdev_vq *vq = &net->dev.vqs[LGDEV_NET_TXQ];
	struct mem_cgroup *old = lgdev_charge(&net->dev);
	unsigned int budget = LGDEV_NET_TX_BUDGET;
	int r = 0;

	do {
		while (budget && (r = lgdev_vq_pop(vq, net->tx_chain)) > 0) {
			net_tx_one(net, net->tx_chain);
			lgdev_vq_push(vq, net->tx_chain->head, 0);
			budget--;
		}
		if (r < 0)
			break;
		if (!budget) {
			queue_work(system_unbound_wq, &net->tx_work);
			break;
		}
	} while (lgdev_vq_more(vq));
	lgdev_uncharge(old);
}

/*T:930 A network device has two queues and two directions, and a work
 * item for each, which alone takes that queue's chains: the notify, in the
 * vCPU thread, only schedules it.  What the guest sends is copied into a
 * fresh skb for the host stack; what the host sends waits in a bounded
 * queue for the guest's receive buffers.  Neither direction waits on, nor
 * races with, the vCPU thread. :*/
static void net_notify(struct lgdev *d, unsigned int q)
{
	struct lgdev_net *net = container_of(d, struct lgdev_net, dev);

	net_start(net);
	queue_work(system_unbound_wq, q == LGDEV_NET_RXQ ? &net->rx_work : &net->tx_work);
}

/* Stop both works and drop what waits for the guest; carrier off. */
static void net_reset(struct lgdev *d)
{
	struct lgdev_net *net = container_of(d, struct lgdev_net, dev);

	spin_lock_irq(&net->rxq.lock);
	net->running = false;
	spin_unlock_irq(&net->rxq.lock);
	cancel_work_sync(&net->rx_work);
	cancel_work_sync(&net->tx_work);
	/*
	 * The chains a merged packet holds go back empty: stopping only the
	 * transmit queue leaves the receive queue running, and they would
	 * stay in flight there for good.
	 */
	net_rx_merge_drop(net, &net->dev.vqs[LGDEV_NET_RXQ]);
	net_rxq_purge(net);
	netif_carrier_off(net->ndev);
	schedule_work(&net->feat_work);
}

static void net_destroy(struct lgdev *d)
{
	struct lgdev_net *net = container_of(d, struct lgdev_net, dev);

	cancel_work_sync(&net->feat_work);
	unregister_netdev(net->ndev);
	free_netdev(net->ndev);
	put_net(net->netns);
	net_rxq_purge(net);
	kfree(net->rx_chain0);
	kfree(net->rx_chain);
	kfree(net->tx_chain);
	kfree(net);
}

static int net_open(struct net_device *ndev)
{
	netif_start_queue(ndev);
	return 0;
}

static int net_stop(struct net_device *ndev)
{
	netif_stop_queue(ndev);
	return 0;
}

static const struct net_device_ops net_ndo = {
	.ndo_open		= net_open,
	.ndo_stop		= net_stop,
	.ndo_start_xmit		= net_start_xmit,
	.ndo_fix_features	= net_fix_features,
	.ndo_set_mac_address	= eth_mac_addr,
	.ndo_validate_addr	= eth_validate_addr,
};

static void net_show(struct lgdev *d, struct seq_file *m)
{
	struct lgdev_net *net = container_of(d, struct lgdev_net, dev);

	struct rtnl_link_stats64 st;

	dev_get_stats(net->ndev, &st);
	seq_printf(m, "  %s: running %d, %u packets (%u bytes) for the guest, work pending rx %d tx %d, dropped toward the guest %llu, from it %llu\n",
		   netdev_name(net->ndev), READ_ONCE(net->running), skb_queue_len(&net->rxq),
		   READ_ONCE(net->rxq_bytes), work_pending(&net->rx_work),
		   work_pending(&net->tx_work), st.tx_dropped, st.rx_dropped);
}

static const struct lgdev_type net_type = {
	.name		= "virtio-net",
	.device_id	= VIRTIO_ID_NET,
	.nvqs		= 2,
	.notify		= net_notify,
	.reset		= net_reset,
	.destroy	= net_destroy,
	.show		= net_show,
};

/*
 * The launcher's interface name: NUL-terminated, valid (dev_valid_name():
 * not empty, ".", ".." or IFNAMSIZ long, no '/', ':' or space), and used
 * as is: no '%' template.  A name already in use fails register_netdev()
 * with -EEXIST; nothing is renamed or taken over.
 */
static bool net_name_ok(const char *name, size_t size)
{
	return memchr(name, '\0', size) && dev_valid_name(name) && !strchr(name, '%');
}

/**
 * lgdev_net_create() - make a virtio-net device and its host interface.
 * @lg: the guest.
 * @desc: the launcher's description (checked by main.c): @desc->name is
 *	the host interface's name, @desc->mac the guest's MAC (all zero: a
 *	random locally administered one).
 * @files: unused (all NULL).
 *
 * The interface lives in the launcher's network namespace (held until the
 * device goes, and the interface may not move out of it), which the
 * launcher must administer: CAP_NET_ADMIN over the namespace's user
 * namespace, as for creating any interface there.
 *
 * Return: the device, or ERR_PTR(-EPERM) without CAP_NET_ADMIN there,
 * ERR_PTR(-EINVAL) for a bad name or MAC, ERR_PTR(-EEXIST) if the name is
 * taken in that namespace, ERR_PTR(-ENOMEM).
 */
struct lguest_device *lgdev_net_create(struct lguest *lg,
				       const struct lguest_device_desc *desc,
				       struct file *files[LGUEST_DEVICE_FDS])
{
	struct virtio_net_config *cfg;
	struct lgdev_net_priv *priv;
	struct net_device *ndev;
	struct lgdev_net *net;
	struct net *netns = current->nsproxy->net_ns;
	u8 mac[ETH_ALEN];
	int err;

	/*T:935 A guest's interface is one more interface in the host's
	 * network, so making one asks what "ip link add" asks: it goes into
	 * the launcher's own network namespace, which the launcher must
	 * administer (CAP_NET_ADMIN over that namespace's owner), under a name
	 * that is valid and free there.  A launcher in a namespace of its own
	 * thus gets an interface only it sees; the namespace stays alive as
	 * long as the interface, which may not be moved out of it. :*/
	if (!ns_capable(netns->user_ns, CAP_NET_ADMIN)) {
		pr_warn_ratelimited("virtio-net in slot %u: no CAP_NET_ADMIN in the launcher's network namespace\n",
				    desc->slot);
		return ERR_PTR(-EPERM);
	}
	if (!net_name_ok(desc->name, sizeof(desc->name))) {
		pr_warn_ratelimited("virtio-net in slot %u: bad interface name\n", desc->slot);
		return ERR_PTR(-EINVAL);
	}
	BUILD_BUG_ON(sizeof(desc->mac) != ETH_ALEN);
	if (is_zero_ether_addr(desc->mac)) {
		eth_random_addr(mac);
	} else if (is_valid_ether_addr(desc->mac)) {
		ether_addr_copy(mac, desc->mac);
	} else {
		pr_warn_ratelimited("virtio-net in slot %u: bad MAC %pM\n", desc->slot, desc->mac);
		return ERR_PTR(-EINVAL);
	}

	net = kzalloc(sizeof(*net), GFP_KERNEL_ACCOUNT);
	if (!net)
		return ERR_PTR(-ENOMEM);
	err = -ENOMEM;
	net->tx_chain = lgdev_chain_alloc();
	net->rx_chain = lgdev_chain_alloc();
	net->rx_chain0 = lgdev_chain_alloc();
	if (!net->tx_chain || !net->rx_chain || !net->rx_chain0)
		goto free;
	skb_queue_head_init(&net->rxq);
	INIT_WORK(&net->rx_work, net_rx_work);
	INIT_WORK(&net->tx_work, net_tx_work);
	INIT_WORK(&net->feat_work, net_feat_work);

	ndev = alloc_netdev(sizeof(*priv), desc->name, NET_NAME_USER, ether_setup);
	if (!ndev)
		goto free;
	priv = netdev_priv(ndev);
	priv->net = net;
	net->ndev = ndev;
	ndev->netdev_ops = &net_ndo;
	ndev->mtu = LGDEV_NET_MTU;
	ndev->min_mtu = ETH_MIN_MTU;
	ndev->max_mtu = LGDEV_NET_MTU;
	ndev->priv_flags |= IFF_LIVE_ADDR_CHANGE;
	ndev->hw_features = NETIF_F_SG | NETIF_F_HW_CSUM | NETIF_F_TSO | NETIF_F_TSO6;
	/*
	 * GSO_ROBUST: a TSO packet of another guest (marked dodgy: its header
	 * came from that guest) crosses a bridge to ours whole, not cut into
	 * MTU frames first; our guest's driver checks it as it checks any
	 * header from its device (virtio_net sets the flag for the same
	 * reason).
	 */
	ndev->features = ndev->hw_features | NETIF_F_NETNS_LOCAL | NETIF_F_GSO_ROBUST;
	eth_hw_addr_random(ndev);
	dev_net_set(ndev, netns);
	netif_carrier_off(ndev);

	lgdev_setup(&net->dev, lg, desc, &net_type,
		    BIT_ULL(VIRTIO_NET_F_MAC) | BIT_ULL(VIRTIO_NET_F_STATUS) |
		    BIT_ULL(VIRTIO_NET_F_MTU) | BIT_ULL(VIRTIO_NET_F_CSUM) |
		    BIT_ULL(VIRTIO_NET_F_GUEST_CSUM) | BIT_ULL(VIRTIO_NET_F_HOST_TSO4) |
		    BIT_ULL(VIRTIO_NET_F_HOST_TSO6) | BIT_ULL(VIRTIO_NET_F_GUEST_TSO4) |
		    BIT_ULL(VIRTIO_NET_F_GUEST_TSO6) | BIT_ULL(VIRTIO_NET_F_MRG_RXBUF));
	BUILD_BUG_ON(sizeof(*cfg) > LGDEV_CONFIG_MAX);
	cfg = (struct virtio_net_config *)net->dev.config;
	memcpy(cfg->mac, mac, ETH_ALEN);
	cfg->status = cpu_to_le16(VIRTIO_NET_S_LINK_UP);
	cfg->max_virtqueue_pairs = cpu_to_le16(1);
	cfg->mtu = cpu_to_le16(LGDEV_NET_MTU);
	net->dev.config_len = offsetofend(struct virtio_net_config, mtu);

	err = register_netdev(ndev);
	if (err) {
		pr_warn_ratelimited("virtio-net in slot %u: cannot register %s: %d\n",
				    desc->slot, desc->name, err);
		free_netdev(ndev);
		goto free;
	}
	net->netns = get_net(netns);
	return &net->dev.ldev;

free:
	mem_cgroup_put(net->dev.memcg);
	kfree(net->rx_chain0);
	kfree(net->rx_chain);
	kfree(net->tx_chain);
	kfree(net);
	return ERR_PTR(err);
}
