/* lazylib.c - dlopen a library on first use (see lazylib.h for why). */
#define _GNU_SOURCE
#include "lazylib.h"

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>

static _Noreturn void lazy_die(const struct hl_lazy_lib *lib, const char *what)
{
	const char *why = dlerror();
	fprintf(stderr, "hull-image: %s %s: %s (is the %s package installed?)\n", what, lib->soname,
		why ? why : "unknown error", lib->package);
	exit(1);
}

/* pthread_once takes no argument: the library being loaded is passed through here. */
static __thread struct hl_lazy_lib *loading;

static void lazy_open(void)
{
	/* RTLD_LOCAL: its dependencies (a second OpenSSL among them) stay out of the way
	 * of the symbols hull-image itself links. */
	loading->handle = dlopen(loading->soname, RTLD_NOW | RTLD_LOCAL);
}

void *hl_lazy_sym(struct hl_lazy_lib *lib, const char *name)
{
	loading = lib;
	pthread_once(&lib->once, lazy_open);
	if (!lib->handle)
		lazy_die(lib, "cannot load");
	void *sym = dlsym(lib->handle, name);
	if (!sym)
		lazy_die(lib, name);
	return sym;
}
