/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Transmit offloads, out of line (vio_tx_offload.h): tx_pkt_prepare
 * (checks against the negotiated features, software IPv4 checksums and
 * VLAN insertion, the pseudo-header sum the device expects) and the
 * header of a packet with offload flags.
 */
#include <errno.h>

#include <rte_errno.h>
#include <rte_ether.h>

#include <rte_net.h>

#include "vio_tx_offload.h"

#define VIO_TX_GSO_FLAGS	(RTE_MBUF_F_TX_TCP_SEG | RTE_MBUF_F_TX_UDP_SEG)
/* Requests that need the inner IP header: a pseudo-header or its checksum. */
#define VIO_TX_L3_FLAGS \
	(RTE_MBUF_F_TX_L4_MASK | VIO_TX_GSO_FLAGS | RTE_MBUF_F_TX_IP_CKSUM)

/* ---- transmit: checks -------------------------------------------------- */

static inline bool
vio_tx_is_v6(uint64_t ol)
{
	return (ol & RTE_MBUF_F_TX_IPV6) != 0;
}

/* What the flags ask for, before any byte of the packet is read. */
static int
vio_tx_check_flags(const struct vio_offload_caps *caps, uint64_t ol)
{
	uint64_t l4 = ol & RTE_MBUF_F_TX_L4_MASK;
	bool v4 = (ol & (RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_IP_CKSUM)) != 0;
	bool v6 = vio_tx_is_v6(ol);

	/* virtio checksums are Internet checksums; SCTP wants a CRC32c. */
	if (l4 == RTE_MBUF_F_TX_SCTP_CKSUM)
		return -ENOTSUP;
	if (ol & RTE_MBUF_F_TX_OFFLOAD_MASK & ~caps->tx_ok_flags)
		return -ENOTSUP;
	if ((ol & VIO_TX_L3_FLAGS) && v4 == v6)
		return -EINVAL;	/* which pseudo-header? */
	if ((ol & RTE_MBUF_F_TX_OUTER_IP_CKSUM) &&
	    (ol & RTE_MBUF_F_TX_OUTER_IPV6))
		return -EINVAL;
	if ((ol & VIO_TX_GSO_FLAGS) == 0)
		return 0;
	if ((ol & VIO_TX_GSO_FLAGS) == VIO_TX_GSO_FLAGS)
		return -EINVAL;
	/* virtio 1.3 GSO segments on the outermost headers only. */
	if (ol & VIO_TX_OUTER_FLAGS)
		return -ENOTSUP;
	if (ol & RTE_MBUF_F_TX_TCP_SEG) {
		if (l4 != 0 && l4 != RTE_MBUF_F_TX_TCP_CKSUM)
			return -EINVAL;
		if (!(caps->tx_gso & (v6 ? VIO_OFFLOAD_GSO_TCPV6 :
					   VIO_OFFLOAD_GSO_TCPV4)))
			return -ENOTSUP;
	} else if (l4 != 0 && l4 != RTE_MBUF_F_TX_UDP_CKSUM) {
		return -EINVAL;
	}
	return 0;
}

/* Bytes of the first segment the offload request reads or writes. */
static uint32_t
vio_tx_hdr_need(const struct rte_mbuf *m, uint64_t ol)
{
	uint32_t l3_off = vio_tx_l3_offset(m), l4_off = l3_off + m->l3_len;

	if (ol & RTE_MBUF_F_TX_TCP_SEG)
		return l4_off + m->l4_len;
	if (ol & RTE_MBUF_F_TX_UDP_SEG)
		return l4_off + VIO_UDP_LEN;
	switch (ol & RTE_MBUF_F_TX_L4_MASK) {
	case RTE_MBUF_F_TX_TCP_CKSUM:
		return l4_off + VIO_TCP_CSUM_OFF + sizeof(uint16_t);
	case RTE_MBUF_F_TX_UDP_CKSUM:
		return l4_off + VIO_UDP_LEN;
	}
	if (ol & RTE_MBUF_F_TX_IP_CKSUM)
		return l4_off;
	return 0;
}

/* The mbuf's header lengths against the packet: every header the request
 * touches must be whole, and in the first segment. */
static int
vio_tx_check_lengths(const struct rte_mbuf *m, uint64_t ol)
{
	uint32_t need = vio_tx_hdr_need(m, ol);

	if (need > m->data_len)
		return -EINVAL;
	if ((ol & RTE_MBUF_F_TX_OUTER_IP_CKSUM) &&
	    (m->outer_l3_len < VIO_IPV4_MIN_LEN ||
	     (uint32_t)m->outer_l2_len + m->outer_l3_len > m->data_len))
		return -EINVAL;
	if ((ol & VIO_TX_L3_FLAGS) &&
	    m->l3_len < (vio_tx_is_v6(ol) ? VIO_IPV6_LEN : VIO_IPV4_MIN_LEN))
		return -EINVAL;
	if ((ol & RTE_MBUF_F_TX_TCP_SEG) && m->l4_len < VIO_TCP_MIN_LEN)
		return -EINVAL;
	if ((ol & VIO_TX_GSO_FLAGS) && m->tso_segsz == 0)
		return -EINVAL;
	return 0;
}

static int
vio_tx_check_ecn(const struct vio_offload_caps *caps, const struct rte_mbuf *m)
{
	if ((m->ol_flags & RTE_MBUF_F_TX_TCP_SEG) &&
	    !(caps->tx_gso & VIO_OFFLOAD_GSO_ECN) &&
	    vio_tx_tcp_cwr(m, vio_tx_l4_offset(m)))
		return -ENOTSUP;	/* without HOST_ECN the device may not */
	return 0;
}

/* An IPv4 header checksum the request asks vio to compute must have a
 * sane IHL, inside the l3 length the caller checked against the packet. */
static int
vio_tx_check_ihl(const struct rte_mbuf *m, uint32_t off, uint32_t l3_len)
{
	const struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod_offset(m,
					const struct rte_ipv4_hdr *, off);
	uint32_t ihl = rte_ipv4_hdr_len(ip);

	return ihl < VIO_IPV4_MIN_LEN || ihl > l3_len ? -EINVAL : 0;
}

static int
vio_tx_check_ip(const struct rte_mbuf *m, uint64_t ol)
{
	int ret = 0;

	if (ol & RTE_MBUF_F_TX_OUTER_IP_CKSUM)
		ret = vio_tx_check_ihl(m, m->outer_l2_len, m->outer_l3_len);
	if (ret == 0 && (ol & RTE_MBUF_F_TX_IP_CKSUM))
		ret = vio_tx_check_ihl(m, vio_tx_l3_offset(m), m->l3_len);
	return ret;
}

/*
 * The L4 length that goes into the pseudo-header, as the device will
 * treat it: TSO uses the real length (Linux adjusts by skb->len per
 * segment), UDP its own length field (Linux USO adjusts by uh->len; for
 * plain UDP it is what the receiver checks), plain TCP the IP header's
 * length (so Ethernet padding after the IP packet does not count).
 * 0 when the IP or UDP header contradicts the mbuf. Headers were checked
 * to be in the first segment.
 */
static uint32_t
vio_tx_l4_len(const struct rte_mbuf *m)
{
	uint64_t ol = m->ol_flags;
	uint32_t l3_off = vio_tx_l3_offset(m), l4_off = l3_off + m->l3_len;
	const void *l3 = rte_pktmbuf_mtod_offset(m, const void *, l3_off);
	const struct rte_udp_hdr *uh = rte_pktmbuf_mtod_offset(m,
					const struct rte_udp_hdr *, l4_off);
	uint32_t len;

	if (ol & RTE_MBUF_F_TX_TCP_SEG)
		return m->pkt_len - l4_off;
	if (ol & RTE_MBUF_F_TX_UDP_SEG)
		return rte_be_to_cpu_16(uh->dgram_len) >= VIO_UDP_LEN ?
		       rte_be_to_cpu_16(uh->dgram_len) : 0;
	if ((ol & RTE_MBUF_F_TX_L4_MASK) == RTE_MBUF_F_TX_UDP_CKSUM) {
		len = rte_be_to_cpu_16(uh->dgram_len);
		if (len < VIO_UDP_LEN)
			return 0;
	} else if (vio_tx_is_v6(ol)) {
		len = rte_be_to_cpu_16(((const struct rte_ipv6_hdr *)l3)->payload_len);
		len = len + VIO_IPV6_LEN >= m->l3_len ?
		      len + VIO_IPV6_LEN - m->l3_len : 0;
	} else {
		len = rte_be_to_cpu_16(((const struct rte_ipv4_hdr *)l3)->total_length);
		len = len >= m->l3_len ? len - m->l3_len : 0;
	}
	return len <= m->pkt_len - l4_off ? len : 0;
}

/* Everything about one packet that can fail, before any byte is written.
 * On success *l4_len is the pseudo-header length (0: no L4 offload). */
static int
vio_tx_check(const struct vio_offload_caps *caps, const struct rte_mbuf *m,
	     uint32_t *l4_len)
{
	uint64_t ol = m->ol_flags;
	int ret;

	ret = vio_tx_check_flags(caps, ol);
	if (ret == 0)
		ret = vio_tx_check_lengths(m, ol);
	if (ret == 0)
		ret = vio_tx_check_ecn(caps, m);
	if (ret == 0)
		ret = vio_tx_check_ip(m, ol);
	if (ret < 0)
		return ret;
	*l4_len = 0;
	if (ol & VIO_TX_HDR_FLAGS) {
		*l4_len = vio_tx_l4_len(m);
		if (*l4_len == 0)
			return -EINVAL;
	}
	return 0;
}

/* ---- transmit: fix-ups ------------------------------------------------- */

static void
vio_tx_ipv4_cksum(struct rte_mbuf *m, uint32_t off)
{
	struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod_offset(m,
					struct rte_ipv4_hdr *, off);

	ip->hdr_checksum = 0;
	ip->hdr_checksum = rte_ipv4_cksum(ip);
}

/* virtio has no IP checksum offload: do them here and drop the requests.
 * The IPv4 flag that replaces each keeps the packet's description (outer
 * lengths, pseudo-header family) intact for vio_tx_hdr_fill. */
static void
vio_tx_ip_cksums(struct rte_mbuf *m)
{
	if (m->ol_flags & RTE_MBUF_F_TX_OUTER_IP_CKSUM) {
		vio_tx_ipv4_cksum(m, m->outer_l2_len);
		m->ol_flags &= ~RTE_MBUF_F_TX_OUTER_IP_CKSUM;
		m->ol_flags |= RTE_MBUF_F_TX_OUTER_IPV4;
	}
	if (m->ol_flags & RTE_MBUF_F_TX_IP_CKSUM) {
		vio_tx_ipv4_cksum(m, vio_tx_l3_offset(m));
		m->ol_flags &= ~RTE_MBUF_F_TX_IP_CKSUM;
		m->ol_flags |= RTE_MBUF_F_TX_IPV4;
	}
}

/* Seed the L4 checksum field with the pseudo-header sum. Computed
 * afresh, never adjusted, so preparing a packet twice is harmless. */
static void
vio_tx_phdr(struct rte_mbuf *m, uint32_t l4_len)
{
	uint64_t ol = m->ol_flags;
	uint32_t l3_off = vio_tx_l3_offset(m), l4_off = l3_off + m->l3_len;
	const void *l3 = rte_pktmbuf_mtod_offset(m, const void *, l3_off);
	void *l4 = rte_pktmbuf_mtod_offset(m, void *, l4_off);
	bool tcp = (ol & RTE_MBUF_F_TX_TCP_SEG) ||
		   (!(ol & RTE_MBUF_F_TX_UDP_SEG) &&
		    (ol & RTE_MBUF_F_TX_L4_MASK) == RTE_MBUF_F_TX_TCP_CKSUM);
	uint16_t sum = vio_phdr_sum(l3, vio_tx_is_v6(ol),
				    tcp ? IPPROTO_TCP : IPPROTO_UDP, l4_len);

	if (tcp)
		((struct rte_tcp_hdr *)l4)->cksum = sum;
	else
		((struct rte_udp_hdr *)l4)->dgram_cksum = sum;
}

static int
vio_tx_prepare_one(const struct vio_offload_caps *caps, struct rte_mbuf **mp)
{
	struct rte_mbuf *m = *mp;
	uint32_t l4_len;
	int ret;

	if (likely(!(m->ol_flags & RTE_MBUF_F_TX_OFFLOAD_MASK)))
		return 0;
	ret = vio_tx_check(caps, m, &l4_len);
	if (ret < 0)
		return ret;
	if (m->ol_flags & RTE_MBUF_F_TX_VLAN) {
		/* Shifts the headers by 4 and grows l2_len (or outer_l2_len):
		 * the offsets and l4_len found above stay right. */
		ret = rte_vlan_insert(mp);
		m = *mp;	/* the API allows a new mbuf, even on failure */
		if (ret < 0)
			return ret;
	}
	vio_tx_ip_cksums(m);
	if (l4_len != 0)
		vio_tx_phdr(m, l4_len);
	return 0;
}

uint16_t
vio_tx_prepare_caps(const struct vio_offload_caps *caps,
		    struct rte_mbuf **pkts, uint16_t n)
{
	uint16_t i;

	for (i = 0; i < n; i++) {
		int ret = vio_tx_prepare_one(caps, &pkts[i]);

		if (unlikely(ret < 0)) {
			rte_errno = -ret;
			break;
		}
	}
	return i;
}

uint16_t
vio_tx_prepare(void *txq, struct rte_mbuf **pkts, uint16_t n)
{
	return vio_tx_prepare_caps(vio_txq_offload_caps(txq), pkts, n);
}

/*
 * In the burst, for GSO packets only: write the pseudo-header sum virtio
 * needs (full L4 length). Applications that skip tx_prepare follow the
 * Intel convention (no length for TSO), which would give the device a
 * wrong start for every segment's checksum; the sum is computed afresh,
 * so a packet that went through vio_tx_prepare is unchanged. Headers not
 * in the first segment are left alone (tx_prepare refuses those).
 */
void
vio_tx_gso_fixup(struct rte_mbuf *m)
{
	uint32_t l4_off = vio_tx_l4_offset(m), l4_len;
	uint32_t l4_hdr = (m->ol_flags & RTE_MBUF_F_TX_TCP_SEG) ?
			  sizeof(struct rte_tcp_hdr) : sizeof(struct rte_udp_hdr);

	if (unlikely(l4_off + l4_hdr > m->data_len))
		return;
	l4_len = vio_tx_l4_len(m);
	if (l4_len != 0)
		vio_tx_phdr(m, l4_len);
}

void
vio_tx_hdr_offload(void *hdr, struct rte_mbuf *m)
{
	if (m->ol_flags & (RTE_MBUF_F_TX_TCP_SEG | RTE_MBUF_F_TX_UDP_SEG))
		vio_tx_gso_fixup(m);
	vio_tx_hdr_fill(hdr, m);
}
