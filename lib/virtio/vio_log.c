/* SPDX-License-Identifier: BSD-3-Clause */
#include "vio_log.h"

RTE_LOG_REGISTER_SUFFIX(vio_logtype_virtio, virtio, NOTICE);
RTE_LOG_REGISTER_SUFFIX(vio_logtype_vhost, vhost, NOTICE);
