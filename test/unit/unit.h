/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A minimal test harness. Each test is a void function; a failed check
 * records "file:line: message" and leaves the test at once (longjmp back
 * to the runner), which prints `PASS <name>` or `FAIL <name>: <reason>`.
 * Memory from ut_alloc() and cleanups from ut_defer() are released after
 * every test, passed or failed, so a failing check never leaks.
 */
#ifndef VIO_TEST_UNIT_H
#define VIO_TEST_UNIT_H

#include <inttypes.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct ut_case {
	const char *name;
	void (*fn)(void);
};

struct ut_suite {
	const char *name;
	const struct ut_case *cases;
	size_t n;
};

#define UT_CASE(fn) { #fn, fn }
#define UT_SUITE(var, sname, arr) \
	const struct ut_suite var = { sname, arr, sizeof(arr) / sizeof(arr[0]) }

/* Record a failure and leave the running test. */
void ut_fail(const char *file, int line, const char *fmt, ...)
	__attribute__((noreturn, format(printf, 3, 4)));

/* Zeroed memory released after the test. */
void *ut_alloc(size_t len);
void *ut_alloc_aligned(size_t align, size_t len);
/* Run fn(arg) after the test (last registered, first run). */
void ut_defer(void (*fn)(void *), void *arg);

/* A test program's options: -l (list) and -v (verbose) set the flags,
 * the other arguments are filters, moved to argv[1] on; returns how
 * many. Also makes stdout line buffered. */
int ut_args(int argc, char **argv, bool *list, bool *verbose);

/* Run the suites' tests whose "suite.case" name contains one of the
 * filters (all when none); returns the number that failed. */
int ut_run(const struct ut_suite *const *suites, size_t nsuites,
	   char **filters, int nfilters, bool list_only);

#define UT_ASSERT(cond, ...) do { \
	if (!(cond)) \
		ut_fail(__FILE__, __LINE__, __VA_ARGS__); \
} while (0)

#define UT_TRUE(cond) UT_ASSERT(cond, "expected %s", #cond)

/* Integer equality; values up to int64 range, printed in decimal. */
#define UT_EQ(actual, expected) do { \
	int64_t ut_a_ = (int64_t)(actual); \
	int64_t ut_e_ = (int64_t)(expected); \
	if (ut_a_ != ut_e_) \
		ut_fail(__FILE__, __LINE__, "%s: expected %" PRId64 \
			", got %" PRId64, #actual, ut_e_, ut_a_); \
} while (0)

/* Unsigned equality printed in hex (feature bits, addresses). */
#define UT_EQ_HEX(actual, expected) do { \
	uint64_t ut_a_ = (uint64_t)(actual); \
	uint64_t ut_e_ = (uint64_t)(expected); \
	if (ut_a_ != ut_e_) \
		ut_fail(__FILE__, __LINE__, "%s: expected 0x%" PRIx64 \
			", got 0x%" PRIx64, #actual, ut_e_, ut_a_); \
} while (0)

#define UT_PTR_EQ(actual, expected) do { \
	const void *ut_a_ = (actual); \
	const void *ut_e_ = (expected); \
	if (ut_a_ != ut_e_) \
		ut_fail(__FILE__, __LINE__, "%s: expected %p, got %p", \
			#actual, ut_e_, ut_a_); \
} while (0)

#define UT_STR_EQ(actual, expected) do { \
	const char *ut_a_ = (actual); \
	const char *ut_e_ = (expected); \
	if (strcmp(ut_a_, ut_e_) != 0) \
		ut_fail(__FILE__, __LINE__, "%s: expected \"%s\", got \"%s\"", \
			#actual, ut_e_, ut_a_); \
} while (0)

/* Byte-for-byte equality, reporting the first difference. */
#define UT_MEM_EQ(actual, expected, len) \
	ut_mem_eq(__FILE__, __LINE__, #actual, (actual), (expected), (len))

void ut_mem_eq(const char *file, int line, const char *what,
	       const void *actual, const void *expected, size_t len);

#endif /* VIO_TEST_UNIT_H */
