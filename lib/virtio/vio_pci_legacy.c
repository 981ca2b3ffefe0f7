/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The legacy (virtio 0.95) PCI interface: registers in I/O BAR 0 reached
 * through DPDK's ioport API (virtio 1.3, 4.1.4.10). 32 feature bits, no
 * FEATURES_OK, queue sizes fixed by the device, rings given as one page
 * frame number with the used ring on the next 4096-byte boundary.
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vio_log.h"
#include "vio_pci_priv.h"

static uint8_t
io_r8(struct vio_pci *pci, uint32_t off)
{
	uint8_t v;

	rte_pci_ioport_read(&pci->io, &v, sizeof(v), off);
	return v;
}

static uint16_t
io_r16(struct vio_pci *pci, uint32_t off)
{
	uint16_t v;

	rte_pci_ioport_read(&pci->io, &v, sizeof(v), off);
	return v;
}

static uint32_t
io_r32(struct vio_pci *pci, uint32_t off)
{
	uint32_t v;

	rte_pci_ioport_read(&pci->io, &v, sizeof(v), off);
	return v;
}

static void
io_w8(struct vio_pci *pci, uint32_t off, uint8_t v)
{
	rte_pci_ioport_write(&pci->io, &v, sizeof(v), off);
}

static void
io_w16(struct vio_pci *pci, uint32_t off, uint16_t v)
{
	rte_pci_ioport_write(&pci->io, &v, sizeof(v), off);
}

static void
io_w32(struct vio_pci *pci, uint32_t off, uint32_t v)
{
	rte_pci_ioport_write(&pci->io, &v, sizeof(v), off);
}

static int
legacy_get_features(struct vio_hw *hw, uint64_t *features)
{
	*features = io_r32(vio_pci_of(hw), VIO_PCI_LEGACY_HOST_FEATURES);
	return 0;
}

static int
legacy_set_features(struct vio_hw *hw, uint64_t features)
{
	if (features >> 32) {
		VIO_LOG(virtio, ERR, "%s: legacy device given feature bits above 31 (0x%" PRIx64 ")",
			hw->name, features);
		return -EINVAL;
	}
	io_w32(vio_pci_of(hw), VIO_PCI_LEGACY_GUEST_FEATURES, (uint32_t)features);
	return 0;
}

static uint8_t
legacy_get_status(struct vio_hw *hw)
{
	return io_r8(vio_pci_of(hw), VIO_PCI_LEGACY_STATUS);
}

static int
legacy_set_status(struct vio_hw *hw, uint8_t status)
{
	struct vio_pci *pci = vio_pci_of(hw);

	/* A reset forgets the MSI-X routing: set it again before DRIVER_OK. */
	if ((status & VIO_STATUS_DRIVER_OK) && pci->msix_enabled) {
		uint16_t want = pci->config_irq ? 0 : VIO_PCI_NO_VECTOR;

		io_w16(pci, VIO_PCI_LEGACY_MSIX_CONFIG, want);
		if (io_r16(pci, VIO_PCI_LEGACY_MSIX_CONFIG) != want)
			VIO_LOG(virtio, WARNING, "%s: device refused MSI-X vector %u for config changes",
				hw->name, want);
	}
	io_w8(pci, VIO_PCI_LEGACY_STATUS, status);
	return 0;
}

/* A legacy device's config ends with its I/O BAR: an access past it
 * would reach whatever owns the next I/O ports. */
static int
legacy_cfg_range(struct vio_pci *pci, uint32_t off, uint32_t len)
{
	if ((uint64_t)pci->config_off + off + len > pci->io_len)
		return -EINVAL;
	return 0;
}

static int
legacy_read_config(struct vio_hw *hw, uint32_t off, void *dst, uint32_t len)
{
	struct vio_pci *pci = vio_pci_of(hw);
	int ret = legacy_cfg_range(pci, off, len);

	if (ret < 0)
		return ret;
	rte_pci_ioport_read(&pci->io, dst, len, pci->config_off + off);
	return 0;
}

static int
legacy_write_config(struct vio_hw *hw, uint32_t off, const void *src,
		    uint32_t len)
{
	struct vio_pci *pci = vio_pci_of(hw);
	int ret = legacy_cfg_range(pci, off, len);

	if (ret < 0)
		return ret;
	rte_pci_ioport_write(&pci->io, src, len, pci->config_off + off);
	return 0;
}

static uint16_t
legacy_queue_max_size(struct vio_hw *hw, uint16_t index)
{
	struct vio_pci *pci = vio_pci_of(hw);

	io_w16(pci, VIO_PCI_LEGACY_QUEUE_SEL, index);
	return io_r16(pci, VIO_PCI_LEGACY_QUEUE_NUM);
}

static void
legacy_notify(struct vio_vq *vq)
{
	const struct vio_pci_queue *q = vq->notify_arg;

	io_w16(q->pci, VIO_PCI_LEGACY_QUEUE_NOTIFY, q->index);
}

/* From another process: its own mapping of the I/O BAR. */
static void
legacy_notify_foreign(struct vio_hw *hw, struct vio_vq *vq)
{
	struct vio_pci *pci = vio_pci_of(hw);

	if (pci != NULL && pci->io_mapped)
		io_w16(pci, VIO_PCI_LEGACY_QUEUE_NOTIFY, vq->index);
}

/* The legacy ring layout (2.7.2 legacy interfaces): descriptors and the
 * available ring from the PFN, the used ring at the next 4096 boundary. */
static uint64_t
legacy_used_off(uint16_t size)
{
	uint64_t avail_end = 16ull * size + 2 * (3ull + size);
	uint64_t align = 1ull << VIO_PCI_LEGACY_PFN_SHIFT;

	return (avail_end + align - 1) & ~(align - 1);
}

static int
legacy_ring_check(struct vio_hw *hw, const struct vio_vq *vq, uint16_t num)
{
	uint64_t pfn = vq->desc_addr >> VIO_PCI_LEGACY_PFN_SHIFT;

	if (vq->size != num) {
		VIO_LOG(virtio, ERR, "%s: virtqueue %u has %u entries, the legacy device needs exactly %u",
			hw->name, vq->index, vq->size, num);
		return -EINVAL;
	}
	if ((vq->desc_addr & ((1u << VIO_PCI_LEGACY_PFN_SHIFT) - 1)) != 0 ||
	    vq->avail_addr != vq->desc_addr + 16ull * num ||
	    vq->used_addr != vq->desc_addr + legacy_used_off(num)) {
		VIO_LOG(virtio, ERR, "%s: virtqueue %u ring layout does not match the legacy layout",
			hw->name, vq->index);
		return -EINVAL;
	}
	if (pfn > UINT32_MAX) {
		VIO_LOG(virtio, ERR, "%s: virtqueue %u ring at IOVA 0x%" PRIx64 " is beyond the legacy device's 44-bit reach: run with --iova-mode=pa",
			hw->name, vq->index, vq->desc_addr);
		return -ERANGE;
	}
	return 0;
}

static int
legacy_queue_setup(struct vio_hw *hw, struct vio_vq *vq)
{
	struct vio_pci *pci = vio_pci_of(hw);
	struct vio_pci_queue *q;
	uint16_t num;
	int ret;

	num = legacy_queue_max_size(hw, vq->index);
	if (num == 0) {
		VIO_LOG(virtio, ERR, "%s: no virtqueue %u", hw->name, vq->index);
		return -EINVAL;
	}
	ret = vio_pci_ring_addr_check(pci, vq);
	if (ret == 0)
		ret = legacy_ring_check(hw, vq, num);
	if (ret < 0)
		return ret;
	q = calloc(1, sizeof(*q));
	if (q == NULL)
		return -ENOMEM;
	q->pci = pci;
	q->index = vq->index;
	if (pci->msix_enabled) {
		uint16_t vec = vio_pci_queue_vector(pci, vq->index);

		io_w16(pci, VIO_PCI_LEGACY_MSIX_QUEUE, vec);
		if (io_r16(pci, VIO_PCI_LEGACY_MSIX_QUEUE) != vec) {
			VIO_LOG(virtio, ERR, "%s: virtqueue %u: device refused MSI-X vector %u",
				hw->name, vq->index, vec);
			free(q);
			return -EIO;
		}
	}
	io_w32(pci, VIO_PCI_LEGACY_QUEUE_PFN,
	       (uint32_t)(vq->desc_addr >> VIO_PCI_LEGACY_PFN_SHIFT));
	vq->tp = q;
	vio_vq_set_notify(vq, legacy_notify, q);
	return 0;
}

static void
legacy_queue_release(struct vio_hw *hw, struct vio_vq *vq)
{
	struct vio_pci *pci = vio_pci_of(hw);

	/* PFN 0 disables the queue (a reset does too). */
	if (pci != NULL && vq->tp != NULL) {
		io_w16(pci, VIO_PCI_LEGACY_QUEUE_SEL, vq->index);
		io_w32(pci, VIO_PCI_LEGACY_QUEUE_PFN, 0);
	}
	vio_vq_set_notify(vq, vio_pci_notify_none, NULL);
	free(vq->tp);
	vq->tp = NULL;
}

static void
legacy_close(struct vio_hw *hw)
{
	vio_pci_free(hw);
}

const struct vio_transport_ops vio_pci_legacy_ops = {
	.name = "vio_pci_legacy",
	.get_features = legacy_get_features,
	.set_features = legacy_set_features,
	.get_status = legacy_get_status,
	.set_status = legacy_set_status,
	.read_config = legacy_read_config,
	.write_config = legacy_write_config,
	.queue_max_size = legacy_queue_max_size,
	.queue_setup = legacy_queue_setup,
	.queue_release = legacy_queue_release,
	.rx_irqs = vio_pci_rx_irqs,
	.queue_notify_foreign = legacy_notify_foreign,
	.close = legacy_close,
};

/*
 * The length of I/O BAR 0, which DPDK's PCI bus does not record for I/O
 * BARs: from the kernel's sysfs resource table ("start end flags" per
 * BAR, first line BAR 0).
 */
static uint32_t
legacy_bar_len(struct rte_pci_device *pdev)
{
	unsigned long long start, end, flags;
	char path[PATH_MAX];
	uint32_t len = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s/resource", rte_pci_get_sysfs_path(),
		 pdev->name);
	f = fopen(path, "r");
	if (f == NULL)
		return 0;
	if (fscanf(f, "%llx %llx %llx", &start, &end, &flags) == 3 &&
	    end > start && end - start < UINT32_MAX)
		len = (uint32_t)(end - start + 1);
	fclose(f);
	return len;
}

int
vio_pci_legacy_init(struct vio_pci *pci)
{
	struct vio_hw *hw = pci->hw;
	int ret;

	pci->io_len = legacy_bar_len(pci->pdev);
	if (pci->io_len < VIO_PCI_LEGACY_CONFIG(true)) {
		VIO_LOG(virtio, ERR, "%s: legacy I/O BAR 0 is %u bytes, too small for the virtio registers",
			pci->pdev->name, pci->io_len);
		return -ENODEV;
	}
	ret = rte_pci_ioport_map(pci->pdev, 0, &pci->io);
	if (ret < 0) {
		VIO_LOG(virtio, ERR, "%s: cannot map the legacy I/O BAR 0 (needs I/O port access: root, or vfio-pci)",
			pci->pdev->name);
		return -EIO;
	}
	pci->io_mapped = true;
	pci->config_off = VIO_PCI_LEGACY_CONFIG(pci->msix_enabled);
	hw->ops = &vio_pci_legacy_ops;
	hw->modern = false;
	hw->fixed_queue_size = true;
	return 0;
}
