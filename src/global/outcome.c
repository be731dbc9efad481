/*
 * outcome.c - what a stage's end or a message's verdict means
 *
 * DESCRIPTION
 *	See outcome.h.  One table of words, for writing and reading.
 */
#include <stddef.h>
#include <string.h>

#include "outcome.h"

/* In the order of enum outcome. */
static const char *const names[OUTCOME_COUNT] = {
	"green", "yellow", "discard", "tempfail", "red"
};

const char *
outcome_name(enum outcome o)
{
	if ((size_t)o < OUTCOME_COUNT)
		return names[o];
	return "?";
}

/*
 * outcome_parse - the first letter is tested before the rest: this runs
 * several times for every line hi-q-report reads
 */
int
outcome_parse(const char *s, enum outcome *o)
{
	size_t i;

	for (i = 0; i < OUTCOME_COUNT; i++)
		if (names[i][0] == s[0] && strcmp(s, names[i]) == 0) {
			*o = (enum outcome)i;
			return 0;
		}
	return -1;
}

enum outcome
outcome_combine(enum outcome a, enum outcome b)
{
	return a > b ? a : b;
}
