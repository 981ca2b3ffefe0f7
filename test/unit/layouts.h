/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * One test body run on each ring layout: LAYOUT_TESTS(fn) defines
 * fn_split, fn_packed and fn_packed_inorder calling fn(layout), and
 * LAYOUT_CASES(fn) lists them in a suite's cases.
 */
#ifndef VIO_TEST_LAYOUTS_H
#define VIO_TEST_LAYOUTS_H

enum ut_layout { UT_SPLIT, UT_PACKED, UT_PACKED_INORDER };

#define LAYOUT_TESTS(fn) \
	static void fn ## _split(void) { fn(UT_SPLIT); } \
	static void fn ## _packed(void) { fn(UT_PACKED); } \
	static void fn ## _packed_inorder(void) { fn(UT_PACKED_INORDER); }

#define LAYOUT_CASES(fn) \
	UT_CASE(fn ## _split), UT_CASE(fn ## _packed), \
	UT_CASE(fn ## _packed_inorder)

#endif /* VIO_TEST_LAYOUTS_H */
