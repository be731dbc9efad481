/*
 * check_plan.c - unit tests for plan.c, the pipeline's layout
 *
 * DESCRIPTION
 *	plan_make() over hand-written filters.conf texts and environments,
 *	nothing started: each case gives the layout it must produce, one hop
 *	at a time as "SRC>DST,DST", with "-" for the caller, "Q" for
 *	qmail-queue and a leading "*" on a hop hi-q pumps; skipped stages as
 *	"skip:NAME".  Covered: no stage (direct), one filter, plain pipes
 *	between filters, a zone stage's pumped output, runs of checks sharing
 *	one hop, a check first and last, skip-if-env with and without a
 *	value, and every stage skipped (direct again).  Each stage's own
 *	hop_in, dst and hop_out must agree with the hops.
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

/* render - the plan in the cases' notation, checking it on the way */
static void
render(const struct plan *pl, const struct conf *c, struct buf *b)
{
	const struct plan_hop *h;
	const struct plan_stage *ps;
	char tmp[256];
	size_t i, k;

	for (i = 0; i < pl->nstages; i++)
		if (pl->stages[i].skipped) {
			snprintf(tmp, sizeof(tmp), "%sskip:%s",
			    b->len ? " " : "", c->stages[i].name);
			ck_assert_int_eq(buf_append(b, tmp, strlen(tmp)), 0);
		}
	for (i = 0; i < pl->nhops; i++) {
		h = &pl->hops[i];
		snprintf(tmp, sizeof(tmp), "%s%s%s>", b->len ? " " : "",
		    h->pumped ? "*" : "", h->src == PLAN_CALLER ? "-" :
		    end_name(c, h->src));
		ck_assert_int_eq(buf_append(b, tmp, strlen(tmp)), 0);
		for (k = 0; k < h->ndst; k++) {
			snprintf(tmp, sizeof(tmp), "%s%s", k ? "," : "",
			    h->dst[k] == PLAN_QUEUE ? "Q" :
			    end_name(c, h->dst[k]));
			ck_assert_int_eq(buf_append(b, tmp, strlen(tmp)), 0);
			if (h->dst[k] == PLAN_QUEUE)
				continue;
			ps = &pl->stages[h->dst[k]];
			ck_assert_uint_eq(ps->hop_in, i);
			ck_assert_uint_eq(ps->dst, k);
		}
		if (h->src != PLAN_CALLER)
			ck_assert_int_eq(pl->stages[h->src].hop_out, (int)i);
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
