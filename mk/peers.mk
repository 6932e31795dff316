# peers.mk - `make check-peers`: runc v1.1.5's own integration suite (../shared/peers) against
# the freshly built hull, compared with tests/peers/runc-v1.1.5.expected (tests/peers/run.sh).
check-peers: all
	@scripts/install-deps.sh peers
	tests/peers/run.sh $(abspath $(O)/hull)

.PHONY: check-peers
