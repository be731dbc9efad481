/*
 * logfmt.h - the one line per message: its format, written and read
 *
 * DESCRIPTION
 *	The per-message line is documented in hi-q(8) (LOG FORMAT) and is an
 *	interface: hi-q writes it, hi-q-report and the tuning tools read it.
 *
 *	logfmt_format() builds the line for a report (report.h), starting
 *	with the program's name (msg_prog()); logfmt_write() writes it to
 *	stderr in one write(2), so lines from concurrent messages never
 *	interleave.  After logfmt_set_syslog() it also sends the line,
 *	without "hi-q: ", to syslog at priority info.  A line is at most
 *	LOGFMT_LINE_MAX bytes; a longer one is cut and still ends in a
 *	newline.
 *
 * ERRORS
 *	Logging never fails the message: a write error on stderr is ignored
 *	(there is nowhere left to report it).  Out of memory: xalloc.h.
 */
#ifndef HIQ_LOGFMT_H
#define HIQ_LOGFMT_H

#include "report.h"

#define LOGFMT_LINE_MAX	(1U << 20)

char	*logfmt_format(const struct report *);
void	 logfmt_write(const struct report *);
void	 logfmt_set_syslog(int);

#endif /* HIQ_LOGFMT_H */
