# netdev.mk - `make check-netdev`: linux.netDevices with a hull that has it.
#
# It needs libmnl, which Debian ships only as a shared library, so the default static hull
# refuses such configs (see netdev.h). This target builds a dynamic hull next to the
# default one, into $(O)/build-netdev (the same sources; STATIC_RUNTIME=no HAVE_MNL=yes
# override config.mk, as ./configure --disable-static-runtime would set them), and runs the
# netDevices and features suites with it. Every test makes its own network namespace;
# the host's network is never touched. Runs as root.
#
# The VM suite (mk/vm.mk) runs the same hull in the pure cgroup v2 guest: it asks for
# netdev-hull-if-possible, which builds it when libmnl-dev is installed and otherwise says
# so (the guest's t-80-netdev.sh then skips with that reason).
NETDEV_O := $(abspath $(O))/build-netdev
NETDEV_HULL := $(NETDEV_O)/hull
NETDEV_BUILD = $(MAKE) --no-print-directory O=$(NETDEV_O) STATIC_RUNTIME=no HAVE_MNL=yes $(NETDEV_HULL)

netdev-hull:
	$(NETDEV_BUILD)

netdev-hull-if-possible:
	@if echo '#include <libmnl/libmnl.h>' | $(CC) -E -x c - >/dev/null 2>&1; then \
		$(NETDEV_BUILD); \
	else \
		echo "netdev.mk: no libmnl-dev: not building $(NETDEV_HULL) (the VM's netDevices test will skip)"; \
	fi

check-netdev: netdev-hull
	HULL=$(NETDEV_HULL) bats --tap tests/integration/netdev.bats tests/integration/features.bats

clean: clean-netdev
clean-netdev:
	rm -rf $(NETDEV_O)

.PHONY: check-netdev clean-netdev netdev-hull netdev-hull-if-possible
