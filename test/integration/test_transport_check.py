# SPDX-License-Identifier: BSD-3-Clause
"""lib/virtio's vhost-user transport on its own, without ethdev: the
vhost_user_check program negotiates, sets up the rings and sends packets
through a real net_vhost backend, whose counters must show every packet
and byte; then it resets, restarts and closes without leaking fds. With
--cq it also drives the control queue the transport executes itself
(filters acknowledged, MQ_VQ_PAIRS_SET as SET_VRING_ENABLE).
"""
import os
import subprocess

from vio_harness import Session, Skip, check, equal, settle

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
# VIO_BUILD: the sanitizer run's build-san/ (usertools/vio-test.sh).
PROGRAM = os.path.join(os.environ.get("VIO_BUILD") or os.path.join(TOP, "build"),
                       "test", "transport", "vhost_user_check")
PACKETS, ROUNDS = 32, 3


def run_check(vdev_args="", extra=()):
    if not os.path.exists(PROGRAM):
        raise Skip("%s not built" % PROGRAM)
    with Session() as s:
        be = s.backend(fwd="rxonly", vdev_args=vdev_args)
        be.start()
        prefix = s.prefix("tc")
        cmd = [PROGRAM, "--no-huge", "-m", "256", "--no-pci", "--file-prefix=" + prefix,
               "-l", "1", "--", "--path", be.sock, "--packets", str(PACKETS),
               "--rounds", str(ROUNDS)] + list(extra)
        r = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, text=True, timeout=60)
        out = r.stdout
        check(r.returncode == 0, "vhost_user_check exited %d:\n%s" % (r.returncode, out[-3000:]))
        check("FAIL" not in out and "PASS" in out, "vhost_user_check output:\n%s" % out[-3000:])
        n = PACKETS * ROUNDS
        bs = settle(be, "RX-packets", n)
        be.stop()
        equal(bs["RX-packets"], n, "backend RX-packets vs packets the transport sent")
        equal(bs["RX-bytes"], 64 * n, "backend RX-bytes vs 64 * packets")
        return out


def test_transport_check_against_net_vhost():
    run_check()


def test_transport_check_control_queue():
    """Two queue pairs and the control queue: every round's commands are
    answered by the transport (never by the backend), and traffic on the
    first pair still reaches the backend after MQ_VQ_PAIRS_SET."""
    out = run_check(vdev_args="queues=2", extra=["--queue-pairs", "2", "--cq"])
    for name in ("cvq_setup", "cvq_filters", "cvq_mq"):
        equal(out.count("PASS " + name), ROUNDS, "rounds that passed " + name)


def test_transport_check_control_queue_without_mq():
    """Two queue pairs at the device, MQ not negotiated: the control queue
    is virtqueue 2 (5.1.2) and MQ_VQ_PAIRS_SET is refused."""
    out = run_check(vdev_args="queues=2", extra=["--queue-pairs", "2", "--cq-no-mq"])
    for name in ("cvq_setup", "cvq_filters"):
        equal(out.count("PASS " + name), ROUNDS, "rounds that passed " + name)
