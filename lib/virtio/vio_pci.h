/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * virtio over PCI: a virtio-net-pci device (a VM's NIC) bound to vfio-pci,
 * uio_pci_generic or igb_uio, through the modern interface (virtio 1.x
 * capabilities in memory BARs) or the legacy one (0.95 registers in I/O
 * BAR 0). Device addresses are IOVAs (hw->use_va is false).
 */
#ifndef VIO_PCI_H
#define VIO_PCI_H

#include <stdbool.h>
#include <stdint.h>

#include "vio_transport.h"

struct rte_pci_device;

/*
 * Find the device's interface (modern unless `force_legacy`, legacy on a
 * device without modern capabilities), map it and fill hw (ops, tp,
 * modern, fixed_queue_size, use_va = false, name). The BARs must have been
 * mapped by the PCI bus (RTE_PCI_DRV_NEED_MAPPING). Refuses, with the
 * reason logged, a device that cannot reach memory in the EAL's IOVA mode.
 * Returns 0 or a negative errno.
 */
int vio_pci_open(struct vio_hw *hw, struct rte_pci_device *pdev,
		 bool force_legacy);

/*
 * The same device in another process of a DPDK multi-process group (a
 * secondary): this process's view of the interface the primary opened
 * (legacy or modern, as the primary's hw->modern says), from the BARs
 * the bus mapped here, for queue_notify_foreign only. Nothing is
 * written to the device. close frees it. Returns 0 or a negative errno.
 */
int vio_pci_attach(struct vio_hw *hw, struct rte_pci_device *pdev,
		   bool legacy);

/* Read (and so clear) the ISR status: VIO_PCI_ISR_* bits. */
uint8_t vio_pci_isr(struct vio_hw *hw);

/*
 * Route configuration-change interrupts to MSI-X vector 0 (when MSI-X is
 * enabled; INTx needs nothing), from the next DRIVER_OK on, or stop.
 */
void vio_pci_config_irq(struct vio_hw *hw, bool on);

#endif /* VIO_PCI_H */
