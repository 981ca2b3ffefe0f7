/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The memory table: the backend must map every byte of DPDK memory that
 * rings and mbufs can live in, so DPDK's memory is described as regions
 * of the files behind it (a memfd in --no-huge mode, hugetlbfs files
 * otherwise), each sent with its fd. Descriptors carry our virtual
 * addresses, so guest_phys_addr = userspace_addr.
 */
#include <errno.h>
#include <inttypes.h>
#include <sched.h>
#include <string.h>

#include <rte_common.h>
#include <rte_eal_memconfig.h>
#include <rte_errno.h>
#include <rte_memory.h>

#include "vio_log.h"
#include "vio_user_priv.h"

struct mem_walk {
	struct vio_user *u;
	unsigned int max;	/* regions the backend takes */
	unsigned int n;
	int err;
	int fds[VIO_USER_MAX_SLOTS];
	struct vio_vhu_mem_region regs[VIO_USER_MAX_SLOTS];
};

/* Grow region r to cover [addr, addr + len), which maps the same file
 * linearly (the merge may cover holes: the backend maps, never touches). */
static void
region_extend(struct vio_vhu_mem_region *r, uint64_t addr, uint64_t len)
{
	uint64_t start = RTE_MIN(r->userspace_addr, addr);
	uint64_t end = RTE_MAX(r->userspace_addr + r->memory_size, addr + len);

	r->mmap_offset -= r->userspace_addr - start;
	r->userspace_addr = start;
	r->guest_phys_addr = start;
	r->memory_size = end - start;
}

static int
mem_add_chunk(struct mem_walk *w, int fd, uint64_t addr, uint64_t off,
	      uint64_t len)
{
	struct vio_vhu_mem_region *r;
	unsigned int i;

	for (i = 0; i < w->n; i++) {
		r = &w->regs[i];
		if (w->fds[i] == fd &&
		    (int64_t)(addr - r->userspace_addr) ==
		    (int64_t)(off - r->mmap_offset)) {
			region_extend(r, addr, len);
			return 0;
		}
	}
	if (w->n == w->max) {
		VIO_LOG(vhost, ERR, "%s: DPDK memory is spread over more than %u files, the most the vhost-user backend accepts: start the EAL with --single-file-segments (or with --legacy-mem and few, large hugepages)",
			w->u->name, w->max);
		return -E2BIG;
	}
	r = &w->regs[w->n];
	r->guest_phys_addr = addr;
	r->userspace_addr = addr;
	r->memory_size = len;
	r->mmap_offset = off;
	w->fds[w->n++] = fd;
	return 0;
}

static int
mem_walk_chunk(const struct rte_memseg_list *msl, const struct rte_memseg *ms,
	       size_t len, void *arg)
{
	struct mem_walk *w = arg;
	size_t off;
	int fd;

	if (msl->external) {
		/* An application's own memory: DPDK has no fd for it. */
		VIO_LOG(vhost, WARNING, "%s: external memory at %p (%zu bytes) is not shared with the backend: buffers there cannot be sent",
			w->u->name, ms->addr, len);
		return 0;
	}
	fd = rte_memseg_get_fd_thread_unsafe(ms);
	if (fd < 0 || rte_memseg_get_fd_offset_thread_unsafe(ms, &off) < 0) {
		VIO_LOG(vhost, ERR, "%s: DPDK memory at %p (%zu bytes) has no file the vhost-user backend could map (%s): use --no-huge (memfd) or hugepages with --single-file-segments",
			w->u->name, ms->addr, len, rte_strerror(rte_errno));
		w->err = -ENOTSUP;
		return -1;
	}
	w->err = mem_add_chunk(w, fd, (uintptr_t)ms->addr, off, len);
	return w->err < 0 ? -1 : 0;
}

static int
mem_set_table(struct vio_user *u, const struct mem_walk *w)
{
	struct vio_vhu_msg msg = { .request = VIO_VHU_SET_MEM_TABLE };

	msg.payload.mem.nregions = w->n;
	memcpy(msg.payload.mem.regions, w->regs, sizeof(w->regs[0]) * w->n);
	msg.size = offsetof(struct vio_vhu_mem_table, regions) +
		   sizeof(w->regs[0]) * w->n;
	return vio_user_set(u, &msg, w->fds, w->n);
}

static bool
region_in(const struct vio_vhu_mem_region *r,
	  const struct vio_vhu_mem_region *set, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (set[i].userspace_addr == r->userspace_addr &&
		    set[i].memory_size == r->memory_size &&
		    set[i].mmap_offset == r->mmap_offset)
			return true;
	return false;
}

static int
mem_reg_msg(struct vio_user *u, uint32_t request,
	    const struct vio_vhu_mem_region *r, int fd)
{
	struct vio_vhu_msg msg = {
		.request = request,
		.size = sizeof(msg.payload.mem_single),
		.payload.mem_single.region = *r,
	};

	return vio_user_set(u, &msg, &fd, fd >= 0 ? 1 : 0);
}

/* CONFIGURE_MEM_SLOTS: remove what went away, then add what is new. */
static int
mem_update_slots(struct vio_user *u, const struct mem_walk *w)
{
	unsigned int i = 0;
	int ret;

	while (i < u->nslots) {
		if (region_in(&u->slots[i], w->regs, w->n)) {
			i++;
			continue;
		}
		ret = mem_reg_msg(u, VIO_VHU_REM_MEM_REG, &u->slots[i], -1);
		if (ret < 0)
			return ret;
		u->slots[i] = u->slots[--u->nslots];
	}
	for (i = 0; i < w->n; i++) {
		if (region_in(&w->regs[i], u->slots, u->nslots))
			continue;
		ret = mem_reg_msg(u, VIO_VHU_ADD_MEM_REG, &w->regs[i], w->fds[i]);
		if (ret < 0)
			return ret;
		u->slots[u->nslots++] = w->regs[i];
	}
	return 0;
}

static void
mem_log(const struct vio_user *u, const struct mem_walk *w)
{
	unsigned int i;

	for (i = 0; i < w->n; i++)
		VIO_LOG(vhost, DEBUG, "%s: memory region %u: addr 0x%" PRIx64 " size 0x%" PRIx64 " offset 0x%" PRIx64 " fd %d",
			u->name, i, w->regs[i].userspace_addr,
			w->regs[i].memory_size, w->regs[i].mmap_offset, w->fds[i]);
}

/* The walk and the messages; the caller holds the memory hotplug lock
 * (read, or write in a memory event) and u->lock. */
static int
mem_update_held(struct vio_user *u)
{
	bool slots = vio_user_has_pf(u, VIO_VHU_PROTOCOL_F_CONFIGURE_MEM_SLOTS);
	struct mem_walk w = {
		.u = u,
		/* max_mem_slots is capped at VIO_USER_MAX_SLOTS already. */
		.max = slots ? u->max_mem_slots : VIO_VHU_MAX_REGIONS,
	};
	int ret;

	ret = rte_memseg_contig_walk_thread_unsafe(mem_walk_chunk, &w);
	if (ret < 0 && w.err == 0)
		w.err = -EINVAL;
	if (w.err == 0 && w.n == 0) {
		VIO_LOG(vhost, ERR, "%s: no DPDK memory to share with the backend",
			u->name);
		w.err = -ENOMEM;
	}
	if (w.err == 0) {
		mem_log(u, &w);
		w.err = slots ? mem_update_slots(u, &w) : mem_set_table(u, &w);
	}
	return w.err;
}

int
vio_user_mem_update(struct vio_user *u)
{
	int ret;

	/* Announced before waiting for the hotplug lock: a memory event
	 * that comes first (its thread holds the lock for writing, and
	 * cannot get u->lock from us) leaves its update to this walk,
	 * which sees the new memory. Withdrawn before the lock goes, so
	 * that a later event does not count on a walk that is over. Held
	 * while sending too: the fds belong to EAL, which could close one
	 * if memory were freed before the backend has it. */
	__atomic_add_fetch(&u->mem_walkers, 1, __ATOMIC_SEQ_CST);
	rte_mcfg_mem_read_lock();
	ret = mem_update_held(u);
	__atomic_sub_fetch(&u->mem_walkers, 1, __ATOMIC_SEQ_CST);
	rte_mcfg_mem_read_unlock();
	return ret;
}

/* ---- memory events ---- */

/* SET_VRING_ENABLE on every ring the backend runs and the driver has
 * enabled: off while the table changes, then back. */
static int
mem_rings_enable(struct vio_user *u, bool on)
{
	uint16_t i;
	int ret;

	if (!(u->backend_features & VIO_BIT(VIO_F_PROTOCOL_FEATURES)))
		return 0;
	for (i = 0; i < u->nr_queues; i++) {
		struct vio_vhu_msg msg = {
			.request = VIO_VHU_SET_VRING_ENABLE,
			.size = sizeof(msg.payload.state),
			.payload.state = { .index = i, .num = on },
		};

		if (!u->queues[i].running || u->queues[i].disabled)
			continue;
		ret = vio_user_set(u, &msg, NULL, 0);
		if (ret < 0)
			return ret;
	}
	return 0;
}

/* Memory the EAL added (dynamic memory mode): a backend running the
 * rings must be able to translate buffers there before the application
 * can put one on a ring, so the table goes out before the allocation
 * returns. The rings are paused at the backend meanwhile (as DPDK's
 * virtio-user does); the driver's own datapath goes on, the rings' memory
 * does not move. Runs in the allocating thread with the hotplug lock
 * held for writing. Freed memory is left in the table: the backend's
 * mapping of it is harmless, and no buffer can be there any more. */
static void
mem_event_cb(enum rte_mem_event type, const void *addr, size_t len, void *arg)
{
	struct vio_user *u = arg;
	const struct rte_memseg_list *msl;
	int ret = 0;

	if (type != RTE_MEM_EVENT_ALLOC)
		return;
	msl = rte_mem_virt2memseg_list(addr);
	if (msl == NULL || msl->external)
		return;
	/* u->lock may be held by a thread that waits for the hotplug lock
	 * (vio_user_mem_update): then its walk includes this memory. */
	while (pthread_mutex_trylock(&u->lock) != 0) {
		if (__atomic_load_n(&u->mem_walkers, __ATOMIC_SEQ_CST) > 0)
			return;
		sched_yield();
	}
	if (u->started && u->sock >= 0 && u->conn_err == 0) {
		ret = mem_rings_enable(u, false);
		if (ret == 0)
			ret = mem_update_held(u);
		if (ret == 0)
			ret = mem_rings_enable(u, true);
		if (ret < 0)
			VIO_LOG(vhost, ERR, "%s: the backend did not take the memory added at %p (%zu bytes): %s; buffers there cannot be sent or received",
				u->name, addr, len, strerror(-ret));
		else
			VIO_LOG(vhost, INFO, "%s: memory added at %p (%zu bytes): memory table sent again",
				u->name, addr, len);
	}
	pthread_mutex_unlock(&u->lock);
}

void
vio_user_mem_events_start(struct vio_user *u)
{
	/* Legacy memory (--legacy-mem, --no-huge) never grows: ENOTSUP. */
	if (rte_mem_event_callback_register(u->name, mem_event_cb, u) == 0)
		u->mem_events = true;
	else if (rte_errno != ENOTSUP)
		VIO_LOG(vhost, WARNING, "%s: memory events not followed (%s): memory DPDK adds later is not given to the backend",
			u->name, rte_strerror(rte_errno));
}

/* Without u->lock: a running callback may be waiting for it. */
void
vio_user_mem_events_stop(struct vio_user *u)
{
	if (u->mem_events)
		rte_mem_event_callback_unregister(u->name, u);
	u->mem_events = false;
}
