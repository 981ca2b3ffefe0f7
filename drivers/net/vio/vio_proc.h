/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What each process keeps of a port for itself (vio_proc.c): the port's
 * shared data (rte_eth_dev_data, the adapter, the queues) is mapped at
 * the same address in every process of a DPDK multi-process group, but
 * function pointers into a process's copy of the plugin and file
 * descriptors mean nothing in another process. So the datapath row is
 * shared as an index and the wrappers as flags, and every process links
 * its own bursts from them here; a secondary process receives the
 * primary's kick eventfds over DPDK's multi-process channel.
 */
#ifndef VIO_PROC_H
#define VIO_PROC_H

#include <stdbool.h>
#include <stdint.h>

#include <ethdev_driver.h>
#include <rte_spinlock.h>

/* Queue pairs of a port: vio_ethdev.h's VIO_MAX_QUEUE_PAIRS. */
#define VIO_PROC_MAX_RINGS	256

struct vio_proc {
	/* The row's bursts with the wrappers in force, outermost. */
	eth_rx_burst_t rx;
	eth_tx_burst_t tx;
	/* What each wrapper calls. */
	eth_rx_burst_t rss_inner;	/* vio_rss.c */
	eth_rx_burst_t lro_inner;	/* rx_lro_split.c */
	eth_tx_burst_t tx0_inner;	/* vio_announce.c */
	/* A secondary's: the state below was made for the adapter's
	 * proc_gen `gen`; while that is what the primary says, bursts go
	 * to the row when `live` (the port was started). */
	rte_spinlock_t lock;	/* one refresher among the process's lcores */
	uint32_t gen;
	bool live;
	bool warned;		/* the kicks were not had: said once */
	/* The primary's kick eventfds as received here, by ring; -1: none
	 * (a notify is then not sent: only that ring waits). */
	int kickfd[VIO_PROC_MAX_RINGS];
	uint64_t kicks_lost;
	/* Or this process's own view of the device (PCI: its BAR mapping),
	 * which notifies instead (queue_notify_foreign). */
	struct vio_hw *tp_local;
};

extern struct vio_proc vio_proc[RTE_MAX_ETHPORTS];

/* Link the port's bursts in this process from its shared state (the
 * row index and the wrappers' flags); the primary's dev_start, after
 * the choice. */
void vio_proc_link(struct rte_eth_dev *dev);

/* The primary's share of a port: its queues' private state in shared
 * memory, and the channel that answers secondaries (once per process). */
void vio_proc_primary_init(void);

/* The port in a secondary process: bursts that follow the primary. */
void vio_proc_attach(struct rte_eth_dev *dev);
/* A secondary notifies through `hw`, its own view of the device (heap
 * memory, closed and freed by vio_proc_detach), not eventfds. */
void vio_proc_set_transport(struct rte_eth_dev *dev, struct vio_hw *hw);
/* ... and its eventfds closed, its view of the device freed (the
 * secondary's dev_close). */
void vio_proc_detach(struct rte_eth_dev *dev);

/* The primary started or stopped the port: secondaries relink. */
void vio_proc_changed(struct rte_eth_dev *dev);

#endif /* VIO_PROC_H */
