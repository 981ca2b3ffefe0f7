/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * net_vio: the PCI driver for virtio-net devices (a VM's virtio-net-pci
 * NIC bound to vfio-pci, uio_pci_generic or igb_uio). Parses the devargs,
 * opens the PCI transport (modern, or legacy on request or when the device
 * has nothing else) and hands the port to the transport-neutral ethdev
 * code. Link changes arrive as config-change interrupts when the kernel
 * binding delivers interrupts; link_update polls otherwise.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <bus_pci_driver.h>
#include <ethdev_pci.h>
#include <rte_interrupts.h>

#include "vio_ethdev.h"
#include "vio_pci.h"
#include "vio_pci_caps.h"
#include "vio_proc.h"

static const struct rte_pci_id vio_pci_ids[] = {
	{ RTE_PCI_DEVICE(VIO_PCI_VENDOR_ID, VIO_PCI_DEVICE_NET_LEGACY) },
	{ RTE_PCI_DEVICE(VIO_PCI_VENDOR_ID, VIO_PCI_DEVICE_NET_MODERN) },
	{ .vendor_id = 0 },
};

/* The common ops, with a close that also stops interrupts. */
static struct eth_dev_ops vio_pci_dev_ops;
static eth_dev_close_t vio_common_close;

static struct rte_pci_device *
pci_of(struct rte_eth_dev *dev)
{
	return RTE_ETH_DEV_TO_PCI(dev);
}

static void
vio_pci_intr_handler(void *arg)
{
	struct rte_eth_dev *dev = arg;
	struct vio_adapter *ad = dev->data->dev_private;
	uint8_t isr;

	if (ad->hw.ops == NULL)
		return;
	/* Reading the ISR clears it and lowers an INTx line. */
	isr = vio_pci_isr(&ad->hw);
	rte_intr_ack(pci_of(dev)->intr_handle);
	if ((isr & VIO_PCI_ISR_CONFIG) && dev->dev_ops->link_update(dev, 0) == 0)
		rte_eth_dev_callback_process(dev, RTE_ETH_EVENT_INTR_LSC, NULL);
	if (isr & VIO_PCI_ISR_CONFIG)
		vio_announce_check(dev);
}

static bool
vio_pci_intr_usable(struct rte_pci_device *pdev)
{
	switch (rte_intr_type_get(pdev->intr_handle)) {
	case RTE_INTR_HANDLE_UIO:
	case RTE_INTR_HANDLE_UIO_INTX:
	case RTE_INTR_HANDLE_VFIO_MSIX:
	case RTE_INTR_HANDLE_VFIO_MSI:
	case RTE_INTR_HANDLE_VFIO_LEGACY:
		return true;
	default:
		return false;
	}
}

/* Link-state interrupts when the device reports a link status and the
 * kernel binding delivers interrupts; polling works either way. */
static void
vio_pci_lsc_setup(struct rte_eth_dev *dev)
{
	struct vio_adapter *ad = dev->data->dev_private;
	struct rte_pci_device *pdev = pci_of(dev);

	if (!(ad->hw.offered & VIO_BIT(VIO_NET_F_STATUS)) ||
	    !vio_pci_intr_usable(pdev)) {
		VIO_PMD_LOG(init, INFO, "%s: no link interrupt (%s): link state by polling",
			    pdev->name, ad->hw.offered & VIO_BIT(VIO_NET_F_STATUS) ?
			    "the binding delivers none" : "device has no link status");
		return;
	}
	if (rte_intr_callback_register(pdev->intr_handle, vio_pci_intr_handler,
				       dev) < 0)
		return;
	if (rte_intr_enable(pdev->intr_handle) < 0) {
		rte_intr_callback_unregister(pdev->intr_handle,
					     vio_pci_intr_handler, dev);
		VIO_PMD_LOG(init, NOTICE, "%s: cannot enable interrupts: link state by polling",
			    pdev->name);
		return;
	}
	vio_pci_config_irq(&ad->hw, true);
	dev->data->dev_flags |= RTE_ETH_DEV_INTR_LSC;
}

static void
vio_pci_lsc_stop(struct rte_eth_dev *dev)
{
	struct rte_pci_device *pdev = pci_of(dev);

	if (!(dev->data->dev_flags & RTE_ETH_DEV_INTR_LSC))
		return;
	rte_intr_disable(pdev->intr_handle);
	rte_intr_callback_unregister_sync(pdev->intr_handle,
					  vio_pci_intr_handler, dev);
	dev->data->dev_flags &= ~RTE_ETH_DEV_INTR_LSC;
}

static int
vio_pci_close(struct rte_eth_dev *dev)
{
	if (rte_eal_process_type() == RTE_PROC_PRIMARY)
		vio_pci_lsc_stop(dev);
	return vio_common_close(dev);
}

/* The queue pairs asked for (devarg queues) against the device's
 * max_virtqueue_pairs, which it has only with MQ (and a control queue,
 * through which the pairs in use are set). */
static int
vio_pci_check_queues(struct rte_eth_dev *dev, uint16_t pairs)
{
	struct vio_adapter *ad = dev->data->dev_private;

	if (ad->da.queues <= 1)
		return 0;
	if (!(ad->hw.offered & VIO_BIT(VIO_NET_F_MQ)) ||
	    !(ad->hw.offered & VIO_BIT(VIO_NET_F_CTRL_VQ))) {
		VIO_PMD_LOG(init, ERR, "%s: devarg queues=%u rejected: the device has no multiqueue (QEMU: mq=on)",
			    ad->hw.name, ad->da.queues);
		return -ENOTSUP;
	}
	if (ad->da.queues > pairs) {
		VIO_PMD_LOG(init, ERR, "%s: devarg queues=%u rejected: the device has %u queue pairs",
			    ad->hw.name, ad->da.queues, pairs);
		return -ENOTSUP;
	}
	return 0;
}

/* What the device's config says beyond the MAC (5.1.4); its queue pairs
 * are returned. */
static uint16_t
vio_pci_read_config(struct rte_eth_dev *dev)
{
	struct vio_adapter *ad = dev->data->dev_private;
	struct vio_hw *hw = &ad->hw;
	uint16_t pairs = 1;
	uint32_t speed;
	uint8_t duplex = 1;

	if (hw->offered & VIO_BIT(VIO_NET_F_MQ))
		hw->ops->read_config(hw, offsetof(struct vio_net_config,
				     max_virtqueue_pairs), &pairs, sizeof(pairs));
	if ((hw->offered & VIO_BIT(VIO_NET_F_SPEED_DUPLEX)) &&
	    hw->ops->read_config(hw, offsetof(struct vio_net_config, speed),
				 &speed, sizeof(speed)) == 0) {
		hw->ops->read_config(hw, offsetof(struct vio_net_config, duplex),
				     &duplex, sizeof(duplex));
		/* 0xffffffff (and anything above INT32_MAX) means unknown. */
		if (!ad->da.speed_set && speed != 0 && speed <= INT32_MAX)
			ad->da.speed = speed;
		if (duplex == 0)
			VIO_PMD_LOG(init, NOTICE, "%s: device reports half duplex",
				    hw->name);
	}
	VIO_PMD_LOG(init, INFO, "%s: %u queue pair(s) offered, max MTU %u, speed %u Mbit/s",
		    hw->name, pairs, ad->max_mtu, ad->da.speed);
	return pairs;
}

/* A legacy device's queue size is its own: use it as the port's. */
static void
vio_pci_queue_size(struct rte_eth_dev *dev)
{
	struct vio_adapter *ad = dev->data->dev_private;
	uint16_t size;

	if (!ad->hw.fixed_queue_size)
		return;
	size = ad->hw.ops->queue_max_size(&ad->hw, 0);
	if (size != 0 && size != ad->da.queue_size) {
		VIO_PMD_LOG(init, NOTICE, "%s: legacy device: queues have the device's size %u, not %u",
			    ad->hw.name, size, ad->da.queue_size);
		ad->da.queue_size = size;
	}
}

static int
vio_pci_dev_init(struct rte_eth_dev *dev)
{
	struct vio_adapter *ad = dev->data->dev_private;
	struct rte_pci_device *pdev = pci_of(dev);
	const char *args = pdev->device.devargs ? pdev->device.devargs->args : NULL;
	int ret;

	ret = vio_devargs_parse_pci(pdev->name, args, &ad->da);
	if (ret < 0)
		return ret;
	ret = vio_pci_open(&ad->hw, pdev, ad->da.legacy);
	if (ret < 0)
		return ret;
	ret = vio_ethdev_init(dev);
	if (ret < 0)
		goto fail;
	/* The device reaches memory through the platform (IOMMU) when it
	 * asks for it: vio gives IOVAs either way. */
	if (ad->hw.modern)
		ad->wanted |= VIO_BIT(VIO_F_ACCESS_PLATFORM) |
			      VIO_BIT(VIO_F_NOTIFICATION_DATA);
	if (ad->da.mac_set) {
		*dev->data->mac_addrs = ad->da.mac;
		dev->dev_ops->mac_addr_set(dev, &ad->da.mac);
	}
	ret = vio_pci_check_queues(dev, vio_pci_read_config(dev));
	if (ret < 0)
		goto fail;
	vio_pci_queue_size(dev);
	if (vio_common_close == NULL) {
		vio_pci_dev_ops = *dev->dev_ops;
		vio_common_close = vio_pci_dev_ops.dev_close;
		vio_pci_dev_ops.dev_close = vio_pci_close;
	}
	dev->dev_ops = &vio_pci_dev_ops;
	vio_pci_lsc_setup(dev);
	VIO_PMD_LOG(init, NOTICE, "net_vio: %s port %u: %s virtio-net 0x%04x, link interrupt %s",
		    pdev->name, dev->data->port_id,
		    ad->hw.modern ? "modern" : "legacy", pdev->id.device_id,
		    dev->data->dev_flags & RTE_ETH_DEV_INTR_LSC ? "on" : "off (polling)");
	return 0;
fail:
	if (dev->data->mac_addrs != NULL) {
		rte_free(dev->data->mac_addrs);
		dev->data->mac_addrs = NULL;
	}
	if (ad->hw.ops != NULL)
		ad->hw.ops->close(&ad->hw);
	return ret;
}

/* The primary's port in a secondary process: read-only ops and bursts
 * (vio_proc.h); the doorbells through this process's mapping of the
 * interface the primary opened. */
static int
vio_pci_dev_init_secondary(struct rte_eth_dev *dev)
{
	const struct vio_adapter *ad = dev->data->dev_private;
	struct rte_pci_device *pdev = pci_of(dev);
	struct vio_hw *hw = calloc(1, sizeof(*hw));
	int ret;

	if (hw == NULL)
		return -ENOMEM;
	ret = vio_pci_attach(hw, pdev, !ad->hw.modern);
	if (ret < 0) {
		VIO_PMD_LOG(init, ERR, "%s: cannot map the primary's %s interface in this secondary process: %s",
			    pdev->name, ad->hw.modern ? "modern" : "legacy",
			    strerror(-ret));
		free(hw);
		return ret;
	}
	vio_ethdev_init_secondary(dev);
	vio_proc_set_transport(dev, hw);
	VIO_PMD_LOG(init, INFO, "net_vio: %s port %u attached in a secondary process (rx/tx on the queues the primary set up)",
		    pdev->name, dev->data->port_id);
	return 0;
}

static int
vio_pci_probe(struct rte_pci_driver *drv __rte_unused,
	      struct rte_pci_device *pdev)
{
	if (rte_eal_process_type() != RTE_PROC_PRIMARY)
		return rte_eth_dev_pci_generic_probe(pdev, 0,
						     vio_pci_dev_init_secondary);
	return rte_eth_dev_pci_generic_probe(pdev, sizeof(struct vio_adapter),
					     vio_pci_dev_init);
}

static int
vio_pci_dev_uninit(struct rte_eth_dev *dev)
{
	if (rte_eal_process_type() != RTE_PROC_PRIMARY) {
		vio_proc_detach(dev);
		return 0;
	}
	return vio_pci_close(dev);
}

static int
vio_pci_remove(struct rte_pci_device *pdev)
{
	return rte_eth_dev_pci_generic_remove(pdev, vio_pci_dev_uninit);
}

static struct rte_pci_driver vio_pci_driver = {
	.id_table = vio_pci_ids,
	.drv_flags = RTE_PCI_DRV_NEED_MAPPING | RTE_PCI_DRV_INTR_LSC,
	.probe = vio_pci_probe,
	.remove = vio_pci_remove,
};

RTE_PMD_REGISTER_PCI(net_vio, vio_pci_driver);
RTE_PMD_REGISTER_PCI_TABLE(net_vio, vio_pci_ids);
RTE_PMD_REGISTER_KMOD_DEP(net_vio, "* igb_uio | uio_pci_generic | vfio-pci");
/* Exactly the keys vio_devargs_table accepts here, with their value forms:
 * dpdk-pmdinfo.py shows them, and test_pmdinfo compares the two. */
RTE_PMD_REGISTER_PARAM_STRING(net_vio,
	"queues=<1..128> "
	"queue_size=<64|128|...|32768> "
	"mac=<xx:xx:xx:xx:xx:xx> "
	"mrg_rxbuf=<0|1> "
	"in_order=<0|1> "
	"packed_vq=<0|1> "
	"speed=<Mbit/s> "
	"legacy=<0|1> "
	"vectorized=<0|1> "
	"cq=<0|1>");
