/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The tap device of a vhost-kernel port. Frames cross it with a
 * virtio-net header (IFF_VNET_HDR), so the checksum and segmentation
 * offloads the driver negotiated reach the kernel (our transmit side:
 * the tap takes any header a writer gives it) and come back (our
 * receive side: the kernel hands us partial checksums and GSO frames
 * only for the TUN_F_* flags set with TUNSETOFFLOAD).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/if_tun.h>

#include <rte_common.h>

#include "vio_log.h"
#include "vio_user_tap.h"
#include "virtio_spec.h"

#define VIO_TAP_CLONE_DEV	"/dev/net/tun"

/* A receive offload feature and the tap flag that lets the kernel use it. */
static const struct {
	unsigned int bit;
	unsigned int tun_flag;
} vio_tap_offloads[] = {
	{ VIO_NET_F_GUEST_CSUM, TUN_F_CSUM },
	{ VIO_NET_F_GUEST_TSO4, TUN_F_TSO4 },
	{ VIO_NET_F_GUEST_TSO6, TUN_F_TSO6 },
	{ VIO_NET_F_GUEST_ECN, TUN_F_TSO_ECN },
	{ VIO_NET_F_GUEST_UFO, TUN_F_UFO },
};

static unsigned int
tun_flags_of(uint64_t features)
{
	unsigned int i, flags = 0;

	for (i = 0; i < RTE_DIM(vio_tap_offloads); i++)
		if (features & VIO_BIT(vio_tap_offloads[i].bit))
			flags |= vio_tap_offloads[i].tun_flag;
	return flags;
}

/* The clone device must give virtio-net headers (and queues, if asked). */
static int
check_tun_features(int fd, bool multi_queue, const char *who)
{
	unsigned int have = 0, need = IFF_TAP | IFF_NO_PI | IFF_VNET_HDR;

	if (multi_queue)
		need |= IFF_MULTI_QUEUE;
	if (ioctl(fd, TUNGETFEATURES, &have) < 0) {
		VIO_LOG(vhost, ERR, "%s: %s: TUNGETFEATURES failed: %s",
			who, VIO_TAP_CLONE_DEV, strerror(errno));
		return -errno;
	}
	if ((have & need) != need) {
		VIO_LOG(vhost, ERR, "%s: the kernel's tap lacks %s%s",
			who, (have & IFF_VNET_HDR) ? "" : "virtio-net headers (IFF_VNET_HDR) ",
			(need & ~have & IFF_MULTI_QUEUE) ? "multiple queues (IFF_MULTI_QUEUE)" : "");
		return -ENOTSUP;
	}
	return 0;
}

static int
set_iff(int fd, char *ifname, bool multi_queue, const char *who)
{
	struct ifreq ifr;
	int err;

	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI | IFF_VNET_HDR;
	if (multi_queue)
		ifr.ifr_flags |= IFF_MULTI_QUEUE;
	/* "tap%d": the kernel picks the first free number. */
	snprintf(ifr.ifr_name, IFNAMSIZ, "%s", ifname[0] != '\0' ? ifname : "tap%d");
	if (ioctl(fd, TUNSETIFF, &ifr) == 0) {
		memcpy(ifname, ifr.ifr_name, IFNAMSIZ);
		ifname[IFNAMSIZ - 1] = '\0';
		return 0;
	}
	err = errno;
	if (err == EPERM)
		VIO_LOG(vhost, ERR, "%s: cannot create or attach to tap %s: not permitted (CAP_NET_ADMIN needed, or a tap owned by this user)",
			who, ifr.ifr_name);
	else if (err == EINVAL || err == EBUSY)
		VIO_LOG(vhost, ERR, "%s: cannot attach to interface %s: %s (an interface of that name exists that is not a %stap with virtio-net headers, or has all its queues in use)",
			who, ifr.ifr_name, strerror(err), multi_queue ? "multi-queue " : "");
	else
		VIO_LOG(vhost, ERR, "%s: cannot create tap %s: %s",
			who, ifr.ifr_name, strerror(err));
	return -err;
}

int
vio_tap_queue_open(char *ifname, bool multi_queue, const char *who)
{
	int fd, ret;

	fd = open(VIO_TAP_CLONE_DEV, O_RDWR | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0) {
		ret = -errno;
		VIO_LOG(vhost, ERR, "%s: cannot open %s: %s%s", who,
			VIO_TAP_CLONE_DEV, strerror(errno),
			errno == ENOENT ? " (modprobe tun)" : "");
		return ret;
	}
	ret = check_tun_features(fd, multi_queue, who);
	if (ret == 0)
		ret = set_iff(fd, ifname, multi_queue, who);
	if (ret < 0) {
		close(fd);
		return ret;
	}
	return fd;
}

uint64_t
vio_tap_guest_offloads(int fd)
{
	uint64_t offloads = 0;
	unsigned int i;

	/* One flag at a time, in table order: each needs those before it
	 * (TSO needs CSUM, ECN needs TSO). */
	for (i = 0; i < RTE_DIM(vio_tap_offloads); i++) {
		uint64_t with = offloads | VIO_BIT(vio_tap_offloads[i].bit);

		if (ioctl(fd, TUNSETOFFLOAD, tun_flags_of(with)) == 0)
			offloads = with;
	}
	if (ioctl(fd, TUNSETOFFLOAD, 0) < 0)
		return 0;
	return offloads;
}

int
vio_tap_configure(int fd, uint16_t hdr_size, uint64_t features, const char *who)
{
	unsigned int flags = tun_flags_of(features);
	int sz = hdr_size;

	if (ioctl(fd, TUNSETVNETHDRSZ, &sz) < 0) {
		VIO_LOG(vhost, ERR, "%s: tap refused a %d-byte virtio-net header (TUNSETVNETHDRSZ): %s",
			who, sz, strerror(errno));
		return -errno;
	}
	if (ioctl(fd, TUNSETOFFLOAD, flags) < 0) {
		VIO_LOG(vhost, ERR, "%s: tap refused offloads 0x%x (TUNSETOFFLOAD): %s",
			who, flags, strerror(errno));
		return -errno;
	}
	VIO_LOG(vhost, DEBUG, "%s: tap header %d bytes, offloads 0x%x", who, sz, flags);
	return 0;
}

int
vio_tap_queue_attach(int fd, bool attach, const char *who)
{
	struct ifreq ifr;

	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = attach ? IFF_ATTACH_QUEUE : IFF_DETACH_QUEUE;
	if (ioctl(fd, TUNSETQUEUE, &ifr) < 0) {
		VIO_LOG(vhost, ERR, "%s: cannot %s a tap queue: %s",
			who, attach ? "attach" : "detach", strerror(errno));
		return -errno;
	}
	return 0;
}

bool
vio_tap_running(const char *ifname)
{
	struct ifreq ifr;
	int s, ret;

	s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		return false;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, IFNAMSIZ, "%s", ifname);
	ret = ioctl(s, SIOCGIFFLAGS, &ifr);
	close(s);
	return ret == 0 && (ifr.ifr_flags & IFF_UP) && (ifr.ifr_flags & IFF_RUNNING);
}
