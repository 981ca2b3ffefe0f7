/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Packed-ring mergeable receive, vector, built with this file's
 * instruction set (meson.build gives it its -m flags); the body is
 * vec/mrg_vec.h's.
 */
#include "mrg_vec.h"

MV_BURST(vio_rx_packed_mrg, mv_packed_burst, false)
MV_BURST(vio_rx_packed_inorder_mrg, mv_packed_burst, true)
