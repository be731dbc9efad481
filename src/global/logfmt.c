/*
 * logfmt.c - the one line per message: its format, written and read
 *
 * DESCRIPTION
 *	See logfmt.h.  The line is built in memory first and written with a
 *	single write(2).
 *
 * ERRORS
 *	See logfmt.h.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "buf.h"
#include "io.h"
#include "logfmt.h"
#include "msg.h"
#include "xalloc.h"

static int to_syslog;

static void	put(struct buf *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));
static void	put_visible(struct buf *, const char *, size_t, const char *);
static void	put_status(struct buf *, const struct stage_report *);

/*
 * logfmt_set_syslog - copy each per-message line to syslog, with facility
 *
 *	The socket opens at the first line (no LOG_NDELAY), after the stages
 *	have started, and glibc opens it close-on-exec.
 */
void
logfmt_set_syslog(int facility)
{
	openlog(msg_prog(), LOG_PID, facility);
	to_syslog = 1;
}

/* put - printf onto the line, whole or not at all; past the limit, cut */
static void
put(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = xvasprintf(fmt, ap);
	va_end(ap);
	if (buf_append(b, s, strlen(s)) == -1)
		b->limit = b->len;	/* cut here: nothing more fits */
	free(s);
}

/*
 * put_visible - bytes a reader could confuse with the text around them
 * as \xHH: controls, non-ASCII, backslash and each byte in also (in the
 * log line, double quotes and, outside quotes, spaces and angle
 * brackets), so that a field never holds the character that ends it
 */
static void
put_visible(struct buf *b, const char *s, size_t n, const char *also)
{
	if (buf_append_visible(b, s, n, also) == -1)
		b->limit = b->len;
}

static void
put_status(struct buf *b, const struct stage_report *s)
{
	switch (s->status) {
	case STATUS_RUNNING:
		put(b, "running");
		break;
	case STATUS_EXITED:
		put(b, "exit%d", s->value);
		break;
	case STATUS_SIGNALED:
		put(b, "signal%d", s->value);
		break;
	case STATUS_SKIPPED:
		put(b, "skipped");
		break;
	case STATUS_NOEXEC:
		put(b, "noexec");
		break;
	case STATUS_TIMEOUT:
		put(b, "timeout");
		break;
	case STATUS_ABORTED:
		put(b, "aborted");
		break;
	}
}

char *
logfmt_format(const struct report *r)
{
	const struct stage_report *s;
	struct buf b;
	size_t i;
	char nul = '\0';

	buf_init(&b, LOGFMT_LINE_MAX);
	put(&b, "%s: verdict=%s code=%d", msg_prog(),
	    outcome_name(r->verdict), r->code);
	if (r->have_envelope) {
		put(&b, " from=<");
		put_visible(&b, r->sender, r->sender_len, "\" <>");
		put(&b, ">");
	} else
		put(&b, " from=-");
	if (!r->direct)
		put(&b, " rcpts=%zu bytes=%llu out=%llu time=%.3f", r->rcpts,
		    r->bytes_in, r->bytes_out, r->seconds);
	else	/* qmail-queue read fd 0 itself */
		put(&b, " rcpts=%zu bytes=- out=- time=%.3f", r->rcpts,
		    r->seconds);
	for (i = 0; i < r->nstages; i++) {
		s = &r->stages[i];
		put(&b, " stage=%s:", s->name);
		put_status(&b, s);
		put(&b, ":%s:%.3f", outcome_name(s->outcome), s->seconds);
		if (s->have_score)
			put(&b, ":score=%.1f/%.1f", s->score, s->required);
	}
	if (r->reason != NULL) {
		put(&b, " reason=\"");
		put_visible(&b, r->reason, strlen(r->reason), "\"");
		put(&b, "\"");
	}
	put(&b, "\n");
	if (buf_append(&b, &nul, 1) == -1)	/* over the limit: cut */
		b.data[b.len - 1] = '\0';
	return b.data;
}

void
logfmt_write(const struct report *r)
{
	char *line;
	size_t n, skip;

	line = logfmt_format(r);
	n = strlen(line);
	(void)io_write_all(2, line, n);
	/* syslog adds the name and pid itself; it never fails the message. */
	skip = strlen(msg_prog()) + 2;
	if (to_syslog && n > skip)
		syslog(LOG_INFO, "%.*s", (int)(n - skip - 1), line + skip);
	free(line);
}
