/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * virtio-net layouts and constants, written from the virtio 1.3
 * specification (sections 2.1 device status, 2.7 split virtqueues,
 * 2.8 packed virtqueues, 5.1 network device, 6 reserved feature bits).
 * Everything the device sees is little-endian; vio only targets
 * little-endian hosts, which lib/virtio/meson.build checks.
 */
#ifndef VIO_VIRTIO_SPEC_H
#define VIO_VIRTIO_SPEC_H

#include <stdint.h>

/* 2.1 device status field */
#define VIO_STATUS_ACKNOWLEDGE		1
#define VIO_STATUS_DRIVER		2
#define VIO_STATUS_DRIVER_OK		4
#define VIO_STATUS_FEATURES_OK		8
#define VIO_STATUS_DEVICE_NEEDS_RESET	64
#define VIO_STATUS_FAILED		128

/* 5.1.3 network device feature bits */
#define VIO_NET_F_CSUM			0
#define VIO_NET_F_GUEST_CSUM		1
#define VIO_NET_F_CTRL_GUEST_OFFLOADS	2
#define VIO_NET_F_MTU			3
#define VIO_NET_F_MAC			5
#define VIO_NET_F_GUEST_TSO4		7
#define VIO_NET_F_GUEST_TSO6		8
#define VIO_NET_F_GUEST_ECN		9
#define VIO_NET_F_GUEST_UFO		10
#define VIO_NET_F_HOST_TSO4		11
#define VIO_NET_F_HOST_TSO6		12
#define VIO_NET_F_HOST_ECN		13
#define VIO_NET_F_HOST_UFO		14
#define VIO_NET_F_MRG_RXBUF		15
#define VIO_NET_F_STATUS		16
#define VIO_NET_F_CTRL_VQ		17
#define VIO_NET_F_CTRL_RX		18
#define VIO_NET_F_CTRL_VLAN		19
#define VIO_NET_F_CTRL_RX_EXTRA		20
#define VIO_NET_F_GUEST_ANNOUNCE	21
#define VIO_NET_F_MQ			22
#define VIO_NET_F_CTRL_MAC_ADDR		23
#define VIO_NET_F_GUEST_USO4		54
#define VIO_NET_F_GUEST_USO6		55
#define VIO_NET_F_HOST_USO		56
#define VIO_NET_F_HASH_REPORT		57
#define VIO_NET_F_RSS			60
#define VIO_NET_F_SPEED_DUPLEX		63

/* 6 reserved feature bits (transport independent) */
#define VIO_F_NOTIFY_ON_EMPTY		24
#define VIO_F_ANY_LAYOUT		27
#define VIO_F_RING_INDIRECT_DESC	28
#define VIO_F_RING_EVENT_IDX		29
#define VIO_F_VERSION_1			32
#define VIO_F_ACCESS_PLATFORM		33
#define VIO_F_RING_PACKED		34
#define VIO_F_IN_ORDER			35
#define VIO_F_ORDER_PLATFORM		36
#define VIO_F_SR_IOV			37
#define VIO_F_NOTIFICATION_DATA		38
/* vhost-user: the feature bit that enables protocol-feature messages */
#define VIO_F_PROTOCOL_FEATURES		30

#define VIO_BIT(b) (1ULL << (b))

/* 5.1.4 device configuration layout */
#define VIO_NET_S_LINK_UP	1
#define VIO_NET_S_ANNOUNCE	2

struct vio_net_config {
	uint8_t mac[6];
	uint16_t status;
	uint16_t max_virtqueue_pairs;
	uint16_t mtu;
	uint32_t speed;
	uint8_t duplex;
} __attribute__((packed));

/* The config fields after duplex that a device with RSS or HASH_REPORT
 * has (a device without them may end its config at duplex). */
struct vio_net_config_rss {
	uint8_t rss_max_key_size;
	uint16_t rss_max_indirection_table_length;	/* le16 */
	uint32_t supported_hash_types;			/* le32 */
} __attribute__((packed));

#define VIO_NET_CONFIG_RSS(field) (sizeof(struct vio_net_config) + \
	offsetof(struct vio_net_config_rss, field))

/* 5.1.6 device operation: the header in front of every packet */
#define VIO_NET_HDR_F_NEEDS_CSUM	1
#define VIO_NET_HDR_F_DATA_VALID	2
#define VIO_NET_HDR_F_RSC_INFO		4

#define VIO_NET_HDR_GSO_NONE		0
#define VIO_NET_HDR_GSO_TCPV4		1
#define VIO_NET_HDR_GSO_UDP		3
#define VIO_NET_HDR_GSO_TCPV6		4
#define VIO_NET_HDR_GSO_UDP_L4		5
#define VIO_NET_HDR_GSO_ECN		0x80

struct vio_net_hdr {
	uint8_t flags;
	uint8_t gso_type;
	uint16_t hdr_len;
	uint16_t gso_size;
	uint16_t csum_start;
	uint16_t csum_offset;
};

/* The layout used with VERSION_1 or MRG_RXBUF: num_buffers follows. */
struct vio_net_hdr_mrg {
	struct vio_net_hdr hdr;
	uint16_t num_buffers;
};

/* With HASH_REPORT, for both directions: the hash fields follow. */
struct vio_net_hdr_hash {
	struct vio_net_hdr_mrg mrg;
	uint32_t hash_value;		/* le32 */
	uint16_t hash_report;		/* le16, VIO_NET_HASH_REPORT_* */
	uint16_t padding_reserved;
};

/* hash_report: which hash the device computed (5.1.6.4.4) */
#define VIO_NET_HASH_REPORT_NONE	0
#define VIO_NET_HASH_REPORT_UDPV6_EX	9

_Static_assert(sizeof(struct vio_net_hdr) == 10, "virtio_net_hdr is 10 bytes");
_Static_assert(sizeof(struct vio_net_hdr_hash) == 20, "hash header is 20 bytes");
_Static_assert(sizeof(struct vio_net_hdr_mrg) == 12, "mrg header is 12 bytes");

/* 2.7.5 split virtqueue descriptor table */
#define VIO_DESC_F_NEXT		1
#define VIO_DESC_F_WRITE	2
#define VIO_DESC_F_INDIRECT	4

struct vio_desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags;
	uint16_t next;
};

/* 2.7.6 available ring */
#define VIO_AVAIL_F_NO_INTERRUPT	1

struct vio_avail {
	uint16_t flags;
	uint16_t idx;
	uint16_t ring[];
	/* uint16_t used_event follows ring[num] with EVENT_IDX */
};

/* 2.7.8 used ring */
#define VIO_USED_F_NO_NOTIFY	1

struct vio_used_elem {
	uint32_t id;
	uint32_t len;
};

struct vio_used {
	uint16_t flags;
	uint16_t idx;
	struct vio_used_elem ring[];
	/* uint16_t avail_event follows ring[num] with EVENT_IDX */
};

/* 2.7 alignment requirements of the three split-ring parts */
#define VIO_SPLIT_DESC_ALIGN	16
#define VIO_SPLIT_AVAIL_ALIGN	2
#define VIO_SPLIT_USED_ALIGN	4
/* Legacy devices need the used ring on its own page (2.7.2). */
#define VIO_LEGACY_ALIGN	4096

/* 2.8 packed virtqueues */
#define VIO_PACKED_DESC_F_AVAIL	(1 << 7)
#define VIO_PACKED_DESC_F_USED	(1 << 15)

struct vio_packed_desc {
	uint64_t addr;
	uint32_t len;
	uint16_t id;
	uint16_t flags;
};

#define VIO_PACKED_EVENT_ENABLE		0
#define VIO_PACKED_EVENT_DISABLE	1
#define VIO_PACKED_EVENT_DESC		2

struct vio_packed_event {
	uint16_t off_wrap;
	uint16_t flags;
};

/*
 * 5.1.6.5 control virtqueue. A command is one chain: the class/command
 * header and the command's data readable, then one writable ack byte.
 * Multi-byte fields are little-endian on the wire.
 */
struct vio_net_ctrl_hdr {
	uint8_t class;
	uint8_t cmd;
};

#define VIO_NET_OK	0
#define VIO_NET_ERR	1

/* packet receive filtering: data is one byte, 0 off, 1 on */
#define VIO_NET_CTRL_RX			0
#define VIO_NET_CTRL_RX_PROMISC		0
#define VIO_NET_CTRL_RX_ALLMULTI	1

/* MAC address filtering: TABLE_SET carries two struct
 * vio_net_ctrl_mac tables (unicast, then multicast), ADDR_SET six bytes */
#define VIO_NET_CTRL_MAC		1
#define VIO_NET_CTRL_MAC_TABLE_SET	0
#define VIO_NET_CTRL_MAC_ADDR_SET	1

struct vio_net_ctrl_mac {
	uint32_t entries;	/* le32 */
	uint8_t macs[][6];
} __attribute__((packed));

/* VLAN filtering: data is the le16 VLAN id */
#define VIO_NET_CTRL_VLAN		2
#define VIO_NET_CTRL_VLAN_ADD		0
#define VIO_NET_CTRL_VLAN_DEL		1

/* gratuitous packet sending (GUEST_ANNOUNCE): no data */
#define VIO_NET_CTRL_ANNOUNCE		3
#define VIO_NET_CTRL_ANNOUNCE_ACK	0

/* automatic receive steering in multiqueue mode, RSS, hash report */
#define VIO_NET_CTRL_MQ			4
#define VIO_NET_CTRL_MQ_VQ_PAIRS_SET	0
#define VIO_NET_CTRL_MQ_RSS_CONFIG	1
#define VIO_NET_CTRL_MQ_HASH_CONFIG	2
#define VIO_NET_CTRL_MQ_VQ_PAIRS_MIN	1
#define VIO_NET_CTRL_MQ_VQ_PAIRS_MAX	0x8000

struct vio_net_ctrl_mq {
	uint16_t virtqueue_pairs;	/* le16 */
} __attribute__((packed));

/*
 * RSS_CONFIG data: this head, indirection_table_mask + 1 entries of le16
 * (an rss_rq_id: bits 1..16 of a receive virtqueue's index, i.e. the
 * receive queue's number), then struct vio_net_rss_tail and the key.
 */
struct vio_net_rss_head {
	uint32_t hash_types;		/* le32, VIO_NET_HASH_TYPE_* */
	uint16_t indirection_table_mask;/* le16, table length - 1 */
	uint16_t unclassified_queue;	/* le16 rss_rq_id */
} __attribute__((packed));

struct vio_net_rss_tail {
	uint16_t max_tx_vq;		/* le16 */
	uint8_t hash_key_length;
} __attribute__((packed));

/* HASH_CONFIG data (with HASH_REPORT), then the key. */
struct vio_net_hash_config {
	uint32_t hash_types;		/* le32 */
	uint16_t reserved[4];
	uint8_t hash_key_length;
} __attribute__((packed));

/* hash types (5.1.6.4.3, supported and enabled) */
#define VIO_NET_HASH_TYPE_IPV4		(1u << 0)
#define VIO_NET_HASH_TYPE_TCPV4		(1u << 1)
#define VIO_NET_HASH_TYPE_UDPV4		(1u << 2)
#define VIO_NET_HASH_TYPE_IPV6		(1u << 3)
#define VIO_NET_HASH_TYPE_TCPV6		(1u << 4)
#define VIO_NET_HASH_TYPE_UDPV6		(1u << 5)
#define VIO_NET_HASH_TYPE_IP_EX		(1u << 6)
#define VIO_NET_HASH_TYPE_TCP_EX	(1u << 7)
#define VIO_NET_HASH_TYPE_UDP_EX	(1u << 8)

/* offloads state configuration: data is the le64 offloads
 * (VIO_NET_F_GUEST_* bit numbers) */
#define VIO_NET_CTRL_GUEST_OFFLOADS	5
#define VIO_NET_CTRL_GUEST_OFFLOADS_SET	0

_Static_assert(sizeof(struct vio_net_ctrl_hdr) == 2, "ctrl header is 2 bytes");
_Static_assert(sizeof(struct vio_net_rss_head) == 8, "rss head is 8 bytes");
_Static_assert(sizeof(struct vio_net_hash_config) == 13, "hash config is 13 bytes");

/* The largest queue a split ring can hold (2.7: Queue Size <= 32768). */
#define VIO_MAX_QUEUE_SIZE	32768

#endif /* VIO_VIRTIO_SPEC_H */
