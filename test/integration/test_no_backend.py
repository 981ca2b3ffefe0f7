# SPDX-License-Identifier: BSD-3-Clause
"""No backend behind the socket path: the probe fails cleanly and at once
(bounded by the harness's start-up timeout), the frontend driver's error
names the path, and testpmd carries on without a port and quits with 0.
"""
import os
import socket

from vio_harness import Session, check, driver_lines, equal

STARTUP_TIMEOUT = 20   # seconds; a probe that blocks longer fails the test


def absent_case(make_path):
    with Session() as s:
        path = make_path(s)
        fe = s.frontend(path, check=False, timeout=STARTUP_TIMEOUT)
        check(not fe.has_port(), "port probed without a backend:\n%s" % fe.startup)
        lines = driver_lines(fe.startup, s.driver)
        check(any(path in l for l in lines),
              "no %s error line names %s; it said:\n%s" % (s.driver, path, "\n".join(lines) or "(nothing)"))
        check("Invalid port 0" in fe.cmd("show port info 0"), "port 0 exists")
        equal(fe.quit(), 0, "frontend exit status")


def test_no_socket_file():
    absent_case(lambda s: s.path("nothing.sock"))


def test_socket_nobody_listens():
    """A socket file whose listener is gone: connect() is refused."""
    def stale(s):
        path = s.path("stale.sock")
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as so:
            so.bind(path)
        check(os.path.exists(path), "stale socket file was not created")
        return path
    absent_case(stale)
