/*
 * run.c - the core of one message's run: its clock, its verdict, the stop
 *
 * DESCRIPTION
 *	What every part of the run (run_int.h) may ask or do, and nothing
 *	that calls a part: run_now() is the run's one clock; run_decide()
 *	records the verdict, once, and stops what still runs (run_stop():
 *	SIGTERM now, SIGKILL after the grace, run_kill_now(); a milter still
 *	talking has its session closed at once); run_kill()
 *	signals the stages' group and every stage still a child of hi-q's;
 *	run_decide_stage() is run_decide() for a stage whose outcome decides
 *	the message, with its rule's SMTP text; run_settle_zone() judges a
 *	zone stage by its score once hi-q has read enough of its bytes;
 *	run_stages_done() says whether every stage has ended or was left
 *	behind.  run_caller_hop() builds the one hop of a run in which no
 *	stage reads the message, and run_caller_drain() switches it on.
 *	run_on_die() hands die() the run to clean up after.
 *
 *	The stages run in a process group whose leader is the first stage.
 *	The leader is not reaped until the very end (run_reap.c observes its
 *	exit with waitid(WNOWAIT)): while it is a zombie its pid, and so the
 *	group id, cannot be reused, so killing the group can never hit a
 *	stranger.  Each stage is signalled by its own pid as well, so one
 *	that left the group (setsid) is stopped too; a pid is signalled only
 *	while it is a child of hi-q not yet reaped, which no other process
 *	can be.
 *
 * ERRORS
 *	The clock failing dies QQ_INTERNAL; a signal that cannot be sent is
 *	named in a warning.  Nothing else here fails.
 */
#include <sys/types.h>
#include <sys/wait.h>

#include <assert.h>
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "judge.h"
#include "milter_session.h"
#include "msg.h"
#include "pump.h"
#include "qq.h"
#include "queue.h"
#include "run_int.h"
#include "xalloc.h"
#include "zone.h"

/* Only for die()'s cleanup, which gets no argument. */
static struct run *dying;

static void	 cleanup(void);
static int	 unreaped(const struct run *, const struct stage_run *);
static void	 kill_stage(struct run *, struct stage_run *, int);
static int	 zone_ready(const struct stage_run *);
static int	 tap_read(const struct zone_tap *, const struct hop *);

/* run_now - the monotonic clock, in seconds; every time of the run */
double
run_now(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts) == -1)
		die_sys(QQ_INTERNAL, "clock_gettime");
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/*
 * run_caller_hop - the one hop of a run in which no stage reads the
 * message: hi-q's fd 0, going nowhere
 *
 *	It starts idle, not polled: with no stage to run, qmail-queue reads
 *	fd 0 itself.  run_caller_drain() switches it on when nobody else
 *	will read fd 0 (qmail-queue is gone, hi-q refuses the message before
 *	any stage starts, hi-q exits before any message): from then on the
 *	run reads fd 0 to its end and drops it, so the caller never blocks.
 */
void
run_caller_hop(struct run *r)
{
	if (r->hops == NULL)
		r->hops = xcalloc(1, sizeof(*r->hops));
	/* No pipe was made yet: the planned first hop is reused. */
	memset(&r->hops[0], 0, sizeof(r->hops[0]));
	r->nhops = 1;
	r->hops[0].ndst = 1;
	r->hops[0].caller = 1;
	pump_init(&r->hops[0].pump, 0, -1, 0);
}

/*
 * run_refuse - the message cannot be taken (qmail-queue cannot be run,
 * no spool can be made): no stage runs (run_decide() marks them aborted),
 * and hi-q only drains its caller.  reason is malloc'd; code the exit
 * code.
 */
void
run_refuse(struct run *r, int code, char *reason)
{
	run_caller_hop(r);
	run_caller_drain(r);
	r->direct = 0;	/* nobody reads fd 0 now: hi-q drains it */
	msg_warn("%s", reason);
	run_decide(r, OUTCOME_TEMPFAIL, code, reason);
}

void
run_caller_drain(struct run *r)
{
	r->hops[0].pumped = 1;
	(void)pump_drain(&r->hops[0].pump);
}

/* run_on_die - the run die() cleans up after (cleanup()); NULL: none */
void
run_on_die(struct run *r)
{
	dying = r;
	msg_cleanup(cleanup);
}

/*
 * cleanup - die()'s last act: never commit, leave no child behind
 *
 *	Closing qmail-queue's pipes unwritten makes it give up without
 *	queueing.  The stages are killed, the group and each by its pid;
 *	they are reaped if they go within a second, and otherwise named and
 *	left to init, since hi-q is exiting anyway.
 */
static void
cleanup(void)
{
	struct run *r = dying;
	struct stage_run *s;
	struct timespec ms = { 0, 10 * 1000 * 1000 };
	size_t i, j;
	int st, left = 1;

	if (r == NULL)
		return;
	queue_abandon(&r->q);
	for (i = 0; i < r->nhops; i++)
		if (r->hops[i].pumped)
			(void)pump_close(&r->hops[i].pump);
	if (r->msg != -1)
		(void)close(r->msg);	/* unlinked: it vanishes */
	run_kill(r, SIGKILL);
	for (j = 0; j < 100 && left; j++) {
		if (j > 0)
			(void)nanosleep(&ms, NULL);
		for (i = 0, left = 0; i < r->n; i++) {
			s = &r->st[i];
			if (!unreaped(r, s))
				continue;
			if (waitpid(s->pid, &st, WNOHANG) <= 0) {
				left = 1;
				continue;
			}
			s->done = 1;
			if (s->pid == r->leader)
				r->leader_reaped = 1;
		}
	}
	for (i = 0; i < r->n; i++)
		if (unreaped(r, &r->st[i]) && !r->st[i].done)
			msg_warn("stage %s (pid %ld) still runs after SIGKILL; "
			    "hi-q exits without it", r->st[i].conf->name,
			    (long)r->st[i].pid);
}

/*
 * unreaped - is s a child of hi-q's not yet reaped, running or a zombie?
 * Only then does its pid name it and nobody else.  A stage is marked done
 * in the step that reaps it (run_reap.c), but for the leader, which is reaped
 * only at the end (run_reap_stragglers()).
 */
static int
unreaped(const struct run *r, const struct stage_run *s)
{
	if (s->pid <= 0)
		return 0;
	if (s->pid == r->leader)
		return !r->leader_reaped;
	return !s->done;
}

/*
 * run_decide - the verdict is known: stop what still runs
 *
 *	The first decision stands; later events are only logged.  code is an
 *	exit code that overrides the verdict's (-1: the verdict's own), reason
 *	a malloc'd text or NULL.
 */
void
run_decide(struct run *r, enum outcome verdict, int code, char *reason)
{
	size_t i;

	if (r->decided) {
		free(reason);
		return;
	}
	r->decided = 1;
	r->verdict = verdict;
	r->code = code;
	r->reason = reason;
	r->t_decided = run_now();
	/*
	 * A segment not started never will be: as if stopped at once.  So
	 * is a milter still talking: its session is closed.
	 */
	for (i = 0; i < r->n; i++)
		if (r->st[i].pid == 0 && !r->st[i].done) {
			r->st[i].done = 1;
			r->st[i].rep.status = r->st[i].kill_as !=
			    STATUS_RUNNING ? r->st[i].kill_as : STATUS_ABORTED;
			r->st[i].rep.outcome = OUTCOME_TEMPFAIL;
			milter_session_free(r->st[i].milter);
			r->st[i].milter = NULL;
		}
	if (verdict != OUTCOME_RED && verdict != OUTCOME_TEMPFAIL)
		return;
	run_stop(r, STATUS_ABORTED);
	queue_abandon(&r->q);	/* never commit */
	/* Keep reading what comes, the caller's bytes above all. */
	for (i = 0; i < r->nhops; i++)
		if (r->hops[i].pumped && pump_drain(&r->hops[i].pump) == -1)
			msg_warn_sys("close a pipe of the pipeline");
}

/*
 * run_decide_stage - s's outcome is the message's verdict, with why as the
 * reason and text (or NULL) as the SMTP reply; only the first decision
 * counts, its text included
 */
void
run_decide_stage(struct run *r, const struct stage_run *s, char *why,
    const char *text)
{
	if (!r->decided && text != NULL)
		r->reply_text = text;
	run_decide(r, s->rep.outcome, -1, why);
}

/*
 * run_fail - hi-q cannot go on with the message (a spool, a stage's
 * files, its changes): tempfail, why (malloc'd) warned and the reason;
 * s, when it has ended, is tempfail too, so the log blames it
 */
void
run_fail(struct run *r, struct stage_run *s, char *why)
{
	msg_warn("%s", why);
	if (s != NULL && s->done)
		s->rep.outcome = OUTCOME_TEMPFAIL;
	run_decide(r, OUTCOME_TEMPFAIL, -1, why);
}

/* run_stop - SIGTERM to the stages; KILL follows after the grace */
void
run_stop(struct run *r, enum stage_status as)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		if (!r->st[i].done && r->st[i].kill_as == STATUS_RUNNING)
			r->st[i].kill_as = as;
	if (run_stages_done(r) || r->t_term >= 0)
		return;
	run_kill(r, SIGTERM);
	r->t_term = run_now();
}

/*
 * run_kill - sig to the stages' group, while its leader is unreaped, and
 * to every stage still running by its own pid
 *
 *	The group reaches what the stages started; the pid reaches a stage
 *	that left the group.  A stage still running is unreaped (see
 *	unreaped()), so its pid is its own.
 */
void
run_kill(struct run *r, int sig)
{
	size_t i;

	if (r->leader > 0 && !r->leader_reaped &&
	    kill(-r->leader, sig) == -1 && errno != ESRCH && errno != EPERM)
		msg_warn_sys("kill stage group %ld", (long)r->leader);
	for (i = 0; i < r->n; i++)
		if (!r->st[i].done && unreaped(r, &r->st[i]))
			kill_stage(r, &r->st[i], sig);
}

/*
 * kill_stage - sig to one stage by its pid; a stage that refuses it
 * (EPERM: it changed its real uid) or that left the group is named, once
 */
static void
kill_stage(struct run *r, struct stage_run *s, int sig)
{
	pid_t pg;

	if (kill(s->pid, sig) == -1) {
		if (errno != ESRCH && !s->named)
			msg_warn_sys("unable to signal stage %s (pid %ld)",
			    s->conf->name, (long)s->pid);
		s->named = 1;
		return;
	}
	if (!s->named && s->pid != r->leader &&
	    (pg = getpgid(s->pid)) != -1 && pg != r->leader) {
		msg_warn("stage %s (pid %ld) left the stages' process group; "
		    "what it started is not signalled", s->conf->name,
		    (long)s->pid);
		s->named = 1;
	}
}

/* run_kill_now - SIGKILL now; the grace before hi-q goes without starts */
void
run_kill_now(struct run *r)
{
	if (r->t_kill >= 0)
		return;
	run_kill(r, SIGKILL);
	r->t_kill = run_now();
}

/*
 * run_stages_done - every stage has ended, or was left behind after
 * SIGKILL and the grace (fire_reap())
 */
int
run_stages_done(const struct run *r)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		if (!r->st[i].done && !r->st[i].left)
			return 0;
	return 1;
}

/*
 * zone_ready - has hi-q read what a zone stage's score needs?  The stage
 * has exited and passed its rules (zone_pending), and the header blocks
 * of its output and of its input are read, or those ended first.
 *
 *	A zone stage is a filter, never a check (conf.c refuses "zone" for a
 *	check), so it feeds a hop; and plan.c pumps every hop into or out of
 *	a zone stage, so both of its hops are pumps that its taps watch.
 *	Asserted here, not assumed: a tap on a hop hi-q does not copy would
 *	never see a byte.
 */
static int
zone_ready(const struct stage_run *s)
{
	if (!s->zone_pending || !s->done)
		return 0;
	assert(s->in != NULL && s->in->pumped && s->out != NULL &&
	    s->out->pumped);
	return tap_read(&s->tap, s->out) && tap_read(&s->tap_in, s->in);
}

/* tap_read - a tap has all it reads, or the hop it watches has ended */
static int
tap_read(const struct zone_tap *t, const struct hop *h)
{
	return zone_tap_settled(t) || pump_ended(&h->pump);
}

/*
 * run_settle_zone - once a zone stage has exited and hi-q has read
 * the header blocks of its output and its input (or all of them), the
 * score decides its outcome
 */
void
run_settle_zone(struct run *r, struct stage_run *s)
{
	const char *text;
	char *why;

	if (!zone_ready(s))
		return;
	s->zone_pending = 0;
	if (judge_zone(s->conf, &s->rep, &s->tap, &why, &text) ==
	    JUDGE_DECIDES)
		run_decide_stage(r, s, why, text);
}
