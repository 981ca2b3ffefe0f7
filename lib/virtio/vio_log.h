/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef VIO_LOG_H
#define VIO_LOG_H

#include <rte_log.h>

/* pmd.net.vio.virtio: device status, features, virtqueues */
extern int vio_logtype_virtio;
/* pmd.net.vio.vhost: the vhost-user transport */
extern int vio_logtype_vhost;

#define VIO_LOG(type, level, fmt, ...) \
	rte_log(RTE_LOG_ ## level, vio_logtype_ ## type, \
		"vio: " fmt "\n", ##__VA_ARGS__)

#endif /* VIO_LOG_H */
