/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Mbuf handling shared by the receive paths of both ring layouts: where
 * a buffer starts and how long it is, what rx sets in an mbuf, and the
 * trimming of a pre-linked chain to the frame received, and the
 * offloads of a finished packet.
 */
#ifndef VIO_RX_H
#define VIO_RX_H

#include <rte_mbuf.h>

#include "vio_ethdev.h"
#include "vio_rx_offload.h"

/* The device writes the header just before the mbuf's data room, so
 * the frame itself starts at RTE_PKTMBUF_HEADROOM. */
static inline uint64_t
vio_rx_buf_addr(const struct vio_rxq *rxq, const struct rte_mbuf *m)
{
	return vio_mbuf_addr(m, rxq->use_va) + RTE_PKTMBUF_HEADROOM -
	       rxq->hdr_size;
}

static inline uint32_t
vio_rx_buf_len(const struct vio_rxq *rxq, const struct rte_mbuf *m)
{
	return m->buf_len - RTE_PKTMBUF_HEADROOM + rxq->hdr_size;
}

/* Mbufs come straight from the pool (next NULL, nb_segs 1, refcnt 1, as
 * the mbuf library leaves them on free): set only what rx owns. */
static inline void
vio_rx_mbuf_init(struct rte_mbuf *m, uint16_t port, uint16_t data_off,
		 uint16_t len)
{
	m->data_off = data_off;
	m->port = port;
	m->ol_flags = 0;
	m->packet_type = 0;
	m->data_len = len;
	m->pkt_len = len;
}

static inline const struct vio_net_hdr_mrg *
vio_rx_hdr(const struct vio_rxq *rxq, const struct rte_mbuf *m)
{
	return RTE_PTR_ADD(m->buf_addr, RTE_PKTMBUF_HEADROOM - rxq->hdr_size);
}

/*
 * With MRG_RXBUF: is the used buffer `m` (`len` bytes used of `posted`)
 * a whole packet? A device fills every buffer of a packet but the last
 * to its full length (virtio 1.3, 5.1.6.4.2), so a buffer it left short
 * is the last, and being first too, the only one: num_buffers is then
 * not read. Its cache line was written by the device's core, and the
 * load would bring it over and leave it shared, so that the device's
 * next write to this mbuf's header waits for an invalidation. A device
 * that breaks the rule and goes on in a next buffer has that buffer read
 * as the start of another packet, whose header and length are checked
 * like any other's.
 */
static inline bool
vio_rx_mrg_single(const struct vio_rxq *rxq, const struct rte_mbuf *m,
		  uint32_t len, uint32_t posted)
{
	return len < posted || vio_rx_hdr(rxq, m)->num_buffers == 1;
}

/* Offloads of a packet whose mbufs are final (vio_rx_offload_or_drop):
 * 0, or -1 when the packet was dropped. `sw` is the queue's sw_offloads,
 * read once per burst. */
static inline int
vio_rx_offload(struct vio_rxq *rxq, struct rte_mbuf *m, uint8_t sw)
{
	return vio_rx_offload_or_drop(rxq, m, &vio_rx_hdr(rxq, m)->hdr, sw);
}

/* Trim a pre-linked chain to `len` bytes of frame, freeing unused mbufs. */
static inline void
vio_rx_trim_chain(const struct vio_rxq *rxq, struct rte_mbuf *head,
		  uint32_t len)
{
	uint16_t hdr = rxq->hdr_size, segs = 0;
	struct rte_mbuf *m = head, *last = head;
	uint32_t left = len;

	while (m != NULL && (left > 0 || m == head)) {
		uint16_t off = m == head ? RTE_PKTMBUF_HEADROOM :
					   RTE_PKTMBUF_HEADROOM - hdr;
		uint16_t room = m->buf_len - off;
		uint16_t take = left < room ? left : room;

		vio_rx_mbuf_init(m, rxq->port_id, off, take);
		left -= take;
		segs++;
		last = m;
		m = m->next;
	}
	last->next = NULL;
	if (m != NULL)
		rte_pktmbuf_free(m);
	head->nb_segs = segs;
	head->pkt_len = len;
}

/* rx_packed.c: the packed single-buffer scalar burst without its refill:
 * what the vector rows hand anything but a clean batch to. */
uint16_t vio_rx_packed_take(struct vio_rxq *rxq, struct rte_mbuf **pkts,
			    uint16_t nb_pkts);

/* rx_lro_split.c: coalesced frames over max_lro_pkt_size become TCP
 * segments within it. install wraps dev->rx_pkt_burst when a queue needs
 * it (after the path is chosen at start); stop frees what a queue held. */
bool vio_rx_lro_split_needed(const struct vio_rxq *rxq);
int vio_rx_lro_split_install(struct rte_eth_dev *dev);
void vio_rx_lro_split_stop(struct vio_rxq *rxq);
uint16_t vio_rx_lro_split_burst(void *rxq, struct rte_mbuf **pkts, uint16_t n);

#endif /* VIO_RX_H */
