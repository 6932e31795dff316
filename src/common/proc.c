/* proc.c - facts about a process read from /proc/<pid>/stat. */
#define _GNU_SOURCE
#include "proc.h"
#include "util.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Read /proc/<pid>/stat into buf and return the text after comm's closing ") " (field
 * 3, the state, comes first), or NULL. comm may hold spaces and ')': fields restart
 * after the last ')'. */
static char *stat_fields(pid_t pid, char *buf, size_t size)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	ssize_t n = read(fd, buf, size - 1);
	if (n <= 0)
		return NULL;
	buf[n] = '\0';
	char *p = strrchr(buf, ')');
	if (!p || p[1] != ' ')
		return NULL;
	return p + 2;
}

uint64_t hull_pid_start_time(pid_t pid)
{
	char buf[1024];
	char *p = stat_fields(pid, buf, sizeof(buf));
	for (int field = 3; field < 22 && p; field++) {
		p = strchr(p, ' ');
		if (p)
			p++;
	}
	return p ? strtoull(p, NULL, 10) : 0;
}

bool hull_pid_alive(pid_t pid, uint64_t start_time)
{
	if (pid <= 0)
		return false;
	char buf[1024];
	const char *p = stat_fields(pid, buf, sizeof(buf));
	/* A zombie init has finished its job: the container is stopped (runc HEAD agrees). */
	if (!p || p[0] == 'Z' || p[0] == 'X')
		return false;
	return start_time == 0 || hull_pid_start_time(pid) == start_time;
}
