/* util.h - allocation that aborts on OOM, cleanup attributes, small string helpers. */
#ifndef HULL_UTIL_H
#define HULL_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define HULL_UNUSED __attribute__((unused))
#define HULL_PRINTF(a, b) __attribute__((format(printf, a, b)))
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

void *xmalloc(size_t n);
void *xzalloc(size_t n);
void *xcalloc(size_t nmemb, size_t n);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) HULL_PRINTF(1, 2);
char *xvasprintf(const char *fmt, va_list ap);

/* Grow an array of element size `elem` so it holds at least n+1 elements. */
void *xgrow(void *p, size_t *cap, size_t n, size_t elem);

void hull_freep(void *p);
void hull_closep(int *fd);
void hull_fclosep(FILE **f);
void hull_free_strv(char **v);
void hull_free_strvp(char ***v);

#define _cleanup_(f) __attribute__((cleanup(f)))
#define _cleanup_free_ _cleanup_(hull_freep)
#define _cleanup_close_ _cleanup_(hull_closep)
#define _cleanup_fclose_ _cleanup_(hull_fclosep)
#define _cleanup_strv_ _cleanup_(hull_free_strvp)

/* Hand ownership out of a cleanup variable. */
#define steal_pointer(pp) ({ __typeof__(*(pp)) _p = *(pp); *(pp) = NULL; _p; })
#define steal_fd(fdp) ({ int _fd = *(fdp); *(fdp) = -1; _fd; })

size_t hull_strv_len(char *const *v);
bool hull_str_has_prefix(const char *s, const char *prefix);
/* A path made lexically clean as Go's filepath.Clean does: no "." or empty elements,
 * ".." folded where it can be ("/.." is "/"), "" is ".". Caller frees. */
char *hull_path_clean(const char *path);

/* Write all of buf (restarting on EINTR and short writes). Returns 0 or -errno. */
int hull_write_all(int fd, const void *buf, size_t len);
struct iovec;
/* sendmsg() of iov with fd attached as SCM_RIGHTS (fd < 0: none); MSG_NOSIGNAL, retried
 * on EINTR. Returns the bytes sent, or -1 with errno. */
ssize_t hull_sendmsg_fd(int sock, const struct iovec *iov, size_t iovlen, int fd);
/* Read a whole file (at most max bytes) into a NUL-terminated buffer. Returns 0 or -errno. */
int hull_read_file_at(int dirfd, const char *path, size_t max, char **out, size_t *len);
/* Write a file atomically: temp file in the same dir, fsync, rename. Returns 0 or -errno. */
int hull_write_file_atomic(const char *path, const void *buf, size_t len, mode_t mode);
/* The same without the fsync, for runtime state under --root (state.json, the config copy):
 * it lives on tmpfs and dies with a reboot anyway; readers still never see a partial file.
 * The fsync cost 0.5-2.5 ms per file on an ext4 root (BENCHMARKS.md). */
int hull_write_state_file(const char *path, const void *buf, size_t len, mode_t mode);

#endif
