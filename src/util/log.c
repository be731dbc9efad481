/*
 * log.c - diagnostics, die(), and the one line per message
 *
 * DESCRIPTION
 *	See log.h.  Every message is formatted in memory first and written
 *	with a single write(2), so a line is never split by another writer.
 *
 * ERRORS
 *	Logging never fails the message: a write error on stderr is ignored
 *	(there is nowhere left to report it).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "buf.h"
#include "io.h"
#include "log.h"
#include "xalloc.h"

#define LOG_LINE_MAX	(1U << 20)

static const char *prog = "hi-q";
static void (*cleanup)(void);
static int to_syslog;

static void	vmsg(const char *, int, const char *, va_list)
		    __attribute__((format(printf, 3, 0)));
static void	vdie(int, int, const char *, va_list)
		    __attribute__((format(printf, 3, 0), noreturn));
static void	put(struct buf *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));

void
log_set_prog(const char *name)
{
	prog = name;
}

/*
 * log_set_syslog - copy each per-message line to syslog, with facility
 *
 *	The socket opens at the first line (no LOG_NDELAY), after the stages
 *	have started, and glibc opens it close-on-exec.
 */
void
log_set_syslog(int facility)
{
	openlog(prog, LOG_PID, facility);
	to_syslog = 1;
}

void
die_set_cleanup(void (*fn)(void))
{
	cleanup = fn;
}

/* vmsg - "prog: level: text[: strerror]\n" in one write */
static void
vmsg(const char *level, int err, const char *fmt, va_list ap)
{
	char *text, *line;

	if (vasprintf(&text, fmt, ap) < 0)
		text = NULL;
	if (text == NULL)
		line = NULL;
	else if (err != 0) {
		if (asprintf(&line, "%s: %s: %s: %s\n", prog, level, text,
		    strerror(err)) < 0)
			line = NULL;
	} else if (asprintf(&line, "%s: %s: %s\n", prog, level, text) < 0)
		line = NULL;
	if (line != NULL)
		(void)io_write_all(2, line, strlen(line));
	else
		(void)io_write_all(2, "hi-q: out of memory\n", 20);
	free(text);
	free(line);
}

void
log_warn(const char *fmt, ...)
{
	va_list ap;
	int saved = errno;

	va_start(ap, fmt);
	vmsg("warning", 0, fmt, ap);
	va_end(ap);
	errno = saved;
}

void
log_warn_sys(const char *fmt, ...)
{
	va_list ap;
	int saved = errno;

	va_start(ap, fmt);
	vmsg("warning", saved, fmt, ap);
	va_end(ap);
	errno = saved;
}

/*
 * vdie - say why, run the cleanup once, and exit with a qmail-queue code
 *
 *	err is the errno to append, or 0.
 */
static void
vdie(int code, int err, const char *fmt, va_list ap)
{
	void (*fn)(void) = cleanup;

	vmsg("fatal", err, fmt, ap);
	cleanup = NULL;		/* a cleanup that dies must not loop */
	if (fn != NULL)
		fn();
	_exit(code);
}

void
die(int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vdie(code, 0, fmt, ap);
	/* NOTREACHED */
}

void
die_sys(int code, const char *fmt, ...)
{
	va_list ap;
	int saved = errno;

	va_start(ap, fmt);
	vdie(code, saved, fmt, ap);
	/* NOTREACHED */
}

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
 * put_escaped - bytes a reader could confuse with the text around them
 *
 *	Controls, non-ASCII and backslash become \xHH, and so does each byte
 *	in also: in the log line, double quotes and, outside quotes, spaces
 *	and angle brackets, so that a field never holds the character that
 *	ends it.
 */
static void
put_escaped(struct buf *b, const char *s, size_t n, const char *also)
{
	unsigned char c;
	size_t i;

	for (i = 0; i < n; i++) {
		c = (unsigned char)s[i];
		if (c < 0x20 || c >= 0x7f || c == '\\' ||
		    strchr(also, c) != NULL)
			put(b, "\\x%02x", c);
		else if (buf_append(b, &s[i], 1) == -1)
			b->limit = b->len;
	}
}

/*
 * log_visible - s as a diagnostic may print it, malloc'd
 *
 *	Words from a file or a command line can hold bytes that a terminal
 *	hides or acts on (a byte order mark, an escape sequence): each of
 *	them shows as \xHH instead, and so does a backslash, so that \xHH
 *	always means a byte.
 */
char *
log_visible(const char *s)
{
	struct buf b;
	size_t n = strlen(s);
	char nul = '\0';

	buf_init(&b, 4 * n + 1);	/* room for the worst: all \xHH */
	put_escaped(&b, s, n, "");
	(void)buf_append(&b, &nul, 1);
	return b.data;
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
log_format_report(const struct report *r)
{
	const struct stage_report *s;
	struct buf b;
	size_t i;
	char nul = '\0';

	buf_init(&b, LOG_LINE_MAX);
	put(&b, "%s: verdict=%s code=%d", prog, outcome_name(r->verdict),
	    r->code);
	if (r->have_envelope) {
		put(&b, " from=<");
		put_escaped(&b, r->sender, r->sender_len, "\" <>");
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
		put_escaped(&b, r->reason, strlen(r->reason), "\"");
		put(&b, "\"");
	}
	put(&b, "\n");
	if (buf_append(&b, &nul, 1) == -1)	/* over the limit: cut */
		b.data[b.len - 1] = '\0';
	return b.data;
}

void
log_report(const struct report *r)
{
	char *line;
	size_t n, skip;

	line = log_format_report(r);
	n = strlen(line);
	(void)io_write_all(2, line, n);
	/* syslog adds the name and pid itself; it never fails the message. */
	skip = strlen(prog) + 2;
	if (to_syslog && n > skip)
		syslog(LOG_INFO, "%.*s", (int)(n - skip - 1), line + skip);
	free(line);
}
