/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Control-queue commands the device rejects (VIRTIO_NET_ERR) or never
 * answers, through the ethdev API on a vio port over the device model:
 * the ethdev call fails (-EIO, or -ETIMEDOUT within a bounded time), a
 * log line names the command and the cause, ethdev keeps its old state,
 * the ctrl_ xstats count it, the port still forwards both ways, and
 * every mbuf is back in its pool at the end. A command that got no
 * answer blocks the control queue until the port is stopped and started
 * (the device reset); then the same command is acked.
 *
 * Cases run on split and packed rings (the control queue has the data
 * queues' layout), in order and not.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <ethdev_driver.h>
#include <rte_ethdev.h>
#include <rte_log.h>

#include "dpt.h"
#include "unit.h"

/* The cvq's timeout is 1 s; a loaded machine may take longer to get
 * there, but never this long. */
#define CF_TIMEOUT_BOUND_S	10.0
#define CF_ROUND		16	/* packets each way per traffic round */

/* ---- the PMD's log lines, captured ---- */

struct cf_log {
	FILE *f;
	char *buf;
	size_t len;
	uint32_t level;
};

static void
cf_log_end(void *arg)
{
	struct cf_log *c = arg;

	if (c->f == NULL)
		return;
	rte_log_set_global_level(c->level);
	rte_openlog_stream(NULL);
	fclose(c->f);
	c->f = NULL;
}

static void
cf_log_free(void *arg)
{
	struct cf_log *c = arg;

	cf_log_end(c);
	free(c->buf);
}

static struct cf_log *
cf_log_begin(void)
{
	struct cf_log *c = ut_alloc(sizeof(*c));

	c->f = open_memstream(&c->buf, &c->len);
	UT_TRUE(c->f != NULL);
	ut_defer(cf_log_free, c);
	c->level = rte_log_get_global_level();
	rte_log_set_global_level(RTE_LOG_ERR);
	rte_openlog_stream(c->f);
	return c;
}

/* One captured line holds every word of `words` (NULL-terminated). */
static bool
cf_log_has(const struct cf_log *c, const char *const *words)
{
	const char *line = c->buf, *end;
	char one[512];
	unsigned int i;

	while (line != NULL && *line != '\0') {
		end = strchr(line, '\n');
		snprintf(one, sizeof(one), "%.*s",
			 (int)(end != NULL ? end - line : (long)strlen(line)), line);
		for (i = 0; words[i] != NULL && strstr(one, words[i]) != NULL; i++)
			;
		if (words[i] == NULL)
			return true;
		line = end != NULL ? end + 1 : NULL;
	}
	return false;
}

/* ---- traffic ---- */

/* CF_ROUND packets each way, taken and checked at the other side, and
 * the port's counters agree. */
static void
cf_forward(struct dpt *d)
{
	struct rte_eth_stats st;
	uint32_t want_rx = d->rx_seed + CF_ROUND, i;
	uint64_t obytes = 0;

	UT_EQ(dpt_tx(d, CF_ROUND, 0, 1), CF_ROUND);
	while (d->tx_checked < d->tx_seed)
		UT_ASSERT(dpt_dev_tx(d, 64) > 0, "device found %" PRIu64
			  " of %u packets", d->tx_checked, d->tx_seed);
	for (i = d->rx_seed; i < want_rx; i++)
		UT_EQ(dpt_dev_rx(d, 60 + (i * 97) % 1400, -1), 1);
	dpt_rx(d, CF_ROUND, NULL);
	UT_EQ(d->rx_pkts, want_rx);
	for (i = 0; i < d->tx_seed; i++)
		obytes += d->tx_len[i];
	dpt_stats(d, &st);
	UT_EQ(st.opackets, d->tx_seed);
	UT_EQ(st.obytes, obytes);
	UT_EQ(st.ipackets, d->rx_pkts);
	UT_EQ(st.ibytes, d->rx_bytes);
}

/* ---- the commands ---- */

static struct dm_queue *
cf_ctrlq(struct dpt *d)
{
	struct dm_queue *q = &d->dev.q[dm_ctrl_index(&d->dev)];

	UT_TRUE(q->ready && q->ctrl.on);
	return q;
}

enum cf_op {
	CF_PROMISC_OFF,
	CF_ALLMULTI_OFF,
	CF_MAC_ADD,
	CF_MC_LIST,
	CF_VLAN_ADD,
	CF_RSS_UPDATE,
};

/* What each op sends, and the name the PMD logs it under. */
static const struct {
	uint8_t class, cmd;
	const char *name;
} cf_sent[] = {
	[CF_PROMISC_OFF] = { VIO_NET_CTRL_RX, VIO_NET_CTRL_RX_PROMISC,
			     "rx_promisc" },
	[CF_ALLMULTI_OFF] = { VIO_NET_CTRL_RX, VIO_NET_CTRL_RX_ALLMULTI,
			     "rx_allmulti" },
	[CF_MAC_ADD] = { VIO_NET_CTRL_MAC, VIO_NET_CTRL_MAC_TABLE_SET,
			 "mac_table_set" },
	[CF_MC_LIST] = { VIO_NET_CTRL_MAC, VIO_NET_CTRL_MAC_TABLE_SET,
			 "mac_table_set" },
	[CF_VLAN_ADD] = { VIO_NET_CTRL_VLAN, VIO_NET_CTRL_VLAN_ADD,
			  "vlan_add" },
	[CF_RSS_UPDATE] = { VIO_NET_CTRL_MQ, VIO_NET_CTRL_MQ_RSS_CONFIG,
			    "mq_rss_config" },
};

static const struct rte_ether_addr cf_mac = {
	{ 0x02, 0x00, 0x00, 0x00, 0x00, 0x42 } };
static struct rte_ether_addr cf_mc[2] = {
	{ { 0x01, 0x00, 0x5e, 0x00, 0x00, 0x01 } },
	{ { 0x33, 0x33, 0x00, 0x00, 0x00, 0x01 } },
};
#define CF_VID 100

/* The port as each op needs it. */
static struct dpt *
cf_open(const struct dpt_layout *lo, enum cf_op op)
{
	struct dpt_opts o = { .devargs = "cq=1", .dev_pairs = 1 };

	o.offered = VIO_BIT(VIO_NET_F_CTRL_VQ) | VIO_BIT(VIO_NET_F_CTRL_RX) |
		    VIO_BIT(VIO_NET_F_CTRL_MAC_ADDR) |
		    VIO_BIT(VIO_NET_F_CTRL_VLAN);
	if (op == CF_VLAN_ADD)
		o.rx_offloads = RTE_ETH_RX_OFFLOAD_VLAN_FILTER;
	if (op == CF_RSS_UPDATE) {
		o.offered |= VIO_BIT(VIO_NET_F_RSS);
		o.rss = true;
	}
	return dpt_open(lo, &o);
}

/* Make the op's command meaningful: off needs the mode on (a vio port
 * starts promiscuous and all-multicast, as the device does). */
static void
cf_prepare(struct dpt *d, enum cf_op op)
{
	if (op == CF_PROMISC_OFF)
		UT_EQ(rte_eth_promiscuous_enable(d->port), 0);
	if (op == CF_ALLMULTI_OFF)
		UT_EQ(rte_eth_allmulticast_enable(d->port), 0);
	if (op == CF_RSS_UPDATE)
		/* The device took the configuration at start: its RSS is
		 * live, the update goes to it. */
		UT_TRUE(dpt_xstat(d, "ctrl_mq_rss_config_acked") >= 1);
}

static int
cf_call(struct dpt *d, enum cf_op op)
{
	struct rte_eth_rss_conf rss = { .rss_hf = RTE_ETH_RSS_IPV4 };

	switch (op) {
	case CF_PROMISC_OFF:
		return rte_eth_promiscuous_disable(d->port);
	case CF_ALLMULTI_OFF:
		return rte_eth_allmulticast_disable(d->port);
	case CF_MAC_ADD:
		return rte_eth_dev_mac_addr_add(d->port,
				(struct rte_ether_addr *)&cf_mac, 0);
	case CF_MC_LIST:
		return rte_eth_dev_set_mc_addr_list(d->port, cf_mc,
						    RTE_DIM(cf_mc));
	case CF_VLAN_ADD:
		return rte_eth_dev_vlan_filter(d->port, CF_VID, 1);
	case CF_RSS_UPDATE:
		return rte_eth_dev_rss_hash_update(d->port, &rss);
	}
	return -EINVAL;
}

/* ethdev recorded the op's effect (after a success) or not (after a
 * failure). */
static void
cf_check_state(struct dpt *d, enum cf_op op, bool done)
{
	struct rte_ether_addr addrs[8];
	struct rte_eth_dev_info info;
	int n, i;
	bool found = false;

	switch (op) {
	case CF_PROMISC_OFF:
		UT_EQ(rte_eth_promiscuous_get(d->port), done ? 0 : 1);
		break;
	case CF_ALLMULTI_OFF:
		UT_EQ(rte_eth_allmulticast_get(d->port), done ? 0 : 1);
		break;
	case CF_MAC_ADD:
		UT_EQ(rte_eth_dev_info_get(d->port, &info), 0);
		n = rte_eth_macaddrs_get(d->port, addrs,
					 RTE_MIN(info.max_mac_addrs,
						 (uint32_t)RTE_DIM(addrs)));
		UT_TRUE(n > 0);
		for (i = 0; i < n; i++)
			found |= rte_is_same_ether_addr(&addrs[i], &cf_mac);
		UT_EQ(found, done);
		break;
	case CF_VLAN_ADD:
		/* ethdev's filter table, replayed by the PMD at each start. */
		UT_EQ(!!(rte_eth_devices[d->port].data->vlan_filter_conf.ids[CF_VID / 64] &
			 (UINT64_C(1) << (CF_VID % 64))), done);
		break;
	default:
		break;
	}
}

/* The device saw the op's command last. */
static void
cf_check_sent(struct dm_queue *q, enum cf_op op)
{
	const struct dm_ctrl_cmd *c = &q->ctrl.last;

	UT_EQ(c->class, cf_sent[op].class);
	UT_EQ(c->cmd, cf_sent[op].cmd);
	if (op == CF_PROMISC_OFF || op == CF_ALLMULTI_OFF) {
		UT_EQ(c->len, 1);
		UT_EQ(c->data[0], 0);
	}
	if (op == CF_VLAN_ADD) {
		UT_EQ(c->len, 2);
		UT_EQ(c->data[0] | (c->data[1] << 8), CF_VID);
	}
}

static double
cf_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/*
 * The op's command answered ERR (stall false) or never (stall true):
 * the call fails and says why; the port forwards before and after. No
 * answer blocks the queue (the next command is not even sent) until a
 * stop and start, after which the command goes through.
 */
static void
cf_fault(const struct dpt_layout *lo, enum cf_op op, bool stall)
{
	const char *rejected[] = { cf_sent[op].name, "rejected", NULL };
	const char *no_answer[] = { cf_sent[op].name, "no answer", NULL };
	const char *blocked[] = { cf_sent[op].name, "not sent", NULL };
	struct dpt *d = cf_open(lo, op);
	struct dm_queue *q = cf_ctrlq(d);
	struct cf_log *log;
	uint64_t cmds;
	double t;
	int ret;

	cf_forward(d);
	cf_prepare(d, op);
	cmds = q->ctrl.cmds;
	if (stall)
		dm_queue_fault(q, DM_FAULT_STALL, DM_FAULT_FOREVER);
	else
		q->ctrl.ack = VIO_NET_ERR;
	log = cf_log_begin();
	t = cf_now();
	ret = cf_call(d, op);
	t = cf_now() - t;
	cf_log_end(log);
	UT_ASSERT(ret == (stall ? -ETIMEDOUT : -EIO),
		  "%s: %d (%s), want %s", cf_sent[op].name, ret, strerror(-ret),
		  stall ? "-ETIMEDOUT" : "-EIO");
	UT_EQ(q->ctrl.cmds, cmds + 1);
	cf_check_sent(q, op);
	UT_ASSERT(cf_log_has(log, stall ? no_answer : rejected),
		  "no log line naming %s and the cause:\n%s", cf_sent[op].name,
		  log->buf);
	UT_ASSERT(t < CF_TIMEOUT_BOUND_S, "%s took %.1f s", cf_sent[op].name, t);
	cf_check_state(d, op, false);
	UT_EQ(dpt_xstat(d, stall ? "ctrl_timeouts" : "ctrl_err"), 1);
	UT_EQ(dpt_xstat(d, "ctrl_bad"), 0);
	cf_forward(d);

	if (stall) {
		/* Blocked: refused at once, without reaching the device. */
		log = cf_log_begin();
		UT_EQ(cf_call(d, op), -EBUSY);
		cf_log_end(log);
		UT_EQ(q->ctrl.cmds, cmds + 1);
		UT_ASSERT(cf_log_has(log, blocked), "no log line naming %s as not sent:\n%s",
			  cf_sent[op].name, log->buf);
		cf_forward(d);
		/* The reset at the stop frees the queue. */
		dpt_restart(d);
		q = cf_ctrlq(d);
		cf_forward(d);
		cf_prepare(d, op);
	} else {
		q->ctrl.ack = VIO_NET_OK;
	}
	UT_EQ(cf_call(d, op), 0);
	cf_check_sent(q, op);
	cf_check_state(d, op, true);
	cf_forward(d);
	dpt_finish(d);
}

/*
 * MQ_VQ_PAIRS_SET at start rejected or never answered: a port of two
 * queue pairs cannot run, so the start fails (with a log line naming the
 * command and cause) and leaves the port stopped with every mbuf back;
 * the next start with a device that takes it runs and forwards.
 */
static void
cf_mq_start(const struct dpt_layout *lo, bool stall)
{
	struct dpt_opts o = { .devargs = "queues=2", .dev_pairs = 2, .pairs = 2,
			      .offered = VIO_BIT(VIO_NET_F_CTRL_VQ) |
					 VIO_BIT(VIO_NET_F_MQ) };
	const char *words[] = { "mq_vq_pairs_set",
				stall ? "no answer" : "rejected", NULL };
	struct dpt *d = dpt_open(lo, &o);
	struct dm_queue *q = cf_ctrlq(d);
	struct cf_log *log;
	double t;
	int ret;

	/* 5.1.2: the control queue after two pairs. */
	UT_EQ(dm_ctrl_index(&d->dev), 4);
	UT_EQ(q->ctrl.last.class, VIO_NET_CTRL_MQ);
	UT_EQ(q->ctrl.last.len, 2);
	UT_EQ(q->ctrl.last.data[0] | (q->ctrl.last.data[1] << 8), 2);
	cf_forward(d);
	dpt_stop(d);
	if (stall)
		d->dev.ctrl_stall = true;
	else
		d->dev.ctrl_ack = VIO_NET_ERR;
	log = cf_log_begin();
	t = cf_now();
	ret = dpt_start(d);
	t = cf_now() - t;
	cf_log_end(log);
	UT_ASSERT(ret == (stall ? -ETIMEDOUT : -EIO), "start: %d (%s)", ret,
		  strerror(-ret));
	UT_ASSERT(cf_log_has(log, words),
		  "no log line naming mq_vq_pairs_set and the cause:\n%s",
		  log->buf);
	UT_ASSERT(t < CF_TIMEOUT_BOUND_S, "start took %.1f s", t);
	UT_EQ(q->ctrl.last.cmd, VIO_NET_CTRL_MQ_VQ_PAIRS_SET);
	/* Stopped: the device reset, nothing of the port in its rings. */
	UT_EQ(rte_eth_devices[d->port].data->dev_started, 0);
	UT_EQ(d->dev.status, 0);
	UT_EQ(rte_mempool_avail_count(d->rx_mp), d->rx_mp->size);
	UT_EQ(rte_mempool_avail_count(d->tx_mp), d->tx_mp->size);
	d->dev.ctrl_stall = false;
	d->dev.ctrl_ack = VIO_NET_OK;
	UT_EQ(dpt_start(d), 0);
	q = cf_ctrlq(d);
	UT_EQ(q->ctrl.last.data[0] | (q->ctrl.last.data[1] << 8), 2);
	cf_forward(d);
	dpt_finish(d);
}

#define CF_VARIANT(name, fn, ...) \
	static void name(const struct dpt_layout *lo) { fn(lo, __VA_ARGS__); }

CF_VARIANT(promisc_off_rejected, cf_fault, CF_PROMISC_OFF, false)
CF_VARIANT(promisc_off_no_answer, cf_fault, CF_PROMISC_OFF, true)
CF_VARIANT(allmulti_off_rejected, cf_fault, CF_ALLMULTI_OFF, false)
CF_VARIANT(allmulti_off_no_answer, cf_fault, CF_ALLMULTI_OFF, true)
CF_VARIANT(mac_add_rejected, cf_fault, CF_MAC_ADD, false)
CF_VARIANT(mac_add_no_answer, cf_fault, CF_MAC_ADD, true)
CF_VARIANT(mc_list_rejected, cf_fault, CF_MC_LIST, false)
CF_VARIANT(mc_list_no_answer, cf_fault, CF_MC_LIST, true)
CF_VARIANT(vlan_add_rejected, cf_fault, CF_VLAN_ADD, false)
CF_VARIANT(vlan_add_no_answer, cf_fault, CF_VLAN_ADD, true)
CF_VARIANT(rss_update_rejected, cf_fault, CF_RSS_UPDATE, false)
CF_VARIANT(rss_update_no_answer, cf_fault, CF_RSS_UPDATE, true)
CF_VARIANT(mq_start_rejected, cf_mq_start, false)
CF_VARIANT(mq_start_no_answer, cf_mq_start, true)

/* Split and packed, each in order and not (the control queue's own
 * layouts); mergeable buffers change nothing there. */
#define L(i) (&dpt_layouts[i])
#define CF_LAYOUTS(fn) \
	static void fn ## _split(void) { fn(L(0)); } \
	static void fn ## _split_inorder(void) { fn(L(2)); } \
	static void fn ## _packed(void) { fn(L(4)); } \
	static void fn ## _packed_inorder(void) { fn(L(6)); }
#define CF_CASES(fn) \
	UT_CASE(fn ## _split), UT_CASE(fn ## _split_inorder), \
	UT_CASE(fn ## _packed), UT_CASE(fn ## _packed_inorder)

CF_LAYOUTS(promisc_off_rejected)
CF_LAYOUTS(promisc_off_no_answer)
CF_LAYOUTS(allmulti_off_rejected)
CF_LAYOUTS(allmulti_off_no_answer)
CF_LAYOUTS(mac_add_rejected)
CF_LAYOUTS(mac_add_no_answer)
CF_LAYOUTS(mc_list_rejected)
CF_LAYOUTS(mc_list_no_answer)
CF_LAYOUTS(vlan_add_rejected)
CF_LAYOUTS(vlan_add_no_answer)
CF_LAYOUTS(rss_update_rejected)
CF_LAYOUTS(rss_update_no_answer)
CF_LAYOUTS(mq_start_rejected)
CF_LAYOUTS(mq_start_no_answer)

static const struct ut_case cases[] = {
	CF_CASES(promisc_off_rejected),
	CF_CASES(promisc_off_no_answer),
	CF_CASES(allmulti_off_rejected),
	CF_CASES(allmulti_off_no_answer),
	CF_CASES(mac_add_rejected),
	CF_CASES(mac_add_no_answer),
	CF_CASES(mc_list_rejected),
	CF_CASES(mc_list_no_answer),
	CF_CASES(vlan_add_rejected),
	CF_CASES(vlan_add_no_answer),
	CF_CASES(rss_update_rejected),
	CF_CASES(rss_update_no_answer),
	CF_CASES(mq_start_rejected),
	CF_CASES(mq_start_no_answer),
};

UT_SUITE(ut_suite_ctrl_faults, "ctrl_faults", cases);
