/* cmd_ls.c - `hull image ls`: the named images of the store, as a table or JSON. */
#include "hl.h"
#include "common/util.h"

#include <yajl/yajl_gen.h>

static void gstr(yajl_gen g, const char *s)
{
	yajl_gen_string(g, (const unsigned char *)s, strlen(s));
}

static void print_json(const struct hl_store_ref *refs, size_t n)
{
	yajl_gen g = yajl_gen_alloc(NULL);
	yajl_gen_config(g, yajl_gen_beautify, 1);
	yajl_gen_array_open(g);
	for (size_t i = 0; i < n; i++) {
		if (refs[i].name == NULL)
			continue;
		yajl_gen_map_open(g);
		gstr(g, "name");
		gstr(g, refs[i].name);
		gstr(g, "id");
		yajl_gen_string(g, (const unsigned char *)refs[i].desc.digest + 7, 12);
		gstr(g, "digest");
		gstr(g, refs[i].desc.digest);
		gstr(g, "mediaType");
		gstr(g, refs[i].desc.media_type ? refs[i].desc.media_type : "");
		gstr(g, "size");
		yajl_gen_integer(g, refs[i].desc.size);
		if (refs[i].index_digest) {
			gstr(g, "indexDigest");
			gstr(g, refs[i].index_digest);
		}
		yajl_gen_map_close(g);
	}
	yajl_gen_array_close(g);
	const unsigned char *buf;
	size_t len;
	yajl_gen_get_buf(g, &buf, &len);
	fwrite(buf, 1, len, stdout);
	yajl_gen_free(g);
}

int hl_cmd_ls(const struct cli_command *cmd, int argc, char **argv, struct hl_globals *g)
{
	const char *format = "table";
	bool quiet = false;
	const struct cli_opt opts[] = {
		{ "format", 'f', CLI_STRING, &format, "table or json", NULL, false },
		{ "quiet", 'q', CLI_BOOL, &quiet, "print only names", NULL, false },
		{ NULL, 0, 0, NULL, NULL, NULL, false },
	};
	struct cli_args a;
	int r;
	if (!cli_parse_n(cmd, argc, argv, opts, 0, 0, 0, &a, &r))
		return r;
	free(a.pos);
	if (strcmp(format, "table") != 0 && strcmp(format, "json") != 0)
		return cli_failf("image ls: unknown format \"%s\" (table or json)", format);
	struct hull_error err = { 0 };
	struct hl_store *s = NULL;
	struct hl_store_ref *refs = NULL;
	size_t n = 0;
	if (hl_store_open(g->store, true, &s, &err) < 0 || hl_store_list(s, &refs, &n, &err) < 0) {
		hl_store_close(s);
		return cli_fail(&err);
	}
	if (strcmp(format, "json") == 0)
		print_json(refs, n);
	else {
		if (!quiet)
			printf("%-60s %-14s %s\n", "NAME", "ID", "MANIFEST SIZE");
		for (size_t i = 0; i < n; i++) {
			if (refs[i].name == NULL)
				continue;
			if (quiet)
				printf("%s\n", refs[i].name);
			else
				printf("%-60s %-14.12s %lld\n", refs[i].name, refs[i].desc.digest + 7, (long long)refs[i].desc.size);
		}
	}
	hl_store_refs_free(refs, n);
	hl_store_close(s);
	return 0;
}
