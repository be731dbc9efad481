/*
 * logfmt.c - the one line per message: its format, written and read
 *
 * DESCRIPTION
 *	See logfmt.h.  The line is built in memory first and written with a
 *	single write(2).  Its keys and its status words are each in one
 *	table below, which the writer and the readers (logfmt_field(),
 *	logfmt_status_parse()) share.
 *
 * ERRORS
 *	See logfmt.h.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "buf.h"
#include "io.h"
#include "logfmt.h"
#include "msg.h"
#include "number.h"

#define K(f)	(keys[f].word)
#define P(p)	(parts[p].word)
#define WORD(w)	w, sizeof(w) - 1

/* The keys, in the order of enum logfmt_field, with their lengths. */
static const struct {
	const char	*word;
	size_t		 len;
} keys[LOGFMT_OTHER] = {
	{ WORD("verdict=") }, { WORD("code=") }, { WORD("from=") },
	{ WORD("rcpts=") }, { WORD("bytes=") }, { WORD("out=") },
	{ WORD("time=") }, { WORD("qp=") }, { WORD("qq=") },
	{ WORD("stage=") }, { WORD("reason=") }
};

/* The parts of a stage's field, in the order of enum logfmt_part. */
static const struct {
	const char	*word;
	size_t		 len;
} parts[LOGFMT_PART_OTHER] = {
	{ WORD("score=") }, { WORD("red=") }
};

/* The status words of hi-q(8); max > 0: a number up to max follows. */
static const struct {
	enum stage_status	 status;
	const char		*word;
	size_t			 len;
	unsigned		 max;
} statuses[] = {
	{ STATUS_RUNNING, WORD("running"), 0 },
	{ STATUS_EXITED, WORD("exit"), 255 },
	{ STATUS_SIGNALED, WORD("signal"), 127 },
	{ STATUS_SKIPPED, WORD("skipped"), 0 },
	{ STATUS_NOEXEC, WORD("noexec"), 0 },
	{ STATUS_TIMEOUT, WORD("timeout"), 0 },
	{ STATUS_ABORTED, WORD("aborted"), 0 },
	{ STATUS_UNREACHED, WORD("unreached"), 0 },
	{ STATUS_ACCEPT, WORD("accept"), 0 },
	{ STATUS_REJECT, WORD("reject"), 0 },
	{ STATUS_TEMPFAIL, WORD("tempfail"), 0 },
	{ STATUS_DISCARD, WORD("discard"), 0 },
	{ STATUS_QUARANTINE, WORD("quarantine"), 0 },
	{ STATUS_FAILURE, WORD("failure"), 0 },
};
#define NSTATUSES	(sizeof(statuses) / sizeof(statuses[0]))
_Static_assert(NSTATUSES == STATUS_COUNT, "a word for every status");

static int to_syslog;

static void	put(struct buf *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));
static void	put_visible(struct buf *, const char *, size_t, const char *);
static int	key_is(const char *, const char *, size_t);
static int	word_is(const char *, const char *, size_t);

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

	va_start(ap, fmt);
	if (buf_vprintf(b, fmt, ap) == -1)
		b->limit = b->len;	/* cut here: nothing more fits */
	va_end(ap);
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

/*
 * logfmt_format - "hi-q: verdict=V code=C from=<S> rcpts=N bytes=N out=N
 * time=T qp=PID[ qq=PID][ stage=NAME:STATUS:OUTCOME:SECONDS[:score=S/R
 * :red=L]]...[ reason="R"]"
 *
 *	A pid of 0 is not written: qq= is there only when qmail-queue was
 *	started.
 */
char *
logfmt_format(const struct report *r)
{
	const struct stage_report *s;
	struct buf b;
	char status[LOGFMT_STATUS_MAX], nul = '\0';
	size_t i;

	buf_init(&b, LOGFMT_LINE_MAX);
	put(&b, "%s: %s%s %s%d", msg_prog(), K(LOGFMT_VERDICT),
	    outcome_name(r->verdict), K(LOGFMT_CODE), r->code);
	if (r->have_envelope) {
		put(&b, " %s<", K(LOGFMT_FROM));
		put_visible(&b, r->sender, r->sender_len, "\" <>");
		put(&b, ">");
	} else
		put(&b, " %s-", K(LOGFMT_FROM));
	if (!r->direct)
		put(&b, " %s%zu %s%llu %s%llu %s%.3f", K(LOGFMT_RCPTS),
		    r->rcpts, K(LOGFMT_BYTES), r->bytes_in, K(LOGFMT_OUT),
		    r->bytes_out, K(LOGFMT_TIME), r->seconds);
	else	/* qmail-queue read fd 0 itself */
		put(&b, " %s%zu %s- %s- %s%.3f", K(LOGFMT_RCPTS), r->rcpts,
		    K(LOGFMT_BYTES), K(LOGFMT_OUT), K(LOGFMT_TIME),
		    r->seconds);
	if (r->qp > 0)
		put(&b, " %s%ld", K(LOGFMT_QP), (long)r->qp);
	if (r->qq > 0)
		put(&b, " %s%ld", K(LOGFMT_QQ), (long)r->qq);
	for (i = 0; i < r->nstages; i++) {
		s = &r->stages[i];
		put(&b, " %s%s:", K(LOGFMT_STAGE), s->name);
		put(&b, "%s", logfmt_status(status, s->status, s->value));
		put(&b, ":%s:%.3f", outcome_name(s->outcome), s->seconds);
		if (s->have_score)
			put(&b, ":%s%.1f/%.1f:%s%.1f", P(LOGFMT_SCORE),
			    s->score, s->required, P(LOGFMT_RED), s->red);
	}
	if (r->reason != NULL) {
		put(&b, " %s\"", K(LOGFMT_REASON));
		put_visible(&b, r->reason, strlen(r->reason), "\"");
		put(&b, "\"");
	}
	put(&b, "\n");
	if (buf_append(&b, &nul, 1) == -1)	/* over the limit: cut */
		b.data[b.len - 1] = '\0';
	return b.data;
}

const char *
logfmt_key(enum logfmt_field f)
{
	return (size_t)f < LOGFMT_OTHER ? keys[f].word : "";
}

/*
 * logfmt_field - which field the word tok[0..len) is; *at is where its
 * value starts
 *
 *	This runs for every word of every line hi-q-report reads, so the
 *	keys are found by their first letter (first[], built from keys[] at
 *	the first call: a key's index + 1, and in also[] the next key with
 *	the same letter), and compared four bytes at a time (key_is()).
 *	qp= and qq= are the keys shorter than that.
 */
enum logfmt_field
logfmt_field(const char *tok, size_t len, size_t *at)
{
	static unsigned char first[256], also[LOGFMT_OTHER];
	static int ready;
	const char *eq;
	size_t i;

	if (!ready) {
		for (i = LOGFMT_OTHER; i > 0; i--) {
			also[i - 1] = first[(unsigned char)keys[i - 1].word[0]];
			first[(unsigned char)keys[i - 1].word[0]] =
			    (unsigned char)i;
		}
		ready = 1;
	}
	for (i = len > 0 ? first[(unsigned char)tok[0]] : 0; i != 0;
	    i = also[i - 1])
		if (len >= keys[i - 1].len &&
		    key_is(tok, keys[i - 1].word, keys[i - 1].len)) {
			*at = keys[i - 1].len;
			return (enum logfmt_field)(i - 1);
		}
	if ((eq = memchr(tok, '=', len)) == NULL)
		return LOGFMT_NONE;
	*at = (size_t)(eq - tok) + 1;
	return LOGFMT_OTHER;
}

const char *
logfmt_part_key(enum logfmt_part p)
{
	return (size_t)p < LOGFMT_PART_OTHER ? parts[p].word : "";
}

/* logfmt_part - which part the word s is; *at is where its value starts */
enum logfmt_part
logfmt_part(const char *s, size_t *at)
{
	size_t i;

	for (i = 0; i < LOGFMT_PART_OTHER; i++)
		if (word_is(s, parts[i].word, parts[i].len)) {
			*at = parts[i].len;
			return (enum logfmt_part)i;
		}
	return LOGFMT_PART_OTHER;
}

/*
 * key_is - tok, of n bytes at least, starts with the n bytes of key: the
 * first four at once when there are four
 */
static int
key_is(const char *tok, const char *key, size_t n)
{
	uint32_t a, b;
	size_t j = 0;

	if (n >= sizeof(a)) {
		memcpy(&a, tok, sizeof(a));
		memcpy(&b, key, sizeof(b));
		if (a != b)
			return 0;
		j = sizeof(a);
	}
	for (; j < n; j++)
		if (tok[j] != key[j])
			return 0;
	return 1;
}

/* word_is - the NUL-terminated s starts with the n bytes of word */
static int
word_is(const char *s, const char *word, size_t n)
{
	size_t j;

	for (j = 0; j < n; j++)
		if (s[j] != word[j])
			return 0;
	return 1;
}

/* logfmt_status - a status's word, with its number, into buf */
const char *
logfmt_status(char buf[LOGFMT_STATUS_MAX], enum stage_status st, int value)
{
	size_t i;

	for (i = 0; i < NSTATUSES; i++)
		if (statuses[i].status == st)
			break;
	if (i == NSTATUSES)
		(void)snprintf(buf, LOGFMT_STATUS_MAX, "?");
	else if (statuses[i].max > 0)
		(void)snprintf(buf, LOGFMT_STATUS_MAX, "%s%d",
		    statuses[i].word, value);
	else
		(void)snprintf(buf, LOGFMT_STATUS_MAX, "%s",
		    statuses[i].word);
	return buf;
}

/* logfmt_status_parse - exitN, signalN, skipped, ...; *value the N or 0 */
int
logfmt_status_parse(const char *s, enum stage_status *st, int *value)
{
	unsigned long long v;
	size_t i, n;

	*value = 0;
	for (i = 0; i < NSTATUSES; i++) {
		n = statuses[i].len;
		if (!word_is(s, statuses[i].word, n))
			continue;
		if (statuses[i].max == 0 && s[n] == '\0') {
			*st = statuses[i].status;
			return 0;
		}
		if (statuses[i].max > 0 && number_uint(s + n, strlen(s + n),
		    statuses[i].max, &v) == 0) {
			*st = statuses[i].status;
			*value = (int)v;
			return 0;
		}
	}
	return -1;
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
