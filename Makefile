# Makefile - builds hull (static runtime), libhull, hull-image, the tests and the docs.
# On a fresh Debian 12 machine `make`, `make check` and `make demo` first install the
# Debian packages they need and run ./autogen.sh and ./configure.
#
#   make [O=DIR]          build into DIR (default: the source tree)
#   make check            unit + integration (+ VM, daemon) tests; prints "N passed, N failed"
#   make demo             run a container from the built-in busybox image
#   make install          PREFIX/DESTDIR honoured

-include config.mk

.DEFAULT_GOAL := all
SHELL := /bin/bash
O ?= .
TOP := $(CURDIR)

ifneq ($(CONFIGURED),yes)
# Not configured yet: install build packages, generate and run configure, then re-run make.
BOOTSTRAP_GOALS := all check check-unit check-integration check-vm check-daemons demo install bench hull hull-image libhull.a fuzz
$(BOOTSTRAP_GOALS): bootstrap
	@$(MAKE) --no-print-directory $@
bootstrap:
	scripts/install-deps.sh build
	test -x configure || ./autogen.sh
	./configure $(CONFIGURE_FLAGS)
clean distclean:
	rm -rf $(O)/obj $(O)/hull $(O)/hull-image $(O)/libhull.a $(O)/libhull.so* $(O)/hull.pc
.PHONY: bootstrap $(BOOTSTRAP_GOALS) clean distclean
else

ifdef PREFIX
prefix := $(PREFIX)
endif
PREFIX := $(prefix)
DESTDIR ?=
OBJ := $(O)/obj
COMMIT := $(shell git rev-parse --short HEAD 2>/dev/null || echo unknown)

WERROR ?= -Werror
# ./configure CFLAGS=... (autoconf's default: -g -O2); `make CFLAGS=...` overrides both.
CFLAGS ?= $(CFLAGS_CONF)
HARDEN := -fstack-protector-strong -D_FORTIFY_SOURCE=2 -fno-strict-aliasing
BASE_CFLAGS := -std=gnu11 -Wall -Wextra $(WERROR) -Wno-unused-parameter -Wshadow -Wformat=2 \
	-D_GNU_SOURCE= -DHULL_VERSION=\"$(VERSION)\" -DHULL_COMMIT=\"$(COMMIT)\" \
	-ffunction-sections -fdata-sections -fPIC -Isrc $(HARDEN) $(DBUS_CFLAGS)
ifeq ($(HAVE_MNL),yes)
BASE_CFLAGS += -DHULL_HAVE_MNL=1
endif
ifeq ($(SANITIZERS),yes)
SAN := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
endif
ALL_CFLAGS := $(BASE_CFLAGS) $(CPPFLAGS_CONF) $(CFLAGS) $(SAN)
ALL_LDFLAGS := $(LDFLAGS_CONF) $(LDFLAGS) $(SAN) -Wl,--gc-sections

DYN_LIBS := -lseccomp -lcap -lyajl -ldbus-1
ifeq ($(HAVE_MNL),yes)
DYN_LIBS += -lmnl
endif
ifeq ($(STATIC_RUNTIME),yes)
RUNTIME_LINK := -static
RUNTIME_LIBS := -lseccomp -lcap -lyajl_s -ldbus-1
# libdbus-1.a needs two libsystemd symbols that only its server side calls (src/static/).
STATIC_OBJS := $(OBJ)/src/static/sd_daemon_stubs.o
else
RUNTIME_LINK :=
RUNTIME_LIBS := $(DYN_LIBS)
endif
# libcurl and libarchive are not linked: src/hl/lazy_*.c dlopen them when a command needs them.
HL_LIBS := -lcrypto -lz -lzstd $(DYN_LIBS) -lpthread -ldl
CHECK_LIBS := -lcheck -lsubunit -lm -lrt -lpthread

# libhull is one archive of its folders (src/libhull/*/) and the neutral helpers (src/common/).
COMMON_SRCS := $(sort $(wildcard src/common/*.c))
LIBHULL_SRCS := $(sort $(wildcard src/libhull/*.c src/libhull/*/*.c)) $(COMMON_SRCS)
CLI_SRCS := $(sort $(wildcard src/cli/*.c))
HL_SRCS := $(sort $(wildcard src/hl/*.c))
UNIT_SRCS := $(sort $(wildcard tests/unit/test_*.c))

LIBHULL_OBJS := $(LIBHULL_SRCS:%.c=$(OBJ)/%.o)
CLI_OBJS := $(CLI_SRCS:%.c=$(OBJ)/%.o)
HL_OBJS := $(HL_SRCS:%.c=$(OBJ)/%.o)
CLI_LIB_OBJS := $(filter-out $(OBJ)/src/cli/main.o,$(CLI_OBJS))
HL_LIB_OBJS := $(filter-out $(OBJ)/src/hl/main.o,$(HL_OBJS))
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=$(OBJ)/tests/unit/%)

TARGETS := $(O)/hull $(O)/libhull.a $(O)/hull.pc
ifeq ($(ENABLE_IMAGE),yes)
ifneq ($(HL_SRCS),)
TARGETS += $(O)/hull-image
endif
endif
ifeq ($(ENABLE_SHARED),yes)
TARGETS += $(O)/libhull.so
endif

all: $(TARGETS)

ifeq ($(V),1)
Q :=
else
Q := @
endif

$(OBJ)/%.o: %.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

-include $(shell find $(OBJ) -name '*.d' 2>/dev/null)

$(O)/libhull.a: $(LIBHULL_OBJS)
	@rm -f $@
	ar rcs $@ $^

$(O)/libhull.so: $(LIBHULL_OBJS)
	$(CC) -shared -Wl,-soname,libhull.so.0 $(ALL_LDFLAGS) -o $@ $^ $(DYN_LIBS)

$(OBJ)/libcli.a: $(CLI_LIB_OBJS)
	@rm -f $@
	ar rcs $@ $^

$(OBJ)/libhl.a: $(HL_LIB_OBJS)
	@rm -f $@
	ar rcs $@ $^ $(if $(HL_LIB_OBJS),,)

$(O)/hull: $(CLI_OBJS) $(STATIC_OBJS) $(O)/libhull.a
	$(CC) $(RUNTIME_LINK) $(ALL_LDFLAGS) -o $@ $(CLI_OBJS) $(STATIC_OBJS) $(O)/libhull.a $(RUNTIME_LIBS)

# Both programs take the argv parser (src/common/args.c) from libhull.a.
$(O)/hull-image: $(HL_OBJS) $(O)/libhull.a
	$(CC) $(ALL_LDFLAGS) -o $@ $(HL_OBJS) $(O)/libhull.a $(HL_LIBS)

$(O)/hull.pc: hull.pc.in config.mk
	sed -e 's|@prefix@|$(PREFIX)|; s|@libdir@|$(libdir)|; s|@includedir@|$(includedir)|; s|@VERSION@|$(VERSION)|' $< > $@

# Each suite file (tests/unit/test_X.c, named after the module it tests) builds its
# Suite; tests/unit/runner.c is the one main() that runs it.
$(OBJ)/tests/unit/%: tests/unit/%.c tests/unit/runner.c tests/unit/runner.h $(O)/libhull.a $(OBJ)/libcli.a $(OBJ)/libhl.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Itests/unit $(ALL_LDFLAGS) -o $@ $< tests/unit/runner.c $(OBJ)/libcli.a $(OBJ)/libhl.a $(O)/libhull.a \
		$(CHECK_LIBS) $(if $(HL_LIB_OBJS),$(HL_LIBS),$(DYN_LIBS))

ifeq ($(HAVE_CHECK),yes)
unit-tests: $(UNIT_BINS)
else
unit-tests:
	@echo "unit tests need Check (Debian package check): apt-get install check, then ./configure" >&2; exit 1
endif

# --- tests -------------------------------------------------------------------
export HULL := $(abspath $(O)/hull)
export HULL_IMAGE := $(abspath $(O)/hull-image)
export HULL_TOP := $(TOP)
export HULL_UNIT_DIR := $(abspath $(OBJ)/tests/unit)

# Every suite; `make check CHECK_SUITES=unit` narrows it.
CHECK_SUITES ?= unit integration faults hl vm daemons

check: all unit-tests
	@scripts/install-deps.sh all
	@$(MAKE) --no-print-directory check-docs
	tests/run.sh $(CHECK_SUITES)

check-unit: all unit-tests check-docs
	tests/run.sh unit

# docs/architecture.md names every source file and folder (scripts/check-docs.sh);
# no two files or folders of libhull.a call each other (scripts/check-layout.py).
check-docs: $(O)/libhull.a
	@scripts/check-docs.sh
	@if command -v python3 >/dev/null; then scripts/check-layout.py $(OBJ); \
	else echo "check-layout: skipped (needs python3; make check installs it)"; fi

check-integration: all
	tests/run.sh integration

# --- install -----------------------------------------------------------------
install: all
	install -d $(DESTDIR)$(bindir) $(DESTDIR)$(libdir)/pkgconfig $(DESTDIR)$(includedir)/hull
	install -m 0755 -s $(O)/hull $(DESTDIR)$(bindir)/hull
	$(if $(wildcard $(O)/hull-image),install -m 0755 $(O)/hull-image $(DESTDIR)$(bindir)/hull-image)
	install -m 0644 $(O)/libhull.a $(DESTDIR)$(libdir)/libhull.a
	$(if $(wildcard $(O)/libhull.so),install -m 0755 $(O)/libhull.so $(DESTDIR)$(libdir)/libhull.so.0 && ln -sf libhull.so.0 $(DESTDIR)$(libdir)/libhull.so)
	install -m 0644 src/libhull/hull.h $(DESTDIR)$(includedir)/hull/hull.h
	install -m 0644 $(O)/hull.pc $(DESTDIR)$(libdir)/pkgconfig/hull.pc
	for p in man/*.[0-9]; do s=$${p##*.}; install -d $(DESTDIR)$(mandir)/man$$s; install -m 0644 $$p $(DESTDIR)$(mandir)/man$$s/; done

uninstall:
	rm -f $(DESTDIR)$(bindir)/hull $(DESTDIR)$(bindir)/hull-image $(DESTDIR)$(libdir)/libhull.* \
		$(DESTDIR)$(libdir)/pkgconfig/hull.pc
	rm -rf $(DESTDIR)$(includedir)/hull

clean:
	rm -rf $(OBJ) $(O)/hull $(O)/hull-image $(O)/libhull.a $(O)/libhull.so $(O)/hull.pc

distclean: clean
	rm -f config.mk config.log config.status configure
	rm -rf autom4te.cache

.PHONY: all check check-unit check-docs check-integration unit-tests install uninstall clean distclean

# Targets contributed by individual areas (VM tests, daemons, bench, demo, fuzz).
-include $(sort $(wildcard mk/*.mk))

endif
