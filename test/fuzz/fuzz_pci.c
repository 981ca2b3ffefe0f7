/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A hostile virtio-net-pci device: PCI configuration space, BAR sizes and
 * BAR contents from the input, behind vio_pci_open() and the modern and
 * legacy transport ops (vio_pci*.c, unchanged). The configuration space
 * and the legacy I/O BAR are fakes linked in place of DPDK's accessors
 * (-Wl,--wrap, see usertools/vio-fuzz.sh); the memory BARs are exactly
 * sized heap buffers, so ASan sees any access outside them.
 *
 * Invariants: the capability walk reads only the 256 bytes of standard
 * configuration space; each structure it accepts lies within the BAR it
 * names and is long enough for its type; device config reads and writes
 * that succeed stay inside the device structure (modern) or the I/O BAR
 * (legacy); a queue's doorbell lies inside the notify structure.
 *
 * Input: byte 0 flags (bit 0 legacy=1, bit 1 device 0x1000 instead of
 * 0x1041, bit 2 the I/O BAR cannot be mapped), bytes 1-6 the sizes of
 * BARs 0-5 (0: absent, else 1 << (b & 15) bytes), byte 7 the I/O BAR's
 * length, then 256 bytes of configuration space, then the BARs' contents
 * in order (the I/O BAR last); missing bytes are zero.
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz.h"
#include "vio_dev.h"
#include "vio_pci.h"
#include "vio_pci_priv.h"

#define F_LEGACY	0x1
#define F_TRANSITIONAL	0x2
#define F_NO_IOPORT	0x4

#define FUZZ_DEV_NAME	"0000:00:04.0"

struct fake_dev {
	uint8_t cfg[VIO_PCI_CFG_SIZE];
	uint8_t *io;
	uint32_t io_len;
	bool io_fail;
};

static struct fake_dev fd_;
static char sysfs[64];
static uint32_t sysfs_io_len = UINT32_MAX;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int __wrap_rte_pci_read_config(const struct rte_pci_device *dev, void *buf,
			       size_t len, off_t off);
int __wrap_rte_pci_ioport_map(struct rte_pci_device *dev, int bar,
			      struct rte_pci_ioport *p);
int __wrap_rte_pci_ioport_unmap(struct rte_pci_ioport *p);
void __wrap_rte_pci_ioport_read(struct rte_pci_ioport *p, void *data,
				size_t len, off_t off);
void __wrap_rte_pci_ioport_write(struct rte_pci_ioport *p, const void *data,
				 size_t len, off_t off);
const char *__wrap_rte_pci_get_sysfs_path(void);

/* ---- the fake device behind DPDK's PCI accessors ---- */

int
__wrap_rte_pci_read_config(const struct rte_pci_device *dev __rte_unused,
			   void *buf, size_t len, off_t off)
{
	FUZZ_ASSERT(off >= 0 && (uint64_t)off + len <= VIO_PCI_CFG_SIZE,
		    "config read of %zu bytes at 0x%jx", len, (intmax_t)off);
	memcpy(buf, fd_.cfg + off, len);
	return (int)len;
}

int
__wrap_rte_pci_ioport_map(struct rte_pci_device *dev, int bar,
			  struct rte_pci_ioport *p)
{
	FUZZ_ASSERT(bar == 0, "legacy registers are in BAR 0, not %d", bar);
	if (fd_.io_fail)
		return -1;
	p->dev = dev;
	p->base = 0;
	p->len = fd_.io_len;
	return 0;
}

int
__wrap_rte_pci_ioport_unmap(struct rte_pci_ioport *p __rte_unused)
{
	return 0;
}

/* An access past the I/O BAR would reach another device's ports. */
static void
io_check(size_t len, off_t off)
{
	FUZZ_ASSERT(off >= 0 && (uint64_t)off + len <= fd_.io_len,
		    "I/O access of %zu bytes at %jd, BAR 0 is %u bytes",
		    len, (intmax_t)off, fd_.io_len);
}

void
__wrap_rte_pci_ioport_read(struct rte_pci_ioport *p __rte_unused, void *data,
			   size_t len, off_t off)
{
	io_check(len, off);
	memcpy(data, fd_.io + off, len);
}

void
__wrap_rte_pci_ioport_write(struct rte_pci_ioport *p __rte_unused,
			    const void *data, size_t len, off_t off)
{
	io_check(len, off);
	memcpy(fd_.io + off, data, len);
}

/* legacy_bar_len() reads BAR 0's size from sysfs: a private tree. */
const char *
__wrap_rte_pci_get_sysfs_path(void)
{
	return sysfs;
}

static void
sysfs_write(uint32_t io_len)
{
	char path[128];
	FILE *f;

	if (io_len == sysfs_io_len)
		return;
	snprintf(path, sizeof(path), "%s/%s/resource", sysfs, FUZZ_DEV_NAME);
	f = fopen(path, "w");
	if (f == NULL)
		abort();
	/* "start end flags" per BAR; end = start + len - 1 (0 0: absent) */
	if (io_len == 0)
		fprintf(f, "0x0 0x0 0x0\n");
	else
		fprintf(f, "0xc000 0x%x 0x40101\n", 0xc000 + io_len - 1);
	fclose(f);
	sysfs_io_len = io_len;
}

static char sysfs_dev[96];

static void
cleanup(void)
{
	char path[128];

	snprintf(path, sizeof(path), "%s/resource", sysfs_dev);
	unlink(path);
	rmdir(sysfs_dev);
	rmdir(sysfs);
}

int
LLVMFuzzerInitialize(int *argc __rte_unused, char ***argv __rte_unused)
{
	fuzz_private_dir(sysfs, sizeof(sysfs));
	snprintf(sysfs_dev, sizeof(sysfs_dev), "%s/%s", sysfs, FUZZ_DEV_NAME);
	if (mkdir(sysfs_dev, 0700) < 0)
		abort();
	atexit(cleanup);
	fuzz_quiet_logs();
	return 0;
}

/* ---- checks ---- */

static uint32_t
min_len(int type)
{
	switch (type) {
	case VIO_PCI_CAP_COMMON_CFG:
		return VIO_PCI_COMMON_MIN_LEN;
	case VIO_PCI_CAP_NOTIFY_CFG:
		return 2;
	case VIO_PCI_CAP_ISR_CFG:
		return 1;
	default:
		return 0;
	}
}

static void
check_region(const struct vio_pci_region *r, int type, const uint64_t *bar_len)
{
	if (!r->present)
		return;
	FUZZ_ASSERT(r->bar < VIO_PCI_NUM_BARS, "type %d in BAR %u", type, r->bar);
	FUZZ_ASSERT((uint64_t)r->offset + r->length <= bar_len[r->bar],
		    "type %d at +0x%x, %u bytes, BAR %u is %" PRIu64 " bytes",
		    type, r->offset, r->length, r->bar, bar_len[r->bar]);
	FUZZ_ASSERT(r->length >= min_len(type), "type %d of %u bytes",
		    type, r->length);
}

static void
check_caps(const struct vio_pci_caps *c, const uint64_t *bar_len)
{
	check_region(&c->common, VIO_PCI_CAP_COMMON_CFG, bar_len);
	check_region(&c->notify, VIO_PCI_CAP_NOTIFY_CFG, bar_len);
	check_region(&c->isr, VIO_PCI_CAP_ISR_CFG, bar_len);
	check_region(&c->device, VIO_PCI_CAP_DEVICE_CFG, bar_len);
	FUZZ_ASSERT(!c->msix_present || (c->msix_pos >= 0x40 &&
		    (c->msix_pos & 3) == 0), "MSI-X at 0x%x", c->msix_pos);
}

/* The config reads the PMD makes at probe (vio_pci_ethdev.c,
 * vio_ethdev.c): a read that succeeds stayed inside the config area. */
static void
read_config(struct vio_hw *hw, struct vio_pci *pci, uint32_t off, uint32_t len)
{
	uint8_t buf[sizeof(struct vio_net_config) + 8];

	if (hw->ops->read_config(hw, off, buf, len) != 0)
		return;
	if (hw->modern)
		FUZZ_ASSERT(pci->device != NULL &&
			    (uint64_t)off + len <= pci->caps.device.length,
			    "config read at %u+%u, device structure %u bytes",
			    off, len, pci->caps.device.length);
	else
		FUZZ_ASSERT((uint64_t)pci->config_off + off + len <= pci->io_len,
			    "legacy config read past BAR 0");
}

/* The mac devarg is written to the device config (vio_ethdev.c). */
static void
write_mac(struct vio_hw *hw, struct vio_pci *pci)
{
	static const uint8_t mac[6] = { 0x02, 0, 0, 0, 0, 0x42 };
	uint32_t off = offsetof(struct vio_net_config, mac);

	if (hw->ops->write_config(hw, off, mac, sizeof(mac)) != 0)
		return;
	if (hw->modern)
		FUZZ_ASSERT(pci->device != NULL &&
			    off + sizeof(mac) <= pci->caps.device.length,
			    "MAC written past the device structure");
	else
		FUZZ_ASSERT(pci->config_off + off + sizeof(mac) <= pci->io_len,
			    "MAC written past BAR 0");
}

static void
read_configs(struct vio_hw *hw, struct vio_pci *pci)
{
	read_config(hw, pci, offsetof(struct vio_net_config, mac), 6);
	read_config(hw, pci, offsetof(struct vio_net_config, status), 2);
	read_config(hw, pci, offsetof(struct vio_net_config, max_virtqueue_pairs), 2);
	read_config(hw, pci, offsetof(struct vio_net_config, mtu), 2);
	read_config(hw, pci, offsetof(struct vio_net_config, speed), 4);
	read_config(hw, pci, offsetof(struct vio_net_config, duplex), 1);
	read_config(hw, pci, 0, sizeof(struct vio_net_config));
}

/* The legacy ring layout (vio_pci_legacy.c): used ring on a 4 KiB
 * boundary after the descriptors and the available ring. */
static uint64_t
legacy_used_off(uint16_t size)
{
	uint64_t avail_end = 16ull * size + 2 * (3ull + size);

	return (avail_end + 4095) & ~4095ull;
}

/* Set up, kick and release queue `index` with the size the device asks. */
static void
queue_cycle(struct vio_hw *hw, struct vio_pci *pci, uint16_t index)
{
	struct { uint16_t flags, idx; } avail = { 0, 7 };
	uint16_t max = hw->ops->queue_max_size(hw, index);
	struct vio_vq vq;
	const struct vio_pci_queue *q;
	const uint8_t *bell;

	if (max == 0)
		return;
	memset(&vq, 0, sizeof(vq));
	vq.index = index;
	vq.size = max;
	vq.desc_addr = 0x100000;
	vq.avail_addr = vq.desc_addr + 16ull * max;
	vq.used_addr = vq.desc_addr + legacy_used_off(max);
	vq.split.avail = (struct vio_avail *)&avail;
	if (hw->ops->queue_setup(hw, &vq) != 0)
		return;
	q = vq.notify_arg;
	if (hw->modern) {
		bell = q->doorbell;
		FUZZ_ASSERT(bell >= pci->notify &&
			    bell + (vio_hw_has(hw, VIO_F_NOTIFICATION_DATA) ? 4 : 2) <=
			    pci->notify + pci->caps.notify.length,
			    "doorbell of queue %u outside the notify structure", index);
	}
	vq.notify(&vq);
	hw->ops->queue_release(hw, &vq);
}

static void
exercise(struct vio_hw *hw, const uint64_t *bar_len)
{
	struct vio_pci *pci = vio_pci_of(hw);
	uint16_t i;

	check_caps(&pci->caps, bar_len);
	read_configs(hw, pci);
	write_mac(hw, pci);
	(void)vio_dev_negotiate(hw, UINT64_MAX, 0);
	for (i = 0; i < 3; i++)
		queue_cycle(hw, pci, i);
	(void)vio_pci_isr(hw);
	vio_pci_config_irq(hw, true);
	(void)hw->ops->set_status(hw, hw->ops->get_status(hw) |
				      VIO_STATUS_DRIVER_OK);
	read_configs(hw, pci);
	(void)vio_dev_reset(hw);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };
	struct rte_pci_device *pdev;
	uint8_t flags = fuzz_u8(&in);
	uint64_t bar_len[VIO_PCI_NUM_BARS];
	struct vio_hw hw;
	unsigned int i;
	size_t n;
	int ret;

	pdev = calloc(1, sizeof(*pdev));
	if (pdev == NULL)
		return 0;
	snprintf(pdev->name, sizeof(pdev->name), "%s", FUZZ_DEV_NAME);
	pdev->id.vendor_id = VIO_PCI_VENDOR_ID;
	pdev->id.device_id = flags & F_TRANSITIONAL ? VIO_PCI_DEVICE_NET_LEGACY :
						      VIO_PCI_DEVICE_NET_MODERN;
	pdev->kdrv = RTE_PCI_KDRV_UIO_GENERIC;
	for (i = 0; i < VIO_PCI_NUM_BARS; i++) {
		uint8_t b = fuzz_u8(&in);

		bar_len[i] = b == 0 ? 0 : 1u << (b & 15);
	}
	fd_.io_len = fuzz_u8(&in);
	fd_.io_fail = flags & F_NO_IOPORT;
	memset(fd_.cfg, 0, sizeof(fd_.cfg));
	n = RTE_MIN(in.n, sizeof(fd_.cfg));
	memcpy(fd_.cfg, in.p, n);
	in.p += n;
	in.n -= n;
	for (i = 0; i < VIO_PCI_NUM_BARS; i++) {
		if (bar_len[i] == 0)
			continue;
		pdev->mem_resource[i].addr = calloc(1, bar_len[i]);
		pdev->mem_resource[i].len = bar_len[i];
		n = RTE_MIN(in.n, bar_len[i]);
		memcpy(pdev->mem_resource[i].addr, in.p, n);
		in.p += n;
		in.n -= n;
	}
	fd_.io = calloc(1, fd_.io_len != 0 ? fd_.io_len : 1);
	memcpy(fd_.io, in.p, RTE_MIN(in.n, (size_t)fd_.io_len));
	sysfs_write(fd_.io_len);

	memset(&hw, 0, sizeof(hw));
	ret = vio_pci_open(&hw, pdev, flags & F_LEGACY);
	FUZZ_ASSERT(ret <= 0, "positive return %d", ret);
	if (ret == 0) {
		exercise(&hw, bar_len);
		hw.ops->close(&hw);
	} else {
		FUZZ_ASSERT(hw.tp == NULL && hw.ops == NULL, "state left after failure");
	}
	for (i = 0; i < VIO_PCI_NUM_BARS; i++)
		free(pdev->mem_resource[i].addr);
	free(fd_.io);
	free(pdev);
	return 0;
}
