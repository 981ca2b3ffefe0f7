/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vio_datapath_tests: the PMD's rx/tx code, linked from the same objects
 * as the plugin, on a vio ethdev port whose transport is the software
 * device model, in an in-process EAL (no hugepages, no PCI, no shared
 * runtime files). Prints `PASS <name>` or `FAIL <name>: <reason>` per
 * test and exits nonzero when any failed.
 *
 * usage: vio_datapath_tests [-l] [-v] [filter...]
 *   -l  list the test names
 *   -v  show the PMD's log lines (stderr)
 *   filter  run the tests whose "suite.case" name contains one of them
 * env: VIO_DPT_SIMD=N passes --force-max-simd-bitwidth=N to the EAL, so
 * that the same cases run on the rows of each vector width (64: scalar
 * only); unset, the EAL's default applies.
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <rte_common.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_log.h>

#include "unit.h"

extern const struct ut_suite ut_suite_datapath;
extern const struct ut_suite ut_suite_ctrl_faults;
extern const struct ut_suite ut_suite_datapath_vec;
extern const struct ut_suite ut_suite_datapath_packed_vec;
extern const struct ut_suite ut_suite_datapath_mrg_vec;

static const struct ut_suite *const suites[] = {
	&ut_suite_datapath,
	&ut_suite_datapath_vec,
	&ut_suite_datapath_packed_vec,
	&ut_suite_datapath_mrg_vec,
	&ut_suite_ctrl_faults,
};

int
main(int argc, char **argv)
{
	bool list, verbose;
	int nfilters = ut_args(argc, argv, &list, &verbose), ret;
	const char *simd = getenv("VIO_DPT_SIMD");
	char prefix[64], width[64];
	char *eal[] = { argv[0], "--no-huge", "-m", "256", "--no-pci",
			"--no-shconf", prefix, "--log-level=*:error", NULL,
			NULL };
	int neal = (int)RTE_DIM(eal) - 2;

	if (list)
		return ut_run(suites, RTE_DIM(suites), argv + 1, nfilters, true);
	snprintf(prefix, sizeof(prefix), "--file-prefix=vio_dpt_%d", getpid());
	if (simd != NULL && *simd != '\0') {
		snprintf(width, sizeof(width), "--force-max-simd-bitwidth=%s", simd);
		eal[neal++] = width;
	}
	if (rte_eal_init(neal, eal) < 0) {
		printf("FAIL eal_init: %s\n", rte_strerror(rte_errno));
		return 1;
	}
	/* The misbehaving-device cases make the PMD log errors on purpose. */
	rte_log_set_global_level(verbose ? RTE_LOG_DEBUG : RTE_LOG_EMERG);
	ret = ut_run(suites, RTE_DIM(suites), argv + 1, nfilters, false);
	rte_eal_cleanup();
	return ret != 0;
}
