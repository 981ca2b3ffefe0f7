/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * virtio-user internals shared by the transport ops (vio_user.c), the
 * vhost-user socket layer (vio_user_sock.c) and the memory table
 * (vio_user_mem.c). Not part of lib/virtio's API.
 */
#ifndef VIO_USER_PRIV_H
#define VIO_USER_PRIV_H

#include <stdbool.h>
#include <stdint.h>

#include "vhost_user_msg.h"
#include "vio_user.h"
#include "vio_user_cvq.h"

/* Memory regions remembered for ADD_MEM_REG bookkeeping. */
#define VIO_USER_MAX_SLOTS	64

struct vio_user_queue {
	struct vio_vq *vq;	/* NULL: not set up */
	int kickfd;		/* eventfds, from queue_setup to queue_release */
	int callfd;
	bool running;		/* the backend has this ring (until GET_VRING_BASE) */
	bool disabled;		/* SET_VRING_ENABLE 0: beyond the pairs in use */
};

struct vio_user {
	int sock;
	/* Sticky error of the connection (EOF, timeout, garbage): once the
	 * reply stream is out of step nothing more can be trusted on it. */
	int conn_err;
	uint32_t timeout_ms;
	uint64_t backend_features;	/* GET_FEATURES, as the backend said */
	uint64_t offered;		/* what get_features reports */
	uint64_t driver_features;	/* set_features */
	uint64_t protocol_features;	/* negotiated */
	uint32_t max_mem_slots;		/* with CONFIGURE_MEM_SLOTS */
	uint8_t status;			/* emulated device status */
	bool started;			/* DRIVER_OK reached the backend */
	struct vio_net_config config;	/* emulated config space */
	/* Regions added with ADD_MEM_REG, to add/remove only the difference. */
	struct vio_vhu_mem_region slots[VIO_USER_MAX_SLOTS];
	unsigned int nslots;
	char name[64];
	uint16_t queue_size;		/* every queue's max size */
	uint16_t nr_queues;		/* 2 * queue_pairs */
	uint16_t backend_pairs;		/* GET_QUEUE_NUM, 1 without MQ */
	/* The control queue (index nr_queues), executed here and never
	 * given to the backend: vio_user_cvq.h. */
	bool ctrl;			/* offered (vio_user_params.ctrl_vq) */
	bool cvq_bound;			/* set up since the last reset */
	struct vio_user_cvq cvq;
	struct vio_user_queue queues[];
};

static inline bool
vio_user_has_pf(const struct vio_user *u, unsigned int bit)
{
	return (u->protocol_features & (1ULL << bit)) != 0;
}

/* vio_user_sock.c */
int vio_user_sock_connect(struct vio_user *u, const char *path);
const char *vio_user_req_name(uint32_t request);
/* Send without waiting (requests that have no reply and no ack). */
int vio_user_send(struct vio_user *u, struct vio_vhu_msg *msg,
		  const int *fds, unsigned int nfds);
/* A request answered with a u64 (GET_FEATURES, ...). */
int vio_user_get_u64(struct vio_user *u, uint32_t request, uint64_t *val);
/* A state-changing request: with REPLY_ACK, waits for the ack. */
int vio_user_set(struct vio_user *u, struct vio_vhu_msg *msg,
		 const int *fds, unsigned int nfds);
int vio_user_set_u64(struct vio_user *u, uint32_t request, uint64_t val);
/* GET_VRING_BASE: stops the ring at the backend. */
int vio_user_get_vring_base(struct vio_user *u, uint32_t index,
			    uint32_t *base);

/* vio_user_mem.c: give the backend DPDK's memory (SET_MEM_TABLE or
 * ADD_MEM_REG/REM_MEM_REG with CONFIGURE_MEM_SLOTS). */
int vio_user_mem_update(struct vio_user *u);

#endif /* VIO_USER_PRIV_H */
