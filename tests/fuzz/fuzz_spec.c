/* fuzz_spec.c - libFuzzer target: config.json, process.json and resources.json parsing. */
#include "libhull/spec/spec.h"

#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	struct hull_error err = { 0 };
	struct hull_spec *spec = NULL;
	if (hull_spec_parse(text, size, &spec, &err) == 0)
		hull_spec_free(spec);
	hull_error_clear(&err);
	struct hull_process p;
	if (hull_spec_parse_process(text, size, &p, &err) == 0)
		hull_process_clear(&p);
	hull_error_clear(&err);
	struct hull_resources r;
	if (hull_spec_parse_resources(text, size, &r, &err) == 0)
		hull_resources_clear(&r);
	hull_error_clear(&err);
	return 0;
}
