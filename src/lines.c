/*
 * lines.c - read a descriptor line by line in bounded memory
 *
 * DESCRIPTION
 *	See lines.h.  The buffer is allocated once, LINES_MAX plus one read
 *	of LINES_READ bytes and a NUL, and lines are found with memchr(3)
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

void
lines_init(struct lines *l, int fd)
{
	memset(l, 0, sizeof(*l));
	l->fd = fd;
	l->cap = LINES_MAX + LINES_READ;
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

int
lines_next(struct lines *l, char **line, size_t *len, int *flags)
{
	char *nl;
	int skipping = 0;

	*flags = 0;
	for (;;) {
		nl = memchr(l->buf + l->start, '\n', l->end - l->start);
		if (nl != NULL) {
			l->number++;
			*line = l->buf + l->start;
			*len = (size_t)(nl - *line);
			*nl = '\0';
			l->start = (size_t)(nl - l->buf) + 1;
			if (skipping || *len > LINES_MAX) {
				*flags = LINES_TOO_LONG;
				*len = 0;
				**line = '\0';
			}
			return 1;
		}
		if (l->end - l->start >= LINES_MAX) {
			/* Too long: drop what we have, keep looking. */
			skipping = 1;
			l->start = l->end;
		}
		if (l->eof) {
			if (l->end == l->start && !skipping)
				return 0;
			l->number++;
			*line = l->buf + l->start;
			*len = l->end - l->start;
			(*line)[*len] = '\0';
			l->start = l->end;
			*flags = LINES_NO_NEWLINE;
			if (skipping || *len > LINES_MAX) {
				*flags |= LINES_TOO_LONG;
				*len = 0;
				**line = '\0';
			}
			return 1;
		}
		if (fill(l) == -1)
			return -1;
	}
}
