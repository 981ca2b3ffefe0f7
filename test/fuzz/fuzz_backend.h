/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The hostile vhost-user backend of the transport targets (fuzz_vhost_reply,
 * fuzz_server): it writes the input as its whole side of the conversation,
 * in chunks that may carry stray fds (SCM_RIGHTS), closes its write side
 * and reads what the frontend sends until the frontend closes. Also the
 * targets' own EAL, frontend parameters and fd count.
 */
#ifndef VIO_FUZZ_BACKEND_H
#define VIO_FUZZ_BACKEND_H

#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <rte_common.h>
#include <rte_eal.h>
#include <rte_errno.h>

#include "vio_user.h"

#define FUZZ_MAX_FDS	12	/* beyond the 8 a receive takes (MSG_CTRUNC) */

struct fuzz_backend {
	const uint8_t *data;
	size_t len;
	size_t chunk;		/* bytes per write; 0: all at once */
	unsigned int nfds;	/* stray fds with each chunk */
	int fd;			/* what is sent as those fds */
	size_t sent;		/* bytes written so far */
};

/* The fds sent with each chunk, from the bits of an input byte (7: more
 * than a receive can hold). */
static inline unsigned int
fuzz_backend_nfds(unsigned int sel)
{
	return sel == 7 ? FUZZ_MAX_FDS : sel;
}

/* One chunk with its fds; MSG_DONTWAIT in `flags` may refuse it (EAGAIN). */
static inline ssize_t
fuzz_send_chunk(int s, const uint8_t *p, size_t len, unsigned int nfds, int fd,
		int flags)
{
	char control[CMSG_SPACE(sizeof(int) * FUZZ_MAX_FDS)];
	struct iovec iov = { .iov_base = (void *)(uintptr_t)p, .iov_len = len };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
	struct cmsghdr *c;
	unsigned int i;

	if (nfds > 0) {
		memset(control, 0, sizeof(control));
		mh.msg_control = control;
		mh.msg_controllen = CMSG_SPACE(sizeof(int) * nfds);
		c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int) * nfds);
		for (i = 0; i < nfds; i++)
			memcpy(CMSG_DATA(c) + i * sizeof(int), &fd, sizeof(int));
	}
	return sendmsg(s, &mh, MSG_NOSIGNAL | flags);
}

/*
 * Write the stream from b->sent on, then close the write side. Without
 * `block`, stop where the socket is full and return false (call again
 * with `block` later). A send that fails otherwise (the frontend closed
 * already) ends the stream.
 */
static inline bool
fuzz_backend_send(struct fuzz_backend *b, int s, bool block)
{
	size_t n;

	for (; b->sent < b->len; b->sent += n) {
		n = b->chunk != 0 ? RTE_MIN(b->chunk, b->len - b->sent) :
				    b->len - b->sent;
		if (fuzz_send_chunk(s, b->data + b->sent, n, b->nfds, b->fd,
				    block ? 0 : MSG_DONTWAIT) < 0 &&
		    (errno == EAGAIN || errno == EWOULDBLOCK))
			return false;
	}
	shutdown(s, SHUT_WR);
	return true;
}

/* Read what the frontend sends until it closes, so that it never blocks
 * on a full socket; then close. */
static inline void
fuzz_backend_drain(int s)
{
	char buf[4096];

	while (read(s, buf, sizeof(buf)) > 0)
		;
	close(s);
}

/* The backend's whole side of connection `s`, which it closes. */
static inline void
fuzz_backend_serve(struct fuzz_backend *b, int s)
{
	fuzz_backend_send(b, s, true);
	fuzz_backend_drain(s);
}

/* The frontend's parameters: `pairs` queue pairs of 256 entries on the
 * socket at `path`, a fixed MAC, MTU and speed, 2 s for any reply. */
static inline void
fuzz_user_params(struct vio_user_params *p, const char *path, uint16_t pairs)
{
	static const uint8_t mac[6] = { 0x02, 0, 0, 0, 0, 1 };

	memset(p, 0, sizeof(*p));
	p->path = path;
	p->queue_pairs = pairs;
	p->queue_size = 256;
	memcpy(p->mac, mac, sizeof(mac));
	p->mac_set = true;
	p->mtu = 1500;
	p->speed = 10000;
	p->timeout_ms = 2000;
}

/*
 * The process's open fds, but for epoll instances: the EAL's interrupt
 * thread closes and creates its own each time an alarm is set or fires
 * (server mode's watch is one), so they come and go under the target's
 * feet. vio itself has none.
 */
static inline unsigned int
fuzz_count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	const struct dirent *e;
	char path[64], link[64];
	unsigned int n = 0;
	ssize_t len;

	if (d == NULL)
		abort();
	while ((e = readdir(d)) != NULL) {
		snprintf(path, sizeof(path), "/proc/self/fd/%s", e->d_name);
		len = readlink(path, link, sizeof(link) - 1);
		if (len > 0) {
			link[len] = '\0';
			if (strcmp(link, "anon_inode:[eventpoll]") == 0)
				continue;
		}
		n++;
	}
	closedir(d);
	return n;
}

/* A small EAL of its own, on 4 KiB pages (memfd-backed, so the memory
 * table carries fds as with testpmd --no-huge). False without one. */
static inline bool
fuzz_eal_init(const char *name)
{
	char prefix[64];
	char *argv[] = { (char *)(uintptr_t)name, "--no-huge", "-m", "16",
			 "--no-pci", "--no-shconf", "--no-telemetry", "-l", "0",
			 "--log-level=*:crit", prefix, NULL };

	snprintf(prefix, sizeof(prefix), "--file-prefix=viofuzz%d", getpid());
	if (rte_eal_init(RTE_DIM(argv) - 1, argv) >= 0)
		return true;
	fprintf(stderr, "%s: no EAL (%s)\n", name, rte_strerror(rte_errno));
	return false;
}

#endif /* VIO_FUZZ_BACKEND_H */
