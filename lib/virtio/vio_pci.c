/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The PCI transport's common part: capability walk over the device's
 * configuration space, the choice between the modern and legacy
 * interfaces, and the IOVA checks that decide whether the device can reach
 * DPDK's memory at all.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_bus_pci.h>
#include <rte_eal.h>
#include <rte_memory.h>
#include <rte_vfio.h>

#include "vio_log.h"
#include "vio_pci_priv.h"

static int
cfg_read(void *ctx, void *buf, uint32_t len, uint32_t off)
{
	const struct rte_pci_device *pdev = ctx;

	if (rte_pci_read_config(pdev, buf, len, off) != (int)len)
		return -EIO;
	return 0;
}

static const char *
kdrv_name(enum rte_pci_kernel_driver k)
{
	switch (k) {
	case RTE_PCI_KDRV_VFIO:
		return "vfio-pci";
	case RTE_PCI_KDRV_IGB_UIO:
		return "igb_uio";
	case RTE_PCI_KDRV_UIO_GENERIC:
		return "uio_pci_generic";
	default:
		return "an unknown driver";
	}
}

/*
 * With IOVA as VA the device is handed virtual addresses. That works only
 * when an IOMMU translates them (vfio-pci with an IOMMU) and the device
 * goes through it: a device that does not offer VIRTIO_F_ACCESS_PLATFORM
 * uses physical addresses (virtio 1.3, 6), and a legacy device cannot
 * offer it. The EAL picks VA by itself when it cannot see physical
 * addresses (--no-huge, no privilege), or when vfio allows it.
 */
static int
iova_check(struct vio_pci *pci)
{
	struct rte_pci_device *pdev = pci->pdev;
	struct vio_hw *hw = pci->hw;
	bool iommu = pdev->kdrv == RTE_PCI_KDRV_VFIO &&
		     !rte_vfio_noiommu_is_enabled();
	uint64_t offered = 0;

	if (rte_eal_iova_mode() != RTE_IOVA_VA)
		return 0;
	if (!iommu) {
		VIO_LOG(virtio, ERR, "%s: IOVA mode is VA but the device is bound to %s without an IOMMU: it would DMA to wrong addresses. "
			"Run with --iova-mode=pa on hugepages (not --no-huge), or bind vfio-pci behind an IOMMU",
			pdev->name, kdrv_name(pdev->kdrv));
		return -ENOTSUP;
	}
	if (hw->modern && hw->ops->get_features(hw, &offered) == 0 &&
	    (offered & VIO_BIT(VIO_F_ACCESS_PLATFORM)))
		return 0;
	VIO_LOG(virtio, ERR, "%s: IOVA mode is VA but this %s device bypasses the IOMMU (no VIRTIO_F_ACCESS_PLATFORM; in QEMU: iommu_platform=on, modern only): run with --iova-mode=pa",
		pdev->name, hw->modern ? "modern" : "legacy");
	return -ENOTSUP;
}

int
vio_pci_ring_addr_check(struct vio_pci *pci, const struct vio_vq *vq)
{
	if (vq->desc_addr == RTE_BAD_IOVA || vq->desc_addr == 0) {
		VIO_LOG(virtio, ERR, "%s: virtqueue %u has no IO address (IOVA mode %s): run on hugepages with --iova-mode=pa or use vfio-pci",
			pci->pdev->name, vq->index,
			rte_eal_iova_mode() == RTE_IOVA_PA ? "PA" : "VA");
		return -EFAULT;
	}
	return 0;
}

void
vio_pci_notify_none(struct vio_vq *vq __rte_unused)
{
}

void
vio_pci_free(struct vio_hw *hw)
{
	struct vio_pci *pci = vio_pci_of(hw);

	if (pci == NULL)
		return;
	if (pci->io_mapped)
		rte_pci_ioport_unmap(&pci->io);
	free(pci);
	hw->tp = NULL;
}

static void
log_caps(const struct vio_pci *pci)
{
	const struct vio_pci_caps *c = &pci->caps;

	VIO_LOG(virtio, DEBUG, "%s: caps common %d (bar %u +0x%x) notify %d (bar %u +0x%x mult %u) isr %d device %d msix %d/%d, %u malformed",
		pci->pdev->name, c->common.present, c->common.bar,
		c->common.offset, c->notify.present, c->notify.bar,
		c->notify.offset, c->notify_mult, c->isr.present,
		c->device.present, c->msix_present, c->msix_enabled, c->bad);
	if (c->bad != 0)
		VIO_LOG(virtio, WARNING, "%s: %u malformed virtio capabilities ignored",
			pci->pdev->name, c->bad);
}

/* attach: another process's view (vio_pci_attach), no device access
 * beyond configuration space reads. */
static int
pci_init(struct vio_hw *hw, struct rte_pci_device *pdev, bool force_legacy,
	 bool attach)
{
	uint64_t bar_len[VIO_PCI_NUM_BARS];
	struct vio_pci *pci;
	unsigned int i;
	int ret;

	pci = calloc(1, sizeof(*pci));
	if (pci == NULL)
		return -ENOMEM;
	pci->hw = hw;
	pci->pdev = pdev;
	/* Only memory BARs the bus mapped count: a capability pointing
	 * anywhere else is unusable. */
	for (i = 0; i < VIO_PCI_NUM_BARS; i++)
		bar_len[i] = pdev->mem_resource[i].addr != NULL ?
			     pdev->mem_resource[i].len : 0;
	ret = vio_pci_caps_walk(cfg_read, pdev, bar_len, &pci->caps);
	if (ret < 0) {
		VIO_LOG(virtio, ERR, "%s: cannot read PCI configuration space", pdev->name);
		goto fail;
	}
	log_caps(pci);
	pci->msix_enabled = pci->caps.msix_enabled;
	hw->tp = pci;
	hw->use_va = false;
	snprintf(hw->name, sizeof(hw->name), "%s", pdev->name);

	if (force_legacy && pdev->id.device_id != VIO_PCI_DEVICE_NET_LEGACY) {
		VIO_LOG(virtio, ERR, "%s: legacy=1 but device 0x%04x is modern-only (no legacy interface)",
			pdev->name, pdev->id.device_id);
		ret = -ENOTSUP;
	} else if (!force_legacy && vio_pci_caps_modern(&pci->caps)) {
		ret = vio_pci_modern_init(pci);
	} else if (pdev->id.device_id == VIO_PCI_DEVICE_NET_LEGACY) {
		ret = vio_pci_legacy_init(pci);
	} else {
		VIO_LOG(virtio, ERR, "%s: modern device without usable virtio capabilities (common, notify, ISR)",
			pdev->name);
		ret = -ENODEV;
	}
	/* The primary has checked the IOVA mode, which is the group's. */
	if (ret == 0 && !attach)
		ret = iova_check(pci);
	if (ret < 0)
		goto fail;
	VIO_LOG(virtio, INFO, "%s: %s interface, bound to %s%s", pdev->name,
		hw->modern ? "modern" : "legacy", kdrv_name(pdev->kdrv),
		attach ? " (secondary process)" : "");
	return 0;
fail:
	hw->tp = pci;
	vio_pci_free(hw);
	hw->ops = NULL;
	return ret;
}

int
vio_pci_open(struct vio_hw *hw, struct rte_pci_device *pdev, bool force_legacy)
{
	return pci_init(hw, pdev, force_legacy, false);
}

int
vio_pci_attach(struct vio_hw *hw, struct rte_pci_device *pdev, bool legacy)
{
	return pci_init(hw, pdev, legacy, true);
}

uint8_t
vio_pci_isr(struct vio_hw *hw)
{
	struct vio_pci *pci = vio_pci_of(hw);
	uint8_t v;

	if (hw->modern)
		return rte_read8(pci->isr);
	rte_pci_ioport_read(&pci->io, &v, 1, VIO_PCI_LEGACY_ISR);
	return v;
}

/* The kernel enables MSI-X only when DPDK enables interrupts (vfio):
 * read the state again, the legacy config offset depends on it. */
static void
msix_refresh(struct vio_pci *pci)
{
	uint16_t flags;

	if (!pci->caps.msix_present ||
	    cfg_read(pci->pdev, &flags, sizeof(flags),
		     pci->caps.msix_pos + VIO_PCI_MSIX_FLAGS) < 0)
		return;
	pci->msix_enabled = (flags & VIO_PCI_MSIX_ENABLE) != 0;
	if (!pci->hw->modern)
		pci->config_off = VIO_PCI_LEGACY_CONFIG(pci->msix_enabled);
}

int
vio_pci_rx_irqs(struct vio_hw *hw, uint16_t nb_rxq)
{
	struct vio_pci *pci = vio_pci_of(hw);

	msix_refresh(pci);
	if (nb_rxq > 0 && !pci->msix_enabled) {
		VIO_LOG(virtio, ERR, "%s: rx interrupts need MSI-X, which the kernel binding did not enable (vfio-pci does)",
			hw->name);
		return -ENOTSUP;
	}
	pci->rx_irqs = nb_rxq;
	return 0;
}

uint16_t
vio_pci_queue_vector(const struct vio_pci *pci, uint16_t index)
{
	if (!pci->msix_enabled || index % 2 != 0 || index / 2 >= pci->rx_irqs)
		return VIO_PCI_NO_VECTOR;
	return (uint16_t)(index / 2 + 1);
}

void
vio_pci_config_irq(struct vio_hw *hw, bool on)
{
	struct vio_pci *pci = vio_pci_of(hw);

	msix_refresh(pci);
	pci->config_irq = on;
	VIO_LOG(virtio, INFO, "%s: config-change interrupts %s", hw->name,
		!on ? "off" : pci->msix_enabled ? "on MSI-X vector 0" : "on INTx");
}
