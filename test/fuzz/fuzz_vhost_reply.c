/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The vhost-user replies the frontend parses (vio_user.c and
 * vio_user_sock.c, unchanged): a backend thread accepts the frontend's
 * connection on a unix socket and writes the input as its whole side of
 * the conversation, in chunks that may carry stray fds (SCM_RIGHTS), then
 * closes its write side. The frontend runs the real handshake
 * (vio_user_open: SET_OWNER, GET_FEATURES, GET_PROTOCOL_FEATURES,
 * GET_MAX_MEM_SLOTS, GET_QUEUE_NUM), feature negotiation (SET_FEATURES,
 * acked with REPLY_ACK; with the STATUS protocol feature SET_STATUS for
 * each status and GET_STATUS after FEATURES_OK), GET_VRING_BASE, the
 * config space, and with two rings DRIVER_OK (the memory table,
 * SET_VRING_*, SET_STATUS) and a reset (GET_VRING_BASE of each running
 * ring, SET_STATUS 0). A reply that answers another
 * request, has the wrong version, flags or size, or stops short must be
 * refused, never read out of bounds or waited on forever, and every fd
 * the backend sends must be closed.
 *
 * Input: byte 0 chooses the queue pairs (bits 0-1) and the fds sent with
 * each chunk (bits 2-4, 7 meaning more than a receive can hold); byte 1
 * is the chunk size (0: one write); byte 2 chooses the calls made after
 * a successful handshake; the rest is the backend's byte stream.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_errno.h>

#include "fuzz.h"
#include "fuzz_backend.h"
#include "vio_dev.h"
#include "vio_user.h"
#include "vio_user_priv.h"

/* vio_user.c's VIO_USER_PROTOCOL_FEATURES: what vio may negotiate. */
#define FUZZ_PROTOCOL_FEATURES ((1ULL << VIO_VHU_PROTOCOL_F_MQ) | \
	(1ULL << VIO_VHU_PROTOCOL_F_REPLY_ACK) | \
	(1ULL << VIO_VHU_PROTOCOL_F_CONFIGURE_MEM_SLOTS) | \
	(1ULL << VIO_VHU_PROTOCOL_F_STATUS))

/* Calls after the handshake (byte 2). */
#define OP_NEGOTIATE	0x01
#define OP_VRING_BASE	0x02
#define OP_CONFIG	0x04
#define OP_GET_FEATURES	0x08
#define OP_CONNECTED	0x10
#define OP_RESET	0x20
#define OP_START	0x40	/* rings and DRIVER_OK, then reset */

/* With EAL memory the memory table has regions to send (SET_MEM_TABLE,
 * or ADD_MEM_REG with CONFIGURE_MEM_SLOTS); without, start fails early. */
static bool have_eal;

static char sock_dir[64];
static char sock_path[108];
static int listen_fd = -1;
static int null_fd = -1;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
cleanup(void)
{
	if (listen_fd >= 0)
		close(listen_fd);
	unlink(sock_path);
	rmdir(sock_dir);
}

static void
eal_init(void)
{
	have_eal = fuzz_eal_init("fuzz_vhost_reply");
	if (!have_eal)
		fprintf(stderr, "fuzz_vhost_reply: DRIVER_OK paths not fuzzed\n");
}

int
LLVMFuzzerInitialize(int *argc __rte_unused, char ***argv __rte_unused)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };

	fuzz_private_dir(sock_dir, sizeof(sock_dir));
	snprintf(sock_path, sizeof(sock_path), "%s/be.sock", sock_dir);
	memcpy(sa.sun_path, sock_path, strlen(sock_path) + 1);
	listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (listen_fd < 0 ||
	    bind(listen_fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    listen(listen_fd, 4) < 0)
		abort();
	atexit(cleanup);
	eal_init();
	null_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (null_fd < 0)
		abort();
	fuzz_quiet_logs();
	return 0;
}

/* The backend: accepts the frontend's connection, then serves it. */
static void *
backend_main(void *arg)
{
	struct pollfd pfd = { .fd = listen_fd, .events = POLLIN };
	int s;

	if (poll(&pfd, 1, 5000) <= 0)
		return NULL;	/* the frontend never connected */
	s = accept(listen_fd, NULL, NULL);
	if (s >= 0)
		fuzz_backend_serve(arg, s);
	return NULL;
}

static void
check_open(const struct vio_user *u, uint16_t pairs)
{
	FUZZ_ASSERT(u->conn_err == 0, "open succeeded with error %d", u->conn_err);
	FUZZ_ASSERT((u->protocol_features & ~FUZZ_PROTOCOL_FEATURES) == 0,
		    "protocol features 0x%" PRIx64 " beyond what vio asks",
		    u->protocol_features);
	if (vio_user_has_pf(u, VIO_VHU_PROTOCOL_F_CONFIGURE_MEM_SLOTS))
		FUZZ_ASSERT(u->max_mem_slots >= 1 &&
			    u->max_mem_slots <= VIO_USER_MAX_SLOTS,
			    "%u memory slots", u->max_mem_slots);
	if (pairs > 1)
		FUZZ_ASSERT((u->backend_features & VIO_BIT(VIO_NET_F_MQ)) &&
			    vio_user_has_pf(u, VIO_VHU_PROTOCOL_F_MQ),
			    "%u pairs without multiqueue", pairs);
}

/* Once the reply stream is out of step, nothing more is read from it. */
static void
check_sticky(struct vio_user *u)
{
	uint64_t v;
	int err = u->conn_err;

	if (err == 0)
		return;
	FUZZ_ASSERT(vio_user_get_u64(u, VIO_VHU_GET_FEATURES, &v) == err,
		    "a request went out after connection error %d", err);
}

/* Two rings at the backend (DRIVER_OK: memory table, SET_VRING_*), then
 * a reset, which asks each for GET_VRING_BASE. */
static void
start_stop(struct vio_hw *hw)
{
	struct vio_vq vq[2];
	void *ring[2] = { NULL, NULL };
	bool set_up[2] = { false, false };
	unsigned int i;

	memset(vq, 0, sizeof(vq));
	for (i = 0; i < 2; i++) {
		ring[i] = calloc(1, vio_vq_split_ring_size(64));
		if (ring[i] == NULL ||
		    vio_vq_init(&vq[i], i, 64, ring[i], (uintptr_t)ring[i]) < 0)
			goto out;
		set_up[i] = hw->ops->queue_setup(hw, &vq[i]) == 0;
	}
	(void)vio_dev_driver_ok(hw);
	(void)vio_dev_reset(hw);
out:
	for (i = 0; i < 2; i++) {
		if (set_up[i])
			hw->ops->queue_release(hw, &vq[i]);
		if (vq[i].extra != NULL)
			vio_vq_fini(&vq[i]);
		free(ring[i]);
	}
}

static void
after_open(struct vio_hw *hw, uint8_t ops)
{
	struct vio_user *u = hw->tp;
	struct vio_net_config cfg;
	uint32_t base;
	uint64_t v;

	if (ops & OP_NEGOTIATE)
		(void)vio_dev_negotiate(hw, UINT64_MAX, 0);
	check_sticky(u);
	if (ops & OP_VRING_BASE)
		(void)vio_user_get_vring_base(u, 1, &base);
	check_sticky(u);
	if (ops & OP_GET_FEATURES)
		(void)vio_user_get_u64(u, VIO_VHU_GET_PROTOCOL_FEATURES, &v);
	check_sticky(u);
	if (ops & OP_CONFIG)
		FUZZ_ASSERT(hw->ops->read_config(hw, 0, &cfg, sizeof(cfg)) == 0,
			    "emulated config space not readable");
	if (ops & OP_CONNECTED)
		(void)vio_user_connected(hw);
	if (ops & OP_RESET)
		(void)vio_dev_reset(hw);
	check_sticky(u);
	if ((ops & OP_START) && have_eal &&
	    (hw->ops->get_status(hw) & VIO_STATUS_FEATURES_OK))
		start_stop(hw);
	check_sticky(u);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint16_t pair_choice[] = { 1, 2, 4, 128 };
	struct fuzz_in in = { data, size };
	uint8_t mode = fuzz_u8(&in), chunk = fuzz_u8(&in), ops = fuzz_u8(&in);
	unsigned int fdsel = (mode >> 2) & 7, fds_before;
	struct fuzz_backend b = {
		.data = in.p, .len = in.n, .chunk = chunk,
		.nfds = fuzz_backend_nfds(fdsel), .fd = null_fd,
	};
	struct vio_user_params p;
	struct vio_hw hw = { 0 };
	pthread_t th;
	int ret;

	fuzz_user_params(&p, sock_path, pair_choice[mode & 3]);
	fds_before = fuzz_count_fds();
	if (pthread_create(&th, NULL, backend_main, &b) != 0)
		abort();
	ret = vio_user_open(&hw, &p);
	FUZZ_ASSERT(ret <= 0, "positive return %d", ret);
	if (ret == 0) {
		check_open(hw.tp, p.queue_pairs);
		after_open(&hw, ops);
		hw.ops->close(&hw);
	}
	pthread_join(th, NULL);
	FUZZ_ASSERT(fuzz_count_fds() == fds_before, "%u fds open before, %u after",
		    fds_before, fuzz_count_fds());
	return 0;
}
