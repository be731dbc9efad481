/*
 * rule.c - a stage's "on" rules: its exit status to an outcome
 *
 * DESCRIPTION
 *	See rule.h.
 */
#include <stddef.h>

#include "outcome.h"
#include "rule.h"

static int	matches(const struct rule *, int, int);

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
