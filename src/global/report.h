/*
 * report.h - what became of one message and of each of its stages
 *
 * DESCRIPTION
 *	The results the run records and the judge fills in (judge.h), and
 *	logfmt_write() writes as the per-message line (hi-q(8), LOG FORMAT).
 *	A program stage ends with an exit or a signal (or not at all: the
 *	statuses up to STATUS_UNREACHED); a milter stage with the milter's
 *	final reply or its failure (the statuses after it), which its "on"
 *	rules map to an outcome.  Data only.
 */
#ifndef HIQ_REPORT_H
#define HIQ_REPORT_H

#include <sys/types.h>

#include <stddef.h>

#include "outcome.h"

enum stage_status {
	STATUS_RUNNING,		/* not finished when the verdict was taken */
	STATUS_EXITED,		/* value: exit code */
	STATUS_SIGNALED,	/* value: signal number */
	STATUS_SKIPPED,		/* skip-if-env matched; never started */
	STATUS_NOEXEC,		/* could not be started; value: errno */
	STATUS_TIMEOUT,		/* killed at its deadline */
	STATUS_ABORTED,		/* killed once the verdict was decided */
	STATUS_UNREACHED,	/* never started: discarded before it */
	/* A milter's end: its final reply, or its failure. */
	STATUS_ACCEPT,		/* accept, or continue at the end */
	STATUS_REJECT,		/* reject, or a 5xx reply code */
	STATUS_TEMPFAIL,	/* tempfail, shutdown, or a 4xx reply code */
	STATUS_DISCARD,
	STATUS_QUARANTINE,	/* quarantine, then accept */
	STATUS_FAILURE		/* unreachable, or broke the protocol */
};
#define STATUS_COUNT	(STATUS_FAILURE + 1)

struct stage_report {
	const char		*name;
	enum stage_status	 status;
	int			 value;
	enum outcome		 outcome;
	double			 seconds;
	int			 have_score;	/* a zone read a score */
	double			 score;
	double			 required;
	double			 red;		/* with a score: red from */
};

struct report {
	enum outcome		 verdict;
	int			 code;		/* hi-q's exit code */
	int			 have_envelope;
	const char		*sender;	/* not NUL-terminated */
	size_t			 sender_len;
	size_t			 rcpts;
	unsigned long long	 bytes_in;	/* from the caller */
	unsigned long long	 bytes_out;	/* to qmail-queue */
	double			 seconds;
	const struct stage_report *stages;
	size_t			 nstages;
	const char		*reason;	/* why, or NULL */
	int			 direct;	/* qmail-queue read fd 0: no
						   byte counts */
	pid_t			 qp;		/* hi-q's pid: the caller's
						   "qp" */
	pid_t			 qq;		/* qmail-queue's; 0: never
						   started */
};

#endif /* HIQ_REPORT_H */
