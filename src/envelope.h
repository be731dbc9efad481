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
};

int	envelope_check(const char *, size_t, struct envelope *);

#endif /* HIQ_ENVELOPE_H */
