/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A virtqueue wired to the device model, and the driver-side steps the
 * PMD takes (post a chain, publish, reap), written with lib/virtio's hot
 * helpers only. Every step checks what lib/virtio promises: a reaped id
 * is a chain in flight, the free list and the in-flight chains always
 * partition the descriptors.
 */
#ifndef VIO_TEST_VQ_FIXTURE_H
#define VIO_TEST_VQ_FIXTURE_H

#include "devmodel.h"
#include "vio_vq_split.h"

#define FX_BUF_SZ	2048	/* buffer bytes behind each descriptor id */
#define FX_IND_MAX	16	/* entries of each head's indirect table */
#define FX_QUEUE_MAX	1024	/* largest queue a fixture opens */

struct fx {
	struct dm_dev dev;
	struct vio_hw hw;
	struct vio_vq vq;
	struct dm_queue *q;	/* the device side of vq */
	uint64_t wanted;	/* features negotiated at (re)start */
	void *ring;
	uint64_t ring_addr;
	uint8_t *bufs;		/* FX_BUF_SZ per descriptor id */
	uint64_t bufs_addr;
	struct vio_desc *ind;	/* FX_IND_MAX entries per descriptor id */
	uint64_t ind_addr;
};

/* A reaped chain. */
struct fx_done {
	uint16_t id;
	uint32_t len;		/* used length, as the device wrote it */
	uint32_t posted;	/* device-writable bytes the chain had */
	void *cookie;
};

/* Non-NULL cookies numbered from 0. */
static inline void *
fx_cookie(uint32_t n)
{
	return (void *)(uintptr_t)(n + 1);
}

static inline uint32_t
fx_cookie_num(const void *cookie)
{
	return (uint32_t)((uintptr_t)cookie - 1);
}

/* A deterministic byte pattern: packet `seed`, byte i. */
void fx_pattern(uint8_t *buf, uint32_t len, uint32_t seed);

/* Queue 0 of a negotiated device (offering VERSION_1, INDIRECT_DESC),
 * set up, DRIVER_OK. `wanted` 0 means VERSION_1 | INDIRECT_DESC. */
struct fx *fx_open(uint16_t size, uint64_t wanted);
/* Take every cookie back (vio_vq_drain in small steps) into `cookies`;
 * returns how many. */
uint16_t fx_drain(struct fx *fx, void **cookies, uint16_t cap);
/* Device reset, drain into `cookies`, vio_vq_reset, negotiate, set the
 * queue up again, DRIVER_OK: returns the cookies drained. */
uint16_t fx_restart(struct fx *fx, void **cookies, uint16_t cap);

/* Post a chain of `nsegs` descriptors, the buffers readable and holding
 * `data` split evenly (tx), or writable of `seg_len` bytes each (rx).
 * Not published. Returns the head. */
uint16_t fx_post_tx(struct fx *fx, const uint8_t *data, uint32_t len,
		    uint16_t nsegs, void *cookie);
uint16_t fx_post_rx(struct fx *fx, uint16_t nsegs, uint32_t seg_len,
		    void *cookie);
/* One ring descriptor pointing at an indirect table of `nsegs` entries. */
uint16_t fx_post_tx_indirect(struct fx *fx, const uint8_t *data,
			     uint32_t len, uint16_t nsegs, void *cookie);
/* Publish and notify if asked: vio_split_avail_flush. */
void fx_flush(struct fx *fx);

/* Pop up to `max` used chains as the PMD does; entries lib/virtio rejects
 * are skipped, a length beyond the posted one is counted in err.bad_len.
 * Returns chains stored in `out`. */
uint16_t fx_reap(struct fx *fx, struct fx_done *out, uint16_t max);
/* Copy `len` bytes the device wrote into the chain at `head`. */
void fx_gather(struct fx *fx, uint16_t head, uint8_t *out, uint32_t len);

/* Free list and in-flight chains partition the descriptors; with
 * `inflight`, vq->inflight equals the chains holding a cookie. */
void vq_check(const struct vio_vq *vq, bool inflight);
void fx_check(struct fx *fx);

/* `n` packets through tx, every byte and cookie checked, no error on
 * either side. */
void fx_traffic(struct fx *fx, uint32_t n, uint32_t seed);

#endif /* VIO_TEST_VQ_FIXTURE_H */
