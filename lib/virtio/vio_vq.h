/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A virtqueue: rings and descriptors, not packets. The ring memory is
 * owned by the caller (a memzone in the PMD, plain memory in unit tests);
 * the driver-private bookkeeping (per-descriptor cookies, free list) is
 * allocated here. Hot helpers live in vio_vq_split.h and vio_vq_packed.h
 * as static inlines.
 *
 * What only one layout has lives in its own sub-struct, split or packed
 * (a union: a queue is one or the other, is_packed says which). The
 * top level holds what means the same in both: sizes, the
 * free descriptor and in-flight buffer counts, the per-buffer extra[]
 * (indexed by the id the device returns: a split chain's head descriptor,
 * a packed buffer id), notification and error state.
 */
#ifndef VIO_VQ_H
#define VIO_VQ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <rte_branch_prediction.h>

#include "virtio_spec.h"

struct vio_vq;

typedef void (*vio_notify_fn)(struct vio_vq *vq);

/* Driver-private state of one in-flight chain, indexed by its head id. */
struct vio_vq_extra {
	void *cookie;		/* what the chain carries (an mbuf); NULL = free */
	uint16_t ndescs;	/* descriptors in the chain, head included */
	uint16_t tail;		/* last descriptor of the chain */
	uint32_t len;		/* device-writable bytes posted (rx) */
};

/* Counters of device misbehaviour: the device is untrusted input. */
struct vio_vq_errors {
	uint64_t bad_id;	/* used id out of range or not in flight */
	uint64_t bad_len;	/* used length larger than what was posted */
	uint64_t bad_idx;	/* used index ran ahead of what was made available */
	uint64_t bad_wrap;	/* packed: used flags with the wrong wrap bits */
	uint8_t logged;		/* VIO_VQ_ERR_* kinds already logged (a bit each);
				 * cleared with the counters, so a reset re-arms */
};

/* Kinds of device misbehaviour, one counter each in vio_vq_errors. */
enum vio_vq_err_kind {
	VIO_VQ_ERR_ID,		/* bad_id */
	VIO_VQ_ERR_LEN,		/* bad_len */
	VIO_VQ_ERR_IDX,		/* bad_idx */
	VIO_VQ_ERR_WRAP,	/* bad_wrap */
};

/*
 * Split ring (2.7): the descriptor table, the available and used rings
 * and the descriptor free list. Positions are free-running 16-bit
 * indices, taken modulo the size when a ring is indexed.
 */
struct vio_vq_split_state {
	struct vio_desc *desc;		/* descriptor table */
	struct vio_avail *avail;	/* available ring (driver area) */
	struct vio_used *used;		/* used ring (device area) */
	/* Free-list links by descriptor index: private, the device can't
	 * touch them. Unused in order (descriptors go in ring order). */
	uint16_t *next;
	/* First free descriptor; in order, the next one in ring order. */
	uint16_t free_head;
	uint16_t avail_idx;	/* next value of avail->idx to publish */
	uint16_t used_cons;	/* used entries consumed */
};

/*
 * Packed ring (2.8): one descriptor ring the driver makes buffers
 * available in and the device writes used descriptors over, in the same
 * order; the event suppression areas; the buffer id free list. Slots
 * are ring positions 0..size-1, with a wrap counter each.
 */
struct vio_vq_packed_state {
	struct vio_packed_desc *desc;		/* descriptor ring */
	struct vio_packed_event *drv_event;	/* driver area */
	struct vio_packed_event *dev_event;	/* device area */
	/* Free-list links by buffer id: private, the device can't touch
	 * them. Unused in order (a buffer's id is its first slot). */
	uint16_t *id_next;
	uint16_t free_id;	/* first free buffer id */
	uint16_t next_avail;	/* slot the next available descriptor goes to */
	uint16_t next_used;	/* slot the next used descriptor is read from */
	/* AVAIL/USED bits the descriptor at next_avail must carry (they
	 * follow the avail wrap counter). */
	uint16_t avail_flags;
	bool used_wrap;		/* wrap counter the one at next_used must carry */
	/* A used entry could not be skipped safely: no more are taken
	 * until the next reset (a split ring skips a bad entry instead). */
	bool broken;
};

struct vio_vq {
	/* Hot: what the per-packet code reads (the first 64 bytes). */
	union {
		struct vio_vq_split_state split;	/* !is_packed */
		struct vio_vq_packed_state packed;	/* is_packed */
	};
	/* By the id the device returns (a split chain's head descriptor,
	 * a packed buffer id). */
	struct vio_vq_extra *extra;
	uint16_t size;
	uint16_t mask;
	/* Descriptors free to post: split, on the free list; packed, free
	 * ring slots. */
	uint16_t free_cnt;
	uint16_t inflight;	/* buffers made available and not yet used */
	/* Read once a burst (or, for in_order, a constant in the callers
	 * that read it per packet). */
	bool in_order;		/* buffer id = ring slot of its first descriptor */
	/* No device takes the ring now (virtio-user waiting for a
	 * backend): the driver drops what it would send. Written by the
	 * transport from another thread; a burst that misses a change
	 * only posts to (or drops from) a ring that stays consistent. */
	bool detached;
	bool is_packed;		/* which of split and packed is in use */
	uint16_t index;		/* virtqueue number at the device */
	/* Set by the transport's queue_setup (vio_vq_set_notify) in the
	 * process that set the queue up: both are addresses of that
	 * process. Another process sharing the queue (a DPDK secondary)
	 * notifies through its own hook (vio_vq_set_foreign_notify). */
	vio_notify_fn notify;
	void *notify_arg;	/* transport data for notify (fd, doorbell) */
	int32_t notify_owner;	/* its pid; 0: whichever process calls */
	uint32_t notify_off;	/* PCI modern: the doorbell's offset in the
				 * notify structure, for the other processes */
	uint16_t tag;		/* the owner's label, for that hook (the PMD:
				 * its port id) */
	/* extra[] and the free-list links from vio_vq_set_allocator's */
	bool priv_shared;
	struct vio_vq_errors err;

	/* Cold: set up once. */
	void *ring;		/* ring memory, caller owned */
	size_t ring_len;
	uint64_t desc_addr;	/* addresses as the device sees them */
	uint64_t avail_addr;
	uint64_t used_addr;
	void *tp;		/* transport per-queue state */
};

/* What the per-packet code reads stays in the first cache line (the
 * PMD's queue structs start with their vio_vq, cache aligned), the
 * once-a-burst flags and the notify hook open the second, and the whole
 * stays within three. */
_Static_assert(offsetof(struct vio_vq, inflight) + sizeof(uint16_t) <= 64,
	       "vio_vq: hot fields past the first cache line");
_Static_assert(sizeof(struct vio_vq) <= 3 * 64, "vio_vq: grew a cache line");

/* Has the driver stopped taking used entries from `vq`? (Packed: after
 * a used entry it could not skip; a split ring never stops.) */
static inline bool
vio_vq_broken(const struct vio_vq *vq)
{
	return vq->is_packed && vq->packed.broken;
}

/* The driver's addresses of the ring's three areas (2.6), either layout,
 * for a transport that hands them to a device: the descriptor table or
 * ring, the driver area (available ring or driver event suppression) and
 * the device area (used ring or device event suppression). */
static inline const void *
vio_vq_desc_area(const struct vio_vq *vq)
{
	return vq->is_packed ? (const void *)vq->packed.desc :
			       (const void *)vq->split.desc;
}

static inline const void *
vio_vq_driver_area(const struct vio_vq *vq)
{
	return vq->is_packed ? (const void *)vq->packed.drv_event :
			       (const void *)vq->split.avail;
}

static inline const void *
vio_vq_device_area(const struct vio_vq *vq)
{
	return vq->is_packed ? (const void *)vq->packed.dev_event :
			       (const void *)vq->split.used;
}

/*
 * Ask for the cache line at `p` in the state a store needs (exclusive).
 * A line the device has read (a descriptor, a buffer it copied from)
 * is shared with the device's CPU, and a store to it waits a whole
 * cross-core round trip before it can complete; asked for ahead, those
 * transfers overlap instead of queueing behind each other in the store
 * buffer. x86-64 CPUs that do not list PREFETCHW run it as a no-op; a
 * prefetch never faults.
 */
static inline void
vio_prefetch_w(const void *p)
{
#if defined(__x86_64__)
	/* GCC emits PREFETCHW for __builtin_prefetch only with -mprfchw,
	 * which DPDK's baseline target does not enable. */
	__asm__ volatile("prefetchw %0" : : "m" (*(const volatile char *)p));
#else
	__builtin_prefetch(p, 1, 3);
#endif
}

/* vio_prefetch_w over the lines holding entries start .. start + n - 1
 * (positions taken modulo mask + 1) of a ring of `esz`-byte entries, esz
 * a power of two no larger than a 64-byte line: one entry a line's
 * length apart, and the last. A hint: a line left out where the ring
 * wraps costs time, nothing else. */
static inline void
vio_prefetch_w_ring(const void *ring, uint32_t esz, uint32_t start,
		    uint32_t n, uint16_t mask)
{
	uint32_t i;

	for (i = 0; i < n; i += 64 / esz)
		vio_prefetch_w((const char *)ring +
			       (size_t)((start + i) & mask) * esz);
	if (n > 0)
		vio_prefetch_w((const char *)ring +
			       (size_t)((start + n - 1) & mask) * esz);
}

/* Bytes of ring memory a split queue of `size` entries needs. */
size_t vio_vq_split_ring_size(uint16_t size);

/* Bytes of ring memory a packed queue of `size` entries needs. */
size_t vio_vq_packed_ring_size(uint16_t size);

/*
 * Lay a split ring over `ring` (zeroed here), whose device address is
 * `ring_addr`, and allocate the private state. `size` must be a power of two.
 * Returns 0 or a negative errno.
 */
int vio_vq_init(struct vio_vq *vq, uint16_t index, uint16_t size,
		void *ring, uint64_t ring_addr);

/*
 * Lay a packed ring (2.8) over `ring`: descriptor ring, then the driver
 * and device event areas. `size` must be a power of two (vio's own
 * choice: positions then wrap with a mask test). With `in_order`, buffer
 * ids are ring slots and no id free list is used.
 */
int vio_vq_init_packed(struct vio_vq *vq, uint16_t index, uint16_t size,
		       void *ring, uint64_t ring_addr, bool in_order);

/* Back to the freshly initialised state (after a device reset). In-flight
 * cookies must have been collected with vio_vq_drain() first. */
void vio_vq_reset(struct vio_vq *vq);

/* Take every in-flight cookie back (device stopped); returns how many
 * were stored into `cookies` (at most `max`, call again while it fills). */
uint16_t vio_vq_drain(struct vio_vq *vq, void **cookies, uint16_t max);

void vio_vq_fini(struct vio_vq *vq);

/*
 * Packed: where a new device takes the ring up after the last one went
 * away without stopping it (vio_vq_resume.c): the slot after the last
 * used descriptor the old device wrote, and that slot's wrap counter (a
 * batch head the device left unflagged behind used descriptors is
 * flagged used on its behalf).
 * Returns 0, -EAGAIN when the datapath took used descriptors meanwhile
 * (try again), -EIO when the old device's writes cannot be walked (bad
 * wrap bits or id), -EINVAL for a ring that is not packed or is broken.
 */
int vio_vq_packed_resume_point(struct vio_vq *vq, uint16_t *pos, bool *wrap);

/*
 * Count one device error of `kind` and log the first of each kind on this
 * queue (`val` is what the device wrote, `limit` what it had to stay
 * within). Cold and out of line: only error branches call it.
 */
/* This process's id, for vio_vq_notify (set at load). */
extern int32_t vio_vq_self;

/* A notify from a process other than the queue's owner (out of line). */
void vio_vq_notify_foreign(struct vio_vq *vq);

/* Tell the device there is new work, through the transport (either
 * layout; the caller has checked that the device wants to hear it). */
static inline void
vio_vq_notify(struct vio_vq *vq)
{
	if (likely(vq->notify_owner == vio_vq_self || vq->notify_owner == 0))
		vq->notify(vq);
	else
		vio_vq_notify_foreign(vq);
}

/* The transport's notify for `vq`, owned by the calling process. */
static inline void
vio_vq_set_notify(struct vio_vq *vq, vio_notify_fn fn, void *arg)
{
	vq->notify = fn;
	vq->notify_arg = arg;
	vq->notify_owner = vio_vq_self;
}

/* How a process that did not set a queue up notifies the device: its
 * own fn, called with the queue (NULL: such notifies are dropped, and
 * only that queue waits for the device to look by itself). */
void vio_vq_set_foreign_notify(vio_notify_fn fn);

/*
 * Where the private state (extra[], the free-list links) of the queues
 * initialised
 * from now on lives: plain heap by default; memory that other processes
 * map at the same address (DPDK's rte_malloc) when they share the
 * queues. NULL functions restore the heap for the queues initialised
 * after; the queues an allocator served go back to it at vio_vq_fini,
 * so it must be set again (or still) by then.
 */
void vio_vq_set_allocator(void *(*zalloc)(size_t len), void (*release)(void *p));

void vio_vq_bad(struct vio_vq *vq, enum vio_vq_err_kind kind, uint32_t val,
		uint32_t limit) __attribute__((cold));

/*
 * Used buffer notifications (interrupts) of a queue, split or packed
 * (vio_vq_intr.c); `event_idx`: VIO_F_RING_EVENT_IDX negotiated. vio polls
 * with them suppressed. vio_vq_intr_enable asks the device to notify for
 * the next used buffer and returns whether one is already there (used
 * before the device saw the request: no notification will come for it).
 * vio_vq_intr_disable suppresses them again. Called by the thread that
 * polls the queue.
 */
bool vio_vq_intr_enable(struct vio_vq *vq, bool event_idx);
void vio_vq_intr_disable(struct vio_vq *vq, bool event_idx);
/* Has the device used a buffer the driver has not taken yet? */
bool vio_vq_used_pending(const struct vio_vq *vq);

/* Human-readable one-line state, for logs and tests. */
int vio_vq_dump(const struct vio_vq *vq, char *buf, size_t len);

#endif /* VIO_VQ_H */
