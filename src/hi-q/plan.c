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

static int	env_matches(const struct skip_env *, size_t,
		    const char *(*)(const char *));
static int	left_out(const struct stage_conf *,
		    const char *(*)(const char *));
static struct plan_hop *new_segment(struct plan *, enum plan_seg_kind, int,
		    size_t);
static void	end_segment(struct plan *, struct plan_hop *);
static enum plan_seg_kind seg_kind(const struct stage_conf *);
static void	plan_link(struct plan *, const struct conf *);

/*
 * env_matches - does one of the NAME[=VALUE] words hold?  A NAME holds
 * when the variable is set, to anything, the empty string included
 */
static int
env_matches(const struct skip_env *m, size_t n,
    const char *(*lookup)(const char *))
{
	const char *v;
	size_t i;

	for (i = 0; i < n; i++) {
		if ((v = lookup(m[i].name)) == NULL)
			continue;
		if (m[i].value == NULL || strcmp(v, m[i].value) == 0)
			return 1;
	}
	return 0;
}

/*
 * left_out - does the stage not run for this message: a skip-if-env word
 * holds, or it has only-if-env words and none holds?
 */
static int
left_out(const struct stage_conf *sc, const char *(*lookup)(const char *))
{
	return env_matches(sc->skips, sc->nskips, lookup) ||
	    (sc->nonlys > 0 && !env_matches(sc->onlys, sc->nonlys, lookup));
}

/*
 * new_segment - a segment of kind that starts with stage st; a stream's
 * first hop, from src, is returned (NULL for a qfilter or a milter)
 */
static struct plan_hop *
new_segment(struct plan *pl, enum plan_seg_kind kind, int src, size_t st)
{
	struct plan_seg *g = &pl->segs[pl->nsegs++];
	struct plan_hop *h;

	g->kind = kind;
	g->st0 = g->st_end = st;
	g->hop0 = pl->nhops;
	if (kind != PLAN_SEG_STREAM)
		return NULL;
	h = &pl->hops[pl->nhops++];
	h->src = src;
	h->ndst = 1;
	return h;
}

/* end_segment - the last segment's last hop ends in its spool */
static void
end_segment(struct plan *pl, struct plan_hop *h)
{
	struct plan_seg *g = &pl->segs[pl->nsegs - 1];

	if (h != NULL)
		h->dst[0] = PLAN_QUEUE;
	g->nhops = pl->nhops - g->hop0;
}

/* seg_kind - the kind of segment a late stage opens */
static enum plan_seg_kind
seg_kind(const struct stage_conf *sc)
{
	switch (sc->kind) {
	case STAGE_QFILTER:
		return PLAN_SEG_QFILTER;
	case STAGE_MILTER:
		return PLAN_SEG_MILTER;
	case STAGE_FILTER:
	case STAGE_CHECK:
		break;
	}
	return PLAN_SEG_STREAM;
}

/*
 * plan_link - lay the segments and their hops over the stages that run
 *
 *	h is the open hop of the open stream segment (NULL after a
 *	qfilter): a filter ends it and opens the next, a check joins it.
 */
static void
plan_link(struct plan *pl, const struct conf *c)
{
	const struct stage_conf *sc;
	struct plan_stage *ps;
	struct plan_hop *h;
	int late = 0;
	size_t i;

	pl->hops = xcalloc(2 * pl->nactive + 1, sizeof(*pl->hops));
	pl->segs = xcalloc(pl->nactive + 1, sizeof(*pl->segs));
	h = new_segment(pl, PLAN_SEG_STREAM, PLAN_CALLER, 0);
	for (i = 0; i < pl->nstages; i++) {
		ps = &pl->stages[i];
		sc = &c->stages[i];
		if (ps->skipped)
			continue;
		if (sc->kind == STAGE_QFILTER || sc->kind == STAGE_MILTER ||
		    (conf_stage_late(sc) && !late) || h == NULL) {
			late = 1;
			end_segment(pl, h);
			h = new_segment(pl, seg_kind(sc), PLAN_MESSAGE, i);
		}
		ps->seg = pl->nsegs - 1;
		pl->segs[ps->seg].st_end = i + 1;
		if (h == NULL)
			continue;	/* a qfilter or a milter */
		ps->hop_in = pl->nhops - 1;
		ps->hop_out = -1;
		if (sc->kind == STAGE_CHECK) {
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
	end_segment(pl, h);
	for (i = 0; i < pl->nhops; i++) {
		h = &pl->hops[i];
		h->pumped = h->src == PLAN_CALLER || h->src == PLAN_MESSAGE ||
		    h->dst[0] == PLAN_QUEUE || h->ndst > 1 ||
		    c->stages[h->src].zone.header != NULL ||
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
		if (left_out(&c->stages[i], lookup))
			pl->stages[i].skipped = 1;
		else
			pl->nactive++;
	}
	/*
	 * With no stage to run (none configured, or every one left out, as
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
	free(pl->segs);
	memset(pl, 0, sizeof(*pl));
}
