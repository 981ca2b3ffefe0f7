/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Control virtqueue core: post one command chain, wait for it, check
 * what the device wrote. The command builders are in vio_cvq_cmd.c.
 */
#include <errno.h>
#include <string.h>
#include <time.h>

#include <rte_common.h>
#include <rte_pause.h>

#include "vio_cvq.h"
#include "vio_log.h"
#include "vio_vq_packed.h"
#include "vio_vq_split.h"

/* Region layout: the header, the ack byte on its own, then the data. */
#define VIO_CVQ_HDR_OFF		0
#define VIO_CVQ_ACK_OFF		8

/* Polled without sleeping this long: a device thread answers in a few
 * microseconds; after it, sleeps leave the (shared) CPU to the device. */
#define VIO_CVQ_SPIN_US		50
#define VIO_CVQ_SLEEP_US	20

/* How a wait ended. */
enum vio_cvq_wait {
	VIO_CVQ_PENDING,	/* nothing used yet */
	VIO_CVQ_BACK,		/* our chain came back */
	VIO_CVQ_BACK_BAD,	/* it came back with wrong wrap bits (counted) */
	VIO_CVQ_LOST,		/* the device used something else (counted) */
	VIO_CVQ_TIMEOUT,
};

int
vio_cvq_init(struct vio_cvq *cq, struct vio_vq *vq, void *region,
	     uint64_t region_addr, size_t region_len)
{
	if (cq == NULL || vq == NULL || region == NULL || region_addr == 0 ||
	    region_len < VIO_CVQ_REGION_SIZE || vq->size < VIO_CVQ_MAX_DESCS)
		return -EINVAL;
	memset(cq, 0, sizeof(*cq));
	rte_spinlock_init(&cq->lock);
	cq->vq = vq;
	cq->region = region;
	cq->region_addr = region_addr;
	return 0;
}

void
vio_cvq_reset(struct vio_cvq *cq)
{
	rte_spinlock_lock(&cq->lock);
	/* The device was reset: nothing it kept can be written any more. */
	vio_vq_reset(cq->vq);
	cq->stuck = false;
	rte_spinlock_unlock(&cq->lock);
}

bool
vio_cvq_usable(struct vio_cvq *cq)
{
	bool stuck;

	rte_spinlock_lock(&cq->lock);
	stuck = cq->stuck;
	rte_spinlock_unlock(&cq->lock);
	return !stuck;
}

/* ---- posting ---- */

/* The chain's descriptors: header, a copy of each data segment, ack. */
static uint16_t
cvq_fill(struct vio_cvq *cq, uint8_t class, uint8_t cmd,
	 const struct vio_cvq_seg *segs, uint16_t nsegs,
	 struct vio_packed_seg *d)
{
	struct vio_net_ctrl_hdr *hdr =
		(struct vio_net_ctrl_hdr *)(cq->region + VIO_CVQ_HDR_OFF);
	uint32_t off = VIO_CVQ_DATA_OFF;
	uint16_t i, n = 0;

	hdr->class = class;
	hdr->cmd = cmd;
	cq->region[VIO_CVQ_ACK_OFF] = VIO_CVQ_ACK_NONE;
	d[n++] = (struct vio_packed_seg){ cq->region_addr + VIO_CVQ_HDR_OFF,
					  sizeof(*hdr), 0 };
	for (i = 0; i < nsegs; i++) {
		memcpy(cq->region + off, segs[i].buf, segs[i].len);
		d[n++] = (struct vio_packed_seg){ cq->region_addr + off,
						  segs[i].len, 0 };
		off += segs[i].len;
	}
	d[n++] = (struct vio_packed_seg){ cq->region_addr + VIO_CVQ_ACK_OFF,
					  1, VIO_DESC_F_WRITE };
	return n;
}

static uint16_t
cvq_post_split(struct vio_vq *vq, const struct vio_packed_seg *d, uint16_t n,
	       void *cookie)
{
	uint16_t head = 0, prev = 0, id, i;

	for (i = 0; i < n; i++) {
		id = vio_split_desc_get(vq);
		vq->split.desc[id].addr = d[i].addr;
		vq->split.desc[id].len = d[i].len;
		vq->split.desc[id].flags = d[i].flags |
				     (i + 1 < n ? VIO_DESC_F_NEXT : 0);
		vq->split.desc[id].next = 0;
		if (i == 0)
			head = id;
		else
			vq->split.desc[prev].next = id;
		prev = id;
	}
	vio_split_chain_set(vq, head, prev, n, cookie);
	vio_split_avail_put(vq, head);
	vio_split_avail_flush(vq);
	return head;
}

static uint16_t
cvq_post_packed(struct vio_vq *vq, const struct vio_packed_seg *d,
		uint16_t n, void *cookie)
{
	/* In order, a buffer's id is the slot of its first descriptor. */
	uint16_t id = vq->in_order ? vq->packed.next_avail : vio_packed_id_get(vq);

	vio_packed_add_chain(vq, id, d, n, cookie);
	vio_packed_kick(vq);
	return id;
}

/* ---- waiting ---- */

static uint64_t
cvq_now_us(void)
{
	struct timespec ts;

	/* Not the TSC: lib/virtio runs without the EAL in unit tests. */
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static void
cvq_pause(uint64_t waited_us)
{
	struct timespec ts = { 0, VIO_CVQ_SLEEP_US * 1000 };

	if (waited_us < VIO_CVQ_SPIN_US)
		rte_pause();
	else
		nanosleep(&ts, NULL);
}

static enum vio_cvq_wait
cvq_poll_split(struct vio_vq *vq, uint16_t head, uint32_t *len)
{
	uint16_t id;

	if (vio_split_used_ready(vq) == 0)
		return VIO_CVQ_PENDING;
	/* Only the head carries a cookie, so any other id is refused
	 * (and counted) here: our chain then stays with the device. */
	id = vio_split_used_pop(vq, len);
	if (id == VIO_BAD_ID)
		return VIO_CVQ_LOST;
	RTE_ASSERT(id == head);
	RTE_SET_USED(head);
	vio_split_chain_free(vq, id);
	return VIO_CVQ_BACK;
}

static enum vio_cvq_wait
cvq_poll_packed(struct vio_vq *vq, uint16_t head, uint32_t *len)
{
	int seen = vio_packed_used_peek(vq);
	uint16_t id;

	if (seen == 0)
		return VIO_CVQ_PENDING;
	/* A bad id is counted and marks the ring broken. */
	id = vio_packed_used_take(vq, len);
	if (id == VIO_PACKED_BAD_ID)
		return VIO_CVQ_LOST;
	RTE_ASSERT(id == head);
	RTE_SET_USED(head);
	vq->extra[id].cookie = NULL;
	if (!vq->in_order)
		vio_packed_id_put(vq, id);
	return seen < 0 ? VIO_CVQ_BACK_BAD : VIO_CVQ_BACK;
}

static enum vio_cvq_wait
cvq_wait(struct vio_cvq *cq, uint16_t head, uint32_t timeout_us,
	 uint32_t *len)
{
	uint64_t start = cvq_now_us(), waited;
	enum vio_cvq_wait w;

	for (;;) {
		w = cq->vq->is_packed ? cvq_poll_packed(cq->vq, head, len) :
				     cvq_poll_split(cq->vq, head, len);
		if (w != VIO_CVQ_PENDING)
			return w;
		waited = cvq_now_us() - start;
		if (waited >= timeout_us)
			return VIO_CVQ_TIMEOUT;
		cvq_pause(waited);
	}
}

/* ---- the answer ---- */

/* The chain came back: was the ack written, and what does it say? */
static int
cvq_ack(struct vio_cvq *cq, uint8_t class, uint8_t cmd, uint32_t len)
{
	uint8_t ack = __atomic_load_n(&cq->region[VIO_CVQ_ACK_OFF],
				      __ATOMIC_RELAXED);

	if (len != 1) {
		vio_vq_bad(cq->vq, VIO_VQ_ERR_LEN, len, 1);
		cq->stats.bad++;
		cq->last = VIO_CVQ_BROKE;
		VIO_LOG(virtio, ERR, "control queue %u: %s: the device returned the command with %u bytes written, not the 1-byte ack",
			cq->vq->index, vio_cvq_cmd_name(class, cmd), len);
		return -EIO;
	}
	if (ack == VIO_NET_OK) {
		cq->stats.ok++;
		cq->last = VIO_CVQ_ACKED;
		return 0;
	}
	if (ack == VIO_NET_ERR) {
		cq->stats.err++;
		cq->last = VIO_CVQ_REJECTED;
		VIO_LOG(virtio, ERR, "control queue %u: %s: the device rejected the command (VIRTIO_NET_ERR)",
			cq->vq->index, vio_cvq_cmd_name(class, cmd));
	} else {
		cq->stats.bad++;
		cq->last = VIO_CVQ_BROKE;
		VIO_LOG(virtio, ERR, "control queue %u: %s: the device answered %u, neither OK nor ERR",
			cq->vq->index, vio_cvq_cmd_name(class, cmd), ack);
	}
	return -EIO;
}

/* The chain stays with the device: nothing may be posted until reset. */
static int
cvq_stuck(struct vio_cvq *cq, uint8_t class, uint8_t cmd,
	  enum vio_cvq_wait w, uint32_t timeout_us)
{
	cq->stuck = true;
	cq->stuck_class = class;
	cq->stuck_cmd = cmd;
	if (w == VIO_CVQ_TIMEOUT) {
		cq->stats.timeouts++;
		cq->last = VIO_CVQ_NO_ANSWER;
		VIO_LOG(virtio, ERR, "control queue %u: %s: no answer from the device within %u us; the queue is unusable until the device is reset",
			cq->vq->index, vio_cvq_cmd_name(class, cmd), timeout_us);
		return -ETIMEDOUT;
	}
	cq->stats.bad++;
	cq->last = VIO_CVQ_BROKE;
	VIO_LOG(virtio, ERR, "control queue %u: %s: the device used an id that names no command in flight; the queue is unusable until the device is reset",
		cq->vq->index, vio_cvq_cmd_name(class, cmd));
	return -EIO;
}

static int
cvq_check_args(const struct vio_cvq_seg *segs, uint16_t nsegs)
{
	uint32_t total = 0;
	uint16_t i;

	if (nsegs > VIO_CVQ_MAX_SEGS || (nsegs > 0 && segs == NULL))
		return -EINVAL;
	for (i = 0; i < nsegs; i++) {
		if (segs[i].len == 0 || segs[i].buf == NULL ||
		    segs[i].len > VIO_CVQ_DATA_MAX - total)
			return -EINVAL;
		total += segs[i].len;
	}
	return 0;
}

static int
cvq_command_locked(struct vio_cvq *cq, uint8_t class, uint8_t cmd,
		   const struct vio_cvq_seg *segs, uint16_t nsegs,
		   uint32_t timeout_us)
{
	struct vio_packed_seg d[VIO_CVQ_MAX_DESCS];
	struct vio_vq *vq = cq->vq;
	enum vio_cvq_wait w;
	uint32_t len = 0;
	uint16_t n, head;

	if (cq->stuck) {
		cq->last = VIO_CVQ_BLOCKED;
		VIO_LOG(virtio, ERR, "control queue %u: %s refused: the device never returned %s; reset the device first",
			vq->index, vio_cvq_cmd_name(class, cmd),
			vio_cvq_cmd_name(cq->stuck_class, cq->stuck_cmd));
		return -EBUSY;
	}
	n = cvq_fill(cq, class, cmd, segs, nsegs, d);
	if (vq->free_cnt < n)	/* only if the caller shares the vq */
		return -ENOSPC;
	cq->stats.commands++;
	head = vq->is_packed ? cvq_post_packed(vq, d, n, cq) :
			    cvq_post_split(vq, d, n, cq);
	w = cvq_wait(cq, head, timeout_us, &len);
	if (w == VIO_CVQ_TIMEOUT || w == VIO_CVQ_LOST)
		return cvq_stuck(cq, class, cmd, w, timeout_us);
	if (w == VIO_CVQ_BACK_BAD) {
		cq->stats.bad++;
		cq->last = VIO_CVQ_BROKE;
		return -EIO;
	}
	return cvq_ack(cq, class, cmd, len);
}

const char *
vio_cvq_outcome_str(enum vio_cvq_outcome o)
{
	switch (o) {
	case VIO_CVQ_ACKED:
		return "acked";
	case VIO_CVQ_REJECTED:
		return "rejected by the device (VIRTIO_NET_ERR)";
	case VIO_CVQ_NO_ANSWER:
		return "no answer from the device";
	case VIO_CVQ_BROKE:
		return "the device broke the control queue protocol";
	case VIO_CVQ_BLOCKED:
		return "not sent: an earlier command got no answer";
	}
	return "unknown";
}

int
vio_cvq_command(struct vio_cvq *cq, uint8_t class, uint8_t cmd,
		const struct vio_cvq_seg *segs, uint16_t nsegs,
		uint32_t timeout_us)
{
	int ret = cvq_check_args(segs, nsegs);

	if (ret < 0) {
		VIO_LOG(virtio, ERR, "control queue: %s: %u data segments do not fit one command",
			vio_cvq_cmd_name(class, cmd), nsegs);
		return ret;
	}
	/* The holder may wait for the device up to its timeout: sleep
	 * rather than spin against it on a CPU the device may need. */
	while (!rte_spinlock_trylock(&cq->lock))
		cvq_pause(VIO_CVQ_SPIN_US);
	ret = cvq_command_locked(cq, class, cmd, segs, nsegs, timeout_us);
	rte_spinlock_unlock(&cq->lock);
	return ret;
}
