/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * lib/virtio device status and feature negotiation (vio_dev.c) over the
 * device model's transport.
 */
#include <errno.h>
#include <stdio.h>
#include <time.h>

#include <rte_common.h>

#include "devmodel.h"
#include "unit.h"
#include "vio_dev.h"

#define F(b) VIO_BIT(VIO_F_ ## b)
#define NF(b) VIO_BIT(VIO_NET_F_ ## b)

#define ST_ACK		VIO_STATUS_ACKNOWLEDGE
#define ST_DRIVER	VIO_STATUS_DRIVER
#define ST_FEAT_OK	VIO_STATUS_FEATURES_OK

struct dev_fx {
	struct dm_dev dev;
	struct vio_hw hw;
};

static void
dev_fx_close(void *arg)
{
	dm_dev_fini(&((struct dev_fx *)arg)->dev);
}

static struct dev_fx *
dev_open(uint64_t offered, bool modern)
{
	struct dev_fx *f = ut_alloc(sizeof(*f));

	dm_dev_init(&f->dev, offered, 2, 256);
	ut_defer(dev_fx_close, f);
	dm_dev_attach(&f->dev, &f->hw, modern);
	return f;
}

static void
negotiate_offered_and_wanted(void)
{
	const uint64_t offered = F(VERSION_1) | NF(CSUM) | NF(MAC) |
		NF(MRG_RXBUF) | F(RING_INDIRECT_DESC) | F(RING_EVENT_IDX) |
		NF(STATUS);
	const uint64_t wanted = NF(CSUM) | NF(MAC) | NF(GUEST_TSO4) |
		F(RING_INDIRECT_DESC) | F(RING_PACKED);
	const uint64_t agreed = F(VERSION_1) | NF(CSUM) | NF(MAC) |
		F(RING_INDIRECT_DESC);
	struct dev_fx *f = dev_open(offered, true);

	UT_EQ(vio_dev_negotiate(&f->hw, wanted, 0), 0);
	UT_EQ_HEX(f->hw.offered, offered);
	UT_EQ_HEX(f->hw.features, agreed);
	UT_EQ_HEX(f->dev.accepted, agreed);
	UT_EQ_HEX(f->dev.status, ST_ACK | ST_DRIVER | ST_FEAT_OK);
	UT_EQ(f->hw.hdr_size, 12);
	UT_TRUE(vio_hw_has(&f->hw, VIO_NET_F_CSUM));
	UT_TRUE(!vio_hw_has(&f->hw, VIO_NET_F_MRG_RXBUF));
	UT_EQ(f->dev.proto_errors, 0);
}

/* 3.1.1: reset, ACKNOWLEDGE, DRIVER, features, FEATURES_OK, read back. */
static void
negotiate_status_order(void)
{
	static const uint8_t order[] = {
		0, ST_ACK, ST_ACK | ST_DRIVER, ST_ACK | ST_DRIVER | ST_FEAT_OK,
	};
	struct dev_fx *f = dev_open(F(VERSION_1), true);
	size_t i;

	f->dev.status = ST_ACK | ST_DRIVER | VIO_STATUS_DRIVER_OK; /* was running */
	UT_EQ(vio_dev_negotiate(&f->hw, 0, 0), 0);
	UT_EQ(f->dev.status_writes, RTE_DIM(order));
	for (i = 0; i < RTE_DIM(order); i++)
		UT_ASSERT(f->dev.status_log[i] == order[i],
			  "status write %zu: expected 0x%02x, got 0x%02x", i,
			  order[i], f->dev.status_log[i]);
	UT_EQ(f->dev.resets, 1);
	UT_EQ(f->dev.get_features_calls, 1);
	UT_EQ(f->dev.set_features_calls, 1);
	UT_EQ(f->dev.proto_errors, 0);
}

static void
negotiate_wants_everything(void)
{
	const uint64_t offered = F(VERSION_1) | NF(MQ) | NF(CTRL_VQ) | (1ull << 50);
	struct dev_fx *f = dev_open(offered, true);

	/* Never more than offered, even when asked for all. */
	UT_EQ(vio_dev_negotiate(&f->hw, UINT64_MAX, 0), 0);
	UT_EQ_HEX(f->hw.features, offered);
}

static void
negotiate_required_missing(void)
{
	struct dev_fx *f = dev_open(F(VERSION_1) | NF(CTRL_VQ), true);

	UT_EQ(vio_dev_negotiate(&f->hw, 0, NF(CTRL_VQ) | NF(MQ)), -ENOTSUP);
	UT_TRUE(f->dev.status & VIO_STATUS_FAILED);
	UT_TRUE(!(f->dev.status & ST_FEAT_OK));
	UT_EQ(f->dev.set_features_calls, 0);
	UT_EQ(f->dev.proto_errors, 0);
}

static void
negotiate_required_included(void)
{
	struct dev_fx *f = dev_open(F(VERSION_1) | NF(STATUS) | NF(MAC), true);

	/* Required but not in wanted: accepted all the same. */
	UT_EQ(vio_dev_negotiate(&f->hw, NF(MAC), NF(STATUS)), 0);
	UT_EQ_HEX(f->hw.features, F(VERSION_1) | NF(STATUS) | NF(MAC));
}

static void
negotiate_modern_needs_version1(void)
{
	struct dev_fx *f = dev_open(NF(CSUM) | NF(MAC), true);

	UT_EQ(vio_dev_negotiate(&f->hw, NF(CSUM), 0), -ENOTSUP);
	UT_TRUE(f->dev.status & VIO_STATUS_FAILED);
	UT_EQ(f->dev.set_features_calls, 0);
}

static void
negotiate_legacy_without_version1(void)
{
	struct dev_fx *f = dev_open(NF(CSUM) | NF(MAC), false);

	UT_EQ(vio_dev_negotiate(&f->hw, NF(CSUM) | F(VERSION_1), 0), 0);
	UT_EQ_HEX(f->hw.features, NF(CSUM));
	UT_EQ(f->hw.hdr_size, 10);

	f->dev.offered |= NF(MRG_RXBUF);
	UT_EQ(vio_dev_negotiate(&f->hw, NF(MRG_RXBUF), 0), 0);
	UT_EQ_HEX(f->hw.features, NF(MRG_RXBUF));
	UT_EQ(f->hw.hdr_size, 12);
}

static void
negotiate_features_ok_refused(void)
{
	struct dev_fx *f = dev_open(F(VERSION_1) | NF(CSUM), true);

	f->dev.faults = DM_DEV_REFUSE_FEATURES_OK;
	UT_EQ(vio_dev_negotiate(&f->hw, NF(CSUM), 0), -ENOTSUP);
	UT_TRUE(f->dev.status & VIO_STATUS_FAILED);
	UT_TRUE(!(f->dev.status & ST_FEAT_OK));
	UT_EQ(f->dev.proto_errors, 0);

	/* A later attempt starts with a reset and can succeed. */
	f->dev.faults = 0;
	UT_EQ(vio_dev_negotiate(&f->hw, NF(CSUM), 0), 0);
	UT_EQ_HEX(f->dev.status, ST_ACK | ST_DRIVER | ST_FEAT_OK);
	UT_EQ(f->dev.resets, 2);
}

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* A device that never shows the reset: bounded, about a second. */
static void
reset_timeout(void)
{
	struct dev_fx *f = dev_open(F(VERSION_1), true);
	double t0, dt;

	f->dev.status = ST_ACK;
	f->dev.faults = DM_DEV_STUCK_RESET;
	t0 = now_s();
	UT_EQ(vio_dev_negotiate(&f->hw, 0, 0), -ETIMEDOUT);
	dt = now_s() - t0;
	UT_ASSERT(dt >= 0.9 && dt < 5.0, "gave up after %.3f s, want about 1 s",
		  dt);
	UT_EQ(f->dev.get_features_calls, 0);
	UT_EQ(f->dev.set_features_calls, 0);
	UT_EQ(f->dev.status_writes, 1);
}

static void
reset_slow_device(void)
{
	struct dev_fx *f = dev_open(F(VERSION_1), true);

	f->dev.status = ST_ACK | ST_DRIVER;
	f->dev.reset_delay = 5;
	UT_EQ(vio_dev_reset(&f->hw), 0);
	UT_EQ(f->dev.status, 0);
	UT_EQ(f->dev.resets, 1);
}

static void
hdr_size_values(void)
{
	UT_EQ(vio_dev_hdr_size(0), 10);
	UT_EQ(vio_dev_hdr_size(NF(CSUM) | NF(MAC)), 10);
	UT_EQ(vio_dev_hdr_size(F(VERSION_1)), 12);
	UT_EQ(vio_dev_hdr_size(NF(MRG_RXBUF)), 12);
	UT_EQ(vio_dev_hdr_size(F(VERSION_1) | NF(MRG_RXBUF)), 12);
	UT_EQ(vio_dev_hdr_size(~(F(VERSION_1) | NF(MRG_RXBUF))), 10);
	/* HASH_REPORT: the 20-byte header, on a modern device only */
	UT_EQ(vio_dev_hdr_size(F(VERSION_1) | NF(HASH_REPORT)), 20);
	UT_EQ(vio_dev_hdr_size(F(VERSION_1) | NF(MRG_RXBUF) | NF(HASH_REPORT)), 20);
}

static void
driver_ok(void)
{
	struct dev_fx *f = dev_open(F(VERSION_1), true);

	UT_EQ(vio_dev_negotiate(&f->hw, 0, 0), 0);
	UT_EQ(vio_dev_driver_ok(&f->hw), 0);
	UT_EQ_HEX(f->dev.status,
		  ST_ACK | ST_DRIVER | ST_FEAT_OK | VIO_STATUS_DRIVER_OK);
	UT_EQ(f->dev.proto_errors, 0);
}

static void
driver_ok_needs_reset(void)
{
	struct dev_fx *f = dev_open(F(VERSION_1), true);

	f->dev.faults = DM_DEV_NEEDS_RESET;
	UT_EQ(vio_dev_negotiate(&f->hw, 0, 0), 0);
	UT_EQ(vio_dev_driver_ok(&f->hw), -EIO);
}

static void
failed_sets_failed(void)
{
	struct dev_fx *f = dev_open(F(VERSION_1), true);

	UT_EQ(vio_dev_negotiate(&f->hw, 0, 0), 0);
	vio_dev_failed(&f->hw);
	UT_EQ_HEX(f->dev.status,
		  ST_ACK | ST_DRIVER | ST_FEAT_OK | VIO_STATUS_FAILED);
}

/* Every bit virtio_spec.h defines, and its name as the spec writes it
 * (minus VIRTIO_/_F_ prefixes and RING_ where vio drops it). */
static const struct {
	unsigned int bit;
	const char *name;
} spec_names[] = {
	{ 0, "CSUM" }, { 1, "GUEST_CSUM" }, { 2, "CTRL_GUEST_OFFLOADS" },
	{ 3, "MTU" }, { 5, "MAC" }, { 7, "GUEST_TSO4" }, { 8, "GUEST_TSO6" },
	{ 9, "GUEST_ECN" }, { 10, "GUEST_UFO" }, { 11, "HOST_TSO4" },
	{ 12, "HOST_TSO6" }, { 13, "HOST_ECN" }, { 14, "HOST_UFO" },
	{ 15, "MRG_RXBUF" }, { 16, "STATUS" }, { 17, "CTRL_VQ" },
	{ 18, "CTRL_RX" }, { 19, "CTRL_VLAN" }, { 21, "GUEST_ANNOUNCE" },
	{ 22, "MQ" }, { 23, "CTRL_MAC_ADDR" }, { 24, "NOTIFY_ON_EMPTY" },
	{ 27, "ANY_LAYOUT" }, { 28, "INDIRECT_DESC" }, { 29, "EVENT_IDX" },
	{ 30, "PROTOCOL_FEATURES" }, { 32, "VERSION_1" },
	{ 33, "ACCESS_PLATFORM" }, { 34, "RING_PACKED" }, { 35, "IN_ORDER" },
	{ 36, "ORDER_PLATFORM" }, { 37, "SR_IOV" },
	{ 38, "NOTIFICATION_DATA" }, { 54, "GUEST_USO4" },
	{ 55, "GUEST_USO6" }, { 56, "HOST_USO" }, { 63, "SPEED_DUPLEX" },
};

static void
features_str_each_bit(void)
{
	char buf[64], want[64];
	unsigned int bit;
	size_t i;

	for (bit = 0; bit < 64; bit++) {
		snprintf(want, sizeof(want), "0x%llx", 1ull << bit);
		for (i = 0; i < RTE_DIM(spec_names); i++)
			if (spec_names[i].bit == bit)
				snprintf(want, sizeof(want), "%s",
					 spec_names[i].name);
		UT_EQ(vio_dev_features_str(1ull << bit, buf, sizeof(buf)),
		      strlen(want));
		UT_ASSERT(strcmp(buf, want) == 0, "bit %u: expected \"%s\", got \"%s\"",
			  bit, want, buf);
	}
}

static void
features_str_lists(void)
{
	char buf[512];

	UT_EQ(vio_dev_features_str(NF(CSUM) | NF(MAC) | F(VERSION_1), buf,
				   sizeof(buf)), 18);
	UT_STR_EQ(buf, "CSUM,MAC,VERSION_1");
	UT_EQ(vio_dev_features_str(0, buf, sizeof(buf)), 0);
	UT_STR_EQ(buf, "");
	/* Bits no name is known for: one hex mask after the names. */
	vio_dev_features_str((1ull << 4) | (1ull << 6), buf, sizeof(buf));
	UT_STR_EQ(buf, "0x50");
	vio_dev_features_str(NF(CSUM) | (1ull << 4) | (1ull << 62) |
			     F(RING_PACKED), buf, sizeof(buf));
	UT_STR_EQ(buf, "CSUM,RING_PACKED,0x4000000000000010");
}

static void
features_str_truncated(void)
{
	char buf[16];
	const uint64_t f = NF(CSUM) | NF(MAC) | F(VERSION_1);

	memset(buf, 'x', sizeof(buf));
	UT_EQ(vio_dev_features_str(f, buf, 8), 7);
	UT_STR_EQ(buf, "CSUM,MA");
	UT_EQ(buf[8], 'x');
	UT_EQ(vio_dev_features_str(f, buf, 5), 4);
	UT_STR_EQ(buf, "CSUM");
	UT_EQ(vio_dev_features_str(f, buf, 1), 0);
	UT_STR_EQ(buf, "");
	memset(buf, 'x', sizeof(buf));
	UT_EQ(vio_dev_features_str(f, buf, 0), 0);
	UT_EQ(buf[0], 'x');
	/* Names fit, the hex tail does not. */
	UT_EQ(vio_dev_features_str(NF(CSUM) | (1ull << 4), buf, 7), 6);
	UT_STR_EQ(buf, "CSUM,0");
}

static const struct ut_case dev_cases[] = {
	UT_CASE(negotiate_offered_and_wanted),
	UT_CASE(negotiate_status_order),
	UT_CASE(negotiate_wants_everything),
	UT_CASE(negotiate_required_missing),
	UT_CASE(negotiate_required_included),
	UT_CASE(negotiate_modern_needs_version1),
	UT_CASE(negotiate_legacy_without_version1),
	UT_CASE(negotiate_features_ok_refused),
	UT_CASE(reset_timeout),
	UT_CASE(reset_slow_device),
	UT_CASE(hdr_size_values),
	UT_CASE(driver_ok),
	UT_CASE(driver_ok_needs_reset),
	UT_CASE(failed_sets_failed),
	UT_CASE(features_str_each_bit),
	UT_CASE(features_str_lists),
	UT_CASE(features_str_truncated),
};

UT_SUITE(ut_suite_dev, "dev", dev_cases);
