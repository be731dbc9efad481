/*
 * loop.c - run one message through the pipeline
 *
 * DESCRIPTION
 *	See loop.h for the contract and DESIGN.md for the data flow.  The
 *	shape of one message:
 *
 *	    fd 0 -> [pump] -> stage 1 | ... | stage N -> [pump] -> qq
 *	    fd 1 -> envelope buffer ........ (commit point) ..... qq
 *
 *	The message travels over hops.  A hop runs from a source (fd 0, or a
 *	filter stage's stdout) to a main destination (the next filter's stdin,
 *	or qmail-queue's) and to the stdin of every check placed between the
 *	two.  The first and the last hop, a hop out of a stage with a zone,
 *	and a hop that feeds a check are pumped by hi-q (pump.c); the others
 *	are plain pipes from one stage to the next.  With no stage the one hop
 *	runs from fd 0 to qmail-queue.
 *
 *	hi-q keeps the read end of every stage's stdin (the "watch"
 *	descriptor, never read): when the stage exits, FIONREAD on it says
 *	whether the stage left input unread, which would otherwise vanish
 *	silently with the pipe.
 *
 *	Everything happens in one poll(2) loop: signals arrive on a signalfd,
 *	children are reaped by pid, and every deadline is computed from
 *	CLOCK_MONOTONIC.  A message goes through three states: running (no
 *	verdict yet), decided (the verdict is known; stop what still runs,
 *	drain the caller), and done.  Only an accept verdict reached with
 *	every stage judged leads to the commit point, the one place where the
 *	envelope is written to qmail-queue.
 *
 *	The stages run in a process group whose leader is the first stage.
 *	The leader is not reaped until the very end (its exit is observed
 *	with waitid(WNOWAIT)): while it is a zombie its pid, and so the group
 *	id, cannot be reused, so killing the group can never hit a stranger.
 *	qmail-queue is not in that group: it must survive the kill, and the
 *	real one is setuid and could not be signalled anyway.
 *
 * ERRORS
 *	See loop.h.
 */
#include <sys/types.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "envelope.h"
#include "io.h"
#include "log.h"
#include "loop.h"
#include "pump.h"
#include "qq.h"
#include "spawn.h"
#include "xalloc.h"
#include "zone.h"

struct stage_run {
	const struct stage_conf	*conf;
	struct stage_report	 rep;
	pid_t			 pid;		/* 0: not running */
	int			 done;		/* status known */
	int			 wstatus;
	int			 fd_in;		/* its stdin; our watch */
	int			 fd_out;	/* its stdout, until spawned */
	size_t			 hop_in;	/* the hop that feeds it */
	int			 dst_index;	/* its place in that pump; -1 */
	int			 hop_out;	/* the hop it feeds; -1 */
	double			 t_in;		/* its input ended; -1 */
	double			 t_exit;
	const struct rule	*rule;		/* the rule that matched */
	enum stage_status	 kill_as;	/* if hi-q kills it */
	struct zone_tap		 tap;
	int			 zone_pending;	/* exited; score not read */
};

struct hop {
	int			 pumped;
	int			 src_stage;	/* act index; -1: the caller */
	int			 main_stage;	/* act index; -1: qmail-queue */
	int			 copies[PUMP_MAXDST];	/* act indices */
	size_t			 ncopies;
	struct pump		 pump;
};

struct run {
	const struct conf	*conf;
	char *const		*env;
	struct stage_run	*st;
	size_t			 n;
	size_t			*act;		/* indices of started stages */
	size_t			 nact;
	struct hop		*hops;
	size_t			 nhops;
	int			 direct;	/* fd 0 is qmail-queue's */
	struct pollfd		*pfd;		/* for step(): */
	int			*pidx;		/* pump_events' idx */
	size_t			*pfirst;	/* each hop's first pfd */
	size_t			*pcnt;		/* and how many */

	pid_t			 leader;	/* the stages' group; 0 */
	int			 leader_reaped;
	pid_t			 qq;
	int			 qq_done;
	int			 qq_status;
	int			 qq_env;	/* its fd 1, our end; -1 */
	int			 qq_env_watch;	/* its fd 1, its end */
	int			 qq_broken;	/* its stdin is gone */
	int			 committed;	/* envelope handed over */
	size_t			 env_off;	/* envelope bytes written */

	struct buf		 envbuf;
	int			 env_eof;
	struct envelope		 envelope;
	int			 env_code;

	int			 sigfd;
	int			 reply_ok;
	double			 t0;
	double			 t_in_end;	/* fd 0 ended; -1 */
	double			 last_progress;
	double			 t_decided;
	double			 t_term;	/* SIGTERM sent; -1 */
	int			 killed;	/* SIGKILL sent */

	int			 decided;
	enum outcome		 verdict;
	int			 code;		/* exit code; -1: verdict's */
	char			*reason;
	const char		*reply_text;
	int			 gave_up;	/* stop waiting, go */
};

static struct run run;

static double	 now(void);
static void	 cleanup(void);
static void	 decide(struct run *, enum outcome, int, char *);
static void	 start(struct run *);
static void	 plan_hops(struct run *);
static void	 make_pipes(struct run *, int);
static void	 reap(struct run *);
static void	 judge_stage(struct run *, size_t);
static void	 settle_zone(struct run *, size_t);
static char	*unread_reason(const struct stage_run *);
static void	 stop_stages(struct run *, enum stage_status);
static void	 kill_group(struct run *, int);
static void	 read_envelope(struct run *);
static void	 handle_hop(struct run *, size_t, enum pump_result);
static void	 write_envelope(struct run *, short);
static void	 check_timers(struct run *, double);
static double	 next_deadline(const struct run *);
static void	 step(struct run *);
static int	 all_stages_done(const struct run *);
static int	 inputs_done(const struct run *);
static int	 hops_done(const struct run *);
static void	 judge_message(struct run *);
static int	 finish(struct run *);
static int	 reply_channel_usable(int);
static const char *first_red_text(const struct stage_conf *);

static double
now(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts) == -1)
		die_sys(QQ_INTERNAL, "clock_gettime");
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/*
 * cleanup - die()'s last act: never commit, leave no child behind
 *
 *	Closing qmail-queue's pipes unwritten makes it give up without
 *	queueing.  The stages are killed; they are reaped if they go quickly,
 *	and otherwise left to init, since hi-q is exiting anyway.
 */
static void
cleanup(void)
{
	struct run *r = &run;
	struct timespec ms = { 0, 10 * 1000 * 1000 };
	size_t i, j;
	int st;

	if (r->qq_env != -1)
		(void)close(r->qq_env);
	for (i = 0; i < r->nhops; i++)
		if (r->hops[i].pumped)
			(void)pump_close(&r->hops[i].pump);
	if (r->leader > 0 && !r->leader_reaped)
		(void)kill(-r->leader, SIGKILL);
	for (j = 0; j < 100; j++) {
		for (i = 0; i < r->nact; i++)
			if (r->st[r->act[i]].pid > 0 &&
			    waitpid(r->st[r->act[i]].pid, &st, WNOHANG) > 0)
				r->st[r->act[i]].pid = 0;
		for (i = 0; i < r->nact; i++)
			if (r->st[r->act[i]].pid > 0)
				break;
		if (i == r->nact)
			break;
		(void)nanosleep(&ms, NULL);
	}
}

/*
 * decide - the verdict is known: stop what still runs
 *
 *	The first decision stands; later events are only logged.  code is an
 *	exit code that overrides the verdict's (-1: the verdict's own), reason
 *	a malloc'd text or NULL.
 */
static void
decide(struct run *r, enum outcome verdict, int code, char *reason)
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
	r->t_decided = now();
	if (verdict == OUTCOME_RED || verdict == OUTCOME_TEMPFAIL) {
		stop_stages(r, STATUS_ABORTED);
		/* Never commit: qmail-queue sees EOF and removes its files. */
		if (r->qq_env != -1 && close(r->qq_env) == -1)
			log_warn_sys("close qmail-queue envelope pipe");
		r->qq_env = -1;
		/* Keep reading what comes, the caller's bytes above all. */
		for (i = 0; i < r->nhops; i++)
			if (r->hops[i].pumped && !r->hops[i].pump.draining &&
			    pump_drain(&r->hops[i].pump) == -1)
				log_warn_sys("close a pipe of the pipeline");
	}
}

/* stop_stages - SIGTERM the group; KILL follows after the grace */
static void
stop_stages(struct run *r, enum stage_status as)
{
	size_t i;
	struct stage_run *s;

	for (i = 0; i < r->nact; i++) {
		s = &r->st[r->act[i]];
		if (!s->done && s->kill_as == STATUS_RUNNING)
			s->kill_as = as;
	}
	if (all_stages_done(r) || r->t_term >= 0)
		return;
	kill_group(r, SIGTERM);
	r->t_term = now();
}

static void
kill_group(struct run *r, int sig)
{
	if (r->leader > 0 && !r->leader_reaped &&
	    kill(-r->leader, sig) == -1 && errno != ESRCH)
		log_warn_sys("kill stage group %ld", (long)r->leader);
}

static int
all_stages_done(const struct run *r)
{
	size_t i;

	for (i = 0; i < r->nact; i++)
		if (!r->st[r->act[i]].done)
			return 0;
	return 1;
}

static int
skip_matches(const struct stage_conf *sc)
{
	const char *v;
	size_t i;

	for (i = 0; i < sc->nskips; i++) {
		v = getenv(sc->skips[i].name);
		if (v == NULL)
			continue;
		if (sc->skips[i].value == NULL ||
		    strcmp(v, sc->skips[i].value) == 0)
			return 1;
	}
	return 0;
}

/* reply_channel_usable - is fd an open pipe or socket we may write? */
static int
reply_channel_usable(int fd)
{
	struct stat sb;
	int fl;

	if (fd < 0 || (fl = fcntl(fd, F_GETFL)) == -1)
		return 0;
	if ((fl & O_ACCMODE) != O_WRONLY && (fl & O_ACCMODE) != O_RDWR)
		return 0;
	if (fstat(fd, &sb) == -1)
		return 0;
	return S_ISFIFO(sb.st_mode) || S_ISSOCK(sb.st_mode);
}

static int
xpipe(int p[2])
{
	if (pipe2(p, O_CLOEXEC) == -1)
		return -1;
	/* Best effort: the pipe works at its default size too. */
	(void)fcntl(p[1], F_SETPIPE_SZ, LOOP_PIPE_SIZE);
	return 0;
}

/*
 * plan_hops - which hop feeds which stage, and which hops hi-q pumps
 */
static void
plan_hops(struct run *r)
{
	struct stage_run *s;
	struct hop *h;
	size_t k;

	r->hops = xcalloc(r->nact + 1, sizeof(*r->hops));
	h = &r->hops[0];
	h->src_stage = -1;
	r->nhops = 1;
	for (k = 0; k < r->nact; k++) {
		s = &r->st[r->act[k]];
		s->hop_in = r->nhops - 1;
		s->hop_out = -1;
		s->dst_index = -1;
		if (s->conf->kind == STAGE_CHECK) {
			/* conf.c allows CONF_CHECKS_MAX < PUMP_MAXDST. */
			if (h->ncopies + 1 == PUMP_MAXDST)
				die(QQ_INTERNAL, "more than %d checks in a "
				    "row", PUMP_MAXDST - 1);
			h->copies[h->ncopies++] = (int)k;
			continue;
		}
		h->main_stage = (int)k;
		s->hop_out = (int)r->nhops;
		h = &r->hops[r->nhops++];
		h->src_stage = (int)k;
	}
	h->main_stage = -1;
	for (k = 0; k < r->nhops; k++) {
		h = &r->hops[k];
		h->pumped = h->src_stage < 0 || h->main_stage < 0 ||
		    h->ncopies > 0 ||
		    r->st[r->act[h->src_stage]].conf->zone.header != NULL;
	}
}

/*
 * make_pipes - a pipe for every hop end; qm is qmail-queue's stdin
 *
 *	Every descriptor is close-on-exec; spawn_program() dups the child's
 *	two into place.  Ours are non-blocking; the children's are not.
 */
static void
make_pipes(struct run *r, int qm)
{
	struct stage_run *a, *b;
	struct hop *h;
	size_t k, c;
	int p[2], src, dst, devnull = -1;

	for (k = 0; k < r->nhops; k++) {
		h = &r->hops[k];
		a = h->src_stage < 0 ? NULL : &r->st[r->act[h->src_stage]];
		b = h->main_stage < 0 ? NULL : &r->st[r->act[h->main_stage]];
		if (!h->pumped) {
			if (xpipe(p) == -1)
				die_sys(QQ_TEMP_REJECT, "unable to make a pipe");
			a->fd_out = p[1];
			b->fd_in = p[0];
			continue;
		}
		src = 0;
		if (a != NULL) {
			if (xpipe(p) == -1 || io_set_nonblock(p[0]) == -1)
				die_sys(QQ_TEMP_REJECT, "unable to make a pipe");
			a->fd_out = p[1];
			src = p[0];
		}
		dst = qm;
		if (b != NULL) {
			if (xpipe(p) == -1 || io_set_nonblock(p[1]) == -1)
				die_sys(QQ_TEMP_REJECT, "unable to make a pipe");
			b->fd_in = p[0];
			b->dst_index = 0;
			dst = p[1];
		}
		pump_init(&h->pump, src, dst, a != NULL);
		if (a != NULL && a->conf->zone.header != NULL) {
			zone_tap_init(&a->tap, &a->conf->zone);
			h->pump.tap = &a->tap;
		}
		for (c = 0; c < h->ncopies; c++) {
			b = &r->st[r->act[h->copies[c]]];
			if (xpipe(p) == -1 || io_set_nonblock(p[1]) == -1)
				die_sys(QQ_TEMP_REJECT, "unable to make a pipe");
			b->fd_in = p[0];
			b->dst_index = (int)pump_add_copy(&h->pump, p[1]);
			if (devnull == -1 && (devnull = open("/dev/null",
			    O_WRONLY | O_CLOEXEC)) == -1)
				die_sys(QQ_TEMP_REJECT, "open /dev/null");
			b->fd_out = devnull;
		}
	}
}

/*
 * start - make the pipes, start qmail-queue and the stages
 *
 *	Faults here (a program that cannot be run) are decided as tempfail
 *	at once; the loop then only drains and reaps.
 */
static void
start(struct run *r)
{
	const struct conf *c = r->conf;
	struct stage_run *s;
	int qm[2], qe[2], devnull = -1;
	size_t i, k;
	int rc;

	for (i = 0; i < r->n; i++) {
		s = &r->st[i];
		s->conf = &c->stages[i];
		s->rep.name = s->conf->name;
		s->rep.outcome = OUTCOME_GREEN;
		s->fd_in = s->fd_out = -1;
		s->t_in = -1;
		if (skip_matches(s->conf)) {
			s->rep.status = STATUS_SKIPPED;
			s->done = 1;
		} else
			r->act[r->nact++] = i;
	}

	/*
	 * With no stage to run (none configured, or every one skipped, as
	 * for an authenticated client), nothing can change the message:
	 * qmail-queue reads fd 0 itself and hi-q only holds the envelope.
	 */
	r->direct = r->nact == 0;
	if ((!r->direct && xpipe(qm) == -1) || xpipe(qe) == -1)
		die_sys(QQ_TEMP_REJECT, "unable to make a pipe");
	if (r->direct)
		qm[0] = qm[1] = -1;
	rc = spawn_program(c->queue_argv, r->env, r->direct ? 0 : qm[0],
	    qe[0], -1, &r->qq);
	if (!r->direct && close(qm[0]) == -1)
		die_sys(QQ_TEMP_REJECT, "close");
	/*
	 * Keep qmail-queue's end of the envelope pipe (never read): after it
	 * exits, bytes still in the pipe mean it never read the envelope, so
	 * its 0 cannot mean "queued".
	 */
	r->qq_env_watch = qe[0];
	r->qq_env = qe[1];
	if (rc != 0) {
		r->qq = 0;
		r->qq_done = 1;
		for (k = 0; k < r->nact; k++) {
			s = &r->st[r->act[k]];
			s->done = 1;
			s->rep.status = STATUS_ABORTED;
			s->rep.outcome = OUTCOME_TEMPFAIL;
		}
		r->hops = xcalloc(1, sizeof(*r->hops));
		r->nhops = 1;
		r->hops[0].pumped = 1;
		pump_init(&r->hops[0].pump, 0, qm[1], 0);
		r->direct = 0;	/* nobody reads fd 0 now: hi-q drains it */
		errno = rc;
		log_warn_sys("unable to run %s", c->queue_argv[0]);
		decide(r, OUTCOME_TEMPFAIL, QQ_TEMP_REJECT,
		    xasprintf("unable to run %s: %s", c->queue_argv[0],
		    strerror(rc)));
		return;
	}
	if ((!r->direct && io_set_nonblock(qm[1]) == -1) ||
	    io_set_nonblock(qe[1]) == -1)
		die_sys(QQ_TEMP_REJECT, "fcntl");
	if (r->direct) {
		/* Hop 0 stays idle until qmail-queue is gone (reap()). */
		r->hops = xcalloc(1, sizeof(*r->hops));
		r->nhops = 1;
		pump_init(&r->hops[0].pump, 0, -1, 0);
		r->hops[0].pump.eof = 1;
		return;
	}
	plan_hops(r);
	make_pipes(r, qm[1]);

	for (k = 0; k < r->nact; k++) {
		s = &r->st[r->act[k]];
		if (r->decided) {
			/* An earlier stage could not start: do not start. */
			s->done = 1;
			s->rep.status = STATUS_ABORTED;
			s->rep.outcome = OUTCOME_TEMPFAIL;
			continue;
		}
		rc = spawn_program(s->conf->argv, r->env, s->fd_in, s->fd_out,
		    r->leader > 0 ? r->leader : 0, &s->pid);
		if (rc != 0) {
			s->pid = 0;
			s->done = 1;
			s->t_exit = now();
			s->rep.status = STATUS_NOEXEC;
			s->rep.value = rc;
			s->rep.outcome = OUTCOME_TEMPFAIL;
			errno = rc;
			log_warn_sys("unable to run stage %s: %s",
			    s->conf->name, s->conf->argv[0]);
			decide(r, OUTCOME_TEMPFAIL, -1,
			    xasprintf("unable to run stage %s: %s",
			    s->conf->name, strerror(rc)));
			continue;
		}
		if (r->leader == 0)
			r->leader = s->pid;
	}
	/* The children have their ends; ours would keep EOF away. */
	for (k = 0; k < r->nact; k++) {
		s = &r->st[r->act[k]];
		if (s->conf->kind == STAGE_CHECK)
			devnull = s->fd_out;
		else if (s->fd_out != -1 && close(s->fd_out) == -1)
			die_sys(QQ_TEMP_REJECT, "close");
		s->fd_out = -1;
	}
	if (devnull != -1 && close(devnull) == -1)
		die_sys(QQ_TEMP_REJECT, "close");
}

/*
 * reap - collect every child that has changed state
 *
 *	qmail-queue first: when it failed, the stage deaths it caused must
 *	not decide the verdict before its own code does.
 */
static void
reap(struct run *r)
{
	struct stage_run *s;
	siginfo_t si;
	size_t i;
	pid_t p;
	int st;

	if (r->qq > 0 && !r->qq_done) {
		while ((p = waitpid(r->qq, &st, WNOHANG)) == -1 &&
		    errno == EINTR)
			continue;
		if (p == r->qq) {
			r->qq_done = 1;
			r->qq_status = st;
			if (r->direct) {
				/* fd 0 is ours again: read what is left. */
				r->hops[0].pumped = 1;
				r->hops[0].pump.eof = 0;
				r->hops[0].pump.draining = 1;
				r->last_progress = now();
			}
		} else if (p == -1)
			die_sys(QQ_INTERNAL, "waitpid qmail-queue");
		if (r->qq_done && !r->committed && !r->decided) {
			if (WIFEXITED(st) && WEXITSTATUS(st) != 0)
				decide(r, OUTCOME_TEMPFAIL, WEXITSTATUS(st),
				    xasprintf("qmail-queue exited %d",
				    WEXITSTATUS(st)));
			else
				decide(r, OUTCOME_TEMPFAIL, QQ_TEMP_REJECT,
				    xasprintf("qmail-queue ended before "
				    "it had the envelope"));
		}
	}
	for (i = 0; i < r->nact; i++) {
		s = &r->st[r->act[i]];
		if (s->done || s->pid <= 0)
			continue;
		if (s->pid == r->leader) {
			/* Observe, do not reap: the zombie pins the pgid. */
			memset(&si, 0, sizeof(si));
			while (waitid(P_PID, (id_t)s->pid, &si,
			    WEXITED | WNOHANG | WNOWAIT) == -1) {
				if (errno != EINTR)
					die_sys(QQ_INTERNAL, "waitid");
			}
			if (si.si_pid != s->pid)
				continue;
			st = si.si_code == CLD_EXITED ?
			    (si.si_status & 0xff) << 8 : si.si_status & 0x7f;
		} else {
			while ((p = waitpid(s->pid, &st, WNOHANG)) == -1 &&
			    errno == EINTR)
				continue;
			if (p == -1)
				die_sys(QQ_INTERNAL, "waitpid %s",
				    s->conf->name);
			if (p == 0)
				continue;
		}
		s->done = 1;
		s->wstatus = st;
		s->t_exit = now();
		judge_stage(r, i);
	}
}

/*
 * unread_reason - the one text for a stage that left input unread
 *
 *	hi-q finds out either from the bytes left in the pipe when the stage
 *	exits or from the write that fails after it; which comes first is a
 *	race, so both say the same.
 */
static char *
unread_reason(const struct stage_run *s)
{
	return xasprintf("stage %s exited without reading all of its input",
	    s->conf->name);
}

/* first_red_text - the SMTP text of a stage's first red rule, or NULL */
static const char *
first_red_text(const struct stage_conf *sc)
{
	size_t i;

	for (i = 0; i < sc->nrules; i++)
		if (sc->rules[i].outcome == OUTCOME_RED &&
		    sc->rules[i].text != NULL)
			return sc->rules[i].text;
	return NULL;
}

/*
 * judge_stage - a stage has exited: its outcome, and what it says about
 * the next hop
 */
static void
judge_stage(struct run *r, size_t k)
{
	struct stage_run *s = &r->st[r->act[k]];
	int unread = 0;
	char *why;

	if (s->fd_in != -1) {
		if (ioctl(s->fd_in, FIONREAD, &unread) == -1)
			unread = 0;
		(void)close(s->fd_in);	/* a read end: nothing to lose */
		s->fd_in = -1;
	}
	if (s->hop_out >= 0 && !r->hops[s->hop_out].pumped &&
	    r->st[r->act[r->hops[s->hop_out].main_stage]].t_in < 0)
		r->st[r->act[r->hops[s->hop_out].main_stage]].t_in =
		    s->t_exit;
	if (s->t_in >= 0 && s->t_exit > s->t_in)
		s->rep.seconds = s->t_exit - s->t_in;

	if (WIFEXITED(s->wstatus)) {
		s->rep.status = STATUS_EXITED;
		s->rep.value = WEXITSTATUS(s->wstatus);
	} else {
		s->rep.status = STATUS_SIGNALED;
		s->rep.value = WTERMSIG(s->wstatus);
	}
	if (s->kill_as != STATUS_RUNNING) {
		/*
		 * hi-q stopped it, after deciding (kill_as is only set with
		 * a decision): its status says nothing of the message.
		 */
		s->rep.status = s->kill_as;
		s->rep.outcome = OUTCOME_TEMPFAIL;
		return;
	}
	s->rep.outcome = verdict_map(s->conf->rules, s->conf->nrules,
	    s->wstatus, &s->rule);
	if (s->rep.outcome == OUTCOME_RED || s->rep.outcome == OUTCOME_TEMPFAIL) {
		if (!r->decided && s->rule != NULL && s->rule->text != NULL)
			r->reply_text = s->rule->text;
		if (s->rule != NULL && s->rule->text != NULL)
			why = xstrdup(s->rule->text);
		else if (s->rep.status == STATUS_EXITED)
			why = xasprintf("stage %s exited %d", s->conf->name,
			    s->rep.value);
		else
			why = xasprintf("stage %s killed by signal %d",
			    s->conf->name, s->rep.value);
		decide(r, s->rep.outcome, -1, why);
		return;
	}
	/*
	 * It would pass the message on: did it take all of it?  (If it
	 * left before the end of a stream still coming, the next write to
	 * its pipe fails and handle_hop() or the stage before it finds out.)
	 */
	if (unread > 0) {
		s->rep.outcome = OUTCOME_TEMPFAIL;
		decide(r, OUTCOME_TEMPFAIL, -1, unread_reason(s));
		return;
	}
	if (s->conf->zone.header != NULL) {
		s->zone_pending = 1;
		settle_zone(r, k);
	}
}

/*
 * settle_zone - once a zone stage has exited and hi-q has read its header
 * block (or all of its output), the score decides its outcome
 */
static void
settle_zone(struct run *r, size_t k)
{
	struct stage_run *s = &r->st[r->act[k]];
	const struct pump *p = &r->hops[s->hop_out].pump;
	enum outcome o;
	char *why;

	if (!s->zone_pending || !s->done ||
	    !(s->tap.done || s->tap.overflow || p->eof))
		return;
	s->zone_pending = 0;
	o = zone_judge(&s->tap, &why);
	if (s->tap.have_score) {
		s->rep.have_score = 1;
		s->rep.score = s->tap.score;
		s->rep.required = s->tap.required;
	}
	s->rep.outcome = verdict_combine(s->rep.outcome, o);
	switch (s->rep.outcome) {
	case OUTCOME_RED:
		if (!r->decided)
			r->reply_text = first_red_text(s->conf);
		if (r->reply_text != NULL)
			decide(r, OUTCOME_RED, -1, xstrdup(r->reply_text));
		else if (s->tap.have_score)
			decide(r, OUTCOME_RED, -1, xasprintf("stage %s scored "
			    "%.1f, red from %.1f", s->conf->name,
			    s->tap.score, s->conf->zone.absolute ?
			    s->conf->zone.red_at : s->tap.required +
			    s->conf->zone.margin));
		else
			decide(r, OUTCOME_RED, -1, xasprintf("stage %s: %s",
			    s->conf->name, why != NULL ? why : "red"));
		free(why);
		break;
	case OUTCOME_TEMPFAIL:
		decide(r, OUTCOME_TEMPFAIL, -1, xasprintf("stage %s: %s",
		    s->conf->name, why != NULL ? why : "tempfail"));
		free(why);
		break;
	case OUTCOME_GREEN:
	case OUTCOME_YELLOW:
	case OUTCOME_DISCARD:
		free(why);
		break;
	}
}

static void
read_envelope(struct run *r)
{
	char chunk[65536];
	ssize_t n;

	n = io_read(1, chunk, sizeof(chunk));
	if (n == -1) {
		if (errno == EAGAIN)
			return;
		log_warn_sys("read envelope");
		r->env_eof = 1;
		r->env_code = QQ_READ_ERROR;
	} else if (n == 0) {
		r->env_eof = 1;
		if (r->direct && r->t_in_end < 0)
			r->t_in_end = now();	/* the caller's last act */
	} else {
		r->last_progress = now();
		if (r->env_code == QQ_OK &&
		    buf_append(&r->envbuf, chunk, (size_t)n) == -1)
			r->env_code = QQ_OOM;	/* keep draining */
		return;
	}
	if (r->env_code == QQ_OK)
		r->env_code = envelope_check(r->envbuf.data, r->envbuf.len,
		    &r->envelope);
	switch (r->env_code) {
	case QQ_OK:
		if (r->envelope.used < r->envbuf.len)
			log_warn("%zu bytes after the envelope ignored",
			    r->envbuf.len - r->envelope.used);
		break;
	case QQ_READ_ERROR:
		decide(r, OUTCOME_TEMPFAIL, QQ_READ_ERROR,
		    xstrdup(r->envbuf.len == 0 ? "no envelope" :
		    "envelope truncated"));
		break;
	case QQ_OOM:
		decide(r, OUTCOME_TEMPFAIL, QQ_OOM,
		    xasprintf("envelope larger than %u bytes",
		    LOOP_ENVELOPE_MAX));
		break;
	case QQ_ADDR_TOO_LONG:
		decide(r, OUTCOME_RED, QQ_ADDR_TOO_LONG,
		    xstrdup("envelope address too long"));
		break;
	default:
		decide(r, OUTCOME_TEMPFAIL, r->env_code,
		    xstrdup("envelope format error"));
		break;
	}
}

/*
 * hop_dst_stage - the act index of the stage behind destination i of a
 * hop, or -1 for qmail-queue
 */
static int
hop_dst_stage(const struct hop *h, int i)
{
	if (i == 0)
		return h->main_stage;
	return h->copies[i - 1];
}

/* handle_hop - after a pump moved, ended or failed */
static void
handle_hop(struct run *r, size_t hi, enum pump_result pr)
{
	struct hop *h = &r->hops[hi];
	struct pump *p = &h->pump;
	struct stage_run *s;
	size_t i;
	double t;
	int k;

	switch (pr) {
	case PUMP_IDLE:
		return;
	case PUMP_MOVED:
		if (hi == 0)
			r->last_progress = now();
		if (h->src_stage >= 0)
			settle_zone(r, (size_t)h->src_stage);
		return;
	case PUMP_EOF:
		t = now();
		if (hi == 0) {
			r->last_progress = t;
			r->t_in_end = t;
		}
		for (i = 0; i < p->ndst; i++)
			if ((k = hop_dst_stage(h, (int)i)) >= 0 &&
			    r->st[r->act[k]].t_in < 0)
				r->st[r->act[k]].t_in = t;
		if (h->src_stage >= 0)
			settle_zone(r, (size_t)h->src_stage);
		return;
	case PUMP_ERROR:
		break;
	}
	if (p->err_dst < 0) {
		if (hi == 0) {
			/* Reading fd 0 failed: the caller is in trouble. */
			log_warn_sys("read message");
			decide(r, OUTCOME_TEMPFAIL, QQ_READ_ERROR,
			    xstrdup("message read error"));
			p->eof = 1;
			r->t_in_end = now();
		} else {
			log_warn_sys("read the output of stage %s",
			    r->st[r->act[h->src_stage]].conf->name);
			p->eof = 1;
			(void)pump_drain(p);
			decide(r, OUTCOME_TEMPFAIL, -1,
			    xstrdup("pipeline read error"));
		}
		return;
	}
	k = hop_dst_stage(h, p->err_dst);
	if (errno != EPIPE) {
		log_warn_sys("write to %s", k < 0 ? "qmail-queue" :
		    r->st[r->act[k]].conf->name);
		(void)pump_drain(p);
		decide(r, OUTCOME_TEMPFAIL, -1, xstrdup("pipeline write error"));
		return;
	}
	if (k < 0) {
		/* qmail-queue closed its stdin; its exit code will say why. */
		r->qq_broken = 1;
		(void)pump_drain(p);
		return;
	}
	/* A stage left before the end of its input. */
	(void)pump_drop(p, (size_t)p->err_dst);
	s = &r->st[r->act[k]];
	if (s->done && s->kill_as == STATUS_RUNNING &&
	    s->rep.outcome != OUTCOME_RED) {
		s->rep.outcome = OUTCOME_TEMPFAIL;
		decide(r, OUTCOME_TEMPFAIL, -1, unread_reason(s));
	} else if (!s->done)
		decide(r, OUTCOME_TEMPFAIL, -1, unread_reason(s));
}

/*
 * write_envelope - the commit point, a piece at a time
 *
 * WARNING
 *	Once the last byte of the envelope is written, qmail-queue may queue
 *	the message.  This runs only after judge_message() found every stage
 *	judged and the verdict accept; nothing may call it otherwise.
 */
static void
write_envelope(struct run *r, short revents)
{
	size_t len = r->envelope.used;
	ssize_t w;

	if (revents == 0 || r->qq_env == -1)
		return;
	while (r->env_off < len) {
		w = write(r->qq_env, r->envbuf.data + r->env_off,
		    len - r->env_off);
		if (w == -1) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN)
				return;
			/* qmail-queue is gone; its exit code decides. */
			log_warn_sys("write envelope to qmail-queue");
			(void)close(r->qq_env);
			r->qq_env = -1;
			return;
		}
		r->env_off += (size_t)w;
	}
	if (close(r->qq_env) == -1)
		log_warn_sys("close envelope pipe to qmail-queue");
	r->qq_env = -1;
}

static double
min_deadline(double a, double b)
{
	if (a < 0)
		return b;
	if (b < 0)
		return a;
	return a < b ? a : b;
}

/* hop0_stuck - the act index (or -1: qmail-queue) fd 0 is stuck on */
static int
hop0_stuck(const struct run *r, int *who)
{
	const struct pump *p = &r->hops[0].pump;
	size_t i;

	for (i = 0; i < p->ndst; i++)
		if (p->dst[i].fd != -1 && (p->dst[i].full ||
		    p->dst[i].off < p->len)) {
			*who = hop_dst_stage(&r->hops[0], (int)i);
			return 1;
		}
	return 0;
}

/* next_deadline - the earliest time something must happen, or -1 */
static double
next_deadline(const struct run *r)
{
	const struct stage_run *s;
	double d = -1, limit = r->conf->timeout;
	size_t i;

	if (!r->decided) {
		if (r->t_in_end >= 0)
			d = r->t_in_end + limit;
		else if (!r->direct)
			d = r->last_progress + limit;
		for (i = 0; i < r->nact; i++) {
			s = &r->st[r->act[i]];
			if (!s->done && s->t_in >= 0 && s->conf->timeout > 0)
				d = min_deadline(d, s->t_in +
				    s->conf->timeout);
		}
		return d;
	}
	if (r->t_term >= 0 && !r->killed && !all_stages_done(r))
		d = r->t_term + LOOP_KILL_GRACE;
	if (!inputs_done(r))
		d = min_deadline(d, r->last_progress + limit);
	if (r->qq > 0 && !r->qq_done)
		d = min_deadline(d, r->t_decided + limit);
	return d;
}

/* check_timers - act on every deadline that has passed */
static void
check_timers(struct run *r, double t)
{
	struct stage_run *s;
	double limit = r->conf->timeout;
	size_t i;
	int who;

	if (!r->decided) {
		for (i = 0; i < r->nact; i++) {
			s = &r->st[r->act[i]];
			if (!s->done && s->t_in >= 0 && s->conf->timeout > 0 &&
			    t >= s->t_in + s->conf->timeout) {
				s->kill_as = STATUS_TIMEOUT;
				decide(r, OUTCOME_TEMPFAIL, -1,
				    xasprintf("stage %s timed out after %us",
				    s->conf->name, s->conf->timeout));
			}
		}
		if (!r->decided && r->t_in_end >= 0 && !r->env_eof &&
		    all_stages_done(r) && hops_done(r) &&
		    t >= r->t_in_end + limit)
			decide(r, OUTCOME_TEMPFAIL, QQ_TIMEOUT,
			    xasprintf("no envelope %us after the message",
			    r->conf->timeout));
		if (!r->decided && r->t_in_end >= 0 &&
		    t >= r->t_in_end + limit) {
			stop_stages(r, STATUS_TIMEOUT);
			decide(r, OUTCOME_TEMPFAIL, -1,
			    xasprintf("message timed out after %us",
			    r->conf->timeout));
		}
		if (!r->decided && r->t_in_end < 0 && !r->direct &&
		    t >= r->last_progress + limit) {
			if (!hop0_stuck(r, &who))
				decide(r, OUTCOME_TEMPFAIL, QQ_TIMEOUT,
				    xasprintf("no input for %us",
				    r->conf->timeout));
			else if (who < 0)
				decide(r, OUTCOME_TEMPFAIL, QQ_TEMP_REJECT,
				    xasprintf("qmail-queue read nothing for "
				    "%us", r->conf->timeout));
			else {
				r->st[r->act[who]].kill_as = STATUS_TIMEOUT;
				decide(r, OUTCOME_TEMPFAIL, -1,
				    xasprintf("stage %s read nothing for %us",
				    r->st[r->act[who]].conf->name,
				    r->conf->timeout));
			}
		}
		return;
	}
	if (r->t_term >= 0 && !r->killed && t >= r->t_term + LOOP_KILL_GRACE) {
		kill_group(r, SIGKILL);
		r->killed = 1;
	}
	if (!inputs_done(r) && t >= r->last_progress + limit) {
		/*
		 * Stop reading the caller; still wait for qmail-queue (it
		 * has its own deadline below) so it is reaped, not orphaned.
		 */
		log_warn("caller sent nothing for %us; not waiting for the "
		    "end of its input", r->conf->timeout);
		if (!r->env_eof) {
			r->env_eof = 1;
			if (r->env_code == QQ_OK)
				r->env_code = QQ_READ_ERROR;
		}
		r->hops[0].pump.eof = 1;
	}
	if (r->qq > 0 && !r->qq_done && t >= r->t_decided + limit) {
		log_warn("qmail-queue (pid %ld) has not exited after %us",
		    (long)r->qq, r->conf->timeout);
		r->gave_up = 1;
		if (r->committed) {
			/* Queued or not, nobody knows: let it be retried. */
			r->code = QQ_TEMP_REJECT;
			free(r->reason);
			r->reason = xstrdup("qmail-queue did not exit");
		}
	}
}

/* step - one poll and everything it reported */
static void
step(struct run *r)
{
	struct pollfd *pfd = r->pfd;
	struct signalfd_siginfo ssi;
	size_t n = 0, i, *first = r->pfirst, *cnt = r->pcnt;
	int i_env = -1, i_qe = -1;
	int timeout_ms, rc;
	double d, t;
	ssize_t got;

	pfd[n].fd = r->sigfd;
	pfd[n].events = POLLIN;
	pfd[n++].revents = 0;
	if (!r->env_eof) {
		pfd[n].fd = 1;
		pfd[n].events = POLLIN;
		pfd[n].revents = 0;
		i_env = (int)n++;
	}
	for (i = 0; i < r->nhops; i++) {
		first[i] = n;
		cnt[i] = r->hops[i].pumped ?
		    pump_events(&r->hops[i].pump, &pfd[n], &r->pidx[n]) : 0;
		n += cnt[i];
	}
	if (r->committed && r->qq_env != -1) {
		pfd[n].fd = r->qq_env;
		pfd[n].events = POLLOUT;
		pfd[n].revents = 0;
		i_qe = (int)n++;
	}

	d = next_deadline(r);
	t = now();
	if (d < 0)
		timeout_ms = -1;
	else if (d <= t)
		timeout_ms = 0;
	else
		timeout_ms = (int)ceil((d - t) * 1000.0);
	rc = poll(pfd, (nfds_t)n, timeout_ms);
	if (rc == -1) {
		if (errno == EINTR)
			return;
		die_sys(QQ_INTERNAL, "poll");
	}
	if (pfd[0].revents & POLLIN) {
		while ((got = read(r->sigfd, &ssi, sizeof(ssi))) ==
		    (ssize_t)sizeof(ssi)) {
			if (ssi.ssi_signo == SIGCHLD)
				continue;
			decide(r, OUTCOME_TEMPFAIL, QQ_TEMP_REJECT,
			    xasprintf("hi-q got signal %u", ssi.ssi_signo));
			r->gave_up = 1;
		}
		if (got == -1 && errno != EAGAIN && errno != EINTR)
			die_sys(QQ_INTERNAL, "read signalfd");
		reap(r);
	}
	if (i_env >= 0 && pfd[i_env].revents)
		read_envelope(r);
	for (i = 0; i < r->nhops; i++)
		if (cnt[i] > 0)
			handle_hop(r, i, pump_step(&r->hops[i].pump,
			    &pfd[first[i]], &r->pidx[first[i]], cnt[i]));
	if (i_qe >= 0)
		write_envelope(r, pfd[i_qe].revents);
	check_timers(r, now());
}

static int
inputs_done(const struct run *r)
{
	return r->hops[0].pump.eof && r->env_eof;
}

/* hops_done - every pumped hop has moved all it will move */
static int
hops_done(const struct run *r)
{
	size_t i;

	for (i = 0; i < r->nhops; i++)
		if (r->hops[i].pumped && !pump_done(&r->hops[i].pump))
			return 0;
	return 1;
}

static int
zones_pending(const struct run *r)
{
	size_t i;

	for (i = 0; i < r->nact; i++)
		if (r->st[r->act[i]].zone_pending)
			return 1;
	return 0;
}

/*
 * judge_message - every stage exited and every byte moved: the verdict
 */
static void
judge_message(struct run *r)
{
	enum outcome v = OUTCOME_GREEN;
	unsigned long long queued;
	size_t i;

	for (i = 0; i < r->n; i++)
		v = verdict_combine(v, r->st[i].rep.outcome);
	queued = r->hops[r->nhops - 1].pump.out;
	if (r->hops[0].pump.in > 0 && queued == 0 && v != OUTCOME_DISCARD) {
		decide(r, OUTCOME_TEMPFAIL, -1, xasprintf("the pipeline turned "
		    "a %llu-byte message into an empty one",
		    r->hops[0].pump.in));
		return;
	}
	decide(r, v, -1, NULL);
	if (v == OUTCOME_DISCARD) {
		/* Explicitly configured: drop it, never queue it. */
		if (r->qq_env != -1 && close(r->qq_env) == -1)
			log_warn_sys("close qmail-queue envelope pipe");
		r->qq_env = -1;
		r->reason = xstrdup("discarded by configuration");
		return;
	}
	if (v == OUTCOME_GREEN || v == OUTCOME_YELLOW)
		r->committed = 1;
}

/*
 * finish - reap what is left, write the reply text, log, pick the code
 */
static int
finish(struct run *r)
{
	struct report rep;
	struct stage_report *sr;
	struct stage_run *s;
	int code, st, unread = 0;
	size_t i;
	char *text;

	if (r->leader > 0 && !r->leader_reaped) {
		/*
		 * Stragglers: grandchildren a stage left behind, or stages
		 * still running when hi-q gave up.  After SIGKILL every
		 * stage goes at once, so these waits end.
		 */
		kill_group(r, SIGKILL);
		for (i = 0; i < r->nact; i++) {
			s = &r->st[r->act[i]];
			if (s->pid <= 0 || (s->done && s->pid != r->leader))
				continue;
			while (waitpid(s->pid, &st, 0) == -1 && errno == EINTR)
				continue;
		}
		r->leader_reaped = 1;
	}
	if (r->code != -1)
		code = r->code;
	else if (r->committed && r->qq_done) {
		if (WIFEXITED(r->qq_status))
			code = WEXITSTATUS(r->qq_status);
		else {
			code = QQ_TEMP_REJECT;
			free(r->reason);
			r->reason = xasprintf("qmail-queue killed by signal %d",
			    WTERMSIG(r->qq_status));
		}
		if (code == QQ_OK && (r->env_off < r->envelope.used ||
		    ioctl(r->qq_env_watch, FIONREAD, &unread) == -1 ||
		    unread > 0)) {
			code = QQ_TEMP_REJECT;
			free(r->reason);
			r->reason = xstrdup("qmail-queue exited 0 before "
			    "reading the envelope");
		} else if (code != QQ_OK && r->reason == NULL)
			r->reason = xasprintf("qmail-queue exited %d", code);
	} else
		code = verdict_code(r->verdict);

	if (r->reply_text != NULL && r->reply_ok && r->code == -1 &&
	    (r->verdict == OUTCOME_RED || r->verdict == OUTCOME_TEMPFAIL)) {
		text = xasprintf("%c%s", r->verdict == OUTCOME_RED ? 'D' : 'Z',
		    r->reply_text);
		if (io_write_all(r->conf->reply_fd, text, strlen(text)) == 0)
			code = r->conf->reply_code;
		else
			log_warn_sys("write reply text to fd %d",
			    r->conf->reply_fd);
		free(text);
	}

	sr = xcalloc(r->n ? r->n : 1, sizeof(*sr));
	for (i = 0; i < r->n; i++) {
		sr[i] = r->st[i].rep;
		if (!r->st[i].done) {
			/* Still running when hi-q gave up: killed above. */
			sr[i].status = r->st[i].kill_as != STATUS_RUNNING ?
			    r->st[i].kill_as : STATUS_ABORTED;
			sr[i].outcome = OUTCOME_TEMPFAIL;
		}
	}
	memset(&rep, 0, sizeof(rep));
	rep.verdict = r->verdict;
	rep.code = code;
	rep.have_envelope = r->env_code == QQ_OK && r->env_eof;
	rep.sender = r->envelope.sender;
	rep.sender_len = r->envelope.sender_len;
	rep.rcpts = rep.have_envelope ? r->envelope.rcpts : 0;
	rep.direct = r->direct;
	rep.bytes_in = r->hops[0].pump.in;
	rep.bytes_out = r->hops[r->nhops - 1].pump.out;
	rep.seconds = now() - r->t0;
	rep.stages = sr;
	rep.nstages = r->n;
	rep.reason = r->reason;
	log_report(&rep);
	free(sr);
	return code;
}

int
loop_run(const struct conf *conf, char *const env[])
{
	struct run *r = &run;
	sigset_t mask;
	struct sigaction sa;

	memset(r, 0, sizeof(*r));
	r->conf = conf;
	r->env = env;
	r->n = conf->nstages;
	r->st = xcalloc(r->n ? r->n : 1, sizeof(*r->st));
	r->act = xcalloc(r->n ? r->n : 1, sizeof(*r->act));
	r->qq_env = -1;
	r->qq_env_watch = -1;
	r->code = -1;
	r->t_in_end = -1;
	r->t_term = -1;
	r->t0 = r->last_progress = now();
	buf_init(&r->envbuf, LOOP_ENVELOPE_MAX);
	die_set_cleanup(cleanup);

	/* A write to a stage that is gone must fail with EPIPE, not kill. */
	spawn_signals_reset();
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_IGN;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGPIPE, &sa, NULL) == -1)
		die_sys(QQ_INTERNAL, "sigaction");
	sigemptyset(&mask);
	sigaddset(&mask, SIGCHLD);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGHUP);
	if (sigprocmask(SIG_BLOCK, &mask, NULL) == -1)
		die_sys(QQ_INTERNAL, "sigprocmask");
	if ((r->sigfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK)) == -1)
		die_sys(QQ_TEMP_REJECT, "signalfd");

	r->reply_ok = reply_channel_usable(conf->reply_fd);
	start(r);
	r->pfd = xcalloc(3 + r->nhops * PUMP_MAXPOLL, sizeof(*r->pfd));
	r->pidx = xcalloc(3 + r->nhops * PUMP_MAXPOLL, sizeof(*r->pidx));
	r->pfirst = xcalloc(r->nhops, sizeof(*r->pfirst));
	r->pcnt = xcalloc(r->nhops, sizeof(*r->pcnt));

	/* Running: until every stage is judged and every byte moved. */
	while (!r->decided && !(all_stages_done(r) && inputs_done(r) &&
	    hops_done(r) && !zones_pending(r) &&
	    (!r->qq_broken || r->qq_done)))
		step(r);
	if (!r->decided)
		judge_message(r);

	/* Decided: commit or not, reap, drain the caller. */
	while (!r->gave_up && !(all_stages_done(r) && inputs_done(r) &&
	    (r->qq <= 0 || r->qq_done)))
		step(r);
	return finish(r);
}
