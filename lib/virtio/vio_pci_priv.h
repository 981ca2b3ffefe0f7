/* SPDX-License-Identifier: BSD-3-Clause */
/* State shared by the PCI transport's files (vio_pci*.c). */
#ifndef VIO_PCI_PRIV_H
#define VIO_PCI_PRIV_H

#include <stdbool.h>
#include <stdint.h>

#include <bus_pci_driver.h>
#include <rte_io.h>

#include "vio_pci.h"
#include "vio_pci_caps.h"

struct vio_pci;

/* What a queue's notify needs, allocated at queue_setup. */
struct vio_pci_queue {
	struct vio_pci *pci;
	void *doorbell;		/* modern: notify address of this queue */
	uint16_t index;
};

struct vio_pci {
	struct vio_hw *hw;
	struct rte_pci_device *pdev;
	struct vio_pci_caps caps;
	bool msix_enabled;	/* the kernel binding enabled MSI-X */
	bool config_irq;	/* route config changes to vector 0 */
	uint16_t rx_irqs;	/* rx queues with vectors 1.. (vio_pci_rx_irqs) */
	/* modern: the mapped structures */
	uint8_t *common;
	uint8_t *isr;
	uint8_t *device;	/* NULL when the device has no config structure */
	uint8_t *notify;
	uint16_t num_queues;
	/* legacy */
	struct rte_pci_ioport io;
	bool io_mapped;
	uint32_t config_off;	/* device config offset in the I/O BAR */
	uint32_t io_len;	/* I/O BAR 0 length */
};

static inline struct vio_pci *
vio_pci_of(struct vio_hw *hw)
{
	return hw->tp;
}

extern const struct vio_transport_ops vio_pci_modern_ops;
extern const struct vio_transport_ops vio_pci_legacy_ops;

/* Set up the interface's private state; 0 or a negative errno. */
int vio_pci_modern_init(struct vio_pci *pci);
int vio_pci_legacy_init(struct vio_pci *pci);

/* The checks every queue's ring address passes before the device sees it. */
int vio_pci_ring_addr_check(struct vio_pci *pci, const struct vio_vq *vq);

/* Free the transport state (both interfaces' close op ends here). */
void vio_pci_free(struct vio_hw *hw);

/* After queue_release: a stale caller may still kick. */
void vio_pci_notify_none(struct vio_vq *vq);

/* vio_pci.c: rx interrupt vectors (transport op rx_irqs), and the
 * vector a queue gets at setup (VIO_PCI_NO_VECTOR: none). */
int vio_pci_rx_irqs(struct vio_hw *hw, uint16_t nb_rxq);
uint16_t vio_pci_queue_vector(const struct vio_pci *pci, uint16_t index);

#endif /* VIO_PCI_PRIV_H */
