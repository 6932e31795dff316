/* enosys.h - the -ENOSYS stub in front of a compiled seccomp profile. */
#ifndef HULL_SECCOMP_ENOSYS_H
#define HULL_SECCOMP_ENOSYS_H

#include "libhull/spec/spec.h"

#include <linux/filter.h>

/* One architecture the filter covers: its libseccomp token and, when the profile
 * lists it, the spelling there ("SCMP_ARCH_X86"; NULL for the implied native one). */
struct hull_seccomp_arch {
	uint32_t token;
	const char *spec_name;
};

/* Instructions to put in front of libseccomp's program: on every architecture in
 * arches, a syscall numbered above the highest one the profile names (all of its
 * syscalls[].names, whatever their action) fails with ENOSYS instead of getting
 * default_action. None (*out NULL, *n_out 0) when default_action lets syscalls run
 * anyway (ALLOW, LOG, TRACE) or already is ERRNO(ENOSYS). Caller frees *out. */
void hull_seccomp_enosys_stub(const struct hull_seccomp *s, uint32_t default_action,
			      const struct hull_seccomp_arch *arches, size_t n_arches, struct sock_filter **out,
			      size_t *n_out);

#endif
