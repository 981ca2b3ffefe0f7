/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * net_vio_user: the vdev driver. Parses the devargs, connects the
 * virtio-user transport to its backend (a vhost-user socket, or the
 * kernel's vhost-net with a tap device) and hands the port to
 * the transport-neutral ethdev code.
 */
#include <errno.h>
#include <string.h>

#include <bus_vdev_driver.h>
#include <ethdev_vdev.h>

#include "vio_ethdev.h"
#include "vio_user.h"

#define VIO_USER_TIMEOUT_MS 5000

/* A backend was set up or lost (EAL alarm thread: server mode, or
 * client mode with reconnect). The
 * event goes out only for a started port: a stopped one is down anyway,
 * and dev_start reads the link itself. */
static void
vio_user_link_change(void *arg)
{
	struct rte_eth_dev *dev = arg;

	if (!dev->data->dev_started || dev->dev_ops == NULL)
		return;
	/* 0: the status changed. */
	if (dev->dev_ops->link_update(dev, 0) == 0)
		rte_eth_dev_callback_process(dev, RTE_ETH_EVENT_INTR_LSC, NULL);
}

static int
vio_user_connect(struct rte_eth_dev *dev)
{
	struct vio_adapter *ad = dev->data->dev_private;
	struct vio_user_params p = {
		.path = ad->da.path,
		.iface = ad->da.iface,
		.queue_pairs = ad->da.queues,
		/* Ring sizes follow each queue's nb_desc. */
		.queue_size = VIO_MAX_QUEUE_SIZE,
		.mac_set = ad->da.mac_set,
		.speed = ad->da.speed,
		.timeout_ms = VIO_USER_TIMEOUT_MS,
		/* Executed by the transport: MQ_VQ_PAIRS_SET switches the
		 * backend's rings, the filters are acked without effect. */
		.ctrl_vq = vio_ctrl_wanted(&ad->da),
		.server = ad->da.server,
		.socket_mode = ad->da.socket_mode,
		.reconnect = ad->da.reconnect,
		.link_change = vio_user_link_change,
		.link_arg = dev,
	};

	memcpy(p.mac, ad->da.mac.addr_bytes, sizeof(p.mac));
	return vio_user_open(&ad->hw, &p);
}

/* Said by devarg when the backend has fewer queue pairs than asked. */
static void
vio_user_connect_failed(struct rte_eth_dev *dev, const char *name, int ret)
{
	struct vio_adapter *ad = dev->data->dev_private;

	if (ret == -ENOTSUP && ad->da.queues > 1)
		VIO_PMD_LOG(init, ERR, "%s: devarg queues=%u rejected: the vhost-user backend at %s runs fewer queue pairs (the line above says how many)",
			    name, ad->da.queues, ad->da.path);
	else
		VIO_PMD_LOG(init, ERR, "%s: cannot use the backend at %s: %s",
			    name, ad->da.path, strerror(-ret));
}

/* The primary's port: its statistics, and bursts on its queues. */
static int
vio_user_probe_secondary(struct rte_vdev_device *vdev, const char *name)
{
	struct rte_eth_dev *dev = rte_eth_dev_attach_secondary(name);

	if (dev == NULL) {
		VIO_PMD_LOG(init, ERR, "%s: cannot attach to the primary's port", name);
		return -ENODEV;
	}
	dev->device = &vdev->device;
	vio_ethdev_init_secondary(dev);
	rte_eth_dev_probing_finish(dev);
	VIO_PMD_LOG(init, INFO, "%s: port %u attached in a secondary process (rx/tx on the queues the primary set up)",
		    name, dev->data->port_id);
	return 0;
}

static int
vio_user_probe(struct rte_vdev_device *vdev)
{
	const char *name = rte_vdev_device_name(vdev);
	struct vio_devargs da;
	struct rte_eth_dev *dev;
	struct vio_adapter *ad;
	int ret;

	if (rte_eal_process_type() != RTE_PROC_PRIMARY)
		return vio_user_probe_secondary(vdev, name);
	ret = vio_devargs_parse(name, rte_vdev_device_args(vdev), &da);
	if (ret < 0)
		return ret;
	if (da.path[0] == '\0') {
		VIO_PMD_LOG(init, ERR, "%s: devarg path is missing: give path=<vhost-user socket> or path=/dev/vhost-net",
			    name);
		return -EINVAL;
	}
	if (da.socket_mode != 0 && !da.server) {
		VIO_PMD_LOG(init, ERR, "%s: devarg socket_mode is for server=1 (vio creates the socket)",
			    name);
		return -EINVAL;
	}
	dev = rte_eth_vdev_allocate(vdev, sizeof(*ad));
	if (dev == NULL) {
		VIO_PMD_LOG(init, ERR, "%s: cannot allocate an ethdev port", name);
		return -ENOMEM;
	}
	ad = dev->data->dev_private;
	ad->da = da;
	if (da.queues > 1 && !da.cq)
		VIO_PMD_LOG(init, INFO, "%s: queues=%u: a control virtqueue too (multiqueue needs one)",
			    name, da.queues);
	ret = vio_user_connect(dev);
	if (ret < 0) {
		vio_user_connect_failed(dev, name, ret);
		goto fail;
	}
	ret = vio_ethdev_init(dev);
	if (ret < 0)
		goto fail;
	/* The link follows the backends that come and go: events each way. */
	if (vio_user_link_events(&ad->hw))
		dev->data->dev_flags |= RTE_ETH_DEV_INTR_LSC;
	rte_eth_dev_probing_finish(dev);
	VIO_PMD_LOG(init, INFO, "%s: port %u on %s%s", name, dev->data->port_id,
		    da.path, da.server ? " (server)" : "");
	return 0;
fail:
	if (ad->hw.ops != NULL)
		ad->hw.ops->close(&ad->hw);
	rte_eth_dev_release_port(dev);
	return ret;
}

static int
vio_user_remove(struct rte_vdev_device *vdev)
{
	struct rte_eth_dev *dev;

	dev = rte_eth_dev_allocated(rte_vdev_device_name(vdev));
	if (dev == NULL)
		return 0;	/* already closed */
	rte_eth_dev_close(dev->data->port_id);
	return 0;
}

static struct rte_vdev_driver vio_user_driver = {
	.probe = vio_user_probe,
	.remove = vio_user_remove,
};

RTE_PMD_REGISTER_VDEV(net_vio_user, vio_user_driver);
/* Exactly the keys vio_devargs_table accepts here, with their value forms:
 * dpdk-pmdinfo.py shows them, and test_pmdinfo compares the two. */
RTE_PMD_REGISTER_PARAM_STRING(net_vio_user,
	"path=<path> "
	"queues=<1..128> "
	"queue_size=<64|128|...|32768> "
	"mac=<xx:xx:xx:xx:xx:xx> "
	"mrg_rxbuf=<0|1> "
	"in_order=<0|1> "
	"packed_vq=<0|1> "
	"speed=<Mbit/s> "
	"vectorized=<0|1> "
	"cq=<0|1> "
	"iface=<name> "
	"server=<0|1> "
	"socket_mode=<octal> "
	"reconnect=<0|1>");
