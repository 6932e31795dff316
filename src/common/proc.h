/* proc.h - facts about a process read from /proc/<pid>/stat: is it alive, when did it start. */
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

#endif
