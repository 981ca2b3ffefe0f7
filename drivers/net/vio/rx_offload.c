/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The out-of-line side of the rx offloads: what runs only for packets
 * whose header is not all zero, or when the application enabled a
 * software offload. The datapaths inline just the test (vio_rx.h).
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
