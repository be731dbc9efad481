/*
 * zone.c - green, yellow or red from a SpamAssassin-style score header
 *
 * DESCRIPTION
 *	See zone.h.  SpamAssassin removes any X-Spam-Status a message arrives
 *	with and writes its own (measured with spamd 4.0.1), so a message
 *	that leaves spamc holds exactly one; two mean something else wrote
 *	one, and hi-q will not guess which to trust.  A message spamc passes
 *	on unscanned (over its -s limit, or with spamd down and -x off)
 *	keeps the one its sender wrote: that is why a field that was already
 *	in the stage's input, byte for byte, does not count.
 *
 * ERRORS
 *	See zone.h.  Out of memory: die(QQ_OOM).
 */
#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "number.h"
#include "xalloc.h"
#include "zone.h"

/* Far below the 0.1 steps SpamAssassin prints, far above rounding error. */
#define ZONE_SUM_SLACK	1e-9

struct zone_seen;

static size_t	block_end(const char *, size_t, size_t);
static int	number_after(const char *, size_t, const char *, double *);
static int	next_field(const char *, size_t, size_t *, const char *,
		    struct buf *);
static double	red_line(const struct zone_conf *, double);
static int	value_cmp(const void *, const void *);
static void	seen_build(struct zone_seen *, const struct zone_tap *,
		    const char *);
static int	seen_has(const struct zone_seen *, const struct buf *);
static void	seen_free(struct zone_seen *);
static int	find_header(const struct zone_tap *, const char *, char **,
		    int *);

void
zone_tap_init(struct zone_tap *t, const struct zone_conf *zc)
{
	memset(t, 0, sizeof(*t));
	t->conf = zc;
	buf_init(&t->head, ZONE_HEAD_MAX);
}

void
zone_tap_free(struct zone_tap *t)
{
	buf_free(&t->head);
}

/*
 * block_end - length of the header block in p[0..n), or 0 if it has not
 * ended yet: it ends before the first empty line (LF or CRLF).
 */
static size_t
block_end(const char *p, size_t n, size_t from)
{
	size_t i;

	/* Back up so a "\n\n" split across two reads is still found. */
	i = from > 2 ? from - 2 : 0;
	for (; i < n; i++) {
		if (p[i] != '\n')
			continue;
		if (i + 1 < n && p[i + 1] == '\n')
			return i + 1;
		if (i + 2 < n && p[i + 1] == '\r' && p[i + 2] == '\n')
			return i + 1;
	}
	return 0;
}

void
zone_tap_feed(struct zone_tap *t, const char *p, size_t n)
{
	size_t before, room, end;

	if (t->done || t->overflow || n == 0)
		return;
	before = t->head.len;
	room = t->head.limit - t->head.len;
	if (buf_append(&t->head, p, n < room ? n : room) == -1)
		die_oom();
	/* An empty header block; its CR and LF may come in two reads. */
	if (before < 2 && (t->head.data[0] == '\n' || (t->head.len > 1 &&
	    t->head.data[0] == '\r' && t->head.data[1] == '\n'))) {
		t->head.len = 0;
		t->done = 1;
		return;
	}
	if ((end = block_end(t->head.data, t->head.len, before)) > 0) {
		t->head.len = end;
		t->done = 1;
	} else if (n >= room)
		t->overflow = 1;
}

/* zone_tap_set_input - the tap of the stage's input, or NULL */
void
zone_tap_set_input(struct zone_tap *t, const struct zone_tap *in)
{
	t->input = in;
}

/* zone_tap_take - a pump's tap: feed, and say whether to go on */
int
zone_tap_take(void *arg, const char *p, size_t n)
{
	struct zone_tap *t = arg;

	zone_tap_feed(t, p, n);
	return !zone_tap_settled(t);
}

/* zone_tap_settled - the header block ended, or not within the limit */
int
zone_tap_settled(const struct zone_tap *t)
{
	return t->done || t->overflow;
}

int
zone_tap_score(const struct zone_tap *t, double *score, double *required)
{
	if (!t->have_score)
		return 0;
	*score = t->score;
	*required = t->required;
	return 1;
}

/*
 * number_after - the number after "key=" in s[0..n), as SpamAssassin
 *	writes it ("score=5.5", "required=5.0", "score=-0.3")
 *
 *	The value runs to the next white space or the end; all of it must
 *	be a plain decimal (number.h), so "1e308", "0x10", "12,5" and
 *	"9.0abc" are no score at all rather than a small one.
 */
static int
number_after(const char *s, size_t n, const char *key, double *out)
{
	size_t klen = strlen(key), i, j;

	for (i = 0; i + klen < n; i++) {
		if ((i > 0 && !isspace((unsigned char)s[i - 1]) &&
		    s[i - 1] != ',') || strncasecmp(s + i, key, klen) != 0)
			continue;
		i += klen;
		for (j = i; j < n && !isspace((unsigned char)s[j]); j++)
			continue;
		return number_parse(s + i, j - i, out);
	}
	return -1;
}

int
zone_parse_status(const char *value, size_t n, double *score,
    double *required)
{
	if (number_after(value, n, "score=", score) == -1 ||
	    number_after(value, n, "required=", required) == -1)
		return -1;
	return 0;
}

/*
 * next_field - the next field called name in p[*at..n): its unfolded
 * value in v (emptied first), and *at past it; 0 when there is none
 */
static int
next_field(const char *p, size_t n, size_t *at, const char *name,
    struct buf *v)
{
	size_t nlen = strlen(name), i = *at, eol, vstart;

	while (i < n) {
		for (eol = i; eol < n && p[eol] != '\n'; eol++)
			continue;
		if (eol - i > nlen && p[i + nlen] == ':' &&
		    strncasecmp(p + i, name, nlen) == 0) {
			v->len = 0;
			vstart = i + nlen + 1;
			(void)buf_append(v, p + vstart, eol - vstart);
			/* Continuation lines start with white space. */
			while (eol + 1 < n && (p[eol + 1] == ' ' ||
			    p[eol + 1] == '\t')) {
				i = eol + 1;
				for (eol = i; eol < n && p[eol] != '\n'; eol++)
					continue;
				(void)buf_append(v, " ", 1);
				(void)buf_append(v, p + i, eol - i);
			}
			*at = eol + 1;
			return 1;
		}
		i = eol + 1;
	}
	*at = n;
	return 0;
}

/*
 * The input's values of the header, for the pass-through rule.  Each
 * unfolded value is copied once into text, and vals, sorted by length and
 * then by bytes, points into it; an output field is then one binary
 * search.  A sort, not a hash table: its worst case is n log n whatever
 * values a sender chooses, with no secret key to keep.
 */
struct zone_value {
	size_t		 off;		/* into text, while it grows */
	const char	*p;		/* into text, once it is whole */
	size_t		 len;
};

struct zone_seen {
	struct buf		 text;
	struct zone_value	*vals;
	size_t			 n;
};

/*
 * value_cmp - qsort(3) and bsearch(3) order: shorter first, then by bytes
 */
static int
value_cmp(const void *a, const void *b)
{
	const struct zone_value *x = a, *y = b;

	if (x->len != y->len)
		return x->len < y->len ? -1 : 1;
	return x->len == 0 ? 0 : memcmp(x->p, y->p, x->len);
}

/*
 * seen_build - the values of every field called name in the input's
 * header block, as it stands: one pass over it, then one sort
 */
static void
seen_build(struct zone_seen *s, const struct zone_tap *in, const char *name)
{
	struct buf w;
	size_t at = 0, cap = 0, i;

	memset(s, 0, sizeof(*s));
	/*
	 * Unfolding never makes a value longer than its lines, so the values
	 * together fit the block's limit and the append below cannot fail.
	 */
	buf_init(&s->text, ZONE_HEAD_MAX + 1);
	if (in == NULL)
		return;
	buf_init(&w, ZONE_HEAD_MAX + 1);
	while (next_field(in->head.data, in->head.len, &at, name, &w)) {
		if (s->n == cap) {
			cap = cap ? cap * 2 : 16;
			s->vals = xreallocarray(s->vals, cap,
			    sizeof(*s->vals));
		}
		s->vals[s->n].off = s->text.len;
		s->vals[s->n].len = w.len;
		if (buf_append(&s->text, w.data, w.len) == -1)
			die_oom();
		s->n++;
	}
	buf_free(&w);
	/* Empty values leave text unallocated; they are compared by length. */
	for (i = 0; i < s->n; i++)
		s->vals[i].p = s->vals[i].len > 0 ?
		    s->text.data + s->vals[i].off : NULL;
	if (s->n > 1)
		qsort(s->vals, s->n, sizeof(*s->vals), value_cmp);
}

/* seen_has - is v among the values s holds? */
static int
seen_has(const struct zone_seen *s, const struct buf *v)
{
	struct zone_value key;

	if (s->n == 0)
		return 0;
	key.off = 0;
	key.p = v->data;
	key.len = v->len;
	return bsearch(&key, s->vals, s->n, sizeof(*s->vals),
	    value_cmp) != NULL;
}

static void
seen_free(struct zone_seen *s)
{
	buf_free(&s->text);
	free(s->vals);
	s->vals = NULL;
	s->n = 0;
}

/*
 * find_header - the unfolded value of the one field called name that
 * the stage added: one in its output that was not in its input
 *
 *	Returns the number of such fields, and in *passed that of those
 *	passed through from the input; *value (malloc'd) is set when there is
 *	exactly one.
 */
static int
find_header(const struct zone_tap *t, const char *name, char **value,
    int *passed)
{
	struct zone_seen seen;
	struct buf v, first;
	size_t at = 0;
	int count = 0;
	char nul = '\0';

	*value = NULL;
	*passed = 0;
	buf_init(&v, ZONE_HEAD_MAX + 1);
	buf_init(&first, ZONE_HEAD_MAX + 1);
	seen_build(&seen, t->input, name);
	while (next_field(t->head.data, t->head.len, &at, name, &v)) {
		if (seen_has(&seen, &v)) {
			(*passed)++;
			continue;
		}
		if (count++ == 0)
			(void)buf_append(&first, v.data, v.len);
	}
	seen_free(&seen);
	buf_free(&v);
	if (count == 1) {
		(void)buf_append(&first, &nul, 1);
		*value = first.data;
	} else
		buf_free(&first);
	return count;
}

/*
 * red_line - where red starts for a required score: red_at, or required +
 * margin less a slack, since that is a sum of two decimals and may land
 * just above the score SpamAssassin printed for it (3.1 + 0.2 > 3.3)
 */
static double
red_line(const struct zone_conf *zc, double required)
{
	return zc->absolute ? zc->red_at :
	    required + zc->margin - ZONE_SUM_SLACK;
}

/*
 * zone_red_from - the red line in the tenths of the log: the lowest score
 * of one decimal that zone_judge() makes red (never -0.0)
 */
double
zone_red_from(const struct zone_conf *zc, double required)
{
	return ceil(red_line(zc, required) * 10) / 10 + 0.0;
}

enum outcome
zone_judge(struct zone_tap *t, char **why)
{
	const struct zone_conf *zc = t->conf;
	char *value;
	int count, passed;
	double red;

	*why = NULL;
	if (t->overflow || (!t->done && t->head.len == 0)) {
		*why = xasprintf("no message header block in the output");
		return OUTCOME_TEMPFAIL;
	}
	count = find_header(t, zc->header, &value, &passed);
	if (count == 0 && passed > 0) {
		*why = xasprintf("no %s header of its own, only its input's",
		    zc->header);
		return zc->missing;
	}
	if (count == 0) {
		*why = xasprintf("no %s header", zc->header);
		return zc->missing;
	}
	if (count > 1) {
		*why = xasprintf("%d %s headers", count, zc->header);
		return OUTCOME_TEMPFAIL;
	}
	if (zone_parse_status(value, strlen(value), &t->score,
	    &t->required) == -1) {
		free(value);
		*why = xasprintf("no plain decimal score= and required= in %s",
		    zc->header);
		return OUTCOME_TEMPFAIL;
	}
	free(value);
	t->have_score = 1;
	red = red_line(zc, t->required);
	if (t->score >= red)
		return OUTCOME_RED;
	if (t->score >= t->required)
		return OUTCOME_YELLOW;
	return OUTCOME_GREEN;
}
