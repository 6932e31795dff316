# vm.mk - `make check-vm`: the cgroup and netDevices tests in a pure cgroup v2 VM
# (tests/vm/run.sh), and cgtool, the small static driver of libhull's cgroup manager those
# tests (and the host's) use.
CGTOOL := $(OBJ)/tests/vm/cgtool

$(CGTOOL): tests/vm/cgtool.c $(STATIC_OBJS) $(O)/libhull.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(RUNTIME_LINK) $(ALL_LDFLAGS) -o $@ $< $(STATIC_OBJS) $(O)/libhull.a $(RUNTIME_LIBS)

export HULL_CGTOOL := $(abspath $(CGTOOL))

cgtool: $(CGTOOL)
# The host's cgroups.bats and the VM both need it: build it wherever the tests are built.
unit-tests: $(CGTOOL)
check: $(CGTOOL)
check-unit: $(CGTOOL)
check-integration: $(CGTOOL)

# The guest's netDevices test runs the libmnl hull (mk/netdev.mk); NETDEV_HULL is set
# there (mk/*.mk are included in name order, netdev.mk before vm.mk).
export HULL_NETDEV := $(NETDEV_HULL)
check: $(if $(filter vm,$(CHECK_SUITES)),netdev-hull-if-possible)

check-vm: all $(CGTOOL) netdev-hull-if-possible
	tests/run.sh vm

.PHONY: check-vm cgtool
