/* cmd_inspect.c - `hull image inspect`: the stored manifest and config as one JSON document. */
#include "hl.h"
#include "common/util.h"

int hl_cmd_inspect(const struct cli_command *cmd, int argc, char **argv, struct hl_globals *g)
{
	const struct cli_opt opts[] = { { NULL, 0, 0, NULL, NULL, NULL, false } };
	struct cli_args a;
	int r;
	if (!cli_parse_n(cmd, argc, argv, opts, 0, 1, 1, &a, &r))
		return r;
	struct hull_error err = { 0 };
	struct hl_store *s = NULL;
	struct hl_image *img = NULL;
	_cleanup_free_ char *m = NULL, *c = NULL;
	size_t ml = 0, cl = 0;
	/* hl_image_load validates the pair and descends indexes; then print the exact stored bytes. */
	r = hl_store_open(g->store, false, &s, &err);
	if (r == 0)
		r = hl_image_load(s, a.pos[0], &img, &err);
	if (r == 0)
		r = hl_store_read_blob(s, img->manifest_digest, HL_MAX_MANIFEST, &m, &ml, &err);
	if (r == 0)
		r = hl_store_read_blob(s, img->config.digest, 16u << 20, &c, &cl, &err);
	if (r == 0)
		printf("{\"digest\":\"%s\",\"manifest\":%.*s,\"config\":%.*s}\n", img->manifest_digest, (int)ml, m, (int)cl, c);
	hl_image_free(img);
	hl_store_close(s);
	free(a.pos);
	return r < 0 ? cli_fail(&err) : 0;
}
