/*
 * deadline.c - every deadline of one message, as one table
 *
 * DESCRIPTION
 *	See deadline.h.
 */
#include <stddef.h>

#include "deadline.h"

static double	earlier(double, double);
static size_t	add(struct deadline *, size_t, double, enum deadline_what,
		    size_t);

/* earlier - the earlier of two times, either of which may be -1 */
static double
earlier(double a, double b)
{
	if (a < 0)
		return b;
	if (b < 0)
		return a;
	return a < b ? a : b;
}

static size_t
add(struct deadline *t, size_t n, double when, enum deadline_what what,
    size_t stage)
{
	t[n].when = when;
	t[n].what = what;
	t[n].stage = stage;
	return n + 1;
}

size_t
deadline_table(const struct deadline_state *s, struct deadline *t)
{
	const struct deadline_stage *c;
	size_t i, n = 0;
	double w;

	if (!s->decided) {
		for (i = 0; i < s->nstages; i++) {
			c = &s->stages[i];
			if (!c->running || c->timeout == 0)
				continue;
			w = earlier(c->t_in < 0 ? -1 : c->t_in + c->timeout,
			    c->t_stall < 0 ? -1 : c->t_stall + c->timeout);
			if (w >= 0)
				n = add(t, n, w, DEADLINE_STAGE, i);
		}
		if (s->t_in_end >= 0)
			n = add(t, n, s->t_in_end + s->limit, DEADLINE_MESSAGE,
			    0);
		else if (!s->direct)
			n = add(t, n, s->last_progress + s->limit,
			    DEADLINE_INPUT, 0);
		return n;
	}
	if (!s->stages_done && s->t_kill >= 0)
		n = add(t, n, s->t_kill + DEADLINE_REAP_GRACE, DEADLINE_REAP,
		    0);
	else if (!s->stages_done && s->t_term >= 0)
		n = add(t, n, s->t_term + DEADLINE_KILL_GRACE, DEADLINE_KILL,
		    0);
	if (!s->inputs_done)
		n = add(t, n, s->last_progress + s->limit, DEADLINE_CALLER, 0);
	if (s->queue_waiting)
		n = add(t, n, s->t_decided + s->limit, DEADLINE_QUEUE, 0);
	return n;
}

/* deadline_next - the earliest time in the table, or -1 */
double
deadline_next(const struct deadline *t, size_t n)
{
	double d = -1;
	size_t i;

	for (i = 0; i < n; i++)
		d = earlier(d, t[i].when);
	return d;
}
