/*
 * envelope.c - check a qmail-queue envelope
 *
 * DESCRIPTION
 *	See envelope.h.  The order of the checks follows qmail-queue.c, so
 *	hi-q answers a broken envelope with the code qmail-queue would have
 *	given (docs/QMAIL-QUEUE.md).
 *
 * ERRORS
 *	See envelope.h.
 */
#include <string.h>

#include "envelope.h"
#include "qq.h"

/*
 * address - one address from pos; set *end past its \0
 *
 *	qmail-queue reads at most QQ_ADDR_MAX + 1 bytes looking for the \0,
 *	so a long address is "too long" even when the data ends inside it.
 */
static int
address(const char *data, size_t len, size_t pos, size_t *end)
{
	const char *nul;
	size_t avail, scan;

	avail = len - pos;
	scan = avail < QQ_ADDR_MAX + 1 ? avail : QQ_ADDR_MAX + 1;
	if ((nul = memchr(data + pos, '\0', scan)) == NULL)
		return scan == QQ_ADDR_MAX + 1 ? QQ_ADDR_TOO_LONG :
		    QQ_READ_ERROR;
	*end = (size_t)(nul - data) + 1;
	return QQ_OK;
}

int
envelope_check(const char *data, size_t len, struct envelope *env)
{
	memset(env, 0, sizeof(*env));
	return envelope_more(data, len, env);
}

/*
 * envelope_more - go on from the first entry env has not seen whole
 *
 *	Each call rereads at most that entry (QQ_ADDR_MAX + 2 bytes) and
 *	what came after it, so an envelope read in pieces costs its length,
 *	not its length times the number of reads.
 */
int
envelope_more(const char *data, size_t len, struct envelope *env)
{
	size_t pos, end;
	int rc;

	if (env->next == 0) {
		if (len == 0)
			return QQ_READ_ERROR;
		if (data[0] != 'F')
			return QQ_ENVELOPE_FORMAT;
		if ((rc = address(data, len, 1, &end)) != QQ_OK)
			return rc;
		env->sender_len = end - 2;
		env->next = end;
	}
	/* The data may have moved since the last call. */
	env->sender = data + 1;
	for (pos = env->next;; pos = end) {
		if (pos >= len)
			return QQ_READ_ERROR;
		if (data[pos] == '\0')
			break;
		if (data[pos] != 'T')
			return QQ_ENVELOPE_FORMAT;
		if ((rc = address(data, len, pos + 1, &end)) != QQ_OK)
			return rc;
		env->rcpts++;
		env->next = end;
	}
	env->used = pos + 1;
	return QQ_OK;
}

_Static_assert(QQ_ADDR_MAX == 1002, "envelope_take() says 1002");

/*
 * envelope_take - a whole envelope, checked, with what is wrong in words
 *
 *	The first problem met from the start decides, as in
 *	envelope_check(); bytes after the final \0 are ignored, as
 *	qmail-queue ignores them.
 */
int
envelope_take(const char *data, size_t len, struct envelope *env,
    const char **why)
{
	int rc;

	*why = NULL;
	switch (rc = envelope_check(data, len, env)) {
	case QQ_OK:
		break;
	case QQ_READ_ERROR:
		*why = len == 0 ? "it is empty" : "it ends before its final NUL";
		break;
	case QQ_ENVELOPE_FORMAT:
		*why = data[0] != 'F' ? "it does not start with F" :
		    "a recipient is not tagged T";
		break;
	case QQ_ADDR_TOO_LONG:
		*why = "an address is longer than 1002 bytes";
		break;
	default:
		*why = "it is not an envelope";
		break;
	}
	return rc;
}

const char *
envelope_rcpt(const struct envelope *env, const char *prev)
{
	const char *p;

	/* Past F<sender>\0, or past prev's NUL: a T, or the final \0. */
	p = prev == NULL ? env->sender + env->sender_len + 1 :
	    prev + strlen(prev) + 1;
	return *p == 'T' ? p + 1 : NULL;
}
