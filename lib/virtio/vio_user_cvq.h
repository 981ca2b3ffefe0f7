/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The control virtqueue of a virtio-user device, executed by the
 * transport itself: the vhost-user protocol carries no control queue, so
 * the frontend plays the device for it. At each notify the available
 * chains are taken from the driver's ring (split or packed, addresses
 * are the process's own: virtio-user uses virtual addresses), executed,
 * and returned with the ack written.
 *
 * What is executed:
 * - MQ_VQ_PAIRS_SET (with MQ negotiated): rings of the first N pairs
 *   enabled, the others disabled, through a callback (virtio-user sends
 *   VHOST_USER_SET_VRING_ENABLE);
 * - RX, MAC, VLAN, ANNOUNCE and GUEST_OFFLOADS commands with well-formed
 *   data: acknowledged OK without effect. A vhost-user backend delivers
 *   every frame of its queues and has no filter or offload switch to
 *   set; as with DPDK's virtio-user, the driver's filters are a promise
 *   the backend does not keep (a port behind a switch that floods sees
 *   frames for other MACs and VLANs).
 * - anything else (RSS_CONFIG, HASH_CONFIG: not offered) is answered ERR.
 *
 * The chains are our own driver's, but they are checked like a careful
 * device checks them: chain length, next ids, non-null addresses,
 * lengths, no indirect tables, readable before writable. A chain that
 * cannot be walked stops the queue (no more commands executed until
 * reset, so the driver times out and resets); a chain that can be walked
 * but is no command is returned with used length 0.
 */
#ifndef VIO_USER_CVQ_H
#define VIO_USER_CVQ_H

#include <stdbool.h>
#include <stdint.h>

#include "vio_vq.h"

/* Descriptors one command chain may have. */
#define VIO_USER_CVQ_MAX_DESCS	16

/* Enable (or disable) ring `index` at the backend: 0 or a negative errno. */
typedef int (*vio_user_ring_enable_fn)(void *arg, uint16_t index, bool enable);

struct vio_user_cvq {
	struct vio_vq *vq;	/* the driver's ring; only the shared part is read */
	/* Device-side positions: split free-running indices, packed slots
	 * with their wrap counters. */
	uint16_t last_avail;
	uint16_t used_idx;
	bool avail_wrap;
	bool used_wrap;
	bool broken;		/* a chain could not be walked: stopped */
	bool mq;		/* MQ negotiated: VQ_PAIRS_SET allowed */
	uint16_t max_pairs;	/* queue pairs of the device */
	uint16_t pairs;		/* in use, 1 until VQ_PAIRS_SET */
	vio_user_ring_enable_fn ring_enable;
	void *arg;
	uint64_t cmds;		/* commands executed (acked OK or ERR) */
	uint64_t malformed;	/* chains that were no command */
	char name[64];		/* for log lines */
};

/* Start executing the control queue laid out in `vq` (just set up: the
 * device side starts at the ring's beginning). */
void vio_user_cvq_init(struct vio_user_cvq *c, struct vio_vq *vq,
		       uint16_t max_pairs, bool mq,
		       vio_user_ring_enable_fn ring_enable, void *arg,
		       const char *name);

/* Execute every command the driver made available; returns how many
 * chains were returned to it. */
unsigned int vio_user_cvq_run(struct vio_user_cvq *c);

/* One command's ack (VIO_NET_OK or VIO_NET_ERR). */
uint8_t vio_user_cvq_exec(struct vio_user_cvq *c, uint8_t class, uint8_t cmd,
			  const uint8_t *data, uint32_t len);

#endif /* VIO_USER_CVQ_H */
