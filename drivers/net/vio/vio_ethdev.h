/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The vio ethdev PMD: state shared by the control path (vio_ethdev.c),
 * the queue setup (vio_queue.c) and the datapaths (rx_split.c, tx_split.c).
 */
#ifndef VIO_ETHDEV_H
#define VIO_ETHDEV_H

#include <stdbool.h>
#include <stdint.h>

#include <ethdev_driver.h>
#include <rte_mbuf.h>

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
#define VIO_DEFAULT_SPEED	RTE_ETH_SPEED_NUM_10G
/* Indirect table entries per tx packet: header + up to 31 segments. */
#define VIO_TX_MAX_IND		32
#define VIO_RX_BURST_REFILL	32

/* Devargs as the user gave them (vdev) or defaults (PCI). */
struct vio_devargs {
	char path[108];		/* sun_path size */
	uint16_t queues;
	uint16_t queue_size;
	struct rte_ether_addr mac;
	bool mac_set;
	bool mrg_rxbuf;
	bool in_order;
	bool packed_vq;
	uint32_t speed;
};

int vio_devargs_parse(const char *dev_name, const char *args,
		      struct vio_devargs *da);

struct vio_adapter {
	struct vio_hw hw;
	struct vio_devargs da;
	uint64_t wanted;	/* features the driver asks for */
	uint16_t max_mtu;
	bool started;
	bool link_up_logged;
	const char *rx_path;	/* chosen datapath names, for logs and xstats */
	const char *tx_path;
};

struct vio_queue_stats {
	uint64_t packets;
	uint64_t bytes;
	uint64_t errors;	/* packets dropped for device misbehaviour */
};

struct vio_rxq {
	struct vio_vq vq;
	struct rte_mempool *mp;
	uint64_t *nombuf;	/* the port's rx_mbuf_alloc_failed */
	uint16_t hdr_size;
	uint16_t port_id;
	uint16_t segs_per_buf;	/* mbufs chained per buffer without MRG_RXBUF */
	bool use_va;
	bool bad_logged;	/* device misbehaviour logged once per queue */
	struct vio_queue_stats stats;
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
	bool use_va;
	bool indirect;
	bool bad_logged;	/* device misbehaviour logged once per queue */
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

/* vio_ethdev.c: common init of a probed port (vdev or PCI). */
int vio_ethdev_init(struct rte_eth_dev *dev);
int vio_ethdev_uninit(struct rte_eth_dev *dev);

/* vio_queue.c */
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
void vio_rxq_info_get(struct rte_eth_dev *dev, uint16_t qid,
		      struct rte_eth_rxq_info *qinfo);
void vio_txq_info_get(struct rte_eth_dev *dev, uint16_t qid,
		      struct rte_eth_txq_info *qinfo);

/* rx_split.c */
void vio_rx_split_prepare(struct vio_rxq *rxq);
int vio_rx_split_refill(struct vio_rxq *rxq);
uint16_t vio_rx_split(void *rxq, struct rte_mbuf **pkts, uint16_t n);
uint16_t vio_rx_split_mrg(void *rxq, struct rte_mbuf **pkts, uint16_t n);
uint16_t vio_rx_split_big(void *rxq, struct rte_mbuf **pkts, uint16_t n);

/* tx_split.c */
uint16_t vio_tx_split(void *txq, struct rte_mbuf **pkts, uint16_t n);

/* rx_packed.c */
void vio_rx_packed_prepare(struct vio_rxq *rxq);
int vio_rx_packed_refill(struct vio_rxq *rxq);
uint16_t vio_rx_packed(void *rxq, struct rte_mbuf **pkts, uint16_t n);
uint16_t vio_rx_packed_mrg(void *rxq, struct rte_mbuf **pkts, uint16_t n);
uint16_t vio_rx_packed_big(void *rxq, struct rte_mbuf **pkts, uint16_t n);
uint16_t vio_rx_packed_inorder(void *rxq, struct rte_mbuf **pkts, uint16_t n);
uint16_t vio_rx_packed_inorder_mrg(void *rxq, struct rte_mbuf **pkts, uint16_t n);
uint16_t vio_rx_packed_inorder_big(void *rxq, struct rte_mbuf **pkts, uint16_t n);

/* tx_packed.c */
uint16_t vio_tx_packed(void *txq, struct rte_mbuf **pkts, uint16_t n);
uint16_t vio_tx_packed_inorder(void *txq, struct rte_mbuf **pkts, uint16_t n);

/* Log the first device misbehaviour seen on a queue (the xstats count
 * every one). */
void vio_queue_bad_log(uint16_t port, const char *dir, uint16_t qid,
		       const struct vio_vq *vq);

#endif /* VIO_ETHDEV_H */
