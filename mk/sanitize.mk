# sanitize.mk - hull under ASan+UBSan and under valgrind memcheck.
#
#   make check-sanitize [SAN_O=build-asan] [SAN_BATS="tests/integration/x.bats ..."]
#        builds an ASan+UBSan hull (dynamic: ASan cannot link -static) in SAN_O, runs the
#        unit tests and SAN_BATS against it. Sanitizer reports go to SAN_O/san-logs/ as
#        well; any report there fails the target, even from a process whose exit status
#        no test looked at. Leak checking (LSan) is on.
#   make check-valgrind [VG_O=build-valgrind]
#        builds a plain dynamic hull in VG_O and runs tests/valgrind.sh (memcheck over
#        spec, features, state, list, create failure paths, kill, delete).
#
# `./configure --enable-sanitizers && make check` also works (the whole suite, in tree).
SAN_O ?= build-asan
VG_O ?= build-valgrind
# Suites that exercise the parent/child split, seccomp, mounts and the lifecycle.
SAN_BATS ?= tests/integration/spec.bats tests/integration/seccomp.bats tests/integration/hardening.bats \
	tests/integration/caps.bats tests/integration/hooks.bats tests/integration/mounts.bats \
	$(wildcard tests/integration/lifecycle.bats tests/integration/exec.bats)
SAN_LOGS = $(abspath $(SAN_O))/san-logs
SAN_ENV = ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:log_path=$(SAN_LOGS)/asan \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:log_path=$(SAN_LOGS)/ubsan \
	CK_TIMEOUT_MULTIPLIER=4 \
	HULL=$(abspath $(SAN_O))/hull HULL_UNIT_DIR=$(abspath $(SAN_O))/obj/tests/unit \
	HULL_CGTOOL=$(abspath $(SAN_O))/obj/tests/vm/cgtool

check-sanitize:
	$(MAKE) --no-print-directory O=$(SAN_O) SANITIZERS=yes STATIC_RUNTIME=no HAVE_MNL=yes all unit-tests cgtool
	@rm -rf $(SAN_LOGS) && mkdir -p $(SAN_LOGS)
	@set -o pipefail; rc=0; \
	$(SAN_ENV) tests/run.sh unit || rc=1; \
	for f in $(SAN_BATS); do \
		echo "# bats $$f (ASan+UBSan)"; \
		$(SAN_ENV) bats --tap $$f || rc=1; \
	done; \
	if compgen -G '$(SAN_LOGS)/*' >/dev/null; then \
		echo "### sanitizer reports:"; head -n 40 $(SAN_LOGS)/*; rc=1; \
	fi; \
	[ $$rc = 0 ] && echo "check-sanitize: clean" || { echo "check-sanitize: FAILED"; exit 1; }

check-valgrind:
	$(MAKE) --no-print-directory O=$(VG_O) STATIC_RUNTIME=no SANITIZERS=no HAVE_MNL=yes all
	HULL=$(abspath $(VG_O))/hull tests/valgrind.sh

.PHONY: check-sanitize check-valgrind
