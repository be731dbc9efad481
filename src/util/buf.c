/*
 * buf.c - a growable byte buffer with a limit
 *
 * DESCRIPTION
 *	buf_init(b, limit) makes an empty buffer that will hold at most limit
 *	bytes.  buf_append() copies bytes to its end, growing it by doubling.
 *	The data is not NUL-terminated.  buf_free() releases it and leaves an
 *	empty buffer with the same limit.
 *
 * ERRORS
 *	buf_append returns -1 with errno EMSGSIZE when the bytes would pass
 *	the limit; the buffer is left as it was.  Out of memory: die(QQ_OOM).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "xalloc.h"

void
buf_init(struct buf *b, size_t limit)
{
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
	b->limit = limit;
}

int
buf_append(struct buf *b, const void *p, size_t n)
{
	size_t cap;

	if (n > b->limit - b->len) {
		errno = EMSGSIZE;
		return -1;
	}
	if (n > b->cap - b->len) {
		cap = b->cap ? b->cap : 256;
		while (cap - b->len < n)
			cap = cap > b->limit / 2 ? b->limit : cap * 2;
		b->data = xreallocarray(b->data, cap, 1);
		b->cap = cap;
	}
	if (n > 0)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	return 0;
}

void
buf_free(struct buf *b)
{
	free(b->data);
	buf_init(b, b->limit);
}
