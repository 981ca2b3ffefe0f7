/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <string.h>

#include "vio_log.h"
#include "vio_pci_caps.h"

/* 192 bytes of capability space after the header, 4-byte aligned, each
 * capability at least 4 bytes: more hops than this is a loop. */
#define VIO_PCI_MAX_CAPS	48

static uint32_t
le32_at(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static uint32_t
min_len(uint8_t type)
{
	switch (type) {
	case VIO_PCI_CAP_COMMON_CFG:
		return VIO_PCI_COMMON_MIN_LEN;
	case VIO_PCI_CAP_NOTIFY_CFG:
		return 2;	/* one 16-bit doorbell */
	case VIO_PCI_CAP_ISR_CFG:
		return 1;
	default:
		return 0;
	}
}

static struct vio_pci_region *
region_of(struct vio_pci_caps *caps, uint8_t type)
{
	switch (type) {
	case VIO_PCI_CAP_COMMON_CFG:
		return &caps->common;
	case VIO_PCI_CAP_NOTIFY_CFG:
		return &caps->notify;
	case VIO_PCI_CAP_ISR_CFG:
		return &caps->isr;
	case VIO_PCI_CAP_DEVICE_CFG:
		return &caps->device;
	default:
		return NULL;	/* PCI_CFG, shared memory, vendor data: unused */
	}
}

/* One virtio vendor capability at `pos`; malformed ones are counted. */
static int
vendor_cap(vio_pci_cfg_read_fn read, void *ctx, uint8_t pos,
	   const uint64_t bar_len[VIO_PCI_NUM_BARS], struct vio_pci_caps *caps)
{
	uint8_t c[VIO_PCI_NOTIFY_CAP_MIN_LEN];
	struct vio_pci_region *r;
	uint32_t off, len, cap_len;
	uint8_t type, bar;
	int ret;

	if (pos + VIO_PCI_CAP_MIN_LEN > VIO_PCI_CFG_SIZE) {
		caps->bad++;
		return 0;
	}
	ret = read(ctx, c, VIO_PCI_CAP_MIN_LEN, pos);
	if (ret < 0)
		return ret;
	cap_len = c[2];
	type = c[VIO_PCI_CAP_CFG_TYPE];
	bar = c[VIO_PCI_CAP_BAR];
	off = le32_at(c + VIO_PCI_CAP_OFFSET);
	len = le32_at(c + VIO_PCI_CAP_LENGTH);
	r = region_of(caps, type);
	if (r == NULL || r->present)
		return 0;
	/* bar_len 0: a BAR the bus did not map (absent, or I/O space). A
	 * region there has no address, even one of length 0. */
	if (cap_len < VIO_PCI_CAP_MIN_LEN || bar >= VIO_PCI_NUM_BARS ||
	    bar_len[bar] == 0 || len < min_len(type) ||
	    (uint64_t)off + len > bar_len[bar]) {
		caps->bad++;
		return 0;
	}
	if (type == VIO_PCI_CAP_NOTIFY_CFG) {
		if (cap_len < VIO_PCI_NOTIFY_CAP_MIN_LEN ||
		    pos + VIO_PCI_NOTIFY_CAP_MIN_LEN > VIO_PCI_CFG_SIZE) {
			caps->bad++;
			return 0;
		}
		ret = read(ctx, c + VIO_PCI_CAP_MIN_LEN, 4,
			   pos + VIO_PCI_CAP_NOTIFY_MULT);
		if (ret < 0)
			return ret;
		caps->notify_mult = le32_at(c + VIO_PCI_CAP_NOTIFY_MULT);
	}
	r->present = true;
	r->bar = bar;
	r->offset = off;
	r->length = len;
	return 0;
}

static int
msix_cap(vio_pci_cfg_read_fn read, void *ctx, uint8_t pos,
	 struct vio_pci_caps *caps)
{
	uint8_t flags[2];
	int ret;

	if (caps->msix_present)
		return 0;
	ret = read(ctx, flags, sizeof(flags), pos + VIO_PCI_MSIX_FLAGS);
	if (ret < 0)
		return ret;
	caps->msix_present = true;
	caps->msix_pos = pos;
	caps->msix_enabled = ((flags[0] | flags[1] << 8) & VIO_PCI_MSIX_ENABLE) != 0;
	return 0;
}

int
vio_pci_caps_walk(vio_pci_cfg_read_fn read, void *ctx,
		  const uint64_t bar_len[VIO_PCI_NUM_BARS],
		  struct vio_pci_caps *caps)
{
	uint8_t status, pos, hdr[2];
	unsigned int hops;
	int ret;

	memset(caps, 0, sizeof(*caps));
	ret = read(ctx, &status, 1, VIO_PCI_STATUS);
	if (ret < 0)
		return ret;
	if (!(status & VIO_PCI_STATUS_CAP_LIST))
		return 0;
	ret = read(ctx, &pos, 1, VIO_PCI_CAP_PTR);
	if (ret < 0)
		return ret;
	for (hops = 0; hops < VIO_PCI_MAX_CAPS; hops++) {
		/* The low two bits are reserved (PCI 3.0, 6.7); below 0x40
		 * is the standard header, which ends the list. */
		pos &= 0xfc;
		if (pos < 0x40)
			return 0;
		ret = read(ctx, hdr, sizeof(hdr), pos);
		if (ret < 0)
			return ret;
		if (hdr[0] == VIO_PCI_CAP_ID_VNDR)
			ret = vendor_cap(read, ctx, pos, bar_len, caps);
		else if (hdr[0] == VIO_PCI_CAP_ID_MSIX)
			ret = msix_cap(read, ctx, pos, caps);
		if (ret < 0)
			return ret;
		pos = hdr[1];
	}
	VIO_LOG(virtio, WARNING, "PCI capability list longer than %u entries: loop cut",
		VIO_PCI_MAX_CAPS);
	caps->bad++;
	return 0;
}

bool
vio_pci_caps_modern(const struct vio_pci_caps *caps)
{
	return caps->common.present && caps->notify.present &&
	       caps->isr.present;
}

int64_t
vio_pci_notify_offset(const struct vio_pci_caps *caps, uint16_t notify_off,
		      uint32_t width)
{
	uint64_t off = (uint64_t)notify_off * caps->notify_mult;

	if (off + width > caps->notify.length)
		return -ERANGE;
	return (int64_t)off;
}
