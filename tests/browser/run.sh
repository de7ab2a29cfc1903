#!/bin/sh
# Browser tests of the web UI against the real rcx binary:
#   tests/browser/run.sh path/to/rcx
# Builds a database with the CLI (organisations CERT-A and CERT-B, an admin and two analysts, an
# AMBER and a GREEN feed of CERT-A), starts `rcx serve` on a free loopback port, and runs
# ui.test.mjs (node:test + playwright-core driving Debian's /usr/bin/chromium, headless).
# Exit 77 (meson: skipped) when chromium or node is missing or the npm packages cannot be installed.
set -eu

RCX=${1:?usage: run.sh PATH-TO-RCX}
case $RCX in /*) ;; *) RCX=$(pwd)/$RCX ;; esac
HERE=$(cd "$(dirname "$0")" && pwd)
CHROMIUM=${RCX_CHROMIUM:-/usr/bin/chromium}

skip() { echo "browser tests skipped: $*" >&2; exit 77; }
[ -x "$RCX" ] || { echo "run.sh: $RCX is not an executable" >&2; exit 1; }
[ -x "$CHROMIUM" ] || skip "$CHROMIUM is not installed"
command -v node >/dev/null 2>&1 || skip "node is not installed"
node -e 'process.exit(Number(process.versions.node.split(".")[0]) >= 18 ? 0 : 1)' ||
	skip "node $(node --version) is too old for playwright-core (18 or later)"
if [ ! -d "$HERE/node_modules/playwright-core" ]; then
	command -v npm >/dev/null 2>&1 || skip "npm is not installed"
	(cd "$HERE" && npm ci --no-audit --no-fund --loglevel=error >&2) || skip "npm ci failed (no registry?)"
fi

T=$(mktemp -d "${TMPDIR:-/tmp}/rcx-browser.XXXXXX")
SERVER_PID=
TEST_PID=
cleanup() {
	if [ -n "$TEST_PID" ]; then
		kill "$TEST_PID" 2>/dev/null || true # playwright closes its browser on SIGTERM
		wait "$TEST_PID" 2>/dev/null || true
	fi
	if [ -n "$SERVER_PID" ]; then
		kill "$SERVER_PID" 2>/dev/null || true
		wait "$SERVER_PID" 2>/dev/null || true
	fi
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

export RCX_PWHASH_COST=min
PW=correct-horse-battery
DB=$T/rcx.db
rcx() { "$RCX" --db "$DB" --quiet "$@"; }

echo "$PW" | rcx init --org CERT-A --country HR --admin admin@a.example >/dev/null
rcx org add CERT-B --country RS --kind national-cert >/dev/null
echo "$PW" | rcx user add analyst@a.example --org CERT-A --role analyst >/dev/null
echo "$PW" | rcx user add analyst@b.example --org CERT-B --role analyst >/dev/null
printf '192.0.2.1\n192.0.2.2\n192.0.2.3\n' >"$T/amber.txt"
printf '198.51.100.7\n198.51.100.8\n' >"$T/green.txt"
rcx ingest --format list-ip --feed test-amber --org CERT-A --tlp amber --distribution node "$T/amber.txt" >/dev/null
rcx ingest --format list-ip --feed test-green --org CERT-A --tlp green --distribution node "$T/green.txt" >/dev/null

# The server prints "rcx: listening on http://127.0.0.1:PORT/" as its first line on stdout. It is
# started directly (not through the rcx() function, whose subshell $! would name instead), so that
# SERVER_PID is the server itself and cleanup() stops it.
start_server() {
	: >"$T/serve.out"
	"$RCX" --db "$DB" --quiet serve --listen "$1" >"$T/serve.out" 2>"$T/serve.err" &
	SERVER_PID=$!
	i=0
	while [ $i -lt 100 ]; do
		URL=$(sed -n '1s|^rcx: listening on \(http://[^ ]*\)$|\1|p' "$T/serve.out")
		[ -n "$URL" ] && return 0
		kill -0 "$SERVER_PID" 2>/dev/null || break
		i=$((i + 1))
		sleep 0.1
	done
	kill "$SERVER_PID" 2>/dev/null || true
	wait "$SERVER_PID" 2>/dev/null || true
	SERVER_PID=
	return 1
}
URL=
if ! start_server 127.0.0.1:0; then
	# no URL line (or port 0 refused): a random high port, passed to the tests directly
	PORT=$(node -e 'console.log(20000 + Math.floor(Math.random() * 40000))')
	"$RCX" --db "$DB" --quiet serve --listen "127.0.0.1:$PORT" >"$T/serve.out" 2>"$T/serve.err" &
	SERVER_PID=$!
	URL=http://127.0.0.1:$PORT/
fi

# Wait until it answers.
node -e '
const url = process.argv[1];
const end = Date.now() + 15000;
(async function poll() {
  for (;;) {
    try { const r = await fetch(url); if (r.status < 500) return; } catch {}
    if (Date.now() > end) { console.error("run.sh: " + url + " does not answer"); process.exit(1); }
    await new Promise((r) => setTimeout(r, 100));
  }
})();' "$URL" || { cat "$T/serve.err" >&2; exit 1; }

echo "browser tests against $URL" >&2
# In the background and waited for, so that a signal runs the traps at once (a foreground child
# would delay them until it ended).
status=0
(cd "$HERE" && RCX_URL=$URL RCX_TEST_PASSWORD=$PW RCX_TEST_AMBER_N=3 RCX_TEST_GREEN_N=2 \
	RCX_CHROMIUM=$CHROMIUM exec node --test --test-reporter=spec ui.test.mjs) &
TEST_PID=$!
wait "$TEST_PID" || status=$?
TEST_PID=
if [ $status -ne 0 ]; then
	echo "--- rcx serve stderr (last 50 lines) ---" >&2
	tail -n 50 "$T/serve.err" >&2 || true
fi
exit $status
