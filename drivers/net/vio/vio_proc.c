/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Ports shared by the processes of a DPDK multi-process group
 * (vio_proc.h). The design:
 *
 * - Everything the bursts touch is in shared memory: the queues and
 *   their rings (rte_malloc, memzones), the rings' private state
 *   (lib/virtio's allocator set to rte_malloc here), mempools. Function
 *   pointers and eventfds are each process's own: the datapath row is
 *   shared as an index, the wrappers as flags, and each process links
 *   its bursts from them (vio_proc_link).
 * - A secondary's bursts are small trampolines: each compares the
 *   adapter's proc_gen, which the primary bumps when it starts or stops
 *   the port, with the one the process linked for; on a change the first
 *   burst links again and asks the primary for the rings' kick eventfds
 *   (an rte_mp request; RTE_MP_MAX_FD_NUM a reply, as many replies as
 *   rings). Between a stop and the next start the secondary's bursts
 *   return 0. The primary keeps a ring's eventfd from one start to the
 *   next stop, also across vhost-user reconnects, so a start is the only
 *   event that makes them stale.
 * - A notify from a secondary writes the received eventfd (lib/virtio's
 *   foreign notify hook). Without it (the primary did not answer) the
 *   ring's kicks are dropped and counted: with notification suppression
 *   only that ring waits for the device to look by itself.
 * - The application keeps a secondary off a queue while the primary
 *   stops or reconfigures the port, as with any DPDK PMD: a burst that
 *   began before the stop may still touch the queue.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_malloc.h>
#include <rte_string_fns.h>

#include "vio_ethdev.h"
#include "vio_proc.h"
#include "vio_tx_offload.h"
#include "vio_rx.h"

#define VIO_PROC_MP_NAME	"vio_kick_fds"
#define VIO_PROC_MP_TIMEOUT_S	5

struct vio_proc vio_proc[RTE_MAX_ETHPORTS];

/* A secondary asks for the kick eventfds of rings `first` on. */
struct vio_proc_req {
	char name[RTE_ETH_NAME_MAX_LEN];
	uint16_t first;
};

/* The primary's answer: fds[i] (in the message) is ring index[i]'s. */
struct vio_proc_rep {
	int32_t status;		/* 0 or a negative errno */
	uint32_t gen;		/* the adapter's proc_gen they belong to */
	uint16_t next;		/* ask again from here while below total */
	uint16_t total;		/* rings of the port */
	uint16_t count;		/* fds in this reply */
	uint16_t index[RTE_MP_MAX_FD_NUM];
};

/* ---- linking ----------------------------------------------------------- */

void
vio_proc_link(struct rte_eth_dev *dev)
{
	const struct vio_adapter *ad = dev->data->dev_private;
	const struct vio_dp *dp = vio_adapter_dp(ad);
	struct vio_proc *p = &vio_proc[dev->data->port_id];

	if (dp == NULL)
		return;
	p->rx = dp->rx;
	p->tx = dp->tx;
	if (ad->rss != NULL && ad->rss->wrapped) {
		p->rss_inner = p->rx;
		p->rx = ad->rss->dev_report ? vio_rss_report_burst :
					      vio_rss_sw_burst;
	}
	if (ad->rx_lro_split) {
		p->lro_inner = p->rx;
		p->rx = vio_rx_lro_split_burst;
	}
	if (vio_announce_wrapped(ad)) {
		p->tx0_inner = p->tx;
		p->tx = vio_announce_tx_burst;
	}
	if (rte_eal_process_type() == RTE_PROC_PRIMARY) {
		dev->rx_pkt_burst = p->rx;
		dev->tx_pkt_burst = p->tx;
	}
}

void
vio_proc_changed(struct rte_eth_dev *dev)
{
	struct vio_adapter *ad = dev->data->dev_private;

	__atomic_fetch_add(&ad->proc_gen, 1, __ATOMIC_RELEASE);
}

/* ---- the primary ------------------------------------------------------- */

static void *
vio_proc_zalloc(size_t len)
{
	return rte_zmalloc("vio_vq_priv", len, RTE_CACHE_LINE_SIZE);
}

/* The fds of rings req->first.. into `msg`, under the port's lock (a
 * start or stop in progress finishes first). */
static void
vio_proc_fill(struct rte_eth_dev *dev, const struct vio_proc_req *req,
	      struct rte_mp_msg *msg, struct vio_proc_rep *rep)
{
	struct vio_adapter *ad = dev->data->dev_private;
	uint16_t i;

	pthread_mutex_lock(&ad->lock);
	rep->gen = __atomic_load_n(&ad->proc_gen, __ATOMIC_ACQUIRE);
	rep->total = (uint16_t)(2 * dev->data->nb_rx_queues);
	if (ad->hw.ops == NULL || ad->hw.ops->queue_notify_fd == NULL)
		rep->status = -ENOTSUP;
	for (i = req->first; rep->status == 0 && i < rep->total &&
	     rep->count < RTE_MP_MAX_FD_NUM; i++) {
		int fd = ad->hw.ops->queue_notify_fd(&ad->hw, i);

		if (fd < 0)
			continue;
		rep->index[rep->count] = i;
		msg->fds[rep->count++] = fd;
	}
	rep->next = i;
	msg->num_fds = rep->count;
	pthread_mutex_unlock(&ad->lock);
}

/* The primary's channel thread: a secondary asks for kick eventfds. */
static int
vio_proc_answer(const struct rte_mp_msg *msg, const void *peer)
{
	struct rte_mp_msg reply;
	struct vio_proc_rep *rep = (struct vio_proc_rep *)reply.param;
	struct vio_proc_req req;
	struct rte_eth_dev *dev = NULL;

	memset(&reply, 0, sizeof(reply));
	rte_strlcpy(reply.name, msg->name, sizeof(reply.name));
	reply.len_param = sizeof(*rep);
	if (msg->len_param == sizeof(req)) {
		memcpy(&req, msg->param, sizeof(req));
		req.name[sizeof(req.name) - 1] = '\0';
		dev = rte_eth_dev_allocated(req.name);
	}
	if (dev == NULL || !vio_ethdev_is_vio(dev))
		rep->status = -ENODEV;
	else
		vio_proc_fill(dev, &req, &reply, rep);
	if (rep->status < 0)
		VIO_PMD_LOG(init, WARNING, "a secondary process asked for the kick eventfds of %s: %s",
			    dev != NULL ? dev->data->name : "a port that is not vio's",
			    strerror(-rep->status));
	return rte_mp_reply(&reply, peer);
}

void
vio_proc_primary_init(void)
{
	static bool done;

	if (done)
		return;
	done = true;
	vio_vq_set_allocator(vio_proc_zalloc, rte_free);
	/* ENOTSUP: multi-process is off (--in-memory, --no-shconf). */
	if (rte_mp_action_register(VIO_PROC_MP_NAME, vio_proc_answer) < 0 &&
	    rte_errno != EEXIST && rte_errno != ENOTSUP)
		VIO_PMD_LOG(init, WARNING, "cannot serve secondary processes their kick eventfds: %s",
			    rte_strerror(rte_errno));
}

/* ---- a secondary ------------------------------------------------------- */

static void
vio_proc_close_fds(struct vio_proc *p)
{
	unsigned int i;

	for (i = 0; i < RTE_DIM(p->kickfd); i++) {
		if (p->kickfd[i] >= 0)
			close(p->kickfd[i]);
		p->kickfd[i] = -1;
	}
}

static void
vio_proc_close_msg_fds(const struct rte_mp_msg *m)
{
	int i;

	for (i = 0; i < m->num_fds && i < RTE_MP_MAX_FD_NUM; i++)
		if (m->fds[i] >= 0)
			close(m->fds[i]);
}

/* One reply checked (the primary is another program: its numbers are
 * checked like a device's) and its fds kept; returns 0, -EAGAIN when
 * they belong to another start than `gen`, or a negative errno. */
static int
vio_proc_take(struct vio_proc *p, const struct rte_mp_msg *m, uint32_t gen,
	      uint16_t first, uint16_t *next, uint16_t *total)
{
	const struct vio_proc_rep *rep = (const void *)m->param;
	uint16_t i;

	if (m->len_param != sizeof(*rep) || m->num_fds < 0 ||
	    m->num_fds > RTE_MP_MAX_FD_NUM)
		return -EPROTO;
	if (rep->status < 0)
		return rep->status;
	if (rep->gen != gen)
		return -EAGAIN;
	if (rep->count != m->num_fds || rep->next <= first ||
	    rep->next > rep->total || rep->total > VIO_PROC_MAX_RINGS)
		return -EPROTO;
	for (i = 0; i < rep->count; i++)
		if (rep->index[i] < first || rep->index[i] >= rep->next)
			return -EPROTO;
	for (i = 0; i < rep->count; i++) {
		int *slot = &p->kickfd[rep->index[i]];

		if (*slot >= 0)
			close(*slot);
		*slot = m->fds[i];
	}
	*next = rep->next;
	*total = rep->total;
	return 0;
}

static int
vio_proc_ask(struct rte_eth_dev *dev, uint16_t first, struct rte_mp_reply *r)
{
	struct timespec ts = { .tv_sec = VIO_PROC_MP_TIMEOUT_S };
	struct rte_mp_msg msg;
	struct vio_proc_req req;

	memset(&msg, 0, sizeof(msg));
	memset(&req, 0, sizeof(req));
	rte_strlcpy(msg.name, VIO_PROC_MP_NAME, sizeof(msg.name));
	rte_strlcpy(req.name, dev->data->name, sizeof(req.name));
	req.first = first;
	memcpy(msg.param, &req, sizeof(req));
	msg.len_param = sizeof(req);
	memset(r, 0, sizeof(*r));
	if (rte_mp_request_sync(&msg, r, &ts) < 0)
		return rte_errno > 0 ? -rte_errno : -EIO;
	if (r->nb_received != 1 || r->msgs == NULL)
		return -ETIMEDOUT;
	return 0;
}

/* All the rings' kick eventfds of the start `gen`. */
static int
vio_proc_fetch(struct rte_eth_dev *dev, struct vio_proc *p, uint32_t gen)
{
	uint16_t first = 0, total = 1;
	int ret = 0;

	while (ret == 0 && first < total) {
		struct rte_mp_reply r;

		int i;

		ret = vio_proc_ask(dev, first, &r);
		if (ret == 0)
			ret = vio_proc_take(p, &r.msgs[0], gen, first, &first,
					    &total);
		/* Whatever was not taken (a refused reply, more than one). */
		for (i = ret == 0 ? 1 : 0; r.msgs != NULL && i < r.nb_received; i++)
			vio_proc_close_msg_fds(&r.msgs[i]);
		free(r.msgs);
	}
	return ret;
}

/* The primary started or stopped the port since this process linked:
 * link again (the datapath thread, off the fast path). */
static void __rte_cold __rte_noinline
vio_proc_refresh(struct rte_eth_dev *dev, struct vio_proc *p, uint32_t gen)
{
	struct vio_adapter *ad = dev->data->dev_private;
	int ret;

	p->live = false;
	vio_proc_close_fds(p);
	if (!ad->started || vio_adapter_dp(ad) == NULL) {
		p->gen = gen;
		return;
	}
	vio_proc_link(dev);
	if (p->tp_local != NULL) {
		/* Its doorbells need what the primary negotiated. */
		p->tp_local->features = ad->hw.features;
		ret = 0;
	} else {
		ret = vio_proc_fetch(dev, p, gen);
	}
	if (ret == -EAGAIN)
		return;		/* started again meanwhile: next burst */
	if (ret < 0 && !p->warned) {
		VIO_PMD_LOG(driver, WARNING, "port %u: no kick eventfds from the primary (%s): this process's rings notify nothing, the device sees them when it looks",
			    dev->data->port_id, strerror(-ret));
		p->warned = true;
	}
	p->gen = gen;
	p->live = true;
	VIO_PMD_LOG(driver, INFO, "port %u: bursts in this secondary process: %s rx, %s tx",
		    dev->data->port_id, vio_adapter_dp(ad)->name, ad->tx_name);
}

/* Whether this process may burst on the port now. */
static inline bool
vio_proc_ready(uint16_t port)
{
	struct rte_eth_dev *dev = &rte_eth_devices[port];
	const struct vio_adapter *ad = dev->data->dev_private;
	struct vio_proc *p = &vio_proc[port];
	uint32_t gen = __atomic_load_n(&ad->proc_gen, __ATOMIC_ACQUIRE);

	if (unlikely(gen != p->gen)) {
		if (!rte_spinlock_trylock(&p->lock))
			return false;
		if (gen != p->gen)
			vio_proc_refresh(dev, p, gen);
		rte_spinlock_unlock(&p->lock);
		if (gen != p->gen)
			return false;
	}
	return p->live;
}

static uint16_t
vio_proc_rx_burst(void *queue, struct rte_mbuf **pkts, uint16_t n)
{
	const struct vio_rxq *rxq = queue;

	if (unlikely(rxq == NULL) || !vio_proc_ready(rxq->port_id))
		return 0;
	return vio_proc[rxq->port_id].rx(queue, pkts, n);
}

static uint16_t
vio_proc_tx_burst(void *queue, struct rte_mbuf **pkts, uint16_t n)
{
	const struct vio_txq *txq = queue;

	if (unlikely(txq == NULL) || !vio_proc_ready(txq->port_id))
		return 0;
	return vio_proc[txq->port_id].tx(queue, pkts, n);
}

/* lib/virtio's notify from a process that did not set the ring up. */
static void
vio_proc_notify(struct vio_vq *vq)
{
	static const uint64_t one = 1;
	struct vio_proc *p;
	ssize_t n;

	if (vq->tag >= RTE_MAX_ETHPORTS)
		return;
	p = &vio_proc[vq->tag];
	if (p->tp_local != NULL) {
		p->tp_local->ops->queue_notify_foreign(p->tp_local, vq);
		return;
	}
	if (vq->index >= RTE_DIM(p->kickfd) || p->kickfd[vq->index] < 0) {
		p->kicks_lost++;
		return;
	}
	/* EAGAIN: the counter is full, a kick is pending already. */
	n = write(p->kickfd[vq->index], &one, sizeof(one));
	RTE_SET_USED(n);
}

void
vio_proc_attach(struct rte_eth_dev *dev)
{
	const struct vio_adapter *ad = dev->data->dev_private;
	struct vio_proc *p = &vio_proc[dev->data->port_id];
	unsigned int i;

	memset(p, 0, sizeof(*p));
	rte_spinlock_init(&p->lock);
	for (i = 0; i < RTE_DIM(p->kickfd); i++)
		p->kickfd[i] = -1;
	/* Never equal to the adapter's: the first burst links. */
	p->gen = __atomic_load_n(&ad->proc_gen, __ATOMIC_ACQUIRE) - 1;
	vio_vq_set_foreign_notify(vio_proc_notify);
	dev->rx_pkt_burst = vio_proc_rx_burst;
	dev->tx_pkt_burst = vio_proc_tx_burst;
	dev->tx_pkt_prepare = vio_tx_prepare;
}

void
vio_proc_set_transport(struct rte_eth_dev *dev, struct vio_hw *hw)
{
	vio_proc[dev->data->port_id].tp_local = hw;
}

void
vio_proc_detach(struct rte_eth_dev *dev)
{
	struct vio_proc *p = &vio_proc[dev->data->port_id];

	rte_spinlock_lock(&p->lock);
	p->live = false;
	vio_proc_close_fds(p);
	if (p->tp_local != NULL) {
		if (p->tp_local->ops != NULL)
			p->tp_local->ops->close(p->tp_local);
		free(p->tp_local);
		p->tp_local = NULL;
	}
	rte_spinlock_unlock(&p->lock);
}
