# fuzz.mk - `make fuzz`: libFuzzer on the config.json parser (needs clang and libclang-rt).
#   make fuzz [FUZZ_TIME=seconds]   runs from the fixtures as the seed corpus
FUZZ_CC ?= clang
FUZZ_TIME ?= 60
FUZZ_SPEC_SRCS := $(wildcard src/libhull/spec.c src/libhull/spec_process.c src/libhull/spec_linux.c \
	src/libhull/spec_resources.c src/libhull/spec_seccomp.c) src/libhull/json.c src/libhull/util.c src/libhull/error.c

$(OBJ)/tests/fuzz/fuzz_spec: tests/fuzz/fuzz_spec.c $(FUZZ_SPEC_SRCS)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) -g -O1 -std=gnu11 -Isrc -fsanitize=fuzzer,address,undefined -o $@ $^ -lyajl

fuzz: $(OBJ)/tests/fuzz/fuzz_spec
	@mkdir -p $(OBJ)/tests/fuzz/corpus
	cp tests/fixtures/configs/*.json tests/fixtures/configs/broken/*.json $(OBJ)/tests/fuzz/corpus/
	$< -max_total_time=$(FUZZ_TIME) -max_len=16384 $(OBJ)/tests/fuzz/corpus

.PHONY: fuzz
