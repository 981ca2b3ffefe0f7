# SPDX-License-Identifier: BSD-3-Clause
"""doc/features/vio.ini (vio's entry in DPDK's NIC features matrix) and
the comparison table in doc/features.md say the same about vio."""
import configparser
import os
import re

from vio_harness import REPO, check, equal

INI = os.path.join(REPO, "doc", "features", "vio.ini")
PAGE = os.path.join(REPO, "doc", "features.md")


def ini_features():
    """{key: value} of vio.ini's [Features], in file order."""
    cp = configparser.ConfigParser(comment_prefixes=(";",), delimiters=("=",))
    cp.optionxform = str        # keys keep their case
    with open(INI) as f:
        cp.read_file(f)
    check(cp.sections() == ["Features"], "vio.ini sections: %r" % cp.sections())
    feats = dict(cp.items("Features"))
    for key, value in feats.items():
        check(value in ("Y", "P"), "vio.ini: %s = %r (Y or P; leave out what is unsupported)"
              % (key, value))
    return feats


def page_rows():
    """{feature: (net_virtio, vio)} of the table in features.md."""
    rows = {}
    for line in open(PAGE):
        m = re.match(r"\|\s*([^|]+?)\s*\|\s*(Y|P|-)\s*\|\s*(Y|P|-)\s*\|", line)
        if m:
            check(m.group(1) not in rows, "features.md: %s listed twice" % m.group(1))
            rows[m.group(1)] = (m.group(2), m.group(3))
    check(rows, "no table rows read from features.md")
    return rows


def test_features_doc_agree():
    """Every vio.ini key is a row of features.md with the same value, and
    every row that gives vio a value is in vio.ini."""
    feats, rows = ini_features(), page_rows()
    for key, value in feats.items():
        check(key in rows, "vio.ini has %s, features.md's table does not" % key)
        equal(rows[key][1], value, "vio's %s in features.md vs vio.ini" % key)
    for key, (_virtio, vio) in rows.items():
        if vio != "-":
            check(key in feats, "features.md gives vio %s = %s, vio.ini leaves it out" % (key, vio))


def test_features_doc_order():
    """features.md's rows follow vio.ini's order (DPDK's default.ini order)
    for the keys they share."""
    feats, rows = ini_features(), page_rows()
    shared = [k for k in rows if k in feats]
    equal(shared, list(feats), "order of vio's features in features.md vs vio.ini")
