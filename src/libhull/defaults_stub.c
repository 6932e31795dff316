/* defaults_stub.c - TEMPORARY: replaced by spec.c/state.c/features as they land. */
#include "hull.h"
#include "util.h"
#include <unistd.h>

char *hull_default_root(void)
{
	const char *xdg = getenv("XDG_RUNTIME_DIR");
	if (geteuid() != 0 && xdg && *xdg)
		return xasprintf("%s/hull", xdg);
	return xstrdup("/run/hull");
}
