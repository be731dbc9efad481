/*
 * outcome.h - what a stage's end or a message's verdict means
 *
 * DESCRIPTION
 *	The five outcomes of filters.conf(5) and hi-q(8): a stage's, given
 *	by its rules (rule.h) or its zone, and the message's verdict, which
 *	combines them.  Their words are the same in filters.conf and in the
 *	log line, and hi-q-report counts by them.
 *
 *	outcome_name() is an outcome's word ("?" for a value that is none);
 *	outcome_parse() the outcome of a word.  outcome_combine(a, b) is
 *	the stronger of two: red over tempfail over discard over yellow over
 *	green.  Pure.
 *
 * ERRORS
 *	outcome_parse() returns -1, *o untouched, for a word that is not an
 *	outcome.
 */
#ifndef HIQ_OUTCOME_H
#define HIQ_OUTCOME_H

/* In order of precedence when combined: the larger wins. */
enum outcome {
	OUTCOME_GREEN,		/* clean, go on */
	OUTCOME_YELLOW,		/* deliver, tagged, counted */
	OUTCOME_DISCARD,	/* accept and drop: only when configured */
	OUTCOME_TEMPFAIL,	/* try again later */
	OUTCOME_RED		/* reject permanently */
};
#define OUTCOME_COUNT	(OUTCOME_RED + 1)

const char	*outcome_name(enum outcome);
int		 outcome_parse(const char *, enum outcome *);
enum outcome	 outcome_combine(enum outcome, enum outcome);

#endif /* HIQ_OUTCOME_H */
