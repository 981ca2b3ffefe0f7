#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Boot one PCI guest configuration by hand: a host testpmd with net_vhost0
and net_vhost1, a TCG guest whose two virtio-net-pci NICs use them, and
dpdk-testpmd inside the guest with the plugin. Then either run the given
commands or read commands from the terminal. A command starting with
"host " goes to the host backend's testpmd, any other to the guest's.

usage: test/qemu/run-guest.py [--config modern|legacy|transitional|packed]
           [--driver net_vio|net_virtio] [--plugin PATH] [-c CMD]...
Example:
  test/qemu/run-guest.py --config legacy -c "set fwd txonly" -c start \\
      -c "host start" -c stop -c "host show port stats all"
Run test/qemu/guest-setup.sh first. The console log is printed at the end.
"""
import argparse
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import vio_guest  # noqa: E402
from vio_harness import Session  # noqa: E402


def run(p, line):
    if line.startswith("sleep "):
        time.sleep(float(line.split()[1]))
        return
    side, line = (p["host"], line[5:]) if line.startswith("host ") else (p["guest"], line)
    print("%s> %s" % (side.name, line))
    print(side.cmd(line, timeout=120))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--config", default="modern", choices=sorted(vio_guest.CONFIGS))
    ap.add_argument("--driver", choices=("net_vio", "net_virtio"), default="net_vio",
                    help="the PCI driver expected in the guest (net_vio loads the plugin)")
    ap.add_argument("--plugin", help="plugin path (default: build/librte_net_vio.so)")
    ap.add_argument("-c", dest="cmds", action="append", default=[],
                    help="a command (repeatable; 'host CMD' for the backend, 'sleep S')")
    a = ap.parse_args()
    with Session() as s:
        vio_guest.check_qemu()
        be = vio_guest.backend_pair(s)
        print("booting the %s guest (TCG: 10-40 s)..." % a.config, flush=True)
        g = vio_guest.Guest(s, a.config, be.socks, driver=a.driver, plugin=a.plugin).boot()
        print(g.startup)
        sides = {"host": be, "guest": g}
        try:
            if a.cmds:
                for line in a.cmds:
                    run(sides, line)
            else:
                while True:
                    try:
                        line = input("guest testpmd (or 'host CMD', 'quit')> ").strip()
                    except EOFError:
                        break
                    if line == "quit":
                        break
                    if line:
                        run(sides, line)
        finally:
            g.quit()
            print("--- guest console\n" + g.console_log())
    return 0


if __name__ == "__main__":
    sys.exit(main())
