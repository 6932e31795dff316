/* proc.h - facts about processes from /proc: is one alive, when did it start
 * (/proc/<pid>/stat), which cgroups is hull in (/proc/self/cgroup). */
#ifndef HULL_COMMON_PROC_H
#define HULL_COMMON_PROC_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

/* True when pid is alive, not a zombie, and (if start_time != 0) has that start time. */
bool hull_pid_alive(pid_t pid, uint64_t start_time);
/* Field 22 of /proc/<pid>/stat (start time in clock ticks after boot); 0 if unreadable.
 * With the pid it names one process across pid reuse. */
uint64_t hull_pid_start_time(pid_t pid);

/* One line of /proc/self/cgroup: "hierarchy-id:controllers:path". */
struct hull_cgroup_line {
	char *controllers; /* "cpu,cpuacct", "name=systemd", "" for the unified hierarchy */
	char *path;
};
/* The lines of /proc/self/cgroup. Returns the count or -1 (errno set). */
ssize_t hull_proc_cgroup_read(struct hull_cgroup_line **out);
void hull_proc_cgroup_free(struct hull_cgroup_line *l, size_t n);

#endif
