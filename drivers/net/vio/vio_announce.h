/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * VIRTIO_NET_F_GUEST_ANNOUNCE (vio_announce.c): when the device asks
 * (VIRTIO_NET_S_ANNOUNCE in its status, with a config-change interrupt,
 * e.g. after a live migration), a RARP from the port's MAC on tx queue 0
 * and VIRTIO_NET_CTRL_ANNOUNCE_ACK.
 */
#ifndef VIO_ANNOUNCE_H
#define VIO_ANNOUNCE_H

#include <stdint.h>

#include <ethdev_driver.h>
#include <rte_spinlock.h>

struct vio_adapter;
struct vio_devargs;

/* Tx queue 0 shared between the application's lcore and the interrupt
 * thread that announces: both take the lock around a burst. */
struct vio_announce {
	rte_spinlock_t tx0_lock;	/* shared: secondaries take it too */
	uint64_t sent;			/* RARPs sent on the device's request */
};

uint64_t vio_announce_features(const struct vio_devargs *da);
/* Tx wrapped (by vio_proc_link): GUEST_ANNOUNCE was negotiated. */
bool vio_announce_wrapped(const struct vio_adapter *ad);
/* The config-change interrupt: announce if the device asks. */
void vio_announce_check(struct rte_eth_dev *dev);
uint16_t vio_announce_tx_burst(void *txq, struct rte_mbuf **pkts, uint16_t n);

#endif /* VIO_ANNOUNCE_H */
