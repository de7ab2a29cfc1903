#!/usr/bin/env python3
"""REST load benchmark: `rcx serve` over a store of N events (default 1 M), loaded by wrk on
loopback for a bounded time per scenario. Prints requests/s and latency percentiles, and the ratio
against the figure quoted in the issue for the OASIS reference TAXII server (medallion, Flask:
~520 object-page requests/s, p99 47 ms on this kind of machine) — quoted, not measured here,
because medallion is not installable without PyPI.

  bench/api_load.py [--rows N] [--rcx build/rcx] [--work DIR] [--seconds S] [--connections C]

Scenarios (all authenticated with an API key, as an analyst of the owning organisation, so every
request runs the visibility rule in its SQL):
  single   GET /api/v1/events/{id}, ids spread over the store
  page10   GET /api/v1/events?limit=10&after=<random cursor>
  page100  GET /api/v1/events?limit=100&after=<random cursor>
  count    GET /api/v1/events/count?type=potentially-unwanted-accessible (counts ~all 1 M events)
  foreign  GET /api/v1/events/{id} as an analyst of another organisation (404: AMBER, not named)
"""
import argparse
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time

LUA = r"""
local ids = %d
local key = "%s"
local path = "%s"
math.randomseed(42)
request = function()
  local id = math.random(1, ids)
  local p = string.gsub(path, "{id}", tostring(id))
  p = string.gsub(p, "{after}", tostring(math.random(0, ids - 200)))
  return wrk.format("GET", p, {["Authorization"] = "Bearer " .. key})
end
"""


def sh(cmd, env, stdin=None):
    p = subprocess.run(cmd, input=stdin, capture_output=True, text=True, env=env)
    if p.returncode != 0:
        raise SystemExit(f"failed: {' '.join(cmd)}: {p.stderr}")
    return p.stdout


def parse_wrk(text):
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
    lat = {}
    for pct, val, unit in re.findall(r"^\s+(50|75|90|99)%\s+([\d.]+)(us|ms|s)\s*$", text, re.M):
        lat[pct] = float(val) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", text)
    total = int(re.search(r"(\d+) requests in", text).group(1))
    return rps, lat, int(non2xx.group(1)) if non2xx else 0, total


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--rcx", default="build/rcx")
    ap.add_argument("--work", default="bench/work")
    ap.add_argument("--seconds", type=int, default=10)
    ap.add_argument("--connections", type=int, default=16)
    ap.add_argument("--threads", type=int, default=1)
    a = ap.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed (apt-get install wrk)")
    rcx = os.path.abspath(a.rcx)
    work = os.path.abspath(a.work)
    os.makedirs(work, exist_ok=True)
    env = dict(os.environ, RCX_NOW="2026-11-22T12:00:00Z", RCX_PWHASH_COST="min")
    d = os.path.join(work, f"rows-{a.rows}")
    if not os.path.exists(os.path.join(d, "rcx-demo.conf")):
        subprocess.run([rcx, "demo", "generate", "--out", d, "--rows", str(a.rows), "--seed", "1", "--date",
                        "2026-11-22", "--only-scan"], check=True)
    scan = os.path.join(d, [f for f in os.listdir(d) if "-scan_smb-" in f][0])
    db = os.path.join(work, f"api-{a.rows}.db")
    env["RCX_DB"] = db
    pw = "bench password 123\n"
    if not os.path.exists(db):
        sh([rcx, "init", "--org", "CERT-A", "--country", "HR", "--admin", "admin@a.example"], env, pw)
        sh([rcx, "org", "add", "CERT-B", "--country", "RS", "--kind", "national-cert"], env)
        sh([rcx, "user", "add", "analyst@a.example", "--org", "CERT-A", "--role", "analyst"], env, pw)
        sh([rcx, "user", "add", "analyst@b.example", "--org", "CERT-B", "--role", "analyst"], env, pw)
        t0 = time.perf_counter()
        sh([rcx, "--quiet", "--config", os.path.join(d, "rcx-demo.conf"), "ingest", "--format", "shadowserver",
            "--tlp", "amber", "--distribution", "node", scan], env)
        print(f"store: {a.rows:,} rows ingested in {time.perf_counter() - t0:.0f} s")
    n = int(sh([rcx, "events", "--count"], env).strip())
    key_a = sh([rcx, "--quiet", "apikey", "create", "analyst@a.example", "--label", "bench"], env).strip()
    key_b = sh([rcx, "--quiet", "apikey", "create", "analyst@b.example", "--label", "bench"], env).strip()
    conf = os.path.join(work, "api-bench.conf")
    with open(conf, "w") as f:
        f.write("[serve]\nrate_per_s = 0\n")  # measure the server, not the rate limiter
    srv = subprocess.Popen([rcx, "--config", conf, "serve", "--listen", "127.0.0.1:0"], stdout=subprocess.PIPE,
                           stderr=subprocess.DEVNULL, text=True, env=env)
    try:
        m = re.match(r"rcx: listening on (http://127\.0\.0\.1:\d+)/", srv.stdout.readline())
        if not m:
            raise SystemExit("rcx serve did not start")
        base = m.group(1)
        print(f"{time.strftime('%Y-%m-%d')} machine: {platform.node()} {platform.machine()}, {os.cpu_count()} cores; "
              f"store {n:,} events; wrk -t{a.threads} -c{a.connections} -d{a.seconds}s on loopback")
        print(f"\n{'scenario':10} {'req/s':>10} {'p50 ms':>8} {'p90 ms':>8} {'p99 ms':>8} {'non-2xx':>8} "
              f"{'vs medallion 520/s':>19}")
        scenarios = [
            ("single", key_a, "/api/v1/events/{id}"),
            ("page10", key_a, "/api/v1/events?limit=10&after={after}"),
            ("page100", key_a, "/api/v1/events?limit=100&after={after}"),
            ("count", key_a, "/api/v1/events/count?type=potentially-unwanted-accessible"),
            ("foreign", key_b, "/api/v1/events/{id}"),
        ]
        for name, key, path in scenarios:
            lua = os.path.join(work, f"wrk-{name}.lua")
            with open(lua, "w") as f:
                f.write(LUA % (n, key, path))
            secs = a.seconds if name != "count" else min(a.seconds, 5)
            out = subprocess.run(["wrk", f"-t{a.threads}", f"-c{a.connections if name != 'count' else 4}",
                                  f"-d{secs}s", "--latency", "-s", lua, base], capture_output=True, text=True).stdout
            rps, lat, non2xx, total = parse_wrk(out)
            print(f"{name:10} {rps:10.0f} {lat.get('50', 0):8.2f} {lat.get('90', 0):8.2f} {lat.get('99', 0):8.2f} "
                  f"{non2xx:8d} {rps / 520:18.1f}x")
    finally:
        srv.terminate()
        srv.wait(10)


if __name__ == "__main__":
    main()
