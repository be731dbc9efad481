/*
 * log.h - diagnostics, die(), and the one line per message
 *
 * DESCRIPTION
 *	Diagnostics go to stderr as "hi-q: warning: ..." or "hi-q: fatal:
 *	...", the form qmail's and skarnet's programs use.  die() runs the
 *	cleanup registered with die_set_cleanup() (kill and reap the
 *	pipeline, never write the envelope) and exits with a qmail-queue code.
 *
 *	log_format_report() builds the per-message line documented in hi-q(8)
 *	(LOG FORMAT); log_report() writes it to stderr in one write(2), so
 *	lines from concurrent messages never interleave.  The format is an
 *	interface: tuning tools parse it.  After log_set_syslog() it also
 *	sends the line, without "hi-q: ", to syslog at priority info.
 */
#ifndef HIQ_LOG_H
#define HIQ_LOG_H

#include <stddef.h>

#include "verdict.h"

enum stage_status {
	STATUS_RUNNING,		/* not finished when the verdict was taken */
	STATUS_EXITED,		/* value: exit code */
	STATUS_SIGNALED,	/* value: signal number */
	STATUS_SKIPPED,		/* skip-if-env matched; never started */
	STATUS_NOEXEC,		/* could not be started; value: errno */
	STATUS_TIMEOUT,		/* killed at its deadline */
	STATUS_ABORTED		/* killed once the verdict was decided */
};

struct stage_report {
	const char		*name;
	enum stage_status	 status;
	int			 value;
	enum outcome		 outcome;
	double			 seconds;
	int			 have_score;	/* a zone read a score */
	double			 score;
	double			 required;
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
};

void	log_set_prog(const char *);
void	log_set_syslog(int);
void	log_warn(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_warn_sys(const char *, ...) __attribute__((format(printf, 1, 2)));
void	die_set_cleanup(void (*)(void));
void	die(int, const char *, ...)
	    __attribute__((format(printf, 2, 3), noreturn));
void	die_sys(int, const char *, ...)
	    __attribute__((format(printf, 2, 3), noreturn));
char	*log_format_report(const struct report *);
void	log_report(const struct report *);

#endif /* HIQ_LOG_H */
