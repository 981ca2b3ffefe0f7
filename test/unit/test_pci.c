/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The PCI transport's device-independent parts: the capability walk over
 * a fake configuration space (well-formed, malformed and hostile lists),
 * notify offsets, the split ring layout a legacy device assumes, and
 * feature negotiation without FEATURES_OK on a legacy-style device.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "vio_dev.h"
#include "vio_pci_caps.h"
#include "vio_vq.h"

/* ---- a fake PCI configuration space ---- */

struct fake_cfg {
	uint8_t b[VIO_PCI_CFG_SIZE];
	unsigned int reads;
	int fail_at;		/* offset whose read fails; -1: none */
};

static int
fake_read(void *ctx, void *buf, uint32_t len, uint32_t off)
{
	struct fake_cfg *c = ctx;

	/* The walk must never read outside configuration space. */
	UT_ASSERT((uint64_t)off + len <= VIO_PCI_CFG_SIZE,
		  "read of %u bytes at 0x%x leaves config space", len, off);
	c->reads++;
	if (c->fail_at >= 0 && (int)off <= c->fail_at &&
	    c->fail_at < (int)(off + len))
		return -EIO;
	memcpy(buf, c->b + off, len);
	return 0;
}

static void
put32(uint8_t *p, uint32_t v)
{
	p[0] = v;
	p[1] = v >> 8;
	p[2] = v >> 16;
	p[3] = v >> 24;
}

static struct fake_cfg *
cfg_new(uint8_t first)
{
	struct fake_cfg *c = ut_alloc(sizeof(*c));

	c->fail_at = -1;
	c->b[VIO_PCI_STATUS] = VIO_PCI_STATUS_CAP_LIST;
	c->b[VIO_PCI_CAP_PTR] = first;
	return c;
}

static void
vcap(struct fake_cfg *c, uint8_t pos, uint8_t next, uint8_t type, uint8_t bar,
     uint32_t off, uint32_t len)
{
	uint8_t *p = c->b + pos;

	p[0] = VIO_PCI_CAP_ID_VNDR;
	p[1] = next;
	p[2] = type == VIO_PCI_CAP_NOTIFY_CFG ? VIO_PCI_NOTIFY_CAP_MIN_LEN :
					       VIO_PCI_CAP_MIN_LEN;
	p[VIO_PCI_CAP_CFG_TYPE] = type;
	p[VIO_PCI_CAP_BAR] = bar;
	put32(p + VIO_PCI_CAP_OFFSET, off);
	put32(p + VIO_PCI_CAP_LENGTH, len);
}

static void
msix_cap(struct fake_cfg *c, uint8_t pos, uint8_t next, bool enabled)
{
	c->b[pos] = VIO_PCI_CAP_ID_MSIX;
	c->b[pos + 1] = next;
	c->b[pos + 3] = enabled ? VIO_PCI_MSIX_ENABLE >> 8 : 0;
}

static const uint64_t bars[VIO_PCI_NUM_BARS] = { 0, 0x1000, 0, 0, 0x4000, 0 };

/* QEMU's layout: MSI-X, then common, ISR, device, notify in BAR 4. */
static struct fake_cfg *
cfg_qemu_like(void)
{
	struct fake_cfg *c = cfg_new(0x40);

	msix_cap(c, 0x40, 0x50, true);
	vcap(c, 0x50, 0x60, VIO_PCI_CAP_COMMON_CFG, 4, 0x0, 0x38);
	vcap(c, 0x60, 0x70, VIO_PCI_CAP_ISR_CFG, 4, 0x1000, 1);
	vcap(c, 0x70, 0x80, VIO_PCI_CAP_DEVICE_CFG, 4, 0x2000, 0x20);
	vcap(c, 0x80, 0x00, VIO_PCI_CAP_NOTIFY_CFG, 4, 0x3000, 0x1000);
	put32(c->b + 0x80 + VIO_PCI_CAP_NOTIFY_MULT, 4);
	return c;
}

static void
walk_finds_every_structure(void)
{
	struct fake_cfg *c = cfg_qemu_like();
	struct vio_pci_caps caps;

	UT_EQ(vio_pci_caps_walk(fake_read, c, bars, &caps), 0);
	UT_TRUE(vio_pci_caps_modern(&caps));
	UT_EQ(caps.bad, 0);
	UT_TRUE(caps.common.present);
	UT_EQ(caps.common.bar, 4);
	UT_EQ(caps.common.length, 0x38);
	UT_EQ_HEX(caps.isr.offset, 0x1000);
	UT_EQ_HEX(caps.device.offset, 0x2000);
	UT_EQ(caps.device.length, 0x20);
	UT_EQ_HEX(caps.notify.offset, 0x3000);
	UT_EQ(caps.notify_mult, 4);
	UT_TRUE(caps.msix_present);
	UT_TRUE(caps.msix_enabled);
	UT_EQ(caps.msix_pos, 0x40);
}

static void
walk_without_cap_list(void)
{
	struct fake_cfg *c = cfg_qemu_like();
	struct vio_pci_caps caps;

	c->b[VIO_PCI_STATUS] = 0;	/* a legacy-only device may have none */
	UT_EQ(vio_pci_caps_walk(fake_read, c, bars, &caps), 0);
	UT_TRUE(!vio_pci_caps_modern(&caps));
	UT_TRUE(!caps.common.present && !caps.msix_present);
}

static void
walk_stops_on_a_loop(void)
{
	struct fake_cfg *c = cfg_qemu_like();
	struct vio_pci_caps caps;

	c->b[0x80 + 1] = 0x50;	/* notify points back at common */
	UT_EQ(vio_pci_caps_walk(fake_read, c, bars, &caps), 0);
	UT_TRUE(vio_pci_caps_modern(&caps));	/* first of each kept */
	UT_EQ(caps.bad, 1);			/* the loop, counted once */
	UT_ASSERT(c->reads < 200, "%u reads: the walk did not stop", c->reads);
}

static void
walk_ignores_reserved_pointer_bits_and_header(void)
{
	struct fake_cfg *c = cfg_qemu_like();
	struct vio_pci_caps caps;

	c->b[VIO_PCI_CAP_PTR] = 0x43;		/* low bits reserved: 0x40 */
	c->b[0x70 + 1] = 0x10;			/* into the header: list ends */
	UT_EQ(vio_pci_caps_walk(fake_read, c, bars, &caps), 0);
	UT_TRUE(caps.msix_present && caps.common.present && caps.isr.present);
	UT_TRUE(caps.device.present);
	UT_TRUE(!caps.notify.present);
	UT_TRUE(!vio_pci_caps_modern(&caps));
}

static void
walk_skips_structures_outside_their_bar(void)
{
	struct fake_cfg *c = cfg_qemu_like();
	struct vio_pci_caps caps;

	/* A first common structure that runs past BAR 4's end, a second in
	 * an absent BAR, a third with a BAR number that does not exist:
	 * all skipped; a well-formed fourth is the one used. */
	vcap(c, 0x50, 0x90, VIO_PCI_CAP_COMMON_CFG, 4, 0x3ff0, 0x38);
	vcap(c, 0x90, 0xa0, VIO_PCI_CAP_COMMON_CFG, 2, 0x0, 0x38);
	vcap(c, 0xa0, 0xb0, VIO_PCI_CAP_COMMON_CFG, 9, 0x0, 0x38);
	vcap(c, 0xb0, 0x60, VIO_PCI_CAP_COMMON_CFG, 1, 0x100, 0x38);
	UT_EQ(vio_pci_caps_walk(fake_read, c, bars, &caps), 0);
	UT_EQ(caps.bad, 3);
	UT_TRUE(vio_pci_caps_modern(&caps));
	UT_EQ(caps.common.bar, 1);
	UT_EQ_HEX(caps.common.offset, 0x100);
}

static void
walk_skips_short_structures(void)
{
	struct fake_cfg *c = cfg_qemu_like();
	struct vio_pci_caps caps;

	vcap(c, 0x50, 0x60, VIO_PCI_CAP_COMMON_CFG, 4, 0x0, 0x20);
	vcap(c, 0x60, 0x70, VIO_PCI_CAP_ISR_CFG, 4, 0x1000, 0);
	c->b[0x80 + 2] = VIO_PCI_CAP_MIN_LEN;	/* notify without multiplier */
	UT_EQ(vio_pci_caps_walk(fake_read, c, bars, &caps), 0);
	UT_EQ(caps.bad, 3);
	UT_TRUE(!caps.common.present && !caps.isr.present && !caps.notify.present);
	UT_TRUE(caps.device.present);
}

static void
walk_stays_inside_config_space(void)
{
	struct fake_cfg *c = cfg_qemu_like();
	struct vio_pci_caps caps;

	/* A capability in the last bytes: reading all of it would leave
	 * configuration space (fake_read fails the test if it does). */
	c->b[0x80 + 1] = 0xfc;
	c->b[0xfc] = VIO_PCI_CAP_ID_VNDR;
	c->b[0xfd] = 0;
	UT_EQ(vio_pci_caps_walk(fake_read, c, bars, &caps), 0);
	UT_EQ(caps.bad, 1);
	UT_TRUE(vio_pci_caps_modern(&caps));
}

static void
walk_reports_read_errors(void)
{
	struct fake_cfg *c = cfg_qemu_like();
	struct vio_pci_caps caps;

	c->fail_at = 0x70;
	UT_EQ(vio_pci_caps_walk(fake_read, c, bars, &caps), -EIO);
}

static void
walk_msix_disabled(void)
{
	struct fake_cfg *c = cfg_qemu_like();
	struct vio_pci_caps caps;

	msix_cap(c, 0x40, 0x50, false);
	UT_EQ(vio_pci_caps_walk(fake_read, c, bars, &caps), 0);
	UT_TRUE(caps.msix_present && !caps.msix_enabled);
	UT_EQ(VIO_PCI_LEGACY_CONFIG(caps.msix_enabled), 20);
	UT_EQ(VIO_PCI_LEGACY_CONFIG(true), 24);
}

static void
notify_offset_bounds(void)
{
	struct fake_cfg *c = cfg_qemu_like();
	struct vio_pci_caps caps;

	UT_EQ(vio_pci_caps_walk(fake_read, c, bars, &caps), 0);
	UT_EQ(vio_pci_notify_offset(&caps, 0, 2), 0);
	UT_EQ(vio_pci_notify_offset(&caps, 3, 2), 12);
	UT_EQ(vio_pci_notify_offset(&caps, 0x3ff, 4), 0xffc);
	UT_EQ(vio_pci_notify_offset(&caps, 0x400, 2), -ERANGE);
	UT_EQ(vio_pci_notify_offset(&caps, 0xffff, 2), -ERANGE);
	caps.notify_mult = 0xffffffff;	/* no overflow into a small offset */
	UT_EQ(vio_pci_notify_offset(&caps, 0xffff, 2), -ERANGE);
	caps.notify_mult = 0;		/* one doorbell shared by all queues */
	UT_EQ(vio_pci_notify_offset(&caps, 0xffff, 4), 0);
}

/* ---- the split ring layout a legacy device computes by itself ---- */

static void
legacy_ring_layout(void)
{
	uint32_t n;

	for (n = 64; n <= VIO_MAX_QUEUE_SIZE; n *= 2) {
		size_t len = vio_vq_split_ring_size((uint16_t)n);
		/* 4.1.4.10 / 2.7.2 legacy: used ring at the first 4096
		 * boundary after descriptors and the available ring. */
		uint64_t used = (16ull * n + 2 * (3ull + n) + 4095) & ~4095ull;
		uint64_t base = 0x12345000;
		struct vio_vq vq;
		void *ring = ut_alloc_aligned(4096, len);

		UT_EQ(vio_vq_init(&vq, 0, (uint16_t)n, ring, base), 0);
		UT_EQ_HEX(vq.avail_addr - base, 16ull * n);
		UT_EQ_HEX(vq.used_addr - base, used);
		UT_TRUE(len >= used + 6 + 8ull * n);
		vio_vq_fini(&vq);
	}
}

/* ---- negotiation on a legacy-style device ---- */

/* A register model with legacy semantics when `legacy`: 32 feature bits,
 * and a status register that knows no FEATURES_OK (writing it is a driver
 * bug, counted); else a modern one that keeps FEATURES_OK. */
struct legacy_dev {
	bool legacy;
	uint64_t host_features;
	uint64_t guest_features;
	uint8_t status;
	unsigned int features_ok_writes;
	unsigned int status_writes;
};

static int
leg_get_features(struct vio_hw *hw, uint64_t *f)
{
	*f = ((struct legacy_dev *)hw->tp)->host_features;
	return 0;
}

static int
leg_set_features(struct vio_hw *hw, uint64_t f)
{
	struct legacy_dev *d = hw->tp;

	if (d->legacy && (f >> 32))
		return -EINVAL;
	d->guest_features = f;
	return 0;
}

static uint8_t
leg_get_status(struct vio_hw *hw)
{
	return ((struct legacy_dev *)hw->tp)->status;
}

static int
leg_set_status(struct vio_hw *hw, uint8_t s)
{
	struct legacy_dev *d = hw->tp;

	d->status_writes++;
	if (s & VIO_STATUS_FEATURES_OK)
		d->features_ok_writes++;
	/* Like QEMU's legacy device: the bit would just be stored. */
	d->status = s;
	return 0;
}

static const struct vio_transport_ops leg_ops = {
	.name = "legacy test device",
	.get_features = leg_get_features,
	.set_features = leg_set_features,
	.get_status = leg_get_status,
	.set_status = leg_set_status,
};

static void
legacy_negotiation_skips_features_ok(void)
{
	struct legacy_dev *d = ut_alloc(sizeof(*d));
	struct vio_hw hw = { .ops = &leg_ops, .tp = d, .modern = false };

	d->legacy = true;

	d->host_features = VIO_BIT(VIO_NET_F_MAC) | VIO_BIT(VIO_NET_F_STATUS) |
			   VIO_BIT(VIO_NET_F_MRG_RXBUF) | VIO_BIT(VIO_F_ANY_LAYOUT);
	d->status = VIO_STATUS_DRIVER_OK;	/* left running by someone */
	UT_EQ(vio_dev_negotiate(&hw, VIO_BIT(VIO_F_VERSION_1) |
				VIO_BIT(VIO_NET_F_MAC) | VIO_BIT(VIO_NET_F_MRG_RXBUF) |
				VIO_BIT(VIO_F_ACCESS_PLATFORM), 0), 0);
	UT_EQ(d->features_ok_writes, 0);
	UT_EQ(d->status, VIO_STATUS_ACKNOWLEDGE | VIO_STATUS_DRIVER);
	UT_EQ_HEX(d->guest_features, VIO_BIT(VIO_NET_F_MAC) |
		  VIO_BIT(VIO_NET_F_MRG_RXBUF));
	UT_EQ_HEX(hw.features, d->guest_features);
	UT_EQ(hw.hdr_size, 12);		/* MRG_RXBUF: num_buffers present */
	UT_EQ(vio_dev_driver_ok(&hw), 0);
	UT_EQ(d->status, VIO_STATUS_ACKNOWLEDGE | VIO_STATUS_DRIVER |
		  VIO_STATUS_DRIVER_OK);
	UT_EQ(d->features_ok_writes, 0);
}

static void
modern_negotiation_still_sets_features_ok(void)
{
	struct legacy_dev *d = ut_alloc(sizeof(*d));
	struct vio_hw hw = { .ops = &leg_ops, .tp = d, .modern = true };

	/* The same register model as a modern device: VERSION_1 is
	 * required, and FEATURES_OK is written once and kept. */
	d->host_features = VIO_BIT(VIO_NET_F_MAC);
	UT_EQ(vio_dev_negotiate(&hw, VIO_BIT(VIO_NET_F_MAC), 0), -ENOTSUP);
	UT_TRUE(d->status & VIO_STATUS_FAILED);
	UT_EQ(d->features_ok_writes, 0);

	d->host_features |= VIO_BIT(VIO_F_VERSION_1);
	UT_EQ(vio_dev_negotiate(&hw, VIO_BIT(VIO_NET_F_MAC), 0), 0);
	UT_EQ(d->features_ok_writes, 1);
	UT_EQ(d->status, VIO_STATUS_ACKNOWLEDGE | VIO_STATUS_DRIVER |
		  VIO_STATUS_FEATURES_OK);
	UT_EQ_HEX(d->guest_features, VIO_BIT(VIO_F_VERSION_1) |
		  VIO_BIT(VIO_NET_F_MAC));
}

static const struct ut_case pci_cases[] = {
	UT_CASE(walk_finds_every_structure),
	UT_CASE(walk_without_cap_list),
	UT_CASE(walk_stops_on_a_loop),
	UT_CASE(walk_ignores_reserved_pointer_bits_and_header),
	UT_CASE(walk_skips_structures_outside_their_bar),
	UT_CASE(walk_skips_short_structures),
	UT_CASE(walk_stays_inside_config_space),
	UT_CASE(walk_reports_read_errors),
	UT_CASE(walk_msix_disabled),
	UT_CASE(notify_offset_bounds),
	UT_CASE(legacy_ring_layout),
	UT_CASE(legacy_negotiation_skips_features_ok),
	UT_CASE(modern_negotiation_still_sets_features_ok),
};

UT_SUITE(ut_suite_pci, "pci", pci_cases);
