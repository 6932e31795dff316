# fuzz.mk - libFuzzer targets (clang, ASan+UBSan) over hull's untrusted-input parsers.
#
#   make fuzz-smoke [FUZZ_SECONDS=60] [FUZZ_TARGETS="spec process state args"]
#        run each target for FUZZ_SECONDS from its seed corpus tests/fuzz/corpus/<target>/;
#        new inputs go to $(O)/obj/fuzz/work/<target> (the repo corpus is read only);
#        a crash, leak or UB report fails the target (reproducer in $(O)/obj/fuzz/crash-<target>-*)
#   make fuzz-build      just build $(O)/obj/fuzz/fuzz_<target>
#   make fuzz [FUZZ_TIME=60]   the config.json target alone (older entry point)
#
# Targets: spec (config.json + process.json + resources JSON), process (exec's process
# JSON), state (state.json via hull_container_load), args (cli_parse argv).
# Needs clang and libclang-rt-dev (Debian: clang, libclang-rt-14-dev).
FUZZ_CC ?= clang
FUZZ_SECONDS ?= 60
FUZZ_TIME ?= $(FUZZ_SECONDS)
FUZZ_TARGETS ?= spec process state args
FUZZ_DIR := $(OBJ)/fuzz
FUZZ_SAN := -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
FUZZ_CFLAGS := -g -O1 -std=gnu11 -Isrc -D_GNU_SOURCE= -DHULL_VERSION=\"$(VERSION)\" -DHULL_COMMIT=\"fuzz\" \
	-Wall -Wno-unused-parameter $(if $(filter yes,$(HAVE_MNL)),-DHULL_HAVE_MNL=1) $(DBUS_CFLAGS) $(FUZZ_SAN)
FUZZ_LIBS := -lseccomp -lcap -lyajl -ldbus-1 $(if $(filter yes,$(HAVE_MNL)),-lmnl)

# libhull (with src/common: the argv parser) instrumented for coverage, once for every target.
FUZZ_LIB_SRCS := $(LIBHULL_SRCS)
FUZZ_LIB_OBJS := $(FUZZ_LIB_SRCS:%.c=$(FUZZ_DIR)/%.o)

$(FUZZ_DIR)/%.o: %.c
	@mkdir -p $(dir $@)
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -MMD -MP -c -o $@ $<

$(FUZZ_DIR)/libhull-fuzz.a: $(FUZZ_LIB_OBJS)
	@rm -f $@
	$(Q)ar rcs $@ $^

$(FUZZ_DIR)/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_DIR)/libhull-fuzz.a
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $< $(FUZZ_DIR)/libhull-fuzz.a $(FUZZ_LIBS)

fuzz-build: $(addprefix $(FUZZ_DIR)/fuzz_,$(FUZZ_TARGETS))

# -close_fd_mask=3: the args target prints help and errors like hull does.
fuzz-smoke: fuzz-build
	@set -e; for t in $(FUZZ_TARGETS); do \
		mkdir -p $(FUZZ_DIR)/work/$$t; \
		echo "  FUZZ    $$t ($(FUZZ_SECONDS) s)"; \
		ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		$(FUZZ_DIR)/fuzz_$$t -max_total_time=$(FUZZ_SECONDS) -max_len=16384 -timeout=10 -rss_limit_mb=1024 \
			-close_fd_mask=3 -print_final_stats=1 -artifact_prefix=$(FUZZ_DIR)/crash-$$t- \
			$(FUZZ_DIR)/work/$$t tests/fuzz/corpus/$$t 2>$(FUZZ_DIR)/$$t.log || \
			{ tail -n 60 $(FUZZ_DIR)/$$t.log; echo "fuzz target $$t failed (log $(FUZZ_DIR)/$$t.log)"; exit 1; }; \
		grep -E '^stat::number_of_executed_units|^Done' $(FUZZ_DIR)/$$t.log | tr '\n' ' '; echo; \
	done

fuzz: $(FUZZ_DIR)/fuzz_spec
	@mkdir -p $(FUZZ_DIR)/work/spec
	$< -max_total_time=$(FUZZ_TIME) -max_len=16384 $(FUZZ_DIR)/work/spec tests/fuzz/corpus/spec


.PHONY: fuzz fuzz-build fuzz-smoke
