/*
 * qq.h - the qmail-queue exit codes hi-q speaks
 *
 * DESCRIPTION
 *	hi-q stands where qmail-queue stands, so its exit code is read by
 *	qmail-smtpd, qmail-inject and every other caller exactly as they read
 *	qmail-queue's.  These are the only exit codes hi-q uses; no other file
 *	writes a bare number for one.  The replies in the comments are what
 *	notqmail's qmail-smtpd sends for each (docs/QMAIL-QUEUE.md).
 *
 *	docs/hi-q.8 (EXIT STATUS) lists the same table; keep them in step.
 */
#ifndef HIQ_QQ_H
#define HIQ_QQ_H

enum {
	QQ_OK = 0,		/* 250 ok: the message is queued */
	QQ_ADDR_TOO_LONG = 11,	/* 554 envelope address too long for qq */
	QQ_PERM_REJECT = 31,	/* 554 mail server permanently rejected */
	QQ_OOM = 51,		/* 451 qq out of memory */
	QQ_TIMEOUT = 52,	/* 451 qq timeout */
	QQ_WRITE_ERROR = 53,	/* 451 qq write error or disk full */
	QQ_READ_ERROR = 54,	/* 451 qq read error */
	QQ_BAD_CONFIG = 55,	/* 451 qq unable to read configuration */
	QQ_TEMP_REJECT = 71,	/* 451 mail server temporarily rejected */
	QQ_INTERNAL = 81,	/* 451 qq internal bug */
	QQ_CUSTOM = 82,		/* the text written on the reply channel */
	QQ_CUSTOM_STDERR = 88,	/* indimail, sagredo: the text on stderr */
	QQ_ENVELOPE_FORMAT = 91	/* 451 qq internal bug (envelope format) */
};

/* The longest address qmail-queue takes (its ADDR, less the NUL). */
#define QQ_ADDR_MAX 1002

/*
 * qq_is_temporary - does the caller answer this code with 4xx?
 *
 *	qmail-smtpd answers 11 to 40 with 554 and every other non-zero code
 *	with 451; 0 is not a failure at all.
 */
static inline int
qq_is_temporary(int code)
{
	return code != QQ_OK && (code < 11 || code > 40);
}

#endif /* HIQ_QQ_H */
