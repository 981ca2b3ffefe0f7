/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * RSS: the configuration an application gives (rte_eth_conf's rss_conf,
 * rss_hash_update, reta_update), the device's RSS and hash report when
 * it has them, and the Toeplitz hash in software when it has not.
 *
 * Hash types follow virtio's rules (1.3, 5.1.6.4.3.1), which are also
 * what a NIC does for these rss_hf bits: a TCP or UDP frame hashes its
 * addresses and ports when its L4 type is enabled, else its addresses
 * when its IP type is; a fragment hashes its addresses. Software does not
 * walk IPv6 extension headers: a frame with them hashes its fixed
 * header's addresses (virtio's _EX types without a home address option
 * or routing header give the same).
 *
 * The software Toeplitz uses a table per key: for each input byte
 * position and byte value, the XOR of the 32-bit key windows of the set
 * bits. A 12-byte IPv4 tuple then costs 12 loads and XORs instead of 96
 * bit steps (doc/rss.md has the measured cost).
 */
#include <errno.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_ip.h>
#include <rte_malloc.h>

#include "vio_ethdev.h"
#include "vio_proc.h"
#include "vio_rx.h"
#include "vio_rss.h"

/* The usual default key of Toeplitz RSS (the one in Microsoft's RSS
 * verification suite), so that a hash can be checked against published
 * values. */
const uint8_t vio_rss_default_key[VIO_RSS_KEY_LEN] = {
	0x6d, 0x5a, 0x56, 0xda, 0x25, 0x5b, 0x0e, 0xc2,
	0x41, 0x67, 0x25, 0x3d, 0x43, 0xa3, 0x8f, 0xb0,
	0xd0, 0xca, 0x2b, 0xcb, 0xae, 0x7b, 0x30, 0xb4,
	0x77, 0xcb, 0x2d, 0xa3, 0x80, 0x30, 0xf2, 0x0c,
	0x6a, 0x42, 0xb7, 0x3b, 0xbe, 0xac, 0x01, 0xfa,
};

/* rss_hf bits and the virtio hash type each enables. */
static const struct {
	uint64_t hf;
	uint32_t type;
} vio_rss_map[] = {
	{ RTE_ETH_RSS_IPV4 | RTE_ETH_RSS_FRAG_IPV4 |
	  RTE_ETH_RSS_NONFRAG_IPV4_OTHER, VIO_NET_HASH_TYPE_IPV4 },
	{ RTE_ETH_RSS_NONFRAG_IPV4_TCP, VIO_NET_HASH_TYPE_TCPV4 },
	{ RTE_ETH_RSS_NONFRAG_IPV4_UDP, VIO_NET_HASH_TYPE_UDPV4 },
	{ RTE_ETH_RSS_IPV6 | RTE_ETH_RSS_FRAG_IPV6 |
	  RTE_ETH_RSS_NONFRAG_IPV6_OTHER, VIO_NET_HASH_TYPE_IPV6 },
	{ RTE_ETH_RSS_NONFRAG_IPV6_TCP, VIO_NET_HASH_TYPE_TCPV6 },
	{ RTE_ETH_RSS_NONFRAG_IPV6_UDP, VIO_NET_HASH_TYPE_UDPV6 },
	{ RTE_ETH_RSS_IPV6_EX, VIO_NET_HASH_TYPE_IP_EX },
	{ RTE_ETH_RSS_IPV6_TCP_EX, VIO_NET_HASH_TYPE_TCP_EX },
	{ RTE_ETH_RSS_IPV6_UDP_EX, VIO_NET_HASH_TYPE_UDP_EX },
};

#define VIO_RSS_V4_L4 (VIO_NET_HASH_TYPE_TCPV4 | VIO_NET_HASH_TYPE_UDPV4)
#define VIO_RSS_V6_IP (VIO_NET_HASH_TYPE_IPV6 | VIO_NET_HASH_TYPE_IP_EX)

static struct vio_adapter *
adapter_of(struct rte_eth_dev *dev)
{
	return dev->data->dev_private;
}

static uint32_t
vio_rss_hf_types(uint64_t hf)
{
	uint32_t types = 0;
	size_t i;

	for (i = 0; i < RTE_DIM(vio_rss_map); i++)
		if (hf & vio_rss_map[i].hf)
			types |= vio_rss_map[i].type;
	return types;
}

static uint64_t
vio_rss_types_hf(uint32_t types, uint64_t asked)
{
	uint64_t hf = 0;
	size_t i;

	for (i = 0; i < RTE_DIM(vio_rss_map); i++)
		if (types & vio_rss_map[i].type)
			hf |= vio_rss_map[i].hf & asked;
	return hf;
}

/* ---- Toeplitz ----------------------------------------------------------- */

/* The 32 key bits starting at bit `s` (bit 0: the top bit of key[0]). */
static uint32_t
vio_rss_key_window(const uint8_t *key, unsigned int s)
{
	uint64_t w = 0;
	unsigned int i;

	for (i = 0; i < 5; i++)
		w = (w << 8) | key[s / 8 + i];
	return (uint32_t)(w >> (8 - s % 8));
}

void
vio_rss_tbl_build(struct vio_rss_tbl *t, const uint8_t *key, uint32_t types)
{
	unsigned int pos, b, bit;

	t->types = types;
	for (pos = 0; pos < VIO_RSS_INPUT_MAX; pos++) {
		uint32_t w[8];

		for (bit = 0; bit < 8; bit++)	/* bit 0: the byte's lowest */
			w[bit] = vio_rss_key_window(key, pos * 8 + 7 - bit);
		t->t[pos][0] = 0;
		for (b = 1; b < 256; b++)
			t->t[pos][b] = t->t[pos][b & (b - 1)] ^
				       w[__builtin_ctz(b)];
	}
}

/* The hash of `len` bytes placed at input byte `pos`: Toeplitz is
 * linear, so parts of a tuple that are apart in the frame are hashed
 * apart and XORed. */
static inline uint32_t
vio_rss_part(const struct vio_rss_tbl *t, unsigned int pos, const uint8_t *in,
	     unsigned int len)
{
	uint32_t h = 0;
	unsigned int i;

	for (i = 0; i < len; i++)
		h ^= t->t[pos + i][in[i]];
	return h;
}

uint32_t
vio_rss_toeplitz(const struct vio_rss_tbl *t, const uint8_t *in,
		 unsigned int len)
{
	return vio_rss_part(t, 0, in, RTE_MIN(len, VIO_RSS_INPUT_MAX));
}

/* Addresses (`alen` bytes at `addr`), then the ports when `l4` is not
 * NULL. */
static inline uint32_t
vio_rss_tuple(const struct vio_rss_tbl *t, const uint8_t *addr,
	      unsigned int alen, const uint8_t *l4)
{
	uint32_t h = vio_rss_part(t, 0, addr, alen);

	return l4 == NULL ? h : h ^ vio_rss_part(t, alen, l4, 4);
}

/* The ports of a TCP or UDP header at `l4` when its type is enabled and
 * they are in the first mbuf. */
static inline const uint8_t *
vio_rss_ports(const struct rte_mbuf *m, uint32_t l4, uint8_t proto,
	      uint32_t types, uint32_t tcp, uint32_t udp)
{
	if (!((proto == IPPROTO_TCP && (types & tcp)) ||
	      (proto == IPPROTO_UDP && (types & udp))) ||
	    l4 + 4 > m->data_len)
		return NULL;
	return rte_pktmbuf_mtod_offset(m, const uint8_t *, l4);
}

static bool
vio_rss_ipv4(const struct vio_rss_tbl *t, const struct rte_mbuf *m,
	     uint16_t off, uint32_t *hash)
{
	const struct rte_ipv4_hdr *ip;
	const uint8_t *ports = NULL;

	if (off + sizeof(*ip) > m->data_len)
		return false;
	ip = rte_pktmbuf_mtod_offset(m, const struct rte_ipv4_hdr *, off);
	if ((ip->fragment_offset & RTE_BE16(RTE_IPV4_HDR_MF_FLAG |
					    RTE_IPV4_HDR_OFFSET_MASK)) == 0)
		ports = vio_rss_ports(m, off + rte_ipv4_hdr_len(ip),
				      ip->next_proto_id, t->types,
				      VIO_NET_HASH_TYPE_TCPV4,
				      VIO_NET_HASH_TYPE_UDPV4);
	if (ports == NULL && !(t->types & VIO_NET_HASH_TYPE_IPV4))
		return false;
	*hash = vio_rss_tuple(t, (const uint8_t *)&ip->src_addr, 8, ports);
	return true;
}

static bool
vio_rss_ipv6(const struct vio_rss_tbl *t, const struct rte_mbuf *m,
	     uint16_t off, uint32_t *hash)
{
	const struct rte_ipv6_hdr *ip;
	const uint8_t *ports;

	if (off + sizeof(*ip) > m->data_len)
		return false;
	ip = rte_pktmbuf_mtod_offset(m, const struct rte_ipv6_hdr *, off);
	ports = vio_rss_ports(m, off + sizeof(*ip), ip->proto, t->types,
			      VIO_NET_HASH_TYPE_TCPV6 | VIO_NET_HASH_TYPE_TCP_EX,
			      VIO_NET_HASH_TYPE_UDPV6 | VIO_NET_HASH_TYPE_UDP_EX);
	if (ports == NULL && !(t->types & VIO_RSS_V6_IP))
		return false;
	*hash = vio_rss_tuple(t, ip->src_addr, 32, ports);
	return true;
}

bool
vio_rss_frame_hash(const struct vio_rss_tbl *t, const struct rte_mbuf *m,
		   uint32_t *hash)
{
	uint16_t off, etype;

	if (vio_rx_l2_parse(m, &off, &etype) < 0)
		return false;
	if (etype == RTE_BE16(RTE_ETHER_TYPE_IPV4))
		return vio_rss_ipv4(t, m, off, hash);
	if (etype == RTE_BE16(RTE_ETHER_TYPE_IPV6))
		return vio_rss_ipv6(t, m, off, hash);
	return false;
}

/* ---- the bursts ---------------------------------------------------------- */

static inline struct vio_rss *
vio_rss_of(const struct vio_rxq *rxq)
{
	const struct vio_adapter *ad =
		rte_eth_devices[rxq->port_id].data->dev_private;

	return ad->rss;
}

static inline void
vio_rss_set(struct rte_mbuf *m, uint32_t hash)
{
	m->hash.rss = hash;
	m->ol_flags |= RTE_MBUF_F_RX_RSS_HASH;
}

uint16_t
vio_rss_sw_burst(void *queue, struct rte_mbuf **pkts, uint16_t n)
{
	struct vio_rss *rss = vio_rss_of(queue);
	const struct vio_rss_tbl *t;
	uint16_t nb, i;
	uint32_t h;

	nb = vio_proc[((struct vio_rxq *)queue)->port_id].rss_inner(queue,
								     pkts, n);
	t = __atomic_load_n(&rss->cur, __ATOMIC_ACQUIRE);
	for (i = 0; i < nb; i++)
		if (vio_rss_frame_hash(t, pkts[i], &h))
			vio_rss_set(pkts[i], h);
	return nb;
}

/*
 * The device's hash: in the 20-byte header, which every rx path leaves
 * where the device wrote it, in the first mbuf's headroom just before
 * RTE_PKTMBUF_HEADROOM (vio_rx_hdr; software VLAN strip moves the data
 * start, not the header). A report type the spec does not define is
 * counted (rx_qN_hash_report_bad) and the frame gets no hash.
 */
uint16_t
vio_rss_report_burst(void *queue, struct rte_mbuf **pkts, uint16_t n)
{
	struct vio_rxq *rxq = queue;
	struct vio_rss *rss = vio_rss_of(rxq);
	uint16_t nb, i;

	/* Until the device took the configuration (or when it refused
	 * it), it reports nothing: software. */
	if (unlikely(!__atomic_load_n(&rss->report_live, __ATOMIC_RELAXED) ||
		     rxq->hdr_size != sizeof(struct vio_net_hdr_hash)))
		return vio_rss_sw_burst(queue, pkts, n);
	nb = vio_proc[rxq->port_id].rss_inner(queue, pkts, n);
	for (i = 0; i < nb; i++) {
		const struct vio_net_hdr_hash *h = RTE_PTR_ADD(pkts[i]->buf_addr,
				RTE_PKTMBUF_HEADROOM - sizeof(*h));
		uint16_t type = rte_le_to_cpu_16(h->hash_report);

		if (type == VIO_NET_HASH_REPORT_NONE)
			continue;
		if (unlikely(type > VIO_NET_HASH_REPORT_UDPV6_EX)) {
			rxq->xstats.hash_report_bad++;
			continue;
		}
		vio_rss_set(pkts[i], rte_le_to_cpu_32(h->hash_value));
	}
	return nb;
}

/* ---- configuration -------------------------------------------------------- */

static int
vio_rss_alloc(struct rte_eth_dev *dev)
{
	struct vio_adapter *ad = adapter_of(dev);
	struct vio_rss *rss;
	int i;

	if (ad->rss != NULL)
		return 0;
	rss = rte_zmalloc_socket("vio_rss", sizeof(*rss), RTE_CACHE_LINE_SIZE,
				 dev->data->numa_node);
	if (rss == NULL)
		return -ENOMEM;
	for (i = 0; i < 2; i++) {
		rss->tbl[i] = rte_zmalloc_socket("vio_rss_tbl",
				sizeof(*rss->tbl[i]), RTE_CACHE_LINE_SIZE,
				dev->data->numa_node);
		if (rss->tbl[i] == NULL) {
			rte_free(rss->tbl[0]);
			rte_free(rss);
			return -ENOMEM;
		}
	}
	rss->cur = rss->tbl[0];
	ad->rss = rss;
	return 0;
}

void
vio_rss_free(struct rte_eth_dev *dev)
{
	struct vio_adapter *ad = adapter_of(dev);

	if (ad->rss == NULL)
		return;
	rte_free(ad->rss->tbl[0]);
	rte_free(ad->rss->tbl[1]);
	rte_free(ad->rss);
	ad->rss = NULL;
}

/* The key and types into the table a running burst does not read, then
 * published. Two updates within one burst would overwrite a table in
 * use: a control-path rate no application has. */
static void
vio_rss_publish(struct vio_rss *rss)
{
	struct vio_rss_tbl *next = rss->cur == rss->tbl[0] ? rss->tbl[1] :
							     rss->tbl[0];

	vio_rss_tbl_build(next, rss->key, rss->types);
	__atomic_store_n(&rss->cur, next, __ATOMIC_RELEASE);
}

static int
vio_rss_key_check(struct rte_eth_dev *dev, const struct rte_eth_rss_conf *c)
{
	if (c->rss_key != NULL && c->rss_key_len != VIO_RSS_KEY_LEN) {
		VIO_PMD_LOG(driver, ERR, "port %u: RSS key of %u bytes, vio takes %u",
			    dev->data->port_id, c->rss_key_len, VIO_RSS_KEY_LEN);
		return -EINVAL;
	}
	if (c->rss_hf & ~VIO_RSS_HF) {
		VIO_PMD_LOG(driver, ERR, "port %u: RSS hash types 0x%" PRIx64 " not supported (supported: 0x%" PRIx64 ")",
			    dev->data->port_id, c->rss_hf & ~VIO_RSS_HF,
			    (uint64_t)VIO_RSS_HF);
		return -EINVAL;
	}
	return 0;
}

int
vio_rss_configure(struct rte_eth_dev *dev)
{
	const struct rte_eth_rss_conf *c = &dev->data->dev_conf.rx_adv_conf.rss_conf;
	struct vio_adapter *ad = adapter_of(dev);
	uint16_t nq = RTE_MAX(dev->data->nb_rx_queues, 1), i;
	int ret;

	ret = vio_rss_key_check(dev, c);
	if (ret == 0)
		ret = vio_rss_alloc(dev);
	if (ret < 0)
		return ret;
	memcpy(ad->rss->key, c->rss_key != NULL ? c->rss_key :
	       vio_rss_default_key, VIO_RSS_KEY_LEN);
	ad->rss->rss_hf = c->rss_hf;
	ad->rss->types = vio_rss_hf_types(c->rss_hf);
	for (i = 0; i < VIO_RSS_RETA_SIZE; i++)
		ad->rss->reta[i] = i % nq;
	vio_rss_publish(ad->rss);
	return 0;
}

static bool
vio_rss_hash_wanted(struct rte_eth_dev *dev)
{
	return dev->data->dev_conf.rxmode.offloads & RTE_ETH_RX_OFFLOAD_RSS_HASH;
}

uint64_t
vio_rss_features(struct rte_eth_dev *dev)
{
	struct vio_adapter *ad = adapter_of(dev);
	uint64_t f = 0;

	if (!vio_ctrl_wanted(&ad->da))
		return 0;
	/* Without hash types a device's RSS would send every frame to the
	 * unclassified queue: the device keeps its own choice then. */
	if ((dev->data->dev_conf.rxmode.mq_mode & RTE_ETH_MQ_RX_RSS_FLAG) &&
	    ad->rss != NULL && ad->rss->types != 0)
		f |= VIO_BIT(VIO_NET_F_RSS);
	if (vio_rss_hash_wanted(dev))
		f |= VIO_BIT(VIO_NET_F_HASH_REPORT);
	return f;
}

uint64_t
vio_rss_rx_capa(void)
{
	return RTE_ETH_RX_OFFLOAD_RSS_HASH;
}

void
vio_rss_info(struct rte_eth_dev *dev __rte_unused,
	     struct rte_eth_dev_info *info)
{
	info->flow_type_rss_offloads = VIO_RSS_HF;
	info->hash_key_size = VIO_RSS_KEY_LEN;
	info->reta_size = VIO_RSS_RETA_SIZE;
}

int
vio_rss_install(struct rte_eth_dev *dev)
{
	struct vio_adapter *ad = adapter_of(dev);
	struct vio_rss *rss = ad->rss;

	if (rss == NULL)
		return 0;
	rss->wrapped = vio_rss_hash_wanted(dev);
	if (!rss->wrapped)
		return 0;
	rss->dev_report = vio_hw_has(&ad->hw, VIO_NET_F_HASH_REPORT);
	rss->dev_rss = vio_hw_has(&ad->hw, VIO_NET_F_RSS);
	rss->report_live = false;
	VIO_PMD_LOG(driver, INFO, "port %u: RSS hash in mbufs: %s",
		    dev->data->port_id, rss->dev_report ? "device hash report" :
		    "software Toeplitz");
	return 0;
}

/* ---- the device's RSS ------------------------------------------------------ */

/* The device's limits (1.3, 5.1.4), read after negotiation and checked:
 * a key shorter than vio's or a table shorter than one entry leaves the
 * device unused (the software hash serves). */
static int
vio_rss_dev_limits(struct rte_eth_dev *dev, struct vio_rss *rss)
{
	struct vio_adapter *ad = adapter_of(dev);
	uint16_t len = 0, reta;
	uint32_t types = 0;
	uint8_t key = 0;

	/* A read that fails leaves 0: refused below. */
	ad->hw.ops->read_config(&ad->hw, VIO_NET_CONFIG_RSS(rss_max_key_size),
				&key, sizeof(key));
	ad->hw.ops->read_config(&ad->hw,
			VIO_NET_CONFIG_RSS(rss_max_indirection_table_length),
			&len, sizeof(len));
	ad->hw.ops->read_config(&ad->hw, VIO_NET_CONFIG_RSS(supported_hash_types),
				&types, sizeof(types));
	len = rte_le_to_cpu_16(len);
	rss->dev_types = rte_le_to_cpu_32(types);
	if (key < VIO_RSS_KEY_LEN || (vio_hw_has(&ad->hw, VIO_NET_F_RSS) && len == 0)) {
		VIO_PMD_LOG(driver, ERR, "port %u: device RSS limits unusable (key up to %u bytes, vio needs %u; indirection table up to %u entries): hashing in software",
			    dev->data->port_id, key, VIO_RSS_KEY_LEN, len);
		return -EINVAL;
	}
	for (reta = VIO_RSS_RETA_SIZE; reta > len && reta > 1; reta /= 2)
		;
	rss->dev_reta_len = reta;
	if ((rss->types & ~rss->dev_types) != 0)
		VIO_PMD_LOG(driver, WARNING, "port %u: the device hashes types 0x%x of the 0x%x asked",
			    dev->data->port_id, rss->types & rss->dev_types,
			    rss->types);
	return 0;
}

static int
vio_rss_dev_send(struct rte_eth_dev *dev, struct vio_rss *rss)
{
	struct vio_adapter *ad = adapter_of(dev);
	uint16_t table[VIO_RSS_RETA_SIZE], i;
	struct vio_cvq_rss c = {
		.hash_types = rss->types & rss->dev_types,
		.table_len = rss->dev_reta_len,
		.table = table,
		.max_tx_vq = dev->data->nb_tx_queues,
		.key_len = VIO_RSS_KEY_LEN,
		.key = rss->key,
	};

	if (rss->dev_rss) {
		for (i = 0; i < c.table_len; i++)
			table[i] = rss->reta[i];
		return vio_ctrl_result(dev, VIO_CTRL_RSS_CONFIG,
			vio_cvq_rss_config(&ad->ctrl.cq, &c, VIO_CVQ_TIMEOUT_US));
	}
	return vio_ctrl_result(dev, VIO_CTRL_HASH_CONFIG,
		vio_cvq_hash_config(&ad->ctrl.cq, c.hash_types, rss->key,
				    VIO_RSS_KEY_LEN, VIO_CVQ_TIMEOUT_US));
}

/* Whether the device hashes for the port: RSS or HASH_REPORT negotiated
 * and the control queue up. */
static bool
vio_rss_dev_live(struct vio_adapter *ad)
{
	return ad->rss != NULL && ad->ctrl.live &&
	       (vio_hw_has(&ad->hw, VIO_NET_F_RSS) ||
		vio_hw_has(&ad->hw, VIO_NET_F_HASH_REPORT));
}

/*
 * With the port's lock held, after the queue pairs were set (QEMU turns
 * its RSS off on MQ_VQ_PAIRS_SET). A device that refuses the
 * configuration leaves the port running: it steers as it did before
 * (one queue, or its own choice), and mbufs get the software hash.
 */
int
vio_rss_apply(struct rte_eth_dev *dev)
{
	struct vio_adapter *ad = adapter_of(dev);
	struct vio_rss *rss = ad->rss;

	if (!vio_rss_dev_live(ad))
		return 0;
	rss->dev_reta_len = 0;
	rss->dev_rss = vio_hw_has(&ad->hw, VIO_NET_F_RSS);
	if (vio_rss_dev_limits(dev, rss) < 0 || vio_rss_dev_send(dev, rss) < 0) {
		VIO_PMD_LOG(driver, WARNING, "port %u: the device was not configured to hash: hashing in software",
			    dev->data->port_id);
		return 0;
	}
	__atomic_store_n(&rss->report_live, rss->dev_report, __ATOMIC_RELAXED);
	VIO_PMD_LOG(driver, INFO, "port %u: device %s with hash types 0x%x, %u table entries",
		    dev->data->port_id, rss->dev_rss ? "RSS" : "hash report",
		    rss->types & rss->dev_types, rss->dev_reta_len);
	return 0;
}

/* ---- ethdev ops ------------------------------------------------------------ */

static int
vio_rss_update_dev(struct rte_eth_dev *dev)
{
	struct vio_adapter *ad = adapter_of(dev);

	if (!ad->started || !vio_rss_dev_live(ad) || ad->rss->dev_reta_len == 0)
		return 0;
	return vio_rss_dev_send(dev, ad->rss);
}

static int
vio_rss_ready(struct rte_eth_dev *dev)
{
	struct vio_adapter *ad = adapter_of(dev);

	if (ad->rss == NULL) {
		VIO_PMD_LOG(driver, ERR, "port %u: configure the port before its RSS",
			    dev->data->port_id);
		return -EINVAL;
	}
	return 0;
}

/* Entry i of an ethdev table in groups of 64, or NULL when its mask bit
 * is clear. */
static uint16_t *
vio_reta_entry(struct rte_eth_rss_reta_entry64 *conf, uint16_t i)
{
	struct rte_eth_rss_reta_entry64 *g = &conf[i / RTE_ETH_RETA_GROUP_SIZE];
	uint16_t shift = i % RTE_ETH_RETA_GROUP_SIZE;

	return (g->mask & (UINT64_C(1) << shift)) ? &g->reta[shift] : NULL;
}

static int
vio_rss_reta_check(struct rte_eth_dev *dev,
		   struct rte_eth_rss_reta_entry64 *conf, uint16_t size)
{
	const uint16_t *e;
	uint16_t i;
	int ret = vio_rss_ready(dev);

	if (ret < 0)
		return ret;
	if (size != VIO_RSS_RETA_SIZE) {
		VIO_PMD_LOG(driver, ERR, "port %u: redirection table of %u entries, vio has %u",
			    dev->data->port_id, size, VIO_RSS_RETA_SIZE);
		return -EINVAL;
	}
	for (i = 0; i < size; i++) {
		e = vio_reta_entry(conf, i);
		if (e != NULL && *e >= dev->data->nb_rx_queues) {
			VIO_PMD_LOG(driver, ERR, "port %u: redirection table entry %u: queue %u of %u",
				    dev->data->port_id, i, *e,
				    dev->data->nb_rx_queues);
			return -EINVAL;
		}
	}
	return 0;
}

int
vio_rss_reta_update(struct rte_eth_dev *dev,
		    struct rte_eth_rss_reta_entry64 *conf, uint16_t size)
{
	struct vio_adapter *ad = adapter_of(dev);
	const uint16_t *e;
	uint16_t i;
	int ret = vio_rss_reta_check(dev, conf, size);

	if (ret < 0)
		return ret;
	pthread_mutex_lock(&ad->lock);
	for (i = 0; i < size; i++) {
		e = vio_reta_entry(conf, i);
		if (e != NULL)
			ad->rss->reta[i] = *e;
	}
	ret = vio_rss_update_dev(dev);
	pthread_mutex_unlock(&ad->lock);
	return ret;
}

int
vio_rss_reta_query(struct rte_eth_dev *dev,
		   struct rte_eth_rss_reta_entry64 *conf, uint16_t size)
{
	struct vio_adapter *ad = adapter_of(dev);
	uint16_t *e, i;
	int ret = vio_rss_ready(dev);

	if (ret < 0)
		return ret;
	if (size != VIO_RSS_RETA_SIZE)
		return -EINVAL;
	for (i = 0; i < size; i++) {
		e = vio_reta_entry(conf, i);
		if (e != NULL)
			*e = ad->rss->reta[i];
	}
	return 0;
}

int
vio_rss_hash_update(struct rte_eth_dev *dev, struct rte_eth_rss_conf *c)
{
	struct vio_adapter *ad = adapter_of(dev);
	int ret = vio_rss_ready(dev);

	if (ret == 0)
		ret = vio_rss_key_check(dev, c);
	if (ret < 0)
		return ret;
	pthread_mutex_lock(&ad->lock);
	if (c->rss_key != NULL)
		memcpy(ad->rss->key, c->rss_key, VIO_RSS_KEY_LEN);
	ad->rss->rss_hf = c->rss_hf;
	ad->rss->types = vio_rss_hf_types(c->rss_hf);
	vio_rss_publish(ad->rss);
	ret = vio_rss_update_dev(dev);
	pthread_mutex_unlock(&ad->lock);
	return ret;
}

int
vio_rss_hash_conf_get(struct rte_eth_dev *dev, struct rte_eth_rss_conf *c)
{
	struct vio_adapter *ad = adapter_of(dev);
	int ret = vio_rss_ready(dev);

	if (ret < 0)
		return ret;
	if (c->rss_key != NULL) {
		if (c->rss_key_len < VIO_RSS_KEY_LEN)
			return -EINVAL;
		memcpy(c->rss_key, ad->rss->key, VIO_RSS_KEY_LEN);
	}
	c->rss_key_len = VIO_RSS_KEY_LEN;
	c->rss_hf = vio_rss_types_hf(ad->rss->types, ad->rss->rss_hf);
	return 0;
}
