/*
 * run_start.c - lay out one message and start its first segment
 *
 * DESCRIPTION
 *	run_start(r) asks plan.c which stages run, in which segments, and
 *	which hops join them, makes the run's stages, hops and segments of
 *	it, and starts segment 0 (run_segment_start()), which streams from
 *	the caller during the upload.  With no stage to run it starts
 *	qmail-queue on fd 0 instead.
 *
 * ERRORS
 *	A qmail-queue that cannot be run refuses the message (run_refuse():
 *	the loop then only drains and reaps); no pipe for it:
 *	die(QQ_TEMP_REJECT).  Segment 0's own failures are
 *	run_segment_start()'s.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "msg.h"
#include "plan.h"
#include "qq.h"
#include "queue.h"
#include "run_int.h"
#include "xalloc.h"

static const char *lookup_env(const char *);
static void	 link_hops(struct run *, const struct plan *);
static void	 link_segments(struct run *, const struct plan *);
static enum segment_kind seg_kind(enum plan_seg_kind);

static const char *
lookup_env(const char *name)
{
	return getenv(name);
}

/* link_hops - the plan's hops and stages, as pointers into the run */
static void
link_hops(struct run *r, const struct plan *pl)
{
	const struct plan_hop *ph;
	struct hop *h;
	size_t i, k;

	r->hops_cap = pl->nhops;
	r->hops = xcalloc(pl->nhops, sizeof(*r->hops));
	for (i = 0; i < pl->nhops; i++) {
		ph = &pl->hops[i];
		h = &r->hops[i];
		h->pumped = ph->pumped;
		h->caller = ph->src == PLAN_CALLER;
		h->src = ph->src < 0 ? NULL : &r->st[ph->src];
		h->ndst = ph->ndst;
		for (k = 0; k < ph->ndst; k++)
			h->dst[k] = ph->dst[k] == PLAN_QUEUE ? NULL :
			    &r->st[ph->dst[k]];
	}
	for (i = 0; i < pl->nstages; i++) {
		if (pl->stages[i].skipped ||
		    r->st[i].conf->kind == STAGE_QFILTER ||
		    r->st[i].conf->kind == STAGE_MILTER)
			continue;	/* no hop */
		r->st[i].in = &r->hops[pl->stages[i].hop_in];
		r->st[i].dst = pl->stages[i].dst;
		if (pl->stages[i].hop_out >= 0)
			r->st[i].out = &r->hops[pl->stages[i].hop_out];
	}
}

static enum segment_kind
seg_kind(enum plan_seg_kind k)
{
	switch (k) {
	case PLAN_SEG_QFILTER:
		return SEGMENT_QFILTER;
	case PLAN_SEG_MILTER:
		return SEGMENT_MILTER;
	case PLAN_SEG_STREAM:
		break;
	}
	return SEGMENT_STREAM;
}

/* link_segments - the plan's segments, none started */
static void
link_segments(struct run *r, const struct plan *pl)
{
	const struct plan_seg *ps;
	struct segment *g;
	size_t i;

	r->nsegs = pl->nsegs;
	r->segs = xcalloc(pl->nsegs, sizeof(*r->segs));
	for (i = 0; i < pl->nsegs; i++) {
		ps = &pl->segs[i];
		g = &r->segs[i];
		g->kind = seg_kind(ps->kind);
		g->state = SEGMENT_WAITING;
		g->hop0 = ps->hop0;
		g->nhops = ps->nhops;
		g->st0 = ps->st0;
		g->st_end = ps->st_end;
		g->out = g->env_out = g->qq_out = g->reply = g->err = -1;
	}
	for (i = 0; i < pl->nstages; i++)
		if (!pl->stages[i].skipped)
			r->st[i].seg = &r->segs[pl->stages[i].seg];
}

/*
 * run_start - lay out the pipeline and start its first segment; with no
 * stage to run, start qmail-queue on fd 0 instead
 */
void
run_start(struct run *r)
{
	const char *prog = r->conf->queue_argv[0];
	struct plan pl;
	size_t i;
	int rc;

	plan_make(&pl, r->conf, lookup_env);
	for (i = 0; i < r->n; i++) {
		r->st[i].conf = &r->conf->stages[i];
		r->st[i].rep.name = r->st[i].conf->name;
		r->st[i].rep.outcome = OUTCOME_GREEN;
		r->st[i].fd_in = r->st[i].fd_out = -1;
		r->st[i].pmilter = -1;
		r->st[i].clock = &r->clocks[i];
		r->clocks[i].timeout = r->conf->stages[i].timeout;
		r->clocks[i].t_in = r->clocks[i].t_stall = -1;
		if (pl.stages[i].skipped) {
			r->st[i].rep.status = STATUS_SKIPPED;
			r->st[i].done = 1;
		}
	}
	r->direct = pl.nsegs == 0;
	if (!r->direct) {
		link_hops(r, &pl);
		link_segments(r, &pl);
		plan_free(&pl);
		run_segment_start(r, &r->segs[0]);
		return;
	}
	plan_free(&pl);
	if ((rc = queue_start(&r->q, r->conf->queue_argv, r->env, 0)) == -1)
		die_sys(QQ_TEMP_REJECT, "unable to make a pipe for "
		    "qmail-queue");
	if (rc != 0) {
		run_refuse(r, QQ_TEMP_REJECT, xasprintf("unable to run %s: %s",
		    prog, strerror(rc)));
		return;
	}
	/* Idle, and not polled, until qmail-queue is gone. */
	run_caller_hop(r);
}
