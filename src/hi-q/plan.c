/*
 * plan.c - which stages run and which hops join them, before anything runs
 *
 * DESCRIPTION
 *	See plan.h.  Pure: it reads conf and asks lookup about variables,
 *	and touches nothing else.
 */
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "plan.h"
#include "xalloc.h"

static int	skip_matches(const struct stage_conf *,
		    const char *(*)(const char *));
static void	plan_link(struct plan *, const struct conf *);

/* skip_matches - does one of the stage's skip-if-env lines hold? */
static int
skip_matches(const struct stage_conf *sc, const char *(*lookup)(const char *))
{
	const char *v;
	size_t i;

	for (i = 0; i < sc->nskips; i++) {
		if ((v = lookup(sc->skips[i].name)) == NULL)
			continue;
		if (sc->skips[i].value == NULL ||
		    strcmp(v, sc->skips[i].value) == 0)
			return 1;
	}
	return 0;
}

/* plan_link - lay the hops over the stages that run */
static void
plan_link(struct plan *pl, const struct conf *c)
{
	struct plan_stage *ps;
	struct plan_hop *h;
	size_t i;

	pl->hops = xcalloc(pl->nactive + 1, sizeof(*pl->hops));
	h = &pl->hops[0];
	h->src = PLAN_CALLER;
	h->ndst = 1;
	pl->nhops = 1;
	for (i = 0; i < pl->nstages; i++) {
		ps = &pl->stages[i];
		if (ps->skipped)
			continue;
		ps->hop_in = pl->nhops - 1;
		ps->hop_out = -1;
		if (c->stages[i].kind == STAGE_CHECK) {
			ps->dst = h->ndst;
			h->dst[h->ndst++] = (int)i;
			continue;
		}
		ps->dst = 0;
		h->dst[0] = (int)i;
		ps->hop_out = (int)pl->nhops;
		h = &pl->hops[pl->nhops++];
		h->src = (int)i;
		h->ndst = 1;
	}
	h->dst[0] = PLAN_QUEUE;
	for (i = 0; i < pl->nhops; i++) {
		h = &pl->hops[i];
		h->pumped = h->src == PLAN_CALLER || h->dst[0] == PLAN_QUEUE ||
		    h->ndst > 1 || c->stages[h->src].zone.header != NULL ||
		    c->stages[h->dst[0]].zone.header != NULL;
	}
}

void
plan_make(struct plan *pl, const struct conf *c,
    const char *(*lookup)(const char *))
{
	size_t i;

	memset(pl, 0, sizeof(*pl));
	pl->nstages = c->nstages;
	pl->stages = xcalloc(c->nstages ? c->nstages : 1,
	    sizeof(*pl->stages));
	for (i = 0; i < c->nstages; i++) {
		pl->stages[i].hop_out = -1;
		if (skip_matches(&c->stages[i], lookup))
			pl->stages[i].skipped = 1;
		else
			pl->nactive++;
	}
	/*
	 * With no stage to run (none configured, or every one skipped, as
	 * for an authenticated client), nothing can change the message:
	 * qmail-queue reads fd 0 itself.
	 */
	if (pl->nactive > 0)
		plan_link(pl, c);
}

void
plan_free(struct plan *pl)
{
	free(pl->stages);
	free(pl->hops);
	memset(pl, 0, sizeof(*pl));
}
