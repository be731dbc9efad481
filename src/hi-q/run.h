/*
 * run.h - run one message through the pipeline
 *
 * DESCRIPTION
 *	run_message(conf, env) is hi-q's whole job for one message, with the
 *	message on fd 0 and the envelope on fd 1.  It starts qmail-queue and
 *	every stage that is not skipped, moves the message through them,
 *	reads and checks the envelope, judges each stage by its rules, and
 *	writes the envelope to qmail-queue only when the verdict is accept.
 *	Before it returns, every child is reaped, the stages' process group
 *	is gone, fd 0 and fd 1 were read to their end, and the log line was
 *	written.  It returns the exit code for hi-q.
 *
 *	env is the environment for the children (spawn_environ()).
 *
 *	run_drain(idle) is the same run's drain of the caller, for an exit
 *	before any message (a bad configuration): it reads fd 0 and fd 1 to
 *	their end so the caller does not block, and gives up after idle
 *	seconds without a byte, as run_message() does after its verdict with the
 *	message's timeout.  A terminal, or a descriptor that is not open, is
 *	left alone.
 *
 * ERRORS
 *	None of its own: every failure becomes the exit code hi-q(8) names
 *	in EXIT STATUS (QQ_TEMP_REJECT for faults of the pipeline, the
 *	envelope codes of envelope.h, qmail-queue's own code when it
 *	failed).
 */
#ifndef HIQ_RUN_H
#define HIQ_RUN_H

#include "conf.h"

#define RUN_ENVELOPE_MAX	(16U << 20)	/* bytes */
/*
 * Pipes hi-q makes are enlarged to this (F_SETPIPE_SZ; best effort): a
 * quarter of the syscalls and wake-ups of the 64 KiB default for a large
 * message.  Not more: Linux counts pipe pages per user, and past
 * pipe-user-pages-soft (64 MiB) every new pipe of qmail-smtpd's user
 * would shrink to a page or two.  40 sessions of 5 pipes stay under it.
 */
#define RUN_PIPE_SIZE		(256U << 10)

int	run_message(const struct conf *, char *const []);
void	run_drain(unsigned);

#endif /* HIQ_RUN_H */
