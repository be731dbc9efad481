/*
 * rule.c - a stage's "on" rules: its exit status to an outcome
 *
 * DESCRIPTION
 *	See rule.h.
 */
#include <stddef.h>

#include "logfmt.h"
#include "outcome.h"
#include "report.h"
#include "rule.h"

static int	matches(const struct rule *, int, int);
static enum outcome reply_default(enum stage_status);

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
 * rule_reply_parse - a milter's reply word (the log's status word):
 * accept, reject, tempfail, discard, quarantine or failure; -1 for any
 * other word
 */
int
rule_reply_parse(const char *word, enum stage_status *st)
{
	enum stage_status got;
	int value;

	if (logfmt_status_parse(word, &got, &value) == -1)
		return -1;
	switch (got) {
	case STATUS_ACCEPT:
	case STATUS_REJECT:
	case STATUS_TEMPFAIL:
	case STATUS_DISCARD:
	case STATUS_QUARANTINE:
	case STATUS_FAILURE:
		*st = got;
		return 0;
	case STATUS_RUNNING:
	case STATUS_EXITED:
	case STATUS_SIGNALED:
	case STATUS_SKIPPED:
	case STATUS_NOEXEC:
	case STATUS_TIMEOUT:
	case STATUS_ABORTED:
	case STATUS_UNREACHED:
		break;
	}
	return -1;
}

/* reply_default - the outcome of a milter's end no rule names */
static enum outcome
reply_default(enum stage_status st)
{
	switch (st) {
	case STATUS_ACCEPT:
		return OUTCOME_GREEN;
	case STATUS_REJECT:
		return OUTCOME_RED;
	case STATUS_DISCARD:
		return OUTCOME_DISCARD;
	case STATUS_QUARANTINE:
		return OUTCOME_YELLOW;
	case STATUS_TEMPFAIL:
	case STATUS_FAILURE:
	case STATUS_RUNNING:
	case STATUS_EXITED:
	case STATUS_SIGNALED:
	case STATUS_SKIPPED:
	case STATUS_NOEXEC:
	case STATUS_TIMEOUT:
	case STATUS_ABORTED:
	case STATUS_UNREACHED:
		break;
	}
	return OUTCOME_TEMPFAIL;
}

enum outcome
rule_map_reply(const struct rule *rules, size_t n, enum stage_status st,
    const struct rule **which)
{
	size_t i;

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
	return reply_default(st);
}
