/*
 * rule.c - a stage's "on" rules: its exit status to an outcome
 *
 * DESCRIPTION
 *	See rule.h.
 */
#include <stddef.h>
#include <strings.h>

#include "logfmt.h"
#include "outcome.h"
#include "report.h"
#include "rule.h"

static int	matches(const struct rule *, int, int);
static int	reply_index(enum stage_status);

void
rule_add_code(struct rule *r, unsigned code)
{
	if (code > 255)
		return;		/* no exit status has it */
	r->codes[code / 8] |= (unsigned char)(1U << (code % 8));
}

/* matches - code is an exit code, or with signaled a signal number */
static int
matches(const struct rule *r, int signaled, int code)
{
	switch (r->kind) {
	case RULE_SIGNAL:
		return signaled;
	case RULE_ANY:
		return !signaled;
	case RULE_EXIT:
		if (signaled || code < 0 || code > 255)
			return 0;
		return (r->codes[code / 8] >> (code % 8)) & 1;
	case RULE_REPLY:
	case RULE_HEADER:
		return 0;	/* a milter's rule; no exit matches it */
	}
	return 0;
}

enum outcome
rule_map(const struct rule *rules, size_t n, int signaled, int value,
    const struct rule **which)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (matches(&rules[i], signaled, value)) {
			if (which != NULL)
				*which = &rules[i];
			return rules[i].outcome;
		}
	if (which != NULL)
		*which = NULL;
	if (!signaled && value == 0)
		return OUTCOME_GREEN;
	return OUTCOME_TEMPFAIL;
}

/*
 * The ends of a milter stage, each with its default outcome: filters.conf(5)
 * and Postfix's milter_default_action (tempfail) for a failure.
 */
static const struct {
	enum stage_status	 status;
	enum outcome		 fallback;
} replies[] = {
	{ STATUS_ACCEPT, OUTCOME_GREEN },
	{ STATUS_REJECT, OUTCOME_RED },
	{ STATUS_TEMPFAIL, OUTCOME_TEMPFAIL },
	{ STATUS_DISCARD, OUTCOME_DISCARD },
	{ STATUS_QUARANTINE, OUTCOME_YELLOW },
	{ STATUS_FAILURE, OUTCOME_TEMPFAIL },
};
#define NREPLIES	(sizeof(replies) / sizeof(replies[0]))

/* reply_index - st's place in replies[], or -1 for no milter's end */
static int
reply_index(enum stage_status st)
{
	size_t i;

	for (i = 0; i < NREPLIES; i++)
		if (replies[i].status == st)
			return (int)i;
	return -1;
}

/*
 * rule_reply_parse - a milter's reply word (the log's status word):
 * accept, reject, tempfail, discard, quarantine or failure; -1 for any
 * other word
 */
int
rule_reply_parse(const char *word, enum stage_status *st)
{
	enum stage_status got;
	int value;

	if (logfmt_status_parse(word, &got, &value) == -1 ||
	    reply_index(got) == -1)
		return -1;
	*st = got;
	return 0;
}

enum outcome
rule_map_reply(const struct rule *rules, size_t n, enum stage_status st,
    const struct rule **which)
{
	size_t i;
	int k;

	if (st == STATUS_TIMEOUT)
		st = STATUS_FAILURE;	/* the milter did not answer in time */
	for (i = 0; i < n; i++)
		if (rules[i].kind == RULE_REPLY && rules[i].reply == st) {
			if (which != NULL)
				*which = &rules[i];
			return rules[i].outcome;
		}
	if (which != NULL)
		*which = NULL;
	k = reply_index(st);
	return k == -1 ? OUTCOME_TEMPFAIL : replies[k].fallback;
}

const struct rule *
rule_header(const struct rule *rules, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (rules[i].kind == RULE_HEADER &&
		    strcasecmp(rules[i].header, name) == 0)
			return &rules[i];
	return NULL;
}
