/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Split-ring mergeable receive, vector, built with this file's
 * instruction set (meson.build gives it its -m flags); the body is
 * vec/mrg_vec.h's.
 */
#include "mrg_vec.h"

MV_BURST_OVER(vio_rx_split_mrg, mv_split_burst, false, vio_rx_split_fixed_mrg)
MV_BURST(vio_rx_split_inorder_mrg, mv_split_burst, true)
