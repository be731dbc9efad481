/*
 * buf.h - a growable byte buffer with a limit
 *
 * DESCRIPTION
 *	Everything hi-q keeps from its input (the envelope, a header block)
 *	goes into a buf, never into a fixed array.  Each buf has an explicit
 *	limit, chosen and documented by its user; buf_append() refuses to
 *	grow past it.
 *
 *	buf_vprintf() appends what vprintf(3) would write, whole or not at
 *	all.  buf_append_visible(b, s, n, also) appends s[0..n) as a reader can
 *	see it: each control byte, byte over 0x7e, backslash and byte of
 *	also as \xHH (lower case), so that \xHH always stands for a byte
 *	and no field holds the byte that ends it.
 *
 * ERRORS
 *	They return -1 with errno EMSGSIZE when the bytes would pass the
 *	limit: buf_append() and buf_vprintf() leave the buffer as it was,
 *	buf_append_visible() stops at the first byte (or \xHH) that does not
 *	fit.  Out of memory: xalloc.h.
 */
#ifndef HIQ_BUF_H
#define HIQ_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct buf {
	char	*data;
	size_t	 len;
	size_t	 cap;
	size_t	 limit;	/* buf_append fails past this many bytes */
};

void	buf_init(struct buf *, size_t);
int	buf_append(struct buf *, const void *, size_t);
int	buf_vprintf(struct buf *, const char *, va_list)
	    __attribute__((format(printf, 2, 0)));
int	buf_append_visible(struct buf *, const char *, size_t, const char *);
void	buf_free(struct buf *);

#endif /* HIQ_BUF_H */
