/*
 * lines.c - read a descriptor line by line in bounded memory
 *
 * DESCRIPTION
 *	See lines.h.  The buffer is allocated once, the longest line plus one
 *	read of LINES_READ bytes and a NUL, and lines are found with memchr(3)
 *	in place, so reading costs one copy per line at most (when a line
 *	straddles the end of the buffer and is moved to its start).
 *
 * ERRORS
 *	See lines.h.
 */
#include <stdlib.h>
#include <string.h>

#include "io.h"
#include "lines.h"
#include "xalloc.h"

#define LINES_READ	(1U << 16)

static int	fill(struct lines *);
static int	take(struct lines *, char **, size_t *, size_t, size_t);

void
lines_init(struct lines *l, int fd, size_t max)
{
	memset(l, 0, sizeof(*l));
	l->fd = fd;
	l->max = max;
	l->cap = max + LINES_READ;
	l->buf = xmalloc(l->cap + 1);
}

void
lines_free(struct lines *l)
{
	free(l->buf);
	l->buf = NULL;
}

unsigned long long
lines_number(const struct lines *l)
{
	return l->number;
}

/* fill - move what is left to the front and read more; -1 on error */
static int
fill(struct lines *l)
{
	ssize_t n;

	if (l->start > 0) {
		memmove(l->buf, l->buf + l->start, l->end - l->start);
		l->end -= l->start;
		l->start = 0;
	}
	if ((n = io_read(l->fd, l->buf + l->end, l->cap - l->end)) == -1)
		return -1;
	if (n == 0)
		l->eof = 1;
	l->end += (size_t)n;
	return 0;
}

/* take - the n bytes at start are the next line; skip more bytes after */
static int
take(struct lines *l, char **line, size_t *len, size_t n, size_t skip)
{
	l->number++;
	*line = l->buf + l->start;
	*len = n;
	(*line)[n] = '\0';
	l->start += n + skip;
	return 1;
}

int
lines_next(struct lines *l, char **line, size_t *len, int *flags)
{
	char *nl;
	size_t avail;

	*flags = 0;
	for (;;) {
		avail = l->end - l->start;
		nl = memchr(l->buf + l->start, '\n', avail);
		if (l->skipping) {
			/* The rest of a line already reported too long. */
			if (nl != NULL) {
				l->start = (size_t)(nl - l->buf) + 1;
				l->skipping = 0;
				continue;
			}
			l->start = l->end;
		} else if (nl != NULL &&
		    (size_t)(nl - l->buf) - l->start <= l->max)
			return take(l, line, len,
			    (size_t)(nl - l->buf) - l->start, 1);
		else if (avail > l->max) {
			/*
			 * Said now, not at its newline: a caller that stops
			 * at a line too long reads no further.  The byte cut
			 * off by the NUL is not a newline, so the skip still
			 * finds the line's end.
			 */
			*flags = LINES_TOO_LONG;
			l->skipping = 1;
			return take(l, line, len, l->max, 0);
		} else if (l->eof && avail > 0) {
			*flags = LINES_NO_NEWLINE;
			return take(l, line, len, avail, 0);
		}
		if (l->eof)
			return 0;
		if (fill(l) == -1)
			return -1;
	}
}
