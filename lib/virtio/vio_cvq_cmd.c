/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Control virtqueue command builders: the data layouts of virtio 1.3,
 * 5.1.6.5, little-endian on the wire, sent with vio_cvq_command().
 */
#include <errno.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_common.h>

#include "vio_cvq.h"
#include "vio_log.h"

/* Every command vio sends: its name and the feature it needs. */
struct vio_cvq_cmd_info {
	uint8_t class;
	uint8_t cmd;
	uint8_t feature;	/* VIO_NET_F_* besides CTRL_VQ */
	const char *name;
};

static const struct vio_cvq_cmd_info vio_cvq_cmds[] = {
	{ VIO_NET_CTRL_RX, VIO_NET_CTRL_RX_PROMISC, VIO_NET_F_CTRL_RX,
	  "RX_PROMISC" },
	{ VIO_NET_CTRL_RX, VIO_NET_CTRL_RX_ALLMULTI, VIO_NET_F_CTRL_RX,
	  "RX_ALLMULTI" },
	/* The MAC filter table comes with CTRL_RX, the address with its own. */
	{ VIO_NET_CTRL_MAC, VIO_NET_CTRL_MAC_TABLE_SET, VIO_NET_F_CTRL_RX,
	  "MAC_TABLE_SET" },
	{ VIO_NET_CTRL_MAC, VIO_NET_CTRL_MAC_ADDR_SET, VIO_NET_F_CTRL_MAC_ADDR,
	  "MAC_ADDR_SET" },
	{ VIO_NET_CTRL_VLAN, VIO_NET_CTRL_VLAN_ADD, VIO_NET_F_CTRL_VLAN,
	  "VLAN_ADD" },
	{ VIO_NET_CTRL_VLAN, VIO_NET_CTRL_VLAN_DEL, VIO_NET_F_CTRL_VLAN,
	  "VLAN_DEL" },
	{ VIO_NET_CTRL_ANNOUNCE, VIO_NET_CTRL_ANNOUNCE_ACK,
	  VIO_NET_F_GUEST_ANNOUNCE, "ANNOUNCE_ACK" },
	{ VIO_NET_CTRL_MQ, VIO_NET_CTRL_MQ_VQ_PAIRS_SET, VIO_NET_F_MQ,
	  "MQ_VQ_PAIRS_SET" },
	{ VIO_NET_CTRL_MQ, VIO_NET_CTRL_MQ_RSS_CONFIG, VIO_NET_F_RSS,
	  "MQ_RSS_CONFIG" },
	{ VIO_NET_CTRL_MQ, VIO_NET_CTRL_MQ_HASH_CONFIG, VIO_NET_F_HASH_REPORT,
	  "MQ_HASH_CONFIG" },
	{ VIO_NET_CTRL_GUEST_OFFLOADS, VIO_NET_CTRL_GUEST_OFFLOADS_SET,
	  VIO_NET_F_CTRL_GUEST_OFFLOADS, "GUEST_OFFLOADS_SET" },
};

static const struct vio_cvq_cmd_info *
cvq_cmd_info(uint8_t class, uint8_t cmd)
{
	size_t i;

	for (i = 0; i < RTE_DIM(vio_cvq_cmds); i++)
		if (vio_cvq_cmds[i].class == class && vio_cvq_cmds[i].cmd == cmd)
			return &vio_cvq_cmds[i];
	return NULL;
}

const char *
vio_cvq_cmd_name(uint8_t class, uint8_t cmd)
{
	const struct vio_cvq_cmd_info *ci = cvq_cmd_info(class, cmd);

	return ci != NULL ? ci->name : "UNKNOWN";
}

bool
vio_cvq_supported(uint64_t features, uint8_t class, uint8_t cmd)
{
	const struct vio_cvq_cmd_info *ci = cvq_cmd_info(class, cmd);
	uint64_t need;

	if (ci == NULL)
		return false;
	need = VIO_BIT(VIO_NET_F_CTRL_VQ) | VIO_BIT(ci->feature);
	return (features & need) == need;
}

/* One data segment: the common case. */
static int
cvq_send1(struct vio_cvq *cq, uint8_t class, uint8_t cmd, const void *buf,
	  uint32_t len, uint32_t timeout_us)
{
	struct vio_cvq_seg seg = { buf, len };

	return vio_cvq_command(cq, class, cmd, &seg, 1, timeout_us);
}

static int
cvq_rx_mode(struct vio_cvq *cq, uint8_t cmd, bool on, uint32_t timeout_us)
{
	uint8_t v = on ? 1 : 0;

	return cvq_send1(cq, VIO_NET_CTRL_RX, cmd, &v, sizeof(v), timeout_us);
}

int
vio_cvq_promisc(struct vio_cvq *cq, bool on, uint32_t timeout_us)
{
	return cvq_rx_mode(cq, VIO_NET_CTRL_RX_PROMISC, on, timeout_us);
}

int
vio_cvq_allmulti(struct vio_cvq *cq, bool on, uint32_t timeout_us)
{
	return cvq_rx_mode(cq, VIO_NET_CTRL_RX_ALLMULTI, on, timeout_us);
}

/* A struct vio_net_ctrl_mac at `out`; returns its length. */
static uint32_t
cvq_mac_table_put(uint8_t *out, const uint8_t (*macs)[6], uint32_t n)
{
	uint32_t entries = rte_cpu_to_le_32(n);

	memcpy(out, &entries, sizeof(entries));
	if (n > 0)
		memcpy(out + sizeof(entries), macs, (size_t)n * 6);
	return (uint32_t)sizeof(entries) + n * 6;
}

int
vio_cvq_mac_table_set(struct vio_cvq *cq, const uint8_t (*uc)[6],
		      uint32_t n_uc, const uint8_t (*mc)[6], uint32_t n_mc,
		      uint32_t timeout_us)
{
	uint8_t buf[VIO_CVQ_DATA_MAX];
	struct vio_cvq_seg segs[2];
	const uint32_t most = (VIO_CVQ_DATA_MAX - 8) / 6;

	if (n_uc > most || n_mc > most - n_uc) {
		VIO_LOG(virtio, ERR, "control queue: MAC_TABLE_SET: %u unicast and %u multicast addresses, at most %u in all",
			n_uc, n_mc, most);
		return -E2BIG;
	}
	if ((n_uc > 0 && uc == NULL) || (n_mc > 0 && mc == NULL))
		return -EINVAL;
	segs[0].buf = buf;
	segs[0].len = cvq_mac_table_put(buf, uc, n_uc);
	segs[1].buf = buf + segs[0].len;
	segs[1].len = cvq_mac_table_put(buf + segs[0].len, mc, n_mc);
	return vio_cvq_command(cq, VIO_NET_CTRL_MAC, VIO_NET_CTRL_MAC_TABLE_SET,
			       segs, 2, timeout_us);
}

int
vio_cvq_mac_addr_set(struct vio_cvq *cq, const uint8_t mac[6],
		     uint32_t timeout_us)
{
	return cvq_send1(cq, VIO_NET_CTRL_MAC, VIO_NET_CTRL_MAC_ADDR_SET, mac,
			 6, timeout_us);
}

int
vio_cvq_vlan(struct vio_cvq *cq, bool add, uint16_t vid, uint32_t timeout_us)
{
	uint16_t v = rte_cpu_to_le_16(vid);

	if (vid >= 4096)
		return -EINVAL;
	return cvq_send1(cq, VIO_NET_CTRL_VLAN,
			 add ? VIO_NET_CTRL_VLAN_ADD : VIO_NET_CTRL_VLAN_DEL,
			 &v, sizeof(v), timeout_us);
}

int
vio_cvq_announce_ack(struct vio_cvq *cq, uint32_t timeout_us)
{
	return vio_cvq_command(cq, VIO_NET_CTRL_ANNOUNCE,
			       VIO_NET_CTRL_ANNOUNCE_ACK, NULL, 0, timeout_us);
}

int
vio_cvq_mq_pairs_set(struct vio_cvq *cq, uint16_t pairs, uint32_t timeout_us)
{
	struct vio_net_ctrl_mq mq = {
		.virtqueue_pairs = rte_cpu_to_le_16(pairs),
	};

	if (pairs < VIO_NET_CTRL_MQ_VQ_PAIRS_MIN ||
	    pairs > VIO_NET_CTRL_MQ_VQ_PAIRS_MAX)
		return -EINVAL;
	return cvq_send1(cq, VIO_NET_CTRL_MQ, VIO_NET_CTRL_MQ_VQ_PAIRS_SET, &mq,
			 sizeof(mq), timeout_us);
}

static int
cvq_rss_check(const struct vio_cvq_rss *rss)
{
	uint16_t i;

	if (rss->table_len == 0 || (rss->table_len & (rss->table_len - 1)) ||
	    rss->table == NULL || (rss->key_len > 0 && rss->key == NULL) ||
	    rss->unclassified_queue >= 0x8000)
		return -EINVAL;
	if (sizeof(struct vio_net_rss_head) + 2u * rss->table_len +
	    sizeof(struct vio_net_rss_tail) + rss->key_len > VIO_CVQ_DATA_MAX)
		return -E2BIG;
	for (i = 0; i < rss->table_len; i++)
		if (rss->table[i] >= 0x8000)
			return -EINVAL;
	return 0;
}

/* The RSS_CONFIG bytes at `out`; returns their length. */
static uint32_t
cvq_rss_put(uint8_t *out, const struct vio_cvq_rss *rss)
{
	struct vio_net_rss_head head = {
		.hash_types = rte_cpu_to_le_32(rss->hash_types),
		.indirection_table_mask = rte_cpu_to_le_16(rss->table_len - 1),
		.unclassified_queue = rte_cpu_to_le_16(rss->unclassified_queue),
	};
	struct vio_net_rss_tail tail = {
		.max_tx_vq = rte_cpu_to_le_16(rss->max_tx_vq),
		.hash_key_length = rss->key_len,
	};
	uint32_t off = 0;
	uint16_t i, q;

	memcpy(out, &head, sizeof(head));
	off += sizeof(head);
	for (i = 0; i < rss->table_len; i++, off += sizeof(q)) {
		q = rte_cpu_to_le_16(rss->table[i]);
		memcpy(out + off, &q, sizeof(q));
	}
	memcpy(out + off, &tail, sizeof(tail));
	off += sizeof(tail);
	if (rss->key_len > 0)
		memcpy(out + off, rss->key, rss->key_len);
	return off + rss->key_len;
}

int
vio_cvq_rss_config(struct vio_cvq *cq, const struct vio_cvq_rss *rss,
		   uint32_t timeout_us)
{
	uint8_t buf[VIO_CVQ_DATA_MAX];
	int ret = rss == NULL ? -EINVAL : cvq_rss_check(rss);

	if (ret < 0) {
		VIO_LOG(virtio, ERR, "control queue: MQ_RSS_CONFIG: %s",
			ret == -E2BIG ? "indirection table and key too long for one command" :
			"indirection table not a power of two long, or a queue number beyond 15 bits");
		return ret;
	}
	return cvq_send1(cq, VIO_NET_CTRL_MQ, VIO_NET_CTRL_MQ_RSS_CONFIG, buf,
			 cvq_rss_put(buf, rss), timeout_us);
}

int
vio_cvq_hash_config(struct vio_cvq *cq, uint32_t hash_types,
		    const uint8_t *key, uint8_t key_len, uint32_t timeout_us)
{
	struct vio_net_hash_config hc = {
		.hash_types = rte_cpu_to_le_32(hash_types),
		.hash_key_length = key_len,
	};
	struct vio_cvq_seg segs[2] = { { &hc, sizeof(hc) }, { key, key_len } };

	if (key_len > 0 && key == NULL)
		return -EINVAL;
	/* The key in its own descriptor: the device reads the data as one
	 * stream whatever the split (5.1.6.5: no layout assumed). */
	return vio_cvq_command(cq, VIO_NET_CTRL_MQ, VIO_NET_CTRL_MQ_HASH_CONFIG,
			       segs, key_len > 0 ? 2 : 1, timeout_us);
}

int
vio_cvq_guest_offloads_set(struct vio_cvq *cq, uint64_t offloads,
			   uint32_t timeout_us)
{
	uint64_t v = rte_cpu_to_le_64(offloads);

	return cvq_send1(cq, VIO_NET_CTRL_GUEST_OFFLOADS,
			 VIO_NET_CTRL_GUEST_OFFLOADS_SET, &v, sizeof(v),
			 timeout_us);
}
