/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Control path of the vio ethdev: configure, start/stop, link, stats,
 * MAC and MTU. Transport-neutral: everything goes through hw->ops.
 */
#include <errno.h>
#include <string.h>

#include <rte_ether.h>
#include <rte_malloc.h>
#include <rte_random.h>

#include "vio_dev.h"
#include "vio_ethdev.h"
#include "vio_proc.h"
#include "vio_tx_offload.h"

RTE_LOG_REGISTER_SUFFIX(vio_logtype_init, init, NOTICE);
RTE_LOG_REGISTER_SUFFIX(vio_logtype_driver, driver, NOTICE);
RTE_LOG_REGISTER_SUFFIX(vio_logtype_rx, rx, NOTICE);

/* Ethernet header, one VLAN tag and the CRC the device never carries. */
#define VIO_L2_OVERHEAD (RTE_ETHER_HDR_LEN + RTE_VLAN_HLEN)

static int vio_link_update(struct rte_eth_dev *dev, int wait);

static struct vio_adapter *
adapter_of(struct rte_eth_dev *dev)
{
	return dev->data->dev_private;
}

static uint64_t
vio_wanted_features(const struct vio_devargs *da)
{
	uint64_t f = VIO_BIT(VIO_F_VERSION_1) | VIO_BIT(VIO_F_ANY_LAYOUT) |
		     VIO_BIT(VIO_F_RING_INDIRECT_DESC) |
		     VIO_BIT(VIO_NET_F_MAC) | VIO_BIT(VIO_NET_F_STATUS) |
		     VIO_BIT(VIO_NET_F_MTU) | VIO_BIT(VIO_NET_F_SPEED_DUPLEX);

	if (da->mrg_rxbuf)
		f |= VIO_BIT(VIO_NET_F_MRG_RXBUF);
	if (da->packed_vq)
		f |= VIO_BIT(VIO_F_RING_PACKED);
	if (da->in_order)
		f |= VIO_BIT(VIO_F_IN_ORDER);
	return f;
}

static int
vio_dev_configure(struct rte_eth_dev *dev)
{
	const struct rte_eth_conf *conf = &dev->data->dev_conf;
	struct vio_adapter *ad = adapter_of(dev);
	int ret;

	if (dev->data->nb_rx_queues != dev->data->nb_tx_queues ||
	    dev->data->nb_rx_queues > ad->da.queues) {
		VIO_PMD_LOG(driver, ERR, "port %u: %u rx / %u tx queues asked, %u queue pair(s) available",
			    dev->data->port_id, dev->data->nb_rx_queues,
			    dev->data->nb_tx_queues, ad->da.queues);
		return -EINVAL;
	}
	/* RSS mode: the device's RSS where it has one (vio_rss.c), else
	 * the backend picks each frame's queue. */
	if (conf->rxmode.mq_mode != RTE_ETH_MQ_RX_NONE &&
	    conf->rxmode.mq_mode != RTE_ETH_MQ_RX_RSS) {
		VIO_PMD_LOG(driver, ERR, "port %u: rx multi-queue mode %d not supported",
			    dev->data->port_id, conf->rxmode.mq_mode);
		return -EINVAL;
	}
	if (conf->txmode.mq_mode != RTE_ETH_MQ_TX_NONE) {
		VIO_PMD_LOG(driver, ERR, "port %u: tx multi-queue mode %d not supported",
			    dev->data->port_id, conf->txmode.mq_mode);
		return -EINVAL;
	}
	ret = vio_rss_configure(dev);
	if (ret < 0)
		return ret;
	if (vio_intr_check(dev) < 0)
		return -ENOTSUP;
	/* ethdev has checked the offloads against vio_dev_infos_get. */
	ad->wanted = vio_wanted_features(&ad->da) | vio_rss_features(dev) |
		     vio_announce_features(&ad->da) |
		     vio_ctrl_features(&ad->da, conf->rxmode.offloads) |
		     vio_offload_features(conf->rxmode.offloads,
					  conf->txmode.offloads, ad->hw.offered);
	return 0;
}

/* LRO hands up coalesced packets as mbuf chains: only with mergeable
 * buffers, where the device spreads one over several buffers. The IPv4
 * header checksum is verified in software (virtio has no such offload):
 * offered always, as OVS turns rx checksum offload on only for a port
 * that offers IPv4, TCP and UDP checksums. */
static uint64_t
vio_rx_capa(const struct vio_adapter *ad)
{
	uint64_t capa = RTE_ETH_RX_OFFLOAD_SCATTER |
			RTE_ETH_RX_OFFLOAD_VLAN_STRIP |
			RTE_ETH_RX_OFFLOAD_IPV4_CKSUM |
			vio_offload_rx_capa(ad->hw.offered) |
			vio_rss_rx_capa();

	if (!ad->da.mrg_rxbuf ||
	    !(ad->hw.offered & VIO_BIT(VIO_NET_F_MRG_RXBUF)))
		capa &= ~RTE_ETH_RX_OFFLOAD_TCP_LRO;
	if (vio_ctrl_in_use(ad) && (ad->hw.offered & VIO_BIT(VIO_NET_F_CTRL_VLAN)))
		capa |= RTE_ETH_RX_OFFLOAD_VLAN_FILTER;
	return capa;
}

/*
 * Any descriptor count up to the largest ring passes ethdev's check, as
 * with DPDK's net_virtio: queue setup rounds it up to a power of two and
 * caps it (queue_size devarg, device maximum) with a log line, so that an
 * application asking for more than a device offers (OVS 3.1 asks 2048 of
 * every port) still gets a port. The default is what queue_size or the
 * device gives.
 */
static void
vio_desc_lim(struct vio_adapter *ad, struct rte_eth_dev_info *info)
{
	uint16_t dflt = ad->da.queue_size;
	uint16_t max;

	/* The transport is the primary's: a secondary says what the
	 * primary last read. */
	if (rte_eal_process_type() == RTE_PROC_PRIMARY)
		ad->queue_max_seen = ad->hw.ops->queue_max_size(&ad->hw, 0);
	max = ad->queue_max_seen;

	if (max != 0 && (ad->hw.fixed_queue_size || max < dflt))
		dflt = max;
	info->rx_desc_lim.nb_max = VIO_MAX_QUEUE_SIZE;
	info->rx_desc_lim.nb_min = 1;
	info->rx_desc_lim.nb_align = 1;
	info->tx_desc_lim = info->rx_desc_lim;
	info->tx_desc_lim.nb_mtu_seg_max = VIO_TX_MAX_IND - 1;
	info->tx_desc_lim.nb_seg_max = VIO_TX_MAX_IND - 1;
	info->default_rxportconf.ring_size = dflt;
	info->default_txportconf.ring_size = dflt;
}

static int
vio_dev_infos_get(struct rte_eth_dev *dev, struct rte_eth_dev_info *info)
{
	struct vio_adapter *ad = adapter_of(dev);

	info->max_rx_queues = ad->da.queues;
	info->max_tx_queues = ad->da.queues;
	info->min_rx_bufsize = RTE_ETHER_MIN_LEN;
	info->max_rx_pktlen = ad->max_mtu + VIO_L2_OVERHEAD;
	info->min_mtu = RTE_ETHER_MIN_MTU;
	info->max_mtu = ad->max_mtu;
	info->max_mac_addrs = vio_ctrl_in_use(ad) &&
			      (ad->hw.offered & VIO_BIT(VIO_NET_F_CTRL_RX)) ?
			      VIO_MAX_MAC_ADDRS : 1;
	info->rx_offload_capa = vio_rx_capa(ad);
	info->tx_offload_capa = RTE_ETH_TX_OFFLOAD_MULTI_SEGS |
				vio_offload_tx_capa(ad->hw.offered);
	if (info->rx_offload_capa & RTE_ETH_RX_OFFLOAD_TCP_LRO)
		info->max_lro_pkt_size = VIO_MAX_LRO_PKTLEN;
	vio_desc_lim(ad, info);
	vio_rss_info(dev, info);
	info->default_rxportconf.nb_queues = 1;
	info->default_txportconf.nb_queues = 1;
	info->speed_capa = RTE_ETH_LINK_SPEED_FIXED;
	return 0;
}

static int
vio_dev_start_locked(struct rte_eth_dev *dev)
{
	struct vio_adapter *ad = adapter_of(dev);
	int ret;

	/* The VLAN filter may have been switched since configure. */
	ad->wanted = (ad->wanted & ~VIO_BIT(VIO_NET_F_CTRL_VLAN)) |
		     vio_ctrl_features(&ad->da, dev->data->dev_conf.rxmode.offloads);
	ret = vio_dev_negotiate(&ad->hw, ad->wanted, 0);
	if (ret < 0) {
		VIO_PMD_LOG(driver, ERR, "port %u: feature negotiation failed: %s",
			    dev->data->port_id, strerror(-ret));
		return ret;
	}
	ret = vio_intr_prepare(dev);
	if (ret == 0)
		ret = vio_queues_start(dev);
	if (ret < 0)
		goto fail;
	ret = vio_ctrl_start(dev);
	if (ret == 0)
		ret = vio_dev_driver_ok(&ad->hw);
	if (ret == 0)
		ret = vio_ctrl_apply(dev);
	if (ret == 0)
		ret = vio_rss_apply(dev);
	if (ret == 0)
		ret = vio_intr_start(dev);
	if (ret < 0) {
		/* The device may have begun using the rings: stop it before
		 * the mbufs in them are freed. */
		vio_intr_stop(dev);
		vio_dev_reset(&ad->hw);
		vio_ctrl_stop(dev);
		vio_queues_stop(dev);
		return ret;
	}
	vio_queues_kick(dev);
	ad->started = true;
	vio_proc_changed(dev);
	/* Down while a virtio-user server waits for its backend. */
	vio_link_update(dev, 0);
	VIO_PMD_LOG(driver, INFO, "port %u started: rx %s%s, tx %s, %u queue pair(s)",
		    dev->data->port_id, ad->rx_path, vio_rx_path_suffix(ad),
		    ad->tx_path, dev->data->nb_rx_queues);
	return 0;
fail:
	vio_intr_stop(dev);
	vio_dev_reset(&ad->hw);
	return ret;
}

static int
vio_dev_start(struct rte_eth_dev *dev)
{
	struct vio_adapter *ad = adapter_of(dev);
	int ret;

	pthread_mutex_lock(&ad->lock);
	ret = vio_dev_start_locked(dev);
	pthread_mutex_unlock(&ad->lock);
	return ret;
}

static int
vio_dev_stop(struct rte_eth_dev *dev)
{
	struct vio_adapter *ad = adapter_of(dev);

	dev->data->dev_link.link_status = RTE_ETH_LINK_DOWN;
	pthread_mutex_lock(&ad->lock);
	if (!ad->started) {
		pthread_mutex_unlock(&ad->lock);
		return 0;
	}
	ad->started = false;
	vio_proc_changed(dev);
	vio_intr_stop(dev);
	/* The reset stops the device's use of the rings (a vhost-user backend
	 * answers GET_VRING_BASE), so the mbufs in them can be freed after. */
	if (vio_dev_reset(&ad->hw) < 0)
		VIO_PMD_LOG(driver, WARNING, "port %u: device reset failed; freeing its buffers anyway",
			    dev->data->port_id);
	vio_ctrl_stop(dev);
	vio_queues_stop(dev);
	pthread_mutex_unlock(&ad->lock);
	return 0;
}

static int
vio_dev_close(struct rte_eth_dev *dev)
{
	if (rte_eal_process_type() != RTE_PROC_PRIMARY) {
		vio_proc_detach(dev);
		return 0;
	}
	return vio_ethdev_uninit(dev);
}

static uint16_t
vio_config_status(struct vio_adapter *ad)
{
	uint16_t status = VIO_NET_S_LINK_UP;

	if (vio_hw_has(&ad->hw, VIO_NET_F_STATUS) ||
	    (ad->hw.offered & VIO_BIT(VIO_NET_F_STATUS)))
		ad->hw.ops->read_config(&ad->hw,
			offsetof(struct vio_net_config, status),
			&status, sizeof(status));
	return status;
}

static int
vio_link_update(struct rte_eth_dev *dev, int wait __rte_unused)
{
	struct vio_adapter *ad = adapter_of(dev);
	struct rte_eth_link link = {
		.link_speed = ad->da.speed,
		.link_duplex = RTE_ETH_LINK_FULL_DUPLEX,
		.link_autoneg = RTE_ETH_LINK_FIXED,
		.link_status = RTE_ETH_LINK_DOWN,
	};

	if (ad->started && (vio_config_status(ad) & VIO_NET_S_LINK_UP))
		link.link_status = RTE_ETH_LINK_UP;
	return rte_eth_linkstatus_set(dev, &link);
}

static int
vio_stats_get(struct rte_eth_dev *dev, struct rte_eth_stats *st)
{
	uint16_t i;

	for (i = 0; i < dev->data->nb_rx_queues; i++) {
		const struct vio_rxq *q = dev->data->rx_queues[i];

		if (q == NULL)
			continue;
		st->ipackets += q->stats.packets;
		st->ibytes += q->stats.bytes;
		st->ierrors += q->stats.errors;
		if (i < RTE_ETHDEV_QUEUE_STAT_CNTRS) {
			st->q_ipackets[i] = q->stats.packets;
			st->q_ibytes[i] = q->stats.bytes;
			st->q_errors[i] = q->stats.errors;
		}
	}
	for (i = 0; i < dev->data->nb_tx_queues; i++) {
		const struct vio_txq *q = dev->data->tx_queues[i];

		if (q == NULL)
			continue;
		st->opackets += q->stats.packets;
		st->obytes += q->stats.bytes;
		st->oerrors += q->stats.errors;
		if (i < RTE_ETHDEV_QUEUE_STAT_CNTRS) {
			st->q_opackets[i] = q->stats.packets;
			st->q_obytes[i] = q->stats.bytes;
		}
	}
	st->rx_nombuf = dev->data->rx_mbuf_alloc_failed;
	return 0;
}

static int
vio_stats_reset(struct rte_eth_dev *dev)
{
	uint16_t i;

	for (i = 0; i < dev->data->nb_rx_queues; i++) {
		struct vio_rxq *q = dev->data->rx_queues[i];

		if (q != NULL)
			memset(&q->stats, 0, sizeof(q->stats));
	}
	for (i = 0; i < dev->data->nb_tx_queues; i++) {
		struct vio_txq *q = dev->data->tx_queues[i];

		if (q != NULL)
			memset(&q->stats, 0, sizeof(q->stats));
	}
	dev->data->rx_mbuf_alloc_failed = 0;
	return 0;
}

static int
vio_mtu_set(struct rte_eth_dev *dev, uint16_t mtu)
{
	struct vio_adapter *ad = adapter_of(dev);

	if (mtu < RTE_ETHER_MIN_MTU || mtu > ad->max_mtu) {
		VIO_PMD_LOG(driver, ERR, "port %u: MTU %u out of range %u..%u",
			    dev->data->port_id, mtu, RTE_ETHER_MIN_MTU,
			    ad->max_mtu);
		return -EINVAL;
	}
	if (ad->started) {
		VIO_PMD_LOG(driver, ERR, "port %u: stop the port to change its MTU (rx buffers are sized at start)",
			    dev->data->port_id);
		return -EBUSY;
	}
	return 0;
}

/* What rte_net_get_ptype() recognises: vio parses in software. */
static const uint32_t *
vio_supported_ptypes_get(struct rte_eth_dev *dev __rte_unused)
{
	static const uint32_t ptypes[] = {
		RTE_PTYPE_L2_ETHER,
		RTE_PTYPE_L2_ETHER_VLAN,
		RTE_PTYPE_L2_ETHER_QINQ,
		RTE_PTYPE_L3_IPV4,
		RTE_PTYPE_L3_IPV4_EXT,
		RTE_PTYPE_L3_IPV6,
		RTE_PTYPE_L3_IPV6_EXT,
		RTE_PTYPE_L4_TCP,
		RTE_PTYPE_L4_UDP,
		RTE_PTYPE_L4_SCTP,
		RTE_PTYPE_L4_FRAG,
		RTE_PTYPE_UNKNOWN
	};

	return ptypes;
}

static void
vio_rxqs_offloads_update(struct rte_eth_dev *dev)
{
	uint16_t i;

	for (i = 0; i < dev->data->nb_rx_queues; i++)
		if (dev->data->rx_queues[i] != NULL)
			vio_rxq_offloads_update(dev, dev->data->rx_queues[i]);
}

/* Packet types cost a parse per packet: done only once asked for. */
static int
vio_ptypes_set(struct rte_eth_dev *dev, uint32_t mask)
{
	adapter_of(dev)->ptype_mask = mask;
	vio_rxqs_offloads_update(dev);
	return 0;
}

/* VLAN strip is software: ethdev has already updated rxmode.offloads.
 * The VLAN filter is the device's (CTRL_VLAN, negotiated at start). */
static int
vio_vlan_offload_set(struct rte_eth_dev *dev, int mask)
{
	if (mask & RTE_ETH_VLAN_STRIP_MASK)
		vio_rxqs_offloads_update(dev);
	if (mask & RTE_ETH_VLAN_FILTER_MASK)
		return vio_ctrl_vlan_filter_mode(dev);
	return 0;
}

static const struct eth_dev_ops vio_eth_dev_ops = {
	.dev_configure = vio_dev_configure,
	.dev_infos_get = vio_dev_infos_get,
	.dev_start = vio_dev_start,
	.dev_stop = vio_dev_stop,
	.dev_close = vio_dev_close,
	.link_update = vio_link_update,
	.stats_get = vio_stats_get,
	.stats_reset = vio_stats_reset,
	.xstats_get = vio_xstats_get,
	.xstats_get_names = vio_xstats_get_names,
	.xstats_reset = vio_xstats_reset,
	.rx_burst_mode_get = vio_rx_burst_mode_get,
	.tx_burst_mode_get = vio_tx_burst_mode_get,
	.rxq_info_get = vio_rxq_info_get,
	.txq_info_get = vio_txq_info_get,
	.mac_addr_set = vio_ctrl_mac_addr_set,
	.mac_addr_add = vio_ctrl_mac_addr_add,
	.mac_addr_remove = vio_ctrl_mac_addr_remove,
	.set_mc_addr_list = vio_ctrl_mc_addr_list_set,
	.vlan_filter_set = vio_ctrl_vlan_filter_set,
	.mtu_set = vio_mtu_set,
	.promiscuous_enable = vio_ctrl_promisc_enable,
	.promiscuous_disable = vio_ctrl_promisc_disable,
	.allmulticast_enable = vio_ctrl_allmulti_enable,
	.allmulticast_disable = vio_ctrl_allmulti_disable,
	.rx_queue_setup = vio_rx_queue_setup,
	.rx_queue_release = vio_rx_queue_release,
	.tx_queue_setup = vio_tx_queue_setup,
	.tx_queue_release = vio_tx_queue_release,
	.dev_supported_ptypes_get = vio_supported_ptypes_get,
	.dev_ptypes_set = vio_ptypes_set,
	.vlan_offload_set = vio_vlan_offload_set,
	.reta_update = vio_rss_reta_update,
	.reta_query = vio_rss_reta_query,
	.rss_hash_update = vio_rss_hash_update,
	.rss_hash_conf_get = vio_rss_hash_conf_get,
	.rx_queue_intr_enable = vio_rx_queue_intr_enable,
	.rx_queue_intr_disable = vio_rx_queue_intr_disable,
};

/*
 * A secondary process (dpdk-proc-info, dpdk-pdump, a testpmd polling
 * some of the queues) sees the port's shared data: the adapter, the
 * queues and their counters. The transport (its socket, eventfds and ops
 * table) stays the primary's, which alone configures, starts and stops
 * the port: a secondary gets the read-only ops, and bursts on the queues
 * the primary set up, linked in this process (vio_proc.c).
 */
static const struct eth_dev_ops vio_secondary_ops = {
	.dev_infos_get = vio_dev_infos_get,
	.dev_close = vio_dev_close,
	.stats_get = vio_stats_get,
	.xstats_get = vio_xstats_get,
	.xstats_get_names = vio_xstats_get_names,
	.rxq_info_get = vio_rxq_info_get,
	.txq_info_get = vio_txq_info_get,
};

void
vio_ethdev_init_secondary(struct rte_eth_dev *dev)
{
	dev->dev_ops = &vio_secondary_ops;
	vio_proc_attach(dev);
}

bool
vio_ethdev_is_vio(const struct rte_eth_dev *dev)
{
	return dev->dev_ops == &vio_eth_dev_ops;
}

static void
vio_read_mac(struct vio_adapter *ad, struct rte_ether_addr *mac)
{
	if (ad->hw.offered & VIO_BIT(VIO_NET_F_MAC) &&
	    ad->hw.ops->read_config(&ad->hw, offsetof(struct vio_net_config, mac),
				    mac->addr_bytes, RTE_ETHER_ADDR_LEN) == 0 &&
	    rte_is_valid_assigned_ether_addr(mac))
		return;
	rte_eth_random_addr(mac->addr_bytes);
}

static uint16_t
vio_read_max_mtu(struct vio_adapter *ad)
{
	uint16_t mtu = 0;

	if (ad->hw.offered & VIO_BIT(VIO_NET_F_MTU))
		ad->hw.ops->read_config(&ad->hw, offsetof(struct vio_net_config, mtu),
					&mtu, sizeof(mtu));
	if (mtu == 0 || mtu > VIO_MAX_RX_PKTLEN - VIO_L2_OVERHEAD)
		mtu = VIO_MAX_RX_PKTLEN - VIO_L2_OVERHEAD;
	return mtu;
}

int
vio_ethdev_init(struct rte_eth_dev *dev)
{
	struct vio_adapter *ad = adapter_of(dev);
	int ret;

	ret = ad->hw.ops->get_features(&ad->hw, &ad->hw.offered);
	if (ret < 0) {
		VIO_PMD_LOG(init, ERR, "%s: cannot read device features", ad->hw.name);
		return ret;
	}
	if (ad->hw.modern && !(ad->hw.offered & VIO_BIT(VIO_F_VERSION_1))) {
		VIO_PMD_LOG(init, ERR, "%s: device does not offer VERSION_1", ad->hw.name);
		return -ENOTSUP;
	}
	ad->wanted = vio_wanted_features(&ad->da) | vio_ctrl_features(&ad->da, 0);
	ad->max_mtu = vio_read_max_mtu(ad);
	/* Room for the filter table's addresses too (max_mac_addrs). */
	dev->data->mac_addrs = rte_zmalloc("vio_mac", RTE_ETHER_ADDR_LEN *
					   VIO_MAX_MAC_ADDRS, 0);
	if (dev->data->mac_addrs == NULL)
		return -ENOMEM;
	pthread_mutex_init(&ad->lock, NULL);
	vio_proc_primary_init();
	vio_read_mac(ad, dev->data->mac_addrs);
	dev->dev_ops = &vio_eth_dev_ops;
	dev->rx_pkt_burst = rte_eth_pkt_burst_dummy;
	dev->tx_pkt_burst = rte_eth_pkt_burst_dummy;
	dev->tx_pkt_prepare = vio_tx_prepare;
	dev->data->dev_flags |= RTE_ETH_DEV_AUTOFILL_QUEUE_XSTATS;
	dev->data->promiscuous = 1;
	dev->data->all_multicast = 1;
	dev->data->dev_link.link_speed = ad->da.speed;
	dev->data->dev_link.link_duplex = RTE_ETH_LINK_FULL_DUPLEX;
	return 0;
}

int
vio_ethdev_uninit(struct rte_eth_dev *dev)
{
	struct vio_adapter *ad = adapter_of(dev);
	uint16_t i;

	vio_dev_stop(dev);
	vio_intr_free(dev);
	vio_ctrl_free(dev);
	vio_rss_free(dev);
	for (i = 0; i < dev->data->nb_rx_queues; i++)
		vio_rx_queue_release(dev, i);
	for (i = 0; i < dev->data->nb_tx_queues; i++)
		vio_tx_queue_release(dev, i);
	if (ad->hw.ops != NULL) {
		ad->hw.ops->close(&ad->hw);
		ad->hw.ops = NULL;
		pthread_mutex_destroy(&ad->lock);
	}
	dev->dev_ops = NULL;
	dev->rx_pkt_burst = NULL;
	dev->tx_pkt_burst = NULL;
	dev->tx_pkt_prepare = NULL;
	return 0;
}
