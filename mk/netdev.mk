# netdev.mk - `make check-netdev`: linux.netDevices with a hull that has it.
#
# It needs libmnl, which Debian ships only as a shared library, so the default static hull
# refuses such configs (see netdev.h). This target builds a dynamic hull next to the
# default one, into $(O)/build-netdev (the same sources; STATIC_RUNTIME=no HAVE_MNL=yes
# override config.mk, as ./configure --disable-static-runtime would set them), and runs the
# netDevices and features suites with it. Every test makes its own network namespace;
# the host's network is never touched. Runs as root.
NETDEV_O := $(abspath $(O))/build-netdev

check-netdev:
	$(MAKE) --no-print-directory O=$(NETDEV_O) STATIC_RUNTIME=no HAVE_MNL=yes $(NETDEV_O)/hull
	HULL=$(NETDEV_O)/hull bats --tap tests/integration/netdev.bats tests/integration/features.bats

clean: clean-netdev
clean-netdev:
	rm -rf $(NETDEV_O)

.PHONY: check-netdev clean-netdev
