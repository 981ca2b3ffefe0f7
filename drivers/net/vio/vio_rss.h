/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * RSS of a vio port (vio_rss.c): the key, hash types and redirection
 * table the application configured, the device's RSS and hash report
 * where it has them (VIRTIO_NET_F_RSS, VIRTIO_NET_F_HASH_REPORT), and
 * otherwise the Toeplitz hash computed in software for
 * RTE_ETH_RX_OFFLOAD_RSS_HASH.
 *
 * The hash goes into the mbufs by an rx burst wrapper installed at start
 * around the chosen datapath, so the datapaths stay as they are.
 */
#ifndef VIO_RSS_H
#define VIO_RSS_H

#include <stdbool.h>
#include <stdint.h>

#include <ethdev_driver.h>

/* The key length vio takes (the virtio minimum of rss_max_key_size and
 * the usual Toeplitz key), and the redirection table it reports. */
#define VIO_RSS_KEY_LEN		40
#define VIO_RSS_RETA_SIZE	128
/* Toeplitz input bytes at most: IPv6 source and destination, two ports. */
#define VIO_RSS_INPUT_MAX	36u

/* The rss_hf bits vio hashes on (virtio's hash types, 5.1.6.4.3). */
#define VIO_RSS_HF ( \
	RTE_ETH_RSS_IPV4 | RTE_ETH_RSS_FRAG_IPV4 | \
	RTE_ETH_RSS_NONFRAG_IPV4_OTHER | RTE_ETH_RSS_NONFRAG_IPV4_TCP | \
	RTE_ETH_RSS_NONFRAG_IPV4_UDP | RTE_ETH_RSS_IPV6 | \
	RTE_ETH_RSS_FRAG_IPV6 | RTE_ETH_RSS_NONFRAG_IPV6_OTHER | \
	RTE_ETH_RSS_NONFRAG_IPV6_TCP | RTE_ETH_RSS_NONFRAG_IPV6_UDP | \
	RTE_ETH_RSS_IPV6_EX | RTE_ETH_RSS_IPV6_TCP_EX | \
	RTE_ETH_RSS_IPV6_UDP_EX)

/* What the software hash needs: the hash types and, per input byte
 * position and byte value, the 32 key bits it contributes. */
struct vio_rss_tbl {
	uint32_t types;		/* VIO_NET_HASH_TYPE_* */
	uint32_t t[VIO_RSS_INPUT_MAX][256];
};

struct vio_rss {
	uint64_t rss_hf;	/* as configured, within VIO_RSS_HF */
	uint32_t types;		/* the same as VIO_NET_HASH_TYPE_* */
	uint8_t key[VIO_RSS_KEY_LEN];
	uint16_t reta[VIO_RSS_RETA_SIZE];
	/* Two tables: an update writes the one not in use, then publishes
	 * it; a burst reads `cur` once. */
	struct vio_rss_tbl *tbl[2];
	struct vio_rss_tbl *cur;
	bool wrapped;		/* rx hashed by a wrapper (vio_rss_install) */
	bool dev_rss;		/* the device steers (RSS negotiated) */
	bool dev_report;	/* the device reports (HASH_REPORT negotiated) */
	bool report_live;	/* and took the configuration: its hash is used */
	uint16_t dev_reta_len;	/* table length the device takes */
	uint32_t dev_types;	/* hash types the device supports */
};

struct vio_adapter;
struct vio_rxq;

/* The key when the application gives none. */
extern const uint8_t vio_rss_default_key[VIO_RSS_KEY_LEN];

/* The table of `key` (VIO_RSS_KEY_LEN bytes) for `types`. */
void vio_rss_tbl_build(struct vio_rss_tbl *t, const uint8_t *key,
		       uint32_t types);
/* Toeplitz over `len` bytes of `in` with the table's key (len at most
 * VIO_RSS_INPUT_MAX). */
uint32_t vio_rss_toeplitz(const struct vio_rss_tbl *t, const uint8_t *in,
			  unsigned int len);
/* The hash of a frame under the table's types; false when none applies. */
bool vio_rss_frame_hash(const struct vio_rss_tbl *t, const struct rte_mbuf *m,
			uint32_t *hash);

/* dev_configure: key, hash types, default table. */
int vio_rss_configure(struct rte_eth_dev *dev);
/* Features to ask for: RSS with mq_mode RSS, HASH_REPORT with RSS_HASH. */
uint64_t vio_rss_features(struct rte_eth_dev *dev);
/* After the datapath was chosen, before other wrappers: whether the
 * rx bursts are wrapped (rss->wrapped; vio_proc_link links them). */
int vio_rss_install(struct rte_eth_dev *dev);
/* After DRIVER_OK and the queue pairs: program the device. */
int vio_rss_apply(struct rte_eth_dev *dev);
void vio_rss_free(struct rte_eth_dev *dev);
uint64_t vio_rss_rx_capa(void);
void vio_rss_info(struct rte_eth_dev *dev, struct rte_eth_dev_info *info);

int vio_rss_reta_update(struct rte_eth_dev *dev,
			struct rte_eth_rss_reta_entry64 *conf, uint16_t size);
int vio_rss_reta_query(struct rte_eth_dev *dev,
		       struct rte_eth_rss_reta_entry64 *conf, uint16_t size);
int vio_rss_hash_update(struct rte_eth_dev *dev, struct rte_eth_rss_conf *c);
int vio_rss_hash_conf_get(struct rte_eth_dev *dev, struct rte_eth_rss_conf *c);

uint16_t vio_rss_sw_burst(void *rxq, struct rte_mbuf **pkts, uint16_t n);
uint16_t vio_rss_report_burst(void *rxq, struct rte_mbuf **pkts, uint16_t n);

#endif /* VIO_RSS_H */
