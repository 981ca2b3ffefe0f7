/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * virtio-user internals shared by the transport ops (vio_user.c), the
 * vhost-user socket layer (vio_user_sock.c) and the memory table
 * (vio_user_mem.c). Not part of lib/virtio's API.
 */
#ifndef VIO_USER_PRIV_H
#define VIO_USER_PRIV_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/un.h>

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
	bool ran;		/* a backend had it since queue_setup: resume */
};

struct vio_user {
	/* The socket and everything sent on it, shared by the application's
	 * threads (transport ops) and the EAL alarm thread (server mode:
	 * accept, loss, renegotiation). Recursive: ops call each other. */
	pthread_mutex_t lock;
	int sock;			/* the backend's connection, or -1 */
	/* Server mode (vio_user_conn.c): the listening socket, polled by an
	 * EAL alarm; the emulated device lives on while backends come
	 * and go, and each new one is given the driver's state again. */
	bool server;
	int listen_fd;
	dev_t listen_dev;		/* the socket file we created, to unlink */
	ino_t listen_ino;		/* only it at close */
	bool closing;			/* the alarm must not re-arm */
	bool watched;			/* the alarm runs (server, reconnect) */
	uint32_t backoff_ms;		/* client reconnect: next wait */
	uint64_t next_try_ms;		/* client reconnect: not before */
	bool attached;			/* a backend is connected and set up */
	void (*link_change)(void *arg);	/* called unlocked, alarm thread */
	void *link_arg;
	char path[108];			/* sun_path */
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
	/* Memory events (vio_user_mem.c): the callback is registered, and
	 * threads inside vio_user_mem_update waiting for the hotplug lock. */
	bool mem_events;
	uint32_t mem_walkers;
	struct vio_user_queue queues[];
};

static inline bool
vio_user_has_pf(const struct vio_user *u, unsigned int bit)
{
	return (u->protocol_features & (1ULL << bit)) != 0;
}

/* vio_user_sock.c */
/* A non-blocking unix socket and the address of path (logged on error). */
int vio_user_sock_open(struct vio_user *u, const char *path,
		       struct sockaddr_un *sa);
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

/* vio_user.c: a connected backend socket gets the device's state
 * (handshake, features, memory table and rings when started); on failure
 * the socket is closed. vio_user_detach forgets the backend. Lock held. */
int vio_user_attach(struct vio_user *u, int sock);
void vio_user_detach(struct vio_user *u);
/* The connection works: no error, not closed by the peer. Lock held. */
bool vio_user_sock_alive(struct vio_user *u);

/* vio_user_conn.c: server mode; the alarm that watches the backend (and
 * reconnects in client mode). Stop: before the transport is freed,
 * without the lock held. */
int vio_user_listen(struct vio_user *u, const char *path, uint32_t mode);
int vio_user_watch(struct vio_user *u, const char *path);
void vio_user_watch_stop(struct vio_user *u);

/* vio_user_mem.c: give the backend DPDK's memory (SET_MEM_TABLE or
 * ADD_MEM_REG/REM_MEM_REG with CONFIGURE_MEM_SLOTS). */
int vio_user_mem_update(struct vio_user *u);
/* Follow the memory DPDK adds while running (sent again to the backend);
 * stop: before u is freed, without u->lock. */
void vio_user_mem_events_start(struct vio_user *u);
void vio_user_mem_events_stop(struct vio_user *u);

#endif /* VIO_USER_PRIV_H */
