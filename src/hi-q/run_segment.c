/*
 * run_segment.c - start a segment of the run, and finish it
 *
 * DESCRIPTION
 *	The segments of plan.h run one after another; this file is the one
 *	place that starts a segment (run_segment_start()), says when it is
 *	complete (run_segment_complete()) and takes what it leaves
 *	(run_segment_finish()), with a case for each kind:
 *
 *	- A stream: a spool of its own at the end, a pipe for every hop end
 *	  (a pump for each hop hi-q copies, with the zone taps of the stages
 *	  it joins), and its stages started.  Segment 0's first hop reads
 *	  the caller's fd 0; a later one's reads the message as it stands,
 *	  opened again so its offset is its own (spool_reopen()).  Complete
 *	  when its stages are judged and its hops have moved every byte; its
 *	  spool is then the message as it stands.
 *	- A qfilter: the message as it stands on fd 0 (opened again, at
 *	  offset 0), a new spool on fd 1, a file holding the envelope as it
 *	  stands on fd 3, empty files on fd 4 and fd 5, a pipe on fd 6, and
 *	  with "reply-channel 2 88" a file on fd 2; the environment of
 *	  qenv.h.  Complete when it is judged.  Then a non-empty fd 1 is the
 *	  message as it stands and a non-empty fd 4, checked as qmail-queue
 *	  reads an envelope, the envelope as it stands; anything on fd 5 is
 *	  a tempfail (filters.conf's "queue" decides where mail goes), and so
 *	  is an fd 4 that is not an envelope or over RUN_ENVELOPE_MAX.
 *	- A milter: run_milter.c opens its session on the message and the
 *	  envelope as they stand, the loop polls it, and its finish applies
 *	  its modifications (milter_edit.h) into a new spool and envelope,
 *	  as a qfilter's finish takes its fd 1 and fd 4.  Complete when it
 *	  is judged.
 *
 *	A stage marked "envelope" in a stream gets qenv.h's environment too,
 *	computed once when its segment starts.  Every stage of a later
 *	segment joins the stages' process group; a qfilter's own clock
 *	starts when it starts, since its input is whole then.
 *
 *	run_segment_said() reads the first line of a qfilter's reply (fd 6,
 *	or its fd 2 with "reply-channel 2 88") when it exits with the reply
 *	channel's code; run_segment_unreached() marks the stages of the
 *	segments not started after a discard; run_envelope_now() is the
 *	envelope as it stands, run_segment_out() the bytes of the message as
 *	it stands for the log, and run_segment_close() closes what the
 *	segments still hold.
 *
 *	This is the core's second file: it calls run_milter.c and run.c,
 *	and nothing in either calls it.
 *
 * ERRORS
 *	A file, a pipe or an environment that cannot be made, and a stage
 *	that cannot be run, decide the message tempfail (segment 0 without
 *	a spool refuses it: no stage runs, run_refuse()).  Reading what a
 *	qfilter left fails the same way.
 */
#include <sys/stat.h>
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "envelope.h"
#include "io.h"
#include "msg.h"
#include "outcome.h"
#include "pump.h"
#include "qenv.h"
#include "qq.h"
#include "run.h"
#include "run_int.h"
#include "spawn.h"
#include "spool.h"
#include "xalloc.h"
#include "zone.h"

/* A reply line: qmail-smtpd reads at most 255 bytes of fd 6. */
#define SAID_MAX	255

static ino_t	 pipe_ino(int);
static void	 pipe_plain(struct hop *);
static int	 feed_pipe(struct stage_run *);
static void	 pipe_pumped(struct hop *, int, int, int *);
static int	 has_zone(const struct stage_run *);
static int	 hop_tap(void *, const char *, size_t);
static void	 spawned(struct run *, struct stage_run *, int);
static void	 stream_start(struct run *, struct segment *);
static void	 qfilter_start(struct run *, struct segment *);
static int	 qfilter_files(struct run *, struct segment *, int *, int *,
		    int *);
static void	 qfilter_finish(struct run *, struct segment *);
static int	 qfilter_envelope(struct run *, struct segment *, char **);
static int	 file_size(int, unsigned long long *);
static void	 close_fd(int *);

/*
 * pipe_ino - the inode of a pipe, by which /proc names it
 * (run_hops_held()); 0 if fstat fails, which only costs that name
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
 * pipe_pumped - a pipe for each end of a pumped hop; in is the source when
 * it is no stage (the caller's fd 0, or the message as it stands, which
 * the pump then owns), spool the file the last hop ends in, *devnull the
 * checks' stdout (opened once)
 *
 *	The last hop's pump gets a descriptor of its own for the spool: at
 *	the end of the message it closes it, and the segment keeps the
 *	spool's first descriptor.
 */
static void
pipe_pumped(struct hop *h, int in, int spool, int *devnull)
{
	int dst;
	struct stage_run *s;
	size_t i;
	int p[2], src = in;

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
	pump_init(&h->pump, src, dst, !h->caller);
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
 * spawned - after spawn_fds() returned rc for s: the first stage started
 * leads the stages' group; one that could not be run is tempfail at once
 */
static void
spawned(struct run *r, struct stage_run *s, int rc)
{
	if (rc == 0) {
		if (r->leader == 0)
			r->leader = s->pid;
		return;
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
	run_decide(r, OUTCOME_TEMPFAIL, -1, xasprintf("unable to run stage "
	    "%s: %s", s->conf->name, strerror(rc)));
}

static void
close_fd(int *fd)
{
	if (*fd != -1)
		(void)close(*fd);	/* a file or a read end: nothing lost */
	*fd = -1;
}

/*
 * stream_start - a stream segment: its spool, its pipes, its stages, then
 * the ends hi-q holds only for them closed
 *
 *	A stage that cannot be started is tempfail at once; the stages after
 *	it are not started.
 */
static void
stream_start(struct run *r, struct segment *g)
{
	struct stage_run *s;
	struct qenv qe;
	char *why = NULL;
	size_t i;
	int in = 0, devnull = -1, rc;

	memset(&qe, 0, sizeof(qe));
	if ((g->out = spool_open(r->conf->spool)) == -1) {
		why = xasprintf("unable to make a spool in %s: %s",
		    r->conf->spool, strerror(errno));
		if (g == &r->segs[0]) {
			run_refuse(r, QQ_TEMP_REJECT, why);
			return;
		}
		run_fail(r, NULL, why);
		return;
	}
	if (g != &r->segs[0] && (in = spool_reopen(r->msg)) == -1) {
		run_fail(r, NULL, xasprintf("unable to open the message again: %s",
		    strerror(errno)));
		return;
	}
	/* One environment for every "envelope" stage of the segment. */
	for (i = g->st0; i < g->st_end && qe.env == NULL; i++) {
		if (r->st[i].done || !r->st[i].conf->envelope)
			continue;
		if (qenv_make(&qe, r->env, run_envelope_now(r, NULL),
		    r->msg_bytes, r->ppid, &why) == -1) {
			run_fail(r, NULL, xasprintf("stage %s: %s",
			    r->st[i].conf->name, why));
			free(why);
			close_fd(&in);
			return;
		}
	}
	r->nhops = g->hop0 + g->nhops;
	for (i = g->hop0; i < r->nhops; i++) {
		if (!r->hops[i].pumped)
			pipe_plain(&r->hops[i]);
		else
			pipe_pumped(&r->hops[i], in, g->out, &devnull);
	}
	for (i = g->st0; i < g->st_end; i++) {
		if ((s = &r->st[i])->done)
			continue;	/* skipped, or marked by run_decide() */
		rc = spawn_program(s->conf->argv, s->conf->envelope ? qe.env :
		    r->env, s->fd_in, s->fd_out, r->leader, &s->pid);
		spawned(r, s, rc);
	}
	qenv_free(&qe);
	/* The children have their ends; ours would keep EOF away. */
	for (i = g->st0; i < g->st_end; i++) {
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
 * qfilter_files - the files of a qfilter: *in the message as it stands,
 * opened again, g->out, *envf holding the envelope as it stands, rewound,
 * g->env_out, g->qq_out, g->err (with "reply-channel 2 88"), and the fd 6
 * pipe, g->reply ours and *reply the child's end.  -1 with errno set when
 * one cannot be made; what was made is closed by the caller.
 */
static int
qfilter_files(struct run *r, struct segment *g, int *in, int *envf,
    int *reply)
{
	const char *dir = r->conf->spool, *data;
	const struct envelope *e = run_envelope_now(r, &data);
	int p[2];

	if ((*in = spool_reopen(r->msg)) == -1 ||
	    (g->out = spool_open(dir)) == -1 ||
	    (*envf = spool_open(dir)) == -1 ||
	    io_write_all(*envf, data, e->used) == -1 ||
	    spool_rewind(*envf) == -1 ||
	    (g->env_out = spool_open(dir)) == -1 ||
	    (g->qq_out = spool_open(dir)) == -1 ||
	    (r->conf->reply_fd == 2 && r->conf->reply_code == QQ_CUSTOM_STDERR &&
	    (g->err = spool_open(dir)) == -1) ||
	    io_pipe(p, 0) == -1)
		return -1;
	g->reply = p[0];
	*reply = p[1];
	return io_set_nonblock(g->reply);
}

/*
 * qfilter_start - a qfilter on its files, with the environment of qenv.h;
 * its clock starts now, its input being whole
 */
static void
qfilter_start(struct run *r, struct segment *g)
{
	struct stage_run *s = &r->st[g->st0];
	struct spawn_fd map[7];
	struct qenv qe;
	char *why;
	size_t n = 0;
	int in = -1, envf = -1, reply = -1, rc;

	if (qenv_make(&qe, r->env, run_envelope_now(r, NULL), r->msg_bytes,
	    r->ppid, &why) == -1) {
		run_fail(r, NULL, xasprintf("qfilter %s: %s", s->conf->name, why));
		free(why);
		return;
	}
	if (qfilter_files(r, g, &in, &envf, &reply) == -1) {
		run_fail(r, NULL, xasprintf("unable to make the files of qfilter "
		    "%s in %s: %s", s->conf->name, r->conf->spool,
		    strerror(errno)));
		close_fd(&in);
		close_fd(&envf);
		close_fd(&reply);
		qenv_free(&qe);
		return;
	}
	map[n++] = (struct spawn_fd){ 0, in };
	map[n++] = (struct spawn_fd){ 1, g->out };
	map[n++] = (struct spawn_fd){ 3, envf };
	map[n++] = (struct spawn_fd){ 4, g->env_out };
	map[n++] = (struct spawn_fd){ 5, g->qq_out };
	map[n++] = (struct spawn_fd){ 6, reply };
	if (g->err != -1)
		map[n++] = (struct spawn_fd){ 2, g->err };
	rc = spawn_fds(s->conf->argv, qe.env, map, n, r->leader, &s->pid);
	close_fd(&in);
	close_fd(&envf);
	if (close(reply) == -1)
		die_sys(QQ_TEMP_REJECT, "close");
	qenv_free(&qe);
	s->clock->t_in = run_now();
	spawned(r, s, rc);
}

/*
 * run_segment_start - start segment g, whose turn it is: the segments
 * before it are done and judged, and for a later one the message and the
 * envelope are in
 */
void
run_segment_start(struct run *r, struct segment *g)
{
	g->state = SEGMENT_RUNNING;
	switch (g->kind) {
	case SEGMENT_STREAM:
		stream_start(r, g);
		break;
	case SEGMENT_QFILTER:
		qfilter_start(r, g);
		break;
	case SEGMENT_MILTER:
		run_milter_start(r, g, run_envelope_now(r, NULL));
		break;
	}
}

/*
 * run_segment_complete - has g ended: every stage judged, and a stream's
 * hops done and its zones settled?
 */
int
run_segment_complete(const struct run *r, const struct segment *g)
{
	const struct hop *h;
	size_t i;

	if (g->state != SEGMENT_RUNNING)
		return g->state == SEGMENT_DONE;
	for (i = g->st0; i < g->st_end; i++)
		if (!r->st[i].done || r->st[i].zone_pending)
			return 0;
	for (i = g->hop0; i < g->hop0 + g->nhops; i++) {
		h = &r->hops[i];
		if (h->pumped && !pump_done(&h->pump))
			return 0;
	}
	return 1;
}

/* file_size - the size of the file fd */
static int
file_size(int fd, unsigned long long *n)
{
	struct stat sb;

	if (fstat(fd, &sb) == -1)
		return -1;
	*n = (unsigned long long)sb.st_size;
	return 0;
}

/*
 * qfilter_envelope - what the qfilter of g wrote on fd 4, if anything, as
 * the envelope as it stands; -1 with *why (malloc'd) when it is not one
 */
static int
qfilter_envelope(struct run *r, struct segment *g, char **why)
{
	const char *name = r->st[g->st0].conf->name, *bad;
	unsigned long long size;
	struct envelope e;
	char *data;
	ssize_t got = -1;
	size_t len = 0;
	int rc;

	if (file_size(g->env_out, &size) == -1)
		goto sys;
	if (size == 0)
		return 0;
	if (size > RUN_ENVELOPE_MAX) {
		*why = xasprintf("qfilter %s wrote %llu bytes on fd 4, more "
		    "than an envelope may have (%u)", name, size,
		    RUN_ENVELOPE_MAX);
		return -1;
	}
	data = xmalloc((size_t)size);
	while (len < size) {
		got = pread(g->env_out, data + len, (size_t)size - len,
		    (off_t)len);
		if (got == -1 && errno == EINTR)
			continue;
		if (got <= 0) {
			free(data);
			goto sys;
		}
		len += (size_t)got;
	}
	if ((rc = envelope_take(data, len, &e, &bad)) == QQ_OK) {
		buf_free(&r->newenv);
		buf_init(&r->newenv, RUN_ENVELOPE_MAX);
		if ((rc = buf_append(&r->newenv, data, len)) != 0)
			*why = xasprintf("qfilter %s: %s", name,
			    strerror(errno));
	} else
		*why = xasprintf("qfilter %s wrote a bad envelope on fd 4: %s",
		    name, bad);
	free(data);
	if (rc != 0)
		return -1;
	/* Its sender into the run's copy, where it now lives. */
	(void)envelope_check(r->newenv.data, r->newenv.len, &r->newenvelope);
	return 0;
sys:
	*why = xasprintf("unable to read fd 4 of qfilter %s: %s", name,
	    got == 0 ? "the file is shorter than it was" : strerror(errno));
	return -1;
}

/*
 * qfilter_finish - what a qfilter judged green or yellow left: fd 5 must
 * be empty, fd 4 an envelope or empty, and fd 1, when not empty, is the
 * message as it stands
 */
static void
qfilter_finish(struct run *r, struct segment *g)
{
	struct stage_run *s = &r->st[g->st0];
	unsigned long long size, out;
	char *why;

	if (s->rep.outcome != OUTCOME_GREEN && s->rep.outcome !=
	    OUTCOME_YELLOW)
		return;		/* a discard: nothing it left counts */
	if (file_size(g->qq_out, &size) == -1 || file_size(g->out, &out) ==
	    -1) {
		run_fail(r, s, xasprintf("unable to read the files of qfilter %s: "
		    "%s", s->conf->name, strerror(errno)));
		return;
	}
	if (size > 0) {
		run_fail(r, s, xasprintf("qfilter %s wrote on fd 5, which hi-q "
		    "does not obey: filters.conf's queue decides where mail "
		    "goes", s->conf->name));
		return;
	}
	if (qfilter_envelope(r, g, &why) == -1) {
		run_fail(r, s, why);
		return;
	}
	if (out > 0) {
		close_fd(&r->msg);
		r->msg = g->out;
		g->out = -1;
		r->msg_bytes = out;
	}
}

/*
 * run_segment_finish - g is complete: what it left is the message (and
 * for a qfilter the envelope) as it stands, and the files it used are
 * closed
 */
void
run_segment_finish(struct run *r, struct segment *g)
{
	const struct envelope *e;
	const struct hop *last;
	const char *data;

	switch (g->kind) {
	case SEGMENT_STREAM:
		last = &r->hops[g->hop0 + g->nhops - 1];
		close_fd(&r->msg);
		r->msg = g->out;
		g->out = -1;
		r->msg_bytes = last->pump.out;
		break;
	case SEGMENT_QFILTER:
		qfilter_finish(r, g);
		break;
	case SEGMENT_MILTER:
		e = run_envelope_now(r, &data);
		run_milter_finish(r, g, e, data);
		break;
	}
	g->state = SEGMENT_DONE;
	close_fd(&g->out);
	close_fd(&g->env_out);
	close_fd(&g->qq_out);
	close_fd(&g->reply);
	close_fd(&g->err);
}

/*
 * run_segment_said - the first line a qfilter that exited with the reply
 * channel's code wrote there (at most SAID_MAX bytes, a CR before its
 * newline dropped; "" for none), or NULL for any other exit or stage:
 * fd 6 for 82, its own fd 2 for 88 with "reply-channel 2 88"
 *
 *	Read without waiting: what a qfilter wrote before it exited is in
 *	the pipe or the file.
 */
const char *
run_segment_said(struct stage_run *s)
{
	struct segment *g = s->seg;
	char buf[SAID_MAX + 1], *nl;
	ssize_t got;
	int fd;

	if (s->conf->kind != STAGE_QFILTER || s->rep.status != STATUS_EXITED)
		return NULL;
	if (s->rep.value == QQ_CUSTOM)
		fd = g->reply;
	else if (s->rep.value == QQ_CUSTOM_STDERR && g->err != -1)
		fd = g->err;
	else
		return NULL;
	if (fd == g->reply)
		got = io_read(fd, buf, SAID_MAX);
	else
		while ((got = pread(fd, buf, SAID_MAX, 0)) == -1 &&
		    errno == EINTR)
			continue;
	if (got < 0)
		got = 0;
	buf[got] = '\0';
	if ((nl = strchr(buf, '\n')) != NULL) {
		*nl = '\0';
		if (nl > buf && nl[-1] == '\r')
			nl[-1] = '\0';
	}
	free(s->said);
	s->said = xstrdup(buf);
	return s->said;
}

/*
 * run_segment_discarded - has a stage judged so far said discard?  Then
 * no later segment starts (qmail-qfilter's 99: no later filter runs).
 */
int
run_segment_discarded(const struct run *r)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		if (r->st[i].done && r->st[i].rep.outcome == OUTCOME_DISCARD)
			return 1;
	return 0;
}

/*
 * run_segment_unreached - after a discard, the segments not started stay
 * so: their stages are logged unreached, with the outcome discard
 */
void
run_segment_unreached(struct run *r)
{
	struct stage_run *s;
	size_t i;

	for (; r->seg < r->nsegs; r->seg++) {
		r->segs[r->seg].state = SEGMENT_DONE;
		for (i = r->segs[r->seg].st0; i < r->segs[r->seg].st_end;
		    i++) {
			if ((s = &r->st[i])->done)
				continue;
			s->done = 1;
			s->rep.status = STATUS_UNREACHED;
			s->rep.outcome = OUTCOME_DISCARD;
		}
	}
}

/*
 * run_envelope_now - the envelope as it stands: the last one a stage
 * wrote, else the caller's; *data (when data is not NULL) its bytes
 */
const struct envelope *
run_envelope_now(const struct run *r, const char **data)
{
	if (r->newenv.len > 0) {
		if (data != NULL)
			*data = r->newenv.data;
		return &r->newenvelope;
	}
	if (data != NULL)
		*data = r->envbuf.data;
	return &r->envelope;
}

/*
 * run_segment_out - the bytes of the message as it stands, for the log:
 * what the last hop of a stream still running has written, else the
 * size of the last segment's file
 */
unsigned long long
run_segment_out(const struct run *r)
{
	const struct segment *g;
	size_t i;

	for (i = r->nsegs; i > 0; i--) {
		g = &r->segs[i - 1];
		if (g->state == SEGMENT_RUNNING && g->kind == SEGMENT_STREAM)
			return r->hops[g->hop0 + g->nhops - 1].pump.out;
		if (g->state != SEGMENT_WAITING)
			break;
	}
	return r->msg_bytes;
}

/* run_segment_close - what the segments and the run still hold, closed */
void
run_segment_close(struct run *r)
{
	struct segment *g;
	size_t i;

	for (i = 0; i < r->nsegs; i++) {
		g = &r->segs[i];
		close_fd(&g->out);
		close_fd(&g->env_out);
		close_fd(&g->qq_out);
		close_fd(&g->reply);
		close_fd(&g->err);
	}
	run_milter_close(r);
	close_fd(&r->msg);
}
