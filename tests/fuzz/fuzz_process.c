/* fuzz_process.c - libFuzzer target: the process JSON of `hull exec --process FILE`
 * (hull_spec_parse_process, spec/process.c), also the "process" object of config.json. */
#include "libhull/spec/spec.h"

#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hull_error err = { 0 };
	struct hull_process p;
	if (hull_spec_parse_process((const char *)data, size, &p, &err) == 0)
		hull_process_clear(&p);
	hull_error_clear(&err);
	return 0;
}
