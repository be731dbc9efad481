/*
 * run_milter.c - a milter stage's segment: the session in the poll loop
 *
 * DESCRIPTION
 *	A milter stage is a segment of its own (plan.h) that runs inside
 *	hi-q: no thread, no process, no call that blocks.  Its session
 *	(milter_session.h) speaks to the milter over a non-blocking socket;
 *	the run's poll loop polls that socket with everything else and hands
 *	back what poll saw.  This file is the core's third file (run_int.h),
 *	beside run_segment.c, which starts and finishes each segment and
 *	calls it for a milter's:
 *
 *	run_milter_start(r, g, e) opens the session on the message as
 *	it stands (the spool of the segment before, read with pread) and
 *	the envelope as it stands (e), with the client from
 *	tcpserver's variables and these macros: the stage's own ("macro
 *	NAME VALUE", sent at connect and winning over the others),
 *	{auth_authen} from SMTPAUTHUSER, SMTP_AUTH_USER or AUTHUSER, i
 *	hi-q's pid (what qmail-smtpd's "250 ok ... qp PID" shows), j the
 *	first line of QMAILHOME/control/me when there is one, v "hi-q
 *	VERSION".  The HELO is SMTPHELO where the caller exports one
 *	(contrib/qpsmtpd/queue-hi-q does), else the session's own choice
 *	(the HELO in qmail-smtpd's Received field, else the client's name).
 *	The stage's clock starts then and restarts with every packet the
 *	milter sends (run_milter_step()); at its end (run_milter_timeout())
 *	the stage ends as "timeout", which the "on failure" rule judges.
 *
 *	The stage's end is judged by its "on" rules (rule_map_reply()): its
 *	status is the milter's final reply, or failure, or timeout.  A red or
 *	tempfail outcome decides the message at once, with the rule's text,
 *	else the text of the milter's reply code.  A quarantine is noted for
 *	the log line (run_milter_note()).  run_milter_events() is what the
 *	loop polls for a milter stage, and run_milter_close() closes the
 *	sessions still open at the end.
 *
 *	run_milter_finish(r, g, e, data), once the segment is complete:
 *	after an accept (or quarantine) judged green or yellow, the
 *	milter's modifications (milter_edit.h) make a new spool, the message
 *	as it stands, and a new envelope, checked as qmail-queue reads one,
 *	the envelope as it stands.
 *
 * ERRORS
 *	A session that cannot start or breaks down is the stage's failure
 *	(tempfail unless "on failure" says otherwise).  Modifications that
 *	cannot be applied (a spool that cannot be made or written, a change
 *	milter_edit refuses, an envelope left without a recipient or that
 *	is not one) decide the message tempfail, naming the stage.  Out of
 *	memory: die(QQ_OOM).
 */
#include <sys/stat.h>
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "envelope.h"
#include "logfmt.h"
#include "milter_edit.h"
#include "milter_session.h"
#include "msg.h"
#include "outcome.h"
#include "paths.h"
#include "qq.h"
#include "rule.h"
#include "run.h"
#include "run_int.h"
#include "spool.h"
#include "version.h"
#include "xalloc.h"

/* The longest control/me line taken: a host name fits, with room. */
#define ME_MAX		255

/* The macros hi-q computes, past the stage's own. */
#define OWN_MACROS	4

static char	*control_me(void);
static const char **rcpt_list(const struct envelope *);
static void	 ended(struct run *, struct stage_run *,
		    enum milter_status);
static const struct rule *added_header(const struct stage_run *,
		    const char **);
static void	 judge(struct run *, struct stage_run *, enum stage_status);
static char	*reason(const struct stage_run *, enum stage_status);
static void	 done_with(struct stage_run *);
static int	 apply(struct run *, struct stage_run *,
		    const struct envelope *, const char *);

/*
 * control_me - the first line of QMAILHOME/control/me, qmail's own name,
 * malloc'd; NULL when there is none (no file, unreadable, empty)
 */
static char *
control_me(void)
{
	char buf[ME_MAX + 1];
	ssize_t got;
	size_t len;
	int fd;

	if ((fd = open(HIQ_QMAILHOME "/control/me", O_RDONLY | O_NONBLOCK |
	    O_CLOEXEC)) == -1)
		return NULL;
	while ((got = read(fd, buf, ME_MAX)) == -1 && errno == EINTR)
		continue;
	(void)close(fd);	/* read only: nothing lost */
	if (got <= 0)
		return NULL;
	buf[got] = '\0';
	len = strcspn(buf, "\r\n");
	while (len > 0 && (buf[len - 1] == ' ' || buf[len - 1] == '\t'))
		len--;
	if (len == 0)
		return NULL;
	return xasprintf("%.*s", (int)len, buf);
}

/*
 * rcpt_list - the recipients of an envelope checked by envelope.h, each
 * pointing into its data (an entry ends in its NUL); malloc'd list
 */
static const char **
rcpt_list(const struct envelope *e)
{
	const char *p, **v;
	size_t i = 0;

	v = xcalloc(e->rcpts ? e->rcpts : 1, sizeof(*v));
	for (p = envelope_rcpt(e, NULL); p != NULL; p = envelope_rcpt(e, p))
		v[i++] = p;
	return v;
}

/*
 * run_milter_start - the session of the milter of segment g, on the
 * message as it stands and the envelope e (over data) as it stands; its
 * clock starts now
 */
void
run_milter_start(struct run *r, struct segment *g, const struct envelope *e)
{
	struct stage_run *s = &r->st[g->st0];
	const struct stage_conf *sc = s->conf;
	static const char *const auth[] = {
		"SMTPAUTHUSER", "SMTP_AUTH_USER", "AUTHUSER"
	};
	struct milter_params mp;
	struct milter_macro *mac;
	char pid[24], *me, *sender;
	const char *v, **rcpts;
	size_t i, n = 0;

	mac = xcalloc(sc->nmacros + OWN_MACROS, sizeof(*mac));
	for (i = 0; i < sc->nmacros; i++)
		mac[n++] = (struct milter_macro){ sc->macros[i].name,
		    sc->macros[i].value, 1 };
	for (i = 0; i < sizeof(auth) / sizeof(auth[0]); i++)
		if ((v = getenv(auth[i])) != NULL && v[0] != '\0') {
			mac[n++] = (struct milter_macro){ "{auth_authen}", v,
			    0 };
			break;
		}
	(void)snprintf(pid, sizeof(pid), "%ld", (long)getpid());
	mac[n++] = (struct milter_macro){ "i", pid, 0 };
	if ((me = control_me()) != NULL)
		mac[n++] = (struct milter_macro){ "j", me, 0 };
	mac[n++] = (struct milter_macro){ "v", "hi-q " HIQ_VERSION, 0 };

	sender = xasprintf("%.*s", (int)e->sender_len, e->sender);
	rcpts = rcpt_list(e);
	memset(&mp, 0, sizeof(mp));
	mp.addr = sc->addr;
	mp.client_addr = getenv("TCPREMOTEIP");
	mp.client_name = getenv("TCPREMOTEHOST");
	mp.client_port = getenv("TCPREMOTEPORT");
	mp.helo = getenv("SMTPHELO");
	mp.macros = mac;
	mp.nmacros = n;
	mp.sender = sender;
	mp.rcpts = rcpts;
	mp.nrcpts = e->rcpts;
	mp.msgfd = r->msg;
	mp.hide_received = 1;
	mp.tmpdir = r->conf->spool;
	s->milter = milter_session_new(&mp);
	free(rcpts);
	free(sender);
	free(me);
	free(mac);

	s->progress = 0;
	s->clock->t_in = s->t_start = run_now();
	if (milter_session_start(s->milter) != MILTER_RUNNING)
		ended(r, s, MILTER_FAILED);
}

/*
 * run_milter_events - what to poll for a running milter stage s: 1 with
 * its socket and events, 0 when there is nothing to poll
 */
int
run_milter_events(const struct stage_run *s, int *fd, short *events)
{
	if (s->milter == NULL || s->done)
		return 0;
	milter_session_events(s->milter, fd, events);
	return *fd != -1 && *events != 0;
}

/*
 * run_milter_step - what poll saw on s's socket; each packet the milter
 * sent restarts the stage's clock
 */
void
run_milter_step(struct run *r, struct stage_run *s, short revents)
{
	enum milter_status st;
	unsigned long p;

	st = milter_session_step(s->milter, revents);
	if ((p = milter_session_progress(s->milter)) != s->progress) {
		s->progress = p;
		s->clock->t_in = run_now();
	}
	if (st != MILTER_RUNNING)
		ended(r, s, st);
}

/* run_milter_timeout - s's milter was silent for its whole timeout */
void
run_milter_timeout(struct run *r, struct stage_run *s)
{
	judge(r, s, STATUS_TIMEOUT);
}

/* ended - s's session has ended: its status by the milter's reply */
static void
ended(struct run *r, struct stage_run *s, enum milter_status ms)
{
	enum stage_status st = STATUS_FAILURE;

	if (ms == MILTER_DONE)
		switch (milter_session_outcome(s->milter)) {
		case MILTER_ACCEPT:
			st = STATUS_ACCEPT;
			break;
		case MILTER_REJECT:
			st = STATUS_REJECT;
			break;
		case MILTER_TEMPFAIL:
			st = STATUS_TEMPFAIL;
			break;
		case MILTER_DISCARD:
			st = STATUS_DISCARD;
			break;
		case MILTER_QUARANTINE:
			st = STATUS_QUARANTINE;
			break;
		}
	judge(r, s, st);
}

/*
 * reason - the log's reason for s ending as st (malloc'd): the milter's
 * reply and its text, or what broke
 */
static char *
reason(const struct stage_run *s, enum stage_status st)
{
	const char *name = s->conf->name, *text = NULL;
	char word[LOGFMT_STATUS_MAX];
	int code = 0;

	if (st == STATUS_TIMEOUT)
		return xasprintf("milter %s timed out after %us", name,
		    s->conf->timeout);
	if (st == STATUS_FAILURE)
		return xasprintf("milter %s failed: %s", name,
		    milter_session_why(s->milter));
	(void)logfmt_status(word, st, 0);
	if (st == STATUS_QUARANTINE)
		text = milter_session_why(s->milter);
	else {
		text = milter_session_reply(s->milter);
		code = milter_session_code(s->milter);
	}
	if (code != 0)
		return xasprintf("milter %s: %s: %d %s", name, word, code,
		    text != NULL ? text : "");
	if (text != NULL)
		return xasprintf("milter %s: %s: %s", name, word, text);
	return xasprintf("milter %s: %s", name, word);
}

/*
 * added_header - the first "on header" rule (in the file's order) for a
 * header field the milter's modifications add, insert or change to a
 * value, or NULL; *field is that field's name as the milter wrote it
 */
static const struct rule *
added_header(const struct stage_run *s, const char **field)
{
	const struct milter_mods *m = milter_session_mods(s->milter);
	const struct milter_mod *d;
	const struct rule *best = NULL, *hit;
	size_t i;

	for (i = 0; i < m->n; i++) {
		d = &m->mod[i];
		if ((d->cmd == 'h' || d->cmd == 'i' || d->cmd == 'm') &&
		    d->value != NULL && d->value[0] != '\0' &&
		    (hit = rule_header(s->conf->rules, s->conf->nrules,
		    d->name)) != NULL && (best == NULL || hit < best)) {
			best = hit;
			*field = d->name;
		}
	}
	return best;
}

/*
 * judge - s ended as st: its rules give its outcome; red and tempfail
 * decide the message, with the rule's text or the milter's
 */
static void
judge(struct run *r, struct stage_run *s, enum stage_status st)
{
	const struct rule *rule, *hr = NULL;
	const char *field = NULL;
	const char *text = NULL;
	char *why;

	s->done = 1;
	s->t_exit = run_now();
	s->rep.seconds = s->t_exit - s->t_start;	/* its input was whole */
	s->rep.status = st;
	s->rep.value = 0;
	s->rep.outcome = rule_map_reply(s->conf->rules, s->conf->nrules, st,
	    &rule);
	why = reason(s, st);
	if (st == STATUS_ACCEPT && (hr = added_header(s, &field)) != NULL) {
		rule = hr;
		s->rep.outcome = hr->outcome;
		free(why);
		why = xasprintf("milter %s: accept, adding %s", s->conf->name,
		    field);
	}
	switch (s->rep.outcome) {
	case OUTCOME_RED:
	case OUTCOME_TEMPFAIL:
		if (rule != NULL && rule->text != NULL)
			text = rule->text;
		else if (st != STATUS_TIMEOUT && st != STATUS_FAILURE &&
		    milter_session_reply(s->milter) != NULL) {
			s->said = xstrdup(milter_session_reply(s->milter));
			text = s->said;
		}
		done_with(s);
		run_decide_stage(r, s, why, text);
		return;
	case OUTCOME_GREEN:
	case OUTCOME_YELLOW:
		if (st == STATUS_ACCEPT || st == STATUS_QUARANTINE) {
			/* Its modifications are run_milter_finish()'s. */
			if (st == STATUS_QUARANTINE || hr != NULL)
				s->note = why;
			else
				free(why);
			return;
		}
		break;
	case OUTCOME_DISCARD:
		break;
	}
	/* Any other end goes on as configured; say so. */
	if (st == STATUS_TIMEOUT || st == STATUS_FAILURE)
		msg_warn("%s; going on as \"%s\"", why,
		    outcome_name(s->rep.outcome));
	free(why);
	done_with(s);
}

/* done_with - s's session closed, what it held freed */
static void
done_with(struct stage_run *s)
{
	milter_session_free(s->milter);
	s->milter = NULL;
}

/*
 * apply - the modifications of s's milter to the message and envelope as
 * they stand (e over data): a new spool and a new envelope, which become
 * them; -1 after run_fail()
 */
static int
apply(struct run *r, struct stage_run *s, const struct envelope *e,
    const char *data)
{
	const char *name = s->conf->name, *err = NULL, *bad;
	struct envelope ne;
	struct buf env;
	struct stat sb;
	size_t nrcpts = 0;
	int out;

	if ((out = spool_open(r->conf->spool)) == -1) {
		run_fail(r, s, xasprintf("milter %s: unable to make a spool in %s: "
		    "%s", name, r->conf->spool, strerror(errno)));
		return -1;
	}
	buf_init(&env, RUN_ENVELOPE_MAX);
	if (milter_edit_apply(r->msg, milter_session_mods(s->milter),
	    milter_session_body_fd(s->milter), 1, data, e->used, out, &env,
	    &nrcpts, &err) == -1 || fstat(out, &sb) == -1) {
		run_fail(r, s, xasprintf("milter %s: unable to apply its changes: "
		    "%s", name, err != NULL ? err : strerror(errno)));
		goto bad;
	}
	if (nrcpts == 0) {
		run_fail(r, s, xasprintf("milter %s left the message without a "
		    "recipient", name));
		goto bad;
	}
	if (envelope_take(env.data, env.len, &ne, &bad) != QQ_OK) {
		run_fail(r, s, xasprintf("milter %s made a bad envelope: %s", name,
		    bad));
		goto bad;
	}
	buf_free(&r->newenv);
	r->newenv = env;
	/* Its sender into the run's copy, where it now lives. */
	(void)envelope_check(r->newenv.data, r->newenv.len, &r->newenvelope);
	if (close(r->msg) == -1)
		msg_warn_sys("close the spool");	/* read only */
	r->msg = out;
	r->msg_bytes = (unsigned long long)sb.st_size;
	return 0;
bad:
	buf_free(&env);
	(void)close(out);	/* unlinked: it vanishes */
	return -1;
}

/*
 * run_milter_finish - g is complete: after an accept or a quarantine
 * judged green or yellow, the milter's modifications, if any, make the
 * message and the envelope as they stand
 */
void
run_milter_finish(struct run *r, struct segment *g,
    const struct envelope *e, const char *data)
{
	struct stage_run *s = &r->st[g->st0];
	const struct milter_mods *m;

	if (s->milter == NULL)
		return;
	m = milter_session_mods(s->milter);
	if (m->n > 0 || m->body)
		(void)apply(r, s, e, data);
	done_with(s);
}

/*
 * run_milter_note - what the log line says of a message no stage
 * rejected: the first quarantine a milter asked for (malloc'd), or NULL
 */
char *
run_milter_note(const struct run *r)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		if (r->st[i].note != NULL)
			return xstrdup(r->st[i].note);
	return NULL;
}

/* run_milter_close - every session still open, closed */
void
run_milter_close(struct run *r)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		done_with(&r->st[i]);
}
