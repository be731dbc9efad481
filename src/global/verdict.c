/*
 * verdict.c - exit status to outcome to qmail-queue exit code
 *
 * DESCRIPTION
 *	verdict_map(rules, n, wstatus, &rule) walks a stage's rules in the
 *	order they were written and returns the outcome of the first that
 *	matches the wait status; rule is set to it (or NULL) so the caller can
 *	find its SMTP text and line.  A status no rule matches gets the
 *	default of filters.conf(5): exit 0 is green, anything else tempfail.
 *	verdict_map_end() does the same for an exit code or a signal number
 *	(what waitid(2) reports), so no wait status has to be made up.
 *
 *	verdict_combine(a, b) returns the stronger of two outcomes: red over
 *	tempfail over discard over yellow over green.  verdict_code() turns a
 *	verdict into hi-q's exit code: QQ_PERM_REJECT for red, QQ_TEMP_REJECT
 *	for tempfail and QQ_OK otherwise (the caller then queues, or for
 *	discard drops, the message and reports what that gave).
 *
 * ERRORS
 *	outcome_parse returns -1 for a word that is not an outcome.  Nothing
 *	else here fails.
 */
#include <sys/wait.h>

#include <string.h>

#include "qq.h"
#include "verdict.h"

static const char *const names[] = {
	[OUTCOME_GREEN] = "green",
	[OUTCOME_YELLOW] = "yellow",
	[OUTCOME_DISCARD] = "discard",
	[OUTCOME_TEMPFAIL] = "tempfail",
	[OUTCOME_RED] = "red",
};

const char *
outcome_name(enum outcome o)
{
	if ((size_t)o < sizeof(names) / sizeof(names[0]))
		return names[o];
	return "?";
}

int
outcome_parse(const char *s, enum outcome *o)
{
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(s, names[i]) == 0) {
			*o = (enum outcome)i;
			return 0;
		}
	return -1;
}

void
rule_add_code(struct rule *r, unsigned code)
{
	if (code > 255)
		return;		/* no exit status has it */
	r->codes[code / 8] |= (unsigned char)(1U << (code % 8));
}

/* rule_matches - code is an exit code, or with signaled a signal number */
static int
rule_matches(const struct rule *r, int signaled, int code)
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
	}
	return 0;
}

/*
 * verdict_map_end - the same for an end already taken apart: an exit
 * code, or (signaled) the signal that killed the stage
 */
enum outcome
verdict_map_end(const struct rule *rules, size_t n, int signaled, int value,
    const struct rule **which)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (rule_matches(&rules[i], signaled, value)) {
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

enum outcome
verdict_map(const struct rule *rules, size_t n, int wstatus,
    const struct rule **which)
{
	if (WIFEXITED(wstatus))
		return verdict_map_end(rules, n, 0, WEXITSTATUS(wstatus),
		    which);
	return verdict_map_end(rules, n, 1, WTERMSIG(wstatus), which);
}

enum outcome
verdict_combine(enum outcome a, enum outcome b)
{
	return a > b ? a : b;
}

int
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
