/* sealed.c - the commands that put a process into a container run from a sealed view of hull. */
#include "cli.h"

/* CVE-2019-5736: the container init (create, run) and an exec'd process run hull's
 * code until their execve, visible to the container as /proc/PID/exe. Re-executing
 * from a sealed view first (security/sealed_binary.c) means that link can only ever name an
 * unwritable binary. If none can be made hull goes on: those processes are non-dumpable too. */
void cli_reexec_sealed(const char *command)
{
	struct hull_error err = { 0 };
	if (hull_reexec_sealed(&err) < 0) {
		hull_debug("%s: %s; relying on a non-dumpable child", command, err.msg);
		hull_error_clear(&err);
	}
}
