#!/bin/sh
# DEVELOPMENT TOOL ONLY: runs the browser tests against dev/mock_server.mjs (not the real rcx).
# The suite (run.sh) never uses this. Usage: tests/browser/dev/run-mock.sh [node --test args]
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
out=$(mktemp)
node "$here/dev/mock_server.mjs" 0 >"$out" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; rm -f "$out"' EXIT INT TERM
i=0
until grep -q 'listening on' "$out"; do i=$((i + 1)); [ $i -lt 50 ] || { cat "$out"; exit 1; }; sleep 0.1; done
RCX_URL=$(sed -n 's/^rcx: listening on //p' "$out" | head -1)
export RCX_URL
cd "$here" && node --test --test-reporter=spec "$@" ui.test.mjs
