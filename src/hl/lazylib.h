/* lazylib.h - libraries hull-image loads only when a command needs them.
 *
 * libcurl and libarchive drag in some forty shared objects (TLS, Kerberos, LDAP, ICU, ...)
 * whose loading and relocation cost ~11 ms at every start of hull-image, though
 * `image run` of a cached image needs neither. hull-image is therefore not linked
 * against them: lazy_curl.c and lazy_archive.c define the functions hull uses, and each
 * resolves its real counterpart with dlopen/dlsym on first call. */
#ifndef HULL_HL_LAZYLIB_H
#define HULL_HL_LAZYLIB_H

#include <pthread.h>

struct hl_lazy_lib {
	const char *soname;  /* e.g. "libcurl.so.4" */
	const char *package; /* the Debian package that ships it, for the error */
	pthread_once_t once;
	void *handle;
};

#define HL_LAZY_LIB(soname, package) { soname, package, PTHREAD_ONCE_INIT, NULL }

/* The address of `name` in `lib`, loading the library on first use. A library or symbol
 * that is missing ends hull-image with a message naming the package: like a missing
 * DT_NEEDED library would, only later and clearer. */
void *hl_lazy_sym(struct hl_lazy_lib *lib, const char *name);

/* In a function body: `fn`, the library's own `name` of type ret(*)params, looked up
 * once and kept. */
#define HL_LAZY_REAL(lib, ret, name, params)                                                  \
	static ret(*real) params;                                                            \
	ret(*fn) params = __atomic_load_n(&real, __ATOMIC_ACQUIRE);                          \
	if (!fn) {                                                                           \
		fn = (ret(*) params)hl_lazy_sym(&lib, #name);                                \
		__atomic_store_n(&real, fn, __ATOMIC_RELEASE);                               \
	}

/* Defines `ret name params` to call the library's own `name` with `args`. */
#define HL_LAZY_FN(lib, ret, name, params, args)                                              \
	ret name params                                                                      \
	{                                                                                    \
		HL_LAZY_REAL(lib, ret, name, params)                                         \
		return fn args;                                                              \
	}

/* The same for a function returning nothing. */
#define HL_LAZY_VOID(lib, name, params, args)                                                 \
	void name params                                                                     \
	{                                                                                    \
		HL_LAZY_REAL(lib, void, name, params)                                        \
		fn args;                                                                     \
	}

#endif
