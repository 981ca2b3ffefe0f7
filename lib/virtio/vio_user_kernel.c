/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * virtio-user over vhost-net: the kernel runs the rings and moves frames
 * between them and a tap device that vio creates. Each queue pair has
 * its own /dev/vhost-net fd (a vhost-net device owns one rx and one tx
 * ring) and its own queue of the multi-queue tap, which is that device's
 * backend. As over vhost-user, the device side of the transport ops
 * (status, features, config space, control queue) is emulated here:
 * VHOST_SET_FEATURES and the tap's header length and offloads at
 * FEATURES_OK; the memory table, the vrings and VHOST_NET_SET_BACKEND at
 * DRIVER_OK; backends taken away at reset. MQ_VQ_PAIRS_SET attaches or
 * detaches a pair's tap queue and backend; the filter commands are
 * acknowledged (the tap delivers what the kernel routes to it).
 *
 * vhost-net addresses memory by our virtual addresses, so the memory
 * table is DPDK's memory as it is mapped here, whatever its files.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/vhost.h>

#include <rte_common.h>
#include <rte_eal_memconfig.h>
#include <rte_memory.h>
#include <rte_random.h>

#include "vio_cvq.h"
#include "vio_dev.h"
#include "vio_log.h"
#include "vio_user_cvq.h"
#include "vio_user_emul.h"
#include "vio_user_kernel.h"
#include "vio_user_tap.h"

#define VIO_KERN_QUEUE_SIZE	256
/* The tap's limit (MAX_TAP_QUEUES). */
#define VIO_KERN_MAX_PAIRS	256
/* Regions of the memory table we build; vhost-net itself takes at most
 * its module parameter max_mem_regions (64 by default). */
#define VIO_KERN_MAX_REGIONS	256

/* Ring features that vhost-net implements and vio passes on; vhost-net
 * refuses VHOST_SET_FEATURES with any bit it does not know. */
#define VIO_KERN_VHOST_FEATURES ( \
	VIO_BIT(VIO_NET_F_MRG_RXBUF) | VIO_BIT(VIO_F_RING_INDIRECT_DESC) | \
	VIO_BIT(VIO_F_RING_EVENT_IDX) | VIO_BIT(VIO_F_VERSION_1))

/* Bit 27 is ANY_LAYOUT to the driver (which VERSION_1 implies anyway),
 * but to vhost-net VHOST_NET_F_VIRTIO_NET_HDR: "add and strip the
 * header yourself", while here the tap does that. Offered when vhost-net
 * offers it, never set at vhost-net. */
#define VIO_KERN_OFFERED_ONLY	VIO_BIT(VIO_F_ANY_LAYOUT)

/* Offloads toward the kernel: the tap takes whatever header it is given. */
#define VIO_KERN_HOST_OFFLOADS ( \
	VIO_BIT(VIO_NET_F_CSUM) | VIO_BIT(VIO_NET_F_HOST_TSO4) | \
	VIO_BIT(VIO_NET_F_HOST_TSO6) | VIO_BIT(VIO_NET_F_HOST_ECN))

#define VIO_KERN_CTRL_FEATURES ( \
	VIO_BIT(VIO_NET_F_CTRL_VQ) | VIO_BIT(VIO_NET_F_CTRL_RX) | \
	VIO_BIT(VIO_NET_F_CTRL_VLAN) | VIO_BIT(VIO_NET_F_CTRL_MAC_ADDR))

struct vio_kern_ring {
	struct vio_vq *vq;	/* NULL: not set up */
	int kickfd;		/* eventfds, from queue_setup to release */
	int callfd;
	bool enabled;		/* not turned off by MQ_VQ_PAIRS_SET */
	bool running;		/* the tap queue is this ring's backend */
};

struct vio_kern_pair {
	int vhostfd;
	int tapfd;
	bool attached;		/* the kernel steers frames to this tap queue */
};

struct vio_kern {
	/* The ops, and the control queue run from a datapath thread. */
	pthread_mutex_t lock;
	char name[64];
	char ifname[IFNAMSIZ];
	uint64_t offered;
	uint64_t driver_features;
	uint8_t status;
	bool started;		/* DRIVER_OK: memory table and rings given */
	struct vio_net_config config;
	uint16_t npairs;
	uint16_t queue_size;
	bool ctrl;
	bool cvq_bound;
	struct vio_user_cvq cvq;
	struct vio_kern_pair *pairs;
	struct vio_kern_ring rings[];	/* 2 * npairs: rx 2i, tx 2i + 1 */
};

static const struct vio_transport_ops vio_kern_ops;

static struct vio_kern *
kern_of(struct vio_hw *hw)
{
	return hw->tp;
}

/* A missing /dev/vhost-* is a vhost-net device whose module is not
 * loaded (opening it says so), not a vhost-user socket. */
bool
vio_user_kernel_path(const char *path)
{
	static const char dev[] = "/dev/vhost-";
	struct stat st;

	if (path == NULL)
		return false;
	if (stat(path, &st) == 0)
		return S_ISCHR(st.st_mode);
	return errno == ENOENT && strncmp(path, dev, sizeof(dev) - 1) == 0;
}

/* ---- vhost-net ioctls ---- */

static int
vhost_ioctl(struct vio_kern *k, uint16_t pair, unsigned long req,
	    const char *what, void *arg)
{
	if (ioctl(k->pairs[pair].vhostfd, req, arg) == 0)
		return 0;
	VIO_LOG(vhost, ERR, "%s: queue pair %u: vhost-net refused %s: %s",
		k->name, pair, what, strerror(errno));
	return -errno;
}

/* The ring's index inside its pair's vhost-net device: rx 0, tx 1. */
static unsigned int
ring_of(uint16_t index)
{
	return index % 2;
}

static int
ring_backend(struct vio_kern *k, uint16_t index, int fd)
{
	struct vhost_vring_file f = { .index = ring_of(index), .fd = fd };

	return vhost_ioctl(k, index / 2, VHOST_NET_SET_BACKEND,
			   "VHOST_NET_SET_BACKEND", &f);
}

static int
ring_file(struct vio_kern *k, uint16_t index, unsigned long req,
	  const char *what, int fd)
{
	struct vhost_vring_file f = { .index = ring_of(index), .fd = fd };

	return vhost_ioctl(k, index / 2, req, what, &f);
}

static int
ring_state(struct vio_kern *k, uint16_t index, unsigned long req,
	   const char *what, unsigned int num)
{
	struct vhost_vring_state s = { .index = ring_of(index), .num = num };

	return vhost_ioctl(k, index / 2, req, what, &s);
}

/* Size, start, addresses and eventfds: the ring as the driver laid it
 * out. A split ring resumes where its used index stands (0 when new). */
static int
ring_give(struct vio_kern *k, struct vio_kern_ring *r, uint16_t index)
{
	const struct vio_vq *vq = r->vq;
	struct vhost_vring_addr a = {
		.index = ring_of(index),
		.desc_user_addr = (uintptr_t)vio_vq_desc_area(vq),
		.avail_user_addr = (uintptr_t)vio_vq_driver_area(vq),
		.used_user_addr = (uintptr_t)vio_vq_device_area(vq),
	};
	uint16_t base = __atomic_load_n(&vq->split.used->idx, __ATOMIC_ACQUIRE);
	int ret;

	ret = ring_state(k, index, VHOST_SET_VRING_NUM, "VHOST_SET_VRING_NUM",
			 vq->size);
	if (ret == 0)
		ret = ring_state(k, index, VHOST_SET_VRING_BASE,
				 "VHOST_SET_VRING_BASE", base);
	if (ret == 0)
		ret = vhost_ioctl(k, index / 2, VHOST_SET_VRING_ADDR,
				  "VHOST_SET_VRING_ADDR", &a);
	if (ret == 0)
		ret = ring_file(k, index, VHOST_SET_VRING_KICK,
				"VHOST_SET_VRING_KICK", r->kickfd);
	if (ret == 0)
		ret = ring_file(k, index, VHOST_SET_VRING_CALL,
				"VHOST_SET_VRING_CALL", r->callfd);
	return ret;
}

/* ---- memory table ---- */

struct mem_table {
	struct vhost_memory hdr;
	struct vhost_memory_region regs[VIO_KERN_MAX_REGIONS];
};

/* Chunks that follow each other in our address space become one region:
 * vhost-net only translates addresses, whatever file backs them. */
static int
mem_add(const struct rte_memseg_list *msl __rte_unused,
	const struct rte_memseg *ms, size_t len, void *arg)
{
	struct mem_table *t = arg;
	uint64_t addr = (uintptr_t)ms->addr;
	struct vhost_memory_region *r;

	if (t->hdr.nregions > 0) {
		r = &t->regs[t->hdr.nregions - 1];
		if (r->userspace_addr + r->memory_size == addr) {
			r->memory_size += len;
			return 0;
		}
	}
	if (t->hdr.nregions == VIO_KERN_MAX_REGIONS)
		return -1;
	r = &t->regs[t->hdr.nregions++];
	r->guest_phys_addr = addr;
	r->userspace_addr = addr;
	r->memory_size = len;
	return 0;
}

static int
mem_table_build(struct vio_kern *k, struct mem_table *t)
{
	int ret;

	memset(t, 0, sizeof(*t));
	rte_mcfg_mem_read_lock();
	ret = rte_memseg_contig_walk_thread_unsafe(mem_add, t);
	rte_mcfg_mem_read_unlock();
	if (ret < 0) {
		VIO_LOG(vhost, ERR, "%s: DPDK memory is in more than %u pieces: start the EAL with --no-huge, --single-file-segments or fewer, larger hugepages",
			k->name, VIO_KERN_MAX_REGIONS);
		return -E2BIG;
	}
	if (t->hdr.nregions == 0) {
		VIO_LOG(vhost, ERR, "%s: no DPDK memory to give vhost-net", k->name);
		return -ENOMEM;
	}
	return 0;
}

static int
mem_table_set(struct vio_kern *k)
{
	struct mem_table *t = malloc(sizeof(*t));
	uint16_t p;
	int ret;

	if (t == NULL)
		return -ENOMEM;
	ret = mem_table_build(k, t);
	for (p = 0; p < k->npairs && ret == 0; p++) {
		if (ioctl(k->pairs[p].vhostfd, VHOST_SET_MEM_TABLE, &t->hdr) == 0)
			continue;
		ret = -errno;
		VIO_LOG(vhost, ERR, "%s: vhost-net refused the memory table (%u regions): %s%s",
			k->name, t->hdr.nregions, strerror(errno),
			errno == E2BIG ? " (more than the vhost module's max_mem_regions: raise it, or use --no-huge or --single-file-segments)" : "");
	}
	if (ret == 0)
		VIO_LOG(vhost, DEBUG, "%s: memory table of %u region(s)",
			k->name, t->hdr.nregions);
	free(t);
	return ret;
}

/* ---- queue pairs: tap queues and backends ---- */

/* A ring the kernel should run: set up, started, not turned off. */
static bool
ring_wanted(const struct vio_kern *k, const struct vio_kern_ring *r)
{
	return k->started && r->vq != NULL && r->enabled;
}

static int
ring_switch(struct vio_kern *k, uint16_t index, bool on)
{
	struct vio_kern_ring *r = &k->rings[index];
	int ret;

	if (r->running == on)
		return 0;
	ret = ring_backend(k, index, on ? k->pairs[index / 2].tapfd : -1);
	if (ret < 0 && on)
		return ret;
	/* Taken away even if vhost-net complained: it no longer runs. */
	r->running = on;
	__atomic_store_n(&r->vq->detached, !on, __ATOMIC_RELAXED);
	return ret;
}

/* Pair p's tap queue is attached while one of its rings runs, so that
 * the kernel never steers frames to a queue nobody reads. */
static int
pair_apply(struct vio_kern *k, uint16_t p)
{
	struct vio_kern_pair *pr = &k->pairs[p];
	bool want = ring_wanted(k, &k->rings[2 * p]) ||
		    ring_wanted(k, &k->rings[2 * p + 1]);
	uint16_t i;
	int ret = 0, r;

	if (want && !pr->attached) {
		ret = vio_tap_queue_attach(pr->tapfd, true, k->name);
		if (ret < 0)
			return ret;
		pr->attached = true;
	}
	for (i = 2 * p; i < 2 * p + 2; i++) {
		r = ring_switch(k, i, ring_wanted(k, &k->rings[i]));
		if (ret == 0)
			ret = r;
	}
	/* Queue 0 stays: a tap without queues would drop its carrier. */
	if (!want && pr->attached && p != 0) {
		r = vio_tap_queue_attach(pr->tapfd, false, k->name);
		if (ret == 0)
			ret = r;
		pr->attached = r < 0;
	}
	return ret;
}

static int
pairs_apply(struct vio_kern *k)
{
	uint16_t p;
	int ret = 0, r;

	for (p = 0; p < k->npairs; p++) {
		r = pair_apply(k, p);
		if (ret == 0)
			ret = r;
	}
	return ret;
}

/* MQ_VQ_PAIRS_SET, ring by ring (under the lock: vio_kern_cvq_notify). */
static int
cvq_ring_enable(void *arg, uint16_t index, bool enable)
{
	struct vio_kern *k = arg;

	if (k->rings[index].enabled == enable)
		return 0;
	k->rings[index].enabled = enable;
	VIO_LOG(vhost, DEBUG, "%s: virtqueue %u %s", k->name, index,
		enable ? "enabled" : "disabled");
	return pair_apply(k, index / 2);
}

/* ---- status ---- */

static int
kern_features_ok(struct vio_kern *k)
{
	uint64_t f = k->driver_features & VIO_KERN_VHOST_FEATURES;
	uint16_t p;
	int ret;

	for (p = 0; p < k->npairs; p++) {
		ret = vhost_ioctl(k, p, VHOST_SET_FEATURES, "VHOST_SET_FEATURES", &f);
		if (ret < 0)
			return ret;
	}
	/* Device-wide settings: through queue 0, always attached. */
	return vio_tap_configure(k->pairs[0].tapfd,
				 vio_dev_hdr_size(k->driver_features),
				 k->driver_features, k->name);
}

/* With MQ the device starts on the first pair until MQ_VQ_PAIRS_SET
 * (5.1.6.5), which may have come before DRIVER_OK. */
static void
rings_initial_enable(struct vio_kern *k)
{
	bool mq = (k->driver_features & VIO_BIT(VIO_NET_F_MQ)) != 0;
	uint16_t pairs = k->cvq_bound ? k->cvq.pairs : 1, i;

	for (i = 0; i < 2 * k->npairs; i++)
		k->rings[i].enabled = !mq || i < 2 * pairs;
}

static int
kern_stop(struct vio_kern *k)
{
	k->started = false;
	return pairs_apply(k);
}

static int
kern_start(struct vio_kern *k)
{
	uint16_t i, n = 0;
	int ret;

	rings_initial_enable(k);
	ret = mem_table_set(k);
	for (i = 0; i < 2 * k->npairs && ret == 0; i++) {
		if (k->rings[i].vq == NULL)
			continue;
		ret = ring_give(k, &k->rings[i], i);
		n++;
	}
	if (ret == 0) {
		k->started = true;
		ret = pairs_apply(k);
	}
	if (ret < 0) {
		kern_stop(k);
		return ret;
	}
	VIO_LOG(vhost, INFO, "%s: started with %u virtqueue(s) on tap %s",
		k->name, n, k->ifname);
	return 0;
}

static int
set_status_locked(struct vio_kern *k, uint8_t status)
{
	uint8_t added = status & ~k->status;
	int ret = 0;

	if (status == 0) {
		ret = kern_stop(k);
		k->status = 0;
		k->driver_features = 0;
		k->cvq_bound = false;
		return ret;
	}
	if ((added & VIO_STATUS_DRIVER_OK) && !(status & VIO_STATUS_FEATURES_OK)) {
		VIO_LOG(vhost, ERR, "%s: DRIVER_OK without FEATURES_OK", k->name);
		return -EINVAL;
	}
	if (added & VIO_STATUS_FEATURES_OK)
		ret = kern_features_ok(k);
	if (ret == 0 && (added & VIO_STATUS_DRIVER_OK))
		ret = kern_start(k);
	if (ret == 0)
		k->status = status;
	return ret;
}

static int
vio_kern_set_status(struct vio_hw *hw, uint8_t status)
{
	struct vio_kern *k = kern_of(hw);
	int ret;

	pthread_mutex_lock(&k->lock);
	ret = set_status_locked(k, status);
	pthread_mutex_unlock(&k->lock);
	return ret;
}

static uint8_t
vio_kern_get_status(struct vio_hw *hw)
{
	return kern_of(hw)->status;
}

/* ---- features and config space ---- */

static int
vio_kern_get_features(struct vio_hw *hw, uint64_t *features)
{
	*features = kern_of(hw)->offered;
	return 0;
}

static int
vio_kern_set_features(struct vio_hw *hw, uint64_t features)
{
	struct vio_kern *k = kern_of(hw);

	return vio_user_take_features(k->name, k->offered, features,
				      &k->driver_features);
}

/* The link is the tap's: up (by the kernel side) with its carrier. */
static int
vio_kern_read_config(struct vio_hw *hw, uint32_t off, void *dst, uint32_t len)
{
	struct vio_kern *k = kern_of(hw);

	k->config.status = vio_tap_running(k->ifname) ? VIO_NET_S_LINK_UP : 0;
	return vio_user_config_copy(&k->config, off, dst, len, false);
}

static int
vio_kern_write_config(struct vio_hw *hw, uint32_t off, const void *src,
		      uint32_t len)
{
	return vio_user_config_copy(&kern_of(hw)->config, off, (void *)(uintptr_t)src,
				    len, true);
}

/* ---- queues ---- */

static void
vio_kern_notify(struct vio_vq *vq)
{
	const struct vio_kern_ring *r = vq->notify_arg;
	uint64_t one = 1;

	/* EAGAIN: the counter is full, a kick is pending anyway. */
	if (write(r->kickfd, &one, sizeof(one)) < 0)
		return;
}

static void
vio_kern_notify_none(struct vio_vq *vq __rte_unused)
{
}

static void
vio_kern_cvq_notify(struct vio_vq *vq)
{
	struct vio_kern *k = vq->notify_arg;

	pthread_mutex_lock(&k->lock);
	vio_user_cvq_run(&k->cvq);
	pthread_mutex_unlock(&k->lock);
}

static uint16_t
vio_kern_queue_max_size(struct vio_hw *hw, uint16_t index)
{
	struct vio_kern *k = kern_of(hw);

	if (index < 2 * k->npairs || (k->ctrl && index == 2 * k->npairs))
		return k->queue_size;
	return 0;
}

static int
cvq_bind(struct vio_kern *k, struct vio_vq *vq)
{
	if (!(k->driver_features & VIO_BIT(VIO_NET_F_CTRL_VQ))) {
		VIO_LOG(vhost, ERR, "%s: virtqueue %u is the control queue, and CTRL_VQ was not negotiated",
			k->name, vq->index);
		return -EINVAL;
	}
	vio_user_cvq_init(&k->cvq, vq, k->npairs,
			  (k->driver_features & VIO_BIT(VIO_NET_F_MQ)) != 0,
			  cvq_ring_enable, k, k->name);
	k->cvq_bound = true;
	vio_vq_set_notify(vq, vio_kern_cvq_notify, k);
	vq->tp = &k->cvq;
	return 0;
}

static void
ring_close_fds(struct vio_kern_ring *r)
{
	if (r->kickfd >= 0)
		close(r->kickfd);
	if (r->callfd >= 0)
		close(r->callfd);
	r->kickfd = -1;
	r->callfd = -1;
}

static int
ring_bind(struct vio_kern *k, struct vio_vq *vq)
{
	struct vio_kern_ring *r = &k->rings[vq->index];
	int ret;

	/* Set up again at each dev_start, while stopped: the eventfds stay. */
	if (r->running) {
		VIO_LOG(vhost, ERR, "%s: virtqueue %u is running: reset first",
			k->name, vq->index);
		return -EBUSY;
	}
	if (r->kickfd < 0)
		r->kickfd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (r->kickfd >= 0 && r->callfd < 0)
		r->callfd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (r->kickfd < 0 || r->callfd < 0) {
		ret = -errno;
		VIO_LOG(vhost, ERR, "%s: virtqueue %u: cannot create eventfd: %s",
			k->name, vq->index, strerror(errno));
		ring_close_fds(r);
		return ret;
	}
	r->vq = vq;
	__atomic_store_n(&vq->detached, true, __ATOMIC_RELAXED);
	vio_vq_set_notify(vq, vio_kern_notify, r);
	vq->tp = r;
	/* A queue added to a running device starts at once (if its pair
	 * is in use). */
	if (!k->started)
		return 0;
	rings_initial_enable(k);
	ret = ring_give(k, r, vq->index);
	if (ret == 0)
		ret = pair_apply(k, vq->index / 2);
	return ret;
}

static void
queue_release_locked(struct vio_kern *k, struct vio_vq *vq)
{
	struct vio_kern_ring *r;

	if (k->cvq_bound && k->cvq.vq == vq) {
		k->cvq.vq = NULL;
		k->cvq_bound = false;
	} else if (vq->index < 2 * k->npairs && k->rings[vq->index].vq == vq) {
		r = &k->rings[vq->index];
		r->enabled = false;
		pair_apply(k, vq->index / 2);
		r->vq = NULL;
		ring_close_fds(r);
	} else {
		return;
	}
	vio_vq_set_notify(vq, vio_kern_notify_none, NULL);
	vq->tp = NULL;
}

static void
vio_kern_queue_release(struct vio_hw *hw, struct vio_vq *vq)
{
	struct vio_kern *k = kern_of(hw);

	if (k == NULL)
		return;
	pthread_mutex_lock(&k->lock);
	queue_release_locked(k, vq);
	pthread_mutex_unlock(&k->lock);
}

static int
queue_setup_locked(struct vio_kern *k, struct vio_vq *vq)
{
	int ret;

	if (k->ctrl && vq->index == vio_cvq_index(k->driver_features, k->npairs))
		return cvq_bind(k, vq);
	if (vq->index >= 2 * k->npairs) {
		VIO_LOG(vhost, ERR, "%s: no virtqueue %u (%u queue pairs)",
			k->name, vq->index, k->npairs);
		return -EINVAL;
	}
	ret = ring_bind(k, vq);
	if (ret < 0 && ret != -EBUSY && k->rings[vq->index].vq == vq)
		queue_release_locked(k, vq);
	return ret;
}

static int
vio_kern_queue_setup(struct vio_hw *hw, struct vio_vq *vq)
{
	struct vio_kern *k = kern_of(hw);
	int ret;

	pthread_mutex_lock(&k->lock);
	ret = queue_setup_locked(k, vq);
	pthread_mutex_unlock(&k->lock);
	return ret;
}

static uint16_t
vio_kern_max_queue_pairs(struct vio_hw *hw)
{
	return kern_of(hw)->npairs;
}

/* ---- open and close ---- */

static void
kern_free(struct vio_kern *k)
{
	uint16_t i;

	for (i = 0; i < 2 * k->npairs; i++)
		ring_close_fds(&k->rings[i]);
	for (i = 0; i < k->npairs; i++) {
		if (k->pairs[i].vhostfd >= 0)
			close(k->pairs[i].vhostfd);
		if (k->pairs[i].tapfd >= 0)
			close(k->pairs[i].tapfd);
	}
	pthread_mutex_destroy(&k->lock);
	free(k);
}

static void
vio_kern_close(struct vio_hw *hw)
{
	struct vio_kern *k = kern_of(hw);

	if (k == NULL)
		return;
	/* Closing the vhost-net fds stops the rings; the tap goes with its
	 * last queue (unless it was made persistent by someone else). */
	kern_free(k);
	hw->tp = NULL;
}

/* The kick eventfd vhost-net got with VHOST_SET_VRING_KICK. */
static int
vio_kern_queue_notify_fd(struct vio_hw *hw, uint16_t index)
{
	struct vio_kern *k = kern_of(hw);
	int fd = -ENODEV;

	if (k == NULL)
		return -ENODEV;
	pthread_mutex_lock(&k->lock);
	if (index < 2u * k->npairs && k->rings[index].kickfd >= 0)
		fd = k->rings[index].kickfd;
	pthread_mutex_unlock(&k->lock);
	return fd;
}

static const struct vio_transport_ops vio_kern_ops = {
	.name = "vio_user_kernel",
	.get_features = vio_kern_get_features,
	.set_features = vio_kern_set_features,
	.get_status = vio_kern_get_status,
	.set_status = vio_kern_set_status,
	.read_config = vio_kern_read_config,
	.write_config = vio_kern_write_config,
	.queue_max_size = vio_kern_queue_max_size,
	.queue_setup = vio_kern_queue_setup,
	.queue_release = vio_kern_queue_release,
	.max_queue_pairs = vio_kern_max_queue_pairs,
	.queue_notify_fd = vio_kern_queue_notify_fd,
	.close = vio_kern_close,
};

static struct vio_kern *
kern_alloc(const struct vio_user_params *p, uint16_t pairs, uint16_t size)
{
	struct vio_kern *k;
	uint16_t i;

	k = calloc(1, sizeof(*k) + sizeof(k->rings[0]) * 2 * pairs +
		   sizeof(k->pairs[0]) * pairs);
	if (k == NULL)
		return NULL;
	if (pthread_mutex_init(&k->lock, NULL) != 0) {
		free(k);
		return NULL;
	}
	k->pairs = (struct vio_kern_pair *)&k->rings[2 * pairs];
	k->npairs = pairs;
	k->queue_size = size;
	k->ctrl = p->ctrl_vq;
	for (i = 0; i < 2 * pairs; i++) {
		k->rings[i].kickfd = -1;
		k->rings[i].callfd = -1;
	}
	for (i = 0; i < pairs; i++) {
		k->pairs[i].vhostfd = -1;
		k->pairs[i].tapfd = -1;
	}
	snprintf(k->name, sizeof(k->name), "vio_user(%s)", p->path);
	if (p->iface != NULL)
		snprintf(k->ifname, sizeof(k->ifname), "%s", p->iface);
	return k;
}

/* Pair p's vhost-net device, owned by this process. */
static int
open_vhost(struct vio_kern *k, const char *path, uint16_t p)
{
	int fd = open(path, O_RDWR | O_CLOEXEC);

	if (fd < 0) {
		int ret = -errno;

		VIO_LOG(vhost, ERR, "%s: cannot open %s: %s%s", k->name, path,
			strerror(errno), errno == EACCES || errno == EPERM ?
			" (the vhost-net device needs read/write permission)" :
			errno == ENOENT ? " (modprobe vhost_net)" : "");
		return ret;
	}
	k->pairs[p].vhostfd = fd;
	return vhost_ioctl(k, p, VHOST_SET_OWNER, "VHOST_SET_OWNER", NULL);
}

/* Every pair: its vhost-net device and tap queue. Queues other than the
 * first wait detached until their rings run. */
static int
open_pairs(struct vio_kern *k, const char *path)
{
	bool multi = k->npairs > 1;
	uint16_t p;
	int ret;

	for (p = 0; p < k->npairs; p++) {
		ret = open_vhost(k, path, p);
		if (ret < 0)
			return ret;
		ret = vio_tap_queue_open(k->ifname, multi, k->name);
		if (ret < 0)
			return ret;
		k->pairs[p].tapfd = ret;
		k->pairs[p].attached = true;
		if (p > 0) {
			ret = vio_tap_queue_attach(ret, false, k->name);
			if (ret < 0)
				return ret;
			k->pairs[p].attached = false;
		}
	}
	return 0;
}

static int
offer_features(struct vio_kern *k, const struct vio_user_params *p)
{
	uint64_t vf;
	char buf[512];
	int ret;

	ret = vhost_ioctl(k, 0, VHOST_GET_FEATURES, "VHOST_GET_FEATURES", &vf);
	if (ret < 0)
		return ret;
	if (!(vf & VIO_BIT(VIO_F_VERSION_1))) {
		VIO_LOG(vhost, ERR, "%s: vhost-net does not offer VERSION_1 (kernel too old)",
			k->name);
		return -ENOTSUP;
	}
	k->offered = (vf & (VIO_KERN_VHOST_FEATURES | VIO_KERN_OFFERED_ONLY)) |
		     VIO_KERN_HOST_OFFLOADS |
		     vio_tap_guest_offloads(k->pairs[0].tapfd) |
		     VIO_BIT(VIO_NET_F_MAC) | VIO_BIT(VIO_NET_F_STATUS) |
		     VIO_BIT(VIO_NET_F_SPEED_DUPLEX);
	if (p->mtu != 0)
		k->offered |= VIO_BIT(VIO_NET_F_MTU);
	if (p->ctrl_vq)
		k->offered |= VIO_KERN_CTRL_FEATURES |
			      (k->npairs > 1 ? VIO_BIT(VIO_NET_F_MQ) : 0);
	vio_dev_features_str(k->offered, buf, sizeof(buf));
	VIO_LOG(vhost, INFO, "%s: tap %s, %u queue pair(s); features %s",
		k->name, k->ifname, k->npairs, buf);
	return 0;
}

static void
config_init(struct vio_kern *k, const struct vio_user_params *p)
{
	struct vio_net_config *c = &k->config;
	uint64_t r = rte_rand();

	memcpy(c->mac, p->mac_set ? p->mac : (const uint8_t *)&r, sizeof(c->mac));
	if (!p->mac_set)
		c->mac[0] = (c->mac[0] & 0xfe) | 0x02;	/* unicast, local */
	c->max_virtqueue_pairs = k->npairs;
	c->mtu = p->mtu;
	c->speed = p->speed != 0 ? p->speed : UINT32_MAX;	/* 5.1.4: unknown */
	c->duplex = 1;
}

static int
check_params(const struct vio_user_params *p, uint16_t *pairs, uint16_t *size)
{
	*pairs = p->queue_pairs != 0 ? p->queue_pairs : 1;
	*size = p->queue_size != 0 ? p->queue_size : VIO_KERN_QUEUE_SIZE;
	if (p->server) {
		VIO_LOG(vhost, ERR, "vio_user(%s): server=1 is for vhost-user sockets, this is a vhost-kernel device",
			p->path);
		return -EINVAL;
	}
	if (*pairs > VIO_KERN_MAX_PAIRS) {
		VIO_LOG(vhost, ERR, "vio_user(%s): %u queue pairs, a tap has at most %u",
			p->path, *pairs, VIO_KERN_MAX_PAIRS);
		return -EINVAL;
	}
	if ((*size & (*size - 1)) != 0 || *size > VIO_MAX_QUEUE_SIZE) {
		VIO_LOG(vhost, ERR, "vio_user(%s): queue size %u is not a power of two up to %u",
			p->path, *size, VIO_MAX_QUEUE_SIZE);
		return -EINVAL;
	}
	return 0;
}

int
vio_user_kernel_open(struct vio_hw *hw, const struct vio_user_params *p)
{
	struct vio_kern *k;
	uint16_t pairs, size;
	int ret;

	ret = check_params(p, &pairs, &size);
	if (ret < 0)
		return ret;
	k = kern_alloc(p, pairs, size);
	if (k == NULL)
		return -ENOMEM;
	ret = open_pairs(k, p->path);
	/* Two ports share the device path: the tap tells them apart. */
	if (ret == 0)
		snprintf(k->name, sizeof(k->name), "vio_user(%s,%s)", p->path, k->ifname);
	if (ret == 0)
		ret = offer_features(k, p);
	if (ret < 0) {
		kern_free(k);
		return ret;
	}
	config_init(k, p);
	hw->ops = &vio_kern_ops;
	hw->tp = k;
	hw->use_va = true;
	hw->modern = true;
	snprintf(hw->name, sizeof(hw->name), "%s", k->name);
	return 0;
}
