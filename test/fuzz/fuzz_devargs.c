/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Device arguments of both drivers (vio_devargs.c): the input is the
 * string after the device name (`--vdev net_vio_user0,<input>` or
 * `-a <pci>,<input>`). The parsers run before any device exists, on text
 * from a command line or an OVS database, so an accepted result must be
 * within the documented bounds (README's devargs tables) and each
 * driver's keys stay its own.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "vio_ethdev.h"

/* vio_ethdev.c defines these with the PMD; the parser logs to init. */
int vio_logtype_init;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerInitialize(int *argc __rte_unused, char ***argv __rte_unused)
{
	vio_logtype_init = rte_log_register_type_and_pick_level(
		"pmd.net.vio.init", RTE_LOG_NOTICE);
	fuzz_quiet_logs();
	return 0;
}

static void
check_common(const struct vio_devargs *da)
{
	FUZZ_ASSERT(da->queues >= 1 && da->queues <= VIO_MAX_QUEUE_PAIRS,
		    "queues %u", da->queues);
	FUZZ_ASSERT(da->queue_size >= VIO_MIN_QUEUE_SIZE &&
		    da->queue_size <= VIO_MAX_QUEUE_SIZE &&
		    (da->queue_size & (da->queue_size - 1)) == 0,
		    "queue_size %u", da->queue_size);
	FUZZ_ASSERT(da->speed != 0, "speed 0 accepted");
	FUZZ_ASSERT(!da->mac_set || rte_is_valid_assigned_ether_addr(&da->mac),
		    "multicast or zero MAC accepted");
	FUZZ_ASSERT(strnlen(da->path, sizeof(da->path)) < sizeof(da->path),
		    "path not terminated");
	FUZZ_ASSERT(strnlen(da->iface, sizeof(da->iface)) < sizeof(da->iface),
		    "iface not terminated");
}

static void
check_vdev(const struct vio_devargs *da)
{
	check_common(da);
	FUZZ_ASSERT(!da->legacy, "legacy is a PCI key, taken by the vdev");
}

static void
check_pci(const struct vio_devargs *da)
{
	check_common(da);
	FUZZ_ASSERT(da->path[0] == '\0', "path is a vdev key, taken on PCI");
	FUZZ_ASSERT(da->iface[0] == '\0', "iface is a vdev key, taken on PCI");
}

/* The same string parses the same way twice (no state kept between). */
static void
parse_twice(int (*parse)(const char *, const char *, struct vio_devargs *),
	    const char *args, void (*check)(const struct vio_devargs *))
{
	struct vio_devargs a, b;
	int ra, rb;

	ra = parse("net_vio_fuzz", args, &a);
	rb = parse("net_vio_fuzz", args, &b);
	FUZZ_ASSERT(ra == rb, "%d then %d", ra, rb);
	FUZZ_ASSERT(ra <= 0, "positive return %d", ra);
	if (ra < 0)
		return;
	FUZZ_ASSERT(memcmp(&a, &b, sizeof(a)) == 0, "two parses differ");
	check(&a);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* An exactly sized copy: ASan sees any read past the terminator. */
	char *args = malloc(size + 1);

	if (args == NULL)
		return 0;
	memcpy(args, data, size);
	args[size] = '\0';
	parse_twice(vio_devargs_parse, args, check_vdev);
	parse_twice(vio_devargs_parse_pci, args, check_pci);
	free(args);
	return 0;
}
