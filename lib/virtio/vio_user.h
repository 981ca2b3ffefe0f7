/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * virtio-user: a virtio-net device whose backend is a vhost-user socket.
 * The frontend emulates the device side of the transport ops (status,
 * features, config space) and drives the backend with vhost-user messages:
 * SET_FEATURES when FEATURES_OK is written, the memory table and the
 * vrings at DRIVER_OK, GET_VRING_BASE on reset.
 */
#ifndef VIO_USER_H
#define VIO_USER_H

#include <stdbool.h>
#include <stdint.h>

#include "vio_transport.h"

struct vio_user_params {
	/* The backend: a unix socket (vhost-user), or a character device
	 * such as /dev/vhost-net (vhost-kernel, vio_user_kernel.c). */
	const char *path;
	const char *iface;		/* vhost-kernel: tap name, NULL/"": tapN */
	uint16_t queue_pairs;		/* rx/tx queue pairs (vq 2i rx, 2i+1 tx) */
	uint16_t queue_size;		/* reported as every queue's max size */
	uint8_t mac[6];			/* config-space MAC */
	bool mac_set;			/* else a random locally administered MAC */
	uint16_t mtu;			/* config-space MTU; 0 = not offered */
	uint32_t speed;			/* config-space speed in Mbit/s */
	uint32_t timeout_ms;		/* bound on every wait for the backend */
	/* Offer a control queue (CTRL_VQ, CTRL_RX, CTRL_VLAN, CTRL_MAC_ADDR,
	 * and MQ with several pairs) that the transport executes itself. */
	bool ctrl_vq;
	/* Server mode: create the socket (mode socket_mode, 0 = 0600) and
	 * serve one backend at a time; open returns at once, and backends
	 * that connect later (or again) are set up by an EAL alarm. */
	bool server;
	uint32_t socket_mode;
	/* Client mode: a lost backend is connected to again (bounded
	 * backoff) and set up again, as in server mode. */
	bool reconnect;
	/* Server mode, or client mode with reconnect: called (from the EAL alarm thread, no lock held)
	 * when a backend was set up or lost: the link changed. */
	void (*link_change)(void *arg);
	void *link_arg;
};

/*
 * Client mode: connect to the backend, SET_OWNER, read its features and
 * protocol features. Server mode: create and listen on the socket, and
 * offer the features vio supports (a backend that connects must have
 * those the driver negotiated, or it is refused). Fills hw (ops, tp,
 * use_va = true, modern = true). Returns 0 or a negative errno, with the
 * reason logged.
 */
int vio_user_open(struct vio_hw *hw, const struct vio_user_params *p);

/* True while a backend's socket is open (EOF or error: false) and, in
 * server mode, the backend has been given the device's state. */
bool vio_user_connected(struct vio_hw *hw);

/* The link changes by itself (server mode, client reconnect): the port
 * reports it with link_change. Not for vhost-kernel, whose link is
 * read when asked. */
bool vio_user_link_events(struct vio_hw *hw);

#endif /* VIO_USER_H */
