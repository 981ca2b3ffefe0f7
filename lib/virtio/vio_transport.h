/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The transport interface. Every way of reaching a virtio device (PCI
 * modern, PCI legacy, vhost-user) implements these ops; the PMD never
 * asks which one it runs on.
 */
#ifndef VIO_TRANSPORT_H
#define VIO_TRANSPORT_H

#include <stdbool.h>
#include <stdint.h>

#include "vio_vq.h"

struct vio_hw;

struct vio_transport_ops {
	const char *name;
	/* Features the device offers. */
	int (*get_features)(struct vio_hw *hw, uint64_t *features);
	/* Features the driver accepted (a subset of the offered ones). */
	int (*set_features)(struct vio_hw *hw, uint64_t features);
	uint8_t (*get_status)(struct vio_hw *hw);
	/* Writing 0 resets the device; DRIVER_OK starts it. */
	int (*set_status)(struct vio_hw *hw, uint8_t status);
	/* Device configuration space (struct vio_net_config). */
	int (*read_config)(struct vio_hw *hw, uint32_t off, void *dst,
			   uint32_t len);
	int (*write_config)(struct vio_hw *hw, uint32_t off, const void *src,
			    uint32_t len);
	/* Largest size queue `index` accepts; 0 when it does not exist. */
	uint16_t (*queue_max_size)(struct vio_hw *hw, uint16_t index);
	/* Hand the ring laid out in `vq` to the device and set vq->notify. */
	int (*queue_setup)(struct vio_hw *hw, struct vio_vq *vq);
	void (*queue_release)(struct vio_hw *hw, struct vio_vq *vq);
	/* Queue pairs the device can run at most, whatever it was opened
	 * with (vhost-user: GET_QUEUE_NUM). NULL: max_virtqueue_pairs of
	 * the config space, with MQ offered. */
	uint16_t (*max_queue_pairs)(struct vio_hw *hw);
	/* The eventfd the device signals when it notifies for queue `index`
	 * (used buffers, as the ring's event suppression lets through),
	 * open from queue_setup to the next reset or queue_release; or a
	 * negative errno. NULL: the transport has none. */
	int (*queue_intr_fd)(struct vio_hw *hw, uint16_t index);
	/* The eventfd that notifies the device for queue `index` (what
	 * vq->notify writes), open from queue_setup to the next reset or
	 * queue_release, for other processes that share the queue; or a
	 * negative errno. NULL: notifies are not eventfds (PCI). */
	int (*queue_notify_fd)(struct vio_hw *hw, uint16_t index);
	/* Notify the device for `vq`, a queue another process set up,
	 * through this process's own mapping of the device (hw opened for
	 * that process, e.g. vio_pci_attach). NULL: the transport cannot. */
	void (*queue_notify_foreign)(struct vio_hw *hw, struct vio_vq *vq);
	/* Interrupt vectors instead (PCI MSI-X, the eventfds the bus's
	 * interrupt handle made): from the next queue_setup on, rx queue i
	 * (virtqueue 2i) notifies on vector i + 1 for i < nb_rxq; 0: none.
	 * Vector 0 stays the config change's. NULL: no vectors. */
	int (*rx_irqs)(struct vio_hw *hw, uint16_t nb_rxq);
	/* Free the transport's state; hw itself belongs to the caller. */
	void (*close)(struct vio_hw *hw);
};

struct vio_hw {
	const struct vio_transport_ops *ops;
	void *tp;		/* transport private state */
	uint64_t offered;	/* device features, read by vio_dev_negotiate */
	uint64_t features;	/* negotiated features */
	uint16_t hdr_size;	/* virtio-net header bytes for these features */
	bool use_va;		/* the device addresses memory by virtual address */
	bool modern;		/* the transport requires VERSION_1 */
	bool fixed_queue_size;	/* queues must be exactly queue_max_size long
				 * (legacy PCI: the device sets the size) */
	char name[64];		/* for log lines */
};

static inline bool
vio_hw_has(const struct vio_hw *hw, unsigned int bit)
{
	return (hw->features & VIO_BIT(bit)) != 0;
}

#endif /* VIO_TRANSPORT_H */
