/* lazy_curl.c - the libcurl functions hull-image calls, loaded on first use (lazylib.h).
 *
 * A function registry.c starts to use must be added here too: the link then fails
 * with an undefined reference until it is. */
#define CURL_DISABLE_TYPECHECK /* curl.h would define the setopt calls as macros */
#include "lazylib.h"

#include <stdarg.h>
#include <curl/curl.h>

static struct hl_lazy_lib curl_lib = HL_LAZY_LIB("libcurl.so.4", "libcurl4");

HL_LAZY_FN(curl_lib, CURLcode, curl_global_init, (long flags), (flags))
HL_LAZY_FN(curl_lib, const char *, curl_easy_strerror, (CURLcode code), (code))
HL_LAZY_FN(curl_lib, CURL *, curl_easy_init, (void), ())
HL_LAZY_FN(curl_lib, CURLcode, curl_easy_perform, (CURL *c), (c))
HL_LAZY_VOID(curl_lib, curl_easy_cleanup, (CURL *c), (c))
HL_LAZY_FN(curl_lib, char *, curl_easy_escape, (CURL *c, const char *s, int len), (c, s, len))
HL_LAZY_VOID(curl_lib, curl_free, (void *p), (p))
HL_LAZY_FN(curl_lib, struct curl_slist *, curl_slist_append, (struct curl_slist *l, const char *s), (l, s))
HL_LAZY_VOID(curl_lib, curl_slist_free_all, (struct curl_slist *l), (l))
HL_LAZY_FN(curl_lib, CURLSH *, curl_share_init, (void), ())
HL_LAZY_FN(curl_lib, CURLSHcode, curl_share_cleanup, (CURLSH *s), (s))
HL_LAZY_FN(curl_lib, CURLM *, curl_multi_init, (void), ())
HL_LAZY_FN(curl_lib, CURLMcode, curl_multi_cleanup, (CURLM *m), (m))
HL_LAZY_FN(curl_lib, CURLMcode, curl_multi_add_handle, (CURLM *m, CURL *c), (m, c))
HL_LAZY_FN(curl_lib, CURLMcode, curl_multi_remove_handle, (CURLM *m, CURL *c), (m, c))
HL_LAZY_FN(curl_lib, CURLMcode, curl_multi_perform, (CURLM *m, int *running), (m, running))
HL_LAZY_FN(curl_lib, CURLMcode, curl_multi_timeout, (CURLM *m, long *ms), (m, ms))
HL_LAZY_FN(curl_lib, CURLMsg *, curl_multi_info_read, (CURLM *m, int *left), (m, left))
HL_LAZY_FN(curl_lib, CURLMcode, curl_multi_poll,
	   (CURLM *m, struct curl_waitfd fds[], unsigned int nfds, int timeout_ms, int *numfds),
	   (m, fds, nfds, timeout_ms, numfds))

/* The variadic setters take one argument whose type follows from the option's number:
 * long below CURLOPTTYPE_OBJECTPOINT, a data or function pointer up to CURLOPTTYPE_OFF_T,
 * curl_off_t up to CURLOPTTYPE_BLOB, a struct curl_blob pointer above. Each is read with
 * its own type and passed on with it. */
#define LAZY_SETOPT(ret, name, handle_t, option_t)                                            \
	ret name(handle_t h, option_t opt, ...)                                              \
	{                                                                                    \
		HL_LAZY_REAL(curl_lib, ret, name, (handle_t, option_t, ...))                 \
		va_list ap;                                                                  \
		va_start(ap, opt);                                                           \
		ret r = opt < CURLOPTTYPE_OBJECTPOINT ? fn(h, opt, va_arg(ap, long))         \
			: opt < CURLOPTTYPE_OFF_T     ? fn(h, opt, va_arg(ap, void *))       \
			: opt < CURLOPTTYPE_BLOB      ? fn(h, opt, va_arg(ap, curl_off_t))   \
						      : fn(h, opt, va_arg(ap, void *));      \
		va_end(ap);                                                                  \
		return r;                                                                    \
	}

LAZY_SETOPT(CURLcode, curl_easy_setopt, CURL *, CURLoption)
LAZY_SETOPT(CURLMcode, curl_multi_setopt, CURLM *, CURLMoption)

/* Every CURLINFO_* takes a pointer to where the answer goes. */
CURLcode curl_easy_getinfo(CURL *c, CURLINFO info, ...)
{
	HL_LAZY_REAL(curl_lib, CURLcode, curl_easy_getinfo, (CURL *, CURLINFO, ...))
	va_list ap;
	va_start(ap, info);
	CURLcode r = fn(c, info, va_arg(ap, void *));
	va_end(ap);
	return r;
}

/* CURLSHOPT_SHARE and _UNSHARE take an int (a curl_lock_data); the rest a pointer. */
CURLSHcode curl_share_setopt(CURLSH *s, CURLSHoption opt, ...)
{
	HL_LAZY_REAL(curl_lib, CURLSHcode, curl_share_setopt, (CURLSH *, CURLSHoption, ...))
	va_list ap;
	va_start(ap, opt);
	CURLSHcode r = opt == CURLSHOPT_SHARE || opt == CURLSHOPT_UNSHARE ? fn(s, opt, va_arg(ap, int))
									  : fn(s, opt, va_arg(ap, void *));
	va_end(ap);
	return r;
}
