/*
 * check_plan.c - unit tests for plan.c, the pipeline's layout
 *
 * DESCRIPTION
 *	plan_make() over hand-written filters.conf texts and environments,
 *	nothing started: each case gives the layout it must produce, one hop
 *	at a time as "SRC>DST,DST", with "-" for the caller, "Q" for
 *	qmail-queue and a leading "*" on a hop hi-q pumps; skipped stages as
 *	"skip:NAME".  Segments after the first are set off by " |", a
 *	qfilter's as "qf:NAME", a milter's as "mi:NAME", and "=" is the message as it stands (the
 *	spool of the segment before).  Covered: no stage (direct), one
 *	filter, plain pipes between filters, a zone stage's pumped output,
 *	runs of checks sharing one hop, a check first and last, skip-if-env
 *	with and without a value, only-if-env (set, set empty, a value, none
 *	holding), every stage left out (direct again), and the segments:
 *	only late stages, a qfilter between streaming stages, qfilters in a
 *	row, an "envelope" stage and the stages after it in one segment, a
 *	late check, a zone in a late segment.  Each stage's own hop_in, dst,
 *	hop_out and segment must agree with the hops and segments.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "buf.h"
#include "check_suites.h"
#include "conf.h"
#include "plan.h"

struct plan_case {
	const char	*conf;
	const char	*env[3];	/* "NAME=VALUE", NULL-terminated */
	const char	*want;
};

static const struct plan_case plan_cases[] = {
	{ "", { NULL }, "" },
	{ "stage a /bin/cat\n", { NULL }, "*->a *a>Q" },
	{ "stage a /bin/cat\nstage b /bin/cat\nstage c /bin/cat\n", { NULL },
	  "*->a a>b b>c *c>Q" },
	{ "stage a /bin/cat\n    zone X-Spam-Status margin 2\n"
	  "stage b /bin/cat\n", { NULL }, "*->a *a>b *b>Q" },
	/* Into a zone stage too: its input's header block counts. */
	{ "stage a /bin/cat\nstage b /bin/cat\n"
	  "    zone X-Spam-Status margin 2\n", { NULL }, "*->a *a>b *b>Q" },
	{ "check v /bin/true\nstage a /bin/cat\n", { NULL }, "*->a,v *a>Q" },
	{ "stage a /bin/cat\ncheck v /bin/true\ncheck w /bin/true\n",
	  { NULL }, "*->a *a>Q,v,w" },
	{ "stage a /bin/cat\ncheck v /bin/true\nstage b /bin/cat\n"
	  "stage c /bin/cat\n", { NULL }, "*->a *a>b,v b>c *c>Q" },
	{ "stage a /bin/cat\n    skip-if-env RELAYCLIENT\nstage b /bin/cat\n",
	  { "RELAYCLIENT=", NULL }, "skip:a *->b *b>Q" },
	{ "stage a /bin/cat\n    skip-if-env RELAYCLIENT\nstage b /bin/cat\n",
	  { NULL }, "*->a a>b *b>Q" },
	{ "stage a /bin/cat\n    skip-if-env MODE=fast\n", { "MODE=slow",
	  NULL }, "*->a *a>Q" },
	{ "stage a /bin/cat\n    skip-if-env MODE=fast\n", { "MODE=fast",
	  NULL }, "skip:a" },
	{ "check v /bin/true\nstage a /bin/cat\n    skip-if-env X\n"
	  "check w /bin/true\n", { "X=1", NULL }, "skip:a *->Q,v,w" },
	/* only-if-env: any word that holds lets the stage run. */
	{ "stage a /bin/cat\n    only-if-env RELAYCLIENT SMTPAUTHUSER\n",
	  { NULL }, "skip:a" },
	{ "stage a /bin/cat\n    only-if-env RELAYCLIENT SMTPAUTHUSER\n",
	  { "RELAYCLIENT=", NULL }, "*->a *a>Q" },
	{ "stage a /bin/cat\n    only-if-env RELAYCLIENT\n"
	  "    only-if-env MODE=sign\n", { "MODE=sign", NULL }, "*->a *a>Q" },
	{ "stage a /bin/cat\n    only-if-env MODE=sign\n",
	  { "MODE=other", NULL }, "skip:a" },
	{ "stage a /bin/cat\n    only-if-env MODE\n    skip-if-env X\n",
	  { "MODE=1", "X=1", NULL }, "skip:a" },
	/* Segments. */
	{ "qfilter q /bin/cat\n", { NULL }, "*->Q | qf:q" },
	{ "stage a /bin/cat\nqfilter q /bin/cat\nstage b /bin/cat\n"
	  "check v /bin/true\n", { NULL },
	  "*->a *a>Q | qf:q | *=>b *b>Q,v" },
	{ "qfilter q /bin/cat\nqfilter r /bin/cat\n", { NULL },
	  "*->Q | qf:q | qf:r" },
	{ "stage a /bin/cat\nstage b /bin/cat\n    envelope\n"
	  "stage c /bin/cat\nstage d /bin/cat\n", { NULL },
	  "*->a *a>Q | *=>b b>c c>d *d>Q" },
	{ "check v /bin/true\ncheck w /bin/true\n    envelope\n", { NULL },
	  "*->Q,v | *=>Q,w" },
	{ "stage a /bin/cat\n    envelope\nstage b /bin/cat\n"
	  "    zone X-Spam-Status margin 2\n", { NULL },
	  "*->Q | *=>a *a>b *b>Q" },
	{ "qfilter q /bin/cat\n    skip-if-env X\nstage a /bin/cat\n",
	  { "X=1", NULL }, "skip:q *->a *a>Q" },
	{ "qfilter q /bin/cat\n    only-if-env X\n", { NULL }, "skip:q" },
	/* A milter is a segment of its own, as a qfilter is. */
	{ "milter m unix:/m\n", { NULL }, "*->Q | mi:m" },
	{ "stage a /bin/cat\nmilter m unix:/m\nmilter n unix:/n\n"
	  "qfilter q /bin/cat\ncheck v /bin/true\n", { NULL },
	  "*->a *a>Q | mi:m | mi:n | qf:q | *=>Q,v" },
	{ "milter m unix:/m\n    skip-if-env RELAYCLIENT\nstage a /bin/cat\n",
	  { "RELAYCLIENT=", NULL }, "skip:m *->a *a>Q" },
};

static const struct plan_case *cur;

/* lookup - getenv() over the current case's environment */
static const char *
lookup(const char *name)
{
	size_t i, n = strlen(name);

	for (i = 0; cur->env[i] != NULL; i++)
		if (strncmp(cur->env[i], name, n) == 0 &&
		    cur->env[i][n] == '=')
			return cur->env[i] + n + 1;
	return NULL;
}

static const char *
end_name(const struct conf *c, int i)
{
	return i < 0 ? NULL : c->stages[i].name;
}

/* render_hop - hop i in the cases' notation, checking it on the way */
static void
render_hop(const struct plan *pl, const struct conf *c, size_t i,
    struct buf *b)
{
	const struct plan_hop *h = &pl->hops[i];
	const struct plan_stage *ps;
	char tmp[256];
	size_t k;

	snprintf(tmp, sizeof(tmp), "%s%s%s>", b->len ? " " : "",
	    h->pumped ? "*" : "", h->src == PLAN_CALLER ? "-" :
	    h->src == PLAN_MESSAGE ? "=" : end_name(c, h->src));
	ck_assert_int_eq(buf_append(b, tmp, strlen(tmp)), 0);
	for (k = 0; k < h->ndst; k++) {
		snprintf(tmp, sizeof(tmp), "%s%s", k ? "," : "",
		    h->dst[k] == PLAN_QUEUE ? "Q" : end_name(c, h->dst[k]));
		ck_assert_int_eq(buf_append(b, tmp, strlen(tmp)), 0);
		if (h->dst[k] == PLAN_QUEUE)
			continue;
		ps = &pl->stages[h->dst[k]];
		ck_assert_uint_eq(ps->hop_in, i);
		ck_assert_uint_eq(ps->dst, k);
	}
	if (h->src >= 0)
		ck_assert_int_eq(pl->stages[h->src].hop_out, (int)i);
}

/* render - the plan in the cases' notation, checking it on the way */
static void
render(const struct plan *pl, const struct conf *c, struct buf *b)
{
	const struct plan_seg *g;
	char tmp[256];
	size_t i, j, k;

	for (i = 0; i < pl->nstages; i++)
		if (pl->stages[i].skipped) {
			snprintf(tmp, sizeof(tmp), "%sskip:%s",
			    b->len ? " " : "", c->stages[i].name);
			ck_assert_int_eq(buf_append(b, tmp, strlen(tmp)), 0);
		}
	for (j = 0; j < pl->nsegs; j++) {
		g = &pl->segs[j];
		if (j > 0)
			ck_assert_int_eq(buf_append(b, " |", 2), 0);
		for (k = g->st0; k < g->st_end; k++)
			if (!pl->stages[k].skipped)
				ck_assert_uint_eq(pl->stages[k].seg, j);
		if (g->kind != PLAN_SEG_STREAM) {
			ck_assert_uint_eq(g->nhops, 0);
			ck_assert_uint_eq(g->st_end, g->st0 + 1);
			snprintf(tmp, sizeof(tmp), " %s:%s", g->kind ==
			    PLAN_SEG_QFILTER ? "qf" : "mi",
			    c->stages[g->st0].name);
			ck_assert_int_eq(buf_append(b, tmp, strlen(tmp)), 0);
			continue;
		}
		ck_assert_uint_eq(g->hop0, j == 0 ? 0 :
		    pl->segs[j - 1].hop0 + pl->segs[j - 1].nhops);
		for (i = g->hop0; i < g->hop0 + g->nhops; i++)
			render_hop(pl, c, i, b);
	}
	ck_assert_int_eq(buf_append(b, "", 1), 0);
}

START_TEST(test_plan)
{
	struct conf *c;
	struct plan pl;
	struct buf b;

	cur = &plan_cases[_i];
	c = check_conf_text(cur->conf);
	plan_make(&pl, c, lookup);
	buf_init(&b, 4096);
	render(&pl, c, &b);
	ck_assert_msg(strcmp(b.data, cur->want) == 0,
	    "case %d: got \"%s\", want \"%s\"", _i, b.data, cur->want);
	ck_assert_uint_eq(pl.nactive == 0, pl.nhops == 0);
	ck_assert_uint_eq(pl.nactive == 0, pl.nsegs == 0);
	buf_free(&b);
	plan_free(&pl);
	conf_free(c);
}
END_TEST

Suite *
suite_plan(void)
{
	Suite *s = suite_create("plan");
	TCase *tc = tcase_create("plan");

	tcase_add_loop_test(tc, test_plan, 0,
	    sizeof(plan_cases) / sizeof(plan_cases[0]));
	suite_add_tcase(s, tc);
	return s;
}
