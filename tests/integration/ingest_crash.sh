#!/bin/sh
# Crash safety: kill -9 an ingest mid-way, run the same command again, and check that the store holds
# exactly what one clean run gives (events with their counts, quarantine rows), compared as full dumps.
set -eu
rcx=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export RCX_NOW=2026-01-01T00:00:00Z
rows=${RCX_CRASH_ROWS:-400000}

"$rcx" demo generate --out "$tmp/demo" --rows "$rows" --seed 7 --only-scan
conf="$tmp/demo/rcx-demo.conf"
src=$(ls "$tmp"/demo/*-scan_*.csv | head -n 1)
# Sprinkle bad records through the file so quarantine is part of the comparison.
f="$tmp/$(basename "$src")"
awk 'NR > 1 && NR % 25000 == 0 { print "not,a,valid,row" } { print }' "$src" > "$f"

"$rcx" --quiet --config "$conf" --db "$tmp/clean.db" ingest --format shadowserver "$f" > "$tmp/clean.summary"

"$rcx" --quiet --config "$conf" --db "$tmp/crash.db" ingest --format shadowserver "$f" > /dev/null 2>&1 &
pid=$!
# Wait until at least one batch is committed, then kill without warning.
done_lines=0
i=0
while [ $i -lt 600 ]; do
  done_lines=$(sqlite3 -cmd '.timeout 2000' "$tmp/crash.db" 'SELECT coalesce(max(records_done),0) FROM ingest_files' 2>/dev/null || echo 0)
  [ "${done_lines:-0}" -gt 0 ] && break
  kill -0 $pid 2>/dev/null || break
  sleep 0.05
  i=$((i + 1))
done
kill -9 $pid 2>/dev/null || true
wait $pid 2>/dev/null || true
complete=$(sqlite3 "$tmp/crash.db" 'SELECT coalesce(max(complete),0) FROM ingest_files' 2>/dev/null || echo 0)
total=$(wc -l < "$f")
echo "killed after $done_lines of $total lines committed (complete=$complete)"
if [ "$complete" = 1 ] || [ "$done_lines" -eq 0 ]; then
  echo "FAIL: the kill did not land mid-ingest; raise RCX_CRASH_ROWS"
  exit 1
fi

"$rcx" --quiet --config "$conf" --db "$tmp/crash.db" ingest --format shadowserver "$f" > "$tmp/rerun.summary"
for db in clean crash; do
  "$rcx" --db "$tmp/$db.db" events --raw > "$tmp/$db.events"
  "$rcx" --db "$tmp/$db.db" quarantine > "$tmp/$db.quarantine"
done
n=$(wc -l < "$tmp/clean.events")
q=$(wc -l < "$tmp/clean.quarantine")
[ "$n" -gt 0 ] || { echo "FAIL: no events"; exit 1; }
[ "$q" -gt 0 ] || { echo "FAIL: no quarantine rows"; exit 1; }
cmp "$tmp/clean.events" "$tmp/crash.events" || { echo "FAIL: events differ after crash + rerun"; exit 1; }
cmp "$tmp/clean.quarantine" "$tmp/crash.quarantine" || { echo "FAIL: quarantine differs"; exit 1; }
echo "clean run: $(cat "$tmp/clean.summary"); after crash, rerun: $(cat "$tmp/rerun.summary")"
echo "OK: $n events and $q quarantine rows identical"
