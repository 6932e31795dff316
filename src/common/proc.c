/* proc.c - facts about processes from /proc/<pid>/stat and /proc/self/cgroup. */
#define _GNU_SOURCE
#include "proc.h"
#include "util.h"

#include <errno.h>
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

ssize_t hull_proc_cgroup_read(struct hull_cgroup_line **out)
{
	_cleanup_free_ char *text = NULL;
	*out = NULL;
	int r = hull_read_file_at(AT_FDCWD, "/proc/self/cgroup", 1 << 20, &text, NULL);
	if (r < 0) {
		errno = -r;
		return -1;
	}
	struct hull_cgroup_line *v = NULL;
	size_t n = 0, cap = 0;
	char *save = NULL;
	for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *c1 = strchr(line, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
		if (!c2)
			continue;
		v = xgrow(v, &cap, n, sizeof(*v));
		v[n].controllers = xstrndup(c1 + 1, (size_t)(c2 - c1 - 1));
		v[n].path = xstrdup(c2 + 1);
		n++;
	}
	*out = v;
	return (ssize_t)n;
}

void hull_proc_cgroup_free(struct hull_cgroup_line *l, size_t n)
{
	for (size_t i = 0; l && i < n; i++) {
		free(l[i].controllers);
		free(l[i].path);
	}
	free(l);
}
