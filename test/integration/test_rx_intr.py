# SPDX-License-Identifier: BSD-3-Clause
"""Rx interrupts with DPDK's l3fwd-power example, after DPDK's DTS plan
vhost_virtio_user_interrupt: l3fwd-power in interrupt-only mode on a
frontend port against a net_vhost backend in testpmd:

    backend (start tx_first N: N bursts of 32) -> port 0 -> l3fwd-power
    -> port 0 -> backend (rxonly, counts them)

l3fwd-power polls while packets come, and once the queue has been idle
it enables the rx interrupt (rte_eth_dev_rx_intr_enable) and sleeps in
epoll on the queue's eventfd (rte_eth_dev_rx_intr_ctl_q), 10 ms at a
time. It logs "lcore L is waked up from rx interrupt on port 0 queue 0"
only when the eventfd fired, and "lcore L sleeps until interrupt
triggers" when it goes back to sleep after such a wake-up. Checked: no
wake-up while no packet comes, a wake-up for each round of traffic and
the sleep after it, and every packet of each round forwarded back (its
TTL decremented: counted by the backend). With two queue pairs, each
rx queue on its own lcore, both queues wake.

usertools/vio-examples.sh l3fwd-power builds the example.
"""
import os
import re
import signal
import time

from vio_harness import (REPO, HarnessError, Session, Testpmd, check, driver_eal, equal,
                         mem_eal, settle)

TIMEOUT = 180
BURSTS = 4          # of 32 packets: one round of traffic
ROUNDS = 3
WAKE = re.compile(r"lcore (\d+) is waked up from rx interrupt on port (\d+) queue (\d+)")
SLEEP = re.compile(r"lcore \d+ sleeps until interrupt triggers")
LOOP = "entering main interrupt loop"


def l3fwd_power_path():
    return os.environ.get("VIO_L3FWD_POWER") or os.path.join(
        REPO, "build", "examples", "l3fwd-power", "build", "l3fwd-power")


def check_l3fwd_power():
    if not os.path.exists(l3fwd_power_path()):
        raise HarnessError("%s not found: build it with usertools/vio-examples.sh l3fwd-power"
                           % l3fwd_power_path())


class L3fwdLog:
    """What l3fwd-power's output says, for a Testpmd-like process whose
    output it is (here, or a guest's terminal)."""

    def launch(self, timeout=60):
        """Start; return once l3fwd-power entered its interrupt loop."""
        self._spawn()
        with self._cv:
            self._cv.wait_for(lambda: LOOP in self.output or self._eof, timeout)
            if LOOP not in self.output:
                raise HarnessError("%s: no interrupt loop after %ss (%s)" % (
                    self.name, timeout, "exited" if self._eof else "still starting"))
        self.startup = self.output.replace("\r", "")
        return self.startup

    def has_port(self):
        return self.alive()

    def wakes(self):
        return [m.groups() for m in WAKE.finditer(self.output)]

    def sleeps(self):
        return len(SLEEP.findall(self.output))


class L3fwdPower(L3fwdLog, Testpmd):
    """dpdk-l3fwd-power --interrupt-only, not interactive; stops on SIGINT."""

    app_preload = True

    def __init__(self, session, name, eal, app):
        super().__init__(session, name, eal, app)
        self.args = ["stdbuf", "-o0", l3fwd_power_path(), "--file-prefix=" + self.prefix] \
            + list(eal) + ["--"] + list(app)

    def launch(self, timeout=60):
        check_l3fwd_power()
        return super().launch(timeout)

    def _ask_to_quit(self):
        self.signal(signal.SIGINT)


def l3fwd_power(s, sock, devargs="", queues=1):
    """Rx queue q on lcore q + 2 - queues: lcore 1 alone, or 0 and 1 (an
    lcore per queue: l3fwd-power opens a tx queue per lcore, and vio runs
    as many rx as tx queues)."""
    args = ["path=" + sock] + ([devargs] if devargs else [])
    lcores = list(range(2 - queues, 2))
    eal = mem_eal(s.mem) + ["--no-pci", "-l", ",".join(map(str, lcores)),
                            "--log-level=user1,7", "--log-level=pmd.net.vio.driver:info"] \
        + driver_eal(s.driver, [args])
    config = ",".join("(0,%d,%d)" % (q, c) for q, c in enumerate(lcores))
    app = ["-p", "0x1", "--config=" + config, "--parse-ptype", "--interrupt-only"]
    p = L3fwdPower(s, "l3fwd-power", eal, app)
    p.launch()
    check("RX interrupt won't enable" not in p.output,
          "l3fwd-power could not register the rx interrupt:\n" + p.tail(30))
    return p


def wakes_settled(p, quiet=2.0, timeout=30):
    """The wake-up count once it stayed the same for `quiet` s: a
    notification that came while the lcore was awake may still wake it
    once after the traffic."""
    end = time.monotonic() + timeout
    last, since = len(p.wakes()), time.monotonic()
    while time.monotonic() < end and time.monotonic() - since < quiet:
        time.sleep(0.1)
        n = len(p.wakes())
        if n != last:
            last, since = n, time.monotonic()
    return last


def wait_output(p, pred, timeout, what):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if pred():
            return
        time.sleep(0.1)
    raise AssertionError("%s: not seen within %ss:\n%s" % (what, timeout, p.tail(30)))


def run(devargs="", queues=1):
    with Session() as s:
        if queues > 1:
            be = s.backend(fwd="rxonly", vdev_args="queues=%d" % queues,
                           app=["--rxq=%d" % queues, "--txq=%d" % queues])
            devargs = ",".join(filter(None, [devargs, "queues=%d" % queues]))
        else:
            be = s.backend(fwd="rxonly")
        l3 = l3fwd_power(s, be.sock, devargs, queues)
        who = {(str(q + 2 - queues), "0", str(q)) for q in range(queues)}
        check(re.search(r"vio: port 0: rx interrupts on %d queue" % queues, l3.output)
              or s.driver != "net_vio_user",
              "no rx interrupt set-up line from vio:\n" + l3.tail(30))
        # Idle: it sleeps, and nothing wakes it.
        time.sleep(1.5)
        equal(l3.wakes(), [], "wake-ups with no traffic")
        be.cmd("set fwd rxonly")
        for r in range(ROUNDS):
            w0, s0 = len(l3.wakes()), l3.sleeps()
            rx0 = be.stats()["RX-packets"]
            be.start(tx_first=BURSTS)
            # tx_first sends its bursts on each queue
            want = 32 * BURSTS * queues
            got = settle(be, "RX-packets", rx0 + want, timeout=20)["RX-packets"] - rx0
            be.stop()
            equal(got, want, "round %d: packets forwarded back by l3fwd-power" % r)
            wait_output(l3, lambda: len(l3.wakes()) > w0, 10, "round %d: wake-up" % r)
            check(set(l3.wakes()[w0:]) <= who, "round %d: woken: %r, expected among %r"
                  % (r, l3.wakes()[w0:], who))
            wait_output(l3, lambda: l3.sleeps() > s0, 10, "round %d: back to sleep" % r)
            print("round %d: %d packets forwarded, %d wake-up(s)" % (r, got, len(l3.wakes()) - w0))
        equal(set(l3.wakes()), who, "queues woken over the rounds")
        # Asleep again: no more wake-ups without traffic.
        w1 = wakes_settled(l3)
        time.sleep(1.5)
        equal(len(l3.wakes()), w1, "wake-ups with no traffic after the rounds")
        l3.quit()


def test_rx_intr_split():
    run()


def test_rx_intr_packed():
    run("packed_vq=1")


def test_rx_intr_split_inorder_mrg():
    run("in_order=1,mrg_rxbuf=1")


def test_rx_intr_two_queues():
    run(queues=2)
