/*
 * run_start.c - lay out one message and start its stages
 *
 * DESCRIPTION
 *	run_start(r) asks plan.c which stages run and which hops join
 *	them, opens the spool the last hop ends in, makes every pipe (a
 *	pump for each hop hi-q copies, with the zone taps of the stages it
 *	joins), and starts the stages in one process group whose leader is
 *	the first.  With no stage to run it starts qmail-queue on fd 0.
 *
 * ERRORS
 *	A stage or a qmail-queue that cannot be run, or a spool that cannot
 *	be made, decides the message tempfail (the loop then only drains
 *	and reaps).  No pipe or descriptor: die(QQ_TEMP_REJECT).
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "io.h"
#include "msg.h"
#include "plan.h"
#include "pump.h"
#include "qq.h"
#include "queue.h"
#include "run.h"
#include "run_int.h"
#include "spawn.h"
#include "spool.h"
#include "xalloc.h"
#include "zone.h"

static const char *lookup_env(const char *);
static void	 link_hops(struct run *, const struct plan *);
static ino_t	 pipe_ino(int);
static void	 pipe_plain(struct hop *);
static int	 feed_pipe(struct stage_run *);
static void	 pipe_pumped(struct hop *, int, int *);
static int	 has_zone(const struct stage_run *);
static int	 hop_tap(void *, const char *, size_t);
static void	 make_pipes(struct run *);
static void	 refuse_at_start(struct run *, int, char *);
static void	 start_stages(struct run *);

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

	r->nhops = pl->nhops;
	r->hops = xcalloc(pl->nhops, sizeof(*r->hops));
	for (i = 0; i < pl->nhops; i++) {
		ph = &pl->hops[i];
		h = &r->hops[i];
		h->pumped = ph->pumped;
		h->src = ph->src == PLAN_CALLER ? NULL : &r->st[ph->src];
		h->ndst = ph->ndst;
		for (k = 0; k < ph->ndst; k++)
			h->dst[k] = ph->dst[k] == PLAN_QUEUE ? NULL :
			    &r->st[ph->dst[k]];
	}
	for (i = 0; i < pl->nstages; i++) {
		if (pl->stages[i].skipped)
			continue;
		r->st[i].in = &r->hops[pl->stages[i].hop_in];
		r->st[i].dst = pl->stages[i].dst;
		if (pl->stages[i].hop_out >= 0)
			r->st[i].out = &r->hops[pl->stages[i].hop_out];
	}
}

/*
 * pipe_ino - the inode of a pipe, by which /proc names it (run_hops_held()); 0
 * if fstat fails, which only costs that name
 */
static ino_t
pipe_ino(int fd)
{
	struct stat sb;

	return fstat(fd, &sb) == -1 ? 0 : sb.st_ino;
}

/* pipe_plain - one pipe from one stage straight into the next */
static void
pipe_plain(struct hop *h)
{
	int p[2];

	if (io_pipe(p, RUN_PIPE_SIZE) == -1)
		die_sys(QQ_TEMP_REJECT, "unable to make a pipe");
	h->src->fd_out = p[1];
	h->src->out_ino = pipe_ino(p[1]);
	h->dst[0]->fd_in = p[0];
}

/* feed_pipe - a pipe into stage s's stdin; returns hi-q's end */
static int
feed_pipe(struct stage_run *s)
{
	int p[2];

	if (io_pipe(p, RUN_PIPE_SIZE) == -1 || io_set_nonblock(p[1]) == -1)
		die_sys(QQ_TEMP_REJECT, "unable to make a pipe");
	s->fd_in = p[0];
	return p[1];
}

/*
 * pipe_pumped - a pipe for each end of a pumped hop; spool is the file the
 * last hop ends in, *devnull the checks' stdout (opened once)
 *
 *	The last hop's pump gets a descriptor of its own for the spool: at
 *	the end of the message it closes it, and the run keeps the spool's
 *	first descriptor for qmail-queue.
 */
static void
pipe_pumped(struct hop *h, int spool, int *devnull)
{
	int dst;
	struct stage_run *s;
	size_t i;
	int p[2], src = 0;

	if (h->src != NULL) {
		if (io_pipe(p, RUN_PIPE_SIZE) == -1 ||
		    io_set_nonblock(p[0]) == -1)
			die_sys(QQ_TEMP_REJECT, "unable to make a pipe");
		h->src->fd_out = p[1];
		h->src->out_ino = pipe_ino(p[1]);
		src = p[0];
	}
	if (h->dst[0] != NULL)
		dst = feed_pipe(h->dst[0]);
	else if ((dst = fcntl(spool, F_DUPFD_CLOEXEC, 3)) == -1)
		die_sys(QQ_TEMP_REJECT, "unable to duplicate the spool");
	pump_init(&h->pump, src, dst, h->src != NULL);
	for (i = 1; i < h->ndst; i++) {
		s = h->dst[i];
		(void)pump_add_copy(&h->pump, feed_pipe(s));
		if (*devnull == -1 && (*devnull = open("/dev/null",
		    O_WRONLY | O_CLOEXEC)) == -1)
			die_sys(QQ_TEMP_REJECT, "open /dev/null");
		s->fd_out = *devnull;
	}
	if (has_zone(h->src)) {
		zone_tap_init(&h->src->tap, &h->src->conf->zone);
		zone_tap_set_input(&h->src->tap, &h->src->tap_in);
	}
	if (has_zone(h->dst[0]))
		zone_tap_init(&h->dst[0]->tap_in, &h->dst[0]->conf->zone);
	if (has_zone(h->src) || has_zone(h->dst[0]))
		pump_set_tap(&h->pump, hop_tap, h);
}

static int
has_zone(const struct stage_run *s)
{
	return s != NULL && s->conf->zone.header != NULL;
}

/*
 * hop_tap - a pumped hop's tap: the header block of the output of the
 * zone stage it leaves and of the input of the one it feeds (plan.c pumps
 * every hop into a zone stage), so that the zone counts only a score
 * header the stage added
 */
static int
hop_tap(void *arg, const char *p, size_t n)
{
	struct hop *h = arg;
	int more = 0;

	if (has_zone(h->src))
		more |= zone_tap_take(&h->src->tap, p, n);
	if (has_zone(h->dst[0]))
		more |= zone_tap_take(&h->dst[0]->tap_in, p, n);
	return more;
}

/*
 * make_pipes - a pipe for every hop end, and the spool at the last
 *
 *	Every descriptor is close-on-exec; spawn_program() dups the child's
 *	two into place.  Ours are non-blocking; the children's are not.
 */
static void
make_pipes(struct run *r)
{
	struct hop *h;
	size_t k;
	int devnull = -1;

	for (k = 0; k < r->nhops; k++) {
		h = &r->hops[k];
		if (!h->pumped)
			pipe_plain(h);
		else
			pipe_pumped(h, r->spool, &devnull);
	}
}

/*
 * refuse_at_start - the message cannot be taken (qmail-queue cannot be
 * run, no spool can be made): no stage runs, and hi-q only drains its
 * caller.  reason is malloc'd; code the exit code.
 */
static void
refuse_at_start(struct run *r, int code, char *reason)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		if (!r->st[i].done) {
			r->st[i].done = 1;
			r->st[i].rep.status = STATUS_ABORTED;
			r->st[i].rep.outcome = OUTCOME_TEMPFAIL;
		}
	run_caller_hop(r);
	run_caller_drain(r);
	r->direct = 0;	/* nobody reads fd 0 now: hi-q drains it */
	msg_warn("%s", reason);
	run_decide(r, OUTCOME_TEMPFAIL, code, reason);
}

/*
 * start_stages - start every stage that is not skipped, then close the
 * ends hi-q holds only for them
 *
 *	A stage that cannot be started is tempfail at once; the stages after
 *	it are not started, and the loop then only drains and reaps.
 */
static void
start_stages(struct run *r)
{
	struct stage_run *s;
	int rc, devnull = -1;
	size_t i;

	for (i = 0; i < r->n; i++) {
		if ((s = &r->st[i])->done)
			continue;	/* skipped */
		if (r->decided) {
			s->done = 1;
			s->rep.status = STATUS_ABORTED;
			s->rep.outcome = OUTCOME_TEMPFAIL;
			continue;
		}
		rc = spawn_program(s->conf->argv, r->env, s->fd_in, s->fd_out,
		    r->leader, &s->pid);
		if (rc == 0) {
			if (r->leader == 0)
				r->leader = s->pid;
			continue;
		}
		s->pid = 0;
		s->done = 1;
		s->t_exit = run_now();
		s->rep.status = STATUS_NOEXEC;
		s->rep.value = rc;
		s->rep.outcome = OUTCOME_TEMPFAIL;
		errno = rc;
		msg_warn_sys("unable to run stage %s: %s", s->conf->name,
		    s->conf->argv[0]);
		run_decide(r, OUTCOME_TEMPFAIL, -1, xasprintf("unable to run "
		    "stage %s: %s", s->conf->name, strerror(rc)));
	}
	/* The children have their ends; ours would keep EOF away. */
	for (i = 0; i < r->n; i++) {
		s = &r->st[i];
		if (s->conf->kind == STAGE_CHECK && s->fd_out != -1)
			devnull = s->fd_out;
		else if (s->fd_out != -1 && close(s->fd_out) == -1)
			die_sys(QQ_TEMP_REJECT, "close");
		s->fd_out = -1;
	}
	if (devnull != -1 && close(devnull) == -1)
		die_sys(QQ_TEMP_REJECT, "close");
}

/*
 * run_start - lay out the pipeline and start the stages, with the spool at
 * the end; with no stage to run, start qmail-queue on fd 0 instead
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
		r->st[i].clock = &r->clocks[i];
		r->clocks[i].timeout = r->conf->stages[i].timeout;
		r->clocks[i].t_in = r->clocks[i].t_stall = -1;
		if (pl.stages[i].skipped) {
			r->st[i].rep.status = STATUS_SKIPPED;
			r->st[i].done = 1;
		}
	}
	r->direct = pl.nhops == 0;
	if (!r->direct) {
		if ((r->spool = spool_open(r->conf->spool)) == -1) {
			plan_free(&pl);
			refuse_at_start(r, QQ_TEMP_REJECT, xasprintf("unable "
			    "to make a spool in %s: %s", r->conf->spool,
			    strerror(errno)));
			return;
		}
		link_hops(r, &pl);
		plan_free(&pl);
		make_pipes(r);
		start_stages(r);
		return;
	}
	plan_free(&pl);
	if ((rc = queue_start(&r->q, r->conf->queue_argv, r->env, 0)) == -1)
		die_sys(QQ_TEMP_REJECT, "unable to make a pipe for "
		    "qmail-queue");
	if (rc != 0) {
		refuse_at_start(r, QQ_TEMP_REJECT, xasprintf("unable to run "
		    "%s: %s", prog, strerror(rc)));
		return;
	}
	/* Idle, and not polled, until qmail-queue is gone. */
	run_caller_hop(r);
}
