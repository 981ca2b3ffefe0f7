# SPDX-License-Identifier: BSD-3-Clause
"""Drive dpdk-testpmd pairs for vio's integration tests and benchmarks.

A Session owns a private 0700 temp directory (vhost-user sockets live there),
hands out unique EAL file prefixes, starts testpmd processes and, when the
`with` block ends (normally or by an exception), stops every process and
removes its sockets and /var/run/dpdk/<prefix> directory.

    with Session() as s:
        be = s.backend(fwd="rxonly")               # net_vhost0 on a socket
        fe = s.frontend(be.sock, "mrg_rxbuf=0", fwd="txonly")
        fe.start(); time.sleep(1); fe.stop()
        print(fe.stats()["TX-packets"])

Both sides run testpmd interactively (-i) fed through a pipe; cmd() writes
one command and returns its output up to the next prompt. Every wait is
bounded. The backend forwards on lcore 0, the frontend on lcore 1.

Environment: VIO_FRONTEND (net_vio_user or net_virtio_user, default
net_vio_user), VIO_PLUGIN (default <repo>/build/librte_net_vio.so),
VIO_TESTPMD (default dpdk-testpmd), VIO_TMPDIR (where temp dirs go).
"""
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from unittest import SkipTest as Skip

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PROMPT = "testpmd> "
# testpmd prints its prompt on stdout while the vhost library's log lines
# (stderr, the same pipe) and testpmd's own event lines (another thread)
# may land in the middle of it: "test" "VHOST_CONFIG: ...\n" "pmd> ".
# So may a frontend driver's lines from its alarm or interrupt thread
# (vio's "vio: ...", net_virtio's "function(): ...").
# The prompt is found with any such whole lines between its characters.
_INTERLEAVED = r"(?:(?:VHOST_[A-Z]+|vio|\w+\(\)): [^\n]*\n|\nPort \d+: [^\n]*\n)*"
PROMPT_RE = re.compile(_INTERLEAVED.join(re.escape(c) for c in PROMPT))
DPDK_RUN_DIR = "/var/run/dpdk"
NO_PORT = "No probed ethernet devices"


def frontend_driver():
    return os.environ.get("VIO_FRONTEND") or "net_vio_user"


def plugin_path():
    return os.environ.get("VIO_PLUGIN") or os.path.join(REPO, "build", "librte_net_vio.so")


def mem_eal(mem):
    """EAL memory options: --no-huge by default; with VIO_HUGEPAGES=1,
    reserved hugepages (one file per memory list, so that the vhost-user
    memory table stays within its 8 regions). 4 KB pages make throughput
    depend on where the mbufs happened to land (TLB misses on both sides),
    so benchmarks are steadier on hugepages."""
    if os.environ.get("VIO_HUGEPAGES") == "1":
        return ["--single-file-segments", "-m", str(mem)]
    return ["--no-huge", "-m", str(mem)]


HUGEPAGES_2M = "/sys/kernel/mm/hugepages/hugepages-2048kB"


def _hp_read(name):
    with open(os.path.join(HUGEPAGES_2M, name)) as f:
        return int(f.read())


class Hugepages:
    """At least `pages` free 2 MB hugepages while in the block: reserves
    what is missing (as root) and gives that back afterwards. With
    mount=True also a private hugetlbfs of 2 MB pages (.dir), for
    processes that share their memory (DPDK's multi-process needs page
    files), unmounted afterwards. Skips when the kernel cannot."""

    def __init__(self, pages, mount=False):
        self.pages, self.mount, self.dir = pages, mount, None
        self.orig, self.changed = None, False

    def __enter__(self):
        if not os.path.isdir(HUGEPAGES_2M):
            raise Skip("no 2 MB hugepage support in this kernel")
        self.orig = _hp_read("nr_hugepages")
        missing = self.pages - _hp_read("free_hugepages")
        if missing > 0:
            try:
                with open(os.path.join(HUGEPAGES_2M, "nr_hugepages"), "w") as f:
                    f.write(str(self.orig + missing))
                self.changed = True
            except OSError as e:
                raise Skip("cannot reserve %d 2 MB hugepages: %s" % (missing, e))
            if _hp_read("free_hugepages") < self.pages:
                self.__exit__(None, None, None)
                raise Skip("the kernel reserved fewer than %d free 2 MB hugepages" % self.pages)
        if self.mount:
            self.dir = tempfile.mkdtemp(prefix="vio-huge-")
            r = subprocess.run(["mount", "-t", "hugetlbfs", "-o", "pagesize=2M", "none", self.dir],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
            if r.returncode != 0:
                os.rmdir(self.dir)
                self.dir = None
                self.__exit__(None, None, None)
                raise Skip("cannot mount a hugetlbfs: %s" % r.stdout.strip())
        return self

    def __exit__(self, *exc):
        if self.dir:
            subprocess.run(["umount", self.dir], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            try:
                os.rmdir(self.dir)
            except OSError:
                pass
            self.dir = None
        if self.changed:
            with open(os.path.join(HUGEPAGES_2M, "nr_hugepages"), "w") as f:
                f.write(str(self.orig))
            self.changed = False
        return False


def testpmd_path():
    return os.environ.get("VIO_TESTPMD") or "dpdk-testpmd"


def app_env(base=None, leaks=True):
    """The environment of a DPDK application other than testpmd that loads
    the plugin (l2fwd, l3fwd-power, dpdk-proc-info, dpdk-pdump,
    ovs-vswitchd). Under VIO_SANITIZE, usertools/vio-test.sh names the
    ASan runtime in VIO_PRELOAD: it must be the first library of such a
    process (testpmd gets it from its wrapper, VIO_TESTPMD); loaded only
    with the instrumented plugin it cannot intercept what it needs.
    leaks=False: no leak check at its exit (doc/sanitizers.md says for
    which and why)."""
    env = dict(os.environ if base is None else base)
    pre = os.environ.get("VIO_PRELOAD")
    if pre:
        old = env.get("LD_PRELOAD")
        env["LD_PRELOAD"] = pre + (" " + old if old else "")
        if not leaks:
            env["ASAN_OPTIONS"] = env.get("ASAN_OPTIONS", "") + ":detect_leaks=0"
    return env


def txpkts(size):
    """testpmd's txpkts for a frame of `size` bytes: one mbuf up to 2048
    bytes (its default mbufs hold 2048 data bytes), else 2048-byte
    segments and the rest (9000: 2048,2048,2048,2048,808)."""
    segs = [2048] * (size // 2048) + ([size % 2048] if size % 2048 else [])
    return ",".join(map(str, segs))


class HarnessError(Exception):
    pass


def wait_for(pred, timeout, interval=0.1, what="condition"):
    """Poll pred() until it returns something true; return that value.
    Raises HarnessError after `timeout` seconds."""
    end = time.monotonic() + timeout
    while True:
        v = pred()
        if v:
            return v
        if time.monotonic() >= end:
            raise HarnessError("timed out after %ss waiting for %s" % (timeout, what))
        time.sleep(interval)


# --- parsers of testpmd output -------------------------------------------

_COUNTER = re.compile(r"([A-Za-z][\w-]*):\s+(\d+)\b")


def parse_counters(text):
    """'RX-packets: 12  RX-bytes:  768 ...' -> {'RX-packets': 12, ...}.
    The first occurrence of a key wins."""
    d = {}
    for k, v in _COUNTER.findall(text):
        d.setdefault(k, int(v))
    return d


def parse_port_stats(text):
    """Output of `show port stats 0` (NIC statistics: the PMD's counters)."""
    if "NIC statistics for port" not in text:
        raise HarnessError("not port stats output:\n" + text)
    return parse_counters(text.split("NIC statistics for port", 1)[1])


def parse_fwd_stats(text, port=0):
    """Output of `stop` or `show fwd stats all`: testpmd's own count of what
    the rx/tx bursts of `port` returned. Empty dict if there is none.
    With --record-core-cycles, 'cycles/packet' is added when printed."""
    m = re.search(r"Forward statistics for port %d\s+-+\n(.*?)\n\s*-{10,}" % port, text, re.S)
    if not m:
        return {}
    d = parse_counters(m.group(1))
    c = parse_cycles(text)
    if c is not None:
        d["cycles/packet"] = c
    return d


def parse_cycles(text):
    """With --record-core-cycles: the cycles per packet testpmd prints at
    `stop` for all of its forwarding streams together, or None."""
    c = re.search(r"CPU cycles/packet=([\d.]+)", text)
    return float(c.group(1)) if c else None


def parse_port_info(text):
    """Output of `show port info 0` -> {'Link status': 'up', ...}."""
    d = {}
    for line in text.splitlines():
        m = re.match(r"\s*([A-Za-z][^:]*?):\s*(.*?)\s*$", line)
        if m:
            d.setdefault(m.group(1), m.group(2))
    return d


# --- one testpmd process ------------------------------------------------

# DPDK's vhost library prints every device status a frontend sets, a line
# per bit ("VHOST_CONFIG: (...) \t-FAILED: 0"). Those lines land in the
# output of whatever command the backend's testpmd runs meanwhile, and a
# clear bit is no error.
_STATUS_BIT_CLEAR = re.compile(r"^VHOST_CONFIG: .*\t-[A-Z_]+: 0[ \t\r]*\n?", re.M)


def without_status_bits(text):
    """text without the vhost library's lines for clear status bits."""
    return _STATUS_BIT_CLEAR.sub("", text)


class Testpmd:
    """An interactive dpdk-testpmd. Its output (stdout and stderr) is read
    by a thread into `output`; cmd() consumes it prompt by prompt."""

    # Another DPDK application in testpmd's place: it needs app_env().
    app_preload = False

    def __init__(self, session, name, eal, app, wrapper=(), sock=None):
        self.session, self.name, self.sock = session, name, sock
        self.prefix = session.prefix(name)
        # stdout is a pipe: without stdbuf, testpmd's printf output would
        # arrive after the prompt that cmdline writes unbuffered.
        self.args = ["stdbuf", "-o0"] + list(wrapper) + [testpmd_path(), "--file-prefix=" + self.prefix] \
            + list(eal) + ["--", "-i"] + list(app)
        self.output = ""
        self.arrivals = []      # (len(output) after a read, time.monotonic())
        self._pos = 0
        self._eof = False
        self._cv = threading.Condition()
        self.proc = None

    def launch(self, timeout=30, wait=True):
        """Start the process and wait for its first prompt (or its exit).
        Returns the start-up output. wait=False: return at once, and
        wait_started() later."""
        self._spawn()
        return self.wait_started(timeout) if wait else None

    def wait_started(self, timeout=30):
        self.startup = self._until_prompt(timeout, "start-up")
        return self.startup

    def _spawn(self):
        self.session.procs.append(self)
        # Same process group as the caller: a test runner that kills a hung
        # test's group kills its testpmds too. Nothing here forks (stdbuf
        # and valgrind exec), so the pid is the whole of it.
        self.proc = subprocess.Popen(self.args, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT,
                                     env=app_env() if self.app_preload else None)
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self):
        fd = self.proc.stdout.fileno()
        while True:
            try:
                b = os.read(fd, 65536)
            except OSError:
                b = b""
            with self._cv:
                if not b:
                    self._eof = True
                    self._cv.notify_all()
                    return
                self.output += b.decode("utf-8", "replace")
                self.arrivals.append((len(self.output), time.monotonic()))
                self._cv.notify_all()

    def _until_prompt(self, timeout, what):
        with self._cv:
            self._cv.wait_for(lambda: PROMPT_RE.search(self.output, self._pos) or self._eof, timeout)
            m = PROMPT_RE.search(self.output, self._pos)
            if m is None:
                state = "no prompt after %ss" % timeout
                if self._eof:
                    try:
                        state = "exited with status %s" % self.proc.wait(5)
                    except subprocess.TimeoutExpired:
                        state = "closed its output"
                raise HarnessError("%s: %s: %s" % (self.name, what, state))
            out, self._pos = self.output[self._pos:m.start()], m.end()
        return out

    def tail(self, n=40):
        """The last n lines, without the vhost library's chatter."""
        keep = [l for l in without_status_bits(self.output).splitlines()
                if not l.startswith("VHOST_CONFIG") or re.search(r"(?i)err|fail|invalid", l)]
        return "\n".join("  %s| %s" % (self.name, l) for l in keep[-n:])

    def time_of(self, pattern, start=0):
        """When the first line matching `pattern` (a regex) at or after
        offset `start` of the output was read from the process
        (time.monotonic()), or None."""
        with self._cv:
            m = re.compile(pattern, re.M).search(self.output, start)
            if m is None:
                return None
            return next(t for end, t in self.arrivals if end >= m.end())

    @property
    def pid(self):
        return self.proc.pid

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def has_port(self):
        return self.alive() and NO_PORT not in self.startup

    def cmd(self, line, timeout=15):
        """Run one testpmd command; return its output (without the prompt)."""
        if not self.alive():
            raise HarnessError("%s: cannot run %r: process exited with %s"
                               % (self.name, line, self.proc.poll()))
        try:
            self.proc.stdin.write((line + "\n").encode())
            self.proc.stdin.flush()
        except OSError as e:
            raise HarnessError("%s: cannot write %r: %s" % (self.name, line, e))
        return self._until_prompt(timeout, repr(line))

    # forwarding and counters
    def start(self, tx_first=False):
        """start forwarding; tx_first: True, or a number of bursts."""
        line = "start" if not tx_first else "start tx_first" if tx_first is True else "start tx_first %s" % tx_first
        out = self.cmd(line)
        if "Fail" in out or "Invalid" in out or "Not all ports" in out:
            raise HarnessError("%s: start failed:\n%s" % (self.name, out))
        return out

    def stop(self):
        """Stop forwarding; return the forward statistics it prints."""
        return parse_fwd_stats(self.cmd("stop", timeout=30))

    def stats(self):
        return parse_port_stats(self.cmd("show port stats 0"))

    def stats_of(self, port):
        return parse_port_stats(self.cmd("show port stats %d" % port))

    def fwd_stats(self):
        return parse_fwd_stats(self.cmd("show fwd stats all"))

    def info(self):
        return parse_port_info(self.cmd("show port info 0"))

    def mbufs_in_use(self, pool="mb_pool_0"):
        """Objects of the mempool not in it (in rings, in flight, or leaked),
        from `dump_mempool`: size - common pool - per-lcore caches."""
        out = self.cmd("dump_mempool")
        m = re.search(r"mempool <%s>@.*?(?=\nmempool <|\Z)" % re.escape(pool), out, re.S)
        if not m:
            raise HarnessError("%s: no mempool %s in:\n%s" % (self.name, pool, out[:2000]))
        c = parse_counters(m.group(0).replace("=", ": "))
        return c["size"] - c["common_pool_count"] - c["total_cache_count"]

    def fd_count(self):
        return len(os.listdir("/proc/%d/fd" % self.pid))

    # shutdown
    def _ask_to_quit(self):
        try:
            self.proc.stdin.write(b"quit\n")
            self.proc.stdin.flush()
        except OSError:
            pass

    def signal(self, sig):
        if self.alive():
            os.kill(self.pid, sig)

    def quit(self, timeout=20):
        """`quit`, then SIGTERM, then SIGKILL, each bounded. Returns the
        exit status (negative: killed by that signal)."""
        if self.proc is None:
            return None
        if self.alive():
            self._ask_to_quit()
        for sig, t in ((None, timeout), (signal.SIGTERM, 5), (signal.SIGKILL, 5)):
            if sig is not None:
                sys.stderr.write("%s: still running, sending %s\n" % (self.name, sig.name))
                self.signal(sig)
            try:
                self.proc.wait(t)
                break
            except subprocess.TimeoutExpired:
                pass
        try:
            self.proc.stdin.close()
        except OSError:
            pass
        self._reader.join(5)
        self.proc.stdout.close()
        return self.proc.returncode


class Session:
    """A private directory, unique prefixes, and every process started in
    it; all stopped and removed on exit."""
    _count = 0

    def __init__(self, frontend=None, mem=512, mbufs=16384):
        self.driver = frontend or frontend_driver()
        # -m and the mbuf count set start-up time: net_vhost maps all of
        # the frontend's memory. 16384 mbufs of 10 KB still fit in 512 MB.
        self.mem, self.mbufs = str(mem), mbufs
        self.procs = []
        self.prefixes = []
        self.dir = None

    def __enter__(self):
        base = os.environ.get("VIO_TMPDIR") or None
        self.dir = tempfile.mkdtemp(prefix="vio-", dir=base)   # mode 0700
        return self

    def __exit__(self, etype, exc, tb):
        if etype is not None and not issubclass(etype, Skip):
            for p in self.procs:
                sys.stderr.write("--- last output of %s (%s)\n%s\n"
                                 % (p.name, " ".join(p.args), p.tail(60)))
        self.close()
        return False

    def close(self):
        for p in reversed(self.procs):
            p.quit(timeout=10)
        logs = os.environ.get("VIO_LOG_DIR")
        if logs:
            os.makedirs(logs, exist_ok=True)
            for p in self.procs:
                with open(os.path.join(logs, p.prefix + ".log"), "w") as f:
                    f.write(" ".join(p.args) + "\n" + p.output)
        for pre in self.prefixes:
            shutil.rmtree(os.path.join(DPDK_RUN_DIR, pre), ignore_errors=True)
        if self.dir:
            shutil.rmtree(self.dir, ignore_errors=True)

    def prefix(self, name):
        Session._count += 1
        p = "vio%d-%s%d" % (os.getpid(), name, Session._count)
        self.prefixes.append(p)
        return p

    def _app(self, fwd, mbuf_size, max_pkt_len, extra):
        a = ["--forward-mode=" + fwd, "--total-num-mbufs=%d" % self.mbufs]
        if mbuf_size:
            a.append("--mbuf-size=%d" % mbuf_size)
        if max_pkt_len:
            a.append("--max-pkt-len=%d" % max_pkt_len)
        return a + list(extra)

    def path(self, name):
        return os.path.join(self.dir, name)

    def backend(self, fwd="rxonly", txpkts=None, mbuf_size=None, max_pkt_len=None,
                vdev_args="", eal=(), app=(), sock=None, name="be", lcores=None, wait=True):
        """testpmd with net_vhost0 on a new socket, forwarding on lcore 0
        (lcores: an EAL --lcores map instead, for more forwarding lcores
        than CPUs).
        Returns once its prompt is up and the socket exists (with
        client=1 in vdev_args: once its prompt is up; it connects to the
        frontend's socket when the frontend serves it). wait=False:
        returns at once; the caller waits (wait_started)."""
        sock = sock or self.path("%s%d.sock" % (name, len(self.procs)))
        vdev = "net_vhost0,iface=" + sock + ("," + vdev_args if vdev_args else "")
        cores = ["-l", "0,1", "--main-lcore", "1"] if lcores is None else ["--lcores", lcores]
        eal = mem_eal(self.mem) + ["--no-pci", "--vdev", vdev] + cores + list(eal)
        p = Testpmd(self, name, eal, self._app(fwd, mbuf_size, max_pkt_len, app), sock=sock)
        p.launch(wait=wait)
        if not wait:
            return p
        _check_started(p, txpkts)
        if not re.search(r"(^|,)client=1(,|$)", vdev_args):
            wait_for(lambda: os.path.exists(sock), 10, what="socket " + sock)
        return p

    def frontend(self, sock, devargs="", fwd="io", txpkts=None, mbuf_size=None,
                 max_pkt_len=None, eal=(), app=(), wrapper=(), driver=None,
                 name="fe", check=True, timeout=30, lcores=None, wait=True):
        """testpmd with the frontend driver (vio, or DPDK's net_virtio_user)
        on `sock` (None: no path devarg), forwarding on lcore 1. With check,
        raises HarnessError unless port 0 was probed. wait=False returns
        at once (net_virtio_user's server mode blocks its probe until a
        backend connects); the caller waits (wait_started)."""
        driver = driver or self.driver
        args = ([] if sock is None else ["path=" + sock]) + ([devargs] if devargs else [])
        cores = ["-l", "0,1"] if lcores is None else ["--lcores", lcores]
        eal = mem_eal(self.mem) + ["--no-pci"] + cores + list(eal) + driver_eal(driver, [args])
        p = Testpmd(self, name, eal, self._app(fwd, mbuf_size, max_pkt_len, app),
                    wrapper=wrapper, sock=sock)
        p.launch(timeout, wait=wait)
        if check and wait:
            _check_started(p, txpkts)
        return p


    def l2fwd(self, socks, devargs="", driver=None, lcores="1", period=1, eal=(), app=(),
              name="l2fwd", timeout=60):
        """dpdk-l2fwd forwarding between frontend ports on `socks` (port i
        on socks[i]; l2fwd pairs ports 0-1, 2-3, ...) on one lcore,
        printing its statistics every `period` seconds. Returns once it
        forwards."""
        driver = driver or self.driver
        devs = [["path=" + sock] + ([devargs] if devargs else []) for sock in socks]
        eal = mem_eal(self.mem) + ["--no-pci", "-l", lcores] + driver_eal(driver, devs) + list(eal)
        # One lcore polls every port: -q is the number of ports per lcore.
        app = ["-p", "0x%x" % ((1 << len(socks)) - 1), "-q", str(len(socks)),
               "-T", str(period)] + list(app)
        p = L2fwd(self, name, eal, app)
        p.launch(timeout)
        return p


def driver_eal(driver, devs):
    """EAL options for the frontend driver: the plugin (for vio) and one
    --vdev DRIVER<i>,ARGS per entry of devs (lists of devargs)."""
    eal = []
    if driver == "net_vio_user":
        plugin = plugin_path()
        if not os.path.exists(plugin):
            raise HarnessError("plugin %s not found: build it with usertools/vio-setup.sh" % plugin)
        eal += ["-d", plugin]
    for i, args in enumerate(devs):
        eal += ["--vdev", ",".join(["%s%d" % (driver, i)] + list(args))]
    return eal


# --- dpdk-l2fwd -----------------------------------------------------------

def l2fwd_path():
    return os.environ.get("VIO_L2FWD") or os.path.join(REPO, "build", "examples", "l2fwd", "build", "l2fwd")


_L2FWD_PORT = re.compile(r"Statistics for port (\d+) -+\s*Packets sent:\s*(\d+)\s*"
                         r"Packets received:\s*(\d+)\s*Packets dropped:\s*(\d+)")
_L2FWD_END = re.compile(r"^={20,}\n", re.M)


def parse_l2fwd_stats(text):
    """The last complete statistics printout of dpdk-l2fwd ->
    {port: {"sent": n, "received": n, "dropped": n}}; {} if none.
    "dropped" counts what the port's tx burst refused (l2fwd frees it)."""
    ends = [m.start() for m in _L2FWD_END.finditer(text)]
    if not ends:
        return {}
    block = text[:ends[-1]].rsplit("Port statistics", 1)[-1]
    return {int(m.group(1)): {"sent": int(m.group(2)), "received": int(m.group(3)),
                              "dropped": int(m.group(4))} for m in _L2FWD_PORT.finditer(block)}


class L2fwd(Testpmd):
    """DPDK's l2fwd example (usertools/vio-examples.sh builds it), not
    interactive: it forwards from start-up, prints its port statistics
    every -T seconds, and stops on SIGINT."""

    app_preload = True

    def __init__(self, session, name, eal, app):
        super().__init__(session, name, eal, app)
        self.args = ["stdbuf", "-o0", l2fwd_path(), "--file-prefix=" + self.prefix] \
            + list(eal) + ["--"] + list(app)

    def launch(self, timeout=60):
        if not os.path.exists(l2fwd_path()):
            raise HarnessError("%s not found: build it with usertools/vio-examples.sh" % l2fwd_path())
        self._spawn()
        with self._cv:
            self._cv.wait_for(lambda: "entering main loop" in self.output or self._eof, timeout)
            if "entering main loop" not in self.output:
                raise HarnessError("%s: not forwarding after %ss (%s)" % (
                    self.name, timeout, "exited" if self._eof else "still starting"))
        self.startup = self.output
        return self.startup

    def has_port(self):
        return self.alive()

    def macs(self):
        """{port: MAC address} as l2fwd printed them at start-up."""
        return {int(p): m.lower() for p, m in re.findall(r"Port (\d+), MAC address: (\S+)", self.startup)}

    def stats(self, timeout=15):
        """Wait for l2fwd's next statistics printout and return it parsed
        (parse_l2fwd_stats)."""
        with self._cv:
            n = len(_L2FWD_END.findall(self.output))
            if not self._cv.wait_for(lambda: len(_L2FWD_END.findall(self.output)) > n or self._eof,
                                     timeout) or self._eof:
                raise HarnessError("%s: no statistics printout within %ss" % (self.name, timeout))
            return parse_l2fwd_stats(self.output)

    def _ask_to_quit(self):
        self.signal(signal.SIGINT)
        self.signal(signal.SIGCONT)     # in case it was stopped (vio-bench does)


def _check_started(p, txpkts):
    """Port 0 probed and started; then txpkts (segment lengths, e.g.
    "2048,2048,808"): testpmd's --txpkts can't check them before the port
    exists, `set txpkts` can."""
    if not p.has_port() or re.search(r"Fail to (configure|start)|Start ports failed", p.startup):
        raise HarnessError("%s: port 0 not probed or not started" % p.name)
    if txpkts:
        out = p.cmd("set txpkts %s" % txpkts)
        if "nvalid" in out or "rror" in out:
            raise HarnessError("%s: set txpkts %s: %s" % (p.name, txpkts, out))


# --- helpers shared by the tests ----------------------------------------

def check(cond, msg):
    """assert that survives python -O and says what differed."""
    if not cond:
        raise AssertionError(msg)


def equal(a, b, what):
    check(a == b, "%s: %r != %r" % (what, a, b))


def settle(side, key, target=None, timeout=15, quiet=1.0):
    """Poll side's NIC counter `key` until it reaches `target`, or (target
    None) until it stops changing for `quiet` seconds. Returns the stats.
    Does not fail by itself: the caller compares what it got."""
    end = time.monotonic() + timeout
    st = side.stats()
    last, since = st[key], time.monotonic()
    while time.monotonic() < end:
        if target is not None and st[key] >= target:
            break
        if target is None and time.monotonic() - since >= quiet:
            break
        time.sleep(0.2)
        st = side.stats()
        if st[key] != last:
            last, since = st[key], time.monotonic()
    return st


# vio's start line: `vio: port 0 uses RX rx, TX tx (WHY)`, WHY saying why
# a faster datapath was refused (absent when none was).
_DATAPATH = re.compile(r"vio: port (\d+) uses (.+?) rx, (.+?) tx(?: \((.*)\))?[ \t\r]*$", re.M)


def datapaths(text):
    """The datapaths vio logged at its ports' starts -> {port: (rx, tx,
    why)}, the last line of each port; why is "" when absent."""
    return {int(m.group(1)): (m.group(2), m.group(3), m.group(4) or "")
            for m in _DATAPATH.finditer(text)}


def burst_mode(path, why):
    """The burst mode vio reports for a queue on `path` (ethdev's
    rte_eth_{rx,tx}_burst_mode_get, testpmd's `Burst mode:`)."""
    return path + (" (%s)" % why if why else "")


def queue_burst_mode(p, q, port=0):
    """testpmd's `show {rx,tx}q info PORT 0` burst mode."""
    out = p.cmd("show %sq info %d 0" % (q, port))
    m = re.search(r"Burst mode: (.*)", out)
    check(m, "show %sq info %d 0: no burst mode in:\n%s" % (q, port, out))
    return m.group(1).strip()


def driver_lines(text, driver):
    """The lines of testpmd's output that the frontend driver logged (not
    the EAL's). vio prefixes its logs with 'vio:'."""
    pat = re.compile(r"\bvio\b" if driver == "net_vio_user" else r"virtio_user")
    return [l for l in text.splitlines() if pat.search(l) and not l.startswith("EAL:")]
