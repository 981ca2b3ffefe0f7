/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Device status state machine and feature negotiation (virtio 1.3,
 * 3.1.1 driver requirements: device initialization), on any transport.
 */
#ifndef VIO_DEV_H
#define VIO_DEV_H

#include "vio_transport.h"

/* Write 0 to the status and wait (bounded) until the device reads back 0. */
int vio_dev_reset(struct vio_hw *hw);

/*
 * Reset, ACKNOWLEDGE, DRIVER, read the offered features, accept
 * `offered & wanted`, set FEATURES_OK and check the device kept it
 * (modern transports only: a legacy device has no FEATURES_OK).
 * A transport with hw->modern requires VERSION_1; `required` bits missing
 * from the offer fail the negotiation with -ENOTSUP. On success
 * hw->offered, hw->features and hw->hdr_size are set.
 */
int vio_dev_negotiate(struct vio_hw *hw, uint64_t wanted, uint64_t required);

/* Set DRIVER_OK: queues must have been set up. */
int vio_dev_driver_ok(struct vio_hw *hw);

/* Tell the device the driver gave up (sets FAILED). */
void vio_dev_failed(struct vio_hw *hw);

/* Net header bytes for a feature set (12 with VERSION_1 or MRG_RXBUF). */
uint16_t vio_dev_hdr_size(uint64_t features);

/* Names of the bits set in `features`, comma separated, for logs. */
int vio_dev_features_str(uint64_t features, char *buf, size_t len);

#endif /* VIO_DEV_H */
