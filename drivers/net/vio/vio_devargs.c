/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Device arguments of net_vio_user and net_vio (PCI), parsed with
 * rte_kvargs. Every key is checked on its own so that a rejection names
 * the key and says why; a key of the other driver is rejected by name.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_kvargs.h>

#include "vio_ethdev.h"

/* Which drivers take a key. */
#define VIO_DA_VDEV	1u
#define VIO_DA_PCI	2u
#define VIO_DA_ALL	(VIO_DA_VDEV | VIO_DA_PCI)

struct vio_devarg {
	const char *key;
	int (*parse)(const char *val, struct vio_devargs *da, const char **why);
	unsigned int where;
};

static int
parse_uint(const char *val, unsigned long max, unsigned long *out)
{
	char *end;

	if (val == NULL || *val == '\0' || *val == '-')
		return -EINVAL;
	errno = 0;
	*out = strtoul(val, &end, 0);
	if (errno != 0 || *end != '\0' || *out > max)
		return -EINVAL;
	return 0;
}

static int
parse_bool(const char *val, bool *out, const char **why)
{
	if (val != NULL && strcmp(val, "0") == 0)
		*out = false;
	else if (val != NULL && strcmp(val, "1") == 0)
		*out = true;
	else {
		*why = "must be 0 or 1";
		return -EINVAL;
	}
	return 0;
}

static int
arg_path(const char *val, struct vio_devargs *da, const char **why)
{
	if (val == NULL || *val == '\0') {
		*why = "must name a vhost-user socket or a vhost-net device";
		return -EINVAL;
	}
	if (strlen(val) >= sizeof(da->path)) {
		*why = "longer than a unix socket path can be (107 bytes)";
		return -ENAMETOOLONG;
	}
	strcpy(da->path, val);
	return 0;
}

static int
arg_queues(const char *val, struct vio_devargs *da, const char **why)
{
	unsigned long v;

	/* The backend's own limit is checked when vio connects to it. */
	if (parse_uint(val, VIO_MAX_QUEUE_PAIRS, &v) < 0 || v == 0) {
		*why = "must be a number of queue pairs from 1 to "
		       RTE_STR(VIO_MAX_QUEUE_PAIRS);
		return -EINVAL;
	}
	da->queues = (uint16_t)v;
	return 0;
}

static int
arg_queue_size(const char *val, struct vio_devargs *da, const char **why)
{
	unsigned long v;

	if (parse_uint(val, VIO_MAX_QUEUE_SIZE, &v) < 0 ||
	    v < VIO_MIN_QUEUE_SIZE || (v & (v - 1)) != 0) {
		*why = "must be a power of two from 64 to 32768";
		return -EINVAL;
	}
	da->queue_size = (uint16_t)v;
	da->queue_size_set = true;
	return 0;
}

static int
arg_mac(const char *val, struct vio_devargs *da, const char **why)
{
	if (val == NULL || rte_ether_unformat_addr(val, &da->mac) < 0) {
		*why = "must be a MAC address like 02:00:00:00:00:01";
		return -EINVAL;
	}
	if (!rte_is_valid_assigned_ether_addr(&da->mac)) {
		*why = "must be a unicast, non-zero MAC address";
		return -EINVAL;
	}
	da->mac_set = true;
	return 0;
}

static int
arg_mrg_rxbuf(const char *val, struct vio_devargs *da, const char **why)
{
	return parse_bool(val, &da->mrg_rxbuf, why);
}

static int
arg_in_order(const char *val, struct vio_devargs *da, const char **why)
{
	return parse_bool(val, &da->in_order, why);
}

static int
arg_packed_vq(const char *val, struct vio_devargs *da, const char **why)
{
	return parse_bool(val, &da->packed_vq, why);
}

static int
arg_speed(const char *val, struct vio_devargs *da, const char **why)
{
	unsigned long v;

	if (parse_uint(val, UINT32_MAX, &v) < 0 || v == 0) {
		*why = "must be a link speed in Mbit/s, e.g. 10000";
		return -EINVAL;
	}
	da->speed = (uint32_t)v;
	da->speed_set = true;
	return 0;
}

static int
arg_legacy(const char *val, struct vio_devargs *da, const char **why)
{
	return parse_bool(val, &da->legacy, why);
}

/* Taken for command lines written for DPDK's virtio drivers; vio has no
 * vector datapaths yet, so 1 is noted in the log and the scalar ones run. */
static int
arg_vectorized(const char *val, struct vio_devargs *da, const char **why)
{
	return parse_bool(val, &da->vectorized, why);
}

/* net_virtio_user's control queue count (0 or more; > 0 asks for one). */
static int
arg_cq(const char *val, struct vio_devargs *da, const char **why)
{
	unsigned long v;

	if (parse_uint(val, UINT16_MAX, &v) < 0) {
		*why = "must be 0 or 1 (a control virtqueue or not)";
		return -EINVAL;
	}
	da->cq = v != 0;
	return 0;
}

/* The tap name of a vhost-kernel port (the transport says when it has
 * no effect: over vhost-user). */
static int
arg_iface(const char *val, struct vio_devargs *da, const char **why)
{
	if (val == NULL || *val == '\0' || strlen(val) >= sizeof(da->iface)) {
		*why = "must be an interface name of at most 15 characters";
		return -EINVAL;
	}
	strcpy(da->iface, val);
	return 0;
}

/* server=1: vio creates the socket and a backend connects to it. */
static int
arg_server(const char *val, struct vio_devargs *da, const char **why)
{
	return parse_bool(val, &da->server, why);
}

/* Client mode: connect again to a backend that was lost (default). */
static int
arg_reconnect(const char *val, struct vio_devargs *da, const char **why)
{
	return parse_bool(val, &da->reconnect, why);
}

/* The server socket's file mode, octal (0600 by default): whoever can
 * connect gets read/write access to the application's DPDK memory. */
static int
arg_socket_mode(const char *val, struct vio_devargs *da, const char **why)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = val != NULL && *val != '\0' ? strtoul(val, &end, 8) : ULONG_MAX;
	if (v == ULONG_MAX || errno != 0 || *end != '\0' || v > 0777 ||
	    (v & 0600) != 0600) {
		*why = "must be an octal file mode up to 0777 that keeps the owner's rw (e.g. 0660)";
		return -EINVAL;
	}
	da->socket_mode = (uint32_t)v;
	return 0;
}

/* A key added here also goes into the RTE_PMD_REGISTER_PARAM_STRING of each
 * driver that takes it (test_pmdinfo fails until it does). */
static const struct vio_devarg vio_devargs_table[] = {
	{ "path", arg_path, VIO_DA_VDEV },
	{ "queues", arg_queues, VIO_DA_ALL },
	{ "queue_size", arg_queue_size, VIO_DA_ALL },
	{ "mac", arg_mac, VIO_DA_ALL },
	{ "mrg_rxbuf", arg_mrg_rxbuf, VIO_DA_ALL },
	{ "in_order", arg_in_order, VIO_DA_ALL },
	{ "packed_vq", arg_packed_vq, VIO_DA_ALL },
	{ "speed", arg_speed, VIO_DA_ALL },
	{ "legacy", arg_legacy, VIO_DA_PCI },
	{ "vectorized", arg_vectorized, VIO_DA_ALL },
	{ "cq", arg_cq, VIO_DA_ALL },
	{ "iface", arg_iface, VIO_DA_VDEV },
	{ "server", arg_server, VIO_DA_VDEV },
	{ "socket_mode", arg_socket_mode, VIO_DA_VDEV },
	{ "reconnect", arg_reconnect, VIO_DA_VDEV },
};

static const struct vio_devarg *
find_devarg(const char *key)
{
	size_t i;

	for (i = 0; i < RTE_DIM(vio_devargs_table); i++)
		if (strcmp(vio_devargs_table[i].key, key) == 0)
			return &vio_devargs_table[i];
	return NULL;
}

static void
devargs_defaults(struct vio_devargs *da, unsigned int where)
{
	memset(da, 0, sizeof(*da));
	da->queues = 1;
	da->queue_size = VIO_DEFAULT_QUEUE_SIZE;
	da->mrg_rxbuf = true;
	da->speed = VIO_DEFAULT_SPEED;
	da->reconnect = true;
	/* Vector datapaths where the CPU, the EAL's max SIMD bitwidth and
	 * the negotiated features allow (vio_dp.c); vectorized=0: scalar. */
	da->vectorized = true;
	/* A PCI device offers a packed ring only when its VM was configured
	 * for one (QEMU packed=on): use it then, as DPDK's net_virtio does.
	 * virtio-user keeps split rings unless asked, like net_virtio_user. */
	da->packed_vq = where == VIO_DA_PCI;
}

/* The keys `where` takes, for the unknown-key message. */
static void
known_keys(unsigned int where, char *buf, size_t len)
{
	size_t i, off = 0;

	buf[0] = '\0';
	for (i = 0; i < RTE_DIM(vio_devargs_table) && off < len; i++)
		if (vio_devargs_table[i].where & where)
			off += snprintf(buf + off, len - off, "%s%s",
					off ? ", " : "", vio_devargs_table[i].key);
}

static int
devargs_parse(const char *dev_name, const char *args, struct vio_devargs *da,
	      unsigned int where)
{
	char known[256];
	struct rte_kvargs *kv;
	unsigned int i;
	int ret = 0;

	devargs_defaults(da, where);
	if (args == NULL || *args == '\0')
		return 0;
	/* No key list here: rte_kvargs would reject an unknown key without
	 * saying which one. */
	kv = rte_kvargs_parse(args, NULL);
	if (kv == NULL) {
		VIO_PMD_LOG(init, ERR, "%s: cannot parse devargs '%s' (expected key=value,...)",
			    dev_name, args);
		return -EINVAL;
	}
	for (i = 0; i < kv->count && ret == 0; i++) {
		const struct rte_kvargs_pair *p = &kv->pairs[i];
		const struct vio_devarg *d = find_devarg(p->key);
		const char *why = "";

		if (d == NULL || !(d->where & where)) {
			known_keys(where, known, sizeof(known));
			VIO_PMD_LOG(init, ERR, "%s: %s devarg '%s' (known: %s)",
				    dev_name, d == NULL ? "unknown" :
				    where == VIO_DA_PCI ? "a PCI device takes no" :
				    "a vdev takes no", p->key, known);
			ret = -EINVAL;
			break;
		}
		ret = d->parse(p->value, da, &why);
		if (ret < 0)
			VIO_PMD_LOG(init, ERR, "%s: devarg %s=%s rejected: %s",
				    dev_name, p->key, p->value ? p->value : "",
				    why);
	}
	rte_kvargs_free(kv);
	return ret;
}

int
vio_devargs_parse(const char *dev_name, const char *args,
		  struct vio_devargs *da)
{
	return devargs_parse(dev_name, args, da, VIO_DA_VDEV);
}

int
vio_devargs_parse_pci(const char *dev_name, const char *args,
		      struct vio_devargs *da)
{
	return devargs_parse(dev_name, args, da, VIO_DA_PCI);
}
