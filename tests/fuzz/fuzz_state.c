/* fuzz_state.c - libFuzzer target: the state.json reader (hull_container_load, state.c).
 *
 * state.json is hull's own file, but it sits on disk where a bug elsewhere (or a
 * hostile root dir) can change it: loading must fail cleanly, never crash or leak.
 * Each input is written to <tmp>/c/state.json next to a valid config.json, then loaded
 * the way every hull command does. */
#include "libhull/container/state.h"

#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char root[64];
static char state_path[128];

static void write_file(const char *path, const void *data, size_t size)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0 || (size && write(fd, data, size) != (ssize_t)size) || close(fd) < 0) {
		perror(path);
		abort();
	}
}

static void remove_root(void)
{
	char p[160];
	snprintf(p, sizeof(p), "%s/c/config.json", root);
	unlink(p);
	unlink(state_path);
	snprintf(p, sizeof(p), "%s/c", root);
	rmdir(p);
	rmdir(root);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	strcpy(root, "/tmp/hull-fuzz-state.XXXXXX");
	if (!mkdtemp(root))
		abort();
	char p[160];
	snprintf(p, sizeof(p), "%s/c", root);
	if (mkdir(p, 0711) < 0)
		abort();
	snprintf(p, sizeof(p), "%s/c/config.json", root);
	static const char cfg[] = "{\"ociVersion\":\"1.2.0\",\"root\":{\"path\":\"rootfs\"},"
				  "\"process\":{\"cwd\":\"/\",\"args\":[\"true\"]}}";
	write_file(p, cfg, sizeof(cfg) - 1);
	snprintf(state_path, sizeof(state_path), "%s/c/state.json", root);
	atexit(remove_root);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	write_file(state_path, data, size);
	struct hull_global_opts g = { .root = root };
	struct hull_error err = { 0 };
	struct hull_container *c = NULL;
	if (hull_container_load(&g, "c", &c, &err) == 0) {
		/* what `hull state` prints from it */
		free(hull_container_state_json(c, NULL, true));
		hull_container_free(c);
	}
	hull_error_clear(&err);
	return 0;
}
