#!/usr/bin/env python3
"""mkinputs.py OUTDIR - writes the hostile inputs tests/hostile/run.sh feeds to
kubectl-arc: chart archives that try to escape (.., absolute paths, symlinks,
hard links, device files), decompression bombs, over-long names, YAML bombs.
Everything is generated here at test time; nothing large is committed."""
import gzip
import io
import os
import sys
import tarfile

OUT = sys.argv[1]
CHART_YAML = b"apiVersion: v2\nname: c\nversion: 1.0.0\n"
TEMPLATE = b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}\n"


def member(tf, name, data=b"", **kw):
    ti = tarfile.TarInfo(name)
    for k, v in kw.items():
        setattr(ti, k, v)
    if ti.type in (tarfile.REGTYPE, tarfile.AREGTYPE):
        ti.size = len(data)
        tf.addfile(ti, io.BytesIO(data))
    else:
        tf.addfile(ti)


def archive(name, extra, fmt=tarfile.USTAR_FORMAT, base=True):
    """a gzipped chart c/ with Chart.yaml and a template, plus `extra` members"""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=fmt) as tf:
        if base:
            member(tf, "c/Chart.yaml", CHART_YAML)
            member(tf, "c/templates/cm.yaml", TEMPLATE)
        for args, kw in extra:
            member(tf, *args, **kw)
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(gzip.compress(buf.getvalue(), 9, mtime=0))


def e(*args, **kw):
    return (args, kw)


def bomb_files(name, nfiles, size):
    """streamed: nfiles members of `size` zero bytes, gzip -9 (a few hundred KiB on disk)"""
    zero = b"\0" * (1 << 20)
    with open(os.path.join(OUT, name), "wb") as raw:
        gz = gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=9, mtime=0)

        class Zeros(io.RawIOBase):
            def __init__(self, n):
                self.left = n

            def readable(self):
                return True

            def readinto(self, b):
                n = min(len(b), self.left, len(zero))
                b[:n] = zero[:n]
                self.left -= n
                return n

        with tarfile.open(fileobj=gz, mode="w", format=tarfile.USTAR_FORMAT) as tf:
            member(tf, "c/Chart.yaml", CHART_YAML)
            for i in range(nfiles):
                ti = tarfile.TarInfo("c/files/zero%03d" % i)
                ti.size = size
                tf.addfile(ti, io.BufferedReader(Zeros(size)))
        gz.close()


def gzip_zeros(name, size):
    """a gzip stream of `size` zero bytes (not a tar at all)"""
    chunk = b"\0" * (1 << 20)
    with open(os.path.join(OUT, name), "wb") as raw:
        with gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=9, mtime=0) as gz:
            for _ in range(size >> 20):
                gz.write(chunk)


def write(name, data):
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(data)


def main():
    # ---- archives that try to leave the chart ----
    archive("dotdot.tgz", [e("c/../../escape-dotdot.yaml", b"x: 1\n")])
    archive("dotdot-deep.tgz", [e("c/templates/../../../../tmp/escape-deep.yaml", TEMPLATE)])
    archive("absolute.tgz", [e("/tmp/escape-absolute.yaml", TEMPLATE)], fmt=tarfile.GNU_FORMAT)
    archive("symlink.tgz", [e("c/templates/passwd.yaml", type=tarfile.SYMTYPE, linkname="/etc/passwd")])
    archive("symlink-dir.tgz", [e("c/templates/up", type=tarfile.SYMTYPE, linkname="../../.."),
                                e("c/templates/up/escape-symdir.yaml", TEMPLATE)])
    archive("hardlink.tgz", [e("c/templates/shadow.yaml", type=tarfile.LNKTYPE, linkname="/etc/shadow")])
    archive("hardlink-rel.tgz", [e("c/templates/h.yaml", type=tarfile.LNKTYPE, linkname="../../etc/passwd")])
    archive("chardev.tgz", [e("c/templates/zero.yaml", type=tarfile.CHRTYPE, devmajor=1, devminor=5)])
    archive("blockdev.tgz", [e("c/templates/sda.yaml", type=tarfile.BLKTYPE, devmajor=8, devminor=0)])
    archive("fifo.tgz", [e("c/templates/pipe.yaml", type=tarfile.FIFOTYPE)])
    archive("outside-base.tgz", [e("escape-top.yaml", TEMPLATE)])
    archive("chart-yaml-top.tgz", [e("Chart.yaml", CHART_YAML)], base=False)
    # ---- over-long names ----
    archive("longname.tgz", [e("c/templates/" + "n" * 5000 + ".yaml", TEMPLATE)], fmt=tarfile.PAX_FORMAT)
    archive("longpath.tgz", [e("c/" + "/".join(["d" * 200] * 40) + "/x.yaml", b"x")], fmt=tarfile.PAX_FORMAT)
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as tf:
        n = "n" * 300
        member(tf, n + "/Chart.yaml", b"apiVersion: v2\nname: " + n.encode() + b"\nversion: 1.0.0\n")
        member(tf, n + "/templates/cm.yaml", TEMPLATE)
    write("longchartname.tgz", gzip.compress(buf.getvalue(), 9, mtime=0))
    # ---- decompression bombs ----
    gzip_zeros("bomb-zeros.tgz", 110 << 20)          # gzip of 110 MiB of zeros
    bomb_files("bomb-files.tgz", 21, 5 << 20)         # 21 files of 5 MiB: 105 MiB in all
    bomb_files("bomb-onefile.tgz", 1, 120 << 20)      # one file of 120 MiB
    # ---- broken archives ----
    write("notgzip.tgz", b"PK\x03\x04 this is not a gzip stream\n" * 10)
    ok = io.BytesIO()
    with tarfile.open(fileobj=ok, mode="w:gz") as tf:
        member(tf, "c/Chart.yaml", CHART_YAML)
        member(tf, "c/templates/cm.yaml", TEMPLATE * 200)
    write("truncated.tgz", ok.getvalue()[: len(ok.getvalue()) // 2])

    # ---- YAML ----
    lol = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    prev = "a"
    for i, n in enumerate("bcdefghi"):
        lol.append("%s: &%s [*%s, *%s, *%s, *%s, *%s, *%s, *%s, *%s, *%s, *%s]" % ((n, n) + (prev,) * 10))
        prev = n
    write("alias-bomb.yaml", ("\n".join(lol) + "\n").encode())
    write("deep-flow.yaml", b"x: " + b"[" * 100000 + b"]" * 100000 + b"\n")
    write("deep-map.yaml", b"".join(b" " * i + b"k:\n" for i in range(3000)) + b" " * 3000 + b"v\n")
    write("huge-scalar.yaml", b"x: \"" + b"a" * (70 << 20) + b"\"\n")
    write("big-scalar.yaml", b"x: " + b"a" * (8 << 20) + b"\n")
    # 60 MB holding 30 million values (~3 GB once read): over the decoder's value limit
    write("many-values.yaml", b"x: [" + b"1," * 30000000 + b"1]\n")
    write("invalid-utf8.yaml", b"name: \"caf\xc3\x28 \xff\xfe\"\nother: 1\n")
    write("duplicate-keys.yaml", b"image:\n  tag: v1\n  tag: v2\n")
    write("tabs.yaml", b"a:\n\tb: 1\n")
    write("not-a-map.yaml", b"- a\n- b\n")


main()
