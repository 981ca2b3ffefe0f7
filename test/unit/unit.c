/* SPDX-License-Identifier: BSD-3-Clause */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "unit.h"

/* Every test is bounded: one that hangs is reported and ends the run. */
#define UT_TIMEOUT_S	60

struct ut_cleanup {
	struct ut_cleanup *prev;
	void (*fn)(void *);
	void *arg;
};

static jmp_buf ut_jmp;
static char ut_msg[1024];
static struct ut_cleanup *ut_cleanups;
static const char *ut_current;

void
ut_fail(const char *file, int line, const char *fmt, ...)
{
	const char *base = strrchr(file, '/');
	int n;
	va_list ap;

	n = snprintf(ut_msg, sizeof(ut_msg), "%s:%d: ",
		     base != NULL ? base + 1 : file, line);
	if (n < 0 || (size_t)n >= sizeof(ut_msg))
		n = 0;
	va_start(ap, fmt);
	vsnprintf(ut_msg + n, sizeof(ut_msg) - n, fmt, ap);
	va_end(ap);
	longjmp(ut_jmp, 1);
}

void
ut_mem_eq(const char *file, int line, const char *what, const void *actual,
	  const void *expected, size_t len)
{
	const uint8_t *a = actual, *e = expected;
	size_t i;

	for (i = 0; i < len; i++)
		if (a[i] != e[i])
			ut_fail(file, line, "%s: byte %zu of %zu: expected 0x%02x, got 0x%02x",
				what, i, len, e[i], a[i]);
}

void
ut_defer(void (*fn)(void *), void *arg)
{
	struct ut_cleanup *c = malloc(sizeof(*c));

	if (c == NULL) {
		fn(arg);
		ut_fail(__FILE__, __LINE__, "out of memory");
	}
	c->prev = ut_cleanups;
	c->fn = fn;
	c->arg = arg;
	ut_cleanups = c;
}

void *
ut_alloc_aligned(size_t align, size_t len)
{
	size_t rounded = (len + align - 1) / align * align;
	void *p = aligned_alloc(align, rounded ? rounded : align);

	if (p == NULL)
		ut_fail(__FILE__, __LINE__, "out of memory (%zu bytes)", len);
	memset(p, 0, rounded);
	ut_defer(free, p);
	return p;
}

void *
ut_alloc(size_t len)
{
	return ut_alloc_aligned(64, len);
}

static void
ut_cleanup_all(void)
{
	while (ut_cleanups != NULL) {
		struct ut_cleanup *c = ut_cleanups;

		ut_cleanups = c->prev;
		c->fn(c->arg);
		free(c);
	}
}

static void
ut_on_alarm(int sig)
{
	static const char pre[] = "FAIL ";
	static const char post[] = ": timed out\n";

	(void)sig;
	if (write(STDOUT_FILENO, pre, sizeof(pre) - 1) < 0 ||
	    write(STDOUT_FILENO, ut_current, strlen(ut_current)) < 0 ||
	    write(STDOUT_FILENO, post, sizeof(post) - 1) < 0)
		_exit(2);
	_exit(1);
}

/* In its own frame: nothing here changes between setjmp and longjmp. */
static bool
ut_run_one(const struct ut_case *c)
{
	if (setjmp(ut_jmp) != 0)
		return false;
	c->fn();
	return true;
}

static bool
ut_selected(const char *name, char **filters, int nfilters)
{
	int i;

	if (nfilters == 0)
		return true;
	for (i = 0; i < nfilters; i++)
		if (strstr(name, filters[i]) != NULL)
			return true;
	return false;
}

int
ut_args(int argc, char **argv, bool *list, bool *verbose)
{
	int i, nfilters = 0;

	*list = *verbose = false;
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-l") == 0)
			*list = true;
		else if (strcmp(argv[i], "-v") == 0)
			*verbose = true;
		else
			argv[1 + nfilters++] = argv[i];
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	return nfilters;
}

int
ut_run(const struct ut_suite *const *suites, size_t nsuites, char **filters,
       int nfilters, bool list_only)
{
	static char name[256];
	unsigned int run = 0, failed = 0;
	size_t s, i;

	signal(SIGALRM, ut_on_alarm);
	for (s = 0; s < nsuites; s++) {
		for (i = 0; i < suites[s]->n; i++) {
			const struct ut_case *c = &suites[s]->cases[i];

			snprintf(name, sizeof(name), "%s.%s", suites[s]->name,
				 c->name);
			if (!ut_selected(name, filters, nfilters))
				continue;
			if (list_only) {
				printf("%s\n", name);
				continue;
			}
			ut_current = name;
			alarm(UT_TIMEOUT_S);
			run++;
			if (ut_run_one(c)) {
				printf("PASS %s\n", name);
			} else {
				printf("FAIL %s: %s\n", name, ut_msg);
				failed++;
			}
			alarm(0);
			ut_cleanup_all();
		}
	}
	if (!list_only)
		fprintf(stderr, "%u tests, %u passed, %u failed\n", run,
			run - failed, failed);
	return (int)failed;
}
