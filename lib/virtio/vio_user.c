/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * virtio-user transport ops: the device side (status register, features,
 * config space) is emulated here and turned into vhost-user requests:
 * SET_FEATURES at FEATURES_OK, the memory table and the vrings at
 * DRIVER_OK, SET_VRING_ENABLE 0 + GET_VRING_BASE at reset, and with the
 * STATUS protocol feature each status itself (SET_STATUS). The control
 * queue, when offered, is executed here too (vio_user_cvq.c) and never
 * reaches the backend.
 */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <rte_common.h>
#include <rte_random.h>

#include "vio_cvq.h"
#include "vio_dev.h"
#include "vio_log.h"
#include "vio_user_emul.h"
#include "vio_user_kernel.h"
#include "vio_user_priv.h"

#define VIO_USER_TIMEOUT_MS		5000
#define VIO_USER_QUEUE_SIZE		256
/* Packed resume: attempts while the datapath moves the used position. */
#define VIO_USER_RESUME_TRIES		50
#define VIO_USER_RESUME_WAIT_US		2000
/* SET_VRING_KICK/CALL name the ring in 8 bits. */
#define VIO_USER_MAX_QUEUE_PAIRS	((VIO_VHU_VRING_IDX_MASK + 1) / 2)

/* What a backend may offer that vio passes on to the driver. Control
 * queue bits come from vio's own control queue (CTRL_FEATURES), not from
 * the backend; IOMMU and logging bits are not passed on. */
#define VIO_USER_BACKEND_FEATURES ( \
	VIO_BIT(VIO_NET_F_CSUM) | VIO_BIT(VIO_NET_F_GUEST_CSUM) | \
	VIO_BIT(VIO_NET_F_GUEST_TSO4) | VIO_BIT(VIO_NET_F_GUEST_TSO6) | \
	VIO_BIT(VIO_NET_F_GUEST_ECN) | VIO_BIT(VIO_NET_F_GUEST_UFO) | \
	VIO_BIT(VIO_NET_F_HOST_TSO4) | VIO_BIT(VIO_NET_F_HOST_TSO6) | \
	VIO_BIT(VIO_NET_F_HOST_ECN) | VIO_BIT(VIO_NET_F_HOST_UFO) | \
	VIO_BIT(VIO_NET_F_MRG_RXBUF) | VIO_BIT(VIO_NET_F_GUEST_USO4) | \
	VIO_BIT(VIO_NET_F_GUEST_USO6) | VIO_BIT(VIO_NET_F_HOST_USO) | \
	VIO_BIT(VIO_F_ANY_LAYOUT) | VIO_BIT(VIO_F_RING_INDIRECT_DESC) | \
	VIO_BIT(VIO_F_RING_EVENT_IDX) | VIO_BIT(VIO_F_VERSION_1) | \
	VIO_BIT(VIO_F_RING_PACKED) | VIO_BIT(VIO_F_IN_ORDER))

/* The control queue and the filters it carries: executed here. */
#define VIO_USER_CTRL_FEATURES ( \
	VIO_BIT(VIO_NET_F_CTRL_VQ) | VIO_BIT(VIO_NET_F_CTRL_RX) | \
	VIO_BIT(VIO_NET_F_CTRL_VLAN) | VIO_BIT(VIO_NET_F_CTRL_MAC_ADDR))

/* Emulated by the frontend (config space, control queue): never sent to
 * the backend. */
#define VIO_USER_EMULATED_FEATURES ( \
	VIO_BIT(VIO_NET_F_MAC) | VIO_BIT(VIO_NET_F_STATUS) | \
	VIO_BIT(VIO_NET_F_MTU) | VIO_BIT(VIO_NET_F_SPEED_DUPLEX) | \
	VIO_USER_CTRL_FEATURES | VIO_BIT(VIO_NET_F_CTRL_RX_EXTRA) | \
	VIO_BIT(VIO_NET_F_GUEST_ANNOUNCE) | \
	VIO_BIT(VIO_NET_F_CTRL_GUEST_OFFLOADS))

#define VIO_USER_PROTOCOL_FEATURES ( \
	(1ULL << VIO_VHU_PROTOCOL_F_MQ) | \
	(1ULL << VIO_VHU_PROTOCOL_F_REPLY_ACK) | \
	(1ULL << VIO_VHU_PROTOCOL_F_CONFIGURE_MEM_SLOTS) | \
	(1ULL << VIO_VHU_PROTOCOL_F_STATUS))

static const struct vio_transport_ops vio_user_ops;
static void vio_user_notify(struct vio_vq *vq);

static struct vio_user *
user_of(struct vio_hw *hw)
{
	return hw->tp;
}

/* vhost-user protocol features (and SET_VRING_ENABLE) are in use. */
static bool
has_protocol(const struct vio_user *u)
{
	return (u->backend_features & VIO_BIT(VIO_F_PROTOCOL_FEATURES)) != 0;
}

static uint16_t
queue_index(const struct vio_user *u, const struct vio_user_queue *q)
{
	return (uint16_t)(q - u->queues);
}

/* ---- vrings at the backend ---- */

static int
ring_send(struct vio_user *u, struct vio_vhu_msg *msg, uint16_t index, int fd)
{
	int ret = vio_user_set(u, msg, &fd, fd >= 0 ? 1 : 0);

	if (ret < 0)
		VIO_LOG(vhost, ERR, "%s: virtqueue %u: %s failed: %s",
			u->name, index, vio_user_req_name(msg->request),
			strerror(-ret));
	return ret;
}

static int
ring_state(struct vio_user *u, uint32_t request, uint16_t index, uint32_t num)
{
	struct vio_vhu_msg msg = {
		.request = request,
		.size = sizeof(msg.payload.state),
		.payload.state = { .index = index, .num = num },
	};

	return ring_send(u, &msg, index, -1);
}

/* SET_VRING_KICK/CALL: the ring index in the u64, the eventfd alongside. */
static int
ring_fd(struct vio_user *u, uint32_t request, uint16_t index, int fd)
{
	struct vio_vhu_msg msg = {
		.request = request,
		.size = sizeof(msg.payload.u64),
		.payload.u64 = index,
	};

	return ring_send(u, &msg, index, fd);
}

/* Our virtual addresses: the backend translates them with the memory
 * table. For a packed ring the descriptor, driver and device
 * areas (vio_vq_*_area) are the descriptor ring and the driver and
 * device event areas, which is what vhost-user expects in their place. */
static int
ring_addr(struct vio_user *u, const struct vio_vq *vq, uint16_t index)
{
	struct vio_vhu_msg msg = {
		.request = VIO_VHU_SET_VRING_ADDR,
		.size = sizeof(msg.payload.addr),
		.payload.addr = {
			.index = index,
			.desc = (uintptr_t)vio_vq_desc_area(vq),
			.used = (uintptr_t)vio_vq_device_area(vq),
			.avail = (uintptr_t)vio_vq_driver_area(vq),
		},
	};

	return ring_send(u, &msg, index, -1);
}

static int
queue_fds(struct vio_user *u, struct vio_user_queue *q)
{
	if (q->kickfd < 0)
		q->kickfd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (q->kickfd >= 0 && q->callfd < 0)
		q->callfd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (q->kickfd < 0 || q->callfd < 0) {
		int ret = -errno;

		VIO_LOG(vhost, ERR, "%s: virtqueue %u: cannot create eventfd: %s",
			u->name, queue_index(u, q), strerror(errno));
		return ret;
	}
	return 0;
}

static void
queue_close_fds(struct vio_user_queue *q)
{
	if (q->kickfd >= 0)
		close(q->kickfd);
	if (q->callfd >= 0)
		close(q->callfd);
	q->kickfd = -1;
	q->callfd = -1;
}

/*
 * Where the backend takes up the ring. A split ring resumes where the
 * used index says the last backend stopped (0 on a new ring): what it
 * made used the driver reclaims as usual, what was available and not
 * used yet is processed by the new backend, so no buffer is lost or
 * completed twice. A packed ring has no such index in memory: the slot
 * after the last used descriptor is found by walking the ring from the
 * driver's used position (vio_vq_packed_resume_point), and goes to the
 * backend with that slot's wrap counter in bit 15 (the backend's used
 * position and wrap counter start there too).
 */
/* The datapath may be taking the old backend's used descriptors right
 * now: it is done within a burst or two. */
static int
packed_resume_point(struct vio_vq *vq, uint16_t *pos, bool *wrap)
{
	int ret = -EAGAIN, tries;

	for (tries = 0; tries < VIO_USER_RESUME_TRIES && ret == -EAGAIN; tries++) {
		if (tries > 0)
			usleep(VIO_USER_RESUME_WAIT_US);
		ret = vio_vq_packed_resume_point(vq, pos, wrap);
	}
	return ret;
}

static int
ring_base(struct vio_user *u, struct vio_user_queue *q, uint32_t *base)
{
	uint16_t pos;
	bool wrap;
	int ret;

	if (!(u->driver_features & VIO_BIT(VIO_F_RING_PACKED))) {
		*base = __atomic_load_n(&q->vq->split.used->idx, __ATOMIC_ACQUIRE);
		return 0;
	}
	ret = packed_resume_point(q->vq, &pos, &wrap);
	if (ret < 0) {
		VIO_LOG(vhost, ERR, "%s: virtqueue %u: the last backend left the packed ring in a state it cannot be resumed from (%s): stop and start the port",
			u->name, queue_index(u, q), strerror(-ret));
		return ret;
	}
	if (q->ran)
		VIO_LOG(vhost, NOTICE, "%s: virtqueue %u: packed ring resumed at slot %u, wrap counter %u",
			u->name, queue_index(u, q), pos, wrap);
	*base = pos | (uint32_t)wrap << 15;
	return 0;
}

/*
 * A ring is started in three steps, and user_start takes every ring
 * through each step before the next: the ring's state and addresses
 * (ring_prepare), its kick fd (ring_kick_fd), its enable (ring_go).
 * DPDK's vhost library starts a net device once the first two rings are
 * enabled, and its application then turns notifications off on the rings
 * it knows whose addresses it has taken, which it does at the kick fd
 * (net_vhost's new_device). A ring that got its kick fd later keeps
 * notifications on, and vio kicked it on every refill and burst, a
 * system call each: with 4 queue pairs that was 40% of an rxonly core.
 */
static int
ring_prepare(struct vio_user *u, struct vio_user_queue *q)
{
	uint16_t idx = queue_index(u, q);
	uint32_t base;
	int ret;

	ret = ring_base(u, q, &base);
	if (ret < 0)
		return ret;

	/* A reset closed them: the backend got its copies with the ring. */
	ret = queue_fds(u, q);
	if (ret < 0)
		return ret;
	/* From the first message on, the backend may hold ring state that
	 * only GET_VRING_BASE clears. */
	q->running = true;
	ret = ring_fd(u, VIO_VHU_SET_VRING_CALL, idx, q->callfd);
	if (ret == 0)
		ret = ring_state(u, VIO_VHU_SET_VRING_NUM, idx, q->vq->size);
	if (ret == 0)
		ret = ring_state(u, VIO_VHU_SET_VRING_BASE, idx, base);
	if (ret == 0)
		ret = ring_addr(u, q->vq, idx);
	return ret;
}

static int
ring_kick_fd(struct vio_user *u, struct vio_user_queue *q)
{
	return ring_fd(u, VIO_VHU_SET_VRING_KICK, queue_index(u, q), q->kickfd);
}

static int
ring_go(struct vio_user *u, struct vio_user_queue *q)
{
	int ret = 0;

	if (has_protocol(u))
		ret = ring_state(u, VIO_VHU_SET_VRING_ENABLE, queue_index(u, q),
				 !q->disabled);
	if (ret == 0) {
		q->ran = true;
		__atomic_store_n(&q->vq->detached, false, __ATOMIC_RELAXED);
		/* What was made available while no backend ran is there. */
		vio_user_notify(q->vq);
	}
	return ret;
}

/* The steps in their order: user_start and ring_start both run this. */
static int (*const ring_steps[])(struct vio_user *, struct vio_user_queue *) = {
	ring_prepare, ring_kick_fd, ring_go,
};

/* One ring on a running device (a queue set up after start). */
static int
ring_start(struct vio_user *u, struct vio_user_queue *q)
{
	unsigned int step;
	int ret = 0;

	for (step = 0; step < RTE_DIM(ring_steps) && ret == 0; step++)
		ret = ring_steps[step](u, q);
	return ret;
}

/* Stop the backend's use of a ring: after GET_VRING_BASE it is ours. */
static int
ring_stop(struct vio_user *u, struct vio_user_queue *q)
{
	uint16_t idx = queue_index(u, q);
	uint32_t base;
	int ret = 0, ret2;

	if (!q->running)
		return 0;
	q->running = false;
	/* Already logged; a backend that has gone no longer uses the ring. */
	if (u->sock < 0)
		return 0;
	if (u->conn_err != 0)
		return u->conn_err;
	if (has_protocol(u))
		ret = ring_state(u, VIO_VHU_SET_VRING_ENABLE, idx, 0);
	if (u->conn_err != 0)
		return u->conn_err;
	/* Even when the backend refused to disable: GET_VRING_BASE stops it. */
	ret2 = vio_user_get_vring_base(u, idx, &base);
	if (ret2 < 0) {
		VIO_LOG(vhost, WARNING, "%s: virtqueue %u: backend did not confirm the ring stopped",
			u->name, idx);
		return ret2;
	}
	VIO_LOG(vhost, DEBUG, "%s: virtqueue %u stopped at %u", u->name, idx, base);
	return ret;
}

static int
rings_stop(struct vio_user *u)
{
	int ret = 0, r;
	uint16_t i;

	for (i = 0; i < u->nr_queues; i++) {
		r = ring_stop(u, &u->queues[i]);
		if (ret == 0)
			ret = r;
	}
	return ret;
}

/* ---- status register ---- */

static int
send_features(struct vio_user *u)
{
	uint64_t f = u->driver_features & ~VIO_USER_EMULATED_FEATURES;

	/* Transport-internal: the backend needs it to keep protocol
	 * features enabled, the driver never sees it. */
	if (has_protocol(u))
		f |= VIO_BIT(VIO_F_PROTOCOL_FEATURES);
	/* Several queue pairs at the backend, whether or not the driver
	 * negotiated MQ (which needs vio's control queue). */
	if (u->nr_queues > 2)
		f |= VIO_BIT(VIO_NET_F_MQ);
	return vio_user_set_u64(u, VIO_VHU_SET_FEATURES, f);
}

/* With MQ the device starts on the first pair alone (5.1.6.5, automatic
 * receive steering in multiqueue mode) until
 * the driver asks for more with MQ_VQ_PAIRS_SET (which may have come
 * before DRIVER_OK). */
static void
rings_initial_enable(struct vio_user *u)
{
	bool mq = (u->driver_features & VIO_BIT(VIO_NET_F_MQ)) != 0;
	uint16_t pairs = u->cvq_bound ? u->cvq.pairs : 1, i;

	for (i = 0; i < u->nr_queues; i++)
		u->queues[i].disabled = mq && i >= 2 * pairs;
}

static int
user_start(struct vio_user *u)
{
	unsigned int step;
	uint16_t i, n = 0;
	int ret;

	rings_initial_enable(u);
	ret = vio_user_mem_update(u);
	if (ret < 0) {
		VIO_LOG(vhost, ERR, "%s: cannot start: the backend did not get the memory table: %s",
			u->name, strerror(-ret));
		return ret;
	}
	/* Each step for every ring before the next (ring_prepare). */
	for (step = 0; step < RTE_DIM(ring_steps); step++) {
		for (i = 0; i < u->nr_queues; i++) {
			if (u->queues[i].vq == NULL)
				continue;
			ret = ring_steps[step](u, &u->queues[i]);
			if (ret < 0) {
				rings_stop(u);
				return ret;
			}
			if (step == 0)
				n++;
		}
	}
	u->started = true;
	VIO_LOG(vhost, INFO, "%s: started with %u virtqueue(s)", u->name, n);
	return 0;
}

/*
 * With the STATUS protocol feature the backend is told every status the
 * driver writes, after what the status asks for is done (the rings at
 * DRIVER_OK, stopped at reset). DPDK's vhost library then starts a
 * device only at DRIVER_OK, with every ring set up, rather than once
 * its first two rings are enabled.
 */
static int
status_send(struct vio_user *u, uint8_t status)
{
	if (!vio_user_has_pf(u, VIO_VHU_PROTOCOL_F_STATUS))
		return 0;
	return vio_user_set_u64(u, VIO_VHU_SET_STATUS, status);
}

/* A backend with the STATUS protocol feature refuses features by leaving
 * FEATURES_OK out of its status (DPDK's vhost library does when
 * SET_FEATURES named one it lacks). */
static int
features_accepted(struct vio_user *u)
{
	uint64_t st;
	int ret;

	if (!vio_user_has_pf(u, VIO_VHU_PROTOCOL_F_STATUS))
		return 0;
	ret = vio_user_get_u64(u, VIO_VHU_GET_STATUS, &st);
	if (ret < 0)
		return ret;
	if (!(st & VIO_STATUS_FEATURES_OK)) {
		VIO_LOG(vhost, ERR, "%s: the backend refused the negotiated features: FEATURES_OK is clear in its status (0x%" PRIx64 ")",
			u->name, st);
		return -ENOTSUP;
	}
	return 0;
}

static int
user_reset(struct vio_user *u)
{
	int ret = rings_stop(u), r;
	uint16_t i;

	/* A backend that has gone is not told (nor is one never attached). */
	if (u->sock >= 0 && u->conn_err == 0) {
		r = status_send(u, 0);
		if (ret == 0)
			ret = r;
	}

	/* A kick between now and the restart writes to fd -1, harmlessly:
	 * never to a closed number some other file may reuse. */
	for (i = 0; i < u->nr_queues; i++)
		queue_close_fds(&u->queues[i]);

	/* The status reads 0 even if the backend failed to answer: the
	 * device is as reset as it will ever be. */
	u->started = false;
	u->status = 0;
	u->driver_features = 0;
	u->cvq_bound = false;	/* the driver sets its ring up again */
	return ret;
}

/* Server mode: a backend must have every feature the driver negotiated
 * before it connected (they were offered on the backend's behalf). */
static int
check_backend_features(struct vio_user *u)
{
	uint64_t missing = u->driver_features & VIO_USER_BACKEND_FEATURES &
			   ~u->backend_features;
	char buf[256];

	if (missing == 0)
		return 0;
	vio_dev_features_str(missing, buf, sizeof(buf));
	VIO_LOG(vhost, ERR, "%s: backend lacks features the driver negotiated: %s",
		u->name, buf);
	return -ENOTSUP;
}

/* Without a backend (server mode, or client mode reconnecting) the
 * status is only recorded: the backend that connects is given it
 * (vio_user_attach). */
static int
status_to_backend(struct vio_user *u, uint8_t status, uint8_t added)
{
	int ret;

	/* Lost since the alarm last looked: the next backend gets it. */
	if (u->watched && u->attached && !vio_user_sock_alive(u))
		vio_user_detach(u);
	if (u->watched && !u->attached)
		return 0;
	if (added & VIO_STATUS_FEATURES_OK) {
		ret = check_backend_features(u);
		if (ret == 0)
			ret = send_features(u);
		if (ret < 0)
			return ret;
	}
	if (added & VIO_STATUS_DRIVER_OK) {
		ret = user_start(u);
		if (ret < 0)
			return ret;
	}
	ret = status_send(u, status);
	if (ret == 0 && (added & VIO_STATUS_FEATURES_OK))
		ret = features_accepted(u);
	/* Not started after all: the backend gives the rings back. */
	if (ret < 0 && (added & VIO_STATUS_DRIVER_OK)) {
		rings_stop(u);
		u->started = false;
	}
	return ret;
}

static int
set_status_locked(struct vio_user *u, uint8_t status)
{
	uint8_t added = status & ~u->status;
	int ret;

	if (status == 0)
		return user_reset(u);
	if ((added & VIO_STATUS_DRIVER_OK) && !(status & VIO_STATUS_FEATURES_OK)) {
		VIO_LOG(vhost, ERR, "%s: DRIVER_OK without FEATURES_OK", u->name);
		return -EINVAL;
	}
	/* A write that fails changes nothing. */
	ret = status_to_backend(u, status, added);
	if (ret < 0)
		return ret;
	u->status = status;
	return 0;
}

static int
vio_user_set_status(struct vio_hw *hw, uint8_t status)
{
	struct vio_user *u = user_of(hw);
	int ret;

	pthread_mutex_lock(&u->lock);
	ret = set_status_locked(u, status);
	pthread_mutex_unlock(&u->lock);
	return ret;
}

static uint8_t
vio_user_get_status(struct vio_hw *hw)
{
	return user_of(hw)->status;
}

/* ---- features and config space ---- */

static int
vio_user_get_features(struct vio_hw *hw, uint64_t *features)
{
	*features = user_of(hw)->offered;
	return 0;
}

static int
vio_user_set_features(struct vio_hw *hw, uint64_t features)
{
	struct vio_user *u = user_of(hw);

	return vio_user_take_features(u->name, u->offered, features,
				      &u->driver_features);
}

static int
vio_user_read_config(struct vio_hw *hw, uint32_t off, void *dst, uint32_t len)
{
	struct vio_user *u = user_of(hw);
	const uint32_t status_off = offsetof(struct vio_net_config, status);
	int ret;

	pthread_mutex_lock(&u->lock);
	if (off < status_off + sizeof(u->config.status) && off + len > status_off)
		u->config.status = vio_user_connected(hw) ? VIO_NET_S_LINK_UP : 0;
	ret = vio_user_config_copy(&u->config, off, dst, len, false);
	pthread_mutex_unlock(&u->lock);
	return ret;
}

static int
vio_user_write_config(struct vio_hw *hw, uint32_t off, const void *src,
		      uint32_t len)
{
	return vio_user_config_copy(&user_of(hw)->config, off, (void *)(uintptr_t)src,
				    len, true);
}

/* ---- queues ---- */

static void
vio_user_notify(struct vio_vq *vq)
{
	const struct vio_user_queue *q = vq->notify_arg;
	uint64_t one = 1;
	ssize_t n;

	/* A failure needs no handling: EAGAIN means the counter is full,
	 * so a kick is pending already. */
	n = write(q->kickfd, &one, sizeof(one));
	RTE_SET_USED(n);
}

/* After queue_release: the vq may still be kicked by a stale caller. */
static void
vio_user_notify_none(struct vio_vq *vq __rte_unused)
{
}

static uint16_t
vio_user_queue_max_size(struct vio_hw *hw, uint16_t index)
{
	struct vio_user *u = user_of(hw);

	if (index < u->nr_queues || (u->ctrl && index == u->nr_queues))
		return u->queue_size;
	return 0;
}

/* ---- the control queue, executed here ---- */

/* 5.1.2: queue 2 * pairs with MQ negotiated, else queue 2 (then a data
 * queue of the device's second pair, which a driver without MQ never
 * sets up). */
static bool
is_cvq(const struct vio_user *u, const struct vio_vq *vq)
{
	return u->ctrl && vq->index == vio_cvq_index(u->driver_features,
						     u->nr_queues / 2);
}

/* MQ_VQ_PAIRS_SET, ring by ring: remembered for rings not started yet,
 * sent for running ones whose state changes. */
static int
cvq_ring_enable(void *arg, uint16_t index, bool enable)
{
	struct vio_user *u = arg;
	struct vio_user_queue *q = &u->queues[index];
	int ret = 0;

	if (q->disabled == !enable)
		return 0;
	if (q->running) {
		if (!has_protocol(u))
			return -ENOTSUP;
		ret = ring_state(u, VIO_VHU_SET_VRING_ENABLE, index, enable);
		if (ret < 0)
			return ret;
		VIO_LOG(vhost, DEBUG, "%s: virtqueue %u %s at the backend",
			u->name, index, enable ? "enabled" : "disabled");
	}
	q->disabled = !enable;
	return 0;
}

/* The driver kicked its control queue: execute what it posted, in the
 * kicking thread. vio_cvq's lock keeps two commands apart; the caller
 * must keep other transport ops (status, queue setup), which use the
 * same socket, from running at the same time as a command. */
static void
vio_user_cvq_notify(struct vio_vq *vq)
{
	struct vio_user *u = vq->notify_arg;

	pthread_mutex_lock(&u->lock);
	vio_user_cvq_run(&u->cvq);
	pthread_mutex_unlock(&u->lock);
}

static int
cvq_setup(struct vio_user *u, struct vio_vq *vq)
{
	if (!(u->driver_features & VIO_BIT(VIO_NET_F_CTRL_VQ))) {
		VIO_LOG(vhost, ERR, "%s: virtqueue %u is the control queue, and CTRL_VQ was not negotiated",
			u->name, vq->index);
		return -EINVAL;
	}
	vio_user_cvq_init(&u->cvq, vq, u->nr_queues / 2,
			  (u->driver_features & VIO_BIT(VIO_NET_F_MQ)) != 0,
			  cvq_ring_enable, u, u->name);
	u->cvq_bound = true;
	vio_vq_set_notify(vq, vio_user_cvq_notify, u);
	vq->tp = &u->cvq;
	return 0;
}

/* By identity, not index: after a reset the features that placed the
 * control queue are gone. */
static void
cvq_release(struct vio_user *u, struct vio_vq *vq)
{
	u->cvq.vq = NULL;
	u->cvq_bound = false;
	vio_vq_set_notify(vq, vio_user_notify_none, NULL);
	vq->tp = NULL;
}

static uint16_t
vio_user_max_queue_pairs(struct vio_hw *hw)
{
	return user_of(hw)->backend_pairs;
}

static void
queue_release_locked(struct vio_user *u, struct vio_vq *vq)
{
	struct vio_user_queue *q;

	if (u != NULL && u->cvq.vq == vq) {
		cvq_release(u, vq);
		return;
	}
	if (u == NULL || vq->index >= u->nr_queues)
		return;
	q = &u->queues[vq->index];
	if (q->vq != vq)
		return;
	ring_stop(u, q);
	queue_close_fds(q);
	q->vq = NULL;
	vio_vq_set_notify(vq, vio_user_notify_none, NULL);
	vq->tp = NULL;
}

static void
vio_user_queue_release(struct vio_hw *hw, struct vio_vq *vq)
{
	struct vio_user *u = user_of(hw);

	if (u == NULL)
		return;
	pthread_mutex_lock(&u->lock);
	queue_release_locked(u, vq);
	pthread_mutex_unlock(&u->lock);
}

static int
queue_setup_locked(struct vio_user *u, struct vio_vq *vq)
{
	struct vio_user_queue *q;
	int ret;

	if (is_cvq(u, vq))
		return cvq_setup(u, vq);
	if (vq->index >= u->nr_queues) {
		VIO_LOG(vhost, ERR, "%s: no virtqueue %u (%u queue pairs)",
			u->name, vq->index, u->nr_queues / 2);
		return -EINVAL;
	}
	q = &u->queues[vq->index];
	if (q->running) {
		VIO_LOG(vhost, ERR, "%s: virtqueue %u is running: reset first",
			u->name, vq->index);
		return -EBUSY;
	}
	ret = queue_fds(u, q);
	if (ret < 0)
		return ret;
	q->vq = vq;
	q->ran = false;		/* a new ring */
	/* Until a backend takes it (ring_start). */
	__atomic_store_n(&vq->detached, true, __ATOMIC_RELAXED);
	vio_vq_set_notify(vq, vio_user_notify, q);
	vq->tp = q;
	/* A queue added to a running device starts at once. */
	if (u->started) {
		ret = ring_start(u, q);
		if (ret < 0) {
			queue_release_locked(u, vq);
			return ret;
		}
	}
	return 0;
}

static int
vio_user_queue_setup(struct vio_hw *hw, struct vio_vq *vq)
{
	struct vio_user *u = user_of(hw);
	int ret;

	pthread_mutex_lock(&u->lock);
	ret = queue_setup_locked(u, vq);
	pthread_mutex_unlock(&u->lock);
	return ret;
}

/* A ring's eventfd: the kick one (SET_VRING_KICK) or the call one. */
static int
queue_fd(struct vio_hw *hw, uint16_t index, bool kick)
{
	struct vio_user *u = user_of(hw);
	int fd = -ENODEV;

	if (u == NULL)
		return -ENODEV;
	pthread_mutex_lock(&u->lock);
	if (index < u->nr_queues && u->queues[index].vq != NULL) {
		const struct vio_user_queue *q = &u->queues[index];

		if ((kick ? q->kickfd : q->callfd) >= 0)
			fd = kick ? q->kickfd : q->callfd;
	}
	pthread_mutex_unlock(&u->lock);
	return fd;
}

static int
vio_user_queue_intr_fd(struct vio_hw *hw, uint16_t index)
{
	return queue_fd(hw, index, false);
}

static int
vio_user_queue_notify_fd(struct vio_hw *hw, uint16_t index)
{
	return queue_fd(hw, index, true);
}

static void
user_free(struct vio_user *u)
{
	uint16_t i;

	for (i = 0; i < u->nr_queues; i++)
		queue_close_fds(&u->queues[i]);
	if (u->sock >= 0)
		close(u->sock);
	pthread_mutex_destroy(&u->lock);
	free(u);
}

static void
vio_user_close(struct vio_hw *hw)
{
	struct vio_user *u = user_of(hw);

	if (u == NULL)
		return;
	/* First: no backend is accepted or renegotiated after this. */
	vio_user_watch_stop(u);
	vio_user_mem_events_stop(u);
	/* Vqs still bound are left alone: their memory may be gone. */
	pthread_mutex_lock(&u->lock);
	rings_stop(u);
	pthread_mutex_unlock(&u->lock);
	user_free(u);
	hw->tp = NULL;
}

static const struct vio_transport_ops vio_user_ops = {
	.name = "vio_user",
	.get_features = vio_user_get_features,
	.set_features = vio_user_set_features,
	.get_status = vio_user_get_status,
	.set_status = vio_user_set_status,
	.read_config = vio_user_read_config,
	.write_config = vio_user_write_config,
	.queue_max_size = vio_user_queue_max_size,
	.queue_setup = vio_user_queue_setup,
	.queue_release = vio_user_queue_release,
	.max_queue_pairs = vio_user_max_queue_pairs,
	.queue_intr_fd = vio_user_queue_intr_fd,
	.queue_notify_fd = vio_user_queue_notify_fd,
	.close = vio_user_close,
};

/* ---- connection ---- */

bool
vio_user_sock_alive(struct vio_user *u)
{
	char c;
	ssize_t n;

	if (u->sock < 0 || u->conn_err != 0)
		return false;
	n = recv(u->sock, &c, 1, MSG_PEEK | MSG_DONTWAIT);
	if (n > 0 || (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK ||
				errno == EINTR)))
		return true;
	u->conn_err = n == 0 ? -ECONNRESET : -errno;
	VIO_LOG(vhost, WARNING, "%s: backend closed the connection: link down",
		u->name);
	return false;
}

bool
vio_user_connected(struct vio_hw *hw)
{
	struct vio_user *u = user_of(hw);
	bool up;

	if (hw->ops != &vio_user_ops || u == NULL)
		return false;
	pthread_mutex_lock(&u->lock);
	up = (!u->server || u->attached) && vio_user_sock_alive(u);
	pthread_mutex_unlock(&u->lock);
	return up;
}

bool
vio_user_link_events(struct vio_hw *hw)
{
	return hw->ops == &vio_user_ops && user_of(hw)->watched;
}

static int
negotiate_protocol(struct vio_user *u)
{
	struct vio_vhu_msg msg = { .request = VIO_VHU_SET_PROTOCOL_FEATURES,
				   .size = sizeof(msg.payload.u64) };
	uint64_t pf, slots;
	int ret;

	ret = vio_user_get_u64(u, VIO_VHU_GET_PROTOCOL_FEATURES, &pf);
	if (ret < 0)
		return ret;
	pf &= VIO_USER_PROTOCOL_FEATURES;
	/* Not acked: REPLY_ACK is in force only once this was processed. */
	msg.payload.u64 = pf;
	ret = vio_user_send(u, &msg, NULL, 0);
	if (ret < 0)
		return ret;
	u->protocol_features = pf;
	if (!vio_user_has_pf(u, VIO_VHU_PROTOCOL_F_CONFIGURE_MEM_SLOTS))
		return 0;
	ret = vio_user_get_u64(u, VIO_VHU_GET_MAX_MEM_SLOTS, &slots);
	if (ret < 0)
		return ret;
	if (slots == 0) {
		VIO_LOG(vhost, ERR, "%s: backend offers CONFIGURE_MEM_SLOTS with 0 slots",
			u->name);
		return -EPROTO;
	}
	u->max_mem_slots = (uint32_t)RTE_MIN(slots, (uint64_t)VIO_USER_MAX_SLOTS);
	return 0;
}

/* The backend's queue pairs: GET_QUEUE_NUM with multiqueue, else 1. */
static int
query_queue_pairs(struct vio_user *u)
{
	uint64_t max;
	int ret;

	u->backend_pairs = 1;
	if (!(u->backend_features & VIO_BIT(VIO_NET_F_MQ)) ||
	    !vio_user_has_pf(u, VIO_VHU_PROTOCOL_F_MQ))
		return 0;
	ret = vio_user_get_u64(u, VIO_VHU_GET_QUEUE_NUM, &max);
	if (ret < 0)
		return ret;
	if (max == 0) {
		VIO_LOG(vhost, ERR, "%s: backend offers multiqueue with 0 queue pairs",
			u->name);
		return -EPROTO;
	}
	u->backend_pairs = (uint16_t)RTE_MIN(max, (uint64_t)VIO_USER_MAX_QUEUE_PAIRS);
	return 0;
}

static int
check_queue_pairs(struct vio_user *u)
{
	uint16_t pairs = u->nr_queues / 2;
	int ret = query_queue_pairs(u);

	if (ret < 0 || pairs == 1)
		return ret;
	if (!(u->backend_features & VIO_BIT(VIO_NET_F_MQ)) ||
	    !vio_user_has_pf(u, VIO_VHU_PROTOCOL_F_MQ)) {
		VIO_LOG(vhost, ERR, "%s: queues=%u asked, but the backend has no multiqueue support (VIRTIO_NET_F_MQ and the MQ protocol feature): its maximum is 1 queue pair",
			u->name, pairs);
		return -ENOTSUP;
	}
	if (u->backend_pairs < pairs) {
		VIO_LOG(vhost, ERR, "%s: queues=%u is more than the backend's maximum of %u queue pairs (GET_QUEUE_NUM)",
			u->name, pairs, u->backend_pairs);
		return -ENOTSUP;
	}
	return 0;
}

static int
handshake(struct vio_user *u)
{
	struct vio_vhu_msg msg = { .request = VIO_VHU_SET_OWNER };
	int ret;

	ret = vio_user_send(u, &msg, NULL, 0);
	if (ret == 0)
		ret = vio_user_get_u64(u, VIO_VHU_GET_FEATURES,
				       &u->backend_features);
	if (ret == 0 && has_protocol(u))
		ret = negotiate_protocol(u);
	if (ret == 0)
		ret = check_queue_pairs(u);
	return ret;
}

static void
config_init(struct vio_user *u, const struct vio_user_params *p)
{
	struct vio_net_config *c = &u->config;
	uint64_t r;

	if (p->mac_set) {
		memcpy(c->mac, p->mac, sizeof(c->mac));
	} else {
		r = rte_rand();
		memcpy(c->mac, &r, sizeof(c->mac));
		c->mac[0] = (c->mac[0] & 0xfe) | 0x02;	/* unicast, local */
	}
	c->status = VIO_NET_S_LINK_UP;
	c->max_virtqueue_pairs = u->nr_queues / 2;
	c->mtu = p->mtu;
	c->speed = p->speed != 0 ? p->speed : UINT32_MAX;	/* 5.1.4: unknown */
	c->duplex = 1;						/* full */
}

static uint64_t
offered_features(const struct vio_user *u, const struct vio_user_params *p)
{
	uint64_t f = u->backend_features & VIO_USER_BACKEND_FEATURES;

	f |= VIO_BIT(VIO_NET_F_MAC) | VIO_BIT(VIO_NET_F_STATUS) |
	     VIO_BIT(VIO_NET_F_SPEED_DUPLEX);
	if (p->mtu != 0)
		f |= VIO_BIT(VIO_NET_F_MTU);
	/* 5.1.3.1: MQ needs CTRL_VQ, to say how many pairs are in use. */
	if (p->ctrl_vq)
		f |= VIO_USER_CTRL_FEATURES |
		     (u->nr_queues > 2 ? VIO_BIT(VIO_NET_F_MQ) : 0);
	return f;
}

static int
check_params(const struct vio_user_params *p, uint16_t *pairs, uint16_t *size)
{
	*pairs = p->queue_pairs != 0 ? p->queue_pairs : 1;
	*size = p->queue_size != 0 ? p->queue_size : VIO_USER_QUEUE_SIZE;
	if (p->path == NULL || p->path[0] == '\0') {
		VIO_LOG(vhost, ERR, "vio_user: no socket path given");
		return -EINVAL;
	}
	if (*pairs > VIO_USER_MAX_QUEUE_PAIRS) {
		VIO_LOG(vhost, ERR, "vio_user(%s): %u queue pairs, at most %u",
			p->path, *pairs, VIO_USER_MAX_QUEUE_PAIRS);
		return -EINVAL;
	}
	if ((*size & (*size - 1)) != 0 || *size > VIO_MAX_QUEUE_SIZE) {
		VIO_LOG(vhost, ERR, "vio_user(%s): queue size %u is not a power of two up to %u",
			p->path, *size, VIO_MAX_QUEUE_SIZE);
		return -EINVAL;
	}
	return 0;
}

static struct vio_user *
user_alloc(const struct vio_user_params *p, uint16_t pairs, uint16_t size)
{
	struct vio_user *u;
	uint16_t i;

	pthread_mutexattr_t attr;

	u = calloc(1, sizeof(*u) + sizeof(u->queues[0]) * 2 * pairs);
	if (u == NULL)
		return NULL;
	/* Recursive: the ops that lock it call each other. */
	if (pthread_mutexattr_init(&attr) != 0 ||
	    pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_RECURSIVE) != 0 ||
	    pthread_mutex_init(&u->lock, &attr) != 0) {
		free(u);
		return NULL;
	}
	pthread_mutexattr_destroy(&attr);
	u->sock = -1;
	u->listen_fd = -1;
	u->server = p->server;
	u->link_change = p->link_change;
	u->link_arg = p->link_arg;
	u->nr_queues = 2 * pairs;
	u->ctrl = p->ctrl_vq;
	u->queue_size = size;
	u->timeout_ms = p->timeout_ms != 0 ? p->timeout_ms : VIO_USER_TIMEOUT_MS;
	for (i = 0; i < u->nr_queues; i++) {
		u->queues[i].kickfd = -1;
		u->queues[i].callfd = -1;
	}
	snprintf(u->name, sizeof(u->name), "vio_user(%s)", p->path);
	return u;
}

static void
log_connected(const struct vio_user *u)
{
	char buf[512];

	vio_dev_features_str(u->backend_features, buf, sizeof(buf));
	VIO_LOG(vhost, INFO, "%s: connected; backend features %s; protocol features 0x%" PRIx64,
		u->name, buf, u->protocol_features);
}

/* The state a backend keeps: forgotten when it goes. */
static void
backend_forget(struct vio_user *u)
{
	uint16_t i;

	if (u->sock >= 0)
		close(u->sock);
	u->sock = -1;
	u->conn_err = 0;
	u->attached = false;
	u->started = false;
	u->protocol_features = 0;
	u->max_mem_slots = 0;
	u->nslots = 0;
	for (i = 0; i < u->nr_queues; i++) {
		u->queues[i].running = false;
		if (u->queues[i].vq != NULL)
			__atomic_store_n(&u->queues[i].vq->detached, true,
					 __ATOMIC_RELAXED);
	}
}

void
vio_user_detach(struct vio_user *u)
{
	backend_forget(u);
}

/* The driver's state so far, for a backend that connects late or again:
 * features at FEATURES_OK, memory table and rings at DRIVER_OK, then the
 * status itself (STATUS protocol feature). */
static int
replay_status(struct vio_user *u)
{
	if (u->status == 0)
		return 0;
	return status_to_backend(u, u->status, u->status);
}

int
vio_user_attach(struct vio_user *u, int sock)
{
	int ret;

	backend_forget(u);
	u->sock = sock;
	ret = handshake(u);
	if (ret == 0) {
		log_connected(u);
		u->attached = true;
		ret = replay_status(u);
	}
	/* Gone while being given the state (replay_status found it
	 * closed and forgot it): not set up, whatever the replay says. */
	if (ret == 0 && !u->attached)
		ret = -ECONNRESET;
	if (ret < 0) {
		VIO_LOG(vhost, ERR, "%s: backend refused: %s; waiting for another one",
			u->name, strerror(-ret));
		backend_forget(u);
		return ret;
	}
	VIO_LOG(vhost, NOTICE, "%s: backend set up (%s): link up",
		u->name, u->started ? "rings running" : "device not started yet");
	return 0;
}

/* Server mode: what vio supports is offered before any backend is seen;
 * one that lacks what the driver took is refused when it connects. */
static int
open_server(struct vio_user *u, const struct vio_user_params *p)
{
	u->backend_features = VIO_USER_BACKEND_FEATURES;
	u->backend_pairs = u->nr_queues / 2;
	u->offered = offered_features(u, p);
	u->backend_features = 0;
	return vio_user_listen(u, p->path, p->socket_mode);
}

static int
open_client(struct vio_user *u, const struct vio_user_params *p)
{
	int ret = vio_user_sock_connect(u, p->path);

	if (ret == 0)
		ret = handshake(u);
	if (ret < 0)
		return ret;
	u->offered = offered_features(u, p);
	u->attached = true;
	log_connected(u);
	return p->reconnect ? vio_user_watch(u, p->path) : 0;
}

int
vio_user_open(struct vio_hw *hw, const struct vio_user_params *p)
{
	struct vio_user *u;
	uint16_t pairs, size;
	int ret;

	if (vio_user_kernel_path(p->path))
		return vio_user_kernel_open(hw, p);
	ret = check_params(p, &pairs, &size);
	if (ret < 0)
		return ret;
	if (p->iface != NULL && p->iface[0] != '\0')
		VIO_LOG(vhost, NOTICE, "vio_user(%s): iface=%s names a vhost-kernel tap device; it has no effect on a vhost-user port",
			p->path, p->iface);
	u = user_alloc(p, pairs, size);
	if (u == NULL)
		return -ENOMEM;
	config_init(u, p);
	/* The ops go in first: the alarm may set a backend up at once. */
	hw->ops = &vio_user_ops;
	hw->tp = u;
	ret = p->server ? open_server(u, p) : open_client(u, p);
	if (ret < 0) {
		hw->ops = NULL;
		hw->tp = NULL;
		user_free(u);
		return ret;
	}

	hw->use_va = true;
	hw->modern = true;
	snprintf(hw->name, sizeof(hw->name), "%s", u->name);
	vio_user_mem_events_start(u);
	return 0;
}
