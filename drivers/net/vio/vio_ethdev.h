/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The vio ethdev PMD: state shared by the control path, the queue setup
 * and the datapaths (the datapaths' own entry points are in vio_dp.h).
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
#include "vio_announce.h"
#include "vio_dp.h"
#include "vio_offload.h"
#include "vio_rss.h"
#include "vio_transport.h"
#include "vio_vq.h"

extern int vio_logtype_init;
extern int vio_logtype_driver;
extern int vio_logtype_rx;

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
 * cache line of packed descriptors. Measured, not derived
 * (doc/datapaths.md). */
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
	bool vectorized;	/* vector datapaths allowed (default) */
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
	VIO_CTRL_RSS_CONFIG,
	VIO_CTRL_HASH_CONFIG,
	VIO_CTRL_ANNOUNCE,
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
	uint16_t queue_max_seen;	/* queue_max_size(0) as last read */
	bool started;
	bool link_up_logged;
	/* The row chosen at start, as an index + 1 into vio_dp_table (0:
	 * none yet): shared with secondary processes, each of which links
	 * its own bursts from it (vio_proc.h). */
	uint16_t dp_row;
	/* Bumped when the primary starts or stops the port: secondaries
	 * link their bursts again and fetch the new kick eventfds. */
	uint32_t proc_gen;
	char dp_why[VIO_DP_WHY_LEN];	/* why a faster row was refused */
	const char *rx_path;	/* chosen datapath names, for logs and xstats */
	const char *tx_path;
	char tx_name[48];	/* tx_path: the row's, with " indirect" */
	bool rx_lro_split;	/* rx_path wrapped by vio_rx_lro_split_burst */
	uint32_t ptype_mask;	/* packet types the application asked for */
	struct vio_rss *rss;	/* vio_rss.c, from the first configure */
	struct vio_announce announce;	/* vio_announce.c */
	/* Rx interrupts: the interrupt handle vio allocated (a vdev has
	 * none of its own), NULL otherwise (vio_intr.c). */
	struct rte_intr_handle *intr_own;
	bool intr_bus;		/* rx queues on the bus handle's vectors (PCI) */
};

/* The row chosen at the last start, or NULL. */
static inline const struct vio_dp *
vio_adapter_dp(const struct vio_adapter *ad)
{
	return ad->dp_row != 0 && ad->dp_row <= vio_dp_table_len ?
	       &vio_dp_table[ad->dp_row - 1] : NULL;
}

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
	uint64_t hash_report_bad;	/* a hash report type not in the spec */
	uint64_t bad_num_buffers;	/* device: num_buffers 0 or too many */
	bool logged_num_buffers;	/* the first one was logged */
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
	/* Fixed slots (rx_split_refill.h): a free slot may sit among the
	 * slots in flight (the device used one out of order); false: the
	 * free slots are the free_cnt from free_head on. */
	bool fixed_holes;
};

/* Per-descriptor tx header and indirect table, in device-visible memory. */
struct vio_tx_region {
	struct vio_net_hdr_mrg hdr;
	uint8_t pad[12];	/* the hash header's fields, with HASH_REPORT */
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
/* Count an acked command or log a failed one; returns ret. */
int vio_ctrl_result(struct rte_eth_dev *dev, enum vio_ctrl_cmd cmd, int ret);
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

/* vio_intr.c: rx interrupts. check at configure, prepare before the
 * queues are set up at the device, start after, stop before its reset,
 * free at close. */
bool vio_intr_supported(const struct vio_adapter *ad);
int vio_intr_check(struct rte_eth_dev *dev);
int vio_intr_prepare(struct rte_eth_dev *dev);
int vio_intr_start(struct rte_eth_dev *dev);
void vio_intr_stop(struct rte_eth_dev *dev);
void vio_intr_free(struct rte_eth_dev *dev);
int vio_rx_queue_intr_enable(struct rte_eth_dev *dev, uint16_t qid);
int vio_rx_queue_intr_disable(struct rte_eth_dev *dev, uint16_t qid);

/* vio_ethdev.c: common init of a probed port (vdev or PCI). */
int vio_ethdev_init(struct rte_eth_dev *dev);
int vio_ethdev_uninit(struct rte_eth_dev *dev);
/* A port attached in a secondary process: read-only ops, and bursts on
 * the queues the primary set up (vio_proc.h). */
void vio_ethdev_init_secondary(struct rte_eth_dev *dev);
/* The port is a vio port of this process's plugin. */
bool vio_ethdev_is_vio(const struct rte_eth_dev *dev);

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

/* vio_dp_ethdev.c: the datapath of a starting port (vio_dp.h). */
int vio_dp_choose(struct rte_eth_dev *dev, uint16_t rx_segs,
		  struct vio_dp_choice *choice);
int vio_dp_install(struct rte_eth_dev *dev, const struct vio_dp_choice *choice);
int vio_rx_burst_mode_get(struct rte_eth_dev *dev, uint16_t qid,
			  struct rte_eth_burst_mode *mode);
int vio_tx_burst_mode_get(struct rte_eth_dev *dev, uint16_t qid,
			  struct rte_eth_burst_mode *mode);

#endif /* VIO_ETHDEV_H */
