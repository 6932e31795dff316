/* lazy_archive.c - the libarchive functions hull-image calls, loaded on first use
 * (lazylib.h). A function layer.c or cmd_import.c starts to use must be added here
 * too: the link fails with an undefined reference until it is. */
#include "lazylib.h"

#include <stdarg.h>
#include <stdio.h>
#include <archive.h>
#include <archive_entry.h>

static struct hl_lazy_lib archive_lib = HL_LAZY_LIB("libarchive.so.13", "libarchive13");

#define A archive_lib
typedef struct archive_entry ENTRY;

HL_LAZY_FN(A, struct archive *, archive_read_new, (void), ())
HL_LAZY_FN(A, int, archive_read_free, (struct archive *a), (a))
HL_LAZY_FN(A, int, archive_read_support_format_tar, (struct archive *a), (a))
HL_LAZY_FN(A, int, archive_read_support_filter_gzip, (struct archive *a), (a))
HL_LAZY_FN(A, int, archive_read_support_filter_zstd, (struct archive *a), (a))
HL_LAZY_FN(A, int, archive_read_open,
	   (struct archive *a, void *data, archive_open_callback *o, archive_read_callback *r,
	    archive_close_callback *c),
	   (a, data, o, r, c))
HL_LAZY_FN(A, int, archive_read_open_filename, (struct archive *a, const char *f, size_t block), (a, f, block))
HL_LAZY_FN(A, int, archive_read_next_header, (struct archive *a, ENTRY **e), (a, e))
HL_LAZY_FN(A, int, archive_read_data_block,
	   (struct archive *a, const void **buf, size_t *size, la_int64_t *off), (a, buf, size, off))
HL_LAZY_FN(A, la_ssize_t, archive_read_data, (struct archive *a, void *buf, size_t size), (a, buf, size))
HL_LAZY_FN(A, int, archive_errno, (struct archive *a), (a))
HL_LAZY_FN(A, const char *, archive_error_string, (struct archive *a), (a))
HL_LAZY_FN(A, const char *, archive_entry_pathname, (ENTRY *e), (e))
HL_LAZY_FN(A, const char *, archive_entry_hardlink, (ENTRY *e), (e))
HL_LAZY_FN(A, const char *, archive_entry_symlink, (ENTRY *e), (e))
HL_LAZY_FN(A, la_int64_t, archive_entry_size, (ENTRY *e), (e))
HL_LAZY_FN(A, __LA_MODE_T, archive_entry_filetype, (ENTRY *e), (e))
HL_LAZY_FN(A, __LA_MODE_T, archive_entry_perm, (ENTRY *e), (e))
HL_LAZY_FN(A, la_int64_t, archive_entry_uid, (ENTRY *e), (e))
HL_LAZY_FN(A, la_int64_t, archive_entry_gid, (ENTRY *e), (e))
HL_LAZY_FN(A, dev_t, archive_entry_rdev, (ENTRY *e), (e))
HL_LAZY_FN(A, time_t, archive_entry_mtime, (ENTRY *e), (e))
HL_LAZY_FN(A, long, archive_entry_mtime_nsec, (ENTRY *e), (e))
HL_LAZY_FN(A, time_t, archive_entry_atime, (ENTRY *e), (e))
HL_LAZY_FN(A, long, archive_entry_atime_nsec, (ENTRY *e), (e))
HL_LAZY_FN(A, int, archive_entry_atime_is_set, (ENTRY *e), (e))
HL_LAZY_FN(A, int, archive_entry_xattr_reset, (ENTRY *e), (e))
HL_LAZY_FN(A, int, archive_entry_xattr_next, (ENTRY *e, const char **name, const void **value, size_t *size),
	   (e, name, value, size))

/* A format string cannot be passed on through a va_list: format it here. */
void archive_set_error(struct archive *a, int errnum, const char *fmt, ...)
{
	HL_LAZY_REAL(A, void, archive_set_error, (struct archive *, int, const char *, ...))
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fn(a, errnum, "%s", msg);
}
