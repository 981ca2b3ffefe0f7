#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Write the PMD_INFO_STRING records of vio's drivers as a C file.

DPDK's tools (dpdk-pmdinfo.py, dpdk-devbind's module hints) learn what a
driver object supports from strings of the form

    PMD_INFO_STRING= {"name": ..., "pci_ids": [[vendor, device, subvendor,
                      subdevice], ...], "kmod": ..., "params": ...}

in its .rodata. The registration macros of rte_dev.h and bus_pci_driver.h
do not write that string themselves; they leave local symbols in each
compiled object, and a build step turns them into the string:

    this_pmd_name<N>                  "<drv>" (RTE_PMD_REGISTER_PCI/VDEV)
    __<drv>_pci_tbl_export            the name of the rte_pci_id table
    __<drv>_kmod_dep_export           the kernel modules string
    __<drv>_param_string_export       the devargs string

This script is that step for vio: it reads the objects (ELF relocatable
files, or static libraries holding them, thin or not) with pyelftools and
writes one `const char <drv>_pmd_info[]` definition per driver found. The
build compiles the output and links it into librte_net_vio.so.

usage: vio-pmdinfogen.py OUTPUT.c INPUT.a|INPUT.o...
"""
import io
import json
import os
import struct
import sys

from elftools.elf.elffile import ELFFile
from elftools.elf.sections import SymbolTableSection

NAME_PREFIX = "this_pmd_name"
# JSON key -> suffix of the __<drv>_<suffix> string symbol
STRING_OPTIONS = (("kmod", "kmod_dep_export"), ("params", "param_string_export"))
PCI_TABLE = "pci_tbl_export"
# struct rte_pci_id: uint32_t class_id; uint16_t vendor_id, device_id,
# subsystem_vendor_id, subsystem_device_id. Twelve bytes, no padding.
PCI_ID_FIELDS = "IHHHH"


class GenError(Exception):
    pass


# --- inputs: objects, or members of ar archives --------------------------

def ar_members(path):
    """(member name, bytes) of each object in an ar archive. A thin
    archive (meson's default for internal static libraries) names its
    members' files, relative to the archive, instead of holding them."""
    with open(path, "rb") as f:
        data = f.read()
    magic = data[:8]
    if magic not in (b"!<arch>\n", b"!<thin>\n"):
        raise GenError("%s: not an ar archive" % path)
    thin = magic == b"!<thin>\n"
    longnames = b""
    pos = 8
    while pos + 60 <= len(data):
        hdr = data[pos:pos + 60]
        if hdr[58:60] != b"`\n":
            raise GenError("%s: bad member header at offset %d" % (path, pos))
        raw_name = hdr[0:16].decode("ascii").rstrip()
        size = int(hdr[48:58].decode("ascii").strip())
        pos += 60
        # Special members keep their data even in a thin archive.
        special = raw_name in ("/", "//", "/SYM64/")
        stored = size if (special or not thin) else 0
        body = data[pos:pos + stored]
        pos += stored + (stored & 1)
        if raw_name == "//":
            longnames = body
            continue
        if special:
            continue
        if raw_name.startswith("/"):      # /N: offset into the long names
            # GNU ar may end the field with a '/' too ("/0    /").
            off = int(raw_name[1:].rstrip("/ "))
            end = longnames.index(b"/\n", off)
            name = longnames[off:end].decode()
        else:                             # GNU short name: "name/"
            name = raw_name[:-1] if raw_name.endswith("/") else raw_name
        if thin:
            member = os.path.join(os.path.dirname(path), name)
            with open(member, "rb") as m:
                body = m.read()
        yield name, body


def input_objects(paths):
    for path in paths:
        with open(path, "rb") as f:
            head = f.read(8)
        if head in (b"!<arch>\n", b"!<thin>\n"):
            for name, body in ar_members(path):
                yield "%s(%s)" % (path, name), body
        elif head[:4] == b"\x7fELF":
            with open(path, "rb") as f:
                yield path, f.read()
        else:
            raise GenError("%s: neither an ELF object nor an ar archive" % path)


# --- reading one object --------------------------------------------------

class ObjectFile:
    def __init__(self, where, blob):
        self.where = where
        self.elf = ELFFile(io.BytesIO(blob))
        self.endian = "<" if self.elf.little_endian else ">"
        self.symbols = {}
        self.pmd_names = []
        for sec in self.elf.iter_sections():
            if not isinstance(sec, SymbolTableSection):
                continue
            for sym in sec.iter_symbols():
                if not sym.name or not isinstance(sym["st_shndx"], int):
                    continue      # undefined, absolute, common
                self.symbols.setdefault(sym.name, sym)
                if sym.name.startswith(NAME_PREFIX):
                    self.pmd_names.append(sym)

    def bytes_of(self, sym):
        sec = self.elf.get_section(sym["st_shndx"])
        # A relocatable object's symbol values are offsets in their
        # section; a linked file's are addresses.
        start, size = sym["st_value"], sym["st_size"]
        if self.elf["e_type"] != "ET_REL":
            start -= sec["sh_addr"]
        if sec["sh_type"] == "SHT_NOBITS":
            return bytes(size)
        return sec.data()[start:start + size]

    def string(self, sym):
        raw = self.bytes_of(sym)
        end = raw.find(b"\0")
        if end < 0:
            raise GenError("%s: %s is not a NUL-terminated string" % (self.where, sym.name))
        return raw[:end].decode("utf-8")

    def lookup(self, name):
        return self.symbols.get(name)

    def pci_ids(self, table_name):
        sym = self.lookup(table_name)
        if sym is None:
            raise GenError("%s: PCI table %s not found (a static table the compiler "
                           "dropped, or a typo in RTE_PMD_REGISTER_PCI_TABLE?)"
                           % (self.where, table_name))
        fmt = self.endian + PCI_ID_FIELDS
        step = struct.calcsize(fmt)
        raw = self.bytes_of(sym)
        ids = []
        for off in range(0, len(raw) - step + 1, step):
            _class, vendor, device, subvendor, subdevice = struct.unpack_from(fmt, raw, off)
            if vendor == 0:               # the table's terminator
                break
            ids.append([vendor, device, subvendor, subdevice])
        return ids


def drivers_of(obj):
    """One dict per driver registered in the object."""
    found = []
    for name_sym in obj.pmd_names:
        name = obj.string(name_sym)
        info = {"name": name}
        for key, suffix in STRING_OPTIONS:
            sym = obj.lookup("__%s_%s" % (name, suffix))
            if sym is not None:
                info[key] = obj.string(sym)
        table = obj.lookup("__%s_%s" % (name, PCI_TABLE))
        # dpdk-pmdinfo.py expects the key on every driver, PCI or not.
        info["pci_ids"] = obj.pci_ids(obj.string(table)) if table is not None else []
        found.append(info)
    return found


# --- output --------------------------------------------------------------

def c_string(text):
    return '"%s"' % text.replace("\\", "\\\\").replace('"', '\\"')


def render(drivers):
    lines = ["/* Generated by buildtools/vio-pmdinfogen.py: do not edit. */",
             "#include <rte_common.h>", ""]
    for info in drivers:
        record = "PMD_INFO_STRING= " + json.dumps(info, sort_keys=True)
        lines.append("const char %s_pmd_info[] __rte_used = %s;"
                     % (info["name"], c_string(record)))
    return "\n".join(lines) + "\n"


def main(argv):
    if len(argv) < 3:
        sys.stderr.write(__doc__.split("\n\n")[-1] + "\n")
        return 2
    out, inputs = argv[1], argv[2:]
    drivers, seen = [], {}
    try:
        for where, blob in input_objects(inputs):
            if blob[:4] != b"\x7fELF":
                continue
            for info in drivers_of(ObjectFile(where, blob)):
                if info["name"] in seen:
                    raise GenError("driver %s registered in both %s and %s"
                                   % (info["name"], seen[info["name"]], where))
                seen[info["name"]] = where
                drivers.append(info)
    except (GenError, OSError, ValueError) as e:
        sys.stderr.write("vio-pmdinfogen: %s\n" % e)
        return 1
    drivers.sort(key=lambda d: d["name"])
    text = render(drivers)
    # Leave an unchanged file alone: nothing downstream rebuilds then.
    try:
        with open(out) as f:
            if f.read() == text:
                return 0
    except OSError:
        pass
    with open(out, "w") as f:
        f.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
