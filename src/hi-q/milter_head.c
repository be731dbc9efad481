/*
 * milter_head.c - a message's header block, as the milter code sees it
 *
 * DESCRIPTION
 *	See milter_head.h.  A line is classified as soon as its first bytes
 *	allow, so a long first body line ends the block without being read
 *	whole; a field is recorded once its line is complete.
 *
 * ERRORS
 *	See milter_head.h.
 */
#include <sys/types.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "milter_head.h"
#include "xalloc.h"

/* Bytes per read of the message; the block's buf holds one more read. */
#define HEAD_READ	(64U << 10)

enum line_kind {
	LINE_MORE,		/* cannot tell yet */
	LINE_FIELD,		/* name: value */
	LINE_CONT,		/* starts with a space or a tab */
	LINE_EMPTY,		/* the separator */
	LINE_BODY		/* anything else: the body starts here */
};

static enum line_kind	classify(const char *, size_t, int);
static void		add_field(struct milter_head *, size_t, size_t,
			    size_t);
static void		finish(struct milter_head *, size_t, int);

void
milter_head_init(struct milter_head *h)
{
	memset(h, 0, sizeof(*h));
	buf_init(&h->block, MILTER_HEAD_MAX + HEAD_READ);
}

void
milter_head_free(struct milter_head *h)
{
	buf_free(&h->block);
	free(h->field);
	h->field = NULL;
	h->nfield = h->cap = 0;
}

/*
 * milter_head_name_len - the length of the field name that p[0..n)
 * starts with, 0 if it starts with none: bytes 33 to 126 other than ':',
 * then blanks, then ':'
 */
size_t
milter_head_name_len(const char *p, size_t n)
{
	size_t i, name;

	for (i = 0; i < n && p[i] != ':' && (unsigned char)p[i] >= 33 &&
	    (unsigned char)p[i] <= 126; i++)
		;
	name = i;
	while (i < n && (p[i] == ' ' || p[i] == '\t'))
		i++;
	return name > 0 && i < n && p[i] == ':' ? name : 0;
}

/*
 * classify - what the line p[0..n) is; complete says its LF was seen (n
 * does not count it)
 */
static enum line_kind
classify(const char *p, size_t n, int complete)
{
	size_t i;

	if (n == 0)
		return complete ? LINE_EMPTY : LINE_MORE;
	if (p[0] == ' ' || p[0] == '\t')
		return LINE_CONT;
	if (milter_head_name_len(p, n) > 0)
		return LINE_FIELD;
	if (complete)
		return LINE_BODY;
	/* Incomplete: a field if the ':' has not come yet, and it may. */
	for (i = 0; i < n && p[i] != ':' && (unsigned char)p[i] >= 33 &&
	    (unsigned char)p[i] <= 126; i++)
		;
	while (i < n && (p[i] == ' ' || p[i] == '\t'))
		i++;
	return i == n ? LINE_MORE : LINE_BODY;
}

static void
add_field(struct milter_head *h, size_t off, size_t len, size_t name_len)
{
	struct milter_field *f;
	const char *colon;

	if (h->nfield == h->cap) {
		h->cap = h->cap ? 2 * h->cap : 32;
		h->field = xreallocarray(h->field, h->cap, sizeof(*h->field));
	}
	f = &h->field[h->nfield++];
	f->off = off;
	f->len = len;
	f->name_len = name_len;
	colon = memchr(h->block.data + off, ':', len);
	f->value_off = (size_t)(colon - (h->block.data + off)) + 1;
}

/* finish - the block ends at end; sep: an empty line follows it */
static void
finish(struct milter_head *h, size_t end, int sep)
{
	h->done = 1;
	h->sep = sep;
	h->body_off = (off_t)(end + (sep ? 1 : 0));
	h->block.len = end;
}

int
milter_head_parse(struct milter_head *h, const char *p, size_t n, int eof)
{
	const char *d, *lf;
	size_t pos, len;
	int complete;

	if (h->done)
		return 1;
	if (buf_append(&h->block, p, n) == -1)
		return -1;
	/* No bytes yet (the buf's data may still be NULL). */
	if (h->block.len == 0) {
		if (!eof)
			return 0;
		finish(h, 0, 0);
		return 1;
	}
	for (pos = h->scanned; ; pos += len + (complete ? 1 : 0)) {
		d = h->block.data + pos;
		lf = memchr(d, '\n', h->block.len - pos);
		complete = lf != NULL;
		len = complete ? (size_t)(lf - d) : h->block.len - pos;
		if (!complete && len == 0 && eof) {
			finish(h, pos, 0);
			break;
		}
		switch (classify(d, len, complete || eof)) {
		case LINE_MORE:
			h->scanned = pos;
			goto more;
		case LINE_EMPTY:
			finish(h, pos, 1);
			break;
		case LINE_BODY:
			finish(h, pos, 0);
			break;
		case LINE_CONT:
			if (h->nfield == 0) {
				finish(h, pos, 0);
				break;
			}
			if (!complete && !eof) {
				h->scanned = pos;
				goto more;
			}
			h->field[h->nfield - 1].len += len +
			    (complete ? 1 : 0);
			continue;
		case LINE_FIELD:
			if (!complete && !eof) {
				h->scanned = pos;
				goto more;
			}
			add_field(h, pos, len + (complete ? 1 : 0),
			    milter_head_name_len(d, len));
			continue;
		}
		break;
	}
	if (h->block.len > MILTER_HEAD_MAX) {
		errno = EMSGSIZE;
		return -1;
	}
	return 1;
more:
	/* What is not yet known to be body counts against the limit. */
	if (h->block.len > MILTER_HEAD_MAX) {
		errno = EMSGSIZE;
		return -1;
	}
	return 0;
}

int
milter_head_read(int fd, struct milter_head *h, const char **err)
{
	char *chunk;
	off_t off = 0;
	ssize_t r;
	int rc;

	chunk = xmalloc(HEAD_READ);
	for (;;) {
		do
			r = pread(fd, chunk, HEAD_READ, off);
		while (r == -1 && errno == EINTR);
		if (r == -1) {
			*err = "cannot read the message";
			break;
		}
		off += r;
		rc = milter_head_parse(h, chunk, (size_t)r, r == 0);
		if (rc == 1) {
			free(chunk);
			return 0;
		}
		if (rc == -1) {
			*err = "a header block longer than hi-q takes (1 MiB)";
			break;
		}
	}
	free(chunk);
	return -1;
}

/* milter_head_name_is - is field i's name name[0..n), in any case? */
int
milter_head_name_is(const struct milter_head *h, size_t i, const char *name,
    size_t n)
{
	const struct milter_field *f = &h->field[i];

	return f->name_len == n &&
	    strncasecmp(h->block.data + f->off, name, n) == 0;
}

long
milter_head_hidden(const struct milter_head *h, int hide)
{
	return hide && h->nfield > 0 &&
	    milter_head_name_is(h, 0, "Received", 8) ? 0 : -1;
}

/*
 * milter_head_helo - the HELO name in qmail-smtpd's Received field:
 * "Received: from HOST (HELO NAME) (INFO@IP)\n  by ..."; without the
 * "(HELO NAME)" part the client said HOST
 */
char *
milter_head_helo(const struct milter_head *h)
{
	const struct milter_field *f;
	const char *v, *end, *host, *name;
	size_t hlen;

	if (h->nfield == 0 || !milter_head_name_is(h, 0, "Received", 8))
		return NULL;
	f = &h->field[0];
	v = h->block.data + f->off + f->value_off;
	end = h->block.data + f->off + f->len;
	if ((size_t)(end - v) < 6 || memcmp(v, " from ", 6) != 0)
		return NULL;
	host = v + 6;
	for (v = host; v < end && *v != ' ' && *v != '\n' && *v != '('; v++)
		;
	hlen = (size_t)(v - host);
	if (hlen == 0 || end - v < 2 || v[0] != ' ' || v[1] != '(')
		return NULL;
	v += 2;
	if (end - v >= 5 && memcmp(v, "HELO ", 5) == 0) {
		name = v + 5;
		for (v = name; v < end && *v != ')' && *v != '\n'; v++)
			;
		if (v == end || *v != ')' || v == name)
			return NULL;
		return xasprintf("%.*s", (int)(v - name), name);
	}
	return xasprintf("%.*s", (int)hlen, host);
}
