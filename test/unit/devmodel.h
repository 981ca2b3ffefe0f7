/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A software virtio-net device for unit tests of lib/virtio.
 *
 * Two halves:
 * - the device side of a virtqueue (virtio 1.3, 2.7 split rings): it maps
 *   the ring a struct vio_vq laid out through its own address table, reads
 *   avail->idx and the available ring, walks descriptor chains (NEXT,
 *   INDIRECT tables, WRITE) validating each like a careful device would,
 *   "transmits" (copies out what the driver posted and records it) or
 *   "receives" (writes bytes into device-writable buffers) and returns
 *   used entries;
 * - a fake transport (struct vio_transport_ops): status register,
 *   offered features, config space, queue sizes and queue setup.
 *
 * Both halves misbehave on demand, because a device is untrusted input.
 * Split-ring code is in dm_split_* functions (devmodel.c), the packed
 * twin (2.8) in dm_packed_* (devmodel_packed.c); a queue set up after
 * VIO_F_RING_PACKED was accepted is packed.
 */
#ifndef VIO_TEST_DEVMODEL_H
#define VIO_TEST_DEVMODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vio_transport.h"
#include "virtio_spec.h"

#define DM_MAX_QUEUES	8
#define DM_MAX_REGIONS	16
#define DM_MAX_SEGS	64	/* segments one chain may have */
#define DM_REC_MAX	64	/* transmitted packets kept (the newest) */
#define DM_PKT_MAX	4096	/* bytes kept of each transmitted packet */
#define DM_STATUS_LOG	32
#define DM_BAD_ID_BASE	7	/* BAD_ID completes with id size + this + head */

/* Queue misbehaviour, applied to the next completions. */
enum dm_fault {
	DM_FAULT_NONE,
	DM_FAULT_BAD_ID,	/* complete with an out-of-range id; keep the chain */
	DM_FAULT_DUP_ID,	/* complete a chain, then the same id again */
	DM_FAULT_BIG_LEN,	/* used len larger than the chain's writable bytes */
	DM_FAULT_IDX_AHEAD,	/* move used->idx past the entries written */
	DM_FAULT_STALL,		/* take chains and never complete them */
	DM_FAULT_BAD_WRAP,	/* packed: used flags of the wrong lap */
};

#define DM_FAULT_FOREVER	UINT32_MAX
#define DM_IDX_AHEAD_BY		3

/* Transport misbehaviour, a bit mask in dm_dev.faults. */
#define DM_DEV_REFUSE_FEATURES_OK	(1u << 0)
#define DM_DEV_STUCK_RESET		(1u << 1)	/* status never reads 0 */
#define DM_DEV_NEEDS_RESET		(1u << 2)	/* at DRIVER_OK */

/* Why the device refused a chain or a ring. */
enum dm_err {
	DM_ERR_AVAIL_IDX,	/* avail->idx ran more than size ahead */
	DM_ERR_HEAD,		/* head id out of range */
	DM_ERR_NEXT,		/* next id out of range */
	DM_ERR_LOOP,		/* chain longer than its table: a loop */
	DM_ERR_ADDR,		/* buffer or table outside mapped memory,
				 * or a table misaligned */
	DM_ERR_ORDER,		/* readable descriptor after a writable one */
	DM_ERR_DIR,		/* tx chain with writable or rx with readable */
	DM_ERR_IND_FEATURE,	/* INDIRECT without INDIRECT_DESC negotiated */
	DM_ERR_IND_NEXT,	/* INDIRECT together with NEXT */
	DM_ERR_IND_LEN,		/* indirect table length 0 or not 16*n */
	DM_ERR_IND_NESTED,	/* INDIRECT inside an indirect table */
	DM_ERR_SEGS,		/* more than DM_MAX_SEGS segments */
	DM_ERR_MAX
};

struct dm_seg {
	uint8_t *ptr;
	uint32_t len;
	bool write;
};

/* A descriptor chain as the device resolved it. */
struct dm_chain {
	uint16_t head;		/* packed: the buffer id */
	uint16_t nsegs;
	uint16_t ndescs;	/* packed: ring slots the chain took */
	bool indirect;
	uint32_t readable;	/* bytes */
	uint32_t writable;
	struct dm_seg seg[DM_MAX_SEGS];
};

/* One transmitted packet: all readable bytes of a chain. */
struct dm_pkt {
	uint16_t head;
	uint16_t nsegs;
	bool indirect;
	uint32_t len;		/* bytes the chain held; data keeps DM_PKT_MAX */
	uint8_t data[DM_PKT_MAX];
};

struct dm_dev;

#define DM_CTRL_DATA_MAX 4096	/* data bytes of a control command kept */

/* A control command as the device read it (5.1.6.5). */
struct dm_ctrl_cmd {
	uint8_t class;
	uint8_t cmd;
	uint16_t data_segs;	/* readable descriptors after the first */
	uint32_t len;		/* data bytes */
	uint8_t data[DM_CTRL_DATA_MAX];
};

/* The control queue side of a queue: executes commands at notify. */
struct dm_ctrl {
	bool on;		/* this queue is the device's control queue */
	uint8_t ack;		/* written into every ack (VIO_NET_OK) */
	bool zero_len;		/* complete with used length 0, not 1 */
	bool wrong_id;		/* complete with an id in range, not the chain's */
	uint64_t cmds;		/* commands executed */
	uint64_t malformed;	/* chains that were no command */
	struct dm_ctrl_cmd last;
};

/* The device side of one virtqueue. */
struct dm_queue {
	struct dm_dev *dev;
	uint16_t index;
	bool ready;		/* set up and not reset since */
	bool broken;		/* saw a malformed chain: stopped until reset */
	bool reverse;		/* complete each tx batch in reverse order */
	uint16_t size;
	struct {		/* split ring (2.7); a packed one goes beside it */
		struct vio_desc *desc;	/* mapped through dm_xlate */
		struct vio_avail *avail;
		struct vio_used *used;
		uint16_t last_avail;	/* next available entry to take */
		uint16_t used_idx;	/* next used entry to write */
	} split;
	bool is_packed;
	bool batch;		/* packed tx: one used descriptor per batch (in order) */
	struct {		/* packed ring (2.8) */
		struct vio_packed_desc *desc;
		struct vio_packed_event *drv_event;	/* driver writes */
		struct vio_packed_event *dev_event;	/* device writes */
		uint16_t last_avail;	/* slot of the next buffer to take */
		bool avail_wrap;
		uint16_t used_idx;	/* slot of the next used descriptor */
		bool used_wrap;
	} packed;

	uint64_t notifies;
	uint16_t notify_avail_idx; /* avail->idx seen at the last notify */
	uint64_t interrupts;	/* completions the driver did not suppress */
	uint64_t taken;		/* chains taken off the available ring */
	uint64_t completed;	/* used entries written */
	uint64_t held;		/* chains taken and never to be completed */
	uint64_t err[DM_ERR_MAX];
	uint64_t errors;	/* sum of err[] */

	enum dm_fault fault;
	uint32_t fault_left;	/* completions the fault still applies to */

	struct dm_pkt *rec;	/* DM_REC_MAX transmitted packets, a ring */
	uint64_t rec_cnt;	/* packets ever recorded */

	struct dm_ctrl ctrl;
};

/* Device memory as the driver gave it: device address -> pointer. */
struct dm_region {
	uint64_t addr;
	uint8_t *ptr;
	size_t len;
};

struct dm_dev {
	uint64_t offered;
	uint64_t accepted;	/* what the driver wrote with set_features */
	uint8_t status;
	unsigned int faults;	/* DM_DEV_* */
	unsigned int reset_delay; /* status reads a reset takes to finish */
	unsigned int reset_left;
	uint8_t status_log[DM_STATUS_LOG]; /* every value written */
	unsigned int status_writes;
	unsigned int get_features_calls;
	unsigned int set_features_calls;
	unsigned int resets;	/* resets that completed */
	unsigned int closes;
	unsigned int proto_errors; /* driver steps out of the 3.1.1 order */
	struct vio_net_config config;
	/* The fields after config, read with RSS or HASH_REPORT offered. */
	struct vio_net_config_rss config_rss;
	/* The control queue from its next setup on: the ack it writes
	 * (VIO_NET_OK unless set), or no answer at all (STALL forever). */
	uint8_t ctrl_ack;
	bool ctrl_stall;
	uint16_t nqueues;
	uint16_t queue_max;
	struct dm_queue q[DM_MAX_QUEUES];
	struct dm_region region[DM_MAX_REGIONS];
	unsigned int nregions;
	uint64_t next_addr;
};

extern const struct vio_transport_ops dm_transport_ops;

/* A device offering `offered`, with `nqueues` queues of up to `queue_max`. */
void dm_dev_init(struct dm_dev *dev, uint64_t offered, uint16_t nqueues,
		 uint16_t queue_max);
/* Make `hw` reach `dev` through dm_transport_ops. */
void dm_dev_attach(struct dm_dev *dev, struct vio_hw *hw, bool modern);
void dm_dev_fini(struct dm_dev *dev);

/* Give the device access to [ptr, ptr + len); returns its device address
 * (not the pointer: a driver that mixes the two is caught). */
uint64_t dm_map(struct dm_dev *dev, void *ptr, size_t len);
/* Give the device access to [ptr, ptr + len) at device address `addr`
 * (a driver that hands out virtual addresses: addr is the pointer). */
void dm_map_at(struct dm_dev *dev, uint64_t addr, void *ptr, size_t len);
/* The pointer behind [addr, addr + len), or NULL outside mapped memory. */
void *dm_xlate(const struct dm_dev *dev, uint64_t addr, uint64_t len);

/* Apply `fault` to the next `times` completions (DM_FAULT_FOREVER). */
void dm_queue_fault(struct dm_queue *q, enum dm_fault fault, uint32_t times);

/* ---- split virtqueue, device side ---- */

/* Chains the driver made available and the device has not taken. */
uint16_t dm_split_avail_pending(struct dm_queue *q);
/* Resolve the next available chain without taking it: 0, -EAGAIN when
 * none, -EIO (queue broken, the reason counted in q->err) when invalid. */
int dm_split_peek(struct dm_queue *q, struct dm_chain *c);
/* Resolve and take the next available chain. */
int dm_split_take(struct dm_queue *q, struct dm_chain *c);
/* Complete a taken chain with `len` bytes written, honouring q->fault. */
void dm_split_complete(struct dm_queue *q, const struct dm_chain *c,
		       uint32_t len);
/* Raw used ring access, for misbehaviour the faults do not cover. */
void dm_split_used_push(struct dm_queue *q, uint32_t id, uint32_t len);
void dm_split_used_bump(struct dm_queue *q, uint16_t n);
void dm_split_used_publish(struct dm_queue *q);
/* Ask the driver not to notify (VIO_USED_F_NO_NOTIFY) or to notify. */
void dm_split_set_no_notify(struct dm_queue *q, bool no_notify);
/* The fault for the next completion, used up as it applies. */
enum dm_fault dm_fault_take(struct dm_queue *q);
/* Stop a queue that fed the device garbage; returns -EIO. */
int dm_queue_refuse(struct dm_queue *q, enum dm_err why);
/* Keep a copy of a transmitted chain's bytes. */
void dm_record_chain(struct dm_queue *q, const struct dm_chain *c);

/* Transmit up to `max` chains: record their bytes, complete them (len 0)
 * in batches, publishing after each. Returns chains taken, or -EIO when
 * a chain was invalid (the ones taken before it are completed). */
int dm_split_tx(struct dm_queue *q, unsigned int max);
/* Receive one packet into the next chain: 1 delivered, 0 no buffer,
 * -EMSGSIZE buffer too small (not taken), -EIO invalid chain. */
int dm_split_rx(struct dm_queue *q, const void *data, uint32_t len);

/* ---- packed virtqueue, device side ---- */

/* Map the descriptor ring and event areas of a packed vq (2.8.10). */
int dm_packed_map(struct dm_queue *q, const struct vio_vq *vq);
/* Resolve the next available buffer without taking it: 0, -EAGAIN, -EIO. */
int dm_packed_peek(struct dm_queue *q, struct dm_chain *c);
int dm_packed_take(struct dm_queue *q, struct dm_chain *c);
/* Complete a taken buffer with `len` bytes written, honouring q->fault. */
void dm_packed_complete(struct dm_queue *q, const struct dm_chain *c,
			uint32_t len);
/* Raw used descriptor write: id, len, and the flags' wrap bits given. */
void dm_packed_used_write(struct dm_queue *q, uint16_t id, uint32_t len,
			  uint16_t ndescs, bool wrap);
/* Device event suppression: VIO_PACKED_EVENT_* for the driver's kicks. */
void dm_packed_set_event(struct dm_queue *q, uint16_t mode);
/* As dm_split_tx / dm_split_rx. With q->batch, a tx batch is completed
 * with one used descriptor naming its last buffer. */
int dm_packed_tx(struct dm_queue *q, unsigned int max);
int dm_packed_rx(struct dm_queue *q, const void *data, uint32_t len);

/* ---- control queue, device side (devmodel_cvq.c) ---- */

/* The control queue's index for the features the driver accepted. */
uint16_t dm_ctrl_index(const struct dm_dev *dev);
/* Execute every available command: record it, write q->ctrl.ack, and
 * complete it (honouring q->fault: STALL never answers, BAD_ID returns a
 * wrong id). A chain that is no command is completed with length 0. */
void dm_ctrl_run(struct dm_queue *q);

/* The n-th transmitted packet (0 = first ever), NULL if no longer kept. */
const struct dm_pkt *dm_tx_record(const struct dm_queue *q, uint64_t n);

#endif /* VIO_TEST_DEVMODEL_H */
