/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The control virtqueue (virtio 1.3, 5.1.6.5) as a small synchronous
 * request/ack API: one command at a time, posted as one chain (class and
 * command readable, the command's data readable, one writable ack byte),
 * then the used ring polled until the device returns the chain or the
 * timeout passes.
 *
 * The caller owns the virtqueue (laid out with vio_vq_init or
 * vio_vq_init_packed, set up at the transport like any other queue) and
 * a region of VIO_CVQ_REGION_SIZE bytes of device-visible memory: the
 * header, the ack byte and a copy of the data are written there, so the
 * data given to a command may live anywhere (the stack).
 *
 * What the device writes is checked: the used id must be the chain
 * posted and the used length must be the one ack byte, else the command
 * fails with -EIO and the error is counted (vio_vq_bad). A device that
 * never answers keeps the chain, and may still write the ack later: the
 * queue then refuses every command (-EBUSY) until vio_cvq_reset() after
 * a device reset. The same holds after a used id that is not the chain.
 *
 * Commands may come from several threads (the application's control
 * thread, the interrupt thread): a spinlock serialises them. A command
 * holds it until the device answers or the timeout passes.
 */
#ifndef VIO_CVQ_H
#define VIO_CVQ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <rte_spinlock.h>

#include "vio_vq.h"

/* Bytes of device-visible memory a control queue needs. */
#define VIO_CVQ_REGION_SIZE	4096
/* Where the copy of a command's data starts in the region. */
#define VIO_CVQ_DATA_OFF	64
/* Most data bytes one command carries. */
#define VIO_CVQ_DATA_MAX	(VIO_CVQ_REGION_SIZE - VIO_CVQ_DATA_OFF)
/* Most data segments (descriptors) one command has. */
#define VIO_CVQ_MAX_SEGS	4
/* Descriptors a command takes at most: header, data, ack. */
#define VIO_CVQ_MAX_DESCS	(VIO_CVQ_MAX_SEGS + 2)
/* A timeout that suits a device executing commands in its own thread. */
#define VIO_CVQ_TIMEOUT_US	1000000u
/* What the ack byte holds until the device writes it. */
#define VIO_CVQ_ACK_NONE	0xff

/* One readable piece of a command's data, each its own descriptor. */
struct vio_cvq_seg {
	const void *buf;
	uint32_t len;
};

struct vio_cvq_stats {
	uint64_t commands;	/* posted */
	uint64_t ok;		/* VIO_NET_OK */
	uint64_t err;		/* VIO_NET_ERR */
	uint64_t timeouts;	/* the device never answered */
	uint64_t bad;		/* answers that broke the protocol */
};

/* How the last command that reached the device ended. */
enum vio_cvq_outcome {
	VIO_CVQ_ACKED,		/* VIO_NET_OK */
	VIO_CVQ_REJECTED,	/* VIO_NET_ERR */
	VIO_CVQ_NO_ANSWER,	/* not returned within the timeout */
	VIO_CVQ_BROKE,		/* returned against the protocol */
	VIO_CVQ_BLOCKED,	/* not posted: an earlier one is still out */
};

struct vio_cvq {
	rte_spinlock_t lock;
	struct vio_vq *vq;
	uint8_t *region;	/* VIO_CVQ_REGION_SIZE bytes, caller owned */
	uint64_t region_addr;	/* the same, as the device addresses it */
	/* A chain the device kept: refused until vio_cvq_reset. */
	bool stuck;
	uint8_t stuck_class;	/* the command it belonged to, for the log */
	uint8_t stuck_cmd;
	struct vio_cvq_stats stats;
	enum vio_cvq_outcome last;
};

/*
 * A control queue over `vq` (split or packed, at least VIO_CVQ_MAX_DESCS
 * entries) and the region at `region` / `region_addr` (device address;
 * the virtual address with a transport that has use_va). `region_len`
 * must be at least VIO_CVQ_REGION_SIZE. Returns 0 or -EINVAL.
 */
int vio_cvq_init(struct vio_cvq *cq, struct vio_vq *vq, void *region,
		 uint64_t region_addr, size_t region_len);

/*
 * Send one command and wait up to `timeout_us` for the device's ack.
 * Returns 0 (VIO_NET_OK), -EIO (VIO_NET_ERR, any other ack value, or a
 * device that broke the protocol), -ETIMEDOUT (no answer: the queue is
 * then stuck), -EBUSY (stuck since an earlier command), -EINVAL (more
 * than VIO_CVQ_MAX_SEGS segments or VIO_CVQ_DATA_MAX bytes).
 */
int vio_cvq_command(struct vio_cvq *cq, uint8_t class, uint8_t cmd,
		    const struct vio_cvq_seg *segs, uint16_t nsegs,
		    uint32_t timeout_us);

/* What `o` means, for a log line: "rejected by the device
 * (VIRTIO_NET_ERR)", "no answer from the device", ... */
const char *vio_cvq_outcome_str(enum vio_cvq_outcome o);

/* After the device was reset (and before the queue is set up again):
 * the ring back to its initial state, a stuck queue usable again. */
void vio_cvq_reset(struct vio_cvq *cq);

/* False while a chain the device kept blocks the queue. */
bool vio_cvq_usable(struct vio_cvq *cq);

/* The control queue's virtqueue index (5.1.2): after the receive and
 * transmit queues of max_virtqueue_pairs pairs with MQ, else of one. */
static inline uint16_t
vio_cvq_index(uint64_t features, uint16_t max_pairs)
{
	return (uint16_t)(2 * ((features & VIO_BIT(VIO_NET_F_MQ)) ?
			       max_pairs : 1));
}

/* Whether the negotiated `features` allow the command (5.1.3.1: each
 * class needs CTRL_VQ and its own feature bit). */
bool vio_cvq_supported(uint64_t features, uint8_t class, uint8_t cmd);

/* "MQ_VQ_PAIRS_SET", ... for log lines; "UNKNOWN" for anything else. */
const char *vio_cvq_cmd_name(uint8_t class, uint8_t cmd);

/* ---- command builders (the layouts of 5.1.6.5) ---- */

/* VIO_NET_CTRL_RX: PROMISC or ALLMULTI on or off. */
int vio_cvq_promisc(struct vio_cvq *cq, bool on, uint32_t timeout_us);
int vio_cvq_allmulti(struct vio_cvq *cq, bool on, uint32_t timeout_us);

/* VIO_NET_CTRL_MAC_TABLE_SET: the unicast and the multicast table, each
 * its own descriptor. -E2BIG when both do not fit VIO_CVQ_DATA_MAX. */
int vio_cvq_mac_table_set(struct vio_cvq *cq, const uint8_t (*uc)[6],
			  uint32_t n_uc, const uint8_t (*mc)[6],
			  uint32_t n_mc, uint32_t timeout_us);

/* VIO_NET_CTRL_MAC_ADDR_SET: the port's own address. */
int vio_cvq_mac_addr_set(struct vio_cvq *cq, const uint8_t mac[6],
			 uint32_t timeout_us);

/* VIO_NET_CTRL_VLAN_ADD / _DEL; `vid` below 4096. */
int vio_cvq_vlan(struct vio_cvq *cq, bool add, uint16_t vid,
		 uint32_t timeout_us);

/* VIO_NET_CTRL_ANNOUNCE_ACK: the announcement asked for was sent. */
int vio_cvq_announce_ack(struct vio_cvq *cq, uint32_t timeout_us);

/* VIO_NET_CTRL_MQ_VQ_PAIRS_SET: 1 .. VIO_NET_CTRL_MQ_VQ_PAIRS_MAX. */
int vio_cvq_mq_pairs_set(struct vio_cvq *cq, uint16_t pairs,
			 uint32_t timeout_us);

/* RSS_CONFIG parameters; queues are receive queue numbers (rss_rq_id). */
struct vio_cvq_rss {
	uint32_t hash_types;		/* VIO_NET_HASH_TYPE_* */
	uint16_t table_len;		/* a power of two */
	const uint16_t *table;		/* table_len receive queue numbers */
	uint16_t unclassified_queue;
	uint16_t max_tx_vq;		/* transmit queues the driver uses */
	uint8_t key_len;
	const uint8_t *key;
};

/* VIO_NET_CTRL_MQ_RSS_CONFIG. -EINVAL for a table that is not a power
 * of two long or a queue number beyond 15 bits, -E2BIG when too long. */
int vio_cvq_rss_config(struct vio_cvq *cq, const struct vio_cvq_rss *rss,
		       uint32_t timeout_us);

/* VIO_NET_CTRL_MQ_HASH_CONFIG (hash report without RSS steering). */
int vio_cvq_hash_config(struct vio_cvq *cq, uint32_t hash_types,
			const uint8_t *key, uint8_t key_len,
			uint32_t timeout_us);

/* VIO_NET_CTRL_GUEST_OFFLOADS_SET: VIO_BIT(VIO_NET_F_GUEST_*) bits. */
int vio_cvq_guest_offloads_set(struct vio_cvq *cq, uint64_t offloads,
			       uint32_t timeout_us);

#endif /* VIO_CVQ_H */
