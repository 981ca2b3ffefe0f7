/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The device model's in-order mode (VIRTIO_F_IN_ORDER, 2.7.9 of virtio
 * 1.3), on top of its split-ring device side (devmodel.h). The device
 * takes chains in the order they were made available and checks that the
 * driver posted them in ring order (each head right after the previous
 * chain's descriptors); on tx it may write one used entry for a whole
 * batch, naming the batch's last head. It misbehaves on demand: an id
 * already completed, an id inside a chain, an id beyond what is in
 * flight, a length larger than the buffer, an rx batch that skips the
 * entries (and so the lengths) of its first buffers.
 */
#ifndef VIO_TEST_DEVMODEL_INORDER_H
#define VIO_TEST_DEVMODEL_INORDER_H

#include "devmodel.h"

enum dm_inorder_fault {
	DM_INORDER_OK,
	DM_INORDER_STALE_ID,	/* the head of a chain completed before */
	DM_INORDER_MID_ID,		/* a descriptor inside the chain, not its head */
	DM_INORDER_BEYOND_ID,	/* the descriptor after everything in flight */
	DM_INORDER_RANGE_ID,	/* an id of at least the queue size */
	DM_INORDER_BIG_LEN,		/* rx: more bytes than the buffer holds */
	DM_INORDER_RX_BATCH,	/* rx: one entry for two buffers (the last) */
};

/* In-order state of one device queue, beside its struct dm_queue. */
struct dm_inorder {
	struct dm_queue *q;
	uint16_t next_desc;	/* where the next chain must start */
	uint16_t last_done;	/* head of the last chain completed */
	bool any_done;
	uint64_t order_errors;	/* chains not posted in ring order */
	uint64_t entries;	/* used entries written */
};

void dm_inorder_init(struct dm_inorder *ino, struct dm_queue *q);

/*
 * Transmit up to `max` chains in order, recording them, with one used
 * entry per `batch` chains (the last one's head, length 0), published
 * after each batch. `fault` replaces the first entry written with a bad
 * one (the chains stay in flight: a later entry completes them). Returns
 * chains taken, or -EIO for an invalid chain.
 */
int dm_inorder_tx(struct dm_inorder *ino, unsigned int max, unsigned int batch,
	      enum dm_inorder_fault fault);

/*
 * Receive one packet of `len` bytes into the next buffer, completing it
 * with its own entry, or with `fault`. DM_INORDER_RX_BATCH fills the next two
 * buffers with the packet and writes only the second's entry. Returns 1,
 * 0 when no buffer is available, -EMSGSIZE, or -EIO.
 */
int dm_inorder_rx(struct dm_inorder *ino, const void *data, uint32_t len,
	      enum dm_inorder_fault fault);

#endif /* VIO_TEST_DEVMODEL_INORDER_H */
