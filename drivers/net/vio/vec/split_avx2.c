/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Split-ring vector datapaths built with this file's instruction set
 * (meson.build gives it its -m flags): vio_{rx,tx}_split[_inorder]_avx2,
 * whose body is vec/split_vec.h's.
 */
#include "split_vec.h"
