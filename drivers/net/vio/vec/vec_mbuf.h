/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What the vector rx paths of both ring layouts assume of struct
 * rte_mbuf: each fills an mbuf with two 16-byte stores, one from
 * rearm_data (the rearm word, then ol_flags) and one from
 * rx_descriptor_fields1 (packet_type, pkt_len, data_len, vlan_tci and
 * the start of hash).
 */
#ifndef VIO_VEC_MBUF_H
#define VIO_VEC_MBUF_H

#include <stddef.h>

#include <rte_mbuf.h>

_Static_assert(offsetof(struct rte_mbuf, ol_flags) ==
	       offsetof(struct rte_mbuf, rearm_data) + 8, "mbuf layout");
_Static_assert(offsetof(struct rte_mbuf, pkt_len) ==
	       offsetof(struct rte_mbuf, rx_descriptor_fields1) + 4,
	       "mbuf layout");
_Static_assert(offsetof(struct rte_mbuf, data_len) ==
	       offsetof(struct rte_mbuf, rx_descriptor_fields1) + 8,
	       "mbuf layout");
_Static_assert(offsetof(struct rte_mbuf, vlan_tci) ==
	       offsetof(struct rte_mbuf, rx_descriptor_fields1) + 10,
	       "mbuf layout");

#endif /* VIO_VEC_MBUF_H */
