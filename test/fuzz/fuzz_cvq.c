/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The control virtqueue API (vio_cvq.c, vio_cvq_cmd.c, unchanged) against
 * a hostile device, on split, packed and packed in-order rings. The
 * device is the queue's notify hook: at each kick it takes the chain the
 * driver made available, checks where the driver put it, and answers as
 * the input says: properly (used entry with the chain's id, length 1, the
 * ack byte), not at all, or with an arbitrary used entry (id, length,
 * split used index step, packed slot and wrap bits). Between commands it
 * may write stray used entries, answer a stalled chain late, turn
 * notifications off, and the driver may reset the device.
 *
 * Every wait is bounded by a timeout of at most 63 us that the input
 * chooses, so a command the device never answers returns at once.
 *
 * Input: byte 0 chooses the layout (bits 0-1: split, packed, packed in
 * order) and the ring size (bits 2-3: 8 << n); then operations, each an
 * opcode byte and its arguments (see run_op), until the input ends.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <rte_common.h>

#include "fuzz.h"
#include "vio_cvq.h"
#include "vio_vq.h"
#include "vio_vq_packed.h"

#define CVQ_INDEX	2
#define MAC_MAX		700	/* beyond what one MAC_TABLE_SET holds */

/* How the device answers a chain (low bits of the answer byte). */
enum answer {
	ANSWER_OK,	/* used entry as the spec says, ack byte written */
	ANSWER_STALL,	/* keeps the chain */
	ANSWER_HOSTILE,	/* used entry with fields from the input */
	ANSWER_NO_ACK,	/* used entry as the spec says, ack byte left alone */
};
#define ANSWER_ACK_RAW	0x04	/* ack byte from the input, else OK / ERR */
#define ANSWER_ACK_ERR	0x08

struct chain {
	bool valid;
	uint16_t id;		/* split: head; packed: buffer id */
	uint16_t ndescs;
	uint8_t *ack;		/* the writable byte, in the region */
};

struct device {
	struct vio_vq *vq;
	struct vio_cvq *cq;
	uint8_t *region;
	struct fuzz_in *in;
	/* The device's own view of the ring. */
	uint16_t last_avail;	/* split: avail entries taken */
	uint16_t used_idx;	/* split: used entries written */
	uint16_t pos;		/* packed: next slot to read and to use */
	bool wrap;		/* packed: the device's wrap counter */
	struct chain pending;	/* taken, not answered */
	/* Bytes the driver made readable for the last chain. */
	uint8_t seen[VIO_CVQ_REGION_SIZE];
	uint32_t seen_len;
	/* Since the last reset every answer followed the protocol. */
	bool clean;
	bool took;		/* a chain, since the command was posted */
	int expect;		/* what the command must return when clean */
};

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerInitialize(int *argc __rte_unused, char ***argv __rte_unused)
{
	fuzz_quiet_logs();
	return 0;
}

static uint16_t
fuzz_u16(struct fuzz_in *in)
{
	uint16_t v = fuzz_u8(in);

	return (uint16_t)(v | fuzz_u8(in) << 8);
}

/*
 * A descriptor the driver posted: inside the region, the header and data
 * readable, then the one ack byte. Checked while the device kept the
 * rules; after it wrote garbage into a packed ring it may be reading its
 * own garbage, which it then leaves alone (false).
 */
static bool
dev_segment(struct device *d, struct chain *c, uint64_t addr, uint32_t len,
	    bool write)
{
	uint64_t base = (uintptr_t)d->region;
	bool ok = addr >= base && len <= VIO_CVQ_REGION_SIZE &&
		  addr - base <= VIO_CVQ_REGION_SIZE - len &&
		  c->ack == NULL && (!write || len == 1) &&
		  (write || d->seen_len + len <= sizeof(d->seen));

	if (!ok && !d->clean)
		return false;
	FUZZ_ASSERT(ok, "descriptor 0x%llx+%u (%s) outside the region, after the ack or too long",
		    (unsigned long long)addr, len, write ? "write" : "read");
	if (write) {
		c->ack = (uint8_t *)(uintptr_t)addr;
		return true;
	}
	memcpy(d->seen + d->seen_len, (void *)(uintptr_t)addr, len);
	d->seen_len += len;
	return true;
}

static bool
dev_take_split(struct device *d, struct chain *c)
{
	struct vio_vq *vq = d->vq;
	uint16_t i, idx = __atomic_load_n(&vq->split.avail->idx, __ATOMIC_ACQUIRE);
	const struct vio_desc *desc;

	if (idx == d->last_avail)
		return false;
	c->id = vq->split.avail->ring[d->last_avail++ & vq->mask];
	FUZZ_ASSERT(c->id < vq->size, "avail head %u", c->id);
	for (i = c->id, c->ndescs = 1;; c->ndescs++) {
		FUZZ_ASSERT(c->ndescs <= VIO_CVQ_MAX_DESCS, "chain loops");
		desc = &vq->split.desc[i];
		if (!dev_segment(d, c, desc->addr, desc->len,
				 desc->flags & VIO_DESC_F_WRITE))
			return false;
		if (!(desc->flags & VIO_DESC_F_NEXT))
			break;
		i = desc->next;
		FUZZ_ASSERT(i < vq->size, "next %u", i);
	}
	return true;
}

static bool
dev_take_packed(struct device *d, struct chain *c)
{
	struct vio_vq *vq = d->vq;
	uint16_t avail = d->wrap ? VIO_PACKED_DESC_F_AVAIL : VIO_PACKED_DESC_F_USED;
	uint16_t slot = d->pos, flags;
	bool wrap = d->wrap, ok;
	const struct vio_packed_desc *desc;

	for (c->ndescs = 1;; c->ndescs++) {
		desc = &vq->packed.desc[slot];
		flags = __atomic_load_n(&desc->flags, __ATOMIC_ACQUIRE);
		ok = c->ndescs <= VIO_CVQ_MAX_DESCS &&
		     (flags & VIO_PACKED_WRAP_FLAGS) == avail;
		if (!ok && (c->ndescs == 1 || !d->clean))
			return false;	/* nothing (new) there */
		FUZZ_ASSERT(ok, "chain cut short or too long at %u", c->ndescs);
		if (!dev_segment(d, c, desc->addr, desc->len,
				 flags & VIO_DESC_F_WRITE))
			return false;
		if (++slot == vq->size) {
			slot = 0;
			wrap = !wrap;
			avail = wrap ? VIO_PACKED_DESC_F_AVAIL : VIO_PACKED_DESC_F_USED;
		}
		if (!(flags & VIO_DESC_F_NEXT))
			break;
	}
	c->id = desc->id;
	return true;
}

/* The chain the driver made available, if any; the device takes it. */
static bool
dev_take(struct device *d, struct chain *c)
{
	bool got;

	memset(c, 0, sizeof(*c));
	d->seen_len = 0;
	got = d->vq->is_packed ? dev_take_packed(d, c) : dev_take_split(d, c);
	if (got && !d->clean && (c->ack == NULL || d->seen_len < 2))
		got = false;
	d->took |= got;
	if (got) {
		FUZZ_ASSERT(c->ack != NULL, "chain without an ack byte");
		FUZZ_ASSERT(d->seen_len >= 2, "chain without a header");
		c->valid = true;
	}
	return got;
}

/* A used entry at the device's position; the position moves past the
 * chain's `ndescs` slots (packed) or one entry (split) by `step`. */
static void
dev_used(struct device *d, uint16_t id, uint32_t len, uint16_t ndescs,
	 uint16_t step, uint16_t wrap_flags)
{
	struct vio_vq *vq = d->vq;
	struct vio_packed_desc *p;

	if (!vq->is_packed) {
		vq->split.used->ring[d->used_idx & vq->mask] =
			(struct vio_used_elem){ id, len };
		d->used_idx = (uint16_t)(d->used_idx + step);
		__atomic_store_n(&vq->split.used->idx, d->used_idx, __ATOMIC_RELEASE);
		return;
	}
	p = &vq->packed.desc[d->pos];
	p->id = id;
	p->len = len;
	__atomic_store_n(&p->flags, wrap_flags, __ATOMIC_RELEASE);
	d->pos = (uint16_t)(d->pos + ndescs);
	if (d->pos >= vq->size) {
		d->pos = (uint16_t)(d->pos - vq->size);
		d->wrap = !d->wrap;
	}
}

static uint16_t
dev_wrap_flags(const struct device *d)
{
	return d->wrap ? VIO_PACKED_WRAP_FLAGS : 0;
}

static void
dev_answer_ok(struct device *d, struct chain *c)
{
	dev_used(d, c->id, 1, c->ndescs, 1, dev_wrap_flags(d));
	c->valid = false;
}

/* Fields from the input: an id, a length, the split index step or the
 * packed slots skipped and wrap bits. Breaks the protocol, mostly. */
static void
dev_answer_hostile(struct device *d, uint16_t ndescs)
{
	uint16_t id = fuzz_u16(d->in);
	uint32_t len = fuzz_u32(d->in);
	uint8_t how = fuzz_u8(d->in);
	uint16_t wrap = dev_wrap_flags(d);

	if (how & 0x01)
		wrap ^= VIO_PACKED_DESC_F_USED;
	if (how & 0x02)
		wrap ^= VIO_PACKED_DESC_F_AVAIL;
	dev_used(d, id, len, (uint16_t)(d->vq->is_packed ? (how >> 2) % 8 : ndescs),
		 (uint16_t)((int8_t)how >> 2), wrap);
	d->clean = false;
}

static uint8_t
dev_ack_value(struct device *d, uint8_t how)
{
	if (how & ANSWER_ACK_RAW)
		return fuzz_u8(d->in);
	return (how & ANSWER_ACK_ERR) ? VIO_NET_ERR : VIO_NET_OK;
}

/* What vio_cvq_command must return after an answer that kept the rules. */
static int
expected(uint8_t ack, bool acked)
{
	return acked && ack == VIO_NET_OK ? 0 : -EIO;
}

static void
dev_answer(struct device *d, struct chain *c, uint8_t how)
{
	uint8_t ack = dev_ack_value(d, how);

	switch (how & 3) {
	case ANSWER_OK:
	case ANSWER_NO_ACK:
		if ((how & 3) == ANSWER_OK)
			*c->ack = ack;
		d->expect = expected(ack, (how & 3) == ANSWER_OK);
		dev_answer_ok(d, c);
		break;
	case ANSWER_STALL:
		d->pending = *c;
		break;
	case ANSWER_HOSTILE:
		*c->ack = ack;
		dev_answer_hostile(d, c->ndescs);
		c->valid = false;
		break;
	}
}

/* The notify hook: the device wakes up and serves the queue. */
static void
dev_notify(struct vio_vq *vq)
{
	struct device *d = vq->notify_arg;
	struct chain c;

	if (!dev_take(d, &c))
		return;
	FUZZ_ASSERT(!d->pending.valid || !d->clean,
		    "a chain posted while another is with the device");
	dev_answer(d, &c, fuzz_u8(d->in));
}

static void
dev_reset(struct device *d)
{
	vio_cvq_reset(d->cq);
	d->last_avail = 0;
	d->used_idx = 0;
	d->pos = 0;
	d->wrap = true;
	d->pending.valid = false;
	d->clean = true;
}

/* ---- the driver's side: commands ---- */

static uint32_t
timeout_of(struct fuzz_in *in)
{
	return fuzz_u8(in) % 64;
}

/* A command of `class`/`cmd` with up to 6 segments (more than one
 * command takes) of input-chosen sizes, each its own exact allocation. */
static int
cmd_raw(struct device *d, struct fuzz_in *in)
{
	struct vio_cvq_seg segs[VIO_CVQ_MAX_SEGS + 2];
	uint8_t class = fuzz_u8(in), cmd = fuzz_u8(in);
	uint16_t n = fuzz_u8(in) % RTE_DIM(segs), i;
	uint8_t want[VIO_CVQ_REGION_SIZE];
	uint32_t wlen = 2, tmo;
	uint64_t before = d->cq->stats.commands;
	bool clean = d->clean;
	int ret;

	want[0] = class;
	want[1] = cmd;
	for (i = 0; i < n; i++) {
		segs[i].len = fuzz_u16(in) % (VIO_CVQ_DATA_MAX + 2);
		segs[i].buf = malloc(segs[i].len + 1);
		FUZZ_ASSERT(segs[i].buf != NULL, "malloc");
		memset((void *)(uintptr_t)segs[i].buf, 0xa0 + i, segs[i].len);
		if (wlen + segs[i].len <= sizeof(want))
			memset(want + wlen, 0xa0 + i, segs[i].len);
		wlen += segs[i].len;
	}
	tmo = timeout_of(in);
	ret = vio_cvq_command(d->cq, class, cmd, segs, n, tmo);
	for (i = 0; i < n; i++)
		free((void *)(uintptr_t)segs[i].buf);
	if (ret == -EINVAL)
		return ret;
	/* A device that wrote garbage into a packed ring may have lost its
	 * place in it and read something else. */
	if (d->cq->stats.commands != before && d->took && clean) {
		FUZZ_ASSERT(d->seen_len == wlen && memcmp(d->seen, want, wlen) == 0,
			    "the device read %u bytes, not the %u of the command",
			    d->seen_len, wlen);
	}
	return ret;
}

static int
cmd_mac_table(struct device *d, struct fuzz_in *in)
{
	static uint8_t uc[MAC_MAX][6], mc[MAC_MAX][6];
	uint32_t n_uc = fuzz_u16(in) % (MAC_MAX + 1);
	uint32_t n_mc = fuzz_u16(in) % (MAC_MAX + 1);
	uint32_t tmo = timeout_of(in);

	return vio_cvq_mac_table_set(d->cq, n_uc ? uc : NULL, n_uc,
				     n_mc ? mc : NULL, n_mc, tmo);
}

/* An indirection table and a key of input-chosen lengths, each an exact
 * allocation. */
static int
cmd_rss(struct device *d, struct fuzz_in *in)
{
	struct vio_cvq_rss rss = { 0 };
	uint16_t *table;
	uint8_t *key;
	uint32_t tmo;
	uint16_t i;
	int ret;

	rss.hash_types = fuzz_u32(in);
	rss.table_len = fuzz_u16(in) % 4100;
	rss.unclassified_queue = fuzz_u16(in);
	rss.max_tx_vq = fuzz_u16(in);
	rss.key_len = fuzz_u8(in);
	table = malloc(sizeof(*table) * rss.table_len + 1);
	key = malloc(rss.key_len + 1u);
	FUZZ_ASSERT(table != NULL && key != NULL, "malloc");
	for (i = 0; i < rss.table_len; i++)
		table[i] = (uint16_t)(i & 0x7fff);
	if (rss.table_len > 0 && (fuzz_u8(in) & 1))
		table[rss.table_len - 1] = 0x8000;
	memset(key, 0x5a, rss.key_len);
	rss.table = table;
	rss.key = key;
	tmo = timeout_of(in);
	ret = vio_cvq_rss_config(d->cq, &rss, tmo);
	free(table);
	free(key);
	return ret;
}

static int
cmd_hash(struct device *d, struct fuzz_in *in)
{
	uint32_t types = fuzz_u32(in);
	uint8_t key_len = fuzz_u8(in);
	uint32_t tmo = timeout_of(in);
	uint8_t *key = malloc(key_len + 1u);
	int ret;

	FUZZ_ASSERT(key != NULL, "malloc");
	memset(key, 0x3c, key_len);
	ret = vio_cvq_hash_config(d->cq, types, key, key_len, tmo);
	free(key);
	return ret;
}

/* Arguments are read before the timeout: C leaves the order of a call's
 * arguments open, and a seed must mean the same to every compiler. */
static int
cmd_builder(struct device *d, struct fuzz_in *in, uint8_t which)
{
	static const uint8_t mac[6] = { 0x02, 0, 0, 0, 0, 7 };
	uint8_t arg;
	uint16_t arg16;
	uint32_t arg32;

	switch (which % 10) {
	case 0:
		arg = fuzz_u8(in);
		return vio_cvq_promisc(d->cq, arg & 1, timeout_of(in));
	case 1:
		arg = fuzz_u8(in);
		return vio_cvq_allmulti(d->cq, arg & 1, timeout_of(in));
	case 2:
		return cmd_mac_table(d, in);
	case 3:
		return vio_cvq_mac_addr_set(d->cq, mac, timeout_of(in));
	case 4:
		arg = fuzz_u8(in);
		arg16 = fuzz_u16(in);
		return vio_cvq_vlan(d->cq, arg & 1, arg16, timeout_of(in));
	case 5:
		return vio_cvq_announce_ack(d->cq, timeout_of(in));
	case 6:
		arg16 = fuzz_u16(in);
		return vio_cvq_mq_pairs_set(d->cq, arg16, timeout_of(in));
	case 7:
		return cmd_rss(d, in);
	case 8:
		return cmd_hash(d, in);
	default:
		arg32 = fuzz_u32(in);
		return vio_cvq_guest_offloads_set(d->cq, (uint64_t)arg32 << 3,
						  timeout_of(in));
	}
}

/* No chain is left with the driver's bookkeeping once a command is over,
 * unless the queue is stuck (the device kept it). */
static void
check_ring(const struct device *d)
{
	const struct vio_vq *vq = d->vq;
	uint16_t i;

	if (d->cq->stuck)
		return;
	FUZZ_ASSERT(vq->inflight == 0 && vq->free_cnt == vq->size,
		    "%u chains in flight, %u of %u descriptors free",
		    vq->inflight, vq->free_cnt, vq->size);
	for (i = 0; i < vq->size; i++)
		FUZZ_ASSERT(vq->extra[i].cookie == NULL, "cookie left at %u", i);
}

static void
command(struct device *d, struct fuzz_in *in, uint8_t op)
{
	bool usable = vio_cvq_usable(d->cq), clean = d->clean;
	uint64_t before = d->cq->stats.commands;
	int ret;

	d->took = false;
	d->expect = -ETIMEDOUT;
	ret = (op & 1) ? cmd_raw(d, in) : cmd_builder(d, in, op >> 4);
	FUZZ_ASSERT(ret == 0 || ret == -EIO || ret == -ETIMEDOUT ||
		    ret == -EBUSY || ret == -EINVAL || ret == -E2BIG ||
		    ret == -ENOSPC, "return %d", ret);
	if (!usable && ret != -EINVAL && ret != -E2BIG)
		FUZZ_ASSERT(ret == -EBUSY, "a stuck queue returned %d", ret);
	if (ret == -ETIMEDOUT)
		FUZZ_ASSERT(!vio_cvq_usable(d->cq), "timed out, not stuck");
	if (d->cq->stats.commands != before && clean && d->clean)
		FUZZ_ASSERT(ret == d->expect, "returned %d, the device's answer says %d",
			    ret, d->expect);
	check_ring(d);
}

/* Opcodes (low 4 bits). Below 8 a command: bit 0 a raw one (any class,
 * command and segments), else bits 4-7 choose the builder (modulo 10). */
enum {
	OP_COMMAND,		/* up to 7: a command */
	OP_STRAY = 8,		/* the device writes a used entry unasked */
	OP_LATE,		/* the device answers its stalled chain now */
	OP_POLL,		/* the device serves the queue unnotified */
	OP_NOTIFY_OFF,		/* the device's notification suppression */
	OP_RESET,		/* device reset, the control queue with it */
};

static void
run_op(struct device *d, struct fuzz_in *in)
{
	uint8_t op = fuzz_u8(in);
	struct chain c;

	switch (op & 0x0f) {
	case OP_STRAY:
		dev_answer_hostile(d, 1);
		break;
	case OP_LATE:
		if (d->pending.valid) {
			*d->pending.ack = dev_ack_value(d, fuzz_u8(in));
			dev_answer_ok(d, &d->pending);
		}
		break;
	case OP_POLL:
		if (dev_take(d, &c))
			dev_answer(d, &c, fuzz_u8(in));
		break;
	case OP_NOTIFY_OFF:
		if (d->vq->is_packed)
			__atomic_store_n(&d->vq->packed.dev_event->flags,
					 fuzz_u8(in) % 3, __ATOMIC_RELEASE);
		else
			__atomic_store_n(&d->vq->split.used->flags,
					 fuzz_u8(in) & VIO_USED_F_NO_NOTIFY,
					 __ATOMIC_RELEASE);
		break;
	case OP_RESET:
		dev_reset(d);
		break;
	default:
		if ((op & 0x0f) < OP_STRAY)
			command(d, in, op);
		break;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };
	uint8_t mode = fuzz_u8(&in);
	unsigned int layout = (mode & 3) % 3;
	uint16_t qsize = (uint16_t)(8u << ((mode >> 2) & 3));
	size_t ring_len = layout == 0 ? vio_vq_split_ring_size(qsize) :
					vio_vq_packed_ring_size(qsize);
	struct device *d = calloc(1, sizeof(*d));
	void *ring = malloc(ring_len);
	struct vio_vq vq;
	struct vio_cvq cq;
	int ret;

	FUZZ_ASSERT(d != NULL && ring != NULL, "malloc");
	d->region = malloc(VIO_CVQ_REGION_SIZE);
	FUZZ_ASSERT(d->region != NULL, "malloc");
	ret = layout == 0 ?
	      vio_vq_init(&vq, CVQ_INDEX, qsize, ring, (uintptr_t)ring) :
	      vio_vq_init_packed(&vq, CVQ_INDEX, qsize, ring, (uintptr_t)ring,
				 layout == 2);
	FUZZ_ASSERT(ret == 0, "vq init %d", ret);
	vq.notify = dev_notify;
	vq.notify_arg = d;
	ret = vio_cvq_init(&cq, &vq, d->region, (uintptr_t)d->region,
			   VIO_CVQ_REGION_SIZE);
	FUZZ_ASSERT(ret == 0, "cvq init %d", ret);
	d->vq = &vq;
	d->cq = &cq;
	d->in = &in;
	dev_reset(d);
	while (in.n > 0)
		run_op(d, &in);
	vio_vq_fini(&vq);
	free(d->region);
	free(ring);
	free(d);
	return 0;
}
