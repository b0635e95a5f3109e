#!/usr/bin/env python3
"""Writes the unsafe chart archives the chart cases load (run from this directory):
parent.tgz (a `..` member), absolute.tgz (an absolute path), symlink.tgz (a link
leaving the chart), outside.tgz (a file next to the chart directory)."""
import io, tarfile, gzip

CHART = b"apiVersion: v2\nname: evil\nversion: 0.1.0\n"
CM = b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n"


def member(tf, name, data=None, link=None):
    ti = tarfile.TarInfo(name)
    ti.mtime = 0
    if link is not None:
        ti.type = tarfile.SYMTYPE
        ti.linkname = link
        tf.addfile(ti)
        return
    ti.size = len(data)
    tf.addfile(ti, io.BytesIO(data))


def write(path, extra):
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.GNU_FORMAT) as tf:
        member(tf, "evil/Chart.yaml", CHART)
        member(tf, "evil/templates/cm.yaml", CM)
        extra(tf)
    with open(path, "wb") as f:
        f.write(gzip.compress(raw.getvalue(), mtime=0))


write("parent.tgz", lambda tf: member(tf, "evil/templates/../../../escape.yaml", CM))
write("absolute.tgz", lambda tf: member(tf, "/etc/evil.yaml", CM))
write("symlink.tgz", lambda tf: member(tf, "evil/templates/link.yaml", link="../../../../etc/passwd"))
write("outside.tgz", lambda tf: member(tf, "other/cm.yaml", CM))
