/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * virtio-user's own control queue: the device side of the driver's
 * control ring (see vio_user_cvq.h). Ring walks first, split then
 * packed, then the commands.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_common.h>

#include "vio_cvq.h"
#include "vio_log.h"
#include "vio_user_cvq.h"

#define UCQ_WRAP_FLAGS	(VIO_PACKED_DESC_F_AVAIL | VIO_PACKED_DESC_F_USED)
/* Readable bytes a command may have: header and the most data. */
#define UCQ_READ_MAX	(sizeof(struct vio_net_ctrl_hdr) + VIO_CVQ_DATA_MAX)

/* A chain as walked: its id, the ring slots it took, its buffers. */
struct ucq_chain {
	uint16_t id;
	uint16_t ndescs;
	uint16_t nsegs;
	uint32_t readable;
	struct {
		uint8_t *ptr;
		uint32_t len;
		bool write;
	} seg[VIO_USER_CVQ_MAX_DESCS];
};

void
vio_user_cvq_init(struct vio_user_cvq *c, struct vio_vq *vq,
		  uint16_t max_pairs, bool mq,
		  vio_user_ring_enable_fn ring_enable, void *arg,
		  const char *name)
{
	memset(c, 0, sizeof(*c));
	c->vq = vq;
	c->avail_wrap = true;	/* 2.8.1: both wrap counters start at 1 */
	c->used_wrap = true;
	c->max_pairs = max_pairs;
	c->pairs = 1;
	c->mq = mq;
	c->ring_enable = ring_enable;
	c->arg = arg;
	snprintf(c->name, sizeof(c->name), "%s", name);
}

static int
ucq_refuse(struct vio_user_cvq *c, const char *why, uint32_t val)
{
	c->broken = true;
	VIO_LOG(vhost, ERR, "%s: control queue: %s (%u); commands are no longer executed until the device is reset",
		c->name, why, val);
	return -EIO;
}

/* One descriptor of a chain, checked. */
static int
ucq_seg_add(struct vio_user_cvq *c, struct ucq_chain *ch, uint64_t addr,
	    uint32_t len, uint16_t flags)
{
	bool write = (flags & VIO_DESC_F_WRITE) != 0;

	if (flags & VIO_DESC_F_INDIRECT)
		return ucq_refuse(c, "indirect descriptor in a command", flags);
	if (ch->nsegs == VIO_USER_CVQ_MAX_DESCS)
		return ucq_refuse(c, "chain longer than the descriptors a command may have",
				  VIO_USER_CVQ_MAX_DESCS);
	if (addr == 0 || len == 0 || len > UCQ_READ_MAX)
		return ucq_refuse(c, "descriptor with a null address or a length of 0 or beyond a command's",
				  len);
	if (!write && ch->nsegs > 0 && ch->seg[ch->nsegs - 1].write)
		return ucq_refuse(c, "readable descriptor after a writable one",
				  ch->nsegs);
	ch->seg[ch->nsegs].ptr = (uint8_t *)(uintptr_t)addr;
	ch->seg[ch->nsegs].len = len;
	ch->seg[ch->nsegs].write = write;
	ch->nsegs++;
	if (!write)
		ch->readable += len;
	return 0;
}

/* ---- split ring ---- */

/* 1 and the chain when one is available, 0 when none, -EIO (broken). */
static int
ucq_split_take(struct vio_user_cvq *c, struct ucq_chain *ch)
{
	const struct vio_vq *vq = c->vq;
	uint16_t avail = __atomic_load_n(&vq->split.avail->idx, __ATOMIC_ACQUIRE);
	uint16_t id;
	struct vio_desc d;
	int ret;

	if (avail == c->last_avail)
		return 0;
	if ((uint16_t)(avail - c->last_avail) > vq->size)
		return ucq_refuse(c, "available index ahead by more than the ring",
				  (uint16_t)(avail - c->last_avail));
	id = vq->split.avail->ring[c->last_avail & vq->mask];
	memset(ch, 0, offsetof(struct ucq_chain, seg));
	ch->id = id;
	for (;;) {
		if (id >= vq->size)
			return ucq_refuse(c, "descriptor id out of range", id);
		d = vq->split.desc[id];	/* one read: the driver may rewrite it */
		ret = ucq_seg_add(c, ch, d.addr, d.len, d.flags);
		if (ret < 0)
			return ret;
		if (!(d.flags & VIO_DESC_F_NEXT))
			break;
		id = d.next;
	}
	c->last_avail++;
	return 1;
}

static void
ucq_split_put(struct vio_user_cvq *c, const struct ucq_chain *ch,
	      uint32_t len)
{
	struct vio_vq *vq = c->vq;
	struct vio_used_elem *e = &vq->split.used->ring[c->used_idx & vq->mask];

	e->id = ch->id;
	e->len = len;
	c->used_idx++;
	__atomic_store_n(&vq->split.used->idx, c->used_idx, __ATOMIC_RELEASE);
}

/* ---- packed ring ---- */

static bool
ucq_packed_avail(uint16_t flags, bool wrap)
{
	return ((flags & VIO_PACKED_DESC_F_AVAIL) != 0) == wrap &&
	       ((flags & VIO_PACKED_DESC_F_USED) != 0) != wrap;
}

static int
ucq_packed_take(struct vio_user_cvq *c, struct ucq_chain *ch)
{
	const struct vio_vq *vq = c->vq;
	uint16_t slot = c->last_avail, flags;
	bool wrap = c->avail_wrap;
	struct vio_packed_desc d;
	int ret;

	memset(ch, 0, offsetof(struct ucq_chain, seg));
	do {
		flags = __atomic_load_n(&vq->packed.desc[slot].flags, __ATOMIC_ACQUIRE);
		if (!ucq_packed_avail(flags, wrap)) {
			if (ch->ndescs == 0)
				return 0;
			/* The head is published last: the rest must be there. */
			return ucq_refuse(c, "chain continues into a descriptor not available",
					  slot);
		}
		d = vq->packed.desc[slot];
		ret = ucq_seg_add(c, ch, d.addr, d.len, flags);
		if (ret < 0)
			return ret;
		ch->ndescs++;
		if (++slot == vq->size) {
			slot = 0;
			wrap = !wrap;
		}
	} while (flags & VIO_DESC_F_NEXT);
	ch->id = d.id;		/* 2.8.6: the id is in the last descriptor */
	c->last_avail = slot;
	c->avail_wrap = wrap;
	return 1;
}

static void
ucq_packed_put(struct vio_user_cvq *c, const struct ucq_chain *ch,
	       uint32_t len)
{
	struct vio_packed_desc *d = &c->vq->packed.desc[c->used_idx];

	d->id = ch->id;
	d->len = len;
	__atomic_store_n(&d->flags, c->used_wrap ? UCQ_WRAP_FLAGS : 0,
			 __ATOMIC_RELEASE);
	c->used_idx += ch->ndescs;
	if (c->used_idx >= c->vq->size) {
		c->used_idx -= c->vq->size;
		c->used_wrap = !c->used_wrap;
	}
}

/* ---- commands ---- */

/* Header and data gathered from the readable buffers; the ack byte is
 * the first writable one. Returns the used length (1, or 0 when the
 * chain is no command). */
static uint32_t
ucq_execute(struct vio_user_cvq *c, const struct ucq_chain *ch)
{
	uint8_t buf[UCQ_READ_MAX];
	uint32_t off = 0;
	uint16_t i;

	if (ch->readable < sizeof(struct vio_net_ctrl_hdr) ||
	    ch->readable > sizeof(buf) || ch->nsegs == 0 ||
	    !ch->seg[ch->nsegs - 1].write) {
		c->malformed++;
		VIO_LOG(vhost, ERR, "%s: control queue: chain %u is no command (%u readable bytes where 2 to %zu are, then a writable ack byte); returned with nothing written",
			c->name, ch->id, ch->readable, UCQ_READ_MAX);
		return 0;
	}
	for (i = 0; !ch->seg[i].write; i++) {
		memcpy(buf + off, ch->seg[i].ptr, ch->seg[i].len);
		off += ch->seg[i].len;
	}
	*ch->seg[i].ptr = vio_user_cvq_exec(c, buf[0], buf[1], buf + 2,
					    off - 2);
	c->cmds++;
	return 1;
}

unsigned int
vio_user_cvq_run(struct vio_user_cvq *c)
{
	struct ucq_chain ch;
	unsigned int n = 0;
	uint32_t len;

	while (!c->broken) {
		if ((c->vq->is_packed ? ucq_packed_take(c, &ch) :
				     ucq_split_take(c, &ch)) <= 0)
			break;
		len = ucq_execute(c, &ch);
		if (c->vq->is_packed)
			ucq_packed_put(c, &ch, len);
		else
			ucq_split_put(c, &ch, len);
		n++;
	}
	return n;
}

static uint8_t
ucq_pairs_set(struct vio_user_cvq *c, const uint8_t *data, uint32_t len)
{
	uint16_t pairs, i;
	int ret = 0;

	if (!c->mq || len != sizeof(pairs)) {
		VIO_LOG(vhost, ERR, "%s: control queue: MQ_VQ_PAIRS_SET %s",
			c->name, c->mq ? "with a malformed length" :
			"without MQ negotiated");
		return VIO_NET_ERR;
	}
	memcpy(&pairs, data, sizeof(pairs));
	pairs = rte_le_to_cpu_16(pairs);
	if (pairs < 1 || pairs > c->max_pairs) {
		VIO_LOG(vhost, ERR, "%s: control queue: MQ_VQ_PAIRS_SET %u, the device has 1 to %u",
			c->name, pairs, c->max_pairs);
		return VIO_NET_ERR;
	}
	for (i = 0; i < 2 * c->max_pairs && ret == 0; i++)
		ret = c->ring_enable(c->arg, i, i < 2 * pairs);
	if (ret < 0) {
		VIO_LOG(vhost, ERR, "%s: control queue: MQ_VQ_PAIRS_SET %u: the backend did not switch ring %u: %s",
			c->name, pairs, i - 1, strerror(-ret));
		return VIO_NET_ERR;
	}
	c->pairs = pairs;
	VIO_LOG(vhost, INFO, "%s: %u queue pair(s) in use", c->name, pairs);
	return VIO_NET_OK;
}

/* MAC_TABLE_SET data: two struct vio_net_ctrl_mac, exactly. */
static bool
ucq_mac_tables_ok(const uint8_t *data, uint32_t len)
{
	uint32_t off = 0, n, t;

	for (t = 0; t < 2; t++) {
		if (len - off < sizeof(n))
			return false;
		memcpy(&n, data + off, sizeof(n));
		n = rte_le_to_cpu_32(n);
		off += sizeof(n);
		if (n > (len - off) / 6)
			return false;
		off += n * 6;
	}
	return off == len;
}

/* The data length each filter command must have; -1: not a command. */
static int64_t
ucq_filter_len(uint8_t class, uint8_t cmd)
{
	switch (class << 8 | cmd) {
	case VIO_NET_CTRL_RX << 8 | VIO_NET_CTRL_RX_PROMISC:
	case VIO_NET_CTRL_RX << 8 | VIO_NET_CTRL_RX_ALLMULTI:
		return 1;
	case VIO_NET_CTRL_MAC << 8 | VIO_NET_CTRL_MAC_ADDR_SET:
		return 6;
	case VIO_NET_CTRL_VLAN << 8 | VIO_NET_CTRL_VLAN_ADD:
	case VIO_NET_CTRL_VLAN << 8 | VIO_NET_CTRL_VLAN_DEL:
		return 2;
	case VIO_NET_CTRL_ANNOUNCE << 8 | VIO_NET_CTRL_ANNOUNCE_ACK:
		return 0;
	case VIO_NET_CTRL_GUEST_OFFLOADS << 8 | VIO_NET_CTRL_GUEST_OFFLOADS_SET:
		return 8;
	default:
		return -1;
	}
}

uint8_t
vio_user_cvq_exec(struct vio_user_cvq *c, uint8_t class, uint8_t cmd,
		  const uint8_t *data, uint32_t len)
{
	const char *name = vio_cvq_cmd_name(class, cmd);
	int64_t want;

	if (class == VIO_NET_CTRL_MQ && cmd == VIO_NET_CTRL_MQ_VQ_PAIRS_SET)
		return ucq_pairs_set(c, data, len);
	if (class == VIO_NET_CTRL_MAC && cmd == VIO_NET_CTRL_MAC_TABLE_SET)
		want = ucq_mac_tables_ok(data, len) ? (int64_t)len : -2;
	else
		want = ucq_filter_len(class, cmd);
	if (want == (int64_t)len) {
		/* Nothing to apply it to: see vio_user_cvq.h. */
		VIO_LOG(vhost, DEBUG, "%s: control queue: %s acknowledged; a vhost-user backend has no filter to set",
			c->name, name);
		return VIO_NET_OK;
	}
	VIO_LOG(vhost, ERR, "%s: control queue: class %u command %u (%s) with %u data bytes refused: %s",
		c->name, class, cmd, name, len,
		want == -1 ? "not supported over vhost-user" : "malformed data");
	return VIO_NET_ERR;
}
