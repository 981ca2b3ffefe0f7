/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vio_unit_tests: lib/virtio against the software device model, without
 * the EAL. Prints `PASS <name>` or `FAIL <name>: <reason>` per test and
 * exits nonzero when any failed.
 *
 * usage: vio_unit_tests [-l] [-v] [filter...]
 *   -l  list the test names
 *   -v  show lib/virtio's log lines (stderr)
 *   filter  run the tests whose "suite.case" name contains one of them
 */
#include <stdio.h>

#include <rte_log.h>

#include "unit.h"

extern const struct ut_suite ut_suite_vq_split;
extern const struct ut_suite ut_suite_vq_packed;
extern const struct ut_suite ut_suite_dev;
extern const struct ut_suite ut_suite_devmodel;
extern const struct ut_suite ut_suite_pci;
extern const struct ut_suite ut_suite_cvq;
extern const struct ut_suite ut_suite_user_cvq;
extern const struct ut_suite ut_suite_vq_intr;
extern const struct ut_suite ut_suite_dp_select;

static const struct ut_suite *const suites[] = {
	&ut_suite_devmodel,
	&ut_suite_vq_split,
	&ut_suite_vq_packed,
	&ut_suite_dev,
	&ut_suite_pci,
	&ut_suite_cvq,
	&ut_suite_user_cvq,
	&ut_suite_vq_intr,
	&ut_suite_dp_select,
};

int
main(int argc, char **argv)
{
	bool list, verbose;
	int nfilters = ut_args(argc, argv, &list, &verbose);

	/* The negative tests make lib/virtio log errors on purpose. */
	if (!verbose)
		rte_log_set_global_level(RTE_LOG_EMERG);
	else
		rte_log_set_global_level(RTE_LOG_DEBUG);
	return ut_run(suites, sizeof(suites) / sizeof(suites[0]), argv + 1,
		      nfilters, list) != 0;
}
