/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vhost-user message layouts, as the front-end sends them and reads the
 * replies, written from the vhost-user protocol specification (QEMU's
 * docs/interop/vhost-user.rst). Private to the virtio-user transport.
 * VIO_VHU_ is short for vhost-user. All fields are in host byte order
 * (the protocol is native-endian over a unix socket).
 */
#ifndef VIO_VHOST_USER_MSG_H
#define VIO_VHOST_USER_MSG_H

#include <stddef.h>
#include <stdint.h>

/* Front-end requests (the ones vio sends). */
enum vio_vhu_request {
	VIO_VHU_NONE = 0,
	VIO_VHU_GET_FEATURES = 1,
	VIO_VHU_SET_FEATURES = 2,
	VIO_VHU_SET_OWNER = 3,
	VIO_VHU_RESET_OWNER = 4,
	VIO_VHU_SET_MEM_TABLE = 5,
	VIO_VHU_SET_VRING_NUM = 8,
	VIO_VHU_SET_VRING_ADDR = 9,
	VIO_VHU_SET_VRING_BASE = 10,
	VIO_VHU_GET_VRING_BASE = 11,
	VIO_VHU_SET_VRING_KICK = 12,
	VIO_VHU_SET_VRING_CALL = 13,
	VIO_VHU_GET_PROTOCOL_FEATURES = 15,
	VIO_VHU_SET_PROTOCOL_FEATURES = 16,
	VIO_VHU_GET_QUEUE_NUM = 17,
	VIO_VHU_SET_VRING_ENABLE = 18,
	VIO_VHU_GET_MAX_MEM_SLOTS = 36,
	VIO_VHU_ADD_MEM_REG = 37,
	VIO_VHU_REM_MEM_REG = 38,
	VIO_VHU_SET_STATUS = 39,
	VIO_VHU_GET_STATUS = 40,
};

/* Header flags: bits 0-1 the protocol version, then reply and need-reply. */
#define VIO_VHU_VERSION_MASK	0x3u
#define VIO_VHU_VERSION		0x1u
#define VIO_VHU_F_REPLY		(1u << 2)
#define VIO_VHU_F_NEED_REPLY	(1u << 3)

/* Protocol feature bits (GET/SET_PROTOCOL_FEATURES). */
#define VIO_VHU_PROTOCOL_F_MQ			0
#define VIO_VHU_PROTOCOL_F_REPLY_ACK		3
#define VIO_VHU_PROTOCOL_F_CONFIGURE_MEM_SLOTS	15
#define VIO_VHU_PROTOCOL_F_STATUS		16

/* SET_VRING_KICK/CALL payload: ring index, and a flag for "no fd sent". */
#define VIO_VHU_VRING_IDX_MASK	0xffu
#define VIO_VHU_VRING_NOFD	(1u << 8)

/* SET_MEM_TABLE carries at most this many regions (one fd each). */
#define VIO_VHU_MAX_REGIONS	8

struct vio_vhu_vring_state {
	uint32_t index;
	uint32_t num;
};

struct vio_vhu_vring_addr {
	uint32_t index;
	uint32_t flags;		/* bit 0: log_guest_addr valid; vio never logs */
	uint64_t desc;		/* front-end virtual addresses of the rings */
	uint64_t used;
	uint64_t avail;
	uint64_t log_guest_addr;
};

struct vio_vhu_mem_region {
	uint64_t guest_phys_addr;
	uint64_t memory_size;
	uint64_t userspace_addr;
	uint64_t mmap_offset;	/* of the region's start in the fd sent */
};

struct vio_vhu_mem_table {
	uint32_t nregions;
	uint32_t padding;
	struct vio_vhu_mem_region regions[VIO_VHU_MAX_REGIONS];
};

/* ADD_MEM_REG / REM_MEM_REG payload. */
struct vio_vhu_mem_single {
	uint64_t padding;
	struct vio_vhu_mem_region region;
};

struct vio_vhu_msg {
	uint32_t request;
	uint32_t flags;
	uint32_t size;		/* bytes of payload that follow the header */
	union {
		uint64_t u64;
		struct vio_vhu_vring_state state;
		struct vio_vhu_vring_addr addr;
		struct vio_vhu_mem_table mem;
		struct vio_vhu_mem_single mem_single;
	} payload;
} __attribute__((packed));

#define VIO_VHU_HDR_SIZE	offsetof(struct vio_vhu_msg, payload)
#define VIO_VHU_PAYLOAD_MAX	(sizeof(struct vio_vhu_msg) - VIO_VHU_HDR_SIZE)

_Static_assert(VIO_VHU_HDR_SIZE == 12, "vhost-user header is 12 bytes");
_Static_assert(sizeof(struct vio_vhu_vring_addr) == 40, "vring_addr is 40 bytes");
_Static_assert(sizeof(struct vio_vhu_mem_region) == 32, "region is 32 bytes");

#endif /* VIO_VHOST_USER_MSG_H */
