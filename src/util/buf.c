/*
 * buf.c - a growable byte buffer with a limit
 *
 * DESCRIPTION
 *	buf_init(b, limit) makes an empty buffer that will hold at most limit
 *	bytes.  buf_append() copies bytes to its end, growing it by doubling.
 *	The data is not NUL-terminated.  buf_free() releases it and leaves an
 *	empty buffer with the same limit.  buf_append_visible(): see buf.h.
 *
 * ERRORS
 *	See buf.h.
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

int
buf_vprintf(struct buf *b, const char *fmt, va_list ap)
{
	char *s;
	int rc;

	s = xvasprintf(fmt, ap);
	rc = buf_append(b, s, strlen(s));
	free(s);
	return rc;
}

int
buf_append_visible(struct buf *b, const char *s, size_t n, const char *also)
{
	static const char hex[] = "0123456789abcdef";
	char esc[4] = { '\\', 'x', '0', '0' };
	unsigned char c;
	size_t i;

	for (i = 0; i < n; i++) {
		c = (unsigned char)s[i];
		if (c >= 0x20 && c < 0x7f && c != '\\' &&
		    strchr(also, c) == NULL) {
			if (buf_append(b, &s[i], 1) == -1)
				return -1;
			continue;
		}
		esc[2] = hex[c >> 4];
		esc[3] = hex[c & 0xf];
		if (buf_append(b, esc, sizeof(esc)) == -1)
			return -1;
	}
	return 0;
}

void
buf_free(struct buf *b)
{
	free(b->data);
	buf_init(b, b->limit);
}
