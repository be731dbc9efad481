/*
 * run_loop.c - run one message through the pipeline
 *
 * DESCRIPTION
 *	See run.h for the contract and hi-q(8) for the data flow.  The
 *	shape of one message:
 *
 *	    fd 0 -> [pump] -> stage 1 | ... | stage N -> [pump] -> spool
 *	    fd 1 -> envelope buffer .............................. |
 *	                     (verdict accept: the commit point)    v
 *	                     qq, fd 0 = the spool, fd 1 = the envelope
 *
 *	The last hop ends in the spool (spool.c), not in qmail-queue: qmail-
 *	queue is started only for an accept verdict, so a rejected message
 *	never costs a queue write.  With no stage to run, qmail-queue is
 *	started at once and reads fd 0 itself.  That is segment 0; the stages
 *	that need the envelope run in later segments (plan.h), each started
 *	by advance() once the one before has ended and been judged and the
 *	envelope is in, each reading the spool of the one before and ending
 *	in its own (run_segment.c).
 *
 *	This file is the run's poll loop: it polls, hands each event to the
 *	run's file for it, and keeps the deadlines and acts on what is due.
 *	run_start.c starts what plan.c laid out; run_hops.c says what each
 *	pump's move means (the hops are plan.h's, each with a pump when hi-q
 *	copies it: pump.c); run_envread.c reads the envelope; run_reap.c
 *	collects what ends; run_finish.c goes from the verdict to the exit
 *	code; run_signals.c reads hi-q's signals; run.c, the core, records
 *	the verdict and stops the stages.  run_int.h, private to those
 *	files, holds the run's structs and draws who calls whom.  What each
 *	event means is asked of judge.c.
 *
 *	hi-q keeps the read end of every stage's stdin (the "watch"
 *	descriptor, never read): when the stage exits, FIONREAD on it says
 *	whether the stage left input unread, which would otherwise vanish
 *	silently with the pipe.  A stage fed by a plain pipe that exits
 *	before the stage writing into it keeps its watch open until that
 *	writer has gone: a late write then lands in the pipe instead of
 *	failing with EPIPE where only the writer would see it, and hi-q,
 *	polling the watch, finds it (run_reap_check_watch()).
 *
 *	Everything happens in one poll(2) loop: signals arrive on a signalfd,
 *	children are reaped by pid, and every deadline is an entry of one
 *	table (deadline.c), which gives both the next wake-up and what to do
 *	when it comes.  A message goes through three states: running (no
 *	verdict yet), decided (the verdict is known; stop what still runs,
 *	drain the caller), and done.  Only an accept verdict reached with
 *	every stage judged leads to the commit point (run_finish.c):
 *	qmail-queue starts on the spool, and queue.c is the one place where
 *	the envelope is written to it.
 *
 *	The stages run in a process group of their own (run.c says how it
 *	is signalled).  What still does not end a grace after SIGKILL (a
 *	stage that changed its real uid, which hi-q may not signal, or one
 *	stuck in the kernel) is named in a warning and left behind
 *	(DEADLINE_REAP): hi-q exits with the verdict's code, which is never
 *	0 then, since a stage that never ended was never judged green.
 *	qmail-queue is not in that group: it must survive the kill, and the
 *	real one is setuid and could not be signalled anyway.
 *
 * ERRORS
 *	See run.h.
 */
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "deadline.h"
#include "msg.h"
#include "pump.h"
#include "qq.h"
#include "queue.h"
#include "run.h"
#include "run_int.h"
#include "xalloc.h"

static size_t	 deadlines(struct run *);
static void	 fire_due(struct run *, double);
static void	 fire(struct run *, const struct deadline *);
static void	 fire_message(struct run *);
static void	 fire_input(struct run *);
static void	 fire_caller(struct run *);
static void	 fire_queue(struct run *);
static void	 fire_reap(struct run *);
static char	*timed_out(const struct run *, char *);
static void	 poll_add(struct pollfd *, size_t *, int, short, int *);
static size_t	 poll_set(struct run *, int *, int *);
static void	 step(struct run *);
static int	 caller_done(const struct run *);
static int	 inputs_done(const struct run *);
static void	 advance(struct run *);
static void	 queue_envelope_now(struct run *);
static void	 run_init(struct run *, const struct conf *, char *const []);
static void	 run_polls(struct run *);

/*
 * deadlines - fill r->dl with deadline.h's table for the run as it is now;
 * returns its length
 */
static size_t
deadlines(struct run *r)
{
	struct deadline_state ds;
	size_t i;

	for (i = 0; i < r->n; i++)
		r->clocks[i].running = !r->st[i].done;
	ds.limit = r->conf->timeout;
	ds.decided = r->decided;
	ds.direct = r->direct;
	ds.t_in_end = r->t_in_end;
	ds.last_progress = r->last_progress;
	ds.t_term = r->t_term;
	ds.t_decided = r->t_decided;
	ds.t_kill = r->t_kill;
	ds.stages_done = run_stages_done(r);
	ds.inputs_done = inputs_done(r);
	ds.queue_waiting = r->q.pid > 0 && !r->q.done && !r->gave_up;
	ds.stages = r->clocks;
	ds.nstages = r->n;
	return deadline_table(&ds, r->dl);
}

/* fire_due - act on every deadline that has passed */
static void
fire_due(struct run *r, double t)
{
	size_t i, n;

	n = deadlines(r);
	for (i = 0; i < n; i++)
		if (t >= r->dl[i].when)
			fire(r, &r->dl[i]);
}

static void
fire(struct run *r, const struct deadline *d)
{
	struct stage_run *s;

	switch (d->what) {
	case DEADLINE_STAGE:
		s = &r->st[d->stage];
		if (s->conf->kind == STAGE_MILTER) {
			/* Silent too long: its "on failure" rule judges. */
			run_milter_timeout(r, s);
			break;
		}
		s->kill_as = STATUS_TIMEOUT;
		run_decide(r, OUTCOME_TEMPFAIL, -1, timed_out(r, xasprintf(
		    "stage %s timed out after %us", s->conf->name,
		    s->conf->timeout)));
		break;
	case DEADLINE_MESSAGE:
		fire_message(r);
		break;
	case DEADLINE_INPUT:
		fire_input(r);
		break;
	case DEADLINE_KILL:
		run_kill_now(r);
		break;
	case DEADLINE_REAP:
		fire_reap(r);
		break;
	case DEADLINE_CALLER:
		fire_caller(r);
		break;
	case DEADLINE_QUEUE:
		fire_queue(r);
		break;
	}
}

/* fire_message - the input ended a whole timeout ago */
static void
fire_message(struct run *r)
{
	char *why;

	if (r->decided)
		return;
	if (!r->env_eof && (r->nsegs == 0 ||
	    run_segment_complete(r, &r->segs[0]))) {
		run_decide(r, OUTCOME_TEMPFAIL, QQ_TIMEOUT, xasprintf("no "
		    "envelope %us after the message", r->conf->timeout));
		return;
	}
	/* Who held an output open is asked before anything is killed. */
	why = timed_out(r, xasprintf("message timed out after %us",
	    r->conf->timeout));
	run_stop(r, STATUS_TIMEOUT);
	run_decide(r, OUTCOME_TEMPFAIL, -1, why);
}

/*
 * timed_out - the reason for a timeout, why (malloc'd), with the process
 * that holds the output of an ended stage open, if one does: that, not
 * the stage waited for, is what the time went on
 */
static char *
timed_out(const struct run *r, char *why)
{
	char *held, *both;

	if ((held = run_hops_held(r)) == NULL)
		return why;
	both = xasprintf("%s; %s", why, held);
	free(why);
	free(held);
	return both;
}

/* fire_input - no byte of the message moved for a whole timeout */
static void
fire_input(struct run *r)
{
	struct stage_run *who;
	unsigned limit = r->conf->timeout;

	if (r->decided)
		return;
	/* The spool (who NULL) always takes what it is given. */
	if (!run_hops_stuck(&r->hops[0], &who) || who == NULL)
		run_decide(r, OUTCOME_TEMPFAIL, QQ_TIMEOUT,
		    xasprintf("no input for %us", limit));
	else {
		who->kill_as = STATUS_TIMEOUT;
		run_decide(r, OUTCOME_TEMPFAIL, -1, xasprintf("stage %s read "
		    "nothing for %us", who->conf->name, limit));
	}
}

/*
 * fire_caller - the caller sent nothing for a whole timeout: stop reading
 * it, but still wait for qmail-queue (DEADLINE_QUEUE) so it is reaped, not
 * orphaned
 */
static void
fire_caller(struct run *r)
{
	msg_warn("caller sent nothing for %us; not waiting for the end of "
	    "its input", r->conf->timeout);
	if (!r->env_eof) {
		r->env_eof = 1;
		if (r->env_code == QQ_OK)
			r->env_code = QQ_READ_ERROR;
	}
	(void)pump_close(&r->hops[0].pump);
}

/*
 * fire_reap - stages still there a grace after SIGKILL: hi-q may not
 * signal them (they changed their real uid), or they are stuck in the
 * kernel.  Each is named, and hi-q goes on without it.
 */
static void
fire_reap(struct run *r)
{
	struct stage_run *s;
	size_t i;

	for (i = 0; i < r->n; i++) {
		s = &r->st[i];
		if (s->done || s->left)
			continue;
		msg_warn("stage %s (pid %ld) still runs %us after SIGKILL; "
		    "hi-q goes on without it", s->conf->name, (long)s->pid,
		    DEADLINE_REAP_GRACE);
		s->left = 1;
	}
}

/* fire_queue - qmail-queue outlived a whole timeout after the verdict */
static void
fire_queue(struct run *r)
{
	msg_warn("qmail-queue (pid %ld) has not exited after %us",
	    (long)r->q.pid, r->conf->timeout);
	r->gave_up = 1;
	if (r->q.committed) {
		/* Queued or not, nobody knows: let it be retried. */
		r->code = QQ_TEMP_REJECT;
		free(r->reason);
		r->reason = xstrdup("qmail-queue did not exit");
	}
}

static void
poll_add(struct pollfd *pfd, size_t *n, int fd, short events, int *at)
{
	pfd[*n].fd = fd;
	pfd[*n].events = events;
	pfd[*n].revents = 0;
	*at = (int)(*n)++;
}

/*
 * poll_set - fill r->pfd: the signalfd first, then fd 1 (*i_env), the
 * pumps, the envelope pipe to qmail-queue (*i_qe), and the watches kept
 * after their stage exited or a milter's socket (a stage has one or the
 * other, never both); -1 when not polled
 */
static size_t
poll_set(struct run *r, int *i_env, int *i_qe)
{
	struct hop *h;
	size_t n = 0, i;
	short events;
	int at, fd;

	*i_env = *i_qe = -1;
	poll_add(r->pfd, &n, r->sigfd, POLLIN, &at);
	if (!r->env_eof)
		poll_add(r->pfd, &n, 1, POLLIN, i_env);
	for (i = 0; i < r->nhops; i++) {
		h = &r->hops[i];
		h->pfirst = n;
		h->pcnt = h->pumped ? pump_events(&h->pump, &r->pfd[n],
		    &r->pidx[n]) : 0;
		n += h->pcnt;
	}
	if (queue_envelope_fd(&r->q) != -1)
		poll_add(r->pfd, &n, queue_envelope_fd(&r->q), POLLOUT, i_qe);
	for (i = 0; i < r->n; i++) {
		r->st[i].pwatch = r->st[i].pmilter = -1;
		if (r->st[i].done && r->st[i].fd_in != -1)
			poll_add(r->pfd, &n, r->st[i].fd_in, POLLIN,
			    &r->st[i].pwatch);
		else if (run_milter_events(&r->st[i], &fd, &events))
			poll_add(r->pfd, &n, fd, events, &r->st[i].pmilter);
	}
	return n;
}

/* step - one poll and everything it reported */
static void
step(struct run *r)
{
	struct hop *h;
	size_t n, i;
	int i_env, i_qe, timeout_ms;
	double d, t;

	n = poll_set(r, &i_env, &i_qe);
	d = deadline_next(r->dl, deadlines(r));
	t = run_now();
	if (d < 0)
		timeout_ms = -1;
	else if (d <= t)
		timeout_ms = 0;
	else
		timeout_ms = (int)ceil((d - t) * 1000.0);
	if (poll(r->pfd, (nfds_t)n, timeout_ms) == -1) {
		if (errno == EINTR)
			return;
		die_sys(QQ_INTERNAL, "poll");
	}
	if (r->pfd[0].revents & POLLIN) {
		run_signals_read(r);
		run_reap_queue(r);
		run_reap_stages(r);
	}
	if (i_env >= 0 && r->pfd[i_env].revents)
		run_envread(r);
	for (i = 0; i < r->nhops; i++) {
		h = &r->hops[i];
		if (h->pcnt > 0)
			run_hops_handle(r, h, pump_step(&h->pump,
			    &r->pfd[h->pfirst], &r->pidx[h->pfirst], h->pcnt));
	}
	if (i_qe >= 0 && r->pfd[i_qe].revents)
		queue_envelope_now(r);
	for (i = 0; i < r->n; i++) {
		if (r->st[i].pwatch >= 0 && r->pfd[r->st[i].pwatch].revents)
			run_reap_check_watch(r, &r->st[i],
			    r->pfd[r->st[i].pwatch].revents & POLLHUP);
		if (r->st[i].pmilter >= 0 && !r->st[i].done &&
		    r->pfd[r->st[i].pmilter].revents)
			run_milter_step(r, &r->st[i],
			    r->pfd[r->st[i].pmilter].revents);
	}
	t = run_now();
	run_hops_watch_stalls(r, t);
	fire_due(r, t);
}

/* caller_done - fd 0 has ended, or is qmail-queue's to read */
static int
caller_done(const struct run *r)
{
	return !r->hops[0].pumped || pump_ended(&r->hops[0].pump);
}

static int
inputs_done(const struct run *r)
{
	return caller_done(r) && r->env_eof;
}

/*
 * advance - the segments, one after another: one that is complete hands
 * on what it left (run_segment_finish()), and the next starts once the
 * message and the envelope are in, unless a stage said discard
 */
static void
advance(struct run *r)
{
	struct segment *g;

	while (!r->decided && r->seg < r->nsegs) {
		g = &r->segs[r->seg];
		if (g->state == SEGMENT_RUNNING) {
			if (!run_segment_complete(r, g))
				return;
			run_segment_finish(r, g);
			r->seg++;
			continue;
		}
		if (!inputs_done(r) || r->env_code != QQ_OK)
			return;
		if (run_segment_discarded(r)) {
			run_segment_unreached(r);
			return;
		}
		run_segment_start(r, g);
	}
}

/* queue_envelope_now - the envelope as it stands, to qmail-queue */
static void
queue_envelope_now(struct run *r)
{
	const char *data;
	const struct envelope *e = run_envelope_now(r, &data);

	queue_write_envelope(&r->q, data, e->used);
}

/* run_init - a run of conf, with die()'s cleanup and hi-q's signals */
static void
run_init(struct run *r, const struct conf *conf, char *const env[])
{
	memset(r, 0, sizeof(*r));
	r->conf = conf;
	r->env = env;
	r->n = conf->nstages;
	r->st = xcalloc(r->n ? r->n : 1, sizeof(*r->st));
	r->clocks = xcalloc(r->n ? r->n : 1, sizeof(*r->clocks));
	queue_init(&r->q);
	r->msg = -1;
	r->ppid = getppid();
	r->code = -1;
	r->t_in_end = r->t_term = r->t_kill = -1;
	r->t0 = r->last_progress = run_now();
	buf_init(&r->envbuf, RUN_ENVELOPE_MAX);
	buf_init(&r->newenv, RUN_ENVELOPE_MAX);
	run_on_die(r);
	run_signals_setup(r);
}

/* run_polls - room for step()'s pollfds and deadlines, once hops exist */
static void
run_polls(struct run *r)
{
	size_t hops = r->hops_cap > r->nhops ? r->hops_cap : r->nhops;

	r->pfd = xcalloc(3 + hops * PUMP_MAXPOLL + r->n, sizeof(*r->pfd));
	r->pidx = xcalloc(3 + hops * PUMP_MAXPOLL + r->n, sizeof(*r->pidx));
	r->dl = xcalloc(DEADLINE_MAX(r->n), sizeof(*r->dl));
}

int
run_message(const struct conf *conf, char *const env[])
{
	static struct run run;
	struct run *r = &run;

	run_init(r, conf, env);
	r->reply_ok = run_finish_reply_usable(conf->reply_fd);
	run_start(r);
	run_polls(r);

	/*
	 * Running: until every segment has run, every stage is judged and
	 * every byte moved.
	 */
	advance(r);
	while (!r->decided && !(r->seg == r->nsegs && inputs_done(r))) {
		step(r);
		advance(r);
	}
	if (!r->decided)
		run_finish_judge(r);

	/*
	 * Decided: commit or not, reap, drain the caller.  Giving up (a
	 * signal, a qmail-queue that does not exit) ends the wait for the
	 * caller and qmail-queue, not for the stages: those are bounded by
	 * their own deadlines.
	 */
	while (!run_stages_done(r) || (!r->gave_up && !(inputs_done(r) &&
	    (r->q.pid <= 0 || r->q.done))))
		step(r);
	run_reap_stragglers(r);
	return run_finish(r);
}

/*
 * run_drain - the run's own drain of the caller, for an exit before any
 * message run: a run with nothing to start, decided from the outset
 */
void
run_drain(unsigned idle)
{
	static struct conf none;
	static struct run run;
	struct run *r = &run;
	int skip0, skip1;

	/* A person at a terminal is not a caller to unblock. */
	skip0 = isatty(0) || fcntl(0, F_GETFL) == -1;
	skip1 = isatty(1) || fcntl(1, F_GETFL) == -1;
	none.timeout = idle;
	none.reply_fd = -1;
	run_init(r, &none, NULL);
	r->env_code = QQ_BAD_CONFIG;	/* the envelope is not kept */
	r->env_eof = skip1;
	run_caller_hop(r);
	run_caller_drain(r);
	if (skip0)
		(void)pump_close(&r->hops[0].pump);
	run_polls(r);
	run_decide(r, OUTCOME_TEMPFAIL, QQ_BAD_CONFIG, NULL);
	while (!r->gave_up && !inputs_done(r))
		step(r);
	run_on_die(NULL);
}
