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
 *	The words of the line are in one table each, here, for the writer
 *	and for every reader: logfmt_key() is a field's key with its "="
 *	("code="), and logfmt_field() says which field a word of the line
 *	is and where its value starts (LOGFMT_OTHER for a key this version
 *	does not know, which a reader skips; LOGFMT_NONE for a word without
 *	"=").  logfmt_status() writes a stage's status word into buf
 *	("exit1", "signal9", "skipped", ...), logfmt_status_parse() reads
 *	one back, its number included.
 *
 *	logfmt_part_key() and logfmt_part() are logfmt_key() and
 *	logfmt_field() for the parts of a stage's field after its SECONDS
 *	("score=", "red="), in a NUL-terminated word.
 *
 * ERRORS
 *	Logging never fails the message: a write error on stderr is ignored
 *	(there is nowhere left to report it).  logfmt_status_parse()
 *	returns -1 for a word that is not a status (or a number past an exit
 *	code's 255 or a signal's 127).  Out of memory: xalloc.h.
 */
#ifndef HIQ_LOGFMT_H
#define HIQ_LOGFMT_H

#include <stddef.h>

#include "report.h"

#define LOGFMT_LINE_MAX		(1U << 20)
#define LOGFMT_STATUS_MAX	24	/* "signal-2147483648" and a NUL */

/* The fields of the line, in the order hi-q writes them. */
enum logfmt_field {
	LOGFMT_VERDICT,
	LOGFMT_CODE,
	LOGFMT_FROM,
	LOGFMT_RCPTS,
	LOGFMT_BYTES,
	LOGFMT_OUT,
	LOGFMT_TIME,
	LOGFMT_QP,
	LOGFMT_QQ,
	LOGFMT_STAGE,
	LOGFMT_REASON,
	LOGFMT_OTHER,		/* KEY=VALUE of a later version */
	LOGFMT_NONE		/* not a field */
};

/* The parts of a stage's field after its SECONDS, in their order. */
enum logfmt_part {
	LOGFMT_SCORE,		/* score=S/R */
	LOGFMT_RED,		/* red=L */
	LOGFMT_PART_OTHER	/* of a later version */
};

char		*logfmt_format(const struct report *);
void		 logfmt_write(const struct report *);
void		 logfmt_set_syslog(int);
const char	*logfmt_key(enum logfmt_field);
enum logfmt_field logfmt_field(const char *, size_t, size_t *);
const char	*logfmt_part_key(enum logfmt_part);
enum logfmt_part logfmt_part(const char *, size_t *);
const char	*logfmt_status(char [LOGFMT_STATUS_MAX], enum stage_status,
		    int);
int		 logfmt_status_parse(const char *, enum stage_status *,
		    int *);

#endif /* HIQ_LOGFMT_H */
