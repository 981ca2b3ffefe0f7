/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Receive offloads, out of line (vio_rx_offload.h): what runs only for
 * packets whose header is not all zero, or when the application enabled
 * a software offload; the software completion of a partial checksum.
 */
#include <string.h>

#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_net.h>

#include "vio_ethdev.h"
#include "vio_rx.h"

int
vio_rx_l2_parse(const struct rte_mbuf *m, uint16_t *off, uint16_t *etype)
{
	const struct rte_ether_hdr *eh;
	unsigned int tags;

	if (m->data_len < sizeof(*eh))
		return -EINVAL;
	eh = rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);
	*etype = eh->ether_type;
	*off = sizeof(*eh);
	for (tags = 0; tags < 2; tags++) {
		const struct rte_vlan_hdr *vh;

		if (*etype != RTE_BE16(RTE_ETHER_TYPE_VLAN) &&
		    *etype != RTE_BE16(RTE_ETHER_TYPE_QINQ))
			break;
		if (*off + sizeof(*vh) > m->data_len)
			return -EINVAL;
		vh = rte_pktmbuf_mtod_offset(m, const struct rte_vlan_hdr *,
					     *off);
		*etype = vh->eth_proto;
		*off += sizeof(*vh);
	}
	return 0;
}

/* The one's complement sum of an option-less IPv4 header is 0xffff
 * when its checksum is right. Summed as five 32-bit words into 64 bits
 * and folded (RFC 1071: any word size that is a multiple of 16 gives the
 * same folded sum): about a dozen instructions, where the generic
 * rte_raw_cksum loop costs several times that per packet. */
static inline bool
vio_ipv4_hdr20_ok(const void *ip)
{
	uint32_t w[5];
	uint64_t s;

	memcpy(w, ip, sizeof(w));
	s = (uint64_t)w[0] + w[1] + w[2] + w[3] + w[4];
	s = (s & 0xffffffff) + (s >> 32);
	s = (s & 0xffff) + (s >> 16);
	s = (s & 0xffff) + (s >> 16);
	s = (s & 0xffff) + (s >> 16);
	return s == 0xffff;
}

/* Where the L3 header starts: the untagged frame inline, tags out of line. */
static inline int
vio_rx_l3_start(const struct rte_mbuf *m, uint16_t *off, uint16_t *etype)
{
	if (likely(m->data_len >= RTE_ETHER_HDR_LEN)) {
		*etype = rte_pktmbuf_mtod(m, const struct rte_ether_hdr *)->ether_type;
		*off = RTE_ETHER_HDR_LEN;
		if (likely(*etype != RTE_BE16(RTE_ETHER_TYPE_VLAN) &&
			   *etype != RTE_BE16(RTE_ETHER_TYPE_QINQ)))
			return 0;
	}
	return vio_rx_l2_parse(m, off, etype);
}

/*
 * virtio has no IPv4 header checksum offload: verified here, for
 * applications that enabled RTE_ETH_RX_OFFLOAD_IPV4_CKSUM. A bad one is
 * flagged and counted, never dropped (the application decides); a frame
 * that is not IPv4 gets no flag. A header that does not fit in the first
 * mbuf (where every rx path puts at least a buffer's worth) is a
 * truncated one: bad.
 */
static void
vio_rx_ip_cksum(struct vio_rxq *rxq, struct rte_mbuf *m)
{
	const struct rte_ipv4_hdr *ip;
	uint16_t off, etype;
	uint32_t ihl;
	bool ok;

	if (vio_rx_l3_start(m, &off, &etype) < 0 ||
	    etype != RTE_BE16(RTE_ETHER_TYPE_IPV4))
		return;
	ok = off + sizeof(*ip) <= m->data_len;
	if (likely(ok)) {
		ip = rte_pktmbuf_mtod_offset(m, const struct rte_ipv4_hdr *, off);
		ihl = rte_ipv4_hdr_len(ip);
		if (likely(ip->version_ihl == RTE_IPV4_VHL_DEF))
			ok = vio_ipv4_hdr20_ok(ip);
		else
			ok = (ip->version_ihl >> 4) == 4 && ihl > sizeof(*ip) &&
			     off + ihl <= m->data_len &&
			     rte_raw_cksum(ip, ihl) == 0xffff;
	}
	if (likely(ok)) {
		m->ol_flags |= RTE_MBUF_F_RX_IP_CKSUM_GOOD;
		return;
	}
	m->ol_flags |= RTE_MBUF_F_RX_IP_CKSUM_BAD;
	rxq->xstats.ip_cksum_bad++;
}

int
vio_rx_sw_offloads(struct vio_rxq *rxq, struct rte_mbuf *m)
{
	/* rte_vlan_strip() leaves untagged frames alone and needs the whole
	 * tag in the first segment, where every vio rx path puts the frame
	 * start. A runt that names VLAN but ends inside the tag is delivered
	 * as it came: stripping it would read past the frame and leave
	 * rte_pktmbuf_adj() nothing to cut. */
	if ((rxq->sw_offloads & VIO_RX_SW_VLAN_STRIP) &&
	    m->data_len >= sizeof(struct rte_ether_hdr) + sizeof(struct rte_vlan_hdr))
		rte_vlan_strip(m);
	if (rxq->sw_offloads & VIO_RX_SW_IP_CKSUM)
		vio_rx_ip_cksum(rxq, m);
	if (rxq->sw_offloads & VIO_RX_SW_PTYPE)
		m->packet_type = rte_net_get_ptype(m, NULL, rxq->ptype_mask);
	return 0;
}

int
vio_rx_offload_slow(struct vio_rxq *rxq, struct rte_mbuf *m,
		    const struct vio_net_hdr *h)
{
	if (((rxq->sw_offloads & VIO_RX_DEV_HDR) == 0 ||
	     vio_rx_hdr_apply(m, h, rxq->offloads) == 0) &&
	    ((rxq->sw_offloads & ~VIO_RX_DEV_HDR) == 0 ||
	     vio_rx_sw_offloads(rxq, m) == 0))
		return 0;
	rxq->stats.errors++;
	rte_pktmbuf_free(m);
	return -1;
}

/* Sum of bytes [start, pkt_len) across the chain. A segment that starts
 * at an odd distance from `start` has its bytes in the other halves of
 * the 16-bit words: its folded sum is byte-swapped (RFC 1071, 2(B)).
 * DPDK 22.11's rte_raw_cksum_mbuf swaps the unfolded sum, losing carries,
 * hence this. */
static uint16_t
vio_sum_chain(const struct rte_mbuf *m, uint32_t start)
{
	uint32_t left = m->pkt_len - start, done = 0, sum = 0, off = start;

	while (m != NULL && off >= m->data_len) {
		off -= m->data_len;
		m = m->next;
	}
	for (; m != NULL && left > 0; m = m->next, off = 0) {
		uint32_t len = RTE_MIN((uint32_t)m->data_len - off, left);
		uint16_t s = rte_raw_cksum(rte_pktmbuf_mtod_offset(m,
					const void *, off), len);

		sum += (done & 1) ? rte_bswap16(s) : s;
		done += len;
		left -= len;
	}
	return vio_fold(sum);
}

/* Byte `off` of the packet (off < pkt_len, checked by the caller). */
static uint8_t *
vio_pkt_byte(struct rte_mbuf *m, uint32_t off)
{
	while (m != NULL && off >= m->data_len) {
		off -= m->data_len;
		m = m->next;
	}
	return m != NULL ? rte_pktmbuf_mtod_offset(m, uint8_t *, off) : NULL;
}

/*
 * Put the pseudo-header sum into the field afresh, from the packet's own
 * IP header, when the headers agree with csum_start/csum_offset. The spec
 * says the device has put that sum there already, but devices differ on
 * GSO packets: DPDK 22.11's vhost library writes the Intel TSO seed (no
 * length), with which no receiver can complete the sum. The length is
 * the IP header's (Ethernet padding excluded), so for a correct device
 * the field is unchanged. Anything unexpected: leave the field as it is.
 */
static void
vio_rx_csum_reseed(struct rte_mbuf *m, uint32_t start, uint32_t field)
{
	struct rte_net_hdr_lens hl = { 0 };
	uint32_t pt = rte_net_get_ptype(m, &hl, RTE_PTYPE_L2_MASK |
					RTE_PTYPE_L3_MASK | RTE_PTYPE_L4_MASK);
	uint32_t l4 = pt & RTE_PTYPE_L4_MASK, len;
	bool v6 = RTE_ETH_IS_IPV6_HDR(pt);
	const void *l3;
	uint8_t proto;
	uint16_t sum;

	if ((uint32_t)hl.l2_len + hl.l3_len != start ||
	    field + sizeof(uint16_t) > m->data_len)
		return;
	if (l4 == RTE_PTYPE_L4_TCP && field == start + VIO_TCP_CSUM_OFF)
		proto = IPPROTO_TCP;
	else if (l4 == RTE_PTYPE_L4_UDP && field == start + VIO_UDP_CSUM_OFF)
		proto = IPPROTO_UDP;
	else
		return;
	l3 = rte_pktmbuf_mtod_offset(m, const void *, hl.l2_len);
	if (v6)
		len = rte_be_to_cpu_16(((const struct rte_ipv6_hdr *)l3)->payload_len) +
		      VIO_IPV6_LEN;
	else if (RTE_ETH_IS_IPV4_HDR(pt))
		len = rte_be_to_cpu_16(((const struct rte_ipv4_hdr *)l3)->total_length);
	else
		return;
	if (len <= hl.l3_len || start + (len - hl.l3_len) > m->pkt_len)
		return;
	sum = vio_phdr_sum(l3, v6, proto, len - hl.l3_len);
	*rte_pktmbuf_mtod_offset(m, uint16_t *, field) = sum;
}

void
vio_rx_csum_complete(struct rte_mbuf *m, uint32_t start, uint32_t field)
{
	uint16_t c;

	vio_rx_csum_reseed(m, start, field);
	c = (uint16_t)~vio_sum_chain(m, start);
	uint8_t *lo, *hi;

	/* A computed zero goes out as all ones: for UDP, zero means "no
	 * checksum"; for TCP both forms verify. */
	if (c == 0)
		c = 0xffff;
	/* Byte by byte: the field may straddle two segments. Memory order
	 * matches the sum's, which was taken over 16-bit loads. */
	lo = vio_pkt_byte(m, field);
	hi = vio_pkt_byte(m, field + 1);
	if (lo == NULL || hi == NULL)
		return;
	*lo = ((const uint8_t *)&c)[0];
	*hi = ((const uint8_t *)&c)[1];
}

void
vio_tcp_cksum_fill(struct rte_mbuf *m, uint32_t l3_off, uint32_t l4_off,
		   bool v6)
{
	struct rte_tcp_hdr *th = rte_pktmbuf_mtod_offset(m,
					struct rte_tcp_hdr *, l4_off);
	const void *l3 = rte_pktmbuf_mtod_offset(m, const void *, l3_off);
	uint32_t sum;

	th->cksum = 0;
	sum = vio_phdr_sum(l3, v6, IPPROTO_TCP, m->pkt_len - l4_off);
	sum += vio_sum_chain(m, l4_off);
	th->cksum = (uint16_t)~vio_fold(sum);
}
