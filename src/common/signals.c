/* signals.c - the set of signals hull forwards to a container process. */
#include "signals.h"

void hull_forwarded_signals(sigset_t *set)
{
	sigfillset(set);
	sigdelset(set, SIGSEGV);
	sigdelset(set, SIGBUS);
	sigdelset(set, SIGILL);
	sigdelset(set, SIGFPE);
}
