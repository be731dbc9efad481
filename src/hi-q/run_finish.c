/*
 * run_finish.c - from the verdict to hi-q's exit code
 *
 * DESCRIPTION
 *	run_finish_judge(r) judges the whole message once every stage is
 *	judged and every byte moved, and for an accept verdict reaches the
 *	commit point: enqueue() starts qmail-queue on the message as it
 *	stands (the last segment's spool) and lets queue.c write it the
 *	envelope as it stands.  run_finish(r), once every child is
 *	reaped, closes what is left, writes the reply text to the caller's
 *	reply channel (when run_finish_reply_usable() said it is one), writes
 *	the log line, and returns the exit code.
 *
 * ERRORS
 *	A spool that cannot be rewound or a qmail-queue that cannot be run
 *	turns accept into QQ_TEMP_REJECT; no pipe for qmail-queue:
 *	die(QQ_TEMP_REJECT).  After the commit only qmail-queue's own code
 *	counts (judge_code()).  A reply channel that does not take the text
 *	at once (full, nobody reading it) is named in a warning, and the
 *	exit code is the plain one.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "judge.h"
#include "logfmt.h"
#include "msg.h"
#include "qq.h"
#include "queue.h"
#include "report.h"
#include "run_int.h"
#include "spool.h"
#include "xalloc.h"

static struct stage_report *stage_reports(const struct run *);
static int	 enqueue(struct run *, char **);
static int	 not_enqueued(char **, char *);
static void	 write_reply(struct run *, int *);

/* run_finish_reply_usable - is fd an open pipe or socket we may write? */
int
run_finish_reply_usable(int fd)
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

/*
 * stage_reports - a copy of every stage's report for judge.c and the log;
 * a stage still running when hi-q gave up is reported as killed
 */
static struct stage_report *
stage_reports(const struct run *r)
{
	struct stage_report *sr;
	size_t i;

	sr = xcalloc(r->n ? r->n : 1, sizeof(*sr));
	for (i = 0; i < r->n; i++) {
		sr[i] = r->st[i].rep;
		if (!r->st[i].done)
			judge_unfinished(&sr[i], r->st[i].kill_as);
	}
	return sr;
}

/*
 * run_finish_judge - every stage exited and every byte moved: the verdict, and
 * for accept the commit
 */
void
run_finish_judge(struct run *r)
{
	struct stage_report *sr;
	enum outcome v;
	char *why;

	sr = stage_reports(r);
	v = judge_message(sr, r->n, r->hops[0].pump.in, run_segment_out(r),
	    &why);
	free(sr);
	if (why == NULL)
		why = run_milter_note(r);	/* a quarantine, for the log */
	if ((v == OUTCOME_GREEN || v == OUTCOME_YELLOW) &&
	    enqueue(r, &why) == -1) {
		run_decide(r, OUTCOME_TEMPFAIL, QQ_TEMP_REJECT, why);
		return;
	}
	run_decide(r, v, -1, why);
	if (v == OUTCOME_DISCARD) {
		/* Explicitly configured: drop it, never queue it. */
		queue_abandon(&r->q);
	}
}

/*
 * enqueue - the verdict is accept: the commit point
 *
 *	qmail-queue starts now, on the spool rewound (with no stage it has
 *	been reading fd 0 all along), and the envelope may be written to it.
 *	Returns -1, with *why replaced by the reason, when it cannot be run.
 *
 * WARNING
 *	Once queue_commit() is called, the envelope goes out and qmail-queue
 *	may queue the message: nothing may come after it that could reject.
 */
static int
enqueue(struct run *r, char **why)
{
	const char *prog = r->conf->queue_argv[0];
	int rc;

	if (!r->direct) {
		if (spool_rewind(r->msg) == -1)
			return not_enqueued(why, xasprintf("unable to rewind "
			    "the spool: %s", strerror(errno)));
		rc = queue_start(&r->q, r->conf->queue_argv, r->env, r->msg);
		if (rc == -1)
			die_sys(QQ_TEMP_REJECT, "unable to make a pipe for "
			    "qmail-queue");
		/* qmail-queue has its own descriptor; the file is its. */
		if (close(r->msg) == -1)
			msg_warn_sys("close the spool");
		r->msg = -1;
		if (rc != 0)
			return not_enqueued(why, xasprintf("unable to run "
			    "%s: %s", prog, strerror(rc)));
	}
	queue_commit(&r->q);
	return 0;
}

/* not_enqueued - enqueue()'s failure: reason, malloc'd, replaces *why */
static int
not_enqueued(char **why, char *reason)
{
	msg_warn("%s", reason);
	free(*why);
	*why = reason;
	return -1;
}

/*
 * write_reply - the rule's text on the caller's reply channel, without
 * blocking: a channel that nobody reads and that is full must not hold
 * hi-q.  The text (at most CONF_TEXT_MAX + 1 bytes) is shorter than
 * PIPE_BUF, so a pipe takes it whole or not at all; when it is not taken
 * whole, hi-q exits with the plain code, which says the same without the
 * text.
 */
_Static_assert(CONF_TEXT_MAX + 1 < PIPE_BUF, "the reply text is atomic");

static void
write_reply(struct run *r, int *code)
{
	int fd = r->conf->reply_fd, fl;
	char *text;
	ssize_t w;

	if (!r->reply_ok || r->code != -1 ||
	    (text = judge_reply(r->verdict, r->reply_text)) == NULL)
		return;
	/* The flag is the open file's, which the caller may share: put back. */
	if ((fl = fcntl(fd, F_GETFL)) == -1 ||
	    fcntl(fd, F_SETFL, fl | O_NONBLOCK) == -1) {
		msg_warn_sys("make reply channel fd %d non-blocking", fd);
		free(text);
		return;
	}
	while ((w = write(fd, text, strlen(text))) == -1 && errno == EINTR)
		continue;
	if (w == (ssize_t)strlen(text))
		*code = r->conf->reply_code;
	else if (w == -1 && errno == EAGAIN)
		msg_warn("reply channel fd %d is full (nobody reads it): exit "
		    "%d without the reply text", fd, *code);
	else if (w == -1)
		msg_warn_sys("write reply text to fd %d", fd);
	else
		msg_warn("reply channel fd %d took %zd of %zu bytes: exit %d "
		    "without the reply text", fd, w, strlen(text), *code);
	if (fcntl(fd, F_SETFL, fl) == -1)
		msg_warn_sys("make reply channel fd %d blocking again", fd);
	free(text);
}

/*
 * run_finish - close what is left, write the reply text, log, pick the
 * code
 */
int
run_finish(struct run *r)
{
	struct judge_queue jq;
	struct report rep;
	struct stage_report *sr;
	size_t i;
	int code;

	for (i = 0; i < r->n; i++)
		if (r->st[i].fd_in != -1) {
			(void)close(r->st[i].fd_in);	/* a read end */
			r->st[i].fd_in = -1;
		}
	run_segment_close(r);
	jq.committed = r->q.committed;
	jq.reaped = r->q.done;
	jq.wstatus = r->q.status;
	jq.took_envelope = queue_took_envelope(&r->q,
	    run_envelope_now(r, NULL)->used);
	code = judge_code(r->verdict, r->code, &jq, &r->reason);
	write_reply(r, &code);

	sr = stage_reports(r);
	memset(&rep, 0, sizeof(rep));
	rep.verdict = r->verdict;
	rep.code = code;
	rep.have_envelope = r->env_code == QQ_OK && r->env_eof;
	rep.sender = r->envelope.sender;
	rep.sender_len = r->envelope.sender_len;
	rep.rcpts = rep.have_envelope ? r->envelope.rcpts : 0;
	rep.direct = r->direct;
	rep.bytes_in = r->hops[0].pump.in;
	rep.bytes_out = run_segment_out(r);
	rep.seconds = run_now() - r->t0;
	rep.stages = sr;
	rep.nstages = r->n;
	rep.reason = r->reason;
	rep.qp = getpid();	/* the "qp" qmail-smtpd's 250 names */
	rep.qq = queue_pid(&r->q);
	logfmt_write(&rep);
	free(sr);
	return code;
}
