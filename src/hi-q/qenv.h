/*
 * qenv.h - the environment of a stage that sees the envelope
 *
 * DESCRIPTION
 *	qenv_make(qe, base, env, msgsize, ppid, &why) makes the environment
 *	of a qfilter or of a stage or check marked "envelope": base (hi-q's
 *	stages' own) with the variables qmail-qfilter sets, computed from
 *	the envelope as it stands (env, as envelope_check() found it: its
 *	sender points into the envelope's bytes) and the message's size:
 *
 *	    QMAILUSER, QMAILHOST  the sender split at its last "@" (no "@":
 *	                          all of it the user, the host empty; both
 *	                          empty for <>)
 *	    QMAILRCPTS            each recipient followed by a newline
 *	    NUMRCPTS              the number of recipients
 *	    MSGSIZE, ENVSIZE      the message's and the envelope's bytes
 *	    QMAILPPID             ppid, hi-q's parent: its caller
 *	    HIQ_RCPT              the recipient when there is exactly one
 *
 *	Every one of them, and QMAILNAME, is first taken out of base, so a
 *	value the caller set never reaches the stage: HIQ_RCPT is unset
 *	unless there is one recipient, and QMAILNAME is unset as
 *	qmail-qfilter unsets it.  qe->env is the result, for spawn_fds();
 *	qenv_free() releases it (base's strings are base's).  Pure: no
 *	descriptor, no process.
 *
 *	No value may hold more than QENV_VALUE_MAX bytes: Linux refuses to
 *	exec with a string over MAX_ARG_STRLEN (128 KiB), and the rest of
 *	the environment and the arguments need room too.  Only QMAILRCPTS
 *	can pass it (an address is at most QQ_ADDR_MAX bytes): some 2,000
 *	recipients of 30 bytes fit.
 *
 * ERRORS
 *	qenv_make() returns -1 with *why (malloc'd) naming the variable, its
 *	size and the limit, and qe left empty; the run makes that the
 *	stage's tempfail.  Out of memory: die(QQ_OOM).
 */
#ifndef HIQ_QENV_H
#define HIQ_QENV_H

#include <sys/types.h>

#include "envelope.h"

#define QENV_VALUE_MAX	(64U << 10)	/* bytes in one value */
#define QENV_NVARS	8		/* the variables qenv_make() sets */

struct qenv {
	char	**env;
	char	 *vars[QENV_NVARS];	/* "NAME=VALUE", ours */
	size_t	  nvars;
};

int	qenv_make(struct qenv *, char *const [], const struct envelope *,
	    unsigned long long, pid_t, char **);
void	qenv_free(struct qenv *);

#endif /* HIQ_QENV_H */
