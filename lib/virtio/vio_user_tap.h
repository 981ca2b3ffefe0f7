/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The tap device behind a vhost-kernel port (vio_user_kernel.c): one
 * multi-queue tap whose queue fds become vhost-net backends, a
 * virtio-net header on every frame, and the receive offloads the driver
 * accepted. Not part of lib/virtio's API.
 */
#ifndef VIO_USER_TAP_H
#define VIO_USER_TAP_H

#include <net/if.h>
#include <stdbool.h>
#include <stdint.h>

/*
 * Open one queue of the tap `ifname` (IFNAMSIZ bytes): created when no
 * such interface exists, attached to when it does. An empty name or one
 * with "%d" lets the kernel choose; ifname is set to the real name.
 * Returns the queue's fd or a negative errno, with the reason logged.
 */
int vio_tap_queue_open(char *ifname, bool multi_queue, const char *who);

/* The virtio-net features (GUEST_* receive offloads) whose TUN_F_* flags
 * the tap accepts, probed on a queue fd and left off again. */
uint64_t vio_tap_guest_offloads(int fd);

/* Header length and the receive offloads for negotiated `features`. */
int vio_tap_configure(int fd, uint16_t hdr_size, uint64_t features,
		      const char *who);

/* Let the kernel steer frames to this queue (or stop it). */
int vio_tap_queue_attach(int fd, bool attach, const char *who);

/* The interface is up and has its carrier. */
bool vio_tap_running(const char *ifname);

#endif /* VIO_USER_TAP_H */
