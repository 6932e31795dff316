# bench.mk - `make bench`: hull side by side with crun and runc (bench/run.sh, BENCHMARKS.md).
#   make bench                  full run (several minutes)
#   make bench BENCH_QUICK=1    every row with fewer samples: a few minutes
#   make bench BENCH_OUT=DIR    keep the raw hyperfine JSON and the table in DIR
# Needs root, hyperfine, time (/usr/bin/time), runc, crun (installed here); the image rows also
# podman, skopeo, umoci, docker-registry, docker.io (`scripts/install-deps.sh ci`), else they are noted and skipped.
BENCH_QUICK ?= 0

bench: all
	@scripts/install-deps.sh test
	BENCH_QUICK=$(BENCH_QUICK) $(if $(BENCH_OUT),BENCH_OUT=$(abspath $(BENCH_OUT))) \
		HULL=$(abspath $(O)/hull) HULL_IMAGE=$(abspath $(O)/hull-image) bench/run.sh

.PHONY: bench
