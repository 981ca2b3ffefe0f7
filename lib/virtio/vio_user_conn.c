/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * virtio-user server mode: vio creates the vhost-user socket and the
 * backend connects to it, possibly long after probe, possibly several
 * times (a backend restarted, an OVS upgrade). Nothing here blocks the
 * application: an EAL alarm polls the listening socket with a
 * non-blocking accept, and the connected socket for a hang-up.
 *
 * Whoever connects is given the memory table, that is read and write
 * access to all of the application's DPDK memory, so the socket file is
 * created owner-only unless asked otherwise, an existing file that is not
 * a socket is never replaced, and one backend is served at a time.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE	/* accept4 */
#endif
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <rte_alarm.h>
#include <rte_common.h>

#include "vio_log.h"
#include "vio_user_priv.h"

/* Hang-up polling period while a backend is attached. */
#define VIO_USER_POLL_US	(100 * 1000)
/* Polling period while none is (the link is down): a backend that
 * connects waits at most this long in the listen backlog, and a client
 * attempt that is due is made within it. At 100 ms the wait in the
 * backlog made vio's server-mode reconnect slower than net_virtio_user's
 * (app/vio-bench-reconnect); a non-blocking accept or a clock read per
 * period costs the EAL's interrupt thread next to nothing. */
#define VIO_USER_WAIT_POLL_US	(10 * 1000)
#define VIO_USER_SOCKET_MODE	0600
/* Client reconnect: the wait between attempts doubles up to this, so a
 * backend back after a long absence is found within half a second (at
 * 1 s, the next attempt alone could use up the second within which
 * traffic is to resume). */
#define VIO_USER_BACKOFF_MIN_MS	100
#define VIO_USER_BACKOFF_MAX_MS	500

static void conn_tick(void *arg);

/* Called with the lock held, or before the alarm runs. */
static uint64_t
tick_us(const struct vio_user *u)
{
	return u->attached ? VIO_USER_POLL_US : VIO_USER_WAIT_POLL_US;
}

/*
 * A socket file left at the path: replaced when nobody listens on it (a
 * previous run that died), refused when someone does. Anything else at
 * the path is refused: it may be a user's file.
 */
static int
clear_path(struct vio_user *u, const struct sockaddr_un *sa)
{
	struct stat st;
	int fd, ret;

	if (lstat(sa->sun_path, &st) < 0)
		return errno == ENOENT ? 0 : -errno;
	if (!S_ISSOCK(st.st_mode)) {
		VIO_LOG(vhost, ERR, "%s: %s exists and is not a socket: refused, not replaced",
			u->name, sa->sun_path);
		return -EEXIST;
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	ret = connect(fd, (const struct sockaddr *)sa, sizeof(*sa)) == 0 ?
	      0 : -errno;
	close(fd);
	if (ret == -ECONNREFUSED) {
		VIO_LOG(vhost, NOTICE, "%s: replacing stale socket %s (nobody listens on it)",
			u->name, sa->sun_path);
		return unlink(sa->sun_path) == 0 || errno == ENOENT ? 0 : -errno;
	}
	if (ret == 0 || ret == -EAGAIN || ret == -EINPROGRESS) {
		VIO_LOG(vhost, ERR, "%s: socket %s is in use by another process: refused",
			u->name, sa->sun_path);
		return -EADDRINUSE;
	}
	VIO_LOG(vhost, ERR, "%s: cannot tell whether socket %s is in use: %s",
		u->name, sa->sun_path, strerror(-ret));
	return ret;
}

/*
 * The file gets `mode` from the start: Linux creates a unix socket's
 * file with the socket inode's mode (less the umask), so it is set
 * before bind; the chmod after bind gives exactly the mode asked for.
 */
static int
bind_listen(struct vio_user *u, int fd, const struct sockaddr_un *sa,
	    uint32_t mode)
{
	struct stat st;

	if (fchmod(fd, mode) < 0 ||
	    bind(fd, (const struct sockaddr *)sa, sizeof(*sa)) < 0)
		return -errno;
	if (chmod(sa->sun_path, mode) < 0 || stat(sa->sun_path, &st) < 0 ||
	    listen(fd, 1) < 0) {
		int ret = -errno;

		unlink(sa->sun_path);
		return ret;
	}
	u->listen_dev = st.st_dev;
	u->listen_ino = st.st_ino;
	return 0;
}

int
vio_user_listen(struct vio_user *u, const char *path, uint32_t mode)
{
	struct sockaddr_un sa;
	int fd, ret;

	mode = mode != 0 ? mode : VIO_USER_SOCKET_MODE;
	fd = vio_user_sock_open(u, path, &sa);
	if (fd < 0)
		return fd;
	ret = clear_path(u, &sa);
	if (ret < 0) {
		if (ret != -EEXIST && ret != -EADDRINUSE)
			VIO_LOG(vhost, ERR, "%s: cannot use socket path %s: %s",
				u->name, path, strerror(-ret));
		close(fd);
		return ret;
	}
	ret = bind_listen(u, fd, &sa, mode);
	if (ret < 0) {
		VIO_LOG(vhost, ERR, "%s: cannot listen on %s: %s",
			u->name, path, strerror(-ret));
		close(fd);
		return ret;
	}
	u->listen_fd = fd;
	ret = vio_user_watch(u, path);
	if (ret < 0)
		return ret;
	VIO_LOG(vhost, NOTICE, "%s: listening on %s (mode %04o); link down until a backend connects",
		u->name, path, mode);
	return 0;
}

int
vio_user_watch(struct vio_user *u, const char *path)
{
	int ret;

	snprintf(u->path, sizeof(u->path), "%s", path);
	u->backoff_ms = VIO_USER_BACKOFF_MIN_MS;
	ret = rte_eal_alarm_set(tick_us(u), conn_tick, u);
	if (ret < 0) {
		VIO_LOG(vhost, ERR, "%s: cannot arm the EAL alarm that watches the backend: %s",
			u->name, strerror(-ret));
		vio_user_watch_stop(u);
		return ret;
	}
	u->watched = true;
	return 0;
}

/* Called with the lock not held: the alarm callback may be waiting for
 * it, and rte_eal_alarm_cancel waits for a running callback. */
void
vio_user_watch_stop(struct vio_user *u)
{
	struct stat st;

	pthread_mutex_lock(&u->lock);
	u->closing = true;
	pthread_mutex_unlock(&u->lock);
	if (u->watched)
		rte_eal_alarm_cancel(conn_tick, u);
	u->watched = false;
	if (u->listen_fd < 0)
		return;
	close(u->listen_fd);
	u->listen_fd = -1;
	/* Only the file we created: someone may have replaced it since. */
	if (lstat(u->path, &st) == 0 && st.st_dev == u->listen_dev &&
	    st.st_ino == u->listen_ino)
		unlink(u->path);
}

/* One backend at a time: a second one is told so by a closed socket. */
static void
refuse_extra(struct vio_user *u)
{
	int fd;

	while ((fd = accept4(u->listen_fd, NULL, NULL,
			     SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0) {
		VIO_LOG(vhost, WARNING, "%s: a second backend connected to %s: closed (one backend at a time)",
			u->name, u->path);
		close(fd);
	}
}

static bool
try_accept(struct vio_user *u)
{
	int fd = accept4(u->listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);

	if (fd < 0) {
		if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
			VIO_LOG(vhost, WARNING, "%s: accept on %s failed: %s",
				u->name, u->path, strerror(errno));
		return false;
	}
	VIO_LOG(vhost, NOTICE, "%s: backend connected to %s", u->name, u->path);
	/* Logged there on failure; the socket is closed then. */
	return vio_user_attach(u, fd) == 0;
}

static uint64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* Client mode: one non-blocking attempt; the backend's socket file may
 * be stale (ECONNREFUSED) until the backend is back. */
static bool
try_connect(struct vio_user *u)
{
	struct sockaddr_un sa;
	uint64_t now = now_ms();
	int fd;

	if (now < u->next_try_ms)
		return false;
	fd = vio_user_sock_open(u, u->path, &sa);
	if (fd >= 0 && connect(fd, (const struct sockaddr *)&sa, sizeof(sa)) == 0) {
		VIO_LOG(vhost, NOTICE, "%s: connected to %s again", u->name, u->path);
		u->backoff_ms = VIO_USER_BACKOFF_MIN_MS;
		if (vio_user_attach(u, fd) == 0)
			return true;
	} else if (fd >= 0) {
		close(fd);
	}
	u->next_try_ms = now + u->backoff_ms;
	u->backoff_ms = RTE_MIN(u->backoff_ms * 2, (uint32_t)VIO_USER_BACKOFF_MAX_MS);
	return false;
}

/* Returns true when the link changed. */
static bool
conn_poll(struct vio_user *u)
{
	if (u->attached) {
		if (vio_user_sock_alive(u)) {
			if (u->server)
				refuse_extra(u);
			return false;
		}
		VIO_LOG(vhost, WARNING, "%s: backend lost: link down; %s %s",
			u->name, u->server ? "waiting for one to connect to" :
			"connecting again to", u->path);
		vio_user_detach(u);
		u->next_try_ms = 0;
		return true;
	}
	return u->server ? try_accept(u) : try_connect(u);
}

static void
conn_tick(void *arg)
{
	struct vio_user *u = arg;
	uint64_t period = VIO_USER_WAIT_POLL_US;
	bool changed = false;

	/* Busy with an application request: look again soon. */
	if (pthread_mutex_trylock(&u->lock) == 0) {
		if (u->closing) {
			pthread_mutex_unlock(&u->lock);
			return;
		}
		changed = conn_poll(u);
		period = tick_us(u);
		pthread_mutex_unlock(&u->lock);
	}
	if (changed && u->link_change != NULL)
		u->link_change(u->link_arg);
	if (rte_eal_alarm_set(period, conn_tick, u) < 0)
		VIO_LOG(vhost, ERR, "%s: cannot re-arm the EAL alarm: backends are no longer accepted",
			u->name);
}
