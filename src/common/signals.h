/* signals.h - the set of signals hull forwards to a container process. */
#ifndef HULL_COMMON_SIGNALS_H
#define HULL_COMMON_SIGNALS_H

#include <signal.h>

/* Every signal but the synchronous faults (SIGSEGV, SIGBUS, SIGILL, SIGFPE), which
 * must stay deliverable to hull itself. hull blocks this set and reads it from a
 * signalfd (run, exec, the terminal relay), then forwards what arrives. */
void hull_forwarded_signals(sigset_t *set);

#endif
