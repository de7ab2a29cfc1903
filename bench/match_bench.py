#!/usr/bin/env python3
"""Matching benchmark: rcx match against `grep -F -f` (and `rg -F -f` when installed) and the reading
floor `cat FILE > /dev/null`, on the same generated files in the same run.

  bench/match_bench.py [--indicators N] [--log-mb M] [--hits F] [--rcx build/rcx] [--work DIR]
                       [--threads T] [--build-indicators N2] [--repeat R]

Indicators: N mixed — 40% IPv4 addresses, 10% IPv4 /24 networks, 40% domains, 10% SHA-256 hashes.
Log: a BIND query log of about M MB; a fraction F of its lines hit an indicator (the query is a
name *below* an indicator domain, or the client is an indicator address or inside an indicator
network). grep and rg get the exact strings (addresses and domains) of the indicator list: they
cannot express network containment or domain suffixes, so they find fewer of the hits and are
shown for speed only.

rcx runs with --threads 1 and --threads T (default: the machine's cores): one log file is cut into
chunks read in parallel. Also measured: the index build time (and, with --build-indicators, the
build of a second, larger list of the same mix), its size per indicator, and the resident memory of
a match run over a tiny log with the index loaded (minus the same run with a one-line index), per
indicator.
"""
import argparse
import os
import platform
import random
import shutil
import subprocess
import sys
import time


def gen_indicators(path, n, seed=2):
    """Only the indicator list (for build timings at larger counts)."""
    if os.path.exists(path):
        return
    rnd = random.Random(seed)
    with open(path, "w") as f:
        out = []
        for i in range(n):
            r = i % 10
            if r < 4:
                out.append(f"10.{rnd.randrange(256)}.{rnd.randrange(256)}.{rnd.randrange(1, 255)}")
            elif r < 5:
                out.append(f"172.{rnd.randrange(16, 32)}.{rnd.randrange(256)}.0/24")
            elif r < 9:
                out.append("".join(rnd.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(10)) + f"{i}.example")
            else:
                out.append("%064x" % rnd.getrandbits(256))
            if len(out) >= 100000:
                f.write("\n".join(out) + "\n")
                out = []
        if out:
            f.write("\n".join(out) + "\n")


def max_rss_kb(cmd):
    """Peak resident memory of cmd in KiB (GNU time)."""
    p = subprocess.run(["/usr/bin/time", "-f", "%M"] + cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    return int(p.stderr.decode().strip().splitlines()[-1])


def gen(work, n, log_mb, hits, seed=1):
    rnd = random.Random(seed)
    ind_path = os.path.join(work, f"ind-{n}.txt")
    exact_path = os.path.join(work, f"ind-{n}-exact.txt")
    log_path = os.path.join(work, f"query-{n}-{log_mb}mb.log")
    if os.path.exists(log_path):
        return ind_path, exact_path, log_path
    ips, nets, doms = [], [], []
    with open(ind_path, "w") as f, open(exact_path, "w") as g:
        for i in range(n):
            r = i % 10
            if r < 4:
                ip = f"10.{rnd.randrange(256)}.{rnd.randrange(256)}.{rnd.randrange(1, 255)}"
                ips.append(ip)
                f.write(ip + "\n")
                g.write(ip + "\n")
            elif r < 5:
                net = f"172.{rnd.randrange(16, 32)}.{rnd.randrange(256)}"
                nets.append(net)
                f.write(net + ".0/24\n")
            elif r < 9:
                d = "".join(rnd.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(10)) + f"{i}.example"
                doms.append(d)
                f.write(d + "\n")
                g.write(d + "\n")
            else:
                f.write("%064x\n" % rnd.getrandbits(256))
    target = log_mb * 1024 * 1024
    size = 0
    with open(log_path, "w") as f:
        while size < target:
            lines = []
            for _ in range(10000):
                if rnd.random() < hits:
                    k = rnd.randrange(3)
                    if k == 0:
                        client, q = rnd.choice(ips), "www.good.example"
                    elif k == 1:
                        client, q = rnd.choice(nets) + f".{rnd.randrange(1, 255)}", "www.good.example"
                    else:
                        client, q = "192.168.1.10", "cdn." + rnd.choice(doms)
                else:
                    client = f"192.168.{rnd.randrange(256)}.{rnd.randrange(1, 255)}"
                    q = "".join(rnd.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(12)) + ".example.org"
                lines.append(f"23-Nov-2026 10:00:00.000 client @0x7f0000000000 {client}#5353 ({q}): "
                             f"query: {q} IN A +E(0)K (192.168.0.53)\n")
            chunk = "".join(lines)
            f.write(chunk)
            size += len(chunk)
    return ind_path, exact_path, log_path


def timed(cmd, stdout=subprocess.DEVNULL):
    t0 = time.perf_counter()
    p = subprocess.run(cmd, stdout=stdout, stderr=subprocess.PIPE, shell=isinstance(cmd, str))
    dt = time.perf_counter() - t0
    if p.returncode not in (0, 1):  # grep exits 1 when nothing matched
        raise SystemExit(f"failed ({p.returncode}): {cmd}: {p.stderr.decode()[-500:]}")
    return dt, p


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--indicators", type=int, default=1_000_000)
    ap.add_argument("--log-mb", type=int, default=1024)
    ap.add_argument("--hits", type=float, default=0.01)
    ap.add_argument("--rcx", default="build/rcx")
    ap.add_argument("--work", default="bench/work")
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--build-indicators", type=int, default=0)
    a = ap.parse_args()
    rcx = os.path.abspath(a.rcx)
    work = os.path.abspath(a.work)
    os.makedirs(work, exist_ok=True)
    ind, exact, log = gen(work, a.indicators, a.log_mb, a.hits)
    idx = os.path.join(work, f"ind-{a.indicators}.idx")
    build, _ = timed([rcx, "--quiet", "match", "index", "build", "--out", idx, ind])
    size = os.path.getsize(log)
    print(f"{time.strftime('%Y-%m-%d')} machine: {platform.node()} {platform.machine()}, {os.cpu_count()} cores; "
          f"{a.indicators:,} indicators (index build {build:.1f} s, file {os.path.getsize(idx) / a.indicators:.1f} B/indicator); "
          f"log {size / 1e6:.0f} MB, {a.hits:.0%} hit lines")
    if shutil.which("/usr/bin/time") or os.path.exists("/usr/bin/time"):
        tiny_log = os.path.join(work, "tiny.log")
        one = os.path.join(work, "one.txt")
        with open(tiny_log, "w") as f:
            f.write("23-Nov-2026 10:00:00.000 client 192.0.2.1#1 (a.example): query: a.example IN A\n")
        with open(one, "w") as f:
            f.write("192.0.2.1\n")
        one_idx = os.path.join(work, "one.idx")
        timed([rcx, "--quiet", "match", "index", "build", "--out", one_idx, one])
        base = max_rss_kb([rcx, "--quiet", "match", "--indicators", one_idx, "--format", "dns", tiny_log])
        full = max_rss_kb([rcx, "--quiet", "match", "--indicators", idx, "--format", "dns", tiny_log])
        print(f"index resident memory: {(full - base) * 1024 / a.indicators:.1f} B/indicator "
              f"({full / 1024:.0f} MiB with the index, {base / 1024:.0f} MiB without)")
    if a.build_indicators:
        big = os.path.join(work, f"ind-{a.build_indicators}.txt")
        gen_indicators(big, a.build_indicators)
        big_idx = os.path.join(work, f"ind-{a.build_indicators}.idx")
        bt = min(timed([rcx, "--quiet", "match", "index", "build", "--out", big_idx, big])[0] for _ in range(a.repeat))
        print(f"index build of {a.build_indicators:,} indicators: {bt:.1f} s, file "
              f"{os.path.getsize(big_idx) / a.build_indicators:.1f} B/indicator")

    def best(cmd):
        return min(timed(cmd)[0] for _ in range(a.repeat))
    rows = [("cat FILE > /dev/null (reading floor)", best(f"cat '{log}' > /dev/null"))]
    rows.append(("rcx match --format dns --summary --threads 1 (CIDR + suffixes)",
                 best([rcx, "--quiet", "match", "--indicators", idx, "--format", "dns", "--summary", "--threads", "1",
                       log])))
    if a.threads > 1:
        rows.append((f"rcx match --format dns --summary --threads {a.threads}",
                     best([rcx, "--quiet", "match", "--indicators", idx, "--format", "dns", "--summary", "--threads",
                           str(a.threads), log])))
    rows.append(("grep -F -f exact-strings (no CIDR, no suffixes)", best(["grep", "-F", "-c", "-f", exact, log])))
    if shutil.which("rg"):
        rows.append(("rg -F -f exact-strings (no CIDR, no suffixes)", best(["rg", "-F", "-c", "-f", exact, log])))
    rcx_t = min(t for name, t in rows if name.startswith("rcx"))
    print(f"\n{'tool':62} {'seconds':>8} {'MB/s':>8} {'x best rcx time':>16}")
    for name, t in rows:
        print(f"{name:62} {t:8.2f} {size / 1e6 / t:8.0f} {t / rcx_t:15.2f}x")
    print(f"\nrcx reaches {rows[0][1] / rcx_t:.0%} of the reading floor's throughput")


if __name__ == "__main__":
    main()
