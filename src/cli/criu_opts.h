/* criu_opts.h - runc's checks of the CRIU options shared by checkpoint and restore. */
#ifndef HULL_CLI_CRIU_OPTS_H
#define HULL_CLI_CRIU_OPTS_H

#include "cli.h"

/* --manage-cgroups-mode: "" or soft|full|strict; else runc's error. 0 or 1 (reported). */
int cli_check_criu_cgroups_mode(const char *mode);
/* --empty-ns: only "network" (runc leaves network devices alone). 0 or 1 (reported). */
int cli_check_criu_empty_ns(const struct cli_list *ns);
/* An errno as Go prints it ("no such file or directory"): runc's messages quote it. */
const char *cli_errno_text(int errnum);

#endif
