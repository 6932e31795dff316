# testtools.mk - small helper programs the integration tests use.
#   recvtty: the receiving end of --console-socket / --pidfd-socket, and a static
#            sd_notify sender for inside containers (tests/lib/recvtty.c)
RECVTTY := $(OBJ)/tests/lib/recvtty

$(RECVTTY): tests/lib/recvtty.c
	@mkdir -p $(dir $@)
	$(CC) -std=gnu11 -Wall -Wextra $(WERROR) -O2 -static -o $@ $<

export HULL_RECVTTY := $(abspath $(RECVTTY))

testtools: $(RECVTTY)
check: $(RECVTTY)
check-integration: $(RECVTTY)

.PHONY: testtools
