/* fuzz_args.c - libFuzzer target: the argv parser (cli_parse, src/common/args.c).
 *
 * The input is split at NUL bytes into argv[1..]; the first byte picks stop_after
 * (as `exec` and `ps` use it). The option table has every kind of option, with short
 * names, so long/short/`=value`/separate value/`--` paths are all reachable. */
#include "common/args.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_ARGS 64

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	int stop_after = data[0] % 3;
	data++;
	size--;
	/* a NUL-terminated copy, so the last piece is a C string too */
	char *buf = malloc(size + 1);
	memcpy(buf, data, size);
	buf[size] = '\0';
	char *argv[MAX_ARGS + 2];
	int argc = 0;
	argv[argc++] = (char *)"fuzz";
	for (size_t i = 0; i <= size && argc < MAX_ARGS + 1;) {
		argv[argc++] = buf + i;
		i += strlen(buf + i) + 1;
	}
	argv[argc] = NULL;

	bool b = false, b_seen = false;
	const char *s = NULL;
	int n = 0;
	uint64_t u = 0;
	struct cli_list l = { 0 };
	const struct cli_opt opts[] = {
		{ "detach", 'd', CLI_BOOL, &b, "bool", &b_seen, false },
		{ "bundle", 'b', CLI_STRING, &s, "string", NULL, false },
		{ "preserve-fds", 0, CLI_INT, &n, "int", NULL, false },
		{ "memory", 'm', CLI_UINT64, &u, "uint64", NULL, false },
		{ "env", 'e', CLI_LIST, &l, "list", NULL, false },
		{ "hidden", 0, CLI_BOOL, &b, "hidden", NULL, true },
		{ NULL, 0, CLI_BOOL, NULL, NULL, NULL, false },
	};
	static const struct cli_command cmd = { "fuzz", "[command options] <container-id>", "fuzz", "fuzz", NULL, NULL };
	struct cli_args a = { 0 };
	if (cli_parse(&cmd, argc, argv, opts, stop_after, &a) == CLI_OK) {
		for (int i = 0; i < a.n; i++)
			(void)strlen(a.pos[i]);
		free(a.pos);
	}
	free(l.items);
	free(buf);
	return 0;
}
