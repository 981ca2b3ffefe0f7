/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "vio_dev.h"
#include "vio_log.h"

#include <rte_common.h>

/* How long a device may take to show a reset (3.1.1: it must read 0). */
#define VIO_RESET_WAIT_US	(1000 * 1000)
#define VIO_RESET_POLL_US	1000

int
vio_dev_reset(struct vio_hw *hw)
{
	unsigned int waited;
	int ret;

	ret = hw->ops->set_status(hw, 0);
	if (ret < 0)
		return ret;
	for (waited = 0; hw->ops->get_status(hw) != 0; waited += VIO_RESET_POLL_US) {
		if (waited >= VIO_RESET_WAIT_US) {
			VIO_LOG(virtio, ERR, "%s: device did not reset within %u ms",
				hw->name, VIO_RESET_WAIT_US / 1000);
			return -ETIMEDOUT;
		}
		usleep(VIO_RESET_POLL_US);
	}
	return 0;
}

static int
add_status(struct vio_hw *hw, uint8_t bits)
{
	return hw->ops->set_status(hw, hw->ops->get_status(hw) | bits);
}

uint16_t
vio_dev_hdr_size(uint64_t features)
{
	/* A feature above bit 31: modern devices only. */
	if ((features & VIO_BIT(VIO_NET_F_HASH_REPORT)) &&
	    (features & VIO_BIT(VIO_F_VERSION_1)))
		return sizeof(struct vio_net_hdr_hash);
	if (features & (VIO_BIT(VIO_F_VERSION_1) | VIO_BIT(VIO_NET_F_MRG_RXBUF)))
		return sizeof(struct vio_net_hdr_mrg);
	return sizeof(struct vio_net_hdr);
}

int
vio_dev_negotiate(struct vio_hw *hw, uint64_t wanted, uint64_t required)
{
	uint64_t offered, missing;
	char buf[512];
	int ret;

	ret = vio_dev_reset(hw);
	if (ret < 0)
		return ret;
	ret = add_status(hw, VIO_STATUS_ACKNOWLEDGE);
	if (ret == 0)
		ret = add_status(hw, VIO_STATUS_DRIVER);
	if (ret == 0)
		ret = hw->ops->get_features(hw, &offered);
	if (ret < 0)
		goto fail;

	if (hw->modern)
		required |= VIO_BIT(VIO_F_VERSION_1);
	missing = required & ~offered;
	if (missing != 0) {
		vio_dev_features_str(missing, buf, sizeof(buf));
		VIO_LOG(virtio, ERR, "%s: device lacks required features: %s",
			hw->name, buf);
		ret = -ENOTSUP;
		goto fail;
	}
	hw->offered = offered;
	hw->features = offered & (wanted | required);
	ret = hw->ops->set_features(hw, hw->features);
	/* A legacy device has no FEATURES_OK step (1.3, 3.1.2): it takes
	 * the features as written. */
	if (ret == 0 && hw->modern)
		ret = add_status(hw, VIO_STATUS_FEATURES_OK);
	if (ret < 0)
		goto fail;
	if (hw->modern && !(hw->ops->get_status(hw) & VIO_STATUS_FEATURES_OK)) {
		VIO_LOG(virtio, ERR, "%s: device refused the feature set", hw->name);
		ret = -ENOTSUP;
		goto fail;
	}
	hw->hdr_size = vio_dev_hdr_size(hw->features);
	vio_dev_features_str(hw->features, buf, sizeof(buf));
	VIO_LOG(virtio, DEBUG, "%s: negotiated %s", hw->name, buf);
	return 0;
fail:
	vio_dev_failed(hw);
	return ret;
}

int
vio_dev_driver_ok(struct vio_hw *hw)
{
	int ret = add_status(hw, VIO_STATUS_DRIVER_OK);

	if (ret < 0) {
		VIO_LOG(virtio, ERR, "%s: device did not start: %s", hw->name,
			strerror(-ret));
		return ret;
	}
	if (hw->ops->get_status(hw) & VIO_STATUS_DEVICE_NEEDS_RESET) {
		VIO_LOG(virtio, ERR, "%s: device needs reset after DRIVER_OK",
			hw->name);
		return -EIO;
	}
	return 0;
}

void
vio_dev_failed(struct vio_hw *hw)
{
	add_status(hw, VIO_STATUS_FAILED);
}

static const struct {
	unsigned int bit;
	const char *name;
} feature_names[] = {
	{ VIO_NET_F_CSUM, "CSUM" },
	{ VIO_NET_F_GUEST_CSUM, "GUEST_CSUM" },
	{ VIO_NET_F_CTRL_GUEST_OFFLOADS, "CTRL_GUEST_OFFLOADS" },
	{ VIO_NET_F_MTU, "MTU" },
	{ VIO_NET_F_MAC, "MAC" },
	{ VIO_NET_F_GUEST_TSO4, "GUEST_TSO4" },
	{ VIO_NET_F_GUEST_TSO6, "GUEST_TSO6" },
	{ VIO_NET_F_GUEST_ECN, "GUEST_ECN" },
	{ VIO_NET_F_GUEST_UFO, "GUEST_UFO" },
	{ VIO_NET_F_HOST_TSO4, "HOST_TSO4" },
	{ VIO_NET_F_HOST_TSO6, "HOST_TSO6" },
	{ VIO_NET_F_HOST_ECN, "HOST_ECN" },
	{ VIO_NET_F_HOST_UFO, "HOST_UFO" },
	{ VIO_NET_F_MRG_RXBUF, "MRG_RXBUF" },
	{ VIO_NET_F_STATUS, "STATUS" },
	{ VIO_NET_F_CTRL_VQ, "CTRL_VQ" },
	{ VIO_NET_F_CTRL_RX, "CTRL_RX" },
	{ VIO_NET_F_CTRL_VLAN, "CTRL_VLAN" },
	{ VIO_NET_F_GUEST_ANNOUNCE, "GUEST_ANNOUNCE" },
	{ VIO_NET_F_MQ, "MQ" },
	{ VIO_NET_F_CTRL_MAC_ADDR, "CTRL_MAC_ADDR" },
	{ VIO_F_NOTIFY_ON_EMPTY, "NOTIFY_ON_EMPTY" },
	{ VIO_F_ANY_LAYOUT, "ANY_LAYOUT" },
	{ VIO_F_RING_INDIRECT_DESC, "INDIRECT_DESC" },
	{ VIO_F_RING_EVENT_IDX, "EVENT_IDX" },
	{ VIO_F_PROTOCOL_FEATURES, "PROTOCOL_FEATURES" },
	{ VIO_F_VERSION_1, "VERSION_1" },
	{ VIO_F_ACCESS_PLATFORM, "ACCESS_PLATFORM" },
	{ VIO_F_RING_PACKED, "RING_PACKED" },
	{ VIO_F_IN_ORDER, "IN_ORDER" },
	{ VIO_F_ORDER_PLATFORM, "ORDER_PLATFORM" },
	{ VIO_F_SR_IOV, "SR_IOV" },
	{ VIO_F_NOTIFICATION_DATA, "NOTIFICATION_DATA" },
	{ VIO_NET_F_GUEST_USO4, "GUEST_USO4" },
	{ VIO_NET_F_GUEST_USO6, "GUEST_USO6" },
	{ VIO_NET_F_HOST_USO, "HOST_USO" },
	{ VIO_NET_F_SPEED_DUPLEX, "SPEED_DUPLEX" },
};

int
vio_dev_features_str(uint64_t features, char *buf, size_t len)
{
	size_t i, off = 0;
	uint64_t left = features;

	if (len == 0)
		return 0;
	buf[0] = '\0';
	for (i = 0; i < RTE_DIM(feature_names) && off < len; i++) {
		if (!(features & VIO_BIT(feature_names[i].bit)))
			continue;
		left &= ~VIO_BIT(feature_names[i].bit);
		off += snprintf(buf + off, len - off, "%s%s", off ? "," : "",
				feature_names[i].name);
	}
	if (left != 0 && off < len)
		off += snprintf(buf + off, len - off, "%s0x%" PRIx64,
				off ? "," : "", left);
	return (int)(off < len ? off : len - 1);
}
