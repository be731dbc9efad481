/*
 * judge.c - stage results to outcome, verdict, exit code and reply
 *
 * DESCRIPTION
 *	See judge.h.  Pure: no descriptor, no clock, no process.
 */
#include <sys/types.h>
#include <sys/wait.h>

#include <stdlib.h>

#include "conf.h"
#include "judge.h"
#include "outcome.h"
#include "qq.h"
#include "report.h"
#include "rule.h"
#include "xalloc.h"
#include "zone.h"

static const char *first_red_text(const struct stage_conf *);
static enum outcome qfilter_default(const struct stage_conf *,
		    const struct stage_report *, const char *, char **,
		    const char **);
static int	 usable_text(const char *);
static int	 verdict_code(enum outcome);

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
 * judge_unread - a stage left input unread: does that decide the message?
 *
 *	ended says the stage has exited (rep holds its outcome so far).
 *	hi-q finds out from the bytes left in the pipe at the exit, from a
 *	byte written there later, or from a write that fails; which comes
 *	first is a race, so all three ask here and get the same answer.
 */
enum judge_step
judge_unread(const struct stage_conf *sc, struct stage_report *rep,
    int ended, enum stage_status kill_as, int decided, char **why)
{
	*why = NULL;
	if (kill_as != STATUS_RUNNING)
		return JUDGE_STOPPED;	/* what it left says nothing */
	if (decided || (ended && rep->outcome == OUTCOME_RED))
		return JUDGE_PASSES;	/* too late to count; red stands */
	if (ended)
		rep->outcome = OUTCOME_TEMPFAIL;
	*why = xasprintf("stage %s exited without reading all of its input",
	    sc->name);
	return JUDGE_DECIDES;
}

/* usable_text - one line of printable ASCII a reply may carry */
static int
usable_text(const char *t)
{
	size_t n;

	for (n = 0; t[n] != '\0'; n++)
		if (t[n] < 0x20 || t[n] >= 0x7f)
			return 0;
	return n > 0 && n <= CONF_TEXT_MAX;
}

/*
 * qfilter_default - qmail-qfilter's meaning of an exit no "on" rule
 * names: 0 green, 99 discard (no later stage runs), 11 to 40 red, the
 * reply channel's code (said not NULL) as its text says, anything else
 * and a signal tempfail
 *
 *	said is the first line the qfilter wrote on its reply channel:
 *	"D" and a text for red, "Z" or any other byte and a text for
 *	tempfail, as qmail-smtpd reads fd 6.  The text goes to the client
 *	only when it is one line of printable ASCII of at most
 *	CONF_TEXT_MAX bytes; without one, or without any line, the reason
 *	says so.
 */
static enum outcome
qfilter_default(const struct stage_conf *sc, const struct stage_report *rep,
    const char *said, char **why, const char **text)
{
	enum outcome o;

	if (rep->status != STATUS_EXITED)
		return OUTCOME_TEMPFAIL;
	if (said != NULL) {
		if (said[0] == '\0') {
			*why = xasprintf("qfilter %s exited %d without a reply "
			    "text", sc->name, rep->value);
			return OUTCOME_TEMPFAIL;
		}
		o = said[0] == 'D' ? OUTCOME_RED : OUTCOME_TEMPFAIL;
		if (usable_text(said + 1)) {
			*text = said + 1;
			*why = xstrdup(*text);
		} else
			*why = xasprintf("qfilter %s exited %d with no usable "
			    "reply text", sc->name, rep->value);
		return o;
	}
	if (rep->value == 0)
		return OUTCOME_GREEN;
	if (rep->value == 99)
		return OUTCOME_DISCARD;
	if (rep->value >= 11 && rep->value <= 40)
		return OUTCOME_RED;
	return OUTCOME_TEMPFAIL;
}

enum judge_step
judge_stage(const struct stage_conf *sc, struct stage_report *rep,
    enum stage_status kill_as, int unread, int decided, const char *said,
    char **why, const char **text)
{
	const struct rule *rule;

	*why = NULL;
	*text = NULL;
	if (kill_as != STATUS_RUNNING) {
		/* Stopped by hi-q: its status says nothing of the message. */
		rep->status = kill_as;
		rep->outcome = OUTCOME_TEMPFAIL;
		return JUDGE_STOPPED;
	}
	rep->outcome = rule_map(sc->rules, sc->nrules,
	    rep->status == STATUS_SIGNALED, rep->value, &rule);
	if (rule == NULL && sc->kind == STAGE_QFILTER)
		rep->outcome = qfilter_default(sc, rep, said, why, text);
	if (*why != NULL)
		return JUDGE_DECIDES;	/* the qfilter's own reply */
	if (rep->outcome == OUTCOME_RED || rep->outcome == OUTCOME_TEMPFAIL) {
		if (rule != NULL && rule->text != NULL) {
			*text = rule->text;
			*why = xstrdup(rule->text);
		} else if (rep->status == STATUS_EXITED)
			*why = xasprintf("stage %s exited %d", sc->name,
			    rep->value);
		else
			*why = xasprintf("stage %s killed by signal %d",
			    sc->name, rep->value);
		return JUDGE_DECIDES;
	}
	/*
	 * It would pass the message on: did it take all of it?  (If it
	 * left before the end of a stream still coming, the next write to
	 * its pipe fails, and the run finds out there.)
	 */
	if (unread > 0)
		return judge_unread(sc, rep, 1, kill_as, decided, why);
	return JUDGE_PASSES;
}

enum judge_step
judge_zone(const struct stage_conf *sc, struct stage_report *rep,
    struct zone_tap *tap, char **why, const char **text)
{
	char *zwhy;

	*why = NULL;
	*text = NULL;
	rep->outcome = outcome_combine(rep->outcome, zone_judge(tap, &zwhy));
	rep->have_score = zone_tap_score(tap, &rep->score, &rep->required);
	if (rep->have_score)
		rep->red = zone_red_from(&sc->zone, rep->required);
	switch (rep->outcome) {
	case OUTCOME_RED:
		if ((*text = first_red_text(sc)) != NULL)
			*why = xstrdup(*text);
		else if (rep->have_score)
			*why = xasprintf("stage %s scored %.1f, red from %.1f",
			    sc->name, rep->score, rep->red);
		else
			*why = xasprintf("stage %s: %s", sc->name,
			    zwhy != NULL ? zwhy : "red");
		break;
	case OUTCOME_TEMPFAIL:
		*why = xasprintf("stage %s: %s", sc->name,
		    zwhy != NULL ? zwhy : "tempfail");
		break;
	case OUTCOME_GREEN:
	case OUTCOME_YELLOW:
	case OUTCOME_DISCARD:
		break;
	}
	free(zwhy);
	return *why != NULL ? JUDGE_DECIDES : JUDGE_PASSES;
}

enum outcome
judge_message(const struct stage_report *st, size_t n, unsigned long long in,
    unsigned long long queued, char **why)
{
	enum outcome v = OUTCOME_GREEN;
	size_t i;

	*why = NULL;
	for (i = 0; i < n; i++)
		v = outcome_combine(v, st[i].outcome);
	if (in > 0 && queued == 0 && v != OUTCOME_DISCARD) {
		*why = xasprintf("the pipeline turned a %llu-byte message "
		    "into an empty one", in);
		return OUTCOME_TEMPFAIL;
	}
	if (v == OUTCOME_DISCARD)
		*why = xstrdup("discarded by configuration");
	return v;
}

/*
 * verdict_code - the exit code of a verdict taken before any commit: the
 * caller then queues (accept), drops (discard) or answers the code
 */
static int
verdict_code(enum outcome o)
{
	switch (o) {
	case OUTCOME_RED:
		return QQ_PERM_REJECT;
	case OUTCOME_TEMPFAIL:
		return QQ_TEMP_REJECT;
	case OUTCOME_GREEN:
	case OUTCOME_YELLOW:
	case OUTCOME_DISCARD:
		return QQ_OK;
	}
	return QQ_INTERNAL;
}

/*
 * judge_code - hi-q's exit code
 *
 *	code is an exit code decided on the way (an envelope error, a
 *	signal), or -1.  After the commit only qmail-queue's own end counts,
 *	and its 0 only if it took the whole envelope.
 */
int
judge_code(enum outcome verdict, int code, const struct judge_queue *q,
    char **reason)
{
	if (code != -1)
		return code;
	if (!q->committed || !q->reaped)
		return verdict_code(verdict);
	if (!WIFEXITED(q->wstatus)) {
		free(*reason);
		*reason = xasprintf("qmail-queue killed by signal %d",
		    WTERMSIG(q->wstatus));
		return QQ_TEMP_REJECT;
	}
	code = WEXITSTATUS(q->wstatus);
	if (code == QQ_OK && !q->took_envelope) {
		free(*reason);
		*reason = xstrdup("qmail-queue exited 0 before reading the "
		    "envelope");
		return QQ_TEMP_REJECT;
	}
	if (code != QQ_OK && *reason == NULL)
		*reason = xasprintf("qmail-queue exited %d", code);
	return code;
}

char *
judge_reply(enum outcome verdict, const char *text)
{
	if (text == NULL ||
	    (verdict != OUTCOME_RED && verdict != OUTCOME_TEMPFAIL))
		return NULL;
	return xasprintf("%c%s", verdict == OUTCOME_RED ? 'D' : 'Z', text);
}

/* judge_unfinished - still running when hi-q gave up: it was killed */
void
judge_unfinished(struct stage_report *rep, enum stage_status kill_as)
{
	rep->status = kill_as != STATUS_RUNNING ? kill_as : STATUS_ABORTED;
	rep->outcome = OUTCOME_TEMPFAIL;
}
