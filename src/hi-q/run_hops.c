/*
 * run_hops.c - what a pump's move means for the run
 *
 * DESCRIPTION
 *	run_hops_handle(r, h, result) takes one pump_step() result: the
 *	caller's bytes are progress, an end starts the clocks of the
 *	stages it fed, and a failure decides the message (a stage that
 *	left before the end of its input, a spool that cannot be written,
 *	a caller that cannot be read).  run_hops_watch_stalls(r, t) notes when
 *	a stage stopped taking the bytes hi-q holds for it, which starts
 *	its own timeout; run_hops_stuck() says which stage holds up a hop, and
 *	run_hops_held() which process, when a stage has ended, still holds its
 *	output open (a child it left behind), for the reason of a timeout.
 *
 * ERRORS
 *	None returned: each failure is a verdict through run_decide().
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "judge.h"
#include "msg.h"
#include "procfd.h"
#include "pump.h"
#include "qq.h"
#include "run_int.h"
#include "xalloc.h"

static void	 hop_failed(struct run *, struct hop *);
static int	 output_open(const struct stage_run *);

/* run_hops_handle - after a pump moved, ended or failed */
void
run_hops_handle(struct run *r, struct hop *h, enum pump_result pr)
{
	size_t i;
	double t;

	switch (pr) {
	case PUMP_IDLE:
		return;
	case PUMP_MOVED:
		if (h->caller)
			r->last_progress = run_now();
		break;
	case PUMP_EOF:
		t = run_now();
		if (h->caller)
			r->last_progress = r->t_in_end = t;
		for (i = 0; i < h->ndst; i++)
			if (h->dst[i] != NULL && h->dst[i]->clock->t_in < 0)
				h->dst[i]->clock->t_in = t;
		break;
	case PUMP_ERROR:
		hop_failed(r, h);
		return;
	}
	if (h->src != NULL)
		run_settle_zone(r, h->src);
	if (h->dst[0] != NULL)
		run_settle_zone(r, h->dst[0]);
}

/* hop_failed - a pump could not read its source or feed a destination */
static void
hop_failed(struct run *r, struct hop *h)
{
	struct pump *p = &h->pump;
	struct stage_run *s;
	char *why;

	if (p->err_dst < 0 && h->caller) {
		/* Reading fd 0 failed: the caller is in trouble. */
		msg_warn_sys("read message");
		run_decide(r, OUTCOME_TEMPFAIL, QQ_READ_ERROR,
		    xstrdup("message read error"));
		(void)pump_close(p);
		r->t_in_end = run_now();
		return;
	}
	if (p->err_dst < 0) {
		if (h->src != NULL)
			msg_warn_sys("read the output of stage %s",
			    h->src->conf->name);
		else
			msg_warn_sys("read the spool");
		(void)pump_close(p);
		run_decide(r, OUTCOME_TEMPFAIL, -1,
		    xstrdup("pipeline read error"));
		return;
	}
	s = h->dst[p->err_dst];
	if (s == NULL) {
		/* The disk under the spool is full, or over quota ... */
		msg_warn_sys("write the spool in %s", r->conf->spool);
		run_decide(r, OUTCOME_TEMPFAIL, -1, xasprintf("unable to write "
		    "the spool in %s: %s", r->conf->spool, strerror(errno)));
		(void)pump_drain(p);
		return;
	}
	if (errno != EPIPE) {
		msg_warn_sys("write to %s", s->conf->name);
		(void)pump_drain(p);
		run_decide(r, OUTCOME_TEMPFAIL, -1,
		    xstrdup("pipeline write error"));
		return;
	}
	/* A stage left before the end of its input. */
	(void)pump_drop(p, (size_t)p->err_dst);
	if (judge_unread(s->conf, &s->rep, s->done, s->kill_as, r->decided,
	    &why) == JUDGE_DECIDES)
		run_decide(r, OUTCOME_TEMPFAIL, -1, why);
}

/*
 * run_hops_watch_stalls - note when a stage stopped taking the bytes hi-q holds
 * for it
 *
 *	A stage's own timeout counts from there: its input pipe is full and
 *	it takes nothing (a slow stage that takes some bytes starts the clock
 *	again; a caller that is slow to send never starts it).
 */
void
run_hops_watch_stalls(struct run *r, double t)
{
	struct stage_run *s;
	unsigned long long taken;
	size_t i, k;

	for (i = 0; i < r->nhops; i++) {
		if (!r->hops[i].pumped)
			continue;
		for (k = 0; k < r->hops[i].ndst; k++) {
			if ((s = r->hops[i].dst[k]) == NULL)
				continue;
			taken = pump_taken(&r->hops[i].pump, k);
			if (!pump_waiting(&r->hops[i].pump, k))
				s->clock->t_stall = -1;
			else if (s->clock->t_stall < 0 || taken != s->taken)
				s->clock->t_stall = t;
			s->taken = taken;
		}
	}
}

/* run_hops_stuck - is the hop holding bytes a destination will not take? */
int
run_hops_stuck(const struct hop *h, struct stage_run **who)
{
	size_t i;

	for (i = 0; i < h->ndst; i++)
		if (pump_waiting(&h->pump, i)) {
			*who = h->dst[i];
			return 1;
		}
	return 0;
}

/*
 * output_open - has s ended while the end of its output has not come
 * through: the pump that reads it has not seen it, or the stage it feeds
 * directly still runs?
 */
static int
output_open(const struct stage_run *s)
{
	if (!s->done || s->out_ino == 0 || s->out == NULL)
		return 0;
	if (s->out->pumped)
		return !pump_ended(&s->out->pump);
	return s->out->dst[0] != NULL && !s->out->dst[0]->done;
}

/*
 * run_hops_held - the process that holds the output of an ended stage open,
 * as "pid N (NAME) holds the output of stage S open" (malloc'd), or NULL
 * when none is found: only for the reason of a timeout, since it scans
 * /proc
 */
char *
run_hops_held(const struct run *r)
{
	const struct stage_run *s;
	char *name, *held;
	size_t i;
	pid_t pid;

	for (i = 0; i < r->n; i++) {
		s = &r->st[i];
		if (!output_open(s) ||
		    (pid = procfd_pipe_writer(s->out_ino, getpid())) == 0)
			continue;
		name = procfd_name(pid);
		held = xasprintf("pid %ld (%s) holds the output of stage %s "
		    "open", (long)pid, name != NULL ? name : "?",
		    s->conf->name);
		free(name);
		return held;
	}
	return NULL;
}
