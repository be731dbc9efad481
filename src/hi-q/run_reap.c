/*
 * run_reap.c - what ends: stages, qmail-queue, and what they leave
 *
 * DESCRIPTION
 *	run_reap_stages(r) collects every stage that has exited and judges it
 *	(judge.c); the group's leader is only observed, so that its zombie
 *	pins the group id until run_reap_stragglers(r), at the end, kills
 *	the group and reaps it without waiting.  run_reap_queue(r) notes
 *	qmail-queue's exit.  A zone stage that passed its rules is judged by
 *	its score once its header blocks are read (run_settle_zone()).  A
 *	stage's watch (the read end of its stdin, kept) says whether it left
 *	input unread, however late it was written (run_reap_check_watch()).
 *
 * ERRORS
 *	waitpid() or waitid() failures die QQ_INTERNAL; everything else is
 *	a verdict through run_decide().
 */
#include <sys/types.h>
#include <sys/ioctl.h>
#include <sys/wait.h>

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "judge.h"
#include "msg.h"
#include "pump.h"
#include "qq.h"
#include "queue.h"
#include "run_int.h"
#include "xalloc.h"
#include "zone.h"

static void	 stage_ended(struct run *, struct stage_run *, int, int);
static int	 writer_running(const struct stage_run *);

/*
 * run_reap_queue - has qmail-queue exited?  Before the commit that is a
 * fault, and it goes first: the stage deaths it caused must not decide
 * the verdict before its own code does.
 */
void
run_reap_queue(struct run *r)
{
	int st, rc;

	if ((rc = queue_reap(&r->q)) == -1)
		die_sys(QQ_INTERNAL, "waitpid qmail-queue");
	if (rc == 0)
		return;
	if (r->direct) {
		/* fd 0 is ours again: read what is left. */
		run_caller_drain(r);
		r->last_progress = run_now();
	}
	if (r->q.committed || r->decided)
		return;
	st = r->q.status;
	if (WIFEXITED(st) && WEXITSTATUS(st) != 0)
		run_decide(r, OUTCOME_TEMPFAIL, WEXITSTATUS(st),
		    xasprintf("qmail-queue exited %d", WEXITSTATUS(st)));
	else
		run_decide(r, OUTCOME_TEMPFAIL, QQ_TEMP_REJECT,
		    xasprintf("qmail-queue ended before it had the envelope"));
}

/* run_reap_stages - collect every stage that has ended */
void
run_reap_stages(struct run *r)
{
	struct stage_run *s;
	siginfo_t si;
	size_t i;
	pid_t p;
	int st;

	for (i = 0; i < r->n; i++) {
		s = &r->st[i];
		if (s->done || s->pid <= 0)
			continue;
		if (s->pid == r->leader) {
			/* Observe, do not reap: the zombie pins the pgid. */
			memset(&si, 0, sizeof(si));
			while (waitid(P_PID, (id_t)s->pid, &si,
			    WEXITED | WNOHANG | WNOWAIT) == -1)
				if (errno != EINTR)
					die_sys(QQ_INTERNAL, "waitid");
			if (si.si_pid == s->pid)
				stage_ended(r, s, si.si_code != CLD_EXITED,
				    si.si_status);
			continue;
		}
		while ((p = waitpid(s->pid, &st, WNOHANG)) == -1 &&
		    errno == EINTR)
			continue;
		if (p == -1)
			die_sys(QQ_INTERNAL, "waitpid %s", s->conf->name);
		if (p != 0)
			stage_ended(r, s, !WIFEXITED(st), WIFEXITED(st) ?
			    WEXITSTATUS(st) : WTERMSIG(st));
	}
}

/*
 * stage_ended - a stage exited (or, signaled, was killed by signal
 * value): judge it, and start the clock of the stage it fed
 */
static void
stage_ended(struct run *r, struct stage_run *s, int signaled, int value)
{
	const char *text;
	char *why;
	int unread = 0;

	s->done = 1;
	s->t_exit = run_now();
	s->rep.status = signaled ? STATUS_SIGNALED : STATUS_EXITED;
	s->rep.value = value;
	if (s->fd_in != -1) {
		if (ioctl(s->fd_in, FIONREAD, &unread) == -1)
			unread = 0;
		if (!writer_running(s)) {
			(void)close(s->fd_in);	/* a read end */
			s->fd_in = -1;
		}
	}
	if (s->out != NULL && !s->out->pumped && s->out->dst[0]->done)
		run_reap_check_watch(r, s->out->dst[0], 1);
	if (s->out != NULL && !s->out->pumped &&
	    s->out->dst[0]->clock->t_in < 0)
		s->out->dst[0]->clock->t_in = s->t_exit;
	if (s->clock->t_in >= 0 && s->t_exit > s->clock->t_in)
		s->rep.seconds = s->t_exit - s->clock->t_in;
	switch (judge_stage(s->conf, &s->rep, s->kill_as, unread, r->decided,
	    run_segment_said(s), &why, &text)) {
	case JUDGE_DECIDES:
		run_decide_stage(r, s, why, text);
		break;
	case JUDGE_PASSES:
		if (s->conf->zone.header != NULL) {
			s->zone_pending = 1;
			run_settle_zone(r, s);
		}
		break;
	case JUDGE_STOPPED:
		break;
	}
}

/* writer_running - is s fed by a plain pipe from a stage still running? */
static int
writer_running(const struct stage_run *s)
{
	return s->in != NULL && !s->in->pumped && s->in->src != NULL &&
	    !s->in->src->done;
}

/*
 * run_reap_check_watch - the watch of a stage that has exited, while its writer
 * may still write (writer_gone: it has not): a byte found there was
 * written and will never be read, and that is the stage's fault, however
 * late it came.  The watch is closed once it has said so, or once the
 * writer is gone.
 */
void
run_reap_check_watch(struct run *r, struct stage_run *s, int writer_gone)
{
	char *why;
	int unread = 0;

	if (s->fd_in == -1)
		return;
	if (ioctl(s->fd_in, FIONREAD, &unread) == -1)
		unread = 0;
	if (unread == 0 && !writer_gone)
		return;
	(void)close(s->fd_in);	/* a read end */
	s->fd_in = -1;
	if (unread > 0 && judge_unread(s->conf, &s->rep, 1, s->kill_as,
	    r->decided, &why) == JUDGE_DECIDES)
		run_decide(r, OUTCOME_TEMPFAIL, -1, why);
}

/*
 * run_reap_stragglers - at the end: SIGKILL to the group, for what the stages
 * left behind in it, and the leader reaped
 *
 *	Every stage has ended or was left behind by now (run_message() waits
 *	for that, bounded by DEADLINE_REAP), so nothing here waits: a leader
 *	that has ended is a zombie, and one left behind is not waited for.
 *	From here on the group is never signalled again.
 */
void
run_reap_stragglers(struct run *r)
{
	struct stage_run *s;
	size_t i;
	int st;

	if (r->leader <= 0 || r->leader_reaped)
		return;
	run_kill(r, SIGKILL);
	for (i = 0; i < r->n; i++) {
		s = &r->st[i];
		if (s->pid != r->leader || !s->done)
			continue;
		while (waitpid(s->pid, &st, WNOHANG) == -1 && errno == EINTR)
			continue;
	}
	r->leader_reaped = 1;
}
