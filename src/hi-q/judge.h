/*
 * judge.h - stage results to outcome, verdict, exit code and reply
 *
 * DESCRIPTION
 *	Everything hi-q concludes from what it saw, and nothing it does
 *	about it: the run (run_loop.c) records how each stage ended and asks
 *	here what that means.
 *
 *	judge_stage() takes a stage that has ended (rep->status and
 *	rep->value say how) and sets its outcome.  It returns JUDGE_DECIDES
 *	when that outcome settles the message at once (red or tempfail),
 *	with *why the reason for the log and *text the SMTP text of the rule
 *	that matched (or NULL); JUDGE_STOPPED when hi-q itself stopped the
 *	stage (kill_as), which says nothing of the message; JUDGE_PASSES
 *	otherwise.  unread is what the stage left in its input pipe, and
 *	decided says the message's verdict is already taken.  An exit that
 *	no "on" rule names gets the defaults of filters.conf(5): exit 0
 *	green and anything else tempfail, and for a qfilter qmail-qfilter's
 *	(0 green, 99 discard, 11 to 40 red, the reply channel's code as the
 *	text it wrote says, anything else tempfail); said is that text's
 *	first line when the qfilter's exit is the reply channel's code (""
 *	when it wrote none), NULL otherwise.
 *
 *	judge_unread() is the one rule for a stage that left input unread,
 *	however hi-q found out: bytes left in its pipe when it exited
 *	(judge_stage()), a byte written to its pipe after it exited, or a
 *	write to it that failed with EPIPE, before or after it ended.  That
 *	decides the message tempfail, and an ended stage's outcome with it,
 *	unless hi-q stopped the stage (JUDGE_STOPPED), the verdict was taken
 *	already, or the stage's own rules made it red (JUDGE_PASSES: red
 *	stands).
 *
 *	judge_zone() does the same for the score a zone stage's tap read,
 *	once the stage has exited and the tap has seen enough.
 *
 *	judge_message() combines the stages' outcomes into the verdict; a
 *	pipeline that turned a message into nothing is a fault.
 *
 *	judge_code() turns the verdict, or qmail-queue's end once the
 *	envelope was committed, into hi-q's exit code, and may replace
 *	*reason (malloc'd or NULL): before the commit red is
 *	QQ_PERM_REJECT, tempfail QQ_TEMP_REJECT, and the others QQ_OK (the
 *	message is then queued, or for discard dropped).  judge_reply() is
 *	the text for the caller's reply channel ("D" or "Z" and the rule's
 *	text), or NULL.  judge_unfinished() reports a stage still running at
 *	the end.
 *
 * ERRORS
 *	None; the texts come from xalloc.
 */
#ifndef HIQ_JUDGE_H
#define HIQ_JUDGE_H

#include "conf.h"
#include "outcome.h"
#include "report.h"
#include "zone.h"

enum judge_step {
	JUDGE_PASSES,		/* no decision yet */
	JUDGE_DECIDES,		/* *why (and *text) decide the message */
	JUDGE_STOPPED		/* hi-q stopped it: tempfail, no decision */
};

/* How qmail-queue ended, once hi-q is done with it. */
struct judge_queue {
	int	 committed;	/* the envelope was handed over */
	int	 reaped;
	int	 wstatus;	/* valid when reaped */
	int	 took_envelope;	/* every envelope byte written and read */
};

enum judge_step	 judge_stage(const struct stage_conf *, struct stage_report *,
		    enum stage_status, int, int, const char *, char **,
		    const char **);
enum judge_step	 judge_unread(const struct stage_conf *, struct stage_report *,
		    int, enum stage_status, int, char **);
enum judge_step	 judge_zone(const struct stage_conf *, struct stage_report *,
		    struct zone_tap *, char **, const char **);
enum outcome	 judge_message(const struct stage_report *, size_t,
		    unsigned long long, unsigned long long, char **);
int		 judge_code(enum outcome, int, const struct judge_queue *,
		    char **);
char		*judge_reply(enum outcome, const char *);
void		 judge_unfinished(struct stage_report *, enum stage_status);

#endif /* HIQ_JUDGE_H */
