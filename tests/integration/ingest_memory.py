#!/usr/bin/env python3
"""Flat memory: the peak RSS of `rcx ingest` must not grow with the file. Ingests (into SQLite, and in
--dry-run) a 50 k-row and a 10x larger demo Shadowserver report and requires the larger run's peak
RSS to stay within a fixed margin of the smaller one's. Memory, not time, is asserted."""
import os
import subprocess
import sys
import tempfile

MARGIN_MIB = 24


def peak_rss_mib(cmd, env):
    with open(os.devnull, "wb") as null:
        p = subprocess.Popen(cmd, stdout=null, env=env)
        _, status, ru = os.wait4(p.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"FAIL: {' '.join(cmd)} exited with {status}")
    return ru.ru_maxrss / 1024.0


def main():
    rcx = sys.argv[1]
    env = dict(os.environ, RCX_NOW="2026-01-01T00:00:00Z")
    # Under AddressSanitizer freed memory waits in a quarantine of up to 256 MiB, which would be
    # measured as growth; keep it small (the option is ignored by a build without ASan).
    asan = env.get("ASAN_OPTIONS", "")
    env["ASAN_OPTIONS"] = (asan + ":" if asan else "") + "quarantine_size_mb=4"
    with tempfile.TemporaryDirectory() as tmp:
        results = {}
        for rows in (50_000, 500_000):
            d = os.path.join(tmp, str(rows))
            subprocess.run([rcx, "demo", "generate", "--out", d, "--rows", str(rows), "--seed", "5",
                            "--date", "2026-01-01", "--only-scan"], check=True)
            f = os.path.join(d, "2026-01-01-scan_smb-rcx-demo-geo.csv")
            base = [rcx, "--quiet", "--config", os.path.join(d, "rcx-demo.conf"), "--db", os.path.join(d, "db")]
            results[rows] = (peak_rss_mib(base + ["ingest", "--dry-run", f], env),
                             peak_rss_mib(base + ["ingest", f], env))
            print(f"{rows:>7} rows: dry-run peak RSS {results[rows][0]:.1f} MiB, ingest {results[rows][1]:.1f} MiB")
        for i, what in enumerate(("dry-run", "ingest")):
            small, big = results[50_000][i], results[500_000][i]
            if big > small + MARGIN_MIB:
                sys.exit(f"FAIL: {what} peak RSS grew from {small:.1f} to {big:.1f} MiB with 10x the rows")
    print("OK: memory stays flat")


if __name__ == "__main__":
    main()
