/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The device side that both virtio-user backends emulate (vhost-user in
 * vio_user.c, vhost-kernel in vio_user_kernel.c): the driver's feature
 * choice and the config space. Not part of lib/virtio's API.
 */
#ifndef VIO_USER_EMUL_H
#define VIO_USER_EMUL_H

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "vio_log.h"
#include "virtio_spec.h"

/* The features the driver accepted, which must have been offered. */
static inline int
vio_user_take_features(const char *name, uint64_t offered, uint64_t features,
		       uint64_t *taken)
{
	if (features & ~offered) {
		VIO_LOG(vhost, ERR, "%s: driver accepted features not offered: 0x%" PRIx64,
			name, features & ~offered);
		return -EINVAL;
	}
	*taken = features;
	return 0;
}

/* Read (or write) len bytes of the config space at off; -EINVAL for a
 * range outside it. */
static inline int
vio_user_config_copy(struct vio_net_config *c, uint32_t off, void *buf,
		     uint32_t len, bool write)
{
	if (off > sizeof(*c) || len > sizeof(*c) - off)
		return -EINVAL;
	if (write)
		memcpy((uint8_t *)c + off, buf, len);
	else
		memcpy(buf, (const uint8_t *)c + off, len);
	return 0;
}

#endif /* VIO_USER_EMUL_H */
