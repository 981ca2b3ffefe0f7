/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The checks and the PASS/FAIL lines shared by test/offload's programs:
 * a test records its first failure with EXPECT, t_report prints one line
 * and counts it (t_pass, t_failed). Header-only: each program has one
 * copy of the state.
 */
#ifndef T_HARNESS_H
#define T_HARNESS_H

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>

static char t_fail[256];
static unsigned int t_pass, t_failed;

static void
t_failf(const char *fmt, ...)
{
	va_list ap;

	if (t_fail[0] != '\0')
		return;	/* keep the first failure */
	va_start(ap, fmt);
	vsnprintf(t_fail, sizeof(t_fail), fmt, ap);
	va_end(ap);
}

#define EXPECT(what, exp, got) do { \
	uint64_t e_ = (uint64_t)(exp), g_ = (uint64_t)(got); \
	if (e_ != g_) \
		t_failf("expected %s 0x%" PRIx64 " got 0x%" PRIx64, \
			what, e_, g_); \
} while (0)

#define EXPECT_TRUE(what, cond) \
	EXPECT(what, 1, (cond) ? 1 : 0)

static void
t_report(const char *prefix, const char *name)
{
	if (t_fail[0] != '\0') {
		printf("FAIL %s%s: %s\n", prefix, name, t_fail);
		t_failed++;
	} else {
		printf("PASS %s%s\n", prefix, name);
		t_pass++;
	}
	t_fail[0] = '\0';
}

#endif /* T_HARNESS_H */
