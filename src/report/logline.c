/*
 * logline.c - one line of a log to one hi-q message record
 *
 * DESCRIPTION
 *	See logline.h.  The line is read left to right once: the logger's
 *	prefix (which gives the day), the "hi-q: " or "hi-q[PID]: " tag,
 *	then the fields of hi-q(8) LOG FORMAT in their order.  Fields this
 *	parser does not know are skipped, as the man page asks.  The
 *	common numbers ("0.045", "6.9") are read digit by digit; the odd
 *	ones go through number_parse(), the one grammar of number.h, so
 *	"0x10", "1e3" or "+5" is no number here either.  Only the words
 *	printf(3) writes for a score that is not a finite number ("nan",
 *	"-nan", "inf", "-inf") are read besides.
 *
 * ERRORS
 *	See logline.h.
 */
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "logfmt.h"
#include "logline.h"
#include "number.h"
#include "xalloc.h"

/* TAI64 label of 1970-01-01 00:00:00 UTC, with the 10 s TAI-UTC offset. */
#define TAI64_UNIX	4611686018427387914ULL
#define MAX_MS		1000000000000000LL	/* 31 700 years */
#define DIGIT(c)	((c) >= '0' && (c) <= '9')	/* no locale lookup */

#define SEEN_CODE	1
#define SEEN_TIME	2

static const char *const form_names[LOGLINE_NFORMS] = {
	"bare", "multilog", "syslog", "iso", "other"
};

static char	*find_tag(char *, char *, char **);
static void	 read_prefix(struct logline_parser *, char *, char *,
		    struct logline_rec *);
static int	 read_ms(const char *, long long *);
static int	 read_tenths(const char *, long long *, enum logline_score *,
		    int *);
static const char *read_stage(char *, struct logline_stage *, int);
static struct logline_stage *new_stage(struct logline_parser *,
		    struct logline_rec *);
static const char *next_word(char *, char *, const char *, char **,
		    enum logline_kind *);
static const char *read_field(struct logline_parser *, struct logline_rec *,
		    enum logfmt_field, char *, int, enum logline_kind *,
		    unsigned *);

void
logline_init(struct logline_parser *p)
{
	memset(p, 0, sizeof(*p));
	p->hour_lo = p->hour_hi = 0;
}

void
logline_free(struct logline_parser *p)
{
	free(p->stages);
	p->stages = NULL;
	p->cap = 0;
}

const char *
logline_form_name(enum logline_form f)
{
	return form_names[f];
}

/*
 * find_tag - the text after "hi-q: " or "hi-q[PID]: " that starts a word
 *
 *	Sets *at to the "h".  NULL when there is none.
 */
static char *
find_tag(char *s, char *end, char **at)
{
	char *p = s, *q;

	/* The common forms first: bare, and after a multilog label. */
	if (end - s >= 6 && memcmp(s, "hi-q: ", 6) == 0) {
		*at = s;
		return s + 6;
	}
	if (end - s >= 32 && s[0] == '@' && memcmp(s + 25, " hi-q: ", 7) == 0) {
		*at = s + 26;
		return s + 32;
	}
	while ((p = memmem(p, (size_t)(end - p), "hi-q", 4)) != NULL) {
		q = p + 4;
		if (p == s || p[-1] == ' ') {
			if (q < end && *q == '[') {
				for (q++; q < end && DIGIT(*q);
				    q++)
					continue;
				if (q < end && *q == ']')
					q++;
				else
					q = p + 4 + 1;	/* not a pid */
			}
			if (end - q >= 1 && *q == ':' &&
			    (q + 1 == end || q[1] == ' ')) {
				*at = p;
				return q + 1 < end ? q + 2 : q + 1;
			}
		}
		p += 4;
	}
	return NULL;
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * read_prefix - the form of the logger's prefix before the tag, and the
 * day it gives
 *
 *	multilog's @tai64n label is turned into the local date, as
 *	tai64nlocal(8) would; localtime_r() runs once per clock hour of
 *	the log (time zone and daylight saving changes fall on hours).
 */
static void
read_prefix(struct logline_parser *p, char *s, char *at,
    struct logline_rec *rec)
{
	static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	unsigned long long tai = 0;
	struct tm tm;
	time_t t;
	int i, h;

	rec->day[0] = '\0';
	if (at == s) {
		rec->form = LOGLINE_BARE;
		return;
	}
	if (at - s >= 26 && s[0] == '@' && s[25] == ' ') {
		for (i = 1; i <= 16 && (h = hexval(s[i])) >= 0; i++)
			tai = tai << 4 | (unsigned)h;
		for (h = 0; i <= 24 && (h = hexval(s[i])) >= 0; i++)
			continue;
		if (i == 25 && h >= 0 && tai >= TAI64_UNIX &&
		    tai - TAI64_UNIX < (1ULL << 40)) {
			rec->form = LOGLINE_MULTILOG;
			t = (time_t)(tai - TAI64_UNIX);
			if (t < p->hour_lo || t >= p->hour_hi) {
				if (localtime_r(&t, &tm) == NULL)
					return;
				strftime(p->hour_day, sizeof(p->hour_day),
				    "%Y-%m-%d", &tm);
				p->hour_lo = t - tm.tm_min * 60 - tm.tm_sec;
				p->hour_hi = p->hour_lo + 3600;
			}
			memcpy(rec->day, p->hour_day, sizeof(rec->day));
			return;
		}
	}
	if (at - s >= 11 && DIGIT(s[0]) &&
	    DIGIT(s[1]) && DIGIT(s[2]) &&
	    DIGIT(s[3]) && s[4] == '-' &&
	    DIGIT(s[5]) && DIGIT(s[6]) &&
	    s[7] == '-' && DIGIT(s[8]) &&
	    DIGIT(s[9]) && (s[10] == 'T' || s[10] == ' ')) {
		rec->form = LOGLINE_ISO;
		memcpy(rec->day, s, 10);
		rec->day[10] = '\0';
		return;
	}
	if (at - s >= 16 && s[3] == ' ' &&
	    (s[4] == ' ' || DIGIT(s[4])) &&
	    DIGIT(s[5]) && s[6] == ' ' && s[9] == ':') {
		for (i = 0; i < 12; i++)
			if (memcmp(s, months + 3 * i, 3) == 0)
				break;
		if (i < 12) {
			rec->form = LOGLINE_SYSLOG;
			memcpy(rec->day, s, 4);
			rec->day[4] = s[4] == ' ' ? '0' : s[4];
			rec->day[5] = s[5];
			rec->day[6] = '\0';
			return;
		}
	}
	rec->form = LOGLINE_OTHER;
}

/*
 * read_ms - seconds ("0.045", hi-q's "%.3f") to milliseconds: a number
 * of number.h, not negative, below MAX_MS milliseconds
 */
static int
read_ms(const char *s, long long *ms)
{
	const char *p;
	long long v = 0;
	double d;

	for (p = s; DIGIT(*p) && p - s < 12; p++)
		v = v * 10 + (*p - '0');
	if (p > s && p[0] == '.' && DIGIT(p[1]) &&
	    DIGIT(p[2]) && DIGIT(p[3]) &&
	    p[4] == '\0') {
		*ms = v * 1000 + (p[1] - '0') * 100 + (p[2] - '0') * 10 +
		    (p[3] - '0');
		return 0;
	}
	if (!DIGIT(*s) || number_parse(s, strlen(s), &d) == -1 ||
	    d * 1000 >= MAX_MS)
		return -1;
	*ms = llround(d * 1000);
	return 0;
}

/*
 * read_tenths - a score ("6.9", "-0.3", hi-q's "%.1f") to tenths
 *
 *	Any other number of number.h is rounded to tenths, or classified
 *	as beyond LOGLINE_SCORE_MAX tenths (what "%.1f" makes of 1e308);
 *	"nan", "-nan", "inf" and "-inf", as printf(3) writes them, are
 *	classified too.  Anything else is no score.  *negzero is set for
 *	a negative zero.
 */
static int
read_tenths(const char *s, long long *t, enum logline_score *kind,
    int *negzero)
{
	const char *p = s;
	long long v = 0;
	double d;
	int neg = 0;

	*negzero = 0;
	*kind = LOGLINE_SCORE_OK;
	if (*p == '-') {
		neg = 1;
		p++;
	}
	for (s = p; DIGIT(*p) && p - s < 12; p++)
		v = v * 10 + (*p - '0');
	if (p > s && p[0] == '.' && DIGIT(p[1]) &&
	    p[2] == '\0') {
		v = v * 10 + (p[1] - '0');
		*negzero = neg && v == 0;
		*t = neg ? -v : v;
		return 0;
	}
	if (neg)
		s--;
	/* s is the whole text again, s + neg the text after its sign. */
	if (strcmp(s + neg, "nan") == 0) {
		*kind = LOGLINE_SCORE_NAN;
		return 0;
	}
	if (strcmp(s + neg, "inf") == 0) {
		*kind = neg ? LOGLINE_SCORE_LOW : LOGLINE_SCORE_HIGH;
		return 0;
	}
	if (number_parse(s, strlen(s), &d) == -1)
		return -1;
	if (d * 10 > (double)LOGLINE_SCORE_MAX) {
		*kind = LOGLINE_SCORE_HIGH;
		return 0;
	}
	if (d * 10 < -(double)LOGLINE_SCORE_MAX) {
		*kind = LOGLINE_SCORE_LOW;
		return 0;
	}
	*t = llround(d * 10);
	*negzero = d == 0 && signbit(d);
	return 0;
}

/*
 * read_stage - NAME:STATUS:OUTCOME:SECONDS[:score=S/R][:red=L][:...] into
 * *st
 *
 *	Returns NULL, or why the field cannot be read.  last says the field
 *	ends the line, where a short field means the line was cut.
 */
static const char *
read_stage(char *s, struct logline_stage *st, int last)
{
	char *part[4], *rest, *slash;
	enum logline_score k2;
	long long req;
	size_t at;
	int i, nz2;

	memset(st, 0, sizeof(*st));
	for (i = 0; i < 4; i++) {
		part[i] = s;
		if ((s = strchr(s, ':')) != NULL)
			*s++ = '\0';
		else if (i < 3)
			return last ? "" : "stage field with fewer than four "
			    "parts";
		else
			break;
	}
	rest = s;
	if (part[0][0] == '\0')
		return "stage without a name";
	st->name = part[0];
	if (logfmt_status_parse(part[1], &st->status, &st->value) == -1)
		return last && rest == NULL ? "" : "unknown stage status";
	if (outcome_parse(part[2], &st->outcome) == -1)
		return last && rest == NULL ? "" : "unknown stage outcome";
	if (read_ms(part[3], &st->ms) == -1)
		return "bad stage time";
	for (; rest != NULL; rest = s) {
		if ((s = strchr(rest, ':')) != NULL)
			*s++ = '\0';
		switch (logfmt_part(rest, &at)) {
		case LOGFMT_SCORE:
			if ((slash = strchr(rest + at, '/')) == NULL)
				return last && s == NULL ? "" :
				    "score without /";
			*slash++ = '\0';
			if (read_tenths(rest + at, &st->score10, &st->score,
			    &st->negzero) == -1 ||
			    read_tenths(slash, &req, &k2, &nz2) == -1)
				return "bad score";
			st->required10 = req;
			if (k2 != LOGLINE_SCORE_OK)	/* no threshold */
				st->score = LOGLINE_SCORE_NAN;
			break;
		case LOGFMT_RED:
			if (read_tenths(rest + at, &st->red10, &k2, &nz2) == -1)
				return "bad red line";
			st->have_red = k2 == LOGLINE_SCORE_OK;
			break;
		case LOGFMT_PART_OTHER:
			break;		/* unknown: ignored */
		}
	}
	return NULL;
}

static struct logline_stage *
new_stage(struct logline_parser *p, struct logline_rec *rec)
{
	if (rec->nstages == p->cap) {
		p->cap = p->cap ? p->cap * 2 : 8;
		p->stages = xreallocarray(p->stages, p->cap,
		    sizeof(*p->stages));
	}
	return &p->stages[rec->nstages++];
}

/*
 * next_word - the word at s, NUL-terminated in place: up to the next
 * space, or for a reason (key, a quoted text, spaces and all) up to its
 * closing quote; *next is past it.  NULL, or why the line cannot be read,
 * with *kind saying how
 */
static const char *
next_word(char *s, char *end, const char *key, char **next,
    enum logline_kind *kind)
{
	size_t k;
	char *e;

	if (s[0] == key[0] && (size_t)(end - s) > (k = strlen(key)) &&
	    memcmp(s, key, k) == 0 && s[k] == '"') {
		e = memchr(s + k + 1, '"', (size_t)(end - s) - k - 1);
		if (e == NULL) {
			*kind = LOGLINE_TRUNCATED;
			return "reason without its closing quote";
		}
		if (++e < end && *e != ' ') {
			*kind = LOGLINE_MALFORMED;
			return "text after the reason's quote";
		}
	} else if ((e = memchr(s, ' ', (size_t)(end - s))) == NULL)
		e = end;
	*e = '\0';
	*next = e + 1;
	return NULL;
}

/*
 * read_field - the value of one field into rec (*seen notes code= and
 * time=): NULL, or why it cannot be read, with *kind MALFORMED or, where
 * the field ends the line (last) and may just be cut short, TRUNCATED
 */
static const char *
read_field(struct logline_parser *p, struct logline_rec *rec,
    enum logfmt_field f, char *val, int last, enum logline_kind *kind,
    unsigned *seen)
{
	const char *why = NULL;
	unsigned long long v;
	size_t n;

	*kind = LOGLINE_MALFORMED;
	switch (f) {
	case LOGFMT_NONE:
		why = "a field without \"=\"";
		break;
	case LOGFMT_VERDICT:
		if (outcome_parse(val, &rec->verdict) == -1)
			why = "unknown verdict";
		break;
	case LOGFMT_CODE:
		if (number_uint(val, strlen(val), 255, &v) == -1)
			why = "bad code";
		else {
			rec->code = (int)v;
			*seen |= SEEN_CODE;
		}
		break;
	case LOGFMT_FROM:
		if (strcmp(val, "-") != 0 && (val[0] != '<' ||
		    (n = strlen(val)) < 2 || val[n - 1] != '>'))
			why = "bad from=";
		break;
	case LOGFMT_TIME:
		if (read_ms(val, &rec->ms) == -1)
			why = "bad time";
		else
			*seen |= SEEN_TIME;
		break;
	case LOGFMT_STAGE:
		why = read_stage(val, new_stage(p, rec), last);
		if (why != NULL && *why == '\0') {
			*kind = LOGLINE_TRUNCATED;
			return "line ends inside a stage field";
		}
		return why;
	case LOGFMT_QP:
	case LOGFMT_QQ:
		if (number_uint(val, strlen(val), INT_MAX, &v) == -1 ||
		    v == 0)
			why = "bad pid";
		else if (f == LOGFMT_QP)
			rec->qp = (long long)v;
		else
			rec->qq = (long long)v;
		break;
	case LOGFMT_RCPTS:
	case LOGFMT_BYTES:
	case LOGFMT_OUT:
	case LOGFMT_REASON:
	case LOGFMT_OTHER:
		break;		/* counted by nobody yet: skipped */
	}
	/* A bad last word may just be cut short. */
	if (why != NULL && last) {
		*kind = LOGLINE_TRUNCATED;
		return "line ends inside a field";
	}
	return why;
}

enum logline_kind
logline_parse(struct logline_parser *p, char *line, size_t len,
    struct logline_rec *rec)
{
	const char *verdict = logfmt_key(LOGFMT_VERDICT);
	const char *reason = logfmt_key(LOGFMT_REASON);
	char *end = line + len, *s, *next, *at;
	enum logline_kind kind;
	enum logfmt_field f;
	unsigned seen = 0;
	size_t k = strlen(verdict), val;

	memset(rec, 0, sizeof(*rec));
	if ((s = find_tag(line, end, &at)) == NULL)
		return LOGLINE_FOREIGN;
	read_prefix(p, line, at, rec);
	if ((size_t)(end - s) < k || memcmp(s, verdict, k) != 0) {
		if ((size_t)(end - s) < k &&
		    memcmp(s, verdict, (size_t)(end - s)) == 0) {
			rec->why = "line ends in the tag";
			return LOGLINE_TRUNCATED;
		}
		return LOGLINE_DIAG;
	}
	for (; s < end; s = next) {
		if ((rec->why = next_word(s, end, reason, &next, &kind)) !=
		    NULL)
			return kind;
		f = logfmt_field(s, (size_t)(next - 1 - s), &val);
		if ((rec->why = read_field(p, rec, f, s + val, next >= end,
		    &kind, &seen)) != NULL)
			return kind;
	}
	if (seen != (SEEN_CODE | SEEN_TIME)) {
		rec->why = "line ends before code= or time=";
		return LOGLINE_TRUNCATED;
	}
	rec->stages = p->stages;
	return LOGLINE_MESSAGE;
}
