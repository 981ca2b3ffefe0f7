/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * LRO within the application's limit. A virtio device coalesces TCP up
 * to 64 KiB and cannot be told less, while an application states the
 * largest frame it takes in max_lro_pkt_size (ethdev fills in the MTU's
 * frame, 1518, when it gives none). A frame the device delivered is
 * never lost because of that limit: a coalesced TCP frame over it is cut
 * here into standalone TCP segments within it, as the sender's TCP would
 * have sent them (Linux tcp_gso_segment semantics: IPv4 id incremented,
 * sequence numbers advanced, FIN/PSH on the last segment only, CWR on
 * the first only), each with its IP and TCP checksums computed in full.
 * A frame that cannot be cut (not TCP over IPv4/IPv6, bad headers,
 * checksum not vouched for by the device, no mbufs) is delivered whole
 * and counted.
 *
 * This is a wrapper around the datapath chosen at start, installed only
 * when a queue needs it, so the hot paths stay as they are. Order is
 * kept: frames received after an oversize one wait in `pend`, the
 * segments made of it in `segs`, and a call delivers from those before
 * it asks the datapath for more. All segments of a frame are made before
 * the first is delivered, so a pool running dry mid-split can still fall
 * back to the original frame.
 */
#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_memcpy.h>
#include <rte_tcp.h>

#include "vio_ethdev.h"
#include "vio_proc.h"
#include "vio_rx.h"

/* Frames asked of the datapath per call: what `pend` can hold. */
#define VIO_LRO_PENDING_MAX	64
/* Segments one frame may become: a 64 KiB frame at an MSS of 256 and
 * more. A device reporting a smaller gso_size gets its frame whole. */
#define VIO_LRO_SEGS_MAX	256

#define VIO_IPV4_FRAG_MASK \
	(RTE_IPV4_HDR_MF_FLAG | RTE_IPV4_HDR_OFFSET_MASK)

/* Why an oversize frame was delivered whole (logged once per queue). */
enum vio_lro_whole {
	VIO_LRO_SPLIT_DONE,
	VIO_LRO_WHOLE_HEADERS,
	VIO_LRO_WHOLE_CKSUM,
	VIO_LRO_WHOLE_SEGS,
	VIO_LRO_WHOLE_NOMBUF,
};

static const char *const vio_lro_whole_why[] = {
	[VIO_LRO_WHOLE_HEADERS] = "not TCP over IPv4/IPv6 with headers that fit the frame and the limit",
	[VIO_LRO_WHOLE_CKSUM] = "the device did not vouch for its checksum, or its IPv4 header checksum is wrong",
	[VIO_LRO_WHOLE_SEGS] = "it would make more than 256 segments",
	[VIO_LRO_WHOLE_NOMBUF] = "the mempool ran out of mbufs for its segments",
};

struct vio_lro_split {
	uint32_t limit;		/* max_lro_pkt_size */
	uint16_t pend_i, pend_n;	/* frames received, not looked at yet */
	uint16_t seg_i, seg_n;		/* segments made, not delivered yet */
	uint8_t logged;		/* 1 << enum vio_lro_whole, already logged */
	struct rte_mbuf *pend[VIO_LRO_PENDING_MAX];
	struct rte_mbuf *segs[VIO_LRO_SEGS_MAX];
};

/* Where the headers of a coalesced TCP frame are. */
struct vio_lro_hdrs {
	uint16_t l3;		/* IP header offset */
	uint16_t l4;		/* TCP header offset */
	uint16_t hdr_len;	/* all headers: copied to each segment */
	bool v6;
	uint32_t payload;	/* TCP payload bytes, by the IP length */
};

/* A read position in the source chain. */
struct vio_lro_cursor {
	const struct rte_mbuf *m;
	uint32_t off;
};

static inline bool
vio_lro_over(const struct rte_mbuf *m, uint32_t limit)
{
	return (m->ol_flags & RTE_MBUF_F_RX_LRO) && m->pkt_len > limit;
}

/* ---- parsing: every length is the device's, checked before use -------- */

/* An unfragmented IPv4 TCP packet; *ip_end is where its length ends. */
static int
vio_lro_parse_ipv4(const struct rte_mbuf *m, struct vio_lro_hdrs *h,
		   uint32_t *ip_end)
{
	const struct rte_ipv4_hdr *ip;
	uint32_t ihl;

	if (h->l3 + sizeof(*ip) > m->data_len)
		return -EINVAL;
	ip = rte_pktmbuf_mtod_offset(m, const struct rte_ipv4_hdr *, h->l3);
	ihl = rte_ipv4_hdr_len(ip);
	if ((ip->version_ihl >> 4) != 4 || ihl < sizeof(*ip) ||
	    h->l3 + ihl > m->data_len || ip->next_proto_id != IPPROTO_TCP ||
	    (ip->fragment_offset & rte_cpu_to_be_16(VIO_IPV4_FRAG_MASK)) ||
	    rte_be_to_cpu_16(ip->total_length) < ihl)
		return -EINVAL;
	h->l4 = h->l3 + ihl;
	*ip_end = h->l3 + rte_be_to_cpu_16(ip->total_length);
	return 0;
}

/* IPv6 with TCP as the next header (extension headers: not cut). */
static int
vio_lro_parse_ipv6(const struct rte_mbuf *m, struct vio_lro_hdrs *h,
		   uint32_t *ip_end)
{
	const struct rte_ipv6_hdr *ip;

	if (h->l3 + sizeof(*ip) > m->data_len)
		return -EINVAL;
	ip = rte_pktmbuf_mtod_offset(m, const struct rte_ipv6_hdr *, h->l3);
	if ((rte_be_to_cpu_32(ip->vtc_flow) >> 28) != 6 ||
	    ip->proto != IPPROTO_TCP)
		return -EINVAL;
	h->v6 = true;
	h->l4 = h->l3 + sizeof(*ip);
	*ip_end = h->l4 + rte_be_to_cpu_16(ip->payload_len);
	return 0;
}

/* The headers of `m`, all in its first mbuf, and its TCP payload, which
 * must lie inside the frame (trailing bytes beyond the IP length are
 * not part of any segment). */
static int
vio_lro_parse(const struct rte_mbuf *m, struct vio_lro_hdrs *h)
{
	const struct rte_tcp_hdr *th;
	uint32_t ip_end, thl;
	uint16_t etype;
	int ret;

	memset(h, 0, sizeof(*h));
	ret = vio_rx_l2_parse(m, &h->l3, &etype);
	if (ret == 0 && etype == RTE_BE16(RTE_ETHER_TYPE_IPV4))
		ret = vio_lro_parse_ipv4(m, h, &ip_end);
	else if (ret == 0 && etype == RTE_BE16(RTE_ETHER_TYPE_IPV6))
		ret = vio_lro_parse_ipv6(m, h, &ip_end);
	else
		ret = -EINVAL;
	if (ret < 0 || h->l4 + sizeof(*th) > m->data_len)
		return -EINVAL;
	th = rte_pktmbuf_mtod_offset(m, const struct rte_tcp_hdr *, h->l4);
	thl = (uint32_t)(th->data_off >> 4) * 4;
	if (thl < sizeof(*th) || h->l4 + thl > m->data_len ||
	    ip_end < h->l4 + thl || ip_end > m->pkt_len)
		return -EINVAL;
	h->hdr_len = (uint16_t)(h->l4 + thl);
	h->payload = ip_end - h->hdr_len;
	return 0;
}

/* Whether `m` can be cut, and into how many segments of *mss bytes of
 * payload: the device's gso_size, or less to fit the limit. */
static enum vio_lro_whole
vio_lro_plan(const struct vio_rxq *rxq, const struct rte_mbuf *m,
	     uint32_t limit, struct vio_lro_hdrs *h, uint32_t *mss,
	     uint32_t *nsegs)
{
	uint64_t l4 = m->ol_flags & RTE_MBUF_F_RX_L4_CKSUM_MASK;
	uint32_t room = rte_pktmbuf_data_room_size(rxq->mp) -
			RTE_PKTMBUF_HEADROOM;

	if (vio_lro_parse(m, h) < 0 || h->hdr_len >= limit ||
	    h->hdr_len > room || h->payload == 0)
		return VIO_LRO_WHOLE_HEADERS;
	/* Each segment gets a checksum computed here: only over data the
	 * device vouched for (DATA_VALID: GOOD, NEEDS_CSUM: NONE or GOOD). */
	if (l4 != RTE_MBUF_F_RX_L4_CKSUM_GOOD &&
	    l4 != RTE_MBUF_F_RX_L4_CKSUM_NONE)
		return VIO_LRO_WHOLE_CKSUM;
	/* Found wrong (the application asked for IPV4_CKSUM): segments with
	 * headers made afresh would hide it from the application. */
	if ((m->ol_flags & RTE_MBUF_F_RX_IP_CKSUM_MASK) ==
	    RTE_MBUF_F_RX_IP_CKSUM_BAD)
		return VIO_LRO_WHOLE_CKSUM;
	*mss = RTE_MIN((uint32_t)m->tso_segsz, limit - h->hdr_len);
	if (*mss == 0)
		*mss = limit - h->hdr_len;
	*nsegs = (h->payload + *mss - 1) / *mss;
	return *nsegs > VIO_LRO_SEGS_MAX ? VIO_LRO_WHOLE_SEGS :
					    VIO_LRO_SPLIT_DONE;
}

/* ---- making the segments ------------------------------------------------ */

/* Append `len` bytes from the cursor to the chain `head`, taking mbufs
 * from mp as each fills. */
static int
vio_lro_copy(struct rte_mempool *mp, struct rte_mbuf *head,
	     struct vio_lro_cursor *c, uint32_t len)
{
	struct rte_mbuf *last = rte_pktmbuf_lastseg(head);

	while (len > 0) {
		uint32_t n;

		if (rte_pktmbuf_tailroom(last) == 0) {
			struct rte_mbuf *seg = rte_pktmbuf_alloc(mp);

			if (seg == NULL)
				return -ENOMEM;
			last->next = seg;
			head->nb_segs++;
			last = seg;
		}
		while (c->m != NULL && c->off == c->m->data_len) {
			c->m = c->m->next;
			c->off = 0;
		}
		if (unlikely(c->m == NULL))
			return -EINVAL;	/* parse checked pkt_len: a bad chain */
		n = RTE_MIN(len, (uint32_t)rte_pktmbuf_tailroom(last));
		n = RTE_MIN(n, (uint32_t)c->m->data_len - c->off);
		rte_memcpy(rte_pktmbuf_mtod_offset(last, void *, last->data_len),
			   rte_pktmbuf_mtod_offset(c->m, const void *, c->off),
			   n);
		last->data_len += n;
		head->pkt_len += n;
		c->off += n;
		len -= n;
	}
	return 0;
}

/* Segment `idx`, whose payload starts `off` bytes into the frame's: its
 * IP length (IPv4: id and header checksum), TCP sequence, flags and
 * checksum. The headers are a copy of the frame's. */
static void
vio_lro_seg_headers(struct rte_mbuf *s, const struct vio_lro_hdrs *h,
		    uint32_t idx, uint32_t off, bool last)
{
	struct rte_tcp_hdr *th = rte_pktmbuf_mtod_offset(s, struct rte_tcp_hdr *,
							 h->l4);
	uint16_t ip_len = (uint16_t)(s->pkt_len - h->l3);

	if (h->v6) {
		struct rte_ipv6_hdr *ip = rte_pktmbuf_mtod_offset(s,
					struct rte_ipv6_hdr *, h->l3);

		ip->payload_len = rte_cpu_to_be_16(ip_len - sizeof(*ip));
	} else {
		struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod_offset(s,
					struct rte_ipv4_hdr *, h->l3);

		ip->total_length = rte_cpu_to_be_16(ip_len);
		ip->packet_id = rte_cpu_to_be_16((uint16_t)
				(rte_be_to_cpu_16(ip->packet_id) + idx));
		ip->hdr_checksum = 0;
		ip->hdr_checksum = rte_ipv4_cksum(ip);
	}
	th->sent_seq = rte_cpu_to_be_32(rte_be_to_cpu_32(th->sent_seq) + off);
	if (!last)
		th->tcp_flags &= ~(RTE_TCP_FIN_FLAG | RTE_TCP_PSH_FLAG);
	if (idx > 0)
		th->tcp_flags &= ~RTE_TCP_CWR_FLAG;
	vio_tcp_cksum_fill(s, h->l3, h->l4, h->v6);
}

/* What the frame's mbuf said about it, for a segment: not LRO, and
 * checksums now computed in full. */
static void
vio_lro_seg_meta(struct rte_mbuf *s, const struct rte_mbuf *m, bool v6)
{
	s->port = m->port;
	s->packet_type = m->packet_type;
	s->vlan_tci = m->vlan_tci;
	s->vlan_tci_outer = m->vlan_tci_outer;
	s->hash = m->hash;
	s->ol_flags = (m->ol_flags & ~(RTE_MBUF_F_RX_LRO |
				       RTE_MBUF_F_RX_L4_CKSUM_MASK |
				       RTE_MBUF_F_RX_IP_CKSUM_MASK)) |
		      RTE_MBUF_F_RX_L4_CKSUM_GOOD |
		      (v6 ? 0 : RTE_MBUF_F_RX_IP_CKSUM_GOOD);
}

static struct rte_mbuf *
vio_lro_seg_make(struct rte_mempool *mp, const struct rte_mbuf *m,
		 const struct vio_lro_hdrs *h, struct vio_lro_cursor *c,
		 uint32_t idx, uint32_t off, uint32_t len, bool last)
{
	struct rte_mbuf *s = rte_pktmbuf_alloc(mp);

	if (s == NULL)
		return NULL;
	rte_memcpy(rte_pktmbuf_mtod(s, void *),
		   rte_pktmbuf_mtod(m, const void *), h->hdr_len);
	s->data_len = h->hdr_len;
	s->pkt_len = h->hdr_len;
	if (vio_lro_copy(mp, s, c, len) < 0) {
		rte_pktmbuf_free(s);
		return NULL;
	}
	vio_lro_seg_headers(s, h, idx, off, last);
	vio_lro_seg_meta(s, m, h->v6);
	return s;
}

/* All segments of `m` into ls->segs, or none. */
static enum vio_lro_whole
vio_lro_cut(struct vio_rxq *rxq, struct vio_lro_split *ls,
	    const struct rte_mbuf *m, uint32_t *bytes)
{
	struct vio_lro_cursor c = { .m = m, .off = 0 };
	struct vio_lro_hdrs h;
	uint32_t mss, nsegs, i, off;
	enum vio_lro_whole why;

	why = vio_lro_plan(rxq, m, ls->limit, &h, &mss, &nsegs);
	if (why != VIO_LRO_SPLIT_DONE)
		return why;
	c.off = h.hdr_len;	/* in the first mbuf: parse checked */
	*bytes = 0;
	for (i = 0, off = 0; i < nsegs; i++, off += mss) {
		struct rte_mbuf *s = vio_lro_seg_make(rxq->mp, m, &h, &c, i, off,
				RTE_MIN(mss, h.payload - off), i == nsegs - 1);

		if (s == NULL) {
			rte_pktmbuf_free_bulk(ls->segs, i);
			return VIO_LRO_WHOLE_NOMBUF;
		}
		ls->segs[i] = s;
		*bytes += s->pkt_len;
	}
	ls->seg_i = 0;
	ls->seg_n = (uint16_t)nsegs;
	return VIO_LRO_SPLIT_DONE;
}

static void
vio_lro_whole(struct vio_rxq *rxq, struct vio_lro_split *ls,
	      const struct rte_mbuf *m, enum vio_lro_whole why)
{
	rxq->xstats.lro_over_limit_whole++;
	if (ls->logged & (1u << why))
		return;
	ls->logged |= 1u << why;
	VIO_PMD_LOG(rx, WARNING, "port %u rx queue %u: a coalesced frame of %u bytes, over max_lro_pkt_size %u, delivered whole: %s (counted in rx_q%u_lro_over_limit_whole; logged once)",
		    rxq->port_id, rxq->queue_id, m->pkt_len, ls->limit,
		    vio_lro_whole_why[why], rxq->queue_id);
}

/* An oversize frame: true if it became segments (and was freed). The
 * queue's counters then count what the application receives. */
static bool
vio_lro_split_frame(struct vio_rxq *rxq, struct vio_lro_split *ls,
		    struct rte_mbuf *m)
{
	enum vio_lro_whole why;
	uint32_t bytes = 0;

	why = vio_lro_cut(rxq, ls, m, &bytes);
	if (why != VIO_LRO_SPLIT_DONE) {
		vio_lro_whole(rxq, ls, m, why);
		return false;
	}
	rxq->xstats.lro_split_frames++;
	rxq->xstats.lro_split_segments += ls->seg_n;
	rxq->stats.packets += ls->seg_n - 1u;
	rxq->stats.bytes += bytes - m->pkt_len;
	rte_pktmbuf_free(m);
	return true;
}

/* ---- the burst ---------------------------------------------------------- */

/* Deliver into pkts[nb..n) what the queue holds: segments first, then
 * the frames received after the one they came from, cutting those too. */
static uint16_t
vio_lro_drain(struct vio_rxq *rxq, struct vio_lro_split *ls,
	      struct rte_mbuf **pkts, uint16_t nb, uint16_t n)
{
	while (nb < n) {
		struct rte_mbuf *m;

		if (ls->seg_i < ls->seg_n) {
			pkts[nb++] = ls->segs[ls->seg_i++];
			continue;
		}
		if (ls->pend_i == ls->pend_n)
			break;
		m = ls->pend[ls->pend_i++];
		if (vio_lro_over(m, ls->limit) && vio_lro_split_frame(rxq, ls, m))
			continue;
		pkts[nb++] = m;
	}
	return nb;
}

uint16_t
vio_rx_lro_split_burst(void *queue, struct rte_mbuf **pkts, uint16_t n)
{
	struct vio_rxq *rxq = queue;
	struct vio_lro_split *ls = rxq->lro_split;
	uint16_t nb, end, i;

	nb = vio_lro_drain(rxq, ls, pkts, 0, n);
	if (nb == n)
		return nb;
	/* Nothing held any more: ask the datapath for what `pend` holds. */
	end = nb + vio_proc[rxq->port_id].lro_inner(rxq, pkts + nb,
			RTE_MIN(n - nb, VIO_LRO_PENDING_MAX));
	for (i = nb; i < end; i++)
		if (unlikely(vio_lro_over(pkts[i], ls->limit)))
			break;
	if (likely(i == end))
		return end;
	ls->pend_i = 0;
	ls->pend_n = end - i;
	memcpy(ls->pend, pkts + i, ls->pend_n * sizeof(*pkts));
	return vio_lro_drain(rxq, ls, pkts, i, n);
}

/* ---- control ------------------------------------------------------------ */

bool
vio_rx_lro_split_needed(const struct vio_rxq *rxq)
{
	return (rxq->offloads & RTE_ETH_RX_OFFLOAD_TCP_LRO) &&
	       rxq->max_lro_pkt_size != 0 &&
	       rxq->max_lro_pkt_size < VIO_MAX_LRO_PKTLEN;
}

void
vio_rx_lro_split_stop(struct vio_rxq *rxq)
{
	struct vio_lro_split *ls = rxq->lro_split;

	if (ls == NULL)
		return;
	rte_pktmbuf_free_bulk(ls->segs + ls->seg_i, ls->seg_n - ls->seg_i);
	rte_pktmbuf_free_bulk(ls->pend + ls->pend_i, ls->pend_n - ls->pend_i);
	rte_free(ls);
	rxq->lro_split = NULL;
}

/* After the datapath was chosen: wrap it if the device may coalesce and
 * a queue's limit is below what it may coalesce. One burst function
 * serves every queue, so each gets the state (limit UINT32_MAX where its
 * own is not below). */
int
vio_rx_lro_split_install(struct rte_eth_dev *dev)
{
	struct vio_adapter *ad = dev->data->dev_private;
	bool need = false;
	uint16_t i;

	ad->rx_lro_split = false;
	if (!vio_hw_has(&ad->hw, VIO_NET_F_GUEST_TSO4) &&
	    !vio_hw_has(&ad->hw, VIO_NET_F_GUEST_TSO6))
		return 0;
	for (i = 0; i < dev->data->nb_rx_queues; i++)
		need |= vio_rx_lro_split_needed(dev->data->rx_queues[i]);
	if (!need)
		return 0;
	for (i = 0; i < dev->data->nb_rx_queues; i++) {
		struct vio_rxq *rxq = dev->data->rx_queues[i];

		vio_rx_lro_split_stop(rxq);
		rxq->lro_split = rte_zmalloc_socket("vio_lro_split",
				sizeof(*rxq->lro_split), RTE_CACHE_LINE_SIZE,
				rxq->mp->socket_id);
		if (rxq->lro_split == NULL)
			return -ENOMEM;
		rxq->lro_split->limit = vio_rx_lro_split_needed(rxq) ?
					rxq->max_lro_pkt_size : UINT32_MAX;
	}
	ad->rx_lro_split = true;
	return 0;
}
