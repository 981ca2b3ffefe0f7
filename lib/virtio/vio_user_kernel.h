/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * virtio-user over the Linux kernel's vhost-net (vio_user_kernel.c):
 * chosen by vio_user_open when the path is a character device
 * (/dev/vhost-net). Not part of lib/virtio's API.
 */
#ifndef VIO_USER_KERNEL_H
#define VIO_USER_KERNEL_H

#include <stdbool.h>

#include "vio_user.h"

/* The path names a character device: a vhost-kernel port. */
bool vio_user_kernel_path(const char *path);

/* As vio_user_open, for a vhost-net device and a tap named p->iface. */
int vio_user_kernel_open(struct vio_hw *hw, const struct vio_user_params *p);

#endif /* VIO_USER_KERNEL_H */
