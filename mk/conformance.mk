# conformance.mk - the OCI runtime conformance suite (opencontainers/runtime-tools validation).
#   make check-conformance                    run it against $(O)/hull
#   make check-conformance RUNTIME=/usr/sbin/runc   baseline with another runtime
# Needs: golang-go golang-github-opencontainers-runtime-tools-dev busybox-static, root, and the
# validation sources (CONFORMANCE_SRC, see tests/conformance/run.sh); build cache and TAP
# results go to $(CONFORMANCE_CACHE) (default /var/tmp/hull-conformance).
check-conformance: all
	RUNTIME="$(RUNTIME)" HULL=$(abspath $(O)/hull) tests/conformance/run.sh $(CONFORMANCE_PROGRAMS)

.PHONY: check-conformance
