/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Rx interrupts: an application that sleeps while a queue is idle
 * (dpdk-l3fwd-power) asks for a notification on the queue
 * (rx_queue_intr_enable), waits on the queue's eventfd through the EAL's
 * epoll (rte_eth_dev_rx_intr_ctl_q), and suppresses them again once
 * awake (rx_queue_intr_disable). The ring side is lib/virtio's
 * vio_vq_intr_*. The eventfd is the transport's (virtio-user: the call
 * eventfd the backend signals), handed to the EAL in an interrupt handle
 * of the port's own; or (PCI) one the EAL makes for an MSI-X vector of
 * the bus's handle (vfio-pci), the transport routing the queue to that
 * vector. Either way rx queue i is on vector RTE_INTR_VEC_RXTX_OFFSET + i.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include <rte_interrupts.h>

#include "vio_ethdev.h"

bool
vio_intr_supported(const struct vio_adapter *ad)
{
	return ad->hw.ops->queue_intr_fd != NULL || ad->hw.ops->rx_irqs != NULL;
}

int
vio_intr_check(struct rte_eth_dev *dev)
{
	struct vio_adapter *ad = dev->data->dev_private;

	if (!dev->data->dev_conf.intr_conf.rxq)
		return 0;
	if (!vio_intr_supported(ad)) {
		VIO_PMD_LOG(driver, ERR, "port %u: rx interrupts (intr_conf.rxq) are not supported on transport %s",
			    dev->data->port_id, ad->hw.ops->name);
		return -ENOTSUP;
	}
	if (ad->hw.ops->queue_intr_fd == NULL &&
	    (dev->intr_handle == NULL || !rte_intr_cap_multiple(dev->intr_handle))) {
		VIO_PMD_LOG(driver, ERR, "port %u: rx interrupts (intr_conf.rxq) need a vector per queue: bind the device to vfio-pci (MSI-X)",
			    dev->data->port_id);
		return -ENOTSUP;
	}
	return 0;
}

/* Bus vectors (PCI): before the queues are set up at the device, which
 * routes them. The EAL makes an eventfd per rx queue and gives vfio the
 * whole vector table again; vector 0 stays the link interrupt's. */
static int
vio_intr_bus_bind(struct rte_eth_dev *dev, struct rte_intr_handle *h)
{
	struct vio_adapter *ad = dev->data->dev_private;
	uint16_t nb = dev->data->nb_rx_queues, i;

	rte_intr_disable(h);
	ad->intr_bus = true;
	if (rte_intr_efd_enable(h, nb) < 0 ||
	    rte_intr_vec_list_alloc(h, "vio_rx_intr", nb) < 0)
		return -rte_errno ? -rte_errno : -ENOMEM;
	for (i = 0; i < nb; i++)
		if (rte_intr_vec_list_index_set(h, i,
						RTE_INTR_VEC_RXTX_OFFSET + i) < 0)
			return -rte_errno;
	if (rte_intr_enable(h) < 0)
		return -EIO;
	return ad->hw.ops->rx_irqs(&ad->hw, nb);
}

int
vio_intr_prepare(struct rte_eth_dev *dev)
{
	struct vio_adapter *ad = dev->data->dev_private;
	int ret;

	if (!dev->data->dev_conf.intr_conf.rxq || ad->hw.ops->queue_intr_fd != NULL)
		return 0;
	ret = vio_intr_bus_bind(dev, dev->intr_handle);
	if (ret < 0) {
		vio_intr_stop(dev);
		VIO_PMD_LOG(driver, ERR, "port %u: rx interrupts not set up: %s",
			    dev->data->port_id, strerror(-ret));
	}
	return ret;
}

static void
vio_intr_bus_unbind(struct rte_eth_dev *dev)
{
	struct vio_adapter *ad = dev->data->dev_private;
	struct rte_intr_handle *h = dev->intr_handle;

	ad->intr_bus = false;
	ad->hw.ops->rx_irqs(&ad->hw, 0);
	rte_intr_disable(h);
	rte_intr_efd_disable(h);
	rte_intr_vec_list_free(h);
	/* Back to the one vector of the link interrupt. */
	if ((dev->data->dev_flags & RTE_ETH_DEV_INTR_LSC) && rte_intr_enable(h) < 0)
		VIO_PMD_LOG(driver, WARNING, "port %u: link interrupt not enabled again: link state by polling",
			    dev->data->port_id);
}

/* The handle the rx eventfds go in: the port's own, allocated here once
 * and freed at close. A handle the bus gave the port (PCI) is the bus's
 * to program: NULL. */
static struct rte_intr_handle *
vio_intr_handle(struct rte_eth_dev *dev)
{
	struct vio_adapter *ad = dev->data->dev_private;

	if (dev->intr_handle == NULL) {
		ad->intr_own = rte_intr_instance_alloc(RTE_INTR_INSTANCE_F_PRIVATE);
		dev->intr_handle = ad->intr_own;
	}
	return dev->intr_handle == ad->intr_own ? ad->intr_own : NULL;
}

static int
vio_intr_bind(struct rte_eth_dev *dev, struct rte_intr_handle *h)
{
	struct vio_adapter *ad = dev->data->dev_private;
	uint16_t nb = dev->data->nb_rx_queues, i;
	int fd;

	for (i = 0; i < nb; i++) {
		fd = ad->hw.ops->queue_intr_fd(&ad->hw, 2 * i);
		if (fd < 0) {
			VIO_PMD_LOG(driver, ERR, "port %u: rx queue %u has no interrupt eventfd: %s",
				    dev->data->port_id, i, strerror(-fd));
			return fd;
		}
		if (rte_intr_efds_index_set(h, i, fd) < 0)
			return -rte_errno;
	}
	/* The EAL reads the eventfd's counter when it wakes (and so
	 * clears it): an eventfd counter is 8 bytes. */
	if (rte_intr_nb_efd_set(h, nb) < 0 ||
	    rte_intr_max_intr_set(h, nb + 1) < 0 ||
	    rte_intr_type_set(h, RTE_INTR_HANDLE_VDEV) < 0 ||
	    rte_intr_efd_counter_size_set(h, sizeof(uint64_t)) < 0 ||
	    rte_intr_vec_list_alloc(h, "vio_rx_intr", nb) < 0)
		return -rte_errno;
	for (i = 0; i < nb; i++)
		if (rte_intr_vec_list_index_set(h, i,
						RTE_INTR_VEC_RXTX_OFFSET + i) < 0)
			return -rte_errno;
	return 0;
}

int
vio_intr_start(struct rte_eth_dev *dev)
{
	struct vio_adapter *ad = dev->data->dev_private;
	struct rte_intr_handle *h;
	int ret;

	if (!dev->data->dev_conf.intr_conf.rxq)
		return 0;
	if (ad->intr_bus)
		goto done;
	h = vio_intr_handle(dev);
	if (h == NULL) {
		VIO_PMD_LOG(driver, ERR, "port %u: no interrupt handle for rx interrupts",
			    dev->data->port_id);
		return -ENOMEM;
	}
	ret = vio_intr_bind(dev, h);
	if (ret < 0) {
		vio_intr_stop(dev);
		VIO_PMD_LOG(driver, ERR, "port %u: rx interrupts not set up: %s",
			    dev->data->port_id, strerror(-ret));
		return ret;
	}
done:
	VIO_PMD_LOG(driver, INFO, "port %u: rx interrupts on %u queue(s)",
		    dev->data->port_id, dev->data->nb_rx_queues);
	return 0;
}

/* Before the transport closes the eventfds (device reset): the EAL must
 * not be given them any more. */
void
vio_intr_stop(struct rte_eth_dev *dev)
{
	struct vio_adapter *ad = dev->data->dev_private;
	struct rte_intr_handle *h = ad->intr_own;
	int i, n;

	if (ad->intr_bus)
		vio_intr_bus_unbind(dev);
	if (h == NULL)
		return;
	n = rte_intr_nb_efd_get(h);
	for (i = 0; i < n; i++)
		rte_intr_efds_index_set(h, i, -1);
	rte_intr_nb_efd_set(h, 0);
	rte_intr_vec_list_free(h);
}

void
vio_intr_free(struct rte_eth_dev *dev)
{
	struct vio_adapter *ad = dev->data->dev_private;

	if (ad->intr_own == NULL)
		return;
	vio_intr_stop(dev);
	if (dev->intr_handle == ad->intr_own)
		dev->intr_handle = NULL;
	rte_intr_instance_free(ad->intr_own);
	ad->intr_own = NULL;
}

static bool
vio_intr_event_idx(const struct vio_adapter *ad)
{
	return vio_hw_has(&ad->hw, VIO_F_RING_EVENT_IDX);
}

/* The thread that polls the queue, before it sleeps on the eventfd. */
int
vio_rx_queue_intr_enable(struct rte_eth_dev *dev, uint16_t qid)
{
	struct vio_adapter *ad = dev->data->dev_private;
	struct vio_rxq *rxq = dev->data->rx_queues[qid];
	uint64_t one = 1;
	int fd;

	if (rxq == NULL || !vio_intr_supported(ad))
		return -ENOTSUP;
	if (!vio_vq_intr_enable(&rxq->vq, vio_intr_event_idx(ad)))
		return 0;
	/* Used before the device saw the request: it will not notify for
	 * that buffer, so wake the sleeper ourselves. */
	fd = dev->intr_handle != NULL && qid < rte_intr_nb_efd_get(dev->intr_handle) ?
	     rte_intr_efds_index_get(dev->intr_handle, qid) : -1;
	if (fd >= 0 && write(fd, &one, sizeof(one)) < 0 && errno != EAGAIN)
		VIO_PMD_LOG(driver, DEBUG, "port %u: rx queue %u: eventfd write: %s",
			    dev->data->port_id, qid, strerror(errno));
	return 0;
}

/* The same thread, awake: polling again. */
int
vio_rx_queue_intr_disable(struct rte_eth_dev *dev, uint16_t qid)
{
	struct vio_adapter *ad = dev->data->dev_private;
	struct vio_rxq *rxq = dev->data->rx_queues[qid];

	if (rxq == NULL || !vio_intr_supported(ad))
		return -ENOTSUP;
	vio_vq_intr_disable(&rxq->vq, vio_intr_event_idx(ad));
	return 0;
}
