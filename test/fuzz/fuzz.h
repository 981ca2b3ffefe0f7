/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Shared by vio's libFuzzer targets (test/fuzz/fuzz_*.c, built and run by
 * usertools/vio-fuzz.sh). A broken invariant aborts, so libFuzzer keeps
 * the input as a crash-* reproducer like any sanitizer report.
 */
#ifndef VIO_FUZZ_H
#define VIO_FUZZ_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_log.h>

#define FUZZ_ASSERT(cond, fmt, ...) do { \
	if (!(cond)) { \
		fprintf(stderr, "%s:%d: invariant broken: %s: " fmt "\n", \
			__FILE__, __LINE__, #cond, ##__VA_ARGS__); \
		abort(); \
	} \
} while (0)

/*
 * Every log line is formatted (a bad format argument is a finding too) and
 * thrown away: the parsers log each rejected input, and libFuzzer's own
 * output on stderr must stay readable. VIO_FUZZ_LOG=1 keeps them.
 */
static inline void
fuzz_quiet_logs(void)
{
	FILE *null;

	rte_log_set_global_level(RTE_LOG_DEBUG);
	rte_log_set_level_pattern("pmd.net.vio*", RTE_LOG_DEBUG);
	if (getenv("VIO_FUZZ_LOG") != NULL)
		return;
	null = fopen("/dev/null", "w");
	if (null != NULL)
		rte_openlog_stream(null);
}

/* A private directory for a target's sockets or fake sysfs tree, under
 * $TMPDIR (vio-fuzz.sh points it into the build directory) when that is
 * short enough for a unix socket path, else /tmp. Aborts on failure. */
static inline void
fuzz_private_dir(char *dir, size_t len)
{
	const char *tmp = getenv("TMPDIR");

	snprintf(dir, len, "%s/vio-fuzz-XXXXXX",
		 tmp != NULL && strlen(tmp) < 40 ? tmp : "/tmp");
	if (mkdtemp(dir) == NULL)
		abort();
}

/* Consume input bytes from the front; 0 once it is used up. */
struct fuzz_in {
	const uint8_t *p;
	size_t n;
};

static inline uint8_t
fuzz_u8(struct fuzz_in *in)
{
	uint8_t v = 0;

	if (in->n > 0) {
		v = *in->p++;
		in->n--;
	}
	return v;
}

static inline uint32_t
fuzz_u32(struct fuzz_in *in)
{
	uint32_t v = fuzz_u8(in);

	v |= (uint32_t)fuzz_u8(in) << 8;
	v |= (uint32_t)fuzz_u8(in) << 16;
	return v | (uint32_t)fuzz_u8(in) << 24;
}

#endif /* VIO_FUZZ_H */
