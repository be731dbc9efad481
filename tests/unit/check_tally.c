/*
 * check_tally.c - unit tests for tally.c and bands.c
 *
 * DESCRIPTION
 *	Twelve hand-written lines (green, yellow and red scores on both
 *	sides of each line, 1000, inf and nan, an unscanned, a skipped and
 *	a deferred message) are parsed and counted; the verdicts, stage
 *	figures, percentiles, bands and what-if rows are checked against
 *	values worked out by hand in the comments.  Those lines have no
 *	red=, so there is no red line unless --margin gives one; lines with
 *	red= give it.  A table of single stage fields says which count as
 *	unscanned (passed without a score) and which as deferred (the stage
 *	said tempfail itself, without a score).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "bands.h"
#include "check_suites.h"
#include "logline.h"
#include "tally.h"

#define HEAD(v)	"hi-q: verdict=" v " code=0 from=<a@b> rcpts=1 bytes=1 " \
		"out=1 time=0.1 stage=spamc:"

static const char *const lines[] = {
	HEAD("green") "exit0:green:0.010:score=-0.3/5.0 "
	    "stage=clam:exit0:green:0.001",
	HEAD("green") "exit0:green:0.020:score=0.0/5.0",
	HEAD("green") "exit0:green:0.030:score=4.9/5.0",
	HEAD("yellow") "exit1:yellow:0.040:score=5.0/5.0",
	HEAD("yellow") "exit1:yellow:0.050:score=6.9/5.0",
	HEAD("red") "exit1:red:0.060:score=7.0/5.0",
	HEAD("red") "exit1:red:0.070:score=1000.0/5.0",
	HEAD("red") "exit1:red:0.080:score=inf/5.0",
	HEAD("green") "exit0:green:0.090",
	HEAD("green") "skipped:green:0.000",
	HEAD("tempfail") "exit69:tempfail:1.001",
	HEAD("green") "exit0:green:0.100:score=nan/5.0",
	"hi-q: warning: not a message",
	"something else",
};

/* Lines with the red line hi-q logs: 7.0 twice, 8.0 once (5.0 required). */
static const char *const logged[] = {
	HEAD("green") "exit0:green:0.010:score=1.0/5.0:red=7.0",
	HEAD("yellow") "exit1:yellow:0.010:score=5.5/5.0:red=7.0",
	HEAD("red") "exit1:red:0.010:score=8.0/5.0:red=8.0",
	HEAD("green") "exit0:green:0.010:score=2.0/5.0",
};

static struct tally *load_lines(const char *, const char *const *,
		    size_t);

static struct tally *
load(const char *stage)
{
	return load_lines(stage, lines, sizeof(lines) / sizeof(lines[0]));
}

static struct tally *
load_lines(const char *stage, const char *const *text, size_t n)
{
	struct logline_parser p;
	struct logline_rec rec;
	enum logline_kind kind;
	struct tally *t;
	size_t i;
	char *s;

	t = tally_new(stage);
	logline_init(&p);
	for (i = 0; i < n; i++) {
		s = strdup(text[i]);
		ck_assert_ptr_nonnull(s);
		kind = logline_parse(&p, s, strlen(s), &rec);
		tally_count(t, kind, rec.form);
		if (kind == LOGLINE_MESSAGE)
			tally_add(t, &rec);
		free(s);
	}
	logline_free(&p);
	return t;
}

START_TEST(test_counts)
{
	unsigned long long v[OUTCOME_COUNT];
	const struct tally_lines *l;
	const struct tally_stage *s;
	struct tally *t;

	t = load(NULL);
	l = tally_lines(t);
	ck_assert_uint_eq(l->total, 14);
	ck_assert_uint_eq(l->kind[LOGLINE_MESSAGE], 12);
	ck_assert_uint_eq(l->kind[LOGLINE_DIAG], 1);
	ck_assert_uint_eq(l->kind[LOGLINE_FOREIGN], 1);
	ck_assert_uint_eq(l->form[LOGLINE_BARE], 12);
	tally_verdicts(t, TALLY_ALL, v);
	ck_assert_uint_eq(v[OUTCOME_GREEN], 6);
	ck_assert_uint_eq(v[OUTCOME_YELLOW], 2);
	ck_assert_uint_eq(v[OUTCOME_RED], 3);
	ck_assert_uint_eq(v[OUTCOME_TEMPFAIL], 1);
	ck_assert_uint_eq(v[OUTCOME_DISCARD], 0);
	ck_assert_uint_eq(tally_ndays(t), 1);
	ck_assert_str_eq(tally_day(t, 0), "");

	ck_assert_uint_eq(tally_nstages(t), 2);
	s = tally_stage(t, 0);
	ck_assert_str_eq(s->name, "spamc");
	ck_assert_uint_eq(s->n, 12);
	ck_assert_uint_eq(s->outcome[OUTCOME_GREEN], 6);
	ck_assert_uint_eq(s->exits[0], 5);
	ck_assert_uint_eq(s->exits[1], 5);
	ck_assert_uint_eq(s->exits[69], 1);
	ck_assert_uint_eq(s->status[STATUS_SKIPPED], 1);
	ck_assert_uint_eq(s->scored, 7);	/* lines 1 to 7 */
	ck_assert_uint_eq(s->high, 1);		/* inf */
	ck_assert_uint_eq(s->nan, 1);
	ck_assert_uint_eq(s->unscanned, 1);	/* line 9 */
	ck_assert_uint_eq(s->deferred, 1);	/* line 11, exit 69 */
	ck_assert_uint_eq(s->timed, 11);	/* all but the skipped */
	/* 10, 20, ... 100 ms and 1001: nearest ranks 6, 10 and 11 */
	ck_assert_int_eq(tally_percentile(t, 0, 50), 60);
	ck_assert_int_eq(tally_percentile(t, 0, 90), 100);
	/* 1001 ms is in the bin [1000, 1002) above 512 ms */
	ck_assert_int_eq(tally_percentile(t, 0, 99), 1000);
	ck_assert_int_eq(s->max_ms, 1001);
	s = tally_stage(t, 1);
	ck_assert_str_eq(s->name, "clam");
	ck_assert_uint_eq(s->n, 1);
	ck_assert_int_eq(tally_percentile(t, 1, 50), 1);
	tally_free(t);
}
END_TEST

START_TEST(test_scores)
{
	unsigned long long n[TALLY_NZONES];
	long long th, m, lo, hi;
	struct tally *t;

	t = load(NULL);
	ck_assert_str_eq(tally_score_stage(t), "spamc");
	ck_assert_int_eq(tally_threshold(t, &th), 0);
	ck_assert_int_eq(th, 50);
	/* no red= and no --margin: no red line, only the lowest red seen */
	ck_assert_int_eq(tally_margin(t, &m), -1);
	ck_assert_int_eq(tally_lowest_red(t, &m), 0);
	ck_assert_int_eq(m, 20);		/* 7.0 is 2.0 above 5.0 */
	tally_set_margin(t, 25);
	ck_assert_int_eq(tally_margin(t, &m), 0);
	ck_assert_int_eq(m, 25);
	ck_assert_int_eq(tally_score_span(t, &lo, &hi), 0);
	ck_assert_int_eq(lo, -3);
	ck_assert_int_eq(hi, TALLY_ABOVE);	/* inf */
	tally_band(t, -10, 0, n);		/* -0.3 */
	ck_assert_uint_eq(n[TALLY_GREEN], 1);
	ck_assert_uint_eq(n[TALLY_YELLOW] + n[TALLY_RED], 0);
	tally_band(t, 0, 50, n);		/* 0.0, 4.9 */
	ck_assert_uint_eq(n[TALLY_GREEN], 2);
	tally_band(t, 50, 70, n);		/* 5.0, 6.9 */
	ck_assert_uint_eq(n[TALLY_YELLOW], 2);
	ck_assert_uint_eq(n[TALLY_GREEN] + n[TALLY_RED], 0);
	tally_band(t, 70, 10000, n);		/* 7.0 */
	ck_assert_uint_eq(n[TALLY_RED], 1);
	tally_band(t, 10000, TALLY_ABOVE + 1, n);	/* 1000.0, inf */
	ck_assert_uint_eq(n[TALLY_RED], 2);
	tally_free(t);

	/* A stage with no scores: nothing to draw. */
	t = load("clam");
	ck_assert_int_eq(tally_threshold(t, &th), -1);
	ck_assert_int_eq(tally_margin(t, &m), -1);
	ck_assert_int_eq(tally_lowest_red(t, &m), -1);
	ck_assert_int_eq(tally_score_span(t, &lo, &hi), -1);
	tally_free(t);
}
END_TEST

/* The red line hi-q logged: the margin most lines had; --margin wins. */
START_TEST(test_logged_red)
{
	long long th, m;
	struct tally *t;

	t = load_lines(NULL, logged, sizeof(logged) / sizeof(logged[0]));
	ck_assert_int_eq(tally_threshold(t, &th), 0);
	ck_assert_int_eq(th, 50);
	ck_assert_int_eq(tally_margin(t, &m), 0);
	ck_assert_int_eq(m, 20);		/* 7.0 twice, 8.0 once */
	ck_assert_int_eq(tally_lowest_red(t, &m), 0);
	ck_assert_int_eq(m, 30);		/* the red 8.0 */
	tally_set_margin(t, 15);
	ck_assert_int_eq(tally_margin(t, &m), 0);
	ck_assert_int_eq(m, 15);
	tally_free(t);
}
END_TEST

/*
 * One stage field each: unscanned is mail the stage passed on without a
 * score; deferred is a tempfail of the stage's own without one.
 */
static const struct {
	const char		*line;
	unsigned long long	 unscanned, deferred;
} pass_cases[] = {
	{ HEAD("green") "exit0:green:0.1", 1, 0 },	/* over -s */
	{ HEAD("yellow") "exit1:yellow:0.1", 1, 0 },
	{ HEAD("tempfail") "exit69:tempfail:2.0", 0, 1 },	/* spamd down */
	{ HEAD("tempfail") "timeout:tempfail:60.0", 0, 1 },
	{ HEAD("tempfail") "noexec:tempfail:0.0", 0, 1 },
	{ HEAD("tempfail") "signal9:tempfail:0.1", 0, 1 },
	{ HEAD("red") "aborted:tempfail:0.1 stage=clam:exit1:red:0.1", 0, 0 },
	{ HEAD("tempfail") "running:tempfail:0.0", 0, 0 },
	{ HEAD("green") "skipped:green:0.0", 0, 0 },	/* RELAYCLIENT */
	{ HEAD("red") "exit2:red:0.1", 0, 0 },		/* red, not passed */
	{ HEAD("green") "exit0:green:0.1:score=1.0/5.0:red=7.0", 0, 0 },
	{ HEAD("tempfail") "exit1:tempfail:0.1:score=nan/5.0", 0, 0 },
};

START_TEST(test_unscanned_deferred)
{
	const struct tally_stage *s;
	struct tally *t;

	t = load_lines(NULL, &pass_cases[_i].line, 1);
	s = tally_stage(t, 0);
	ck_assert_msg(s->unscanned == pass_cases[_i].unscanned &&
	    s->deferred == pass_cases[_i].deferred, "case %d: got unscanned "
	    "%llu, deferred %llu; want %llu, %llu", _i, s->unscanned,
	    s->deferred, pass_cases[_i].unscanned, pass_cases[_i].deferred);
	tally_free(t);
}
END_TEST

/*
 * Scores minus 5.0, in tenths: -53 -50 -1 (green), 0 19 (yellow), 20
 * 9950 +inf (red).  Yellow from k, red from k + y.
 */
static const struct {
	long long		 k, y;
	struct tally_whatif	 want;
} whatif_cases[] = {
	{ 0, 20, { 3, 2, 3, 0 } },	/* today */
	{ 0, 5, { 3, 1, 4, 1 } },	/* 6.9 turns red */
	{ -10, 30, { 2, 3, 3, 1 } },	/* 4.9 turns yellow */
	{ 10, 50, { 4, 2, 2, 2 } },	/* 5.0 green, 7.0 yellow */
	{ 0, 0, { 3, 0, 5, 2 } },	/* no yellow zone */
	{ -100, 50, { 0, 1, 7, 5 } },	/* yellow from -5.0, red from 0.0 */
};

START_TEST(test_whatif)
{
	struct tally_whatif w;
	struct tally *t;

	t = load(NULL);
	tally_whatif(t, whatif_cases[_i].k, whatif_cases[_i].y, &w);
	ck_assert_msg(w.green == whatif_cases[_i].want.green &&
	    w.yellow == whatif_cases[_i].want.yellow &&
	    w.red == whatif_cases[_i].want.red &&
	    w.changed == whatif_cases[_i].want.changed,
	    "case %d: got %llu/%llu/%llu changed %llu, want %llu/%llu/%llu "
	    "changed %llu", _i, w.green, w.yellow, w.red, w.changed,
	    whatif_cases[_i].want.green, whatif_cases[_i].want.yellow,
	    whatif_cases[_i].want.red, whatif_cases[_i].want.changed);
	tally_free(t);
}
END_TEST

START_TEST(test_bands)
{
	struct band *b;
	struct tally *t;
	char s[32];
	size_t n;

	t = load(NULL);
	/* -1.0 to 30.0 (threshold 5 + 25), then one band above */
	n = bands_make(t, 10, 0, 0, 0, &b);
	ck_assert_uint_eq(n, 33);
	ck_assert_int_eq(b[0].lo, -10);
	ck_assert_int_eq(b[0].edge, 0);
	ck_assert_uint_eq(b[0].n[TALLY_GREEN], 1);
	ck_assert_uint_eq(b[1].n[TALLY_GREEN], 1);
	ck_assert_uint_eq(b[5].n[TALLY_GREEN], 1);	/* 4.9 */
	ck_assert_uint_eq(b[6].n[TALLY_YELLOW], 1);	/* 5.0 */
	ck_assert_uint_eq(b[7].n[TALLY_YELLOW], 1);	/* 6.9 */
	ck_assert_uint_eq(b[8].n[TALLY_RED], 1);	/* 7.0 */
	ck_assert_int_eq(b[31].lo, 300);
	ck_assert_int_eq(b[32].edge, 1);
	ck_assert_int_eq(b[32].lo, 310);
	ck_assert_uint_eq(bands_total(&b[32]), 2);
	free(b);
	/* half points from 4.0 to 7.0: an edge band on each side */
	n = bands_make(t, 5, 1, 40, 69, &b);
	ck_assert_uint_eq(n, 8);
	ck_assert_int_eq(b[0].edge, -1);
	ck_assert_uint_eq(bands_total(&b[0]), 2);	/* -0.3, 0.0 */
	ck_assert_int_eq(b[1].lo, 40);
	ck_assert_uint_eq(bands_total(&b[2]), 1);	/* 4.9 */
	ck_assert_uint_eq(bands_total(&b[3]), 1);	/* 5.0 */
	ck_assert_uint_eq(bands_total(&b[6]), 1);	/* 6.9 */
	ck_assert_int_eq(b[7].edge, 1);
	ck_assert_int_eq(b[7].lo, 70);
	ck_assert_uint_eq(bands_total(&b[7]), 3);
	free(b);
	tally_free(t);
	ck_assert_str_eq(bands_fmt(s, sizeof(s), -3), "-0.3");
	ck_assert_str_eq(bands_fmt(s, sizeof(s), 0), "0.0");
	ck_assert_str_eq(bands_fmt(s, sizeof(s), 10005), "1000.5");
}
END_TEST

/* A milter stage's status words: counted, timed, and written back. */
static const char *const milter_lines[] = {
	"hi-q: verdict=green code=0 from=<a@b> rcpts=1 bytes=1 out=1 "
	    "time=0.1 stage=dkim:accept:green:0.005",
	"hi-q: verdict=red code=31 from=<a@b> rcpts=1 bytes=1 out=1 "
	    "time=0.1 stage=dkim:reject:red:0.010",
	"hi-q: verdict=tempfail code=71 from=<a@b> rcpts=1 bytes=1 out=1 "
	    "time=0.1 stage=dkim:failure:tempfail:0.020",
	"hi-q: verdict=yellow code=0 from=<a@b> rcpts=1 bytes=1 out=1 "
	    "time=0.1 stage=dkim:quarantine:yellow:0.030",
};

static void
words(void *arg, const char *word, unsigned long long n)
{
	char *all = arg;
	char one[64];

	(void)snprintf(one, sizeof(one), "%s=%llu ", word, n);
	(void)strncat(all, one, 255 - strlen(all));
}

START_TEST(test_milter_words)
{
	struct logline_parser p;
	struct logline_rec rec;
	enum logline_kind kind;
	const struct tally_stage *s;
	struct tally *t;
	char all[256] = "";
	size_t i;
	char *line;

	t = tally_new(NULL);
	logline_init(&p);
	for (i = 0; i < sizeof(milter_lines) / sizeof(milter_lines[0]); i++) {
		line = strdup(milter_lines[i]);
		ck_assert_ptr_nonnull(line);
		kind = logline_parse(&p, line, strlen(line), &rec);
		ck_assert_int_eq(kind, LOGLINE_MESSAGE);
		tally_add(t, &rec);
		free(line);
	}
	logline_free(&p);
	s = tally_stage(t, 0);
	ck_assert_uint_eq(s->n, 4);
	ck_assert_uint_eq(s->status[STATUS_ACCEPT], 1);
	ck_assert_uint_eq(s->status[STATUS_REJECT], 1);
	ck_assert_uint_eq(s->status[STATUS_FAILURE], 1);
	ck_assert_uint_eq(s->status[STATUS_QUARANTINE], 1);
	ck_assert_uint_eq(s->timed, 4);
	ck_assert_int_eq(s->max_ms, 30);
	tally_stage_statuses(s, words, all);
	ck_assert_str_eq(all, "accept=1 reject=1 quarantine=1 failure=1 ");
	tally_free(t);
}
END_TEST

Suite *
suite_tally(void)
{
	Suite *s;
	TCase *tc;

	s = suite_create("tally");
	tc = tcase_create("figures");
	tcase_add_test(tc, test_counts);
	tcase_add_test(tc, test_scores);
	tcase_add_test(tc, test_logged_red);
	tcase_add_loop_test(tc, test_unscanned_deferred, 0,
	    (int)(sizeof(pass_cases) / sizeof(pass_cases[0])));
	tcase_add_loop_test(tc, test_whatif, 0,
	    (int)(sizeof(whatif_cases) / sizeof(whatif_cases[0])));
	tcase_add_test(tc, test_bands);
	tcase_add_test(tc, test_milter_words);
	suite_add_tcase(s, tc);
	return s;
}
