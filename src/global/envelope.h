/*
 * envelope.h - check a qmail-queue envelope
 *
 * DESCRIPTION
 *	envelope_check(data, len, &env) reads F<sender>\0 T<rcpt>\0 ... \0
 *	exactly as qmail-queue reads it from its fd 1, and returns the code
 *	qmail-queue would exit with for those bytes.  On QQ_OK, env says where
 *	the sender is, how many recipients there are, and how many bytes the
 *	envelope used (what follows them is ignored, as qmail-queue ignores it).
 *
 *	envelope_more(data, len, &env) gives the same answer for a reader
 *	that gets the envelope in pieces: env starts zeroed (or from
 *	envelope_check()), and after QQ_READ_ERROR the caller appends what
 *	it reads next and calls again with all the data so far, moved or
 *	not.  Entries env has seen whole are not read again, so the checks
 *	of an envelope of n bytes cost O(n) however it was cut.  On any
 *	other answer the envelope is decided; env is then not to be fed on.
 *
 *	envelope_take(data, len, &env, &why) is envelope_check() for an
 *	envelope a stage wrote whole (a qfilter's fd 4): the same answer,
 *	and for any other than QQ_OK, *why says what is wrong in words for
 *	the log ("it does not start with F", ...).
 *
 *	envelope_rcpt(&env, prev) walks the recipients of an envelope that
 *	envelope_check() passed, over the same data: the first recipient's
 *	address (past its T, ending in its NUL) when prev is NULL, else the
 *	one after prev; NULL after the last.
 *
 * ERRORS
 *	QQ_READ_ERROR		the bytes end before the final \0 (also: none)
 *	QQ_ENVELOPE_FORMAT	no leading F, or a tag other than T
 *	QQ_ADDR_TOO_LONG	an address longer than QQ_ADDR_MAX bytes
 *	The first problem met while reading from the start decides, as it
 *	does in qmail-queue.
 */
#ifndef HIQ_ENVELOPE_H
#define HIQ_ENVELOPE_H

#include <stddef.h>

struct envelope {
	const char	*sender;	/* into the data; not terminated */
	size_t		 sender_len;
	size_t		 rcpts;
	size_t		 used;		/* bytes up to the final \0 */
	size_t		 next;		/* first entry not seen whole; 0 */
};

int	envelope_check(const char *, size_t, struct envelope *);
int	envelope_more(const char *, size_t, struct envelope *);
int	envelope_take(const char *, size_t, struct envelope *, const char **);
const char *envelope_rcpt(const struct envelope *, const char *);

#endif /* HIQ_ENVELOPE_H */
