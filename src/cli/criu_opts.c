/* criu_opts.c - runc's checks of the CRIU options shared by checkpoint and restore. */
#define _GNU_SOURCE
#include "criu_opts.h"

#include <ctype.h>

int cli_check_criu_cgroups_mode(const char *mode)
{
	static const char *const modes[] = { "", "soft", "full", "strict" };
	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++)
		if (strcmp(mode, modes[i]) == 0)
			return 0;
	return cli_failf("Invalid manage cgroups mode");
}

int cli_check_criu_empty_ns(const struct cli_list *ns)
{
	for (size_t i = 0; i < ns->n; i++)
		if (strcmp(ns->items[i], "network") != 0)
			return cli_failf("namespace \"%s\" is not supported", ns->items[i]);
	return 0;
}

const char *cli_errno_text(int errnum)
{
	static char buf[128];
	snprintf(buf, sizeof(buf), "%s", strerror(errnum));
	buf[0] = (char)tolower((unsigned char)buf[0]);
	return buf;
}
