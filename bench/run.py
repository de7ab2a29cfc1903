#!/usr/bin/env python3
"""Ingest benchmarks: rcx against baselines measured in the same run, on the same files.

  bench/run.py [--rows N] [--big-rows N] [--rcx build/rcx] [--work DIR]

1. dry-run parse+normalise(+enrich) of an N-row Shadowserver scan report (default 1 M) with
   `rcx ingest --dry-run`, against `cat FILE > /dev/null` (the reading floor) and Python's
   csv.DictReader over the same file (the core of IntelMQ's Shadowserver parser, without the rest).
2. end-to-end `rcx ingest` into a fresh SQLite database with enrichment, dedup and routing.
3. peak RSS of an end-to-end ingest of a --big-rows file (default 10 M).
IntelMQ itself is not installable here (no PyPI); its figures are the ones quoted in the issue
(2,000-3,000 events/s for the Shadowserver parser, 494 events/s for the 4-bot Redis pipeline) and are
printed as quoted references, not measurements.
"""
import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import time

WORK = "."


def run(cmd, **kw):
    """Runs cmd, returns (seconds, stdout, peak RSS of that child in MiB)."""
    out = open(os.path.join(WORK, "stdout.tmp"), "w+b")
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=out, **kw)
    _, status, ru = os.wait4(p.pid, 0)
    dt = time.perf_counter() - t0
    p.returncode = os.waitstatus_to_exitcode(status)
    if p.returncode != 0:
        raise SystemExit(f"failed ({p.returncode}): {' '.join(cmd)}")
    out.seek(0)
    text = out.read().decode()
    out.close()
    return dt, text, ru.ru_maxrss / 1024.0


def best(n, fn):
    return min((fn() for _ in range(n)), key=lambda r: r[0])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--big-rows", type=int, default=10_000_000)
    ap.add_argument("--rcx", default="build/rcx")
    ap.add_argument("--work", default="bench/work")
    ap.add_argument("--repeat", type=int, default=3)
    a = ap.parse_args()
    rcx = os.path.abspath(a.rcx)
    work = os.path.abspath(a.work)
    os.makedirs(work, exist_ok=True)
    global WORK
    WORK = work
    env = dict(os.environ, RCX_NOW="2026-11-22T12:00:00Z")

    def gen(rows, sub):
        d = os.path.join(work, sub)
        if not os.path.exists(os.path.join(d, "rcx-demo.conf")):
            subprocess.run([rcx, "demo", "generate", "--out", d, "--rows", str(rows), "--seed", "1",
                            "--date", "2026-11-22", "--only-scan"], check=True)
        scan = [f for f in os.listdir(d) if "-scan_smb-" in f][0]
        return d, os.path.join(d, scan)

    d, f = gen(a.rows, f"rows-{a.rows}")
    conf = os.path.join(d, "rcx-demo.conf")
    size = os.path.getsize(f)
    print(f"{time.strftime('%Y-%m-%d')} machine: {platform.node()} {platform.machine()}, {os.cpu_count()} cores; file {f} "
          f"({a.rows:,} rows, {size / 1e6:.0f} MB)")

    cat = best(a.repeat, lambda: run(["sh", "-c", f"cat '{f}' > /dev/null"]))
    py = best(1, lambda: run([sys.executable, "-c",
                              "import csv,sys\nn=0\nfor r in csv.DictReader(open(sys.argv[1], newline='')): n+=1\n"
                              "print(n)", f]))
    schema = ["--config", conf]
    plain_env = dict(env, RCX_SHADOWSERVER_SCHEMA=os.path.join(d, "shadowserver-schema.json"))
    dry_plain = best(a.repeat, lambda: run([rcx, "--quiet", "--db", os.path.join(work, "none.db"), "ingest",
                                            "--dry-run", "--format", "shadowserver", f], env=plain_env))
    dry = best(a.repeat, lambda: run([rcx, "--quiet"] + schema + ["--db", os.path.join(work, "none.db"),
                                      "ingest", "--dry-run", "--format", "shadowserver", f], env=env))
    rows = json.loads(dry[1].strip().splitlines()[-1])["read"]

    def e2e():
        db = os.path.join(work, "e2e.db")
        for ext in ("", "-wal", "-shm"):
            if os.path.exists(db + ext):
                os.remove(db + ext)
        return run([rcx, "--quiet"] + schema + ["--db", db, "ingest", "--format", "shadowserver", f], env=env)
    end = best(a.repeat, e2e)
    summary = json.loads(end[1].strip().splitlines()[-1])

    def rate(r):
        return rows / r[0]
    print(f"\n{'step':58} {'seconds':>8} {'rows/s':>12} {'vs rcx':>8}")
    lines = [
        ("cat FILE > /dev/null (reading floor)", cat),
        ("python3 csv.DictReader (parse only, no events)", py),
        ("rcx ingest --dry-run, no enrichment configured", dry_plain),
        ("rcx ingest --dry-run (parse, normalise, enrich, route, dedup)", dry),
        ("rcx ingest (SQLite, enrichment, dedup, routing)", end),
    ]
    for name, r in lines:
        print(f"{name:58} {r[0]:8.3f} {rate(r):12,.0f} {rate(dry) / rate(r) if r is not dry else 1:8.2f}")
    print(f"\nratios: dry-run = {rate(dry) / rate(py):.1f}x csv.DictReader, {rate(dry) / rate(cat) * 100:.0f}% "
          f"of the cat floor; vs IntelMQ's quoted 2,500 ev/s: {rate(dry) / 2500:.0f}x")
    print(f"end-to-end = {rate(end):,.0f} events/s; vs IntelMQ pipeline's quoted 494 ev/s: "
          f"{rate(end) / 494:.0f}x; summary {summary}")
    if a.big_rows:
        bd, bf = gen(a.big_rows, f"rows-{a.big_rows}")
        db = os.path.join(work, "big.db")
        for ext in ("", "-wal", "-shm"):
            if os.path.exists(db + ext):
                os.remove(db + ext)
        bconf = ["--config", os.path.join(bd, "rcx-demo.conf"), "--db", db]
        bdry = run([rcx, "--quiet"] + bconf + ["ingest", "--dry-run", "--format", "shadowserver", bf], env=env)
        print(f"\n{a.big_rows:,}-row dry-run: {bdry[0]:.1f} s, {a.big_rows / bdry[0]:,.0f} rows/s, "
              f"peak RSS {bdry[2]:.0f} MiB")
        big = run([rcx, "--quiet"] + bconf + ["ingest", "--format", "shadowserver", bf], env=env)
        print(f"{a.big_rows:,}-row end-to-end ingest: {big[0]:.1f} s, {a.big_rows / big[0]:,.0f} rows/s, "
              f"peak RSS {big[2]:.0f} MiB, database {os.path.getsize(db) / 1e9:.1f} GB ({big[1].strip()})")
        for ext in ("", "-wal", "-shm"):
            if os.path.exists(db + ext):
                os.remove(db + ext)


if __name__ == "__main__":
    main()
