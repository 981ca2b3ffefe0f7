/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The device side of a control virtqueue (virtio 1.3, 5.1.6.5), split or
 * packed: at each notify it takes the available chains, reads the
 * class/command header and the data as one stream of readable bytes
 * (no layout assumed, as the spec asks of a device), records them,
 * writes the configured ack and completes the chain, misbehaving on
 * demand through the queue's fault (STALL, BAD_ID, BAD_WRAP) and q->ctrl
 * (ack value, used length 0, an in-range id that is not the chain's).
 */
#include <string.h>

#include "devmodel.h"

uint16_t
dm_ctrl_index(const struct dm_dev *dev)
{
	/* 5.1.2: after the receive/transmit pairs, of which there is one
	 * unless MQ was negotiated. */
	if (dev->accepted & VIO_BIT(VIO_NET_F_MQ))
		return (uint16_t)(2 * dev->config.max_virtqueue_pairs);
	return 2;
}

static int
dm_ctrl_take(struct dm_queue *q, struct dm_chain *c)
{
	return q->is_packed ? dm_packed_take(q, c) : dm_split_take(q, c);
}

static void
dm_ctrl_complete(struct dm_queue *q, const struct dm_chain *c, uint32_t len)
{
	struct dm_chain other;

	if (q->ctrl.wrong_id) {
		/* The next id round the ring: in range, and no chain's. */
		other = *c;
		other.head = (uint16_t)((c->head + 1) & (q->size - 1));
		c = &other;
		q->held++;
	}
	if (q->is_packed) {
		dm_packed_complete(q, c, len);
		return;
	}
	dm_split_complete(q, c, len);
	dm_split_used_publish(q);
}

/* Header and data out of the readable segments, the ack byte out of the
 * first writable one. Returns the ack byte, or NULL for a chain that is
 * no command. */
static uint8_t *
dm_ctrl_parse(struct dm_queue *q, const struct dm_chain *c)
{
	uint8_t flat[2 + DM_CTRL_DATA_MAX];
	struct dm_ctrl_cmd *cmd = &q->ctrl.last;
	uint32_t off = 0;
	uint16_t i;

	if (c->readable < 2 || c->readable - 2 > DM_CTRL_DATA_MAX ||
	    c->writable < 1)
		return NULL;
	for (i = 0; i < c->nsegs && !c->seg[i].write; i++) {
		memcpy(flat + off, c->seg[i].ptr, c->seg[i].len);
		off += c->seg[i].len;
	}
	cmd->class = flat[0];
	cmd->cmd = flat[1];
	cmd->data_segs = (uint16_t)(i - 1);
	cmd->len = off - 2;
	memcpy(cmd->data, flat + 2, cmd->len);
	return c->seg[i].ptr;
}

void
dm_ctrl_run(struct dm_queue *q)
{
	struct dm_chain c;
	uint8_t *ack;

	while (dm_ctrl_take(q, &c) == 0) {
		ack = dm_ctrl_parse(q, &c);
		if (ack == NULL) {
			q->ctrl.malformed++;
			dm_ctrl_complete(q, &c, 0);
			continue;
		}
		q->ctrl.cmds++;
		if (q->fault != DM_FAULT_STALL)
			*ack = q->ctrl.ack;
		dm_ctrl_complete(q, &c, q->ctrl.zero_len ? 0 : 1);
	}
}
