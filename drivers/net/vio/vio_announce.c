/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * GUEST_ANNOUNCE (virtio 1.3, 5.1.6.5.4): the device sets
 * VIRTIO_NET_S_ANNOUNCE and raises a config-change interrupt; the driver
 * sends a gratuitous packet for its address (a RARP, as the device
 * would) and acknowledges with VIRTIO_NET_CTRL_ANNOUNCE_ACK, which
 * clears the bit (QEMU then asks again for its next round).
 *
 * The RARP goes out from the interrupt thread on tx queue 0, which the
 * application's lcore may be using: a tx queue is not thread safe. So
 * when GUEST_ANNOUNCE is negotiated, tx queue 0's burst is wrapped in a
 * spinlock that the interrupt thread takes too. The application's lcore
 * pays an uncontended lock per burst on that queue only, and waits at
 * most one one-packet burst when an announcement is under way; other
 * queues and ports without the feature are not wrapped. (DPDK's
 * net_virtio instead pauses the port's tx by a flag and injects the
 * packet, which relies on the application's burst having returned.)
 */
#include <rte_arp.h>
#include <rte_ether.h>
#include <rte_mbuf.h>

#include "vio_ethdev.h"
#include "vio_proc.h"

static struct vio_adapter *
adapter_of(struct rte_eth_dev *dev)
{
	return dev->data->dev_private;
}

uint64_t
vio_announce_features(const struct vio_devargs *da)
{
	return vio_ctrl_wanted(da) ? VIO_BIT(VIO_NET_F_GUEST_ANNOUNCE) : 0;
}

uint16_t
vio_announce_tx_burst(void *queue, struct rte_mbuf **pkts, uint16_t n)
{
	struct vio_txq *txq = queue;
	struct vio_adapter *ad = rte_eth_devices[txq->port_id].data->dev_private;
	struct vio_announce *an = &ad->announce;
	eth_tx_burst_t inner = vio_proc[txq->port_id].tx0_inner;
	uint16_t nb;

	if (txq->queue_id != 0)
		return inner(queue, pkts, n);
	rte_spinlock_lock(&an->tx0_lock);
	nb = inner(queue, pkts, n);
	rte_spinlock_unlock(&an->tx0_lock);
	return nb;
}

bool
vio_announce_wrapped(const struct vio_adapter *ad)
{
	return vio_hw_has(&ad->hw, VIO_NET_F_GUEST_ANNOUNCE);
}

/* A RARP request (RFC 903) for `mac`, padded to the minimum frame. */
static struct rte_mbuf *
vio_rarp(struct rte_mempool *mp, const struct rte_ether_addr *mac,
	 uint16_t port)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(mp);
	struct rte_ether_hdr *eh;
	struct rte_arp_hdr *arp;

	if (m == NULL)
		return NULL;
	eh = (struct rte_ether_hdr *)rte_pktmbuf_append(m, RTE_ETHER_MIN_LEN -
							 RTE_ETHER_CRC_LEN);
	if (eh == NULL) {
		rte_pktmbuf_free(m);
		return NULL;
	}
	memset(eh, 0, RTE_ETHER_MIN_LEN - RTE_ETHER_CRC_LEN);
	memset(&eh->dst_addr, 0xff, sizeof(eh->dst_addr));
	rte_ether_addr_copy(mac, &eh->src_addr);
	eh->ether_type = RTE_BE16(RTE_ETHER_TYPE_RARP);
	arp = (struct rte_arp_hdr *)(eh + 1);
	arp->arp_hardware = RTE_BE16(RTE_ARP_HRD_ETHER);
	arp->arp_protocol = RTE_BE16(RTE_ETHER_TYPE_IPV4);
	arp->arp_hlen = RTE_ETHER_ADDR_LEN;
	arp->arp_plen = 4;
	arp->arp_opcode = RTE_BE16(RTE_ARP_OP_REVREQUEST);
	rte_ether_addr_copy(mac, &arp->arp_data.arp_sha);
	rte_ether_addr_copy(mac, &arp->arp_data.arp_tha);
	m->port = port;
	return m;
}

static int
vio_announce_send(struct rte_eth_dev *dev)
{
	struct vio_adapter *ad = adapter_of(dev);
	struct vio_announce *an = &ad->announce;
	struct vio_rxq *rxq = dev->data->rx_queues[0];
	struct rte_mbuf *m;
	uint16_t nb;

	if (rxq == NULL || dev->data->tx_queues[0] == NULL)
		return -EINVAL;
	m = vio_rarp(rxq->mp, dev->data->mac_addrs, dev->data->port_id);
	if (m == NULL)
		return -ENOMEM;
	rte_spinlock_lock(&an->tx0_lock);
	nb = vio_proc[dev->data->port_id].tx0_inner(dev->data->tx_queues[0],
						      &m, 1);
	rte_spinlock_unlock(&an->tx0_lock);
	if (nb == 0) {
		rte_pktmbuf_free(m);
		return -ENOBUFS;
	}
	an->sent++;
	return 0;
}

static bool
vio_announce_asked(struct vio_adapter *ad)
{
	uint16_t status = 0;

	if (!vio_hw_has(&ad->hw, VIO_NET_F_GUEST_ANNOUNCE) ||
	    ad->hw.ops->read_config(&ad->hw, offsetof(struct vio_net_config,
				    status), &status, sizeof(status)) < 0)
		return false;
	return (rte_le_to_cpu_16(status) & VIO_NET_S_ANNOUNCE) != 0;
}

void
vio_announce_check(struct rte_eth_dev *dev)
{
	struct vio_adapter *ad = adapter_of(dev);
	int ret;

	if (!vio_announce_asked(ad))
		return;
	pthread_mutex_lock(&ad->lock);
	if (!ad->started || !ad->ctrl.live ||
	    dev->tx_pkt_burst != vio_announce_tx_burst) {
		pthread_mutex_unlock(&ad->lock);
		return;
	}
	ret = vio_announce_send(dev);
	if (ret < 0)
		VIO_PMD_LOG(driver, WARNING, "port %u: the device asked for an announcement, the RARP could not be sent: %s",
			    dev->data->port_id, strerror(-ret));
	else
		VIO_PMD_LOG(driver, NOTICE, "port %u: announced on the device's request (RARP from " RTE_ETHER_ADDR_PRT_FMT " on tx queue 0)",
			    dev->data->port_id,
			    RTE_ETHER_ADDR_BYTES(dev->data->mac_addrs));
	/* Acked either way: the device clears the request and may ask
	 * again (QEMU's next round). */
	vio_ctrl_result(dev, VIO_CTRL_ANNOUNCE,
			vio_cvq_announce_ack(&ad->ctrl.cq, VIO_CVQ_TIMEOUT_US));
	pthread_mutex_unlock(&ad->lock);
}
