/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Extended statistics: what the device did wrong, per queue (the device
 * is untrusted; each bad index, id or length it wrote is counted here),
 * and the burst mode of the chosen datapath.
 */
#include <stdio.h>
#include <string.h>

#include "vio_ethdev.h"

struct vio_xstat {
	const char *name;
	size_t off;	/* in struct vio_vq_errors */
};

static const struct vio_xstat vio_vq_xstats[] = {
	{ "device_bad_id", offsetof(struct vio_vq_errors, bad_id) },
	{ "device_bad_len", offsetof(struct vio_vq_errors, bad_len) },
	{ "device_bad_idx", offsetof(struct vio_vq_errors, bad_idx) },
	{ "device_bad_wrap", offsetof(struct vio_vq_errors, bad_wrap) },
};

#define VIO_NB_VQ_XSTATS RTE_DIM(vio_vq_xstats)

static const struct vio_vq *
vio_xstat_vq(struct rte_eth_dev *dev, unsigned int q, bool *is_rx)
{
	unsigned int nrx = dev->data->nb_rx_queues;
	const struct vio_rxq *rxq;
	const struct vio_txq *txq;

	*is_rx = q < nrx;
	if (*is_rx) {
		rxq = dev->data->rx_queues[q];
		return rxq != NULL ? &rxq->vq : NULL;
	}
	txq = dev->data->tx_queues[q - nrx];
	return txq != NULL ? &txq->vq : NULL;
}

static unsigned int
vio_xstats_count(struct rte_eth_dev *dev)
{
	return (dev->data->nb_rx_queues + dev->data->nb_tx_queues) *
	       VIO_NB_VQ_XSTATS;
}

int
vio_xstats_get_names(struct rte_eth_dev *dev, struct rte_eth_xstat_name *names,
		     unsigned int size)
{
	unsigned int total = vio_xstats_count(dev), q, i, n = 0;
	unsigned int nrx = dev->data->nb_rx_queues;

	if (names == NULL || size < total)
		return total;
	for (q = 0; q < nrx + dev->data->nb_tx_queues; q++)
		for (i = 0; i < VIO_NB_VQ_XSTATS; i++, n++)
			snprintf(names[n].name, sizeof(names[n].name),
				 "%s_q%u_%s", q < nrx ? "rx" : "tx",
				 q < nrx ? q : q - nrx, vio_vq_xstats[i].name);
	return total;
}

int
vio_xstats_get(struct rte_eth_dev *dev, struct rte_eth_xstat *xs,
	       unsigned int size)
{
	unsigned int total = vio_xstats_count(dev), q, i, n = 0;
	bool is_rx;

	if (xs == NULL || size < total)
		return total;
	for (q = 0; q < dev->data->nb_rx_queues + dev->data->nb_tx_queues; q++) {
		const struct vio_vq *vq = vio_xstat_vq(dev, q, &is_rx);

		for (i = 0; i < VIO_NB_VQ_XSTATS; i++, n++) {
			xs[n].id = n;
			xs[n].value = vq == NULL ? 0 :
				*(const uint64_t *)((const char *)&vq->err +
						    vio_vq_xstats[i].off);
		}
	}
	return total;
}

int
vio_xstats_reset(struct rte_eth_dev *dev)
{
	unsigned int q;
	bool is_rx;

	for (q = 0; q < dev->data->nb_rx_queues + dev->data->nb_tx_queues; q++) {
		struct vio_vq *vq = (struct vio_vq *)vio_xstat_vq(dev, q, &is_rx);

		if (vq != NULL)
			memset(&vq->err, 0, sizeof(vq->err));
	}
	return 0;
}

static int
vio_burst_mode(const char *path, struct rte_eth_burst_mode *mode)
{
	snprintf(mode->info, sizeof(mode->info), "%s",
		 path != NULL ? path : "not started");
	return 0;
}

int
vio_rx_burst_mode_get(struct rte_eth_dev *dev, uint16_t qid __rte_unused,
		      struct rte_eth_burst_mode *mode)
{
	const struct vio_adapter *ad = dev->data->dev_private;

	return vio_burst_mode(ad->rx_path, mode);
}

int
vio_tx_burst_mode_get(struct rte_eth_dev *dev, uint16_t qid __rte_unused,
		      struct rte_eth_burst_mode *mode)
{
	const struct vio_adapter *ad = dev->data->dev_private;

	return vio_burst_mode(ad->tx_path, mode);
}
