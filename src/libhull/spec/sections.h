/* sections.h - the section parsers of config.json (spec.c calls them top-down; linux.c calls
 * resources.c and seccomp.c). spec/ only. */
#ifndef HULL_SPEC_SECTIONS_H
#define HULL_SPEC_SECTIONS_H

#include "fields.h"

int spec_parse_process_obj(struct hull_json *j, yajl_val v, struct hull_process *p);
int spec_parse_linux_obj(struct hull_json *j, yajl_val v, struct hull_linux *l);
int spec_parse_resources_obj(struct hull_json *j, yajl_val v, struct hull_resources *r);
int spec_parse_seccomp_obj(struct hull_json *j, yajl_val v, struct hull_seccomp *s);

void spec_linux_clear(struct hull_linux *l);
void spec_seccomp_clear(struct hull_seccomp *s);

#endif
