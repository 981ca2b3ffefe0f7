/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Packed-ring transmit completions, one body for the scalar rows
 * (tx_packed.c) and the vector rows (vec/packed_vec.h), which differ
 * only in how a run of completed mbufs goes back to the pools.
 */
#ifndef VIO_TX_PACKED_H
#define VIO_TX_PACKED_H

#include <rte_mbuf.h>

#include "vio_ethdev.h"
#include "vio_tx.h"
#include "vio_vq_packed.h"

/* Frees `n` completed mbufs of `txq` (and counts them off segs_held). */
typedef void (*vio_tx_free_fn)(struct vio_txq *txq, struct rte_mbuf **done,
			       uint16_t n);

/*
 * Free what the device completed. In order, a used descriptor may name
 * the last of several buffers, which are taken from the used position
 * up to it; otherwise each used descriptor is one buffer. Every id is
 * checked (vio_vq_packed.h): a bad one is counted and stops the walk.
 * Always inlined, so that `in_order` and `free_fn` fold away.
 */
static __rte_always_inline void
vio_tx_packed_reclaim_with(struct vio_txq *txq, bool in_order,
			   vio_tx_free_fn free_fn)
{
	struct vio_vq *vq = &txq->vq;
	struct rte_mbuf *done[VIO_TX_FREE_BULK];
	uint16_t k = 0, last, id;
	uint32_t len;
	bool end;

	if (in_order) {
		while (vio_packed_inorder_batch(vq, &last))
			do {
				k += vio_packed_inorder_pop_run(vq, last,
						(void **)&done[k],
						VIO_TX_FREE_BULK - k, &end);
				if (k == VIO_TX_FREE_BULK) {
					free_fn(txq, done, k);
					k = 0;
				}
			} while (!end);
	} else {
		while (vio_packed_used_peek(vq) != 0) {
			id = vio_packed_used_take(vq, &len);
			if (unlikely(id == VIO_PACKED_BAD_ID))
				break;
			done[k++] = vq->extra[id].cookie;
			vq->extra[id].cookie = NULL;
			vio_packed_id_put(vq, id);
			if (k == VIO_TX_FREE_BULK) {
				free_fn(txq, done, k);
				k = 0;
			}
		}
	}
	if (k > 0)
		free_fn(txq, done, k);
}

#endif /* VIO_TX_PACKED_H */
