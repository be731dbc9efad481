/*
 * plan.h - which stages run and which hops join them, before anything runs
 *
 * DESCRIPTION
 *	plan_make(plan, conf, lookup) decides, without starting or opening
 *	anything, the shape of the pipeline for one message: which stages a
 *	"skip-if-env" skips or an "only-if-env" leaves out (lookup is
 *	getenv(3) or a test's table), the segments the stages run in, and
 *	the hops the message travels over.
 *
 *	A segment is a part of the pipeline that ends with the whole message
 *	in a file, and the next segment starts only once it has ended.
 *	Segment 0 holds the stages before the first late one (a qfilter, or
 *	a stage or check marked "envelope": conf_stage_late()); it streams
 *	from the caller during the upload, into a spool, and has no stage at
 *	all when the first stage to run is late.  From the first late stage
 *	on, a qfilter is a segment of its own (PLAN_SEG_QFILTER: its output
 *	exists only once it has exited, and it has no hop), so is a milter
 *	(PLAN_SEG_MILTER: hi-q itself speaks to it), and every run of
 *	other stages and checks, marked "envelope" or not, is one streaming
 *	segment (PLAN_SEG_STREAM), fed from the spool of the segment before
 *	(PLAN_MESSAGE) and ending in a spool of its own.
 *
 *	A hop runs from a source (the caller's fd 0, or a filter's stdout)
 *	to a main destination (the next filter's stdin, or qmail-queue's)
 *	and to the stdin of every check placed between the two.  hi-q pumps
 *	the first and the last hop, a hop out of or into a stage with a zone
 *	(its score header counts only if not already in its input), and a
 *	hop that feeds a check; the others are plain pipes from one stage to
 *	the next.  With no stage to run the plan is "direct": qmail-queue
 *	reads fd 0 itself and there is no hop.
 *
 *	Every index is a stage's index in conf->stages.  PLAN_CALLER and
 *	PLAN_QUEUE stand for the two ends that are not stages.
 *
 * ERRORS
 *	None: conf_parse() already bounded every run of checks, and the
 *	static assertion below ties that bound to what a pump can feed.
 */
#ifndef HIQ_PLAN_H
#define HIQ_PLAN_H

#include <stddef.h>

#include "conf.h"
#include "pump.h"

/* A hop feeds its main destination and at most CONF_CHECKS_MAX checks. */
_Static_assert(CONF_CHECKS_MAX + 1 <= PUMP_MAXDST,
    "a run of checks must fit in one pump");

#define PLAN_CALLER	(-1)	/* a hop's source: hi-q's fd 0 */
#define PLAN_MESSAGE	(-2)	/* a hop's source: the message as it
				   stands, in the spool before */
#define PLAN_QUEUE	(-1)	/* a hop's main destination: the
				   segment's spool, for qmail-queue */

enum plan_seg_kind {
	PLAN_SEG_STREAM,	/* hops: stages joined by pipes and pumps */
	PLAN_SEG_QFILTER,	/* one qfilter, files on its descriptors */
	PLAN_SEG_MILTER		/* one milter, spoken to by hi-q itself */
};

struct plan_seg {
	enum plan_seg_kind kind;
	size_t		 hop0;		/* a stream's hops: hop0 ... */
	size_t		 nhops;
	size_t		 st0;		/* its stages: st0 up to st_end, */
	size_t		 st_end;	/* skipped ones among them */
};

struct plan_hop {
	int	 pumped;		/* hi-q copies it; else a plain pipe */
	int	 src;			/* stage, or PLAN_CALLER */
	int	 dst[CONF_CHECKS_MAX + 1];	/* [0] main, or PLAN_QUEUE;
						   then the checks */
	size_t	 ndst;
};

struct plan_stage {
	int	 skipped;
	size_t	 seg;			/* its segment */
	size_t	 hop_in;		/* the hop that feeds it */
	size_t	 dst;			/* its place in that hop's dst[] */
	int	 hop_out;		/* the hop it feeds; -1: a check */
};

struct plan {
	struct plan_stage	*stages;	/* one per conf stage */
	size_t			 nstages;
	size_t			 nactive;	/* not skipped */
	struct plan_hop		*hops;
	size_t			 nhops;		/* 0: direct */
	struct plan_seg		*segs;		/* in the order they run */
	size_t			 nsegs;		/* 0: direct */
};

void	plan_make(struct plan *, const struct conf *,
	    const char *(*)(const char *));
void	plan_free(struct plan *);

#endif /* HIQ_PLAN_H */
