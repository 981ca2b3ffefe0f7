# SPDX-License-Identifier: BSD-3-Clause
"""Run Open vSwitch with DPDK (Debian's openvswitch-switch-dpdk) for vio's
integration tests, inside a vio_harness Session.

An Ovs owns a private directory under the session's (database, sockets,
pid files, logs: OVS_RUNDIR, OVS_DBDIR and OVS_LOGDIR all point there),
runs ovsdb-server and the DPDK build of ovs-vswitchd as children of the
test (same process group: the test runner's timeout kills them too), and
loads the vio plugin through other_config:dpdk-extra. Nothing of the
system's OVS is used: no service, no /etc/openvswitch, no
update-alternatives.

    with Session() as s, Ovs(s) as ovs:
        be1, be2 = s.backend(), s.backend()
        ovs.add_bridge()
        ovs.add_vio_port("p1", be1.sock, 1)
        ovs.vsctl("get", "Interface", "p1", "statistics")

On exit (normally or by an exception) ovs-vswitchd and ovsdb-server are
asked to exit, then terminated, then killed, each bounded, and their
directory and EAL runtime directory are removed. On a failure the last
lines of ovs-vswitchd's log go to stderr.

Environment: VIO_OVS_VSWITCHD (default the Debian DPDK build,
/usr/lib/openvswitch-switch-dpdk/ovs-vswitchd-dpdk); VIO_PLUGIN and
VIO_HUGEPAGES as in vio_harness (OVS gets --no-huge --legacy-mem by
default, reserved hugepages with VIO_HUGEPAGES=1).
"""
import os
import re
import shutil
import signal
import subprocess
import sys

import vio_harness
from vio_harness import HarnessError, Skip, wait_for

VSWITCHD_DPDK = "/usr/lib/openvswitch-switch-dpdk/ovs-vswitchd-dpdk"
SCHEMA = "/usr/share/openvswitch/vswitch.ovsschema"
BRIDGE = "br0"
CMD_TIMEOUT = 30


def vswitchd_path():
    return os.environ.get("VIO_OVS_VSWITCHD") or VSWITCHD_DPDK


def parse_map(text):
    """ovs-vsctl's map output '{a=1, b="x y"}' -> {'a': 1, 'b': 'x y'};
    numbers as int."""
    d = {}
    for k, v in re.findall(r'([\w-]+)=("(?:[^"\\]|\\.)*"|[^,}]*)', text.strip()):
        v = v.strip()
        if v.startswith('"'):
            v = v[1:-1]
        d[k] = int(v) if re.fullmatch(r"-?\d+", v) else v
    return d


class Ovs:
    """ovsdb-server plus ovs-vswitchd (DPDK) in a private directory.

    lcore_mask: OVS's non-PMD (main) lcore; pmd_mask: its PMD threads.
    The vio_harness backends forward on lcore 0, so by default OVS's PMD
    thread gets core 1 and its mostly idle main thread core 0."""

    def __init__(self, session, mem=1024, lcore_mask="0x1", pmd_mask="0x2",
                 other_config=None, start_timeout=60):
        self.session = session
        self.mem, self.lcore_mask, self.pmd_mask = mem, lcore_mask, pmd_mask
        self.other_config = dict(other_config or {})
        self.start_timeout = start_timeout
        self.dir = None
        self.procs = []
        self.prefix = None

    # --- life cycle ----------------------------------------------------

    def __enter__(self):
        for prog in (vswitchd_path(), shutil.which("ovsdb-server"), shutil.which("ovs-vsctl")):
            if not prog or not os.path.exists(prog):
                raise Skip("Open vSwitch with DPDK is not installed (openvswitch-switch-dpdk;"
                           " usertools/vio-test.sh installs it)")
        plugin = vio_harness.plugin_path()
        if not os.path.exists(plugin):
            raise HarnessError("plugin %s not found: build it with usertools/vio-setup.sh" % plugin)
        self.dir = self.session.path("ovs")
        os.mkdir(self.dir, 0o700)
        self.prefix = self.session.prefix("ovs")
        self.env = dict(os.environ, OVS_RUNDIR=self.dir, OVS_DBDIR=self.dir,
                        OVS_LOGDIR=self.dir, OVS_SYSCONFDIR=self.dir)
        try:
            self._start(plugin)
        except BaseException:
            self._dump_log()
            self.close()
            raise
        return self

    def __exit__(self, etype, exc, tb):
        if etype is not None and not issubclass(etype, Skip):
            self._dump_log()
        self.close()
        return False

    def path(self, name):
        return os.path.join(self.dir, name)

    @property
    def db(self):
        return "unix:" + self.path("db.sock")

    def _spawn(self, name, args):
        log = open(self.path(name + ".out"), "wb")
        # Not --detach: a detached daemon would leave the test's process
        # group, and the runner's timeout would no longer reach it.
        # ovs-vswitchd loads the plugin (ovsdb-server does not). Not
        # leak-checked: it leaves its own allocations behind at exit.
        env = vio_harness.app_env(self.env, leaks=False) if name == "ovs-vswitchd" else self.env
        p = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                             env=env, cwd=self.dir)
        log.close()
        p.ovs_name = name
        self.procs.append(p)
        return p

    def _alive_or_raise(self, p):
        if p.poll() is not None:
            raise HarnessError("%s exited with status %s:\n%s" % (p.ovs_name, p.returncode, self.log_tail(
                name=p.ovs_name)))

    def _start(self, plugin):
        self._run(["ovsdb-tool", "create", self.path("conf.db"), SCHEMA])
        db = self._spawn("ovsdb-server", [
            "ovsdb-server", self.path("conf.db"), "--remote=punix:" + self.path("db.sock"),
            "--pidfile=" + self.path("ovsdb-server.pid"),
            "--unixctl=" + self.path("ovsdb-server.ctl"),
            "--log-file=" + self.path("ovsdb-server.log")])
        wait_for(lambda: self._alive_or_raise(db) or os.path.exists(self.path("db.sock")), 20,
                 what="ovsdb-server's socket")
        mem = vio_harness.mem_eal(self.mem)
        # OVS adds --in-memory unless it finds --legacy-mem (or itself),
        # and the EAL rejects --in-memory together with --no-huge.
        if "--no-huge" in mem:
            mem.append("--legacy-mem")
        extra = "%s --no-pci --file-prefix=%s -d %s" % (" ".join(mem), self.prefix, plugin)
        oc = {"dpdk-init": "true", "dpdk-extra": extra, "per-port-memory": "true",
              "dpdk-lcore-mask": self.lcore_mask, "pmd-cpu-mask": self.pmd_mask}
        oc.update(self.other_config)
        self.vsctl("--no-wait", "init")
        self.vsctl("--no-wait", "set", "Open_vSwitch", ".",
                   *['other_config:%s="%s"' % (k, v) for k, v in oc.items()])
        self._vswitchd_args = [
            vswitchd_path(), self.db, "--pidfile=" + self.path("ovs-vswitchd.pid"),
            "--unixctl=" + self.path("ovs-vswitchd.ctl"),
            "--log-file=" + self.path("ovs-vswitchd.log")]
        self.start_vswitchd()

    def close(self):
        """Stop ovs-vswitchd, then ovsdb-server: `ovs-appctl exit`, then
        SIGTERM, then SIGKILL, each bounded; remove the files."""
        for p in reversed(self.procs):
            if p.poll() is None:
                ctl = self.path(p.ovs_name + ".ctl")
                try:
                    subprocess.run(["ovs-appctl", "-t", ctl, "exit"], env=self.env, timeout=10,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                except subprocess.TimeoutExpired:
                    pass
            for sig, t in ((None, 20), (signal.SIGTERM, 5), (signal.SIGKILL, 5)):
                if sig is not None and p.poll() is None:
                    sys.stderr.write("%s: still running, sending %s\n" % (p.ovs_name, sig.name))
                    p.send_signal(sig)
                try:
                    p.wait(t)
                    break
                except subprocess.TimeoutExpired:
                    pass
        self.procs = []
        logs = os.environ.get("VIO_LOG_DIR")
        if logs and self.dir and os.path.isdir(self.dir):
            os.makedirs(logs, exist_ok=True)
            for f in ("ovs-vswitchd.log", "ovsdb-server.log"):
                if os.path.exists(self.path(f)):
                    shutil.copy(self.path(f), os.path.join(logs, "%s-%s" % (self.prefix, f)))
        if self.prefix:
            shutil.rmtree(os.path.join(vio_harness.DPDK_RUN_DIR, self.prefix), ignore_errors=True)
        if self.dir:
            shutil.rmtree(self.dir, ignore_errors=True)

    # --- commands --------------------------------------------------------

    def _run(self, args, timeout=CMD_TIMEOUT):
        try:
            p = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=self.env,
                               timeout=timeout)
        except subprocess.TimeoutExpired:
            raise HarnessError("%s: no answer after %ss" % (" ".join(args), timeout))
        if p.returncode != 0:
            raise HarnessError("%s: exit status %d: %s" % (" ".join(args), p.returncode,
                                                            p.stderr.decode("utf-8", "replace").strip()))
        return p.stdout.decode("utf-8", "replace").strip()

    def vsctl(self, *args, timeout=CMD_TIMEOUT):
        """ovs-vsctl on this instance's database; its output, stripped.
        Commands that change the configuration wait (bounded) until
        ovs-vswitchd has applied them, unless "--no-wait" is given."""
        return self._run(["ovs-vsctl", "--db=" + self.db, "--timeout=%d" % timeout] + list(args),
                         timeout + 5)

    def ofctl(self, *args):
        return self._run(["ovs-ofctl"] + list(args))

    def appctl(self, *args):
        return self._run(["ovs-appctl", "-t", self.path("ovs-vswitchd.ctl")] + list(args))

    # --- bridges and ports -------------------------------------------------

    def add_bridge(self, br=BRIDGE):
        self.vsctl("add-br", br, "--", "set", "Bridge", br, "datapath_type=netdev")
        return br

    def add_vio_port(self, name, sock, ofport, devargs="", options=(), br=BRIDGE, index=None,
                     settings=()):
        """A type=dpdk port on a vio virtio-user device (net_vio_user<index>,
        default <ofport>) connected to `sock`. options: more
        "options:k=v"-free pairs ("n_rxq_desc=256"); settings: other
        Interface columns ("mtu_request=9000")."""
        index = ofport if index is None else index
        dev = ",".join(["net_vio_user%d" % index, "path=" + sock] + ([devargs] if devargs else []))
        args = ["add-port", br, name, "--", "set", "Interface", name, "type=dpdk",
                'options:dpdk-devargs="%s"' % dev, "ofport_request=%d" % ofport]
        args += ["options:%s" % o for o in options] + list(settings)
        self.vsctl(*args)
        return name

    def add_vhost_client_port(self, name, sock, ofport, br=BRIDGE):
        """A type=dpdkvhostuserclient port: OVS's vhost library connects to
        `sock`, which a virtio-user port serves (vio with server=1)."""
        self.vsctl("add-port", br, name, "--", "set", "Interface", name,
                   "type=dpdkvhostuserclient", "options:vhost-server-path=" + sock,
                   "ofport_request=%d" % ofport)
        return name

    def kill_vswitchd(self):
        """SIGKILL ovs-vswitchd (a crash: nothing is closed cleanly)."""
        self.vswitchd.send_signal(signal.SIGKILL)
        self.vswitchd.wait(10)
        self.procs.remove(self.vswitchd)

    def start_vswitchd(self):
        """ovs-vswitchd again on the same database (its ports and flows)."""
        vs = self._spawn("ovs-vswitchd", self._vswitchd_args)
        self.vswitchd = vs
        wait_for(lambda: self._alive_or_raise(vs) or
                 self.vsctl("get", "Open_vSwitch", ".", "dpdk_initialized") == "true",
                 self.start_timeout, 0.2, what="ovs-vswitchd dpdk_initialized=true")

    def del_port(self, name, br=BRIDGE):
        self.vsctl("del-port", br, name)

    def interface(self, name, column):
        return self.vsctl("get", "Interface", name, column)

    def stats(self, name):
        """Interface statistics: rx_packets, tx_packets, rx_dropped, ..."""
        return parse_map(self.interface(name, "statistics"))

    def status(self, name):
        """The Interface's status column, as the database has it."""
        return parse_map(self.interface(name, "status"))

    def port_stats(self, ofport, br=BRIDGE):
        """The port's counters now, over OpenFlow 1.4 (the database's
        statistics column lags by up to stats-update-interval, 5 s):
        rx_packets, rx_bytes, rx_dropped, rx_errors, tx_* the same, and
        OVS's custom ones (ovs_tx_failure_drops, ...)."""
        out = self.ofctl("-O", "OpenFlow14", "dump-ports", br, str(ofport))
        d = {}
        for side, fields in re.findall(r"\b(rx|tx) (pkts=.*)", out):
            for k, v in re.findall(r"(\w+)=(\d+)", fields):
                k = {"pkts": "packets", "drop": "dropped", "errs": "errors"}.get(k, k)
                d["%s_%s" % (side, k)] = int(v)
        custom = out.split("CUSTOM Statistics", 1)
        if len(custom) == 2:
            d.update((k, int(v)) for k, v in re.findall(r"(\w+)=(\d+)", custom[1]))
        if "rx_packets" not in d:
            raise HarnessError("no port %s statistics in:\n%s" % (ofport, out))
        return d

    def dp_drops(self):
        """{counter: total} of the datapath's own drop counters
        (coverage/show's datapath_drop_* and drop_action_*): packets
        OVS received and dropped itself, which no port counts; e.g.
        datapath_drop_upcall_error for a packet that comes in on a port
        before the bridge has it. Totals follow within about a second
        (each thread hands its counts over on its own)."""
        out = self.appctl("coverage/show")
        return {k: int(v) for k, v in
                re.findall(r"^((?:datapath_drop|drop_action)_\w+)\s.*\btotal: (\d+)", out, re.M)}

    def dp_status(self, name):
        """What ovs-vswitchd reports for the port now (`dpctl/show`):
        {'configured_rxq_descriptors': 2048, 'rx_csum_offload': 'true',
        'mtu': 1500, ...}; None if the datapath has no such port."""
        out = self.appctl("dpctl/show")
        m = re.search(r"port \d+: %s \((.*)\)\s*$" % re.escape(name), out, re.M)
        if not m:
            return None
        return parse_map("{" + m.group(1).split(":", 1)[-1] + "}")

    def port_error(self, name):
        """The Interface's error column: None when OVS configured it."""
        e = self.interface(name, "error")
        return None if e in ("[]", "") else e.strip('"')

    def wait_port(self, name, timeout=60):
        """Until OVS has configured the port (an ofport, no error) and it
        runs its datapath; raises with the error OVS recorded."""
        def ready():
            err = self.port_error(name)
            if err:
                raise HarnessError("Interface %s: %s\n%s" % (name, err, self.log_tail(30)))
            return self.interface(name, "ofport") not in ("[]", "-1") and \
                self.status(name).get("port_no") is not None
        wait_for(ready, timeout, 0.3, what="Interface %s configured" % name)

    def flows(self, *flows, br=BRIDGE):
        """Replace the bridge's OpenFlow table with `flows`."""
        self.ofctl("del-flows", br)
        for f in flows:
            self.ofctl("add-flow", br, f)

    # --- logs ------------------------------------------------------------

    def log(self, name="ovs-vswitchd"):
        try:
            with open(self.path(name + ".log"), errors="replace") as f:
                return f.read()
        except OSError:
            try:
                with open(self.path(name + ".out"), errors="replace") as f:
                    return f.read()
            except OSError:
                return ""

    def log_tail(self, n=40, name="ovs-vswitchd"):
        return "\n".join("  %s| %s" % (name, l) for l in self.log(name).splitlines()[-n:])

    def log_lines(self, pattern):
        """Lines of ovs-vswitchd's log matching the regular expression."""
        r = re.compile(pattern)
        return [l for l in self.log().splitlines() if r.search(l)]

    def _dump_log(self):
        if self.dir and os.path.isdir(self.dir):
            sys.stderr.write("--- last lines of ovs-vswitchd.log\n%s\n" % self.log_tail(80))
