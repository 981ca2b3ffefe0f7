/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The vhost-user socket: connect, send requests (with fds), read and check
 * replies. The backend is untrusted input: every wait is bounded by
 * timeout_ms, every reply header is checked before its payload is read,
 * and an EOF, a timeout or a malformed reply poisons the connection
 * (conn_err), because the replies can no longer be matched to requests.
 */
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <rte_common.h>
#include <rte_debug.h>

#include "vio_log.h"
#include "vio_user_priv.h"

static const char * const req_names[] = {
	[VIO_VHU_GET_FEATURES] = "GET_FEATURES",
	[VIO_VHU_SET_FEATURES] = "SET_FEATURES",
	[VIO_VHU_SET_OWNER] = "SET_OWNER",
	[VIO_VHU_RESET_OWNER] = "RESET_OWNER",
	[VIO_VHU_SET_MEM_TABLE] = "SET_MEM_TABLE",
	[VIO_VHU_SET_VRING_NUM] = "SET_VRING_NUM",
	[VIO_VHU_SET_VRING_ADDR] = "SET_VRING_ADDR",
	[VIO_VHU_SET_VRING_BASE] = "SET_VRING_BASE",
	[VIO_VHU_GET_VRING_BASE] = "GET_VRING_BASE",
	[VIO_VHU_SET_VRING_KICK] = "SET_VRING_KICK",
	[VIO_VHU_SET_VRING_CALL] = "SET_VRING_CALL",
	[VIO_VHU_GET_PROTOCOL_FEATURES] = "GET_PROTOCOL_FEATURES",
	[VIO_VHU_SET_PROTOCOL_FEATURES] = "SET_PROTOCOL_FEATURES",
	[VIO_VHU_GET_QUEUE_NUM] = "GET_QUEUE_NUM",
	[VIO_VHU_SET_VRING_ENABLE] = "SET_VRING_ENABLE",
	[VIO_VHU_GET_MAX_MEM_SLOTS] = "GET_MAX_MEM_SLOTS",
	[VIO_VHU_ADD_MEM_REG] = "ADD_MEM_REG",
	[VIO_VHU_REM_MEM_REG] = "REM_MEM_REG",
	[VIO_VHU_SET_STATUS] = "SET_STATUS",
	[VIO_VHU_GET_STATUS] = "GET_STATUS",
};

const char *
vio_user_req_name(uint32_t request)
{
	if (request < RTE_DIM(req_names) && req_names[request] != NULL)
		return req_names[request];
	return "unknown request";
}

static int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Wait until the socket is ready for `events` or the deadline passes. */
static int
sock_wait(int sock, short events, int64_t deadline)
{
	struct pollfd pfd = { .fd = sock, .events = events };
	int64_t left;
	int n;

	for (;;) {
		left = RTE_MAX(deadline - now_ms(), (int64_t)0);
		n = poll(&pfd, 1, (int)left);
		if (n > 0)
			return 0;	/* readable, or HUP/ERR: the I/O call says which */
		if (n == 0)
			return -ETIMEDOUT;
		if (errno != EINTR)
			return -errno;
	}
}

/* Log a failed exchange once and remember it: the stream is unusable. */
static int
conn_fail(struct vio_user *u, int err, const char *doing, uint32_t request)
{
	const char *req = vio_user_req_name(request);

	if (err == -ECONNRESET)
		VIO_LOG(vhost, ERR, "%s: backend closed the connection (%s %s)",
			u->name, doing, req);
	else if (err == -ETIMEDOUT)
		VIO_LOG(vhost, ERR, "%s: backend timed out (%s %s: nothing for %u ms)",
			u->name, doing, req, u->timeout_ms);
	else if (err != -EPROTO)	/* bad replies are logged where checked */
		VIO_LOG(vhost, ERR, "%s: socket error (%s %s): %s",
			u->name, doing, req, strerror(-err));
	u->conn_err = err;
	return err;
}

static int
conn_check(struct vio_user *u, uint32_t request)
{
	if (u->conn_err == 0)
		return 0;
	VIO_LOG(vhost, NOTICE, "%s: %s not sent: the connection to the backend failed earlier (%s)",
		u->name, vio_user_req_name(request), strerror(-u->conn_err));
	return u->conn_err;
}

static void
fill_rights(struct msghdr *mh, char *control, size_t clen, const int *fds,
	    unsigned int nfds)
{
	struct cmsghdr *c;

	memset(control, 0, clen);
	mh->msg_control = control;
	mh->msg_controllen = CMSG_SPACE(sizeof(int) * nfds);
	c = CMSG_FIRSTHDR(mh);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int) * nfds);
	memcpy(CMSG_DATA(c), fds, sizeof(int) * nfds);
}

/* Send all of buf; the fds travel with the first byte. */
static int
sock_send(int sock, const void *buf, size_t len, const int *fds,
	  unsigned int nfds, int64_t deadline)
{
	char control[CMSG_SPACE(sizeof(int) * VIO_VHU_MAX_REGIONS)];
	size_t off = 0;
	ssize_t n;
	int ret;

	if (nfds > VIO_VHU_MAX_REGIONS)
		return -EINVAL;
	while (off < len) {
		struct iovec iov = {
			.iov_base = (char *)(uintptr_t)buf + off,
			.iov_len = len - off,
		};
		struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };

		if (nfds > 0 && off == 0)
			fill_rights(&mh, control, sizeof(control), fds, nfds);
		n = sendmsg(sock, &mh, MSG_NOSIGNAL);
		if (n > 0) {
			off += (size_t)n;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			ret = sock_wait(sock, POLLOUT, deadline);
			if (ret < 0)
				return ret;
			continue;
		}
		if (n < 0 && (errno == EPIPE || errno == ECONNRESET))
			return -ECONNRESET;
		return n < 0 ? -errno : -EIO;
	}
	return 0;
}

/* vio expects no fds in replies; close any, or they would leak. */
static void
close_rights(struct msghdr *mh)
{
	struct cmsghdr *c;
	size_t i, n;
	int fd;

	for (c = CMSG_FIRSTHDR(mh); c != NULL; c = CMSG_NXTHDR(mh, c)) {
		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		n = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (i = 0; i < n; i++) {
			memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof(fd));
			close(fd);
		}
	}
}

/* Read exactly len bytes. */
static int
sock_recv(int sock, void *buf, size_t len, int64_t deadline)
{
	char control[CMSG_SPACE(sizeof(int) * VIO_VHU_MAX_REGIONS)];
	size_t off = 0;
	ssize_t n;
	int ret;

	while (off < len) {
		struct iovec iov = { .iov_base = (char *)buf + off,
				     .iov_len = len - off };
		struct msghdr mh = {
			.msg_iov = &iov, .msg_iovlen = 1,
			.msg_control = control, .msg_controllen = sizeof(control),
		};

		n = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC | MSG_DONTWAIT);
		if (n > 0) {
			close_rights(&mh);
			off += (size_t)n;
			continue;
		}
		if (n == 0)
			return -ECONNRESET;
		if (errno == EINTR)
			continue;
		if (errno == EAGAIN || errno == EWOULDBLOCK) {
			ret = sock_wait(sock, POLLIN, deadline);
			if (ret < 0)
				return ret;
			continue;
		}
		return errno == ECONNRESET ? -ECONNRESET : -errno;
	}
	return 0;
}

static bool
reply_ok(struct vio_user *u, uint32_t request, const struct vio_vhu_msg *r,
	 uint32_t size)
{
	const char *why;

	if (r->request != request)
		why = "it answers another request";
	else if ((r->flags & VIO_VHU_VERSION_MASK) != VIO_VHU_VERSION)
		why = "not protocol version 1";
	else if (!(r->flags & VIO_VHU_F_REPLY))
		why = "the reply flag is not set";
	else if (r->size > VIO_VHU_PAYLOAD_MAX)
		why = "its size is larger than any vhost-user payload";
	else if (r->size != size)
		why = "wrong payload size";
	else
		return true;
	VIO_LOG(vhost, ERR, "%s: bad reply from the backend to %s: %s (request %u, flags 0x%x, size %u; expected request %u, flags 0x%x, size %u)",
		u->name, vio_user_req_name(request), why, r->request, r->flags,
		r->size, request, VIO_VHU_VERSION | VIO_VHU_F_REPLY, size);
	return false;
}

/* Read the reply to `request`, whose payload must be `size` bytes. */
static int
recv_reply(struct vio_user *u, uint32_t request, struct vio_vhu_msg *reply,
	   uint32_t size)
{
	int64_t deadline = now_ms() + u->timeout_ms;
	int ret;

	ret = sock_recv(u->sock, reply, VIO_VHU_HDR_SIZE, deadline);
	if (ret == 0 && !reply_ok(u, request, reply, size))
		ret = -EPROTO;
	if (ret == 0)
		ret = sock_recv(u->sock, &reply->payload, size, deadline);
	if (ret < 0)
		return conn_fail(u, ret, "waiting for the reply to", request);
	return 0;
}

int
vio_user_send(struct vio_user *u, struct vio_vhu_msg *msg, const int *fds,
	      unsigned int nfds)
{
	int ret = conn_check(u, msg->request);

	if (ret < 0)
		return ret;
	RTE_VERIFY(msg->size <= VIO_VHU_PAYLOAD_MAX);
	msg->flags |= VIO_VHU_VERSION;
	ret = sock_send(u->sock, msg, VIO_VHU_HDR_SIZE + msg->size, fds, nfds,
			now_ms() + u->timeout_ms);
	if (ret < 0)
		return conn_fail(u, ret, "sending", msg->request);
	return 0;
}

int
vio_user_get_u64(struct vio_user *u, uint32_t request, uint64_t *val)
{
	struct vio_vhu_msg msg = { .request = request };
	struct vio_vhu_msg reply;
	int ret;

	ret = vio_user_send(u, &msg, NULL, 0);
	if (ret == 0)
		ret = recv_reply(u, request, &reply, sizeof(reply.payload.u64));
	if (ret == 0)
		*val = reply.payload.u64;
	return ret;
}

int
vio_user_set(struct vio_user *u, struct vio_vhu_msg *msg, const int *fds,
	     unsigned int nfds)
{
	bool ack = vio_user_has_pf(u, VIO_VHU_PROTOCOL_F_REPLY_ACK);
	struct vio_vhu_msg reply;
	int ret;

	if (ack)
		msg->flags |= VIO_VHU_F_NEED_REPLY;
	ret = vio_user_send(u, msg, fds, nfds);
	if (ret < 0 || !ack)
		return ret;
	ret = recv_reply(u, msg->request, &reply, sizeof(reply.payload.u64));
	if (ret < 0)
		return ret;
	if (reply.payload.u64 != 0) {
		/* The stream is still in step: only this request failed. */
		VIO_LOG(vhost, ERR, "%s: backend rejected %s (status %" PRIu64 ")",
			u->name, vio_user_req_name(msg->request),
			reply.payload.u64);
		return -EIO;
	}
	return 0;
}

int
vio_user_set_u64(struct vio_user *u, uint32_t request, uint64_t val)
{
	struct vio_vhu_msg msg = {
		.request = request,
		.size = sizeof(msg.payload.u64),
		.payload.u64 = val,
	};

	return vio_user_set(u, &msg, NULL, 0);
}

int
vio_user_get_vring_base(struct vio_user *u, uint32_t index, uint32_t *base)
{
	struct vio_vhu_msg msg = {
		.request = VIO_VHU_GET_VRING_BASE,
		.size = sizeof(msg.payload.state),
		.payload.state.index = index,
	};
	struct vio_vhu_msg reply;
	int ret;

	ret = vio_user_send(u, &msg, NULL, 0);
	if (ret == 0)
		ret = recv_reply(u, msg.request, &reply, sizeof(reply.payload.state));
	if (ret < 0)
		return ret;
	if (reply.payload.state.index != index) {
		VIO_LOG(vhost, ERR, "%s: bad reply from the backend to GET_VRING_BASE: ring %u, asked for %u",
			u->name, reply.payload.state.index, index);
		u->conn_err = -EPROTO;
		return -EPROTO;
	}
	*base = reply.payload.state.num;
	return 0;
}

/* A non-blocking connect that has not completed yet: wait, bounded. */
static int
connect_wait(int sock, int64_t deadline)
{
	socklen_t len = sizeof(int);
	int err = 0, ret;

	ret = sock_wait(sock, POLLOUT, deadline);
	if (ret < 0)
		return ret;
	if (getsockopt(sock, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
		return -errno;
	return -err;
}

static int
sock_connect(int sock, const struct sockaddr_un *sa, int64_t deadline)
{
	for (;;) {
		if (connect(sock, (const struct sockaddr *)sa, sizeof(*sa)) == 0)
			return 0;
		switch (errno) {
		case EISCONN:	/* an interrupted attempt completed */
			return 0;
		case EINPROGRESS:
		case EALREADY:
			return connect_wait(sock, deadline);
		case EINTR:
			continue;
		case EAGAIN:
			/* The listener's backlog is full: it may drain. */
			if (now_ms() >= deadline)
				return -ETIMEDOUT;
			usleep(10 * 1000);
			continue;
		default:
			return -errno;
		}
	}
}

int
vio_user_sock_open(struct vio_user *u, const char *path,
		   struct sockaddr_un *sa)
{
	int sock;

	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sa->sun_path)) {
		VIO_LOG(vhost, ERR, "%s: socket path %s is longer than %zu bytes",
			u->name, path, sizeof(sa->sun_path) - 1);
		return -ENAMETOOLONG;
	}
	memcpy(sa->sun_path, path, strlen(path) + 1);
	sock = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (sock < 0) {
		sock = -errno;
		VIO_LOG(vhost, ERR, "%s: cannot create a unix socket: %s",
			u->name, strerror(-sock));
	}
	return sock;
}

int
vio_user_sock_connect(struct vio_user *u, const char *path)
{
	struct sockaddr_un sa;
	int sock, ret;

	sock = vio_user_sock_open(u, path, &sa);
	if (sock < 0)
		return sock;
	ret = sock_connect(sock, &sa, now_ms() + u->timeout_ms);
	if (ret < 0) {
		VIO_LOG(vhost, ERR, "%s: cannot connect to vhost-user socket %s: %s",
			u->name, path, strerror(-ret));
		close(sock);
		return ret;
	}
	u->sock = sock;
	return 0;
}
