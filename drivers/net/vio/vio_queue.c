/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Rx/tx queue setup and release, and handing the queues to the device at
 * start. Queue memory is a memzone the device can reach; the queues
 * start on the datapath chosen for the port (vio_dp_ethdev.c).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_malloc.h>
#include <rte_memzone.h>

#include "vio_ethdev.h"
#include "vio_rx.h"
#include "vio_vq_packed.h"
#include "vio_vq_split.h"

#define VIO_RING_ALIGN 4096
#define VIO_TX_FREE_THRESH 32

static struct vio_adapter *
adapter_of(struct rte_eth_dev *dev)
{
	return dev->data->dev_private;
}

/* The smallest power of two >= n, within the ring sizes vio runs. */
static uint16_t
vio_ring_size_for(uint32_t n)
{
	if (n <= VIO_MIN_QUEUE_SIZE)
		return VIO_MIN_QUEUE_SIZE;
	if (n >= VIO_MAX_QUEUE_SIZE)
		return VIO_MAX_QUEUE_SIZE;
	return (uint16_t)rte_align32pow2(n);
}

/*
 * The size of virtqueue `index` for an application that asked for
 * nb_desc descriptors: nb_desc rounded up to a power of two, capped by
 * queue_size when the user gave it, then by the device's maximum. A
 * legacy device's queues have its own fixed size. Every cap that changes
 * the application's request says so in the log, as the request itself
 * passed ethdev's desc_lim check.
 */
static int
vio_queue_size(struct rte_eth_dev *dev, uint16_t index, uint16_t nb_desc,
	       uint16_t *size)
{
	struct vio_adapter *ad = adapter_of(dev);
	uint16_t port = dev->data->port_id;
	uint16_t probe = index, max;

	/* A device may add the queues of its other pairs only once MQ is
	 * negotiated, at start (QEMU does; its queue 2 is the control
	 * queue until then): they are sized as the first pair's, and the
	 * start's queue_setup checks again. */
	if (index >= 2 && ad->da.queues > 1 &&
	    (ad->hw.offered & VIO_BIT(VIO_NET_F_MQ)))
		probe = index & 1;
	max = ad->hw.ops->queue_max_size(&ad->hw, probe);
	if (max == 0) {
		VIO_PMD_LOG(driver, ERR, "port %u: device has no virtqueue %u",
			    port, index);
		return -EINVAL;
	}
	*size = vio_ring_size_for(nb_desc != 0 ? nb_desc : ad->da.queue_size);
	if (ad->da.queue_size_set && *size > ad->da.queue_size) {
		VIO_PMD_LOG(driver, NOTICE, "port %u: virtqueue %u: %u descriptors asked for, %u used (the queue_size devarg)",
			    port, index, nb_desc, ad->da.queue_size);
		*size = ad->da.queue_size;
	}
	if (ad->hw.fixed_queue_size && *size != max) {
		VIO_PMD_LOG(driver, NOTICE, "port %u: virtqueue %u has the device's fixed size %u (%u descriptors asked for)",
			    port, index, max, *size);
		*size = max;
	} else if (*size > max) {
		VIO_PMD_LOG(driver, NOTICE, "port %u: virtqueue %u: %u descriptors asked for, %u used (the device's maximum)",
			    port, index, *size, max);
		*size = max;
	}
	/* A legacy device dictates its size, which may not be a power of 2. */
	if ((*size & (*size - 1)) != 0) {
		VIO_PMD_LOG(driver, ERR, "port %u: virtqueue %u size %u is not a power of two",
			    port, index, *size);
		return -EINVAL;
	}
	if (nb_desc != 0 && *size != nb_desc)
		VIO_PMD_LOG(driver, INFO, "port %u: virtqueue %u has %u descriptors (%u asked for)",
			    port, index, *size, nb_desc);
	return 0;
}

const struct rte_memzone *
vio_queue_mem(struct rte_eth_dev *dev, const char *kind, uint16_t qid,
	      size_t len, unsigned int socket)
{
	char name[RTE_MEMZONE_NAMESIZE];
	const struct rte_memzone *mz;

	snprintf(name, sizeof(name), "vio%u_%s%u", dev->data->port_id, kind, qid);
	mz = rte_memzone_reserve_aligned(name, len, socket,
					 RTE_MEMZONE_IOVA_CONTIG, VIO_RING_ALIGN);
	if (mz == NULL && rte_errno == EEXIST)
		mz = rte_memzone_lookup(name);
	if (mz == NULL)
		VIO_PMD_LOG(driver, ERR, "port %u: no memory for %s queue %u (%zu bytes): %s",
			    dev->data->port_id, kind, qid, len,
			    rte_strerror(rte_errno));
	return mz;
}

uint64_t
vio_mz_addr(struct vio_adapter *ad, const struct rte_memzone *mz)
{
	return ad->hw.use_va ? (uint64_t)(uintptr_t)mz->addr : mz->iova;
}

/* Ring memory for either layout: which one is used is only known once
 * the features are negotiated at start. */
size_t
vio_ring_len(uint16_t size)
{
	return RTE_MAX(vio_vq_split_ring_size(size),
		       vio_vq_packed_ring_size(size));
}

/* The layout a queue set up now will most likely run with; checked
 * again against the negotiated features at start. */
static bool
vio_want_packed(const struct vio_adapter *ad)
{
	return (ad->wanted & ad->hw.offered & VIO_BIT(VIO_F_RING_PACKED)) != 0;
}

int
vio_vq_layout(struct vio_vq *vq, uint16_t index, uint16_t size,
	      const struct rte_memzone *mz, uint64_t addr, bool packed,
	      bool in_order)
{
	if (packed)
		return vio_vq_init_packed(vq, index, size, mz->addr, addr,
					  in_order);
	return vio_vq_init(vq, index, size, mz->addr, addr);
}

/* At start: lay the ring out again if the negotiated layout differs from
 * the one chosen at setup, and take the in-order mode negotiated. */
static int
vio_vq_relayout(struct vio_adapter *ad, struct vio_vq *vq,
		const struct rte_memzone *mz)
{
	bool packed = vio_hw_has(&ad->hw, VIO_F_RING_PACKED);
	bool in_order = packed && vio_hw_has(&ad->hw, VIO_F_IN_ORDER);
	struct vio_vq_errors err = vq->err;
	int ret;

	if (vq->is_packed == packed) {
		vq->in_order = in_order;
		return 0;
	}
	vio_vq_fini(vq);
	ret = vio_vq_layout(vq, vq->index, vq->size, mz, vio_mz_addr(ad, mz),
			    packed, in_order);
	vq->err = err;
	return ret;
}

int
vio_rx_queue_setup(struct rte_eth_dev *dev, uint16_t qid, uint16_t nb_desc,
		   unsigned int socket, const struct rte_eth_rxconf *conf,
		   struct rte_mempool *mp)
{
	struct vio_adapter *ad = adapter_of(dev);
	struct vio_rxq *rxq;
	uint16_t size;
	int ret;

	ret = vio_queue_size(dev, 2 * qid, nb_desc, &size);
	if (ret < 0)
		return ret;
	vio_rx_queue_release(dev, qid);
	rxq = rte_zmalloc_socket("vio_rxq", sizeof(*rxq), RTE_CACHE_LINE_SIZE,
				 socket);
	if (rxq == NULL)
		return -ENOMEM;
	rxq->mz = vio_queue_mem(dev, "rx", qid, vio_ring_len(size), socket);
	if (rxq->mz == NULL) {
		rte_free(rxq);
		return -ENOMEM;
	}
	ret = vio_vq_layout(&rxq->vq, 2 * qid, size, rxq->mz,
			    vio_mz_addr(ad, rxq->mz), vio_want_packed(ad), false);
	if (ret < 0) {
		rte_memzone_free(rxq->mz);
		rte_free(rxq);
		return ret;
	}
	rxq->mp = mp;
	rxq->queue_offloads = conf->offloads;
	rxq->nombuf = &dev->data->rx_mbuf_alloc_failed;
	rxq->port_id = dev->data->port_id;
	rxq->queue_id = qid;
	dev->data->rx_queues[qid] = rxq;
	return 0;
}

int
vio_tx_queue_setup(struct rte_eth_dev *dev, uint16_t qid, uint16_t nb_desc,
		   unsigned int socket, const struct rte_eth_txconf *conf)
{
	struct vio_adapter *ad = adapter_of(dev);
	struct vio_txq *txq;
	size_t ring_len;
	uint16_t size;
	int ret;

	ret = vio_queue_size(dev, 2 * qid + 1, nb_desc, &size);
	if (ret < 0)
		return ret;
	vio_tx_queue_release(dev, qid);
	txq = rte_zmalloc_socket("vio_txq", sizeof(*txq), RTE_CACHE_LINE_SIZE,
				 socket);
	if (txq == NULL)
		return -ENOMEM;
	ring_len = vio_ring_len(size);
	txq->mz = vio_queue_mem(dev, "tx", qid,
				ring_len + sizeof(struct vio_tx_region) * size,
				socket);
	if (txq->mz == NULL) {
		rte_free(txq);
		return -ENOMEM;
	}
	ret = vio_vq_layout(&txq->vq, 2 * qid + 1, size, txq->mz,
			    vio_mz_addr(ad, txq->mz), vio_want_packed(ad), false);
	if (ret < 0) {
		rte_memzone_free(txq->mz);
		rte_free(txq);
		return ret;
	}
	txq->region = RTE_PTR_ADD(txq->mz->addr, ring_len);
	txq->region_addr = vio_mz_addr(ad, txq->mz) + ring_len;
	/* Reclaim once VIO_TX_FREE_THRESH descriptors are in use, not when
	 * the ring is nearly full: transmitted mbufs go back to the pool
	 * while still warm in the cache (a ring of 64 KiB TSO packets would
	 * otherwise hold thousands of mbufs), and the batch is as large. */
	txq->free_thresh = conf->tx_free_thresh ? conf->tx_free_thresh :
			   size - RTE_MIN(VIO_TX_FREE_THRESH, size / 4);
	txq->queue_id = qid;
	txq->port_id = dev->data->port_id;
	dev->data->tx_queues[qid] = txq;
	return 0;
}

/* Free every mbuf the queue still holds (the device is stopped). */
static void
vio_vq_free_mbufs(struct vio_vq *vq)
{
	void *cookies[64];
	uint16_t n, i;

	while ((n = vio_vq_drain(vq, cookies, RTE_DIM(cookies))) > 0)
		for (i = 0; i < n; i++)
			rte_pktmbuf_free(cookies[i]);
}

void
vio_rx_queue_release(struct rte_eth_dev *dev, uint16_t qid)
{
	struct vio_rxq *rxq = dev->data->rx_queues[qid];

	if (rxq == NULL)
		return;
	vio_rx_lro_split_stop(rxq);
	vio_vq_free_mbufs(&rxq->vq);
	vio_vq_fini(&rxq->vq);
	rte_memzone_free(rxq->mz);
	rte_free(rxq);
	dev->data->rx_queues[qid] = NULL;
}

void
vio_tx_queue_release(struct rte_eth_dev *dev, uint16_t qid)
{
	struct vio_txq *txq = dev->data->tx_queues[qid];

	if (txq == NULL)
		return;
	vio_vq_free_mbufs(&txq->vq);
	vio_vq_fini(&txq->vq);
	rte_memzone_free(txq->mz);
	rte_free(txq);
	dev->data->tx_queues[qid] = NULL;
}

/* What an rx queue does per packet beyond the ring: the port's and the
 * queue's offloads, the packet types asked for, whether the device's
 * header is read (after negotiation). Also called on a running
 * port (VLAN offload and packet type changes): plain stores the datapath
 * picks up on its next packet. */
void
vio_rxq_offloads_update(struct rte_eth_dev *dev, struct vio_rxq *rxq)
{
	struct vio_adapter *ad = adapter_of(dev);
	const struct rte_eth_rxmode *rxmode = &dev->data->dev_conf.rxmode;
	uint8_t sw = 0;

	rxq->offloads = rxq->queue_offloads | rxmode->offloads;
	if (rxq->offloads & RTE_ETH_RX_OFFLOAD_VLAN_STRIP)
		sw |= VIO_RX_SW_VLAN_STRIP;
	if (ad->ptype_mask != 0)
		sw |= VIO_RX_SW_PTYPE;
	if (rxq->offloads & RTE_ETH_RX_OFFLOAD_IPV4_CKSUM)
		sw |= VIO_RX_SW_IP_CKSUM;
	if (vio_hw_has(&ad->hw, VIO_NET_F_GUEST_CSUM))
		sw |= VIO_RX_DEV_HDR;
	rxq->max_lro_pkt_size = rxmode->max_lro_pkt_size;
	rxq->ptype_mask = ad->ptype_mask;
	rxq->sw_offloads = sw;
}

const struct vio_offload_caps *
vio_txq_offload_caps(const void *queue)
{
	const struct vio_txq *txq = queue;

	return &txq->caps;
}

/* Mbufs per rx buffer without MRG_RXBUF: a buffer holds a whole frame. */
static uint16_t
vio_rx_segs_per_buf(struct rte_eth_dev *dev, const struct vio_rxq *rxq)
{
	uint32_t frame = dev->data->mtu + RTE_ETHER_HDR_LEN + RTE_VLAN_HLEN;
	uint32_t room = rte_pktmbuf_data_room_size(rxq->mp) -
			RTE_PKTMBUF_HEADROOM;
	uint32_t more = room + rxq->hdr_size;

	if (frame <= room)
		return 1;
	/* The first mbuf takes `room` bytes of frame, the next ones also
	 * reuse the header's bytes of their headroom. */
	return (uint16_t)(1 + (frame - room + more - 1) / more);
}

/* Mbufs per buffer the queue needs: one with MRG_RXBUF. */
static uint16_t
vio_rxq_segs(struct rte_eth_dev *dev, const struct vio_rxq *rxq)
{
	struct vio_adapter *ad = adapter_of(dev);

	return vio_hw_has(&ad->hw, VIO_NET_F_MRG_RXBUF) ? 1 :
	       vio_rx_segs_per_buf(dev, rxq);
}

/* Start an rx queue on the datapath `dp` chosen for the port. */
static int
vio_rxq_start(struct rte_eth_dev *dev, struct vio_rxq *rxq,
	      const struct vio_dp *dp)
{
	struct vio_adapter *ad = adapter_of(dev);
	bool packed;
	int ret;

	ret = vio_vq_relayout(ad, &rxq->vq, rxq->mz);
	if (ret < 0)
		return ret;
	packed = rxq->vq.is_packed;
	vio_vq_reset(&rxq->vq);
	rxq->use_va = ad->hw.use_va;
	rxq->segs_per_buf = vio_rxq_segs(dev, rxq);
	/* A packed chained buffer takes one more slot, for its header. */
	if (rxq->segs_per_buf + (packed && rxq->segs_per_buf > 1) >
	    rxq->vq.size) {
		VIO_PMD_LOG(driver, ERR, "port %u: MTU %u needs %u mbufs per buffer without mrg_rxbuf, more than the queue has",
			    dev->data->port_id, dev->data->mtu, rxq->segs_per_buf);
		return -EINVAL;
	}
	vio_rxq_offloads_update(dev, rxq);
	dp->prepare(rxq);
	rxq->vq.tag = dev->data->port_id;	/* vio_proc.c's kicks */
	ret = ad->hw.ops->queue_setup(&ad->hw, &rxq->vq);
	if (ret < 0)
		return ret;
	if (dp->refill(rxq) == 0) {
		VIO_PMD_LOG(driver, ERR, "port %u: no mbufs to fill rx queue %u",
			    dev->data->port_id, rxq->queue_id);
		ad->hw.ops->queue_release(&ad->hw, &rxq->vq);
		return -ENOMEM;
	}
	return 0;
}

static int
vio_txq_start(struct rte_eth_dev *dev, struct vio_txq *txq)
{
	struct vio_adapter *ad = adapter_of(dev);
	int ret;

	ret = vio_vq_relayout(ad, &txq->vq, txq->mz);
	if (ret < 0)
		return ret;
	vio_vq_reset(&txq->vq);
	txq->segs_held = 0;
	txq->hdr_size = ad->hw.hdr_size;
	txq->use_va = ad->hw.use_va;
	txq->indirect = vio_hw_has(&ad->hw, VIO_F_RING_INDIRECT_DESC);
	vio_offload_caps_init(&txq->caps, ad->hw.features);
	/* Without CSUM the device must only ever see all-zero headers. */
	txq->hdr_flags = vio_hw_has(&ad->hw, VIO_NET_F_CSUM) ?
			 VIO_TX_HDR_FLAGS : 0;
	txq->vq.tag = dev->data->port_id;
	return ad->hw.ops->queue_setup(&ad->hw, &txq->vq);
}

/* Reported with the queue info: applications (testpmd) forward only on
 * queues in the started state. */
static void
vio_queues_set_state(struct rte_eth_dev *dev, uint8_t state)
{
	uint16_t i;

	for (i = 0; i < dev->data->nb_rx_queues; i++)
		dev->data->rx_queue_state[i] = state;
	for (i = 0; i < dev->data->nb_tx_queues; i++)
		dev->data->tx_queue_state[i] = state;
}

/* ethdev starts a port whose queues were not all set up. */
static int
vio_queues_check(struct rte_eth_dev *dev)
{
	uint16_t i;

	for (i = 0; i < dev->data->nb_rx_queues; i++)
		if (dev->data->rx_queues[i] == NULL ||
		    dev->data->tx_queues[i] == NULL) {
			VIO_PMD_LOG(driver, ERR, "port %u: queue pair %u is not set up",
				    dev->data->port_id, i);
			return -EINVAL;
		}
	return 0;
}

/* The datapath for the port: chained buffers when any queue needs them
 * (its pool's mbufs are smaller), one path for every queue. */
static int
vio_queues_choose(struct rte_eth_dev *dev, struct vio_dp_choice *choice)
{
	struct vio_adapter *ad = adapter_of(dev);
	uint16_t i, segs = 1;

	for (i = 0; i < dev->data->nb_rx_queues; i++) {
		struct vio_rxq *rxq = dev->data->rx_queues[i];

		rxq->hdr_size = ad->hw.hdr_size;
		segs = RTE_MAX(segs, vio_rxq_segs(dev, rxq));
	}
	return vio_dp_choose(dev, segs, choice);
}

int
vio_queues_start(struct rte_eth_dev *dev)
{
	struct vio_dp_choice choice;
	uint16_t i;
	int ret;

	ret = vio_queues_check(dev);
	if (ret == 0)
		ret = vio_queues_choose(dev, &choice);
	for (i = 0; i < dev->data->nb_rx_queues && ret == 0; i++)
		ret = vio_rxq_start(dev, dev->data->rx_queues[i], choice.dp);
	for (i = 0; i < dev->data->nb_tx_queues && ret == 0; i++)
		ret = vio_txq_start(dev, dev->data->tx_queues[i]);
	if (ret == 0)
		ret = vio_dp_install(dev, &choice);
	if (ret < 0) {
		vio_queues_stop(dev);
		return ret;
	}
	vio_queues_set_state(dev, RTE_ETH_QUEUE_STATE_STARTED);
	return 0;
}

/* After DRIVER_OK: tell the device about the rx buffers already posted. */
void
vio_queues_kick(struct rte_eth_dev *dev)
{
	uint16_t i;

	for (i = 0; i < dev->data->nb_rx_queues; i++) {
		struct vio_rxq *rxq = dev->data->rx_queues[i];

		vio_vq_notify(&rxq->vq);
	}
}

void
vio_queues_stop(struct rte_eth_dev *dev)
{
	struct vio_adapter *ad = adapter_of(dev);
	uint16_t i;

	vio_queues_set_state(dev, RTE_ETH_QUEUE_STATE_STOPPED);
	for (i = 0; i < dev->data->nb_rx_queues; i++) {
		struct vio_rxq *rxq = dev->data->rx_queues[i];

		if (rxq == NULL)
			continue;
		ad->hw.ops->queue_release(&ad->hw, &rxq->vq);
		vio_rx_lro_split_stop(rxq);
		vio_vq_free_mbufs(&rxq->vq);
	}
	for (i = 0; i < dev->data->nb_tx_queues; i++) {
		struct vio_txq *txq = dev->data->tx_queues[i];

		if (txq == NULL)
			continue;
		ad->hw.ops->queue_release(&ad->hw, &txq->vq);
		vio_vq_free_mbufs(&txq->vq);
	}
}

void
vio_rxq_info_get(struct rte_eth_dev *dev, uint16_t qid,
		 struct rte_eth_rxq_info *info)
{
	const struct vio_rxq *rxq = dev->data->rx_queues[qid];

	info->mp = rxq->mp;
	info->nb_desc = rxq->vq.size;
	/* Frames over several mbufs: mergeable buffers or chained ones. */
	info->scattered_rx = vio_hw_has(&adapter_of(dev)->hw,
					VIO_NET_F_MRG_RXBUF) ||
			     rxq->segs_per_buf > 1;
	info->rx_buf_size = rte_pktmbuf_data_room_size(rxq->mp) -
			    RTE_PKTMBUF_HEADROOM;
}

void
vio_txq_info_get(struct rte_eth_dev *dev, uint16_t qid,
		 struct rte_eth_txq_info *info)
{
	const struct vio_txq *txq = dev->data->tx_queues[qid];

	info->nb_desc = txq->vq.size;
	info->conf.tx_free_thresh = txq->free_thresh;
}
