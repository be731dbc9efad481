/*
 * run_envread.c - the envelope, read from fd 1
 *
 * DESCRIPTION
 *	run_envread(r) reads what fd 1 has into r->envbuf (at most
 *	RUN_ENVELOPE_MAX bytes; the rest is drained, not kept).  At its
 *	end it checks the envelope (envelope.c) and, when it is not one,
 *	decides the message with envelope.h's code.
 *
 * ERRORS
 *	A read error ends the envelope as QQ_READ_ERROR, one too large as
 *	QQ_OOM; both are the run's verdict, not a return value.
 */
#include <errno.h>

#include "buf.h"
#include "envelope.h"
#include "io.h"
#include "msg.h"
#include "qq.h"
#include "run.h"
#include "run_int.h"
#include "xalloc.h"

static void	 envelope_ended(struct run *);

/* envread - take what fd 1 has; at its end, check the envelope */
void
run_envread(struct run *r)
{
	char chunk[65536];
	ssize_t n;

	n = io_read(1, chunk, sizeof(chunk));
	if (n == -1) {
		if (errno == EAGAIN)
			return;
		msg_warn_sys("read envelope");
		r->env_eof = 1;
		r->env_code = QQ_READ_ERROR;
	} else if (n == 0) {
		r->env_eof = 1;
		if (r->direct && r->t_in_end < 0)
			r->t_in_end = run_now();	/* caller's last act */
	} else {
		r->last_progress = run_now();
		if (r->env_code == QQ_OK &&
		    buf_append(&r->envbuf, chunk, (size_t)n) == -1)
			r->env_code = QQ_OOM;	/* keep draining */
		return;
	}
	envelope_ended(r);
}

/* envelope_ended - fd 1 ended: check the envelope, or decide why not */
static void
envelope_ended(struct run *r)
{
	if (r->env_code == QQ_OK)
		r->env_code = envelope_check(r->envbuf.data, r->envbuf.len,
		    &r->envelope);
	switch (r->env_code) {
	case QQ_OK:
		if (r->envelope.used < r->envbuf.len)
			msg_warn("%zu bytes after the envelope ignored",
			    r->envbuf.len - r->envelope.used);
		break;
	case QQ_READ_ERROR:
		run_decide(r, OUTCOME_TEMPFAIL, QQ_READ_ERROR,
		    xstrdup(r->envbuf.len == 0 ? "no envelope" :
		    "envelope truncated"));
		break;
	case QQ_OOM:
		run_decide(r, OUTCOME_TEMPFAIL, QQ_OOM,
		    xasprintf("envelope larger than %u bytes",
		    RUN_ENVELOPE_MAX));
		break;
	case QQ_ADDR_TOO_LONG:
		run_decide(r, OUTCOME_RED, QQ_ADDR_TOO_LONG,
		    xstrdup("envelope address too long"));
		break;
	default:
		run_decide(r, OUTCOME_TEMPFAIL, r->env_code,
		    xstrdup("envelope format error"));
		break;
	}
}
