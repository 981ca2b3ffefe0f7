/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * virtio over PCI: register layouts (virtio 1.3, 4.1.4 modern
 * capabilities and common configuration, 4.1.4.10 legacy interface) and
 * the walk of a device's capability list. The walk reads PCI configuration
 * space through a callback, so it runs over a real device (rte_pci) or a
 * byte array in unit tests, and trusts nothing it reads.
 */
#ifndef VIO_PCI_CAPS_H
#define VIO_PCI_CAPS_H

#include <stdbool.h>
#include <stdint.h>

#define VIO_PCI_VENDOR_ID		0x1af4
#define VIO_PCI_DEVICE_NET_LEGACY	0x1000	/* transitional or legacy */
#define VIO_PCI_DEVICE_NET_MODERN	0x1041	/* 0x1040 + device id 1 */

/* PCI configuration space (PCI Local Bus 3.0, 6.1 and 6.7) */
#define VIO_PCI_STATUS			0x06
#define VIO_PCI_STATUS_CAP_LIST		0x10
#define VIO_PCI_CAP_PTR			0x34
#define VIO_PCI_CAP_ID_VNDR		0x09
#define VIO_PCI_CAP_ID_MSIX		0x11
#define VIO_PCI_MSIX_FLAGS		2	/* from the MSI-X capability */
#define VIO_PCI_MSIX_ENABLE		0x8000
#define VIO_PCI_CFG_SIZE		256
#define VIO_PCI_NUM_BARS		6

/* 4.1.4 virtio vendor capability: struct virtio_pci_cap */
#define VIO_PCI_CAP_CFG_TYPE		3
#define VIO_PCI_CAP_BAR			4
#define VIO_PCI_CAP_OFFSET		8
#define VIO_PCI_CAP_LENGTH		12
#define VIO_PCI_CAP_NOTIFY_MULT		16	/* notify capability only */
#define VIO_PCI_CAP_MIN_LEN		16
#define VIO_PCI_NOTIFY_CAP_MIN_LEN	20

enum vio_pci_cfg_type {
	VIO_PCI_CAP_COMMON_CFG = 1,
	VIO_PCI_CAP_NOTIFY_CFG = 2,
	VIO_PCI_CAP_ISR_CFG = 3,
	VIO_PCI_CAP_DEVICE_CFG = 4,
	VIO_PCI_CAP_PCI_CFG = 5,
};

/* 4.1.4.3 common configuration structure, byte offsets */
#define VIO_PCI_COMMON_DFSELECT		0
#define VIO_PCI_COMMON_DF		4
#define VIO_PCI_COMMON_GFSELECT		8
#define VIO_PCI_COMMON_GF		12
#define VIO_PCI_COMMON_MSIX		16
#define VIO_PCI_COMMON_NUMQ		18
#define VIO_PCI_COMMON_STATUS		20
#define VIO_PCI_COMMON_CFGGENERATION	21
#define VIO_PCI_COMMON_Q_SELECT		22
#define VIO_PCI_COMMON_Q_SIZE		24
#define VIO_PCI_COMMON_Q_MSIX		26
#define VIO_PCI_COMMON_Q_ENABLE		28
#define VIO_PCI_COMMON_Q_NOFF		30
#define VIO_PCI_COMMON_Q_DESCLO		32
#define VIO_PCI_COMMON_Q_DESCHI		36
#define VIO_PCI_COMMON_Q_AVAILLO	40
#define VIO_PCI_COMMON_Q_AVAILHI	44
#define VIO_PCI_COMMON_Q_USEDLO		48
#define VIO_PCI_COMMON_Q_USEDHI		52
#define VIO_PCI_COMMON_MIN_LEN		56	/* through queue_device */

/* 4.1.4.10 legacy interface: registers in I/O BAR 0 */
#define VIO_PCI_LEGACY_HOST_FEATURES	0	/* 32 bits */
#define VIO_PCI_LEGACY_GUEST_FEATURES	4	/* 32 bits */
#define VIO_PCI_LEGACY_QUEUE_PFN	8	/* 32 bits */
#define VIO_PCI_LEGACY_QUEUE_NUM	12	/* 16 bits, read only */
#define VIO_PCI_LEGACY_QUEUE_SEL	14	/* 16 bits */
#define VIO_PCI_LEGACY_QUEUE_NOTIFY	16	/* 16 bits */
#define VIO_PCI_LEGACY_STATUS		18	/* 8 bits */
#define VIO_PCI_LEGACY_ISR		19	/* 8 bits, read clears */
#define VIO_PCI_LEGACY_MSIX_CONFIG	20	/* 16 bits, with MSI-X only */
#define VIO_PCI_LEGACY_MSIX_QUEUE	22	/* 16 bits, with MSI-X only */
/* The device config follows the registers: 24 with MSI-X enabled, else 20. */
#define VIO_PCI_LEGACY_CONFIG(msix)	((msix) ? 24 : 20)
/* Ring addresses are page frame numbers of this page size. */
#define VIO_PCI_LEGACY_PFN_SHIFT	12

#define VIO_PCI_ISR_QUEUE		0x1
#define VIO_PCI_ISR_CONFIG		0x2
#define VIO_PCI_NO_VECTOR		0xffff

/* One structure a virtio capability points at. */
struct vio_pci_region {
	bool present;
	uint8_t bar;
	uint32_t offset;	/* within the BAR */
	uint32_t length;
};

struct vio_pci_caps {
	struct vio_pci_region common;
	struct vio_pci_region notify;
	struct vio_pci_region isr;
	struct vio_pci_region device;
	uint32_t notify_mult;	/* notify_off_multiplier */
	bool msix_present;
	bool msix_enabled;
	uint8_t msix_pos;	/* MSI-X capability offset, to re-read it */
	unsigned int bad;	/* capabilities ignored as malformed */
};

/* Read `len` bytes of PCI configuration space at `off`; 0 or negative errno. */
typedef int (*vio_pci_cfg_read_fn)(void *ctx, void *buf, uint32_t len,
				   uint32_t off);

/*
 * Walk the capability list: find the first well-formed capability of each
 * virtio structure type (4.1.4.1: the driver uses the first it can) and
 * the MSI-X capability. `bar_len` gives each BAR's size (0: absent); a
 * capability whose structure does not fit inside its BAR, or is shorter
 * than its type needs, is skipped and counted in caps->bad. The walk is
 * bounded against loops. Returns 0, or a negative errno when configuration
 * space cannot be read.
 */
int vio_pci_caps_walk(vio_pci_cfg_read_fn read, void *ctx,
		      const uint64_t bar_len[VIO_PCI_NUM_BARS],
		      struct vio_pci_caps *caps);

/* The modern interface is usable: common, notify and ISR present. */
bool vio_pci_caps_modern(const struct vio_pci_caps *caps);

/*
 * Byte offset within the notify structure of a queue's doorbell, from the
 * queue_notify_off the device reported; -ERANGE when a `width`-byte write
 * there would leave the structure (4.1.4.4).
 */
int64_t vio_pci_notify_offset(const struct vio_pci_caps *caps,
			      uint16_t notify_off, uint32_t width);

#endif /* VIO_PCI_CAPS_H */
