# SPDX-License-Identifier: BSD-3-Clause
"""What DPDK's dpdk-pmdinfo.py (Debian package dpdk) reads from the plugin:
the PMD_INFO_STRING records buildtools/vio-pmdinfogen.py embeds at build
time. Driver names, PCI ids, kernel modules, and the devargs each driver
advertises, which must be exactly the keys vio_devargs.c accepts for it.

Where the accepted keys come from, twice over:
- vio_devargs_table in drivers/net/vio/vio_devargs.c, read as text: the
  key, its parse function and the drivers taking it (VIO_DA_* masks);
  the only view of the PCI driver's keys on a machine without a virtio
  PCI device;
- the running driver: net_vio_user given an unknown key lists the keys
  it knows in its error line. test_pmdinfo_vdev_keys_probed checks that
  this agrees with the text, so a reshaped table cannot make the
  source-reading tests pass on a wrong reading.
"""
import glob
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

from vio_harness import REPO, Session, Skip, check, driver_lines, equal, plugin_path

GENERATOR = os.path.join(REPO, "buildtools", "vio-pmdinfogen.py")
BUILD = os.environ.get("VIO_BUILD") or os.path.join(REPO, "build")

TIMEOUT = 60
DEVARGS_C = os.path.join(REPO, "drivers", "net", "vio", "vio_devargs.c")
VIRTIO_VENDOR = "1af4"
VIRTIO_NET_DEVICES = {"1000", "1041"}        # transitional (legacy), modern
KMOD = "* igb_uio | uio_pci_generic | vfio-pci"
VIO_DRIVERS = {"net_vio", "net_vio_user"}
DRIVER_MASK = {"net_vio_user": "VIO_DA_VDEV", "net_vio": "VIO_DA_PCI"}
PROBE_KEY = "vio_pmdinfo_no_such_key"


# --- dpdk-pmdinfo.py ------------------------------------------------------

def pmdinfo(*opts):
    """dpdk-pmdinfo.py's records for the plugin (and the librte_* it needs;
    with -p also every PMD in DPDK's plugin directory)."""
    tool = shutil.which("dpdk-pmdinfo.py")
    if tool is None:
        raise Skip("dpdk-pmdinfo.py not installed (Debian package dpdk; "
                   "usertools/vio-setup.sh installs it)")
    plugin = plugin_path()
    check(os.path.exists(plugin), "plugin %s not built" % plugin)
    p = subprocess.run([tool] + list(opts) + [plugin], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=60)
    check(p.returncode == 0, "dpdk-pmdinfo.py exited with %d: %s"
          % (p.returncode, p.stderr.decode(errors="replace")))
    return json.loads(p.stdout)


def vio_records(records=None):
    """{driver name: record} of vio's drivers in `records` (default:
    dpdk-pmdinfo.py on the plugin); each must appear once."""
    recs = [r for r in (records or pmdinfo()) if r.get("name") in VIO_DRIVERS]
    names = sorted(r["name"] for r in recs)
    equal(names, sorted(VIO_DRIVERS), "vio drivers dpdk-pmdinfo.py found")
    return {r["name"]: r for r in recs}


def params_of(rec):
    """{key: value form} of a record's params ("key=<form> key=<form>").
    Each entry must be key=<form> with no space in it: tools split the
    string on white space."""
    entries = rec.get("params", "").split()
    out = {}
    for e in entries:
        m = re.fullmatch(r"([a-z][a-z0-9_]*)=(<[^<>]+>)", e)
        check(m is not None, "%s: params entry %r is not key=<form>" % (rec["name"], e))
        check(m.group(1) not in out, "%s: key %s listed twice" % (rec["name"], m.group(1)))
        out[m.group(1)] = m.group(2)
    return out


# --- vio_devargs.c, read as text -------------------------------------------

def _strip_comments(src):
    return re.sub(r"/\*.*?\*/|//[^\n]*", " ", src, flags=re.S)


def _mask_bits(expr, defines, depth=0):
    """The bits of a VIO_DA_* expression such as `VIO_DA_VDEV | VIO_DA_PCI`."""
    check(depth < 8, "VIO_DA_* defines nest too deep: %r" % expr)
    bits = 0
    for term in re.split(r"\|", expr.strip().strip("()")):
        term = term.strip().strip("()").strip()
        if term in defines:
            bits |= _mask_bits(defines[term], defines, depth + 1)
        else:
            m = re.fullmatch(r"(0x[0-9a-fA-F]+|\d+)[uUlL]*", term)
            check(m is not None, "cannot read VIO_DA_* term %r in %s" % (term, DEVARGS_C))
            bits |= int(m.group(1), 0)
    return bits


def source_table():
    """[(key, parse function, body of that function, set of mask names)]
    from vio_devargs_table, where the mask names are those of
    DRIVER_MASK whose bits the row's mask has."""
    src = _strip_comments(open(DEVARGS_C).read())
    defines = dict(re.findall(r"^#define\s+(VIO_DA_\w+)\s+(.+?)\s*$", src, flags=re.M))
    m = re.search(r"vio_devargs_table\[\]\s*=\s*\{(.*?)\n\};", src, flags=re.S)
    check(m is not None, "vio_devargs_table not found in %s" % DEVARGS_C)
    rows = re.findall(r"\{\s*\"([^\"]+)\"\s*,\s*(\w+)\s*,\s*([^}]+?)\s*\}", m.group(1))
    check(rows, "no rows read from vio_devargs_table")
    out = []
    for key, fn, mask in rows:
        body = re.search(r"\n%s\s*\([^)]*\)\s*\{(.*?)\n\}" % re.escape(fn), src, flags=re.S)
        check(body is not None, "parse function %s of key %s not found" % (fn, key))
        bits = _mask_bits(mask, defines)
        drivers = {d for d, name in DRIVER_MASK.items() if bits & _mask_bits(name, defines)}
        out.append((key, fn, body.group(1), drivers))
    return out


def source_keys(driver):
    return {key for key, _fn, _body, drivers in source_table() if driver in drivers}


def check_params_against_source(driver):
    rec = vio_records()[driver]
    params = params_of(rec)
    want = source_keys(driver)
    missing, extra = sorted(want - set(params)), sorted(set(params) - want)
    check(not missing and not extra,
          "%s: RTE_PMD_REGISTER_PARAM_STRING disagrees with vio_devargs_table: "
          "accepted but not listed %s, listed but not accepted %s"
          % (driver, missing, extra))
    # Value forms: a key parsed as a boolean says so.
    for key, fn, body, drivers in source_table():
        if driver in drivers and "parse_bool" in body:
            equal(params[key], "<0|1>", "%s: value form of %s (parsed by %s as 0 or 1)"
                  % (driver, key, fn))


# --- the tests --------------------------------------------------------------

def test_pmdinfo_drivers():
    """dpdk-pmdinfo.py finds net_vio and net_vio_user, once each."""
    vio_records()


def test_pmdinfo_pci_ids():
    """net_vio claims virtio-net 1af4:1000 and 1af4:1041, any subsystem;
    net_vio_user claims no PCI device."""
    recs = vio_records()
    ids = recs["net_vio"].get("pci_ids", [])
    got = sorted((i.get("vendor"), i.get("device")) for i in ids)
    equal(got, sorted((VIRTIO_VENDOR, d) for d in VIRTIO_NET_DEVICES), "net_vio PCI ids")
    for i in ids:   # dpdk-pmdinfo.py drops wildcard (0xffff) fields
        equal(sorted(i), ["device", "vendor"], "net_vio PCI id fields of %r" % i)
    equal(recs["net_vio_user"].get("pci_ids", []), [], "net_vio_user PCI ids")


def test_pmdinfo_kmod():
    """The kernel modules net_vio works with; none for the vdev."""
    recs = vio_records()
    equal(recs["net_vio"].get("kmod"), KMOD, "net_vio kmod")
    equal(recs["net_vio_user"].get("kmod"), None, "net_vio_user kmod")


def test_pmdinfo_params_vdev():
    """net_vio_user's params list exactly its keys in vio_devargs_table;
    boolean keys as <0|1>."""
    check_params_against_source("net_vio_user")


def test_pmdinfo_params_pci():
    """net_vio's params list exactly its keys in vio_devargs_table;
    boolean keys as <0|1>."""
    check_params_against_source("net_vio")


def test_pmdinfo_vdev_keys_probed():
    """testpmd loads the plugin; net_vio_user, given an unknown key, is
    refused and names the keys it knows: the same as its params and as
    the table read from the source."""
    with Session() as s:
        fe = s.frontend(None, PROBE_KEY + "=1", driver="net_vio_user", check=False)
        check(not fe.has_port(), "a port was probed despite %s" % PROBE_KEY)
        lines = [l for l in driver_lines(fe.startup, "net_vio_user") if PROBE_KEY in l]
        check(lines, "vio logged no line about %s; start-up output:\n%s"
              % (PROBE_KEY, fe.startup))
        m = re.search(r"\(known: ([^)]*)\)", lines[0])
        check(m is not None, "no key list in %r" % lines[0])
        probed = {k.strip() for k in m.group(1).split(",") if k.strip()}
    source = source_keys("net_vio_user")
    check(probed == source,
          "keys net_vio_user knows at run time %s != keys read from vio_devargs_table %s "
          "(a table this test reads wrongly, or a key list cut short in known_keys())"
          % (sorted(probed), sorted(source)))
    params = set(params_of(vio_records()["net_vio_user"]))
    equal(sorted(params), sorted(probed), "net_vio_user params vs keys known at run time")


def test_pmdinfo_search_plugins():
    """`dpdk-pmdinfo.py -p` (DPDK's plugin directory too) still shows vio's
    drivers once each, and net_vio claims the same PCI devices and kernel
    modules as DPDK's own net_virtio."""
    def ids(rec):
        return sorted((i.get("vendor"), i.get("device")) for i in rec.get("pci_ids", []))

    everything = pmdinfo("-p")
    recs = vio_records(everything)
    virtio = [r for r in everything if r.get("name") == "net_virtio"]
    if not virtio:
        raise Skip("DPDK's net_virtio is not in the plugin directory")
    equal(ids(recs["net_vio"]), ids(virtio[0]), "net_vio vs net_virtio PCI ids")
    equal(recs["net_vio"].get("kmod"), virtio[0].get("kmod"), "net_vio vs net_virtio kmod")


# --- the generator itself -------------------------------------------------

def python_with_elftools():
    """A python that has pyelftools: this one, or the one dpdk-pmdinfo.py
    runs under (it needs pyelftools too)."""
    cands = [sys.executable]
    tool = shutil.which("dpdk-pmdinfo.py")
    if tool:
        with open(tool) as f:
            first = f.readline()
        if first.startswith("#!"):
            cands.append(first[2:].split()[0])
    for py in cands:
        if subprocess.run([py, "-c", "import elftools"], stderr=subprocess.DEVNULL).returncode == 0:
            return py
    raise Skip("no python with pyelftools (Debian package python3-pyelftools)")


def generate(py, out, inputs):
    p = subprocess.run([py, GENERATOR, out] + inputs, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, timeout=60)
    check(p.returncode == 0, "vio-pmdinfogen.py %s: exit %d: %s"
          % (" ".join(inputs), p.returncode, p.stdout.decode(errors="replace")))
    with open(out) as f:
        return f.read()


def test_pmdinfogen_inputs():
    """vio-pmdinfogen.py writes the same C file from the build's (thin)
    static library, from a regular ar archive of the same objects and from
    the objects themselves; one definition per driver."""
    py = python_with_elftools()
    lib = os.path.join(BUILD, "drivers", "net", "vio", "libvio_pmd_objs.a")
    objs = sorted(glob.glob(lib + ".p/*.o"))
    check(os.path.exists(lib) and objs, "%s and its objects not built" % lib)
    with tempfile.TemporaryDirectory(dir=os.environ.get("VIO_TMPDIR")) as tmp:
        fat = os.path.join(tmp, "fat.a")
        subprocess.run(["ar", "rcs", fat] + objs, check=True)
        out = os.path.join(tmp, "out.c")
        texts = [generate(py, out, [lib]), generate(py, out, [fat]), generate(py, out, objs)]
    equal(texts[1], texts[0], "output from a regular archive vs the thin one")
    equal(texts[2], texts[0], "output from the objects vs the thin archive")
    names = re.findall(r"^const char (\w+)_pmd_info\[\] __rte_used = \"PMD_INFO_STRING=", texts[0], re.M)
    equal(sorted(names), sorted(VIO_DRIVERS), "drivers in the generated file")
