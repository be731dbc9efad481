/*
 * buf.h - a growable byte buffer with a limit
 *
 * DESCRIPTION
 *	Everything hi-q keeps from its input (the envelope, a header block)
 *	goes into a buf, never into a fixed array.  Each buf has an explicit
 *	limit, chosen and documented by its user; buf_append() refuses to
 *	grow past it.
 */
#ifndef HIQ_BUF_H
#define HIQ_BUF_H

#include <stddef.h>

struct buf {
	char	*data;
	size_t	 len;
	size_t	 cap;
	size_t	 limit;	/* buf_append fails past this many bytes */
};

void	buf_init(struct buf *, size_t);
int	buf_append(struct buf *, const void *, size_t);
void	buf_free(struct buf *);

#endif /* HIQ_BUF_H */
