/*
 * milter_edit.h - apply a milter's modifications to a message and envelope
 *
 * DESCRIPTION
 *	milter_edit_apply(in, mods, body_fd, hide_received, env, envlen,
 *	out, newenv, &nrcpts, &err) writes to out the message read from in (a
 *	regular file, read from offset 0 with pread) as the modifications
 *	in mods (milter_session_mods(), in the order the milter sent them)
 *	change it, and appends to newenv the envelope env[0..envlen) (as
 *	qmail-queue reads it: F<sender>\0 T<rcpt>\0 ... \0) as they change
 *	it.  Only the header block is held in memory (milter_head.h, at
 *	most MILTER_HEAD_MAX bytes); the body is copied, from in or, when
 *	the milter replaced it, from body_fd (milter_session_body_fd(), LF
 *	line ends already), in bounded reads.
 *
 *	What each modification does, as Postfix does it (docs/MILTER.md):
 *	- h: the field goes after the last field.
 *	- i INDEX: the field goes before field INDEX counted from 0 over
 *	  every field, the hidden Received field (hide_received, see
 *	  milter_head_hidden()) included; past the last field it goes last.
 *	- m INDEX NAME VALUE: the INDEX-th field called NAME (from 1; 0
 *	  reads as 1; any case; the hidden field is not counted, since the
 *	  milter never saw it) gets VALUE, or is deleted when VALUE is
 *	  empty; with no such field a non-empty VALUE is added as by h.
 *	- A new field is "NAME: VALUE" (no space after the colon when the
 *	  milter negotiated SMFIP_HDR_LEADSPC), each CRLF in VALUE stored
 *	  as LF.  Folded fields keep their continuation lines.
 *	- + ADDR and 2 ADDR ARGS add a recipient (ARGS are ignored: qmail
 *	  has no ESMTP arguments), unless it is there already; - ADDR
 *	  deletes every recipient equal to ADDR; e ADDR ARGS makes ADDR the
 *	  sender.  An address with or without <> is stored without them.
 *	- A replaced body is written as the milter sent it, CRLF as LF.
 *	Fields the milter did not touch, the separator and the body are
 *	copied byte for byte.  *nrcpts is the number of recipients in the
 *	new envelope; it may be 0 (qmail-queue takes such an envelope, and
 *	the caller decides what it means).
 *
 * ERRORS
 *	-1 with *err set: the message or body file cannot be read, out
 *	cannot be written (errno set); the header block is over
 *	MILTER_HEAD_MAX; env is not a valid envelope; or the milter asked
 *	for a field name that is not one (bytes 33 to 126 other than ':'),
 *	a value with a line break not followed by a space or a tab (it
 *	would start a new field or the body), an empty recipient, or an
 *	address longer than qmail-queue takes (QQ_ADDR_MAX) or holding a
 *	control byte.  Out of memory: die(QQ_OOM).  The caller maps a
 *	failure to its default action (tempfail unless configured).
 */
#ifndef HIQ_MILTER_EDIT_H
#define HIQ_MILTER_EDIT_H

#include <stddef.h>

#include "buf.h"
#include "milter_session.h"

int	milter_edit_apply(int, const struct milter_mods *, int, int,
	    const char *, size_t, int, struct buf *, size_t *,
	    const char **);

#endif /* HIQ_MILTER_EDIT_H */
