/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vio-c2c: round-trip time of one cache line between two CPUs.
 *
 * A virtio ring is a stream of cache lines passed between the driver's
 * core and the device's: its throughput follows the cost of moving a line
 * from one core to the other. On a VM that cost is not fixed: the
 * hypervisor may place the two vCPUs on cores sharing a last-level cache,
 * or on different dies, and move them while a benchmark runs; the ring's
 * Mpps then drops by several times for as long as it lasts. vio-bench runs
 * this probe around every measurement, so that runs are compared only
 * with runs taken in the same placement.
 *
 * Usage: vio-c2c [CPU_A CPU_B [ROUND_TRIPS]]   (default 0 1 200000)
 * Prints the median over 5 batches, in nanoseconds per round trip.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define BATCHES 5

#if defined(__x86_64__) || defined(__i386__)
#define relax() __builtin_ia32_pause()
#else
#define relax() __asm__ volatile("" ::: "memory")
#endif

struct line {
	volatile uint64_t v;
	char pad[64 - sizeof(uint64_t)];
} __attribute__((aligned(64)));

static struct line ping, pong;
static long trips;
static int cpu_b;

static int
pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
}

/* Answers every ping with the same value on its own line. */
static void *
responder(void *arg)
{
	uint64_t want = 1, total = (uint64_t)trips * BATCHES;

	(void)arg;
	if (pin(cpu_b) != 0) {
		fprintf(stderr, "vio-c2c: cannot run on cpu %d\n", cpu_b);
		exit(1);
	}
	for (; want <= total; want++) {
		while (ping.v != want)
			relax();
		pong.v = want;
	}
	return NULL;
}

static double
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static int
cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

int
main(int argc, char **argv)
{
	int cpu_a = argc > 2 ? atoi(argv[1]) : 0;
	double ns[BATCHES];
	uint64_t n = 0;
	pthread_t t;
	int b;

	cpu_b = argc > 2 ? atoi(argv[2]) : 1;
	trips = argc > 3 ? atol(argv[3]) : 200000;
	if (trips <= 0 || cpu_a == cpu_b) {
		fprintf(stderr, "usage: vio-c2c [CPU_A CPU_B [ROUND_TRIPS]]\n");
		return 2;
	}
	if (pin(cpu_a) != 0) {
		fprintf(stderr, "vio-c2c: cannot run on cpu %d\n", cpu_a);
		return 1;
	}
	if (pthread_create(&t, NULL, responder, NULL) != 0) {
		fprintf(stderr, "vio-c2c: cannot start a thread\n");
		return 1;
	}
	for (b = 0; b < BATCHES; b++) {
		double t0 = now_ns();
		long i;

		for (i = 0; i < trips; i++) {
			ping.v = ++n;
			while (pong.v != n)
				relax();
		}
		ns[b] = (now_ns() - t0) / trips;
	}
	pthread_join(t, NULL);
	qsort(ns, BATCHES, sizeof(ns[0]), cmp);
	printf("%.1f\n", ns[BATCHES / 2]);
	return 0;
}
