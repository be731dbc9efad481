/*
 * milter_head.h - a message's header block, as the milter code sees it
 *
 * DESCRIPTION
 *	The milter session sends a message's header fields one by one and
 *	the milter edit changes them by name and index; both must cut the
 *	message into the same fields, so both read it here.
 *
 *	A message (qmail's format: lines end in LF) starts with its header
 *	block: fields, each a line that starts with a name (bytes 33 to 126
 *	other than ':'), optional spaces or tabs and a ':', followed by its
 *	continuation lines (lines that start with a space or a tab).  The
 *	block ends before the first line that is neither: an empty line,
 *	which is the separator and belongs to neither part, or any other
 *	line, which is already the body (as Postfix reads it).  A last line
 *	without its LF still counts.
 *
 *	milter_head_parse(p, n, eof, h) cuts p[0..n) into fields.  It returns
 *	1 when the block has ended within those bytes (or eof says no more
 *	will come), 0 when more bytes are needed to know.  It can be called
 *	again with more bytes.  milter_head_read(fd, h) reads the block from
 *	a regular file, from offset 0 (pread: the descriptor's own offset is
 *	untouched), in bounded reads, and parses it.  Afterwards h->block
 *	holds the block's bytes, h->field[i] each field, h->body_off where
 *	the body starts in the message, and h->sep whether an empty line
 *	separated the two.
 *
 *	milter_head_hidden(h, hide) is the field the milter must not see:
 *	when hide is set and the first field is a Received field (the one
 *	the caller, such as qmail-smtpd, wrote), 0; otherwise -1.  Postfix
 *	hides its own Received field the same way.
 *
 *	milter_head_helo(h) is the HELO name written in qmail-smtpd's
 *	Received field when the first field is one ("from HOST (HELO NAME)
 *	(INFO@IP)", or HOST when the client said the same name), else NULL;
 *	malloc'd.
 *
 * ERRORS
 *	milter_head_read() returns -1 with *err set: a read error (errno
 *	set), or a header block longer than MILTER_HEAD_MAX bytes (errno
 *	EMSGSIZE); the start of the line after the block counts too, as far
 *	as it could still be a field name (bytes 33 to 126 and blanks with
 *	no ':' yet).  milter_head_parse() fails only for that length.  Out of
 *	memory: die(QQ_OOM).
 */
#ifndef HIQ_MILTER_HEAD_H
#define HIQ_MILTER_HEAD_H

#include <sys/types.h>

#include <stddef.h>

#include "buf.h"

/* The longest header block the milter code takes (1 MiB). */
#define MILTER_HEAD_MAX		(1U << 20)

struct milter_field {
	size_t	 off;		/* where it starts in the block */
	size_t	 len;		/* its bytes, continuation lines and LF */
	size_t	 name_len;	/* its name, without blanks and ':' */
	size_t	 value_off;	/* from off: the byte after the ':' */
};

struct milter_head {
	struct buf		 block;
	struct milter_field	*field;
	size_t			 nfield;
	size_t			 cap;
	size_t			 scanned;	/* bytes parsed into fields */
	int			 done;
	int			 sep;		/* an empty line ended it */
	off_t			 body_off;
};

void	 milter_head_init(struct milter_head *);
int	 milter_head_parse(struct milter_head *, const char *, size_t, int);
int	 milter_head_read(int, struct milter_head *, const char **);
void	 milter_head_free(struct milter_head *);
int	 milter_head_name_is(const struct milter_head *, size_t,
	    const char *, size_t);
long	 milter_head_hidden(const struct milter_head *, int);
char	*milter_head_helo(const struct milter_head *);
size_t	 milter_head_name_len(const char *, size_t);

#endif /* HIQ_MILTER_HEAD_H */
