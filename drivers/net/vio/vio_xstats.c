/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Extended statistics: what the device did wrong, per queue (the device
 * is untrusted; each bad index, id or length it wrote is counted here),
 * what an rx queue did in software (LRO frames split to the
 * application's limit, IPv4 header checksums found bad).
 */
#include <stdio.h>
#include <string.h>

#include "vio_ethdev.h"

struct vio_xstat {
	const char *name;
	size_t off;	/* in struct vio_vq_errors, or vio_rxq_xstats */
};

static const struct vio_xstat vio_vq_xstats[] = {
	{ "device_bad_id", offsetof(struct vio_vq_errors, bad_id) },
	{ "device_bad_len", offsetof(struct vio_vq_errors, bad_len) },
	{ "device_bad_idx", offsetof(struct vio_vq_errors, bad_idx) },
	{ "device_bad_wrap", offsetof(struct vio_vq_errors, bad_wrap) },
};

/* What an rx queue did in software, after the ring's counters. */
static const struct vio_xstat vio_rxq_xstats[] = {
	{ "lro_split_frames", offsetof(struct vio_rxq_xstats, lro_split_frames) },
	{ "lro_split_segments", offsetof(struct vio_rxq_xstats, lro_split_segments) },
	{ "lro_over_limit_whole", offsetof(struct vio_rxq_xstats, lro_over_limit_whole) },
	{ "ip_cksum_bad", offsetof(struct vio_rxq_xstats, ip_cksum_bad) },
	{ "hash_report_bad", offsetof(struct vio_rxq_xstats, hash_report_bad) },
	{ "device_bad_num_buffers", offsetof(struct vio_rxq_xstats, bad_num_buffers) },
};

/* The control queue's, port-wide (ctrl_...), when the port has one. */
static const struct vio_xstat vio_cvq_xstats[] = {
	{ "commands", offsetof(struct vio_cvq_stats, commands) },
	{ "ok", offsetof(struct vio_cvq_stats, ok) },
	{ "err", offsetof(struct vio_cvq_stats, err) },
	{ "timeouts", offsetof(struct vio_cvq_stats, timeouts) },
	{ "bad", offsetof(struct vio_cvq_stats, bad) },
};

#define VIO_NB_CVQ_XSTATS RTE_DIM(vio_cvq_xstats)
#define VIO_NB_VQ_XSTATS RTE_DIM(vio_vq_xstats)
#define VIO_NB_RXQ_XSTATS RTE_DIM(vio_rxq_xstats)

/* One queue's counters: its ring's errors, and for an rx queue its own. */
struct vio_xstat_queue {
	struct vio_vq_errors *err;
	struct vio_rxq_xstats *rx;
	bool is_rx;
	unsigned int id;
};

static void
vio_xstat_queue(struct rte_eth_dev *dev, unsigned int q,
		struct vio_xstat_queue *xq)
{
	unsigned int nrx = dev->data->nb_rx_queues;
	struct vio_rxq *rxq;
	struct vio_txq *txq;

	xq->is_rx = q < nrx;
	xq->id = xq->is_rx ? q : q - nrx;
	xq->err = NULL;
	xq->rx = NULL;
	if (xq->is_rx) {
		rxq = dev->data->rx_queues[q];
		if (rxq != NULL) {
			xq->err = &rxq->vq.err;
			xq->rx = &rxq->xstats;
		}
		return;
	}
	txq = dev->data->tx_queues[xq->id];
	if (txq != NULL)
		xq->err = &txq->vq.err;
}

/* The values of one table from `base` (NULL: a queue not set up: 0). */
static unsigned int
vio_xstat_values(const struct vio_xstat *tab, unsigned int len,
		 const void *base, struct rte_eth_xstat *xs, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < len; i++) {
		xs[i].id = n + i;
		xs[i].value = base == NULL ? 0 :
			*(const uint64_t *)((const char *)base + tab[i].off);
	}
	return len;
}

/* Control queue: its counters, its ring's device errors, then each
 * command the device acked. */
static unsigned int
vio_ctrl_xstats_count(struct rte_eth_dev *dev)
{
	if (!vio_ctrl_in_use(dev->data->dev_private))
		return 0;
	return VIO_NB_CVQ_XSTATS + VIO_NB_VQ_XSTATS + VIO_CTRL_NB;
}

static unsigned int
vio_ctrl_xstats_names(struct rte_eth_dev *dev, struct rte_eth_xstat_name *names)
{
	unsigned int i, n = 0;

	if (vio_ctrl_xstats_count(dev) == 0)
		return 0;
	for (i = 0; i < VIO_NB_CVQ_XSTATS; i++, n++)
		snprintf(names[n].name, sizeof(names[n].name), "ctrl_%s",
			 vio_cvq_xstats[i].name);
	for (i = 0; i < VIO_NB_VQ_XSTATS; i++, n++)
		snprintf(names[n].name, sizeof(names[n].name), "ctrl_%s",
			 vio_vq_xstats[i].name);
	for (i = 0; i < VIO_CTRL_NB; i++, n++)
		snprintf(names[n].name, sizeof(names[n].name), "ctrl_%s_acked",
			 vio_ctrl_cmd_name(i));
	return n;
}

static unsigned int
vio_ctrl_xstats_values(struct rte_eth_dev *dev, struct rte_eth_xstat *xs,
		       unsigned int n)
{
	struct vio_adapter *ad = dev->data->dev_private;
	unsigned int i, k;

	if (vio_ctrl_xstats_count(dev) == 0)
		return 0;
	k = vio_xstat_values(vio_cvq_xstats, VIO_NB_CVQ_XSTATS,
			     &ad->ctrl.cq.stats, xs, n);
	k += vio_xstat_values(vio_vq_xstats, VIO_NB_VQ_XSTATS,
			      &ad->ctrl.vq.err, xs + k, n + k);
	for (i = 0; i < VIO_CTRL_NB; i++, k++) {
		xs[k].id = n + k;
		xs[k].value = ad->ctrl.acked[i];
	}
	return k;
}

static unsigned int
vio_xstats_count(struct rte_eth_dev *dev)
{
	return (dev->data->nb_rx_queues + dev->data->nb_tx_queues) *
	       VIO_NB_VQ_XSTATS + dev->data->nb_rx_queues * VIO_NB_RXQ_XSTATS +
	       vio_ctrl_xstats_count(dev);
}

static unsigned int
vio_nb_queues(struct rte_eth_dev *dev)
{
	return dev->data->nb_rx_queues + dev->data->nb_tx_queues;
}

static unsigned int
vio_xstat_names(const struct vio_xstat *tab, unsigned int len,
		const struct vio_xstat_queue *xq,
		struct rte_eth_xstat_name *names)
{
	unsigned int i;

	for (i = 0; i < len; i++)
		snprintf(names[i].name, sizeof(names[i].name), "%s_q%u_%s",
			 xq->is_rx ? "rx" : "tx", xq->id, tab[i].name);
	return len;
}

int
vio_xstats_get_names(struct rte_eth_dev *dev, struct rte_eth_xstat_name *names,
		     unsigned int size)
{
	unsigned int total = vio_xstats_count(dev), q, n = 0;
	struct vio_xstat_queue xq;

	if (names == NULL || size < total)
		return total;
	for (q = 0; q < vio_nb_queues(dev); q++) {
		vio_xstat_queue(dev, q, &xq);
		n += vio_xstat_names(vio_vq_xstats, VIO_NB_VQ_XSTATS, &xq,
				     names + n);
		if (xq.is_rx)
			n += vio_xstat_names(vio_rxq_xstats, VIO_NB_RXQ_XSTATS,
					     &xq, names + n);
	}
	vio_ctrl_xstats_names(dev, names + n);
	return total;
}

int
vio_xstats_get(struct rte_eth_dev *dev, struct rte_eth_xstat *xs,
	       unsigned int size)
{
	unsigned int total = vio_xstats_count(dev), q, n = 0;
	struct vio_xstat_queue xq;

	if (xs == NULL || size < total)
		return total;
	for (q = 0; q < vio_nb_queues(dev); q++) {
		vio_xstat_queue(dev, q, &xq);
		n += vio_xstat_values(vio_vq_xstats, VIO_NB_VQ_XSTATS, xq.err,
				      xs + n, n);
		if (xq.is_rx)
			n += vio_xstat_values(vio_rxq_xstats, VIO_NB_RXQ_XSTATS,
					      xq.rx, xs + n, n);
	}
	vio_ctrl_xstats_values(dev, xs + n, n);
	return total;
}

static void
vio_ctrl_xstats_reset(struct rte_eth_dev *dev)
{
	struct vio_adapter *ad = dev->data->dev_private;

	memset(&ad->ctrl.cq.stats, 0, sizeof(ad->ctrl.cq.stats));
	memset(&ad->ctrl.vq.err, 0, sizeof(ad->ctrl.vq.err));
	memset(ad->ctrl.acked, 0, sizeof(ad->ctrl.acked));
}

int
vio_xstats_reset(struct rte_eth_dev *dev)
{
	struct vio_xstat_queue xq;
	unsigned int q;

	for (q = 0; q < vio_nb_queues(dev); q++) {
		vio_xstat_queue(dev, q, &xq);
		if (xq.err != NULL)
			memset(xq.err, 0, sizeof(*xq.err));
		if (xq.rx != NULL)
			memset(xq.rx, 0, sizeof(*xq.rx));
	}
	vio_ctrl_xstats_reset(dev);
	return 0;
}
