# demo.mk - `make demo`: build everything, make the built-in busybox image (an OCI layout
# from Debian's busybox-static, by mk/busybox-oci.sh), import it into the store as "busybox"
# and run a container from it. No registry, no network; run as root.
#   make demo [DEMO_STORE=dir]   (default: hull-image's default store, /var/lib/hull)
DEMO_OCI := $(OBJ)/demo/busybox-oci
DEMO_HL := $(O)/hull-image $(if $(DEMO_STORE),--store $(DEMO_STORE))

$(DEMO_OCI)/index.json: mk/busybox-oci.sh
	mk/busybox-oci.sh $(DEMO_OCI)

demo-image: $(DEMO_OCI)/index.json

demo: all demo-image
	$(DEMO_HL) import $(DEMO_OCI) busybox
	$(DEMO_HL) run --rm busybox echo hello from hull

.PHONY: demo demo-image
