/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * virtio-user in server mode (vio_user_conn.c, vio_user.c, vio_user_sock.c,
 * unchanged) against backends that connect and send arbitrary bytes. The
 * frontend listens on its socket (vio_user_open with server=1), the driver
 * gets as far as the input says without a backend (nothing, FEATURES_OK,
 * or DRIVER_OK with two rings), then up to four backends connect one after
 * the other. Each is one end of a socketpair handed to vio_user_attach(),
 * as the accept in the EAL alarm hands a new connection: the frontend's
 * handshake and the replay of the driver's state (features, memory table,
 * rings) read the backend's bytes, in chunks with stray fds, then EOF. The
 * driver may then move on (DRIVER_OK, a reset) while that backend is
 * attached, and the backend is lost as the alarm would find it.
 *
 * Invariants: no sanitizer report; a refused backend leaves no socket and
 * is not attached; an attached one had a clean handshake; once the stream
 * is out of step nothing is sent on it; no fd open after a backend is gone
 * that was not open before it came (its stray fds and the socketpair
 * included), none after close that was not before open, and the socket
 * file is removed at close.
 *
 * Input: byte 0: queue pairs (bits 0-1: 1, 2, 4, 1), control queue (bit
 * 2), the driver's state before any backend (bits 3-4: none, FEATURES_OK,
 * DRIVER_OK, DRIVER_OK and a reset once a backend is attached), the stray
 * fds per chunk (bits 5-7); byte 1: chunk size (0: one write); byte 2: what
 * the driver does while each backend is attached (OP_*) and the number of
 * backends (bits 6-7, plus one); then per backend a 16-bit length and that
 * many bytes of its stream.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz.h"
#include "fuzz_backend.h"
#include "vio_dev.h"
#include "vio_user.h"
#include "vio_user_priv.h"

/* What the driver takes of the features offered: those a backend must
 * have (VERSION_1, MRG_RXBUF, MQ), and those the frontend emulates. */
#define WANTED (VIO_BIT(VIO_F_VERSION_1) | VIO_BIT(VIO_NET_F_MRG_RXBUF) | \
		VIO_BIT(VIO_NET_F_MQ) | VIO_BIT(VIO_NET_F_MAC) | \
		VIO_BIT(VIO_NET_F_STATUS) | VIO_BIT(VIO_NET_F_MTU) | \
		VIO_BIT(VIO_NET_F_CTRL_VQ) | VIO_BIT(VIO_NET_F_CTRL_RX))
#define NRINGS		2
#define RING_SIZE	64

/* The driver's state before any backend (byte 0, bits 3-4). */
enum {
	STATE_NONE,
	STATE_FEATURES_OK,
	STATE_DRIVER_OK,
	STATE_DRIVER_OK_RESET,
};

/* While a backend is attached (byte 2). */
#define OP_CONNECTED	0x01	/* vio_user_connected() */
#define OP_START	0x02	/* up to DRIVER_OK, if not there yet */
#define OP_GET		0x04	/* a request with a reply (GET_FEATURES) */
#define OP_ALIVE	0x08	/* the alarm's look at the socket */
#define OP_RESET	0x10	/* device reset, then FEATURES_OK again */

static char sock_dir[64];
static char sock_path[108];
static int null_fd = -1;

struct rings {
	struct vio_vq vq[NRINGS];
	void *mem[NRINGS];
	bool set_up[NRINGS];
};

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
cleanup(void)
{
	unlink(sock_path);
	rmdir(sock_dir);
}

int
LLVMFuzzerInitialize(int *argc __rte_unused, char ***argv __rte_unused)
{
	fuzz_private_dir(sock_dir, sizeof(sock_dir));
	snprintf(sock_path, sizeof(sock_path), "%s/server.sock", sock_dir);
	atexit(cleanup);
	/* Server mode needs the EAL: its alarm watches the socket. */
	if (!fuzz_eal_init("fuzz_server"))
		abort();
	null_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (null_fd < 0)
		abort();
	fuzz_quiet_logs();
	return 0;
}

static void
rings_setup(struct vio_hw *hw, struct rings *r)
{
	unsigned int i;

	for (i = 0; i < NRINGS; i++) {
		if (r->mem[i] != NULL)
			continue;
		r->mem[i] = calloc(1, vio_vq_split_ring_size(RING_SIZE));
		FUZZ_ASSERT(r->mem[i] != NULL, "calloc");
		FUZZ_ASSERT(vio_vq_init(&r->vq[i], i, RING_SIZE, r->mem[i],
					(uintptr_t)r->mem[i]) == 0, "vq init");
		r->set_up[i] = hw->ops->queue_setup(hw, &r->vq[i]) == 0;
	}
}

/* The rings' eventfds (kick, call) the frontend holds: from queue_setup
 * to a reset or release, not the backend's doing. */
static unsigned int
rings_fds(const struct vio_user *u)
{
	unsigned int i, n = 0;

	for (i = 0; i < u->nr_queues; i++)
		n += (u->queues[i].kickfd >= 0) + (u->queues[i].callfd >= 0);
	return n;
}

static void
rings_release(struct vio_hw *hw, struct rings *r)
{
	unsigned int i;

	for (i = 0; i < NRINGS; i++) {
		if (r->set_up[i])
			hw->ops->queue_release(hw, &r->vq[i]);
		if (r->mem[i] != NULL)
			vio_vq_fini(&r->vq[i]);
		free(r->mem[i]);
	}
	memset(r, 0, sizeof(*r));
}

/* FEATURES_OK, then with `start` the rings and DRIVER_OK; what the device
 * has already is skipped. Failures are the backend's doing: fine. */
static void
driver_to(struct vio_hw *hw, struct rings *r, bool start)
{
	uint8_t status = hw->ops->get_status(hw);

	if (!(status & VIO_STATUS_FEATURES_OK) &&
	    vio_dev_negotiate(hw, WANTED, 0) < 0)
		return;
	if (!start || (hw->ops->get_status(hw) & VIO_STATUS_DRIVER_OK))
		return;
	rings_setup(hw, r);
	(void)vio_dev_driver_ok(hw);
}

/* Once the reply stream is out of step, nothing more goes out on it. */
static void
check_sticky(struct vio_user *u)
{
	uint64_t v;
	int err;

	pthread_mutex_lock(&u->lock);
	err = u->conn_err;
	if (err != 0 && u->sock >= 0)
		FUZZ_ASSERT(vio_user_get_u64(u, VIO_VHU_GET_FEATURES, &v) == err,
			    "a request went out after connection error %d", err);
	pthread_mutex_unlock(&u->lock);
}

/* A backend's stream and its end of the socketpair. */
struct conn {
	struct fuzz_backend b;
	int sock;
};

/* The rest of the stream if the socket was full before attach, then
 * what the frontend sends, until it closes. */
static void *
backend_main(void *arg)
{
	struct conn *c = arg;

	fuzz_backend_send(&c->b, c->sock, true);
	fuzz_backend_drain(c->sock);
	return NULL;
}

/* What the driver does while the backend is (or was) attached. */
static void
while_attached(struct vio_hw *hw, struct rings *r, uint8_t ops, int state)
{
	struct vio_user *u = hw->tp;
	uint64_t v;

	if (ops & OP_CONNECTED)
		(void)vio_user_connected(hw);
	check_sticky(u);
	if (ops & OP_GET) {
		pthread_mutex_lock(&u->lock);
		if (u->attached)
			(void)vio_user_get_u64(u, VIO_VHU_GET_FEATURES, &v);
		pthread_mutex_unlock(&u->lock);
	}
	check_sticky(u);
	if (ops & OP_START)
		driver_to(hw, r, true);
	check_sticky(u);
	if ((ops & OP_RESET) || state == STATE_DRIVER_OK_RESET) {
		(void)vio_dev_reset(hw);
		driver_to(hw, r, false);
	}
	check_sticky(u);
	if (ops & OP_ALIVE) {
		pthread_mutex_lock(&u->lock);
		if (u->attached && !vio_user_sock_alive(u))
			vio_user_detach(u);
		pthread_mutex_unlock(&u->lock);
	}
}

/* One backend: connects, is attached (or refused), then lost. */
static void
one_backend(struct vio_hw *hw, struct rings *r, const struct fuzz_backend *b,
	    uint8_t ops, int state)
{
	struct vio_user *u = hw->tp;
	unsigned int fds_before = fuzz_count_fds() - rings_fds(u), fds;
	struct conn c;
	pthread_t th;
	int sv[2], ret;

	FUZZ_ASSERT(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == 0,
		    "socketpair: %s", strerror(errno));
	/* As the alarm's accept4(SOCK_NONBLOCK) gives it. */
	FUZZ_ASSERT(fcntl(sv[0], F_SETFL, O_NONBLOCK) == 0, "fcntl");
	/* The stream is in the socket, EOF included, before the frontend
	 * reads any of it (unless it does not fit): where the backend ends
	 * depends on the input only, not on which thread runs first. */
	c.b = *b;
	c.sock = sv[1];
	fuzz_backend_send(&c.b, c.sock, false);
	if (pthread_create(&th, NULL, backend_main, &c) != 0)
		abort();
	pthread_mutex_lock(&u->lock);
	ret = vio_user_attach(u, sv[0]);
	FUZZ_ASSERT(ret <= 0, "positive return %d", ret);
	if (ret < 0)
		FUZZ_ASSERT(!u->attached && u->sock < 0,
			    "refused backend: attached %d, socket %d",
			    u->attached, u->sock);
	else
		FUZZ_ASSERT(u->attached && u->sock == sv[0],
			    "backend taken: attached %d, socket %d",
			    u->attached, u->sock);
	pthread_mutex_unlock(&u->lock);
	if (ret == 0)
		while_attached(hw, r, ops, state);
	/* Lost, as the alarm finds it when the backend's socket closes. */
	pthread_mutex_lock(&u->lock);
	vio_user_detach(u);
	FUZZ_ASSERT(u->sock < 0 && !u->attached, "socket %d after detach", u->sock);
	pthread_mutex_unlock(&u->lock);
	pthread_join(th, NULL);
	/* Rings set up meanwhile bring their eventfds: not the backend's. */
	fds = fuzz_count_fds() - rings_fds(u);
	FUZZ_ASSERT(fds == fds_before,
		    "%u fds open before the backend, %u after (rings' eventfds aside)",
		    fds_before, fds);
}

static void
serve(struct vio_hw *hw, struct fuzz_in *in, const struct fuzz_backend *proto,
      uint8_t ops, int state)
{
	unsigned int n = (ops >> 6) + 1, i;
	struct rings r;
	struct fuzz_backend b;
	size_t len;

	memset(&r, 0, sizeof(r));
	if (state != STATE_NONE)
		driver_to(hw, &r, state != STATE_FEATURES_OK);
	for (i = 0; i < n && in->n > 0; i++) {
		len = fuzz_u8(in);
		len |= (size_t)fuzz_u8(in) << 8;
		b = *proto;
		b.data = in->p;
		b.len = RTE_MIN(len, in->n);
		in->p += b.len;
		in->n -= b.len;
		one_backend(hw, &r, &b, ops, state);
	}
	(void)vio_dev_reset(hw);
	rings_release(hw, &r);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint16_t pair_choice[] = { 1, 2, 4, 1 };
	struct fuzz_in in = { data, size };
	uint8_t mode = fuzz_u8(&in), chunk = fuzz_u8(&in), ops = fuzz_u8(&in);
	struct fuzz_backend proto = {
		.chunk = chunk, .nfds = fuzz_backend_nfds(mode >> 5),
		.fd = null_fd,
	};
	struct vio_user_params p;
	struct vio_hw hw = { 0 };
	unsigned int fds_before;
	struct stat st;
	int ret;

	fuzz_user_params(&p, sock_path, pair_choice[mode & 3]);
	p.ctrl_vq = (mode & 0x04) != 0;
	p.server = true;
	fds_before = fuzz_count_fds();
	ret = vio_user_open(&hw, &p);
	FUZZ_ASSERT(ret == 0, "server open failed: %d", ret);
	serve(&hw, &in, &proto, ops, (mode >> 3) & 3);
	hw.ops->close(&hw);
	FUZZ_ASSERT(lstat(sock_path, &st) < 0 && errno == ENOENT,
		    "socket file left at close");
	FUZZ_ASSERT(fuzz_count_fds() == fds_before, "%u fds open before, %u after",
		    fds_before, fuzz_count_fds());
	return 0;
}
