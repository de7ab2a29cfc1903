#!/bin/sh
# Runs every fuzz_* harness of a build for SECONDS each, on a copy of its seed corpus in a temporary
# directory (the repository is never written). One line per harness; exits non-zero when any harness
# crashes, leaks, times out or makes a sanitizer report, and prints the reproducer.
#   fuzz/run.sh BUILD_DIR SECONDS
set -u
if [ $# -ne 2 ]; then
	echo "usage: $0 BUILD_DIR SECONDS" >&2
	exit 2
fi
build=$1
secs=$2
here=$(cd "$(dirname "$0")" && pwd)
case $secs in
'' | *[!0-9]*) echo "$0: SECONDS must be a number" >&2; exit 2 ;;
esac
if [ ! -d "$build/fuzz" ]; then
	echo "$0: no $build/fuzz: configure the build with -Dfuzz=true" >&2
	exit 2
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/rcx-fuzz-run.XXXXXX") || exit 2
keep=0
cleanup() {
	if [ "$keep" = 0 ]; then rm -rf "$work"; fi
}
child=
trap cleanup EXIT
trap 'if [ -n "$child" ]; then kill "$child" 2>/dev/null; fi; exit 130' INT TERM

# Any sanitizer report ends the run as a crash.
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:halt_on_error=1:detect_stack_use_after_return=1
UBSAN_OPTIONS=halt_on_error=1:abort_on_error=1:print_stacktrace=1
export ASAN_OPTIONS UBSAN_OPTIONS

# Largest input per harness: big enough for the structure each parses, small enough to stay fast.
max_len() {
	case $1 in
	fuzz_time | fuzz_ip) echo 256 ;;
	fuzz_event_set) echo 4096 ;;
	fuzz_config | fuzz_event_json | fuzz_enrich_config | fuzz_routes) echo 16384 ;;
	*) echo 65536 ;;
	esac
}

found=0
failed=0
for bin in "$build"/fuzz/fuzz_*; do
	[ -f "$bin" ] && [ -x "$bin" ] || continue
	name=$(basename "$bin")
	found=$((found + 1))
	corpus=$work/$name/corpus
	mkdir -p "$corpus" "$work/$name/artifacts"
	if [ -d "$here/corpus/$name" ]; then
		cp -R "$here/corpus/$name/." "$corpus/"
	else
		echo "warning: no seed corpus fuzz/corpus/$name" >&2
	fi
	seeds=$(find "$corpus" -type f | wc -l)
	log=$work/$name/log
	# TMPDIR: the files a harness writes (schema, maps, data files) go with the rest, even after a crash
	# A fixed seed (FUZZ_SEED, default 1) makes every `make test` walk the same sequence of inputs (how
	# far it gets in SECONDS depends on the machine); a new FUZZ_SEED or a longer run explores further.
	TMPDIR=$work/$name "$bin" "$corpus" -seed="${FUZZ_SEED:-1}" -max_total_time="$secs" \
		-max_len="$(max_len "$name")" -timeout=10 \
		-rss_limit_mb=2048 -malloc_limit_mb=2048 -artifact_prefix="$work/$name/artifacts/" \
		-print_final_stats=1 -close_fd_mask=1 </dev/null >"$log" 2>&1 &
	child=$!
	wait "$child"
	rc=$?
	child=
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
	units=$(find "$corpus" -type f | wc -l)
	if [ "$rc" -ne 0 ] || grep -q -e 'runtime error:' -e '^==[0-9]*==ERROR:' "$log"; then
		failed=$((failed + 1))
		keep=1
		repro=$(find "$work/$name/artifacts" -type f | head -n 1)
		printf 'FAIL %-32s exit %s after %s runs\n' "$name" "$rc" "${runs:-?}"
		echo "     log: $log"
		if [ -n "$repro" ]; then
			echo "     reproducer: $repro"
			echo "     rerun: $bin $repro"
			if [ "$(wc -c <"$repro")" -le 4096 ]; then
				echo "     reproducer (base64):"
				base64 "$repro" | sed 's/^/       /'
			fi
		fi
		echo "     --- report (full log above) ---"
		# the finding and its first stack frames, without libFuzzer's own frames
		sed -n '/fuzz check failed\|==ERROR\|runtime error:\|fuzz_format:\|ERROR: libFuzzer/,$p' "$log" |
			grep -v -e 'in fuzzer::' -e '__libc_start' -e ' in _start ' -e ' in main ' | head -n 20 |
			sed 's/^/     /'
	else
		printf 'ok   %-32s %8s runs, corpus %s -> %s\n' "$name" "${runs:-?}" "$seeds" "$units"
	fi
done

if [ "$found" = 0 ]; then
	echo "$0: no fuzz_* harness in $build/fuzz" >&2
	exit 2
fi
if [ "$failed" -ne 0 ]; then
	echo "$failed of $found harnesses failed; their files are kept in $work" >&2
	exit 1
fi
echo "all $found harnesses ran ${secs}s without a finding"
