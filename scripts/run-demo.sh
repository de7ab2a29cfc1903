#!/bin/sh
# `make run`: generate the demo feeds (once), ingest them into ./var/rcx.db, and show what came in.
# The web UI and API (rcx serve on http://127.0.0.1:8080/) arrive with the server issue; until then
# this is the ingest demo.
set -eu
cd "$(dirname "$0")/.."
rcx=build/rcx
mkdir -p var
if [ ! -f var/demo/rcx-demo.conf ]; then
  echo "== generating demo feeds in var/demo"
  "$rcx" demo generate --out var/demo
fi
export RCX_CONFIG=var/demo/rcx-demo.conf RCX_DB=var/rcx.db
echo "== ingesting (re-running adds nothing: files already ingested are recognised)"
for f in var/demo/*-*-rcx-demo-geo.csv; do
  printf '%-60s ' "$(basename "$f")"; "$rcx" --quiet ingest --format shadowserver "$f"
done
printf '%-60s ' feodotracker-ipblocklist.json; "$rcx" --quiet ingest --format feodo-json var/demo/feodotracker-ipblocklist.json
printf '%-60s ' feodotracker-ipblocklist.csv; "$rcx" --quiet ingest --format feodo-csv var/demo/feodotracker-ipblocklist.csv
printf '%-60s ' urlhaus.csv; "$rcx" --quiet ingest --format urlhaus-csv var/demo/urlhaus.csv
printf '%-60s ' spamhaus-drop.txt; "$rcx" --quiet ingest --format spamhaus-drop var/demo/spamhaus-drop.txt
printf '%-60s ' blocklist-ips.txt; "$rcx" --quiet ingest --format list-ip var/demo/blocklist-ips.txt
echo "== $("$rcx" events --count) events in var/rcx.db; three of them:"
"$rcx" events --limit 3
echo "== try: build/rcx events --type infected-system --limit 5    build/rcx quarantine    (RCX_DB=var/rcx.db)"
