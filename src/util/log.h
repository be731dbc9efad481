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
 *	interface: tuning tools parse it.  Its fields are in report.h.  After
 *	log_set_syslog() it also sends the line, without "hi-q: ", to syslog
 *	at priority info.
 *
 *	log_visible() returns a copy of a string with every control byte,
 *	non-ASCII byte and backslash written as \xHH, for a diagnostic that
 *	quotes words hi-q did not write itself.
 */
#ifndef HIQ_LOG_H
#define HIQ_LOG_H

#include <stddef.h>

#include "report.h"

void	log_set_prog(const char *);
void	log_set_syslog(int);
void	log_warn(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_warn_sys(const char *, ...) __attribute__((format(printf, 1, 2)));
void	die_set_cleanup(void (*)(void));
void	die(int, const char *, ...)
	    __attribute__((format(printf, 2, 3), noreturn));
void	die_sys(int, const char *, ...)
	    __attribute__((format(printf, 2, 3), noreturn));
char	*log_visible(const char *);
char	*log_format_report(const struct report *);
void	log_report(const struct report *);

#endif /* HIQ_LOG_H */
