# vm-systemd.mk - `make check-vm-systemd`: hull's systemd cgroup driver in a Debian 12 VM booted
# with systemd as PID 1 and pure cgroup v2 (tests/vm-systemd/run.sh). The image is built once
# with mmdebstrap and cached in $(VM_SD_CACHE); later runs boot it straight away.
#   make check-vm-systemd VM_SD_RUNTIMES="runc hull"   also runs every guest test with runc 1.1.5
#   make check-vm-systemd VM_SD_ONLY=t-20              only the guest tests whose file name matches
VM_SD_CACHE ?= /var/cache/hull-vm-systemd
VM_SD_RUNTIMES ?= hull
VM_SD_ONLY ?=

check-vm-systemd: all
	HULL=$(abspath $(O))/hull HULL_VM_SD_CACHE=$(VM_SD_CACHE) HULL_VM_RUNTIMES="$(VM_SD_RUNTIMES)" \
		HULL_VM_ONLY="$(VM_SD_ONLY)" tests/vm-systemd/run.sh

# The image alone (CI can build it while nothing else needs the CPU).
vm-systemd-image:
	HULL_VM_SD_CACHE=$(VM_SD_CACHE) tests/vm-systemd/build-image.sh

.PHONY: check-vm-systemd vm-systemd-image
