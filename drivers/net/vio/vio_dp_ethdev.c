/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The ethdev side of the datapath choice (vio_dp.h): what a port
 * negotiated and asked for becomes the choice's input at start, the row
 * chosen is installed, logged when it changes, and shown as the queues'
 * burst mode.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <rte_cpuflags.h>
#include <rte_vect.h>

#include "vio_ethdev.h"
#include "vio_proc.h"
#include "vio_rx.h"

/* vio_dp.c's split vector rows refuse these receive offloads by value. */
_Static_assert((RTE_ETH_RX_OFFLOAD_VLAN_STRIP | RTE_ETH_RX_OFFLOAD_IPV4_CKSUM |
		RTE_ETH_RX_OFFLOAD_UDP_CKSUM | RTE_ETH_RX_OFFLOAD_TCP_CKSUM |
		RTE_ETH_RX_OFFLOAD_TCP_LRO) == 0x1f, "rx offload bits");

/* The vector instruction sets this CPU runs (VIO_DP_ISA_BIT). */
static uint32_t
vio_dp_cpu_isa(void)
{
	uint32_t isa = VIO_DP_ISA_BIT(VIO_DP_SCALAR);

#if defined(RTE_ARCH_X86)
	if (rte_cpu_get_flag_enabled(RTE_CPUFLAG_SSE4_2) > 0)
		isa |= VIO_DP_ISA_BIT(VIO_DP_SSE42);
	if (rte_cpu_get_flag_enabled(RTE_CPUFLAG_AVX2) > 0)
		isa |= VIO_DP_ISA_BIT(VIO_DP_AVX2);
	if (rte_cpu_get_flag_enabled(RTE_CPUFLAG_AVX512F) > 0 &&
	    rte_cpu_get_flag_enabled(RTE_CPUFLAG_AVX512BW) > 0 &&
	    rte_cpu_get_flag_enabled(RTE_CPUFLAG_AVX512VL) > 0)
		isa |= VIO_DP_ISA_BIT(VIO_DP_AVX512);
#elif defined(RTE_ARCH_ARM64)
	if (rte_cpu_get_flag_enabled(RTE_CPUFLAG_NEON) > 0)
		isa |= VIO_DP_ISA_BIT(VIO_DP_NEON);
#endif
	return isa;
}

static void
vio_dp_input_get(struct rte_eth_dev *dev, uint16_t rx_segs,
		 struct vio_dp_input *in)
{
	struct vio_adapter *ad = dev->data->dev_private;
	uint16_t i;

	memset(in, 0, sizeof(*in));
	in->features = ad->hw.features;
	in->rx_offloads = dev->data->dev_conf.rxmode.offloads;
	for (i = 0; i < dev->data->nb_rx_queues; i++) {
		const struct vio_rxq *rxq = dev->data->rx_queues[i];

		in->rx_offloads |= rxq->queue_offloads;
	}
	in->tx_offloads = dev->data->dev_conf.txmode.offloads;
	in->rx_segs = rx_segs;
	in->cpu_isa = vio_dp_cpu_isa();
	in->max_simd_bitwidth = rte_vect_get_max_simd_bitwidth();
	in->vectorized = ad->da.vectorized;
}

/* Choose the port's row into `choice`; `rx_segs` is the most mbufs per
 * rx buffer any of its queues needs (one path for every queue). */
int
vio_dp_choose(struct rte_eth_dev *dev, uint16_t rx_segs,
	      struct vio_dp_choice *choice)
{
	struct vio_dp_input in;

	vio_dp_input_get(dev, rx_segs, &in);
	if (vio_dp_select(&in, choice) != NULL)
		return 0;
	VIO_PMD_LOG(driver, ERR, "port %u: no datapath for features 0x%" PRIx64,
		    dev->data->port_id, in.features);
	return -ENOTSUP;
}

/* The chosen row, then the wrappers it needs (their state and flags,
 * in shared memory), then this process's bursts linked from them;
 * logged when anything of it changed since the last start. */
int
vio_dp_install(struct rte_eth_dev *dev, const struct vio_dp_choice *choice)
{
	struct vio_adapter *ad = dev->data->dev_private;
	const struct vio_dp *old = vio_adapter_dp(ad), *dp = choice->dp;
	char old_tx[sizeof(ad->tx_name)], old_why[sizeof(ad->dp_why)];
	bool old_split = ad->rx_lro_split;
	int ret;

	memcpy(old_tx, ad->tx_name, sizeof(old_tx));
	memcpy(old_why, ad->dp_why, sizeof(old_why));
	ad->dp_row = (uint16_t)(dp - vio_dp_table + 1);
	snprintf(ad->dp_why, sizeof(ad->dp_why), "%s", choice->why);
	ad->rx_path = dp->name;
	snprintf(ad->tx_name, sizeof(ad->tx_name), "%s%s", dp->tx_name,
		 vio_hw_has(&ad->hw, VIO_F_RING_INDIRECT_DESC) ? " indirect" : "");
	ad->tx_path = ad->tx_name;
	ret = vio_rss_install(dev);
	if (ret == 0)
		ret = vio_rx_lro_split_install(dev);
	if (ret < 0)
		return ret;
	vio_proc_link(dev);
	if (dp != old || strcmp(ad->tx_name, old_tx) != 0 ||
	    strcmp(ad->dp_why, old_why) != 0 || ad->rx_lro_split != old_split)
		VIO_PMD_LOG(driver, NOTICE, "port %u uses %s%s rx, %s tx%s%s%s",
			    dev->data->port_id, ad->rx_path,
			    vio_rx_path_suffix(ad), ad->tx_path,
			    ad->dp_why[0] != '\0' ? " (" : "", ad->dp_why,
			    ad->dp_why[0] != '\0' ? ")" : "");
	return 0;
}

static int
vio_burst_mode(const struct vio_adapter *ad, const char *path,
	       const char *suffix, struct rte_eth_burst_mode *mode)
{
	if (path == NULL)
		snprintf(mode->info, sizeof(mode->info), "not started");
	else
		snprintf(mode->info, sizeof(mode->info), "%s%s%s%s%s", path,
			 suffix, ad->dp_why[0] != '\0' ? " (" : "",
			 ad->dp_why, ad->dp_why[0] != '\0' ? ")" : "");
	return 0;
}

int
vio_rx_burst_mode_get(struct rte_eth_dev *dev, uint16_t qid __rte_unused,
		      struct rte_eth_burst_mode *mode)
{
	const struct vio_adapter *ad = dev->data->dev_private;

	return vio_burst_mode(ad, ad->rx_path, vio_rx_path_suffix(ad), mode);
}

int
vio_tx_burst_mode_get(struct rte_eth_dev *dev, uint16_t qid __rte_unused,
		      struct rte_eth_burst_mode *mode)
{
	const struct vio_adapter *ad = dev->data->dev_private;

	return vio_burst_mode(ad, ad->tx_path, "", mode);
}
