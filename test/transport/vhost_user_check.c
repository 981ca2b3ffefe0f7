/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vhost_user_check: drive a vhost-user backend through lib/virtio alone
 * (no ethdev): open the virtio-user transport, negotiate, set up rx and
 * tx split rings in memzones, start, send packets on the tx ring and wait
 * for the backend to consume them, post rx buffers, reset and close.
 *
 *   vhost_user_check <EAL args> -- --path SOCK [--packets N] [--rounds R]
 *                                   [--queue-pairs Q] [--cq | --cq-no-mq]
 *                                   [--expect-fail]
 *
 * Every round sends N 64-byte frames, so the backend must count R*N
 * packets and R*N*64 bytes. With --queue-pairs, the device has Q pairs
 * (the backend must support multiqueue) of which the first is used.
 * --cq: the transport's own control queue too (CTRL_VQ, and MQ with
 * several pairs): each round sends rx-mode and MAC commands, and with
 * Q > 1 sets Q pairs, refuses Q + 1 and goes back to 1, before traffic.
 * --cq-no-mq: the same without negotiating MQ: the control queue is then
 * virtqueue 2 whatever Q is, and MQ_VQ_PAIRS_SET is refused.
 * --expect-fail: exit 0 only if connecting,
 * negotiating or starting fails cleanly (a negative errno, logged).
 * Prints "PASS <name>" / "FAIL <name>: reason"; exits nonzero on a FAIL.
 */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_malloc.h>
#include <rte_memzone.h>

#include "vio_cvq.h"
#include "vio_dev.h"
#include "vio_user.h"
#include "vio_vq_split.h"

#define QUEUE_SIZE	256
#define HDR_LEN		12
#define FRAME_LEN	64
#define RX_BUF_LEN	2048
#define RX_POSTED	64
#define WAIT_MS		5000
#define CVQ_SIZE	64

struct opts {
	const char *path;
	unsigned int packets;
	unsigned int rounds;
	unsigned int pairs;
	bool cq;
	bool cq_no_mq;
	bool expect_fail;
};

struct ring {
	struct vio_vq vq;
	const struct rte_memzone *mz;
};

/* With --cq: the control queue (its ring and the header/ack/data
 * region) and, with several pairs, the second pair's rx ring, so that
 * MQ_VQ_PAIRS_SET switches a ring the backend runs. */
struct ctrl {
	struct ring r;
	const struct rte_memzone *region;
	struct vio_cvq cq;
	struct ring rx1;
	unsigned int pairs;
	bool mq;		/* MQ negotiated */
	bool on;
};

static struct ctrl ctrl;

static unsigned int failures;

static void
pass(const char *name)
{
	printf("PASS %s\n", name);
}

static int
fail(const char *name, const char *fmt, ...)
{
	va_list ap;

	printf("FAIL %s: ", name);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	failures++;
	return -1;
}

/* Open fds of this process: the transport must not leak any. */
static int
count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int n = 0;

	if (d == NULL)
		return -1;
	while ((e = readdir(d)) != NULL)
		n += e->d_name[0] != '.';
	closedir(d);
	return n;
}

static void
check_fds(int before)
{
	int after = count_fds();

	if (after != before)
		fail("fds", "%d open fds before vio_user_open, %d after close",
		     before, after);
	else
		pass("fds");
}

static int
parse_opts(int argc, char **argv, struct opts *o)
{
	static const struct option longopts[] = {
		{ "path", required_argument, NULL, 'p' },
		{ "packets", required_argument, NULL, 'n' },
		{ "rounds", required_argument, NULL, 'r' },
		{ "queue-pairs", required_argument, NULL, 'q' },
		{ "cq", no_argument, NULL, 'c' },
		{ "cq-no-mq", no_argument, NULL, 'm' },
		{ "expect-fail", no_argument, NULL, 'f' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	*o = (struct opts){ .packets = 32, .rounds = 1, .pairs = 1 };
	optind = 1;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 'p': o->path = optarg; break;
		case 'n': o->packets = (unsigned int)atoi(optarg); break;
		case 'r': o->rounds = (unsigned int)atoi(optarg); break;
		case 'q': o->pairs = (unsigned int)atoi(optarg); break;
		case 'c': o->cq = true; break;
		case 'm': o->cq = o->cq_no_mq = true; break;
		case 'f': o->expect_fail = true; break;
		default: return -1;
		}
	}
	if (o->path == NULL || o->packets == 0 || o->packets > QUEUE_SIZE ||
	    o->rounds == 0 || o->pairs == 0 || o->pairs > 128) {
		fprintf(stderr, "usage: vhost_user_check <EAL args> -- --path SOCK [--packets 1..%d] [--rounds R] [--queue-pairs 1..128] [--cq | --cq-no-mq] [--expect-fail]\n",
			QUEUE_SIZE);
		return -1;
	}
	return 0;
}

static int
ring_create_sized(struct ring *r, uint16_t index, uint16_t size)
{
	char name[RTE_MEMZONE_NAMESIZE];

	snprintf(name, sizeof(name), "vuc_vq%u", index);
	r->mz = rte_memzone_reserve_aligned(name, vio_vq_split_ring_size(size),
					    SOCKET_ID_ANY, RTE_MEMZONE_IOVA_CONTIG,
					    4096);
	if (r->mz == NULL)
		return -ENOMEM;
	/* The transport uses virtual addresses (hw->use_va). */
	return vio_vq_init(&r->vq, index, size, r->mz->addr,
			   (uint64_t)(uintptr_t)r->mz->addr);
}

static int
ring_create(struct ring *r, uint16_t index)
{
	return ring_create_sized(r, index, QUEUE_SIZE);
}

static void
ring_destroy(struct ring *r)
{
	void *cookies[QUEUE_SIZE];
	uint16_t i, n;

	if (r->mz == NULL)
		return;
	n = vio_vq_drain(&r->vq, cookies, QUEUE_SIZE);
	for (i = 0; i < n; i++)
		rte_free(cookies[i]);
	vio_vq_fini(&r->vq);
	rte_memzone_free(r->mz);
	r->mz = NULL;
}

/* Several pairs in use: MQ negotiated on a device with more than one. */
static bool
ctrl_multi(void)
{
	return ctrl.mq && ctrl.pairs > 1;
}

static int
ctrl_create(unsigned int pairs, bool mq)
{
	uint64_t f = mq ? VIO_BIT(VIO_NET_F_MQ) : 0;

	ctrl.on = true;
	ctrl.pairs = pairs;
	ctrl.mq = mq;
	ctrl.region = rte_memzone_reserve_aligned("vuc_cvq_region",
						  VIO_CVQ_REGION_SIZE,
						  SOCKET_ID_ANY, 0, 64);
	if (ctrl.region == NULL ||
	    ring_create_sized(&ctrl.r, vio_cvq_index(f, (uint16_t)pairs),
			      CVQ_SIZE) < 0 ||
	    (ctrl_multi() && ring_create(&ctrl.rx1, 2) < 0))
		return -ENOMEM;
	return vio_cvq_init(&ctrl.cq, &ctrl.r.vq, ctrl.region->addr,
			    (uint64_t)(uintptr_t)ctrl.region->addr,
			    VIO_CVQ_REGION_SIZE);
}

static void
ctrl_destroy(void)
{
	if (!ctrl.on)
		return;
	/* Reset left no command in flight: nothing to drain. */
	if (ctrl.r.mz != NULL) {
		vio_vq_fini(&ctrl.r.vq);
		rte_memzone_free(ctrl.r.mz);
	}
	ring_destroy(&ctrl.rx1);
	rte_memzone_free(ctrl.region);
	ctrl.on = false;
}

static uint64_t
ctrl_wanted(void)
{
	if (!ctrl.on)
		return 0;
	return VIO_BIT(VIO_NET_F_CTRL_VQ) | VIO_BIT(VIO_NET_F_CTRL_RX) |
	       VIO_BIT(VIO_NET_F_CTRL_MAC_ADDR) |
	       (ctrl.mq ? VIO_BIT(VIO_NET_F_MQ) : 0);
}

/* After negotiation: the control queue (and rx1) to the device. */
static int
ctrl_setup(struct vio_hw *hw)
{
	uint64_t want = VIO_BIT(VIO_NET_F_CTRL_VQ) |
			(ctrl_multi() ? VIO_BIT(VIO_NET_F_MQ) : 0);
	int ret;

	if (!ctrl.on)
		return 0;
	if ((hw->features & want) != want)
		return fail("cvq_setup", "features 0x%" PRIx64 " lack 0x%" PRIx64,
			    hw->features, want & ~hw->features);
	vio_cvq_reset(&ctrl.cq);
	ret = hw->ops->queue_setup(hw, &ctrl.r.vq);
	if (ret == 0 && ctrl_multi()) {
		vio_vq_reset(&ctrl.rx1.vq);
		ret = hw->ops->queue_setup(hw, &ctrl.rx1.vq);
	}
	if (ret < 0)
		return fail("cvq_setup", "%s", strerror(-ret));
	pass("cvq_setup");
	return 0;
}

static void
ctrl_release(struct vio_hw *hw)
{
	if (!ctrl.on)
		return;
	hw->ops->queue_release(hw, &ctrl.r.vq);
	if (ctrl_multi())
		hw->ops->queue_release(hw, &ctrl.rx1.vq);
}

static int
ctrl_filters(void)
{
	static const uint8_t mac[1][6] = { { 0x02, 0, 0, 0, 0, 0x42 } };
	int ret;

	ret = vio_cvq_promisc(&ctrl.cq, false, VIO_CVQ_TIMEOUT_US);
	if (ret == 0)
		ret = vio_cvq_allmulti(&ctrl.cq, true, VIO_CVQ_TIMEOUT_US);
	if (ret == 0)
		ret = vio_cvq_mac_table_set(&ctrl.cq, mac, 1, NULL, 0,
					    VIO_CVQ_TIMEOUT_US);
	if (ret == 0)
		ret = vio_cvq_mac_addr_set(&ctrl.cq, mac[0], VIO_CVQ_TIMEOUT_US);
	if (ret < 0)
		return fail("cvq_filters", "%s", strerror(-ret));
	pass("cvq_filters");
	return 0;
}

/* All pairs (rx1 enabled at the backend), one too many, back to one. */
static int
ctrl_pairs(struct vio_hw *hw)
{
	uint16_t n = (uint16_t)ctrl.pairs, max;
	int ret;

	max = hw->ops->max_queue_pairs != NULL ? hw->ops->max_queue_pairs(hw) : 0;
	if (max < n)
		return fail("cvq_mq", "the backend has %u queue pairs, %u asked",
			    max, n);
	ret = vio_cvq_mq_pairs_set(&ctrl.cq, n, VIO_CVQ_TIMEOUT_US);
	if (ret < 0)
		return fail("cvq_mq", "%u pairs: %s", n, strerror(-ret));
	ret = vio_cvq_mq_pairs_set(&ctrl.cq, n + 1, VIO_CVQ_TIMEOUT_US);
	if (ret != -EIO)
		return fail("cvq_mq", "%u pairs of %u: %d, want -EIO", n + 1,
			    n, ret);
	ret = vio_cvq_mq_pairs_set(&ctrl.cq, 1, VIO_CVQ_TIMEOUT_US);
	if (ret < 0)
		return fail("cvq_mq", "1 pair: %s", strerror(-ret));
	pass("cvq_mq");
	return 0;
}

static int
ctrl_commands(struct vio_hw *hw)
{
	if (!ctrl.on)
		return 0;
	if (ctrl_filters() < 0)
		return -1;
	if (ctrl_multi())
		return ctrl_pairs(hw);
	if (!ctrl.mq &&
	    vio_cvq_mq_pairs_set(&ctrl.cq, 1, VIO_CVQ_TIMEOUT_US) != -EIO)
		return fail("cvq_no_mq", "MQ_VQ_PAIRS_SET taken without MQ");
	return 0;
}

/* Put one buffer on a ring as a single descriptor. */
static void
post(struct vio_vq *vq, void *buf, uint32_t len, uint16_t flags)
{
	uint16_t id = vio_split_desc_get(vq);

	vq->split.desc[id].addr = (uint64_t)(uintptr_t)buf;
	vq->split.desc[id].len = len;
	vq->split.desc[id].flags = flags;
	vq->split.desc[id].next = 0;
	vq->extra[id].len = len;
	vio_split_chain_set(vq, id, id, 1, buf);
	vio_split_avail_put(vq, id);
}

static void *
make_frame(const uint8_t *src_mac, unsigned int seq)
{
	uint8_t *b = rte_zmalloc("vuc_pkt", HDR_LEN + FRAME_LEN, 64);
	uint8_t *eth;

	if (b == NULL)
		return NULL;
	eth = b + HDR_LEN;		/* the header stays zero: no offloads */
	memset(eth, 0xff, 6);		/* broadcast */
	memcpy(eth + 6, src_mac, 6);
	eth[12] = 0x88;			/* local experimental ethertype */
	eth[13] = 0xb5;
	eth[14] = (uint8_t)seq;
	return b;
}

/* Wait (bounded) until `n` chains came back, then free them. */
static int
reap(struct vio_vq *vq, unsigned int n)
{
	unsigned int got = 0, waited = 0;
	uint32_t len;
	uint16_t id;

	while (got < n) {
		if (vio_split_used_ready(vq) == 0) {
			if (waited >= WAIT_MS * 1000)
				return fail("tx_used", "%u of %u packets used after %u ms",
					    got, n, WAIT_MS);
			usleep(1000);
			waited += 1000;
			continue;
		}
		id = vio_split_used_pop(vq, &len);
		if (id == VIO_BAD_ID)
			return fail("tx_used", "device returned a bad id");
		rte_free(vq->extra[id].cookie);
		vio_split_chain_free(vq, id);
		got++;
	}
	pass("tx_used");
	return 0;
}

static int
send_packets(struct vio_hw *hw, struct vio_vq *vq, unsigned int n)
{
	uint8_t mac[6];
	unsigned int i;
	void *b;

	if (hw->ops->read_config(hw, offsetof(struct vio_net_config, mac), mac,
				 sizeof(mac)) < 0)
		return fail("tx_post", "cannot read the config MAC");
	for (i = 0; i < n; i++) {
		b = make_frame(mac, i);
		if (b == NULL)
			return fail("tx_post", "out of memory");
		post(vq, b, HDR_LEN + FRAME_LEN, 0);
	}
	vio_split_avail_flush(vq);
	/* vio polls, the backend may sleep: always kick once. */
	vio_vq_notify(vq);
	pass("tx_post");
	return reap(vq, n);
}

static int
post_rx(struct vio_vq *vq)
{
	unsigned int i;
	void *b;

	for (i = 0; i < RX_POSTED; i++) {
		b = rte_zmalloc("vuc_rx", RX_BUF_LEN, 64);
		if (b == NULL)
			return fail("rx_post", "out of memory");
		post(vq, b, RX_BUF_LEN, VIO_DESC_F_WRITE);
	}
	vio_split_avail_flush(vq);
	vio_vq_notify(vq);
	if (vq->inflight != RX_POSTED)
		return fail("rx_post", "%u in flight, %u posted", vq->inflight,
			    RX_POSTED);
	pass("rx_post");
	return 0;
}

static int
check_config(struct vio_hw *hw, uint16_t want_pairs)
{
	uint16_t status = 0, pairs = 0;
	uint8_t big[64];

	if (hw->ops->read_config(hw, offsetof(struct vio_net_config, status),
				 &status, sizeof(status)) < 0 ||
	    !(status & VIO_NET_S_LINK_UP))
		return fail("config", "link status 0x%x, want LINK_UP", status);
	hw->ops->read_config(hw, offsetof(struct vio_net_config, max_virtqueue_pairs),
			     &pairs, sizeof(pairs));
	if (pairs != want_pairs)
		return fail("config", "max_virtqueue_pairs %u, want %u", pairs,
			    want_pairs);
	if (hw->ops->read_config(hw, 4, big, sizeof(big)) != -EINVAL)
		return fail("config", "read past the config space accepted");
	/* With --cq, queue 2 * pairs is the control queue. */
	if (hw->ops->queue_max_size(hw, 2 * want_pairs - 1) != QUEUE_SIZE ||
	    hw->ops->queue_max_size(hw, 2 * want_pairs + ctrl.on) != 0 ||
	    (ctrl.on && hw->ops->queue_max_size(hw, 2 * want_pairs) == 0))
		return fail("config", "queue_max_size wrong");
	if (!vio_user_connected(hw))
		return fail("config", "vio_user_connected false while connected");
	pass("config");
	return 0;
}

/* Negotiate, hand both rings to the device and start it. */
static int
start_device(struct vio_hw *hw, struct ring *rx, struct ring *tx)
{
	uint64_t wanted = VIO_BIT(VIO_F_VERSION_1) | VIO_BIT(VIO_NET_F_MAC) |
			  VIO_BIT(VIO_NET_F_STATUS) | ctrl_wanted();
	int ret;

	ret = vio_dev_negotiate(hw, wanted, 0);
	if (ret < 0)
		return fail("negotiate", "%s", strerror(-ret));
	if (hw->hdr_size != HDR_LEN)
		return fail("negotiate", "header %u bytes, want %u", hw->hdr_size,
			    HDR_LEN);
	pass("negotiate");
	vio_vq_reset(&rx->vq);
	vio_vq_reset(&tx->vq);
	ret = hw->ops->queue_setup(hw, &rx->vq);
	if (ret == 0)
		ret = hw->ops->queue_setup(hw, &tx->vq);
	if (ret < 0)
		return fail("queue_setup", "%s", strerror(-ret));
	pass("queue_setup");
	if (ctrl_setup(hw) < 0)
		return -1;
	ret = vio_dev_driver_ok(hw);
	if (ret < 0)
		return fail("driver_ok", "%s", strerror(-ret));
	if (!(hw->ops->get_status(hw) & VIO_STATUS_DRIVER_OK))
		return fail("driver_ok", "status 0x%x lacks DRIVER_OK",
			    hw->ops->get_status(hw));
	pass("driver_ok");
	return 0;
}

/* Reset stops the rings at the backend; then the rx buffers are ours. */
static int
stop_device(struct vio_hw *hw, struct ring *rx, struct ring *tx)
{
	void *cookies[QUEUE_SIZE];
	uint16_t i, n;
	int ret;

	ret = vio_dev_reset(hw);
	if (ret < 0)
		return fail("reset", "%s", strerror(-ret));
	if (hw->ops->get_status(hw) != 0)
		return fail("reset", "status 0x%x after reset", hw->ops->get_status(hw));
	n = vio_vq_drain(&rx->vq, cookies, QUEUE_SIZE);
	for (i = 0; i < n; i++)
		rte_free(cookies[i]);
	hw->ops->queue_release(hw, &rx->vq);
	hw->ops->queue_release(hw, &tx->vq);
	ctrl_release(hw);
	pass("reset");
	return 0;
}

static int
run_round(struct vio_hw *hw, struct ring *rx, struct ring *tx,
	  const struct opts *o)
{
	if (start_device(hw, rx, tx) < 0)
		return -1;
	if (ctrl_commands(hw) < 0)
		return -1;
	if (send_packets(hw, &tx->vq, o->packets) < 0)
		return -1;
	if (post_rx(&rx->vq) < 0)
		return -1;
	return stop_device(hw, rx, tx);
}

static int
run(const struct opts *o)
{
	struct vio_user_params p = {
		.path = o->path, .queue_pairs = (uint16_t)o->pairs,
		.queue_size = QUEUE_SIZE,
		.speed = 10000, .timeout_ms = WAIT_MS, .ctrl_vq = o->cq,
	};
	struct ring rx = { 0 }, tx = { 0 };
	struct vio_hw hw = { 0 };
	int fds = count_fds();
	unsigned int i;
	int ret;

	ret = vio_user_open(&hw, &p);
	if (ret < 0)
		return fail("open", "%s", strerror(-ret));
	pass("open");
	if (ring_create(&rx, 0) < 0 || ring_create(&tx, 1) < 0 ||
	    (o->cq && ctrl_create(o->pairs, !o->cq_no_mq) < 0)) {
		fail("rings", "no memory for the rings");
		goto out;
	}
	if (check_config(&hw, (uint16_t)o->pairs) < 0)
		goto out;
	for (i = 0; i < o->rounds; i++)
		if (run_round(&hw, &rx, &tx, o) < 0)
			break;
out:
	hw.ops->close(&hw);
	ring_destroy(&rx);
	ring_destroy(&tx);
	ctrl_destroy();
	pass("close");
	check_fds(fds);
	return failures ? -1 : 0;
}

/* Everything up to DRIVER_OK must fail with a logged, negative errno. */
static int
run_expect_fail(const struct opts *o)
{
	struct vio_user_params p = { .path = o->path, .queue_pairs = 1,
				     .queue_size = QUEUE_SIZE, .timeout_ms = WAIT_MS };
	struct ring rx = { 0 }, tx = { 0 };
	struct vio_hw hw = { 0 };
	int fds = count_fds();
	int ret;

	ret = vio_user_open(&hw, &p);
	if (ret == 0) {
		if (ring_create(&rx, 0) < 0 || ring_create(&tx, 1) < 0)
			ret = -ENOMEM;
		if (ret == 0)
			ret = vio_dev_negotiate(&hw, VIO_BIT(VIO_F_VERSION_1), 0);
		if (ret == 0)
			ret = hw.ops->queue_setup(&hw, &rx.vq);
		if (ret == 0)
			ret = hw.ops->queue_setup(&hw, &tx.vq);
		if (ret == 0)
			ret = vio_dev_driver_ok(&hw);
		vio_dev_reset(&hw);
		hw.ops->queue_release(&hw, &rx.vq);
		hw.ops->queue_release(&hw, &tx.vq);
		hw.ops->close(&hw);
		ring_destroy(&rx);
		ring_destroy(&tx);
	}
	check_fds(fds);
	if (ret == 0)
		return fail("expect_fail", "the backend was used without an error");
	printf("PASS expect_fail (%s)\n", strerror(-ret));
	return failures ? -1 : 0;
}

int
main(int argc, char **argv)
{
	struct opts o;
	int n, ret;

	n = rte_eal_init(argc, argv);
	if (n < 0) {
		fprintf(stderr, "FAIL eal_init: %s\n", rte_strerror(rte_errno));
		return 2;
	}
	argv[n] = argv[0];
	if (parse_opts(argc - n, argv + n, &o) < 0) {
		rte_eal_cleanup();
		return 2;
	}
	ret = o.expect_fail ? run_expect_fail(&o) : run(&o);
	rte_eal_cleanup();
	return ret < 0 ? 1 : 0;
}
