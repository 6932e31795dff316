# daemons.mk - `make check-daemons`: hull as the runtime of Debian's containerd (ctr and
# the CRI API), podman, Docker and buildah (tests/daemons/*.bats; docker.bats and buildah.bats
# run each scenario with hull and with runc). Needs root and the "daemons" packages of
# scripts/install-deps.sh (containerd podman ...; python3-grpcio for the CRI tests).
# `make check-daemons DAEMONS_RUNTIME=/usr/sbin/runc` runs the same suites against runc,
# which shows they test the daemon path rather than hull's quirks.
DAEMONS_RUNTIME ?= $(abspath $(O)/hull)

check-daemons: all
	@scripts/install-deps.sh ci
	HULL=$(DAEMONS_RUNTIME) tests/run.sh daemons

.PHONY: check-daemons
