/*
 * lines.h - read a descriptor line by line in bounded memory
 *
 * DESCRIPTION
 *	lines_init() prepares a reader on an open descriptor for lines of at
 *	most max bytes, lines_next() returns the next line, without its
 *	newline and NUL-terminated in the reader's buffer (valid until the
 *	next call; the caller may change its bytes), and lines_free() releases
 *	the buffer.  The buffer never holds more than max bytes of one line
 *	plus one read.  A longer line is reported with LINES_TOO_LONG as soon
 *	as more than max of its bytes are read, with its first max bytes as
 *	the text; the next call skips the rest of it, so a caller that stops
 *	there has read little more than max bytes.  A last line without a
 *	newline is reported with LINES_NO_NEWLINE (a line that is too long is
 *	reported before its end is known, so never with both).
 *	lines_number() is the number of the line returned last, from 1.
 *
 *	Only the end of the input ends the lines: a failed read is an error,
 *	never taken for the end.
 *
 * ERRORS
 *	lines_next() returns 1 for a line, 0 at the end, -1 with errno set
 *	when read(2) failed.  Out of memory: xalloc.h.
 */
#ifndef HIQ_LINES_H
#define HIQ_LINES_H

#include <stddef.h>

/* hi-q cuts its line at 1 MiB; leave room for a logger's prefix. */
#define LINES_MAX	((1U << 20) + 4096)

#define LINES_TOO_LONG		0x1
#define LINES_NO_NEWLINE	0x2

struct lines {
	int			 fd;
	char			*buf;
	size_t			 max;		/* longest line returned */
	size_t			 cap;
	size_t			 start;		/* first byte not returned */
	size_t			 end;		/* first byte not read */
	int			 eof;
	int			 skipping;	/* in a line too long */
	unsigned long long	 number;
};

void	lines_init(struct lines *, int, size_t);
int	lines_next(struct lines *, char **, size_t *, int *);
unsigned long long lines_number(const struct lines *);
void	lines_free(struct lines *);

#endif /* HIQ_LINES_H */
