/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The port's control virtqueue (lib/virtio vio_cvq) and the ethdev ops
 * that go through it: receive modes, MAC filters and address, VLAN
 * filter, and the number of queue pairs in use (MQ_VQ_PAIRS_SET).
 *
 * The queue lives while the device runs: set up at each start before
 * DRIVER_OK, reset with the device at each stop. Filters set while the
 * port is stopped are kept (by ethdev, or here for the multicast list)
 * and sent at the next start, since a reset device forgot them.
 */
#include <errno.h>
#include <string.h>

#include <rte_memzone.h>

#include "vio_ethdev.h"

/* A command ring this long holds a few commands; one is in flight. */
#define VIO_CTRL_RING_SIZE	64
#define VIO_CTRL_REGION_ALIGN	64

static const char *const vio_ctrl_names[VIO_CTRL_NB] = {
	[VIO_CTRL_PROMISC] = "rx_promisc",
	[VIO_CTRL_ALLMULTI] = "rx_allmulti",
	[VIO_CTRL_MAC_TABLE] = "mac_table_set",
	[VIO_CTRL_MAC_ADDR] = "mac_addr_set",
	[VIO_CTRL_VLAN_ADD] = "vlan_add",
	[VIO_CTRL_VLAN_DEL] = "vlan_del",
	[VIO_CTRL_MQ_PAIRS] = "mq_vq_pairs_set",
	[VIO_CTRL_RSS_CONFIG] = "mq_rss_config",
	[VIO_CTRL_HASH_CONFIG] = "mq_hash_config",
	[VIO_CTRL_ANNOUNCE] = "announce_ack",
};

static struct vio_adapter *
adapter_of(struct rte_eth_dev *dev)
{
	return dev->data->dev_private;
}

const char *
vio_ctrl_cmd_name(enum vio_ctrl_cmd c)
{
	return vio_ctrl_names[c];
}

/* cq=1 asks for one; several queue pairs need one (MQ requires CTRL_VQ). */
bool
vio_ctrl_wanted(const struct vio_devargs *da)
{
	return da->cq || da->queues > 1;
}

/*
 * CTRL_VLAN only when the application filters VLANs: a device with it
 * drops tagged frames of every VLAN not added (QEMU does), which an
 * application that never adds one would not expect.
 */
uint64_t
vio_ctrl_features(const struct vio_devargs *da, uint64_t rx_offloads)
{
	uint64_t f;

	if (!vio_ctrl_wanted(da))
		return 0;
	f = VIO_BIT(VIO_NET_F_CTRL_VQ) | VIO_BIT(VIO_NET_F_CTRL_RX) |
	    VIO_BIT(VIO_NET_F_CTRL_MAC_ADDR);
	if (da->queues > 1)
		f |= VIO_BIT(VIO_NET_F_MQ);
	if (rx_offloads & RTE_ETH_RX_OFFLOAD_VLAN_FILTER)
		f |= VIO_BIT(VIO_NET_F_CTRL_VLAN);
	return f;
}

/* Whether the port gets a control queue (negotiated at start). */
bool
vio_ctrl_in_use(const struct vio_adapter *ad)
{
	return vio_ctrl_wanted(&ad->da) &&
	       (ad->hw.offered & VIO_BIT(VIO_NET_F_CTRL_VQ));
}

/* 5.1.2: after the data queues of the device's max_virtqueue_pairs with
 * MQ, not of the pairs the application uses. */
static uint16_t
vio_ctrl_index(struct vio_adapter *ad)
{
	uint16_t pairs = 1;

	if (vio_hw_has(&ad->hw, VIO_NET_F_MQ))
		ad->hw.ops->read_config(&ad->hw, offsetof(struct vio_net_config,
					max_virtqueue_pairs), &pairs,
					sizeof(pairs));
	return vio_cvq_index(ad->hw.features, pairs);
}

static int
vio_ctrl_ring_size(struct rte_eth_dev *dev, uint16_t index, uint16_t *size)
{
	struct vio_adapter *ad = adapter_of(dev);
	uint16_t max = ad->hw.ops->queue_max_size(&ad->hw, index);

	*size = ad->hw.fixed_queue_size ? max : RTE_MIN(max, VIO_CTRL_RING_SIZE);
	if (*size < VIO_CVQ_MAX_DESCS || (*size & (*size - 1)) != 0) {
		VIO_PMD_LOG(driver, ERR, "port %u: control virtqueue %u has size %u, not a power of two of at least %u",
			    dev->data->port_id, index, max, VIO_CVQ_MAX_DESCS);
		return -EINVAL;
	}
	return 0;
}

/* The ring, then the command region, in one memzone kept until close. */
static int
vio_ctrl_mem(struct rte_eth_dev *dev, uint16_t size, size_t *ring_len)
{
	struct vio_ctrl *c = &adapter_of(dev)->ctrl;
	size_t len;

	*ring_len = RTE_ALIGN(vio_ring_len(size), VIO_CTRL_REGION_ALIGN);
	len = *ring_len + VIO_CVQ_REGION_SIZE;
	if (c->mz != NULL && c->mz->len >= len)
		return 0;
	rte_memzone_free(c->mz);
	c->mz = vio_queue_mem(dev, "ctrl", 0, len,
			      (unsigned int)dev->data->numa_node);
	return c->mz == NULL ? -ENOMEM : 0;
}

static int
vio_ctrl_layout(struct rte_eth_dev *dev, uint16_t index, uint16_t size)
{
	struct vio_adapter *ad = adapter_of(dev);
	struct vio_ctrl *c = &ad->ctrl;
	bool packed = vio_hw_has(&ad->hw, VIO_F_RING_PACKED);
	/* Counted over the port's life, not one start's. */
	struct vio_cvq_stats stats = c->cq.stats;
	struct vio_vq_errors err = c->vq.err;
	uint64_t addr;
	size_t ring_len;
	int ret;

	ret = vio_ctrl_mem(dev, size, &ring_len);
	if (ret < 0)
		return ret;
	if (c->laid_out)
		vio_vq_fini(&c->vq);
	c->laid_out = false;
	addr = vio_mz_addr(ad, c->mz);
	ret = vio_vq_layout(&c->vq, index, size, c->mz, addr, packed,
			    packed && vio_hw_has(&ad->hw, VIO_F_IN_ORDER));
	if (ret < 0)
		return ret;
	c->laid_out = true;
	c->vq.err = err;
	ret = vio_cvq_init(&c->cq, &c->vq, RTE_PTR_ADD(c->mz->addr, ring_len),
			   addr + ring_len, VIO_CVQ_REGION_SIZE);
	c->cq.stats = stats;
	return ret;
}

/* Before DRIVER_OK, with the data queues set up. */
int
vio_ctrl_start(struct rte_eth_dev *dev)
{
	struct vio_adapter *ad = adapter_of(dev);
	uint16_t index, size;
	int ret;

	if (!vio_hw_has(&ad->hw, VIO_NET_F_CTRL_VQ))
		return 0;
	index = vio_ctrl_index(ad);
	ret = vio_ctrl_ring_size(dev, index, &size);
	if (ret == 0)
		ret = vio_ctrl_layout(dev, index, size);
	if (ret == 0)
		ret = ad->hw.ops->queue_setup(&ad->hw, &ad->ctrl.vq);
	if (ret < 0) {
		VIO_PMD_LOG(driver, ERR, "port %u: cannot set up the control virtqueue %u: %s",
			    dev->data->port_id, index, strerror(-ret));
		return ret;
	}
	ad->ctrl.live = true;
	return 0;
}

/* After the device was reset: nothing it kept can be written any more. */
void
vio_ctrl_stop(struct rte_eth_dev *dev)
{
	struct vio_adapter *ad = adapter_of(dev);

	if (!ad->ctrl.live)
		return;
	ad->ctrl.live = false;
	vio_cvq_reset(&ad->ctrl.cq);
	ad->hw.ops->queue_release(&ad->hw, &ad->ctrl.vq);
}

void
vio_ctrl_free(struct rte_eth_dev *dev)
{
	struct vio_ctrl *c = &adapter_of(dev)->ctrl;

	if (c->laid_out)
		vio_vq_fini(&c->vq);
	c->laid_out = false;
	rte_memzone_free(c->mz);
	c->mz = NULL;
}

/* ---- sending ---- */

/* Count an acked command, log a failed one naming the command and why
 * (rejected, no answer, ...). The queue stays usable for the datapath
 * either way; a stop/start recovers a stuck one. */
int
vio_ctrl_result(struct rte_eth_dev *dev, enum vio_ctrl_cmd cmd, int ret)
{
	struct vio_adapter *ad = adapter_of(dev);
	const char *why;

	if (ret == 0) {
		ad->ctrl.acked[cmd]++;
		VIO_PMD_LOG(driver, DEBUG, "port %u: control command %s acked",
			    dev->data->port_id, vio_ctrl_names[cmd]);
		return 0;
	}
	switch (ret) {
	case -EIO:
	case -EBUSY:
	case -ETIMEDOUT:
		why = vio_cvq_outcome_str(ad->ctrl.cq.last);
		break;
	default:
		why = strerror(-ret);
	}
	VIO_PMD_LOG(driver, ERR, "port %u: control command %s failed: %s%s",
		    dev->data->port_id, vio_ctrl_names[cmd], why,
		    ret == -ETIMEDOUT || ret == -EBUSY ?
		    " (the control queue is blocked until the port is stopped and started)" :
		    "");
	return ret;
}

static int
vio_ctrl_rx_mode(struct rte_eth_dev *dev, enum vio_ctrl_cmd cmd, bool on)
{
	struct vio_cvq *cq = &adapter_of(dev)->ctrl.cq;

	return vio_ctrl_result(dev, cmd, cmd == VIO_CTRL_PROMISC ?
			       vio_cvq_promisc(cq, on, VIO_CVQ_TIMEOUT_US) :
			       vio_cvq_allmulti(cq, on, VIO_CVQ_TIMEOUT_US));
}

/* The unicast table: every address of the port but its own (entry 0,
 * which the device accepts anyway), leaving out `skip`; `add` at its
 * index when given. */
static int
vio_ctrl_mac_table(struct rte_eth_dev *dev, uint32_t skip,
		   const struct rte_ether_addr *add, uint32_t add_index)
{
	struct vio_adapter *ad = adapter_of(dev);
	uint8_t uc[VIO_MAX_MAC_ADDRS][RTE_ETHER_ADDR_LEN];
	uint8_t mc[VIO_MAX_MC_ADDRS][RTE_ETHER_ADDR_LEN];
	const struct rte_ether_addr *a;
	uint32_t i, n_uc = 0;

	for (i = 1; i < VIO_MAX_MAC_ADDRS; i++) {
		a = (add != NULL && i == add_index) ? add :
		    &dev->data->mac_addrs[i];
		if (i == skip || rte_is_zero_ether_addr(a))
			continue;
		memcpy(uc[n_uc++], a->addr_bytes, RTE_ETHER_ADDR_LEN);
	}
	for (i = 0; i < ad->ctrl.nb_mc; i++)
		memcpy(mc[i], ad->ctrl.mc[i].addr_bytes, RTE_ETHER_ADDR_LEN);
	return vio_ctrl_result(dev, VIO_CTRL_MAC_TABLE,
			       vio_cvq_mac_table_set(&ad->ctrl.cq,
				       (const uint8_t (*)[6])uc, n_uc,
				       (const uint8_t (*)[6])mc, ad->ctrl.nb_mc,
				       VIO_CVQ_TIMEOUT_US));
}

static int
vio_ctrl_vlan(struct rte_eth_dev *dev, uint16_t vid, bool on)
{
	struct vio_cvq *cq = &adapter_of(dev)->ctrl.cq;

	return vio_ctrl_result(dev, on ? VIO_CTRL_VLAN_ADD : VIO_CTRL_VLAN_DEL,
			       vio_cvq_vlan(cq, on, vid, VIO_CVQ_TIMEOUT_US));
}

static bool
vio_ctrl_has(struct vio_adapter *ad, uint8_t class, uint8_t cmd)
{
	return vio_cvq_supported(ad->hw.features, class, cmd);
}

/*
 * What the reset made the device forget and ethdev does not restore
 * after dev_start (it restores the receive modes and the MAC addresses
 * itself): the multicast list and the VLAN filter. Failures are logged,
 * the port runs with the device's defaults for them.
 */
static void
vio_ctrl_replay(struct rte_eth_dev *dev)
{
	struct vio_adapter *ad = adapter_of(dev);
	const struct rte_vlan_filter_conf *vf = &dev->data->vlan_filter_conf;
	uint32_t i;

	if (ad->ctrl.nb_mc > 0 &&
	    vio_ctrl_has(ad, VIO_NET_CTRL_MAC, VIO_NET_CTRL_MAC_TABLE_SET))
		vio_ctrl_mac_table(dev, 0, NULL, 0);
	if (!vio_ctrl_has(ad, VIO_NET_CTRL_VLAN, VIO_NET_CTRL_VLAN_ADD))
		return;
	for (i = 0; i <= RTE_ETHER_MAX_VLAN_ID; i++)
		if (vf->ids[i / 64] & (UINT64_C(1) << (i % 64)))
			vio_ctrl_vlan(dev, (uint16_t)i, true);
}

/*
 * After DRIVER_OK: the queue pairs in use (a device with MQ starts on
 * the first alone; virtio-user keeps the backend's other rings
 * disabled), then the filters. A device that refuses the pairs cannot
 * run the application's queues: the start fails.
 */
int
vio_ctrl_apply(struct rte_eth_dev *dev)
{
	struct vio_adapter *ad = adapter_of(dev);
	uint16_t pairs = dev->data->nb_rx_queues;
	int ret;

	if (!ad->ctrl.live)
		return 0;
	if (vio_hw_has(&ad->hw, VIO_NET_F_MQ)) {
		ret = vio_ctrl_result(dev, VIO_CTRL_MQ_PAIRS,
				      vio_cvq_mq_pairs_set(&ad->ctrl.cq, pairs,
							   VIO_CVQ_TIMEOUT_US));
		if (ret < 0 && pairs > 1) {
			VIO_PMD_LOG(driver, ERR, "port %u: the device did not take %u queue pairs",
				    dev->data->port_id, pairs);
			return ret;
		}
	}
	vio_ctrl_replay(dev);
	return 0;
}

/* ---- ethdev ops ---- */

/*
 * Common frame of the ops: -ENOTSUP without the command, 0 on a stopped
 * port (the start sends what ethdev recorded), else the command under
 * the port's lock.
 */
static int
vio_ctrl_can(struct rte_eth_dev *dev, uint8_t class, uint8_t cmd)
{
	struct vio_adapter *ad = adapter_of(dev);

	if (!vio_ctrl_in_use(ad)) {
		VIO_PMD_LOG(driver, NOTICE, "port %u: %s needs a control queue (devarg cq=1)",
			    dev->data->port_id, vio_cvq_cmd_name(class, cmd));
		return -ENOTSUP;
	}
	if (ad->ctrl.live && !vio_ctrl_has(ad, class, cmd)) {
		VIO_PMD_LOG(driver, NOTICE, "port %u: the device does not take %s",
			    dev->data->port_id, vio_cvq_cmd_name(class, cmd));
		return -ENOTSUP;
	}
	return ad->ctrl.live ? 1 : 0;
}

static int
vio_ctrl_rx_mode_op(struct rte_eth_dev *dev, enum vio_ctrl_cmd cmd, bool on)
{
	struct vio_adapter *ad = adapter_of(dev);
	uint8_t c = cmd == VIO_CTRL_PROMISC ? VIO_NET_CTRL_RX_PROMISC :
					      VIO_NET_CTRL_RX_ALLMULTI;
	int ret;

	/* A device without a control queue delivers everything: the modes
	 * are always on. */
	if (!vio_ctrl_in_use(ad)) {
		if (on)
			return 0;
		VIO_PMD_LOG(driver, NOTICE, "port %u: the device has no control queue (devarg cq=1 gives one), it stays %s",
			    dev->data->port_id, cmd == VIO_CTRL_PROMISC ?
			    "promiscuous" : "all-multicast");
		return -ENOTSUP;
	}
	pthread_mutex_lock(&ad->lock);
	ret = vio_ctrl_can(dev, VIO_NET_CTRL_RX, c);
	if (ret > 0)
		ret = vio_ctrl_rx_mode(dev, cmd, on);
	pthread_mutex_unlock(&ad->lock);
	return ret;
}

int
vio_ctrl_promisc_enable(struct rte_eth_dev *dev)
{
	return vio_ctrl_rx_mode_op(dev, VIO_CTRL_PROMISC, true);
}

int
vio_ctrl_promisc_disable(struct rte_eth_dev *dev)
{
	return vio_ctrl_rx_mode_op(dev, VIO_CTRL_PROMISC, false);
}

int
vio_ctrl_allmulti_enable(struct rte_eth_dev *dev)
{
	return vio_ctrl_rx_mode_op(dev, VIO_CTRL_ALLMULTI, true);
}

int
vio_ctrl_allmulti_disable(struct rte_eth_dev *dev)
{
	return vio_ctrl_rx_mode_op(dev, VIO_CTRL_ALLMULTI, false);
}

/* Without CTRL_MAC_ADDR (or before start) the config space holds the
 * MAC; a device may ignore the write (1.3, 5.1.4), which is no error. */
int
vio_ctrl_mac_addr_set(struct rte_eth_dev *dev, struct rte_ether_addr *mac)
{
	struct vio_adapter *ad = adapter_of(dev);
	int ret = 0;

	pthread_mutex_lock(&ad->lock);
	if (ad->ctrl.live &&
	    vio_ctrl_has(ad, VIO_NET_CTRL_MAC, VIO_NET_CTRL_MAC_ADDR_SET))
		ret = vio_ctrl_result(dev, VIO_CTRL_MAC_ADDR,
				      vio_cvq_mac_addr_set(&ad->ctrl.cq,
					      mac->addr_bytes,
					      VIO_CVQ_TIMEOUT_US));
	else if (ad->hw.offered & VIO_BIT(VIO_NET_F_MAC))
		ad->hw.ops->write_config(&ad->hw,
			offsetof(struct vio_net_config, mac), mac->addr_bytes,
			RTE_ETHER_ADDR_LEN);
	pthread_mutex_unlock(&ad->lock);
	return ret;
}

int
vio_ctrl_mac_addr_add(struct rte_eth_dev *dev, struct rte_ether_addr *mac,
		      uint32_t index, uint32_t vmdq __rte_unused)
{
	struct vio_adapter *ad = adapter_of(dev);
	int ret;

	pthread_mutex_lock(&ad->lock);
	ret = vio_ctrl_can(dev, VIO_NET_CTRL_MAC, VIO_NET_CTRL_MAC_TABLE_SET);
	if (ret > 0)
		ret = vio_ctrl_mac_table(dev, 0, mac, index);
	pthread_mutex_unlock(&ad->lock);
	return ret;
}

void
vio_ctrl_mac_addr_remove(struct rte_eth_dev *dev, uint32_t index)
{
	struct vio_adapter *ad = adapter_of(dev);

	pthread_mutex_lock(&ad->lock);
	if (vio_ctrl_can(dev, VIO_NET_CTRL_MAC, VIO_NET_CTRL_MAC_TABLE_SET) > 0)
		vio_ctrl_mac_table(dev, index, NULL, 0);
	pthread_mutex_unlock(&ad->lock);
}

int
vio_ctrl_mc_addr_list_set(struct rte_eth_dev *dev, struct rte_ether_addr *mc,
			  uint32_t nb)
{
	struct vio_adapter *ad = adapter_of(dev);
	int ret;

	if (nb > VIO_MAX_MC_ADDRS) {
		VIO_PMD_LOG(driver, ERR, "port %u: %u multicast addresses, at most %u",
			    dev->data->port_id, nb, VIO_MAX_MC_ADDRS);
		return -ENOSPC;
	}
	pthread_mutex_lock(&ad->lock);
	ret = vio_ctrl_can(dev, VIO_NET_CTRL_MAC, VIO_NET_CTRL_MAC_TABLE_SET);
	if (ret >= 0) {
		if (nb > 0)
			memcpy(ad->ctrl.mc, mc, nb * sizeof(*mc));
		ad->ctrl.nb_mc = nb;
	}
	if (ret > 0)
		ret = vio_ctrl_mac_table(dev, 0, NULL, 0);
	pthread_mutex_unlock(&ad->lock);
	return ret < 0 ? ret : 0;
}

int
vio_ctrl_vlan_filter_set(struct rte_eth_dev *dev, uint16_t vid, int on)
{
	struct vio_adapter *ad = adapter_of(dev);
	int ret;

	pthread_mutex_lock(&ad->lock);
	ret = vio_ctrl_can(dev, VIO_NET_CTRL_VLAN, VIO_NET_CTRL_VLAN_ADD);
	if (ret > 0)
		ret = vio_ctrl_vlan(dev, vid, on != 0);
	pthread_mutex_unlock(&ad->lock);
	return ret < 0 ? ret : 0;
}

/*
 * RTE_ETH_RX_OFFLOAD_VLAN_FILTER switched: CTRL_VLAN follows it at the
 * next start. A running device keeps the mode it was started with (a
 * feature cannot change without a reset), so a running port refuses.
 */
int
vio_ctrl_vlan_filter_mode(struct rte_eth_dev *dev)
{
	struct vio_adapter *ad = adapter_of(dev);
	bool want = dev->data->dev_conf.rxmode.offloads &
		    RTE_ETH_RX_OFFLOAD_VLAN_FILTER;
	int ret = 0;

	pthread_mutex_lock(&ad->lock);
	if (ad->started && want != vio_hw_has(&ad->hw, VIO_NET_F_CTRL_VLAN)) {
		VIO_PMD_LOG(driver, ERR, "port %u: VLAN filtering is set at start: stop the port, switch it, start again",
			    dev->data->port_id);
		ret = -EBUSY;
	}
	pthread_mutex_unlock(&ad->lock);
	return ret;
}
