/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The modern (virtio 1.x) PCI interface: the common configuration, ISR,
 * notify and device configuration structures that the capabilities point
 * at, in memory BARs mapped by the PCI bus (virtio 1.3, 4.1.4).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "vio_log.h"
#include "vio_pci_priv.h"

/* Tries at a consistent read of a device config that keeps changing. */
#define VIO_PCI_CFG_TRIES	16

static uint8_t
c_r8(const struct vio_pci *pci, uint32_t off)
{
	return rte_read8(pci->common + off);
}

static uint16_t
c_r16(const struct vio_pci *pci, uint32_t off)
{
	return rte_read16(pci->common + off);
}

static uint32_t
c_r32(const struct vio_pci *pci, uint32_t off)
{
	return rte_read32(pci->common + off);
}

static void
c_w8(struct vio_pci *pci, uint32_t off, uint8_t v)
{
	rte_write8(v, pci->common + off);
}

static void
c_w16(struct vio_pci *pci, uint32_t off, uint16_t v)
{
	rte_write16(v, pci->common + off);
}

static void
c_w32(struct vio_pci *pci, uint32_t off, uint32_t v)
{
	rte_write32(v, pci->common + off);
}

/* 64-bit fields are written as two 32-bit halves (4.1.3.1). */
static void
c_w64(struct vio_pci *pci, uint32_t lo, uint32_t hi, uint64_t v)
{
	c_w32(pci, lo, (uint32_t)v);
	c_w32(pci, hi, (uint32_t)(v >> 32));
}

static int
modern_get_features(struct vio_hw *hw, uint64_t *features)
{
	struct vio_pci *pci = vio_pci_of(hw);
	uint64_t lo, hi;

	c_w32(pci, VIO_PCI_COMMON_DFSELECT, 0);
	lo = c_r32(pci, VIO_PCI_COMMON_DF);
	c_w32(pci, VIO_PCI_COMMON_DFSELECT, 1);
	hi = c_r32(pci, VIO_PCI_COMMON_DF);
	*features = hi << 32 | lo;
	return 0;
}

static int
modern_set_features(struct vio_hw *hw, uint64_t features)
{
	struct vio_pci *pci = vio_pci_of(hw);

	c_w32(pci, VIO_PCI_COMMON_GFSELECT, 0);
	c_w32(pci, VIO_PCI_COMMON_GF, (uint32_t)features);
	c_w32(pci, VIO_PCI_COMMON_GFSELECT, 1);
	c_w32(pci, VIO_PCI_COMMON_GF, (uint32_t)(features >> 32));
	return 0;
}

static uint8_t
modern_get_status(struct vio_hw *hw)
{
	return c_r8(vio_pci_of(hw), VIO_PCI_COMMON_STATUS);
}

/* With MSI-X, config changes go to vector 0 when asked, else nowhere;
 * a reset forgets the vector, so it is set again before each DRIVER_OK. */
static void
modern_config_vector(struct vio_pci *pci)
{
	uint16_t want = pci->config_irq ? 0 : VIO_PCI_NO_VECTOR;

	if (!pci->msix_enabled)
		return;
	c_w16(pci, VIO_PCI_COMMON_MSIX, want);
	if (c_r16(pci, VIO_PCI_COMMON_MSIX) != want)
		VIO_LOG(virtio, WARNING, "%s: device refused MSI-X vector %u for config changes: link changes are seen by polling only",
			pci->pdev->name, want);
}

static int
modern_set_status(struct vio_hw *hw, uint8_t status)
{
	struct vio_pci *pci = vio_pci_of(hw);

	if (status & VIO_STATUS_DRIVER_OK)
		modern_config_vector(pci);
	c_w8(pci, VIO_PCI_COMMON_STATUS, status);
	return 0;
}

/* One consistent copy of the device config (4.1.4.3.1: re-read while
 * config_generation changes under a multi-byte read). */
static void
cfg_copy(const uint8_t *src, uint8_t *dst, uint32_t len)
{
	uint32_t i = 0;

	while (i < len) {
		uintptr_t a = (uintptr_t)(src + i);

		if ((a & 3) == 0 && len - i >= 4) {
			uint32_t v = rte_read32(src + i);

			memcpy(dst + i, &v, 4);
			i += 4;
		} else if ((a & 1) == 0 && len - i >= 2) {
			uint16_t v = rte_read16(src + i);

			memcpy(dst + i, &v, 2);
			i += 2;
		} else {
			dst[i] = rte_read8(src + i);
			i++;
		}
	}
}

static int
cfg_range(struct vio_pci *pci, uint32_t off, uint32_t len)
{
	if (pci->device == NULL)
		return -ENOTSUP;
	if ((uint64_t)off + len > pci->caps.device.length)
		return -EINVAL;
	return 0;
}

static int
modern_read_config(struct vio_hw *hw, uint32_t off, void *dst, uint32_t len)
{
	struct vio_pci *pci = vio_pci_of(hw);
	unsigned int tries;
	uint8_t gen;
	int ret;

	ret = cfg_range(pci, off, len);
	if (ret < 0)
		return ret;
	for (tries = 0; tries < VIO_PCI_CFG_TRIES; tries++) {
		gen = c_r8(pci, VIO_PCI_COMMON_CFGGENERATION);
		cfg_copy(pci->device + off, dst, len);
		if (c_r8(pci, VIO_PCI_COMMON_CFGGENERATION) == gen)
			return 0;
	}
	VIO_LOG(virtio, ERR, "%s: device config kept changing over %u reads",
		hw->name, VIO_PCI_CFG_TRIES);
	return -EAGAIN;
}

static int
modern_write_config(struct vio_hw *hw, uint32_t off, const void *src,
		    uint32_t len)
{
	struct vio_pci *pci = vio_pci_of(hw);
	const uint8_t *s = src;
	uint32_t i;
	int ret;

	ret = cfg_range(pci, off, len);
	if (ret < 0)
		return ret;
	for (i = 0; i < len; i++)
		rte_write8(s[i], pci->device + off + i);
	return 0;
}

static uint16_t
modern_queue_max_size(struct vio_hw *hw, uint16_t index)
{
	struct vio_pci *pci = vio_pci_of(hw);

	/* Read again: a device may add the queues of its other pairs once
	 * MQ is negotiated (QEMU counts only the queues it has). */
	pci->num_queues = c_r16(pci, VIO_PCI_COMMON_NUMQ);
	if (index >= pci->num_queues)
		return 0;
	c_w16(pci, VIO_PCI_COMMON_Q_SELECT, index);
	return c_r16(pci, VIO_PCI_COMMON_Q_SIZE);
}

/* With VIRTIO_F_NOTIFICATION_DATA (4.1.5.2): the queue and where the
 * driver's next available entry is, so the device need not read the
 * ring; the queue alone otherwise. */
static inline void
doorbell_ring(void *doorbell, struct vio_vq *vq, bool data)
{
	if (data)
		rte_write32((uint32_t)vq->index |
			    (uint32_t)__atomic_load_n(&vq->split.avail->idx,
						      __ATOMIC_RELAXED) << 16,
			    doorbell);
	else
		rte_write16(vq->index, doorbell);
}

static void
modern_notify(struct vio_vq *vq)
{
	const struct vio_pci_queue *q = vq->notify_arg;

	doorbell_ring(q->doorbell, vq, false);
}

static void
modern_notify_data(struct vio_vq *vq)
{
	const struct vio_pci_queue *q = vq->notify_arg;

	doorbell_ring(q->doorbell, vq, true);
}

/* From another process: its own mapping of the notify structure, at the
 * offset the primary found (checked again: it is shared memory). */
static void
modern_notify_foreign(struct vio_hw *hw, struct vio_vq *vq)
{
	struct vio_pci *pci = vio_pci_of(hw);
	bool data = vio_hw_has(hw, VIO_F_NOTIFICATION_DATA);

	if (pci == NULL || pci->notify == NULL ||
	    (uint64_t)vq->notify_off + (data ? 4 : 2) > pci->caps.notify.length)
		return;
	doorbell_ring(pci->notify + vq->notify_off, vq, data);
}

static int
modern_queue_setup(struct vio_hw *hw, struct vio_vq *vq)
{
	struct vio_pci *pci = vio_pci_of(hw);
	bool data = vio_hw_has(hw, VIO_F_NOTIFICATION_DATA);
	struct vio_pci_queue *q;
	uint16_t max, noff;
	int64_t off;
	int ret;

	max = modern_queue_max_size(hw, vq->index);
	if (max == 0 || vq->size > max) {
		VIO_LOG(virtio, ERR, "%s: virtqueue %u: size %u, the device takes at most %u",
			hw->name, vq->index, vq->size, max);
		return -EINVAL;
	}
	ret = vio_pci_ring_addr_check(pci, vq);
	if (ret < 0)
		return ret;
	/* The device may put the doorbell anywhere in the notify structure,
	 * but not outside it. */
	noff = c_r16(pci, VIO_PCI_COMMON_Q_NOFF);
	off = vio_pci_notify_offset(&pci->caps, noff, data ? 4 : 2);
	if (off < 0) {
		VIO_LOG(virtio, ERR, "%s: virtqueue %u: notify offset %u x %u outside the %u-byte notify structure",
			hw->name, vq->index, noff, pci->caps.notify_mult,
			pci->caps.notify.length);
		return -EINVAL;
	}
	q = calloc(1, sizeof(*q));
	if (q == NULL)
		return -ENOMEM;
	q->pci = pci;
	q->index = vq->index;
	q->doorbell = pci->notify + off;
	vq->notify_off = (uint32_t)off;

	c_w16(pci, VIO_PCI_COMMON_Q_SIZE, vq->size);
	if (pci->msix_enabled) {
		uint16_t vec = vio_pci_queue_vector(pci, vq->index);

		c_w16(pci, VIO_PCI_COMMON_Q_MSIX, vec);
		if (c_r16(pci, VIO_PCI_COMMON_Q_MSIX) != vec) {
			VIO_LOG(virtio, ERR, "%s: virtqueue %u: device refused MSI-X vector %u",
				hw->name, vq->index, vec);
			free(q);
			return -EIO;
		}
	}
	c_w64(pci, VIO_PCI_COMMON_Q_DESCLO, VIO_PCI_COMMON_Q_DESCHI, vq->desc_addr);
	c_w64(pci, VIO_PCI_COMMON_Q_AVAILLO, VIO_PCI_COMMON_Q_AVAILHI, vq->avail_addr);
	c_w64(pci, VIO_PCI_COMMON_Q_USEDLO, VIO_PCI_COMMON_Q_USEDHI, vq->used_addr);
	c_w16(pci, VIO_PCI_COMMON_Q_ENABLE, 1);

	vq->tp = q;
	vio_vq_set_notify(vq, data ? modern_notify_data : modern_notify, q);
	return 0;
}

/* A modern queue is disabled only by a device reset (4.1.4.3.2), which
 * the core does before releasing; this drops the driver's side. */
static void
modern_queue_release(struct vio_hw *hw __rte_unused, struct vio_vq *vq)
{
	vio_vq_set_notify(vq, vio_pci_notify_none, NULL);
	free(vq->tp);
	vq->tp = NULL;
}

static void
modern_close(struct vio_hw *hw)
{
	vio_pci_free(hw);
}

const struct vio_transport_ops vio_pci_modern_ops = {
	.name = "vio_pci_modern",
	.get_features = modern_get_features,
	.set_features = modern_set_features,
	.get_status = modern_get_status,
	.set_status = modern_set_status,
	.read_config = modern_read_config,
	.write_config = modern_write_config,
	.queue_max_size = modern_queue_max_size,
	.queue_setup = modern_queue_setup,
	.queue_release = modern_queue_release,
	.rx_irqs = vio_pci_rx_irqs,
	.queue_notify_foreign = modern_notify_foreign,
	.close = modern_close,
};

static uint8_t *
region_addr(struct vio_pci *pci, const struct vio_pci_region *r)
{
	if (!r->present)
		return NULL;
	return (uint8_t *)pci->pdev->mem_resource[r->bar].addr + r->offset;
}

int
vio_pci_modern_init(struct vio_pci *pci)
{
	struct vio_hw *hw = pci->hw;

	pci->common = region_addr(pci, &pci->caps.common);
	pci->notify = region_addr(pci, &pci->caps.notify);
	pci->isr = region_addr(pci, &pci->caps.isr);
	pci->device = region_addr(pci, &pci->caps.device);
	pci->num_queues = c_r16(pci, VIO_PCI_COMMON_NUMQ);
	hw->ops = &vio_pci_modern_ops;
	hw->modern = true;
	hw->fixed_queue_size = false;
	return 0;
}
