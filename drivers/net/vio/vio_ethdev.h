/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The vio ethdev PMD: state shared by the control path (vio_ethdev.c),
 * the queue setup (vio_queue.c) and the datapaths (rx_split.c, tx_split.c).
 */
#ifndef VIO_ETHDEV_H
#define VIO_ETHDEV_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <ethdev_driver.h>
#include <rte_mbuf.h>

#include "vio_cvq.h"
#include "vio_offload.h"
#include "vio_transport.h"
#include "vio_vq.h"

extern int vio_logtype_init;
extern int vio_logtype_driver;
extern int vio_logtype_rx;
extern int vio_logtype_tx;

#define VIO_PMD_LOG(type, level, fmt, ...) \
	rte_log(RTE_LOG_ ## level, vio_logtype_ ## type, \
		"vio: " fmt "\n", ##__VA_ARGS__)

#define VIO_DEFAULT_QUEUE_SIZE	256
#define VIO_MIN_QUEUE_SIZE	64
#define VIO_MAX_RX_PKTLEN	9728
/* A coalesced packet: a 64 KiB IP packet behind an Ethernet and VLAN header. */
#define VIO_MAX_LRO_PKTLEN	(UINT16_MAX + RTE_ETHER_HDR_LEN + RTE_VLAN_HLEN)
#define VIO_DEFAULT_SPEED	RTE_ETH_SPEED_NUM_10G
/* Indirect table entries per tx packet: header + up to 63 segments (a
 * 64 KiB TSO packet in 2 KiB mbufs takes 32, and then one ring slot). */
#define VIO_TX_MAX_IND		64
/* An rx burst refills its ring once this many buffers are free: one
 * cache line of packed descriptors. Measured, not derived: with 32 (a
 * burst), packed rx was 2-10% slower in most rounds of paired runs on one
 * backend (64B, mid and far placements), and 1, 4 and 8 were alike; split
 * rx did not move. */
#define VIO_RX_REFILL_MIN	4
/* Queue pairs a virtio-user port takes (the vhost-user ring index is a
 * byte: 256 rings). */
#define VIO_MAX_QUEUE_PAIRS	128
/* MAC addresses of a port with a control queue: its own and 63 more in
 * the device's unicast filter table. */
#define VIO_MAX_MAC_ADDRS	64
/* Multicast addresses kept for the device's multicast filter table. */
#define VIO_MAX_MC_ADDRS	128

/* Devargs as the user gave them (vdev) or defaults (PCI). */
struct vio_devargs {
	char path[108];		/* sun_path size */
	uint16_t queues;
	uint16_t queue_size;	/* descriptors per queue when nb_desc is 0 */
	bool queue_size_set;	/* given: also the most a queue gets */
	struct rte_ether_addr mac;
	bool mac_set;
	bool mrg_rxbuf;
	bool in_order;
	bool packed_vq;
	uint32_t speed;
	bool speed_set;		/* speed given: the device's own is not used */
	bool legacy;		/* PCI: use a transitional device's legacy interface */
	bool vectorized;	/* asked for; no vector paths yet */
	bool cq;		/* a control virtqueue (also with queues > 1) */
	char iface[16];		/* IFNAMSIZ: vhost-kernel's tap name */
	bool server;		/* virtio-user: vio listens on path */
	uint32_t socket_mode;	/* its file mode; 0: owner only (0600) */
	bool reconnect;		/* virtio-user client: connect again when lost */
};

/* net_vio_user's devargs (path required by the caller). */
int vio_devargs_parse(const char *dev_name, const char *args,
		      struct vio_devargs *da);
/* net_vio's (PCI) devargs: no path; legacy. */
int vio_devargs_parse_pci(const char *dev_name, const char *args,
			  struct vio_devargs *da);

/* The control commands the PMD sends, counted when the device acked them
 * (xstats ctrl_<name>). */
enum vio_ctrl_cmd {
	VIO_CTRL_PROMISC,
	VIO_CTRL_ALLMULTI,
	VIO_CTRL_MAC_TABLE,
	VIO_CTRL_MAC_ADDR,
	VIO_CTRL_VLAN_ADD,
	VIO_CTRL_VLAN_DEL,
	VIO_CTRL_MQ_PAIRS,
	VIO_CTRL_NB
};

/* The control virtqueue of a port (vio_ctrl.c). */
struct vio_ctrl {
	struct vio_vq vq;
	struct vio_cvq cq;
	const struct rte_memzone *mz;	/* ring, then the command region */
	bool laid_out;		/* vq holds state for vio_vq_fini */
	bool live;		/* set up at the device: commands may go */
	uint64_t acked[VIO_CTRL_NB];
	struct rte_ether_addr mc[VIO_MAX_MC_ADDRS];	/* multicast filter */
	uint32_t nb_mc;
};

struct vio_adapter {
	struct vio_hw hw;
	/* Serialises control commands with status and queue ops: on
	 * virtio-user both use the vhost-user socket from the calling
	 * thread. */
	pthread_mutex_t lock;
	struct vio_ctrl ctrl;
	struct vio_devargs da;
	uint64_t wanted;	/* features the driver asks for */
	uint16_t max_mtu;
	bool started;
	bool link_up_logged;
	const char *rx_path;	/* chosen datapath names, for logs and xstats */
	const char *tx_path;
	bool rx_lro_split;	/* rx_path wrapped by vio_rx_lro_split_burst */
	uint32_t ptype_mask;	/* packet types the application asked for */
};

/* Said after rx_path wherever it is shown: the wrapper is part of it. */
static inline const char *
vio_rx_path_suffix(const struct vio_adapter *ad)
{
	return ad->rx_lro_split ? " + lro split" : "";
}

struct vio_queue_stats {
	uint64_t packets;
	uint64_t bytes;
	uint64_t errors;	/* packets dropped for device misbehaviour */
};

/* Count a burst's packets and bytes. A burst that moved nothing leaves
 * the counters alone, so that a stats reset from the control thread is
 * not overwritten by a stale value on the next idle poll. */
static inline void
vio_stats_add(struct vio_queue_stats *st, uint16_t packets, uint64_t bytes)
{
	if (packets > 0) {
		st->packets += packets;
		st->bytes += bytes;
	}
}

/* Per rx queue counters beyond the ring's (xstats rx_qN_...). */
struct vio_rxq_xstats {
	uint64_t lro_split_frames;	/* coalesced frames split to the limit */
	uint64_t lro_split_segments;	/* the segments made of them */
	uint64_t lro_over_limit_whole;	/* over the limit, delivered whole */
	uint64_t ip_cksum_bad;		/* IPv4 header checksum wrong */
};

struct vio_lro_split;

struct vio_rxq {
	struct vio_vq vq;
	struct rte_mempool *mp;
	uint64_t *nombuf;	/* the port's rx_mbuf_alloc_failed */
	uint16_t hdr_size;
	uint16_t port_id;
	uint16_t segs_per_buf;	/* mbufs chained per buffer without MRG_RXBUF */
	bool use_va;
	uint8_t sw_offloads;	/* VIO_RX_SW_*, VIO_RX_DEV_HDR: per-packet work */
	uint64_t offloads;	/* RTE_ETH_RX_OFFLOAD_* in force */
	uint64_t queue_offloads;	/* asked for this queue at setup */
	uint32_t ptype_mask;
	uint32_t max_lro_pkt_size;
	struct vio_queue_stats stats;
	struct vio_rxq_xstats xstats;
	/* rx_lro_split.c's state, only while the split wrapper runs. */
	struct vio_lro_split *lro_split;
	const struct rte_memzone *mz;
	uint16_t queue_id;
};

/* Per-descriptor tx header and indirect table, in device-visible memory. */
struct vio_tx_region {
	struct vio_net_hdr_mrg hdr;
	uint8_t pad[4];
	union {
		struct vio_desc ind[VIO_TX_MAX_IND];
		struct vio_packed_desc pind[VIO_TX_MAX_IND];	/* packed */
	};
};

struct vio_txq {
	struct vio_vq vq;
	struct vio_tx_region *region;	/* one per descriptor */
	uint64_t region_addr;		/* device address of region[0] */
	uint16_t hdr_size;
	uint16_t free_thresh;
	uint32_t segs_held;	/* mbufs posted and not yet freed */
	bool use_va;
	bool indirect;
	uint64_t hdr_flags;	/* mbuf flags that need a non-zero header */
	struct vio_offload_caps caps;	/* what tx_prepare lets through */
	struct vio_queue_stats stats;
	const struct rte_memzone *mz;
	uint16_t queue_id;
	uint16_t port_id;
};

/* The address the device uses for an mbuf's buffer. */
static inline uint64_t
vio_mbuf_addr(const struct rte_mbuf *m, bool use_va)
{
	return use_va ? (uint64_t)(uintptr_t)m->buf_addr : m->buf_iova;
}

/* vio_rxq.sw_offloads */
#define VIO_RX_SW_VLAN_STRIP	(1u << 0)
#define VIO_RX_SW_PTYPE		(1u << 1)
#define VIO_RX_SW_IP_CKSUM	(1u << 2)
/* Not software work: the device's header may describe the packet
 * (GUEST_CSUM negotiated). Without it a device must leave flags zero and
 * gso_type NONE (virtio 1.3, 5.1.6.4.1), so the header is not read: its
 * cache line was written by the device, and loading it costs a transfer
 * from the device's core per packet (num_buffers, with mergeable
 * buffers, is read only for a buffer the device filled: see
 * vio_rx_mrg_single). */
#define VIO_RX_DEV_HDR		(1u << 7)

/* rx_offload.c: where the L3 header of a frame starts (Ethernet, up to
 * two VLAN tags, all in the first mbuf) and its ethertype, big endian. */
int vio_rx_l2_parse(const struct rte_mbuf *m, uint16_t *off, uint16_t *etype);

/* rx_offload.c: VLAN strip, packet type, IPv4 header checksum. */
int vio_rx_sw_offloads(struct vio_rxq *rxq, struct rte_mbuf *m);

/*
 * Every rx path, once a packet's mbufs are final. The per-packet test is
 * vio_rx_offload_needed(): the device's flags and gso_type, and `sw`, the
 * queue's sw_offloads read once per burst into a local (a uint8_t field
 * would be reloaded after every store into an mbuf). Only then
 * vio_rx_offload_slow().
 */
static inline uint16_t
vio_rx_offload_needed(const struct vio_net_hdr *h, uint8_t sw)
{
	uint16_t w = 0;

	if (sw & VIO_RX_DEV_HDR)
		memcpy(&w, h, sizeof(w));	/* flags and gso_type in one load */
	return w | (sw & ~VIO_RX_DEV_HDR);
}

/* rx_offload.c, out of line so that the datapaths' loops stay small:
 * the header to mbuf flags (vio_offload.h), the software offloads, and
 * the drop (freed, counted) of a packet whose header is refused. */
int vio_rx_offload_slow(struct vio_rxq *rxq, struct rte_mbuf *m,
			const struct vio_net_hdr *h);

/* What every rx path calls once a packet's mbufs are final: 0, or -1 when
 * the packet was dropped. */
static inline int
vio_rx_offload_or_drop(struct vio_rxq *rxq, struct rte_mbuf *m,
		       const struct vio_net_hdr *h, uint8_t sw)
{
	if (likely(vio_rx_offload_needed(h, sw) == 0))
		return 0;
	return vio_rx_offload_slow(rxq, m, h);
}

/* rx_offload.c: the header of a packet with offload flags (GSO packets
 * get their pseudo-header first), out of line like the rx side. */
void vio_tx_hdr_offload(void *hdr, struct rte_mbuf *m);

/*
 * Every tx path: write the header for `m` at `hdr`. `hdr_flags` is the
 * queue's, read once per burst: a packet without offload flags (or a
 * queue without offloads) gets the all-zero header and nothing else.
 */
static inline void
vio_tx_hdr_write(void *hdr, uint16_t hdr_size, uint64_t hdr_flags,
		 struct rte_mbuf *m)
{
	if (likely((m->ol_flags & hdr_flags) == 0)) {
		vio_tx_hdr_zero(hdr, hdr_size);
		return;
	}
	memset(hdr, 0, hdr_size);
	vio_tx_hdr_offload(hdr, m);
}

/* vio_ctrl.c: the control queue and the ethdev ops that use it. The
 * lifecycle functions run with ad->lock held; the ops take it. */
bool vio_ctrl_wanted(const struct vio_devargs *da);
uint64_t vio_ctrl_features(const struct vio_devargs *da, uint64_t rx_offloads);
bool vio_ctrl_in_use(const struct vio_adapter *ad);
int vio_ctrl_start(struct rte_eth_dev *dev);
int vio_ctrl_apply(struct rte_eth_dev *dev);
void vio_ctrl_stop(struct rte_eth_dev *dev);
void vio_ctrl_free(struct rte_eth_dev *dev);
const char *vio_ctrl_cmd_name(enum vio_ctrl_cmd c);
int vio_ctrl_promisc_enable(struct rte_eth_dev *dev);
int vio_ctrl_promisc_disable(struct rte_eth_dev *dev);
int vio_ctrl_allmulti_enable(struct rte_eth_dev *dev);
int vio_ctrl_allmulti_disable(struct rte_eth_dev *dev);
int vio_ctrl_mac_addr_set(struct rte_eth_dev *dev, struct rte_ether_addr *mac);
int vio_ctrl_mac_addr_add(struct rte_eth_dev *dev, struct rte_ether_addr *mac,
			  uint32_t index, uint32_t vmdq);
void vio_ctrl_mac_addr_remove(struct rte_eth_dev *dev, uint32_t index);
int vio_ctrl_mc_addr_list_set(struct rte_eth_dev *dev,
			      struct rte_ether_addr *mc, uint32_t nb);
int vio_ctrl_vlan_filter_set(struct rte_eth_dev *dev, uint16_t vid, int on);
int vio_ctrl_vlan_filter_mode(struct rte_eth_dev *dev);

/* vio_ethdev.c: common init of a probed port (vdev or PCI). */
int vio_ethdev_init(struct rte_eth_dev *dev);
int vio_ethdev_uninit(struct rte_eth_dev *dev);
/* A port attached in a secondary process: read-only ops, no datapath. */
void vio_ethdev_init_secondary(struct rte_eth_dev *dev);

/* vio_queue.c */
const struct rte_memzone *vio_queue_mem(struct rte_eth_dev *dev,
					const char *kind, uint16_t qid,
					size_t len, unsigned int socket);
uint64_t vio_mz_addr(struct vio_adapter *ad, const struct rte_memzone *mz);
size_t vio_ring_len(uint16_t size);
int vio_vq_layout(struct vio_vq *vq, uint16_t index, uint16_t size,
		  const struct rte_memzone *mz, uint64_t addr, bool packed,
		  bool in_order);
int vio_rx_queue_setup(struct rte_eth_dev *dev, uint16_t qid, uint16_t nb_desc,
		       unsigned int socket, const struct rte_eth_rxconf *conf,
		       struct rte_mempool *mp);
int vio_tx_queue_setup(struct rte_eth_dev *dev, uint16_t qid, uint16_t nb_desc,
		       unsigned int socket, const struct rte_eth_txconf *conf);
void vio_rx_queue_release(struct rte_eth_dev *dev, uint16_t qid);
void vio_tx_queue_release(struct rte_eth_dev *dev, uint16_t qid);
int vio_queues_start(struct rte_eth_dev *dev);
void vio_queues_stop(struct rte_eth_dev *dev);
void vio_queues_kick(struct rte_eth_dev *dev);
void vio_rxq_offloads_update(struct rte_eth_dev *dev, struct vio_rxq *rxq);
/* Queue info, so that users see the burst mode (testpmd: show rxq info). */
void vio_rxq_info_get(struct rte_eth_dev *dev, uint16_t qid,
		      struct rte_eth_rxq_info *info);
void vio_txq_info_get(struct rte_eth_dev *dev, uint16_t qid,
		      struct rte_eth_txq_info *info);

/* vio_xstats.c */
int vio_xstats_get_names(struct rte_eth_dev *dev,
			 struct rte_eth_xstat_name *names, unsigned int size);
int vio_xstats_get(struct rte_eth_dev *dev, struct rte_eth_xstat *xs,
		   unsigned int size);
int vio_xstats_reset(struct rte_eth_dev *dev);
int vio_rx_burst_mode_get(struct rte_eth_dev *dev, uint16_t qid,
			  struct rte_eth_burst_mode *mode);
int vio_tx_burst_mode_get(struct rte_eth_dev *dev, uint16_t qid,
			  struct rte_eth_burst_mode *mode);

/* rx_split.c */
void vio_rx_split_prepare(struct vio_rxq *rxq);
int vio_rx_split_refill(struct vio_rxq *rxq);
uint16_t vio_rx_split(void *rxq, struct rte_mbuf **pkts, uint16_t n);
uint16_t vio_rx_split_mrg(void *rxq, struct rte_mbuf **pkts, uint16_t n);
uint16_t vio_rx_split_big(void *rxq, struct rte_mbuf **pkts, uint16_t n);

/* tx_split.c */
uint16_t vio_tx_split(void *txq, struct rte_mbuf **pkts, uint16_t n);

/* rx_split_inorder.c (and vio_tx_split_ino in tx_split.c): VIRTIO_F_IN_ORDER negotiated */
void vio_rx_split_ino_prepare(struct vio_rxq *rxq);
int vio_rx_split_ino_refill(struct vio_rxq *rxq);
uint16_t vio_rx_split_ino(void *rxq, struct rte_mbuf **pkts, uint16_t n);
uint16_t vio_rx_split_ino_mrg(void *rxq, struct rte_mbuf **pkts, uint16_t n);
uint16_t vio_rx_split_ino_big(void *rxq, struct rte_mbuf **pkts, uint16_t n);
uint16_t vio_tx_split_ino(void *txq, struct rte_mbuf **pkts, uint16_t n);
/* rx_packed.c */
void vio_rx_packed_prepare(struct vio_rxq *rxq);
int vio_rx_packed_refill(struct vio_rxq *rxq);
uint16_t vio_rx_packed(void *rxq, struct rte_mbuf **pkts, uint16_t n);
uint16_t vio_rx_packed_mrg(void *rxq, struct rte_mbuf **pkts, uint16_t n);
uint16_t vio_rx_packed_big(void *rxq, struct rte_mbuf **pkts, uint16_t n);
uint16_t vio_rx_packed_inorder(void *rxq, struct rte_mbuf **pkts, uint16_t n);
uint16_t vio_rx_packed_inorder_mrg(void *rxq, struct rte_mbuf **pkts, uint16_t n);
uint16_t vio_rx_packed_inorder_big(void *rxq, struct rte_mbuf **pkts, uint16_t n);

/* rx_lro_split.c: coalesced frames over max_lro_pkt_size become TCP
 * segments within it. install wraps dev->rx_pkt_burst when a queue needs
 * it (after the path is chosen at start); stop frees what a queue held. */
bool vio_rx_lro_split_needed(const struct vio_rxq *rxq);
int vio_rx_lro_split_install(struct rte_eth_dev *dev);
void vio_rx_lro_split_stop(struct vio_rxq *rxq);
uint16_t vio_rx_lro_split_burst(void *rxq, struct rte_mbuf **pkts, uint16_t n);

/* tx_packed.c */
uint16_t vio_tx_packed(void *txq, struct rte_mbuf **pkts, uint16_t n);
uint16_t vio_tx_packed_inorder(void *txq, struct rte_mbuf **pkts, uint16_t n);


#endif /* VIO_ETHDEV_H */
