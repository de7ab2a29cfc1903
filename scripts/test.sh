#!/bin/sh
# `make test`: everything, twice.
#  1. build/      gcc, warnings as errors: unit, golden and integration tests.
#  2. build-san/  clang with ASan+UBSan and the libFuzzer harnesses: the same tests under the
#                 sanitizers, then each fuzzer for FUZZ_SECONDS (default 20) on its seed corpus.
# Any failure, warning or sanitizer report fails the run.
set -eu
cd "$(dirname "$0")/.."
FUZZ_SECONDS=${FUZZ_SECONDS:-20}
export FUZZ_SECONDS

echo "== build (gcc)"
[ -f build/build.ninja ] || meson setup build
ninja -C build
meson test -C build --print-errorlogs --num-processes 2

echo "== build-san (clang, ASan+UBSan, fuzzers)"
if [ ! -f build-san/build.ninja ]; then
  CC=clang meson setup build-san -Db_sanitize=address,undefined -Db_lundef=false -Dfuzz=true \
    -Dbuildtype=debug -Doptimization=1
fi
ninja -C build-san
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:halt_on_error=1 \
UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  meson test -C build-san --print-errorlogs --num-processes 2 --timeout-multiplier 4 --no-suite bench

echo "== fuzz (${FUZZ_SECONDS}s per harness)"
fuzz/run.sh build-san "$FUZZ_SECONDS"
echo "== all tests passed"
