# Thin wrapper: the two commands of the README are `make run` and `make test`.
# Everything real lives in meson.build and scripts/.
.PHONY: all build run test bootstrap clean bench

all: build

bootstrap:
	@scripts/bootstrap.sh

build: bootstrap
	@[ -f build/build.ninja ] || meson setup build
	@ninja -C build

run: build
	@scripts/run-demo.sh

test: bootstrap
	@scripts/test.sh

bench: build
	@bench/run.py
	@bench/api_load.py
	@bench/match_bench.py
	@build/bench/pdq_bench
	@build/bench/pdq_index_bench

clean:
	rm -rf build build-san var
