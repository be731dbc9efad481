/*
 * verdict.h - exit status to outcome to qmail-queue exit code
 *
 * DESCRIPTION
 *	A stage's wait status is mapped to an outcome by its "on" rules
 *	(verdict_map), the outcomes of all stages are combined into the
 *	message's verdict (verdict_combine), and the verdict becomes hi-q's
 *	exit code (verdict_code).  Everything here is pure and table-driven.
 */
#ifndef HIQ_VERDICT_H
#define HIQ_VERDICT_H

#include <stddef.h>

/* In order of precedence when combined: the larger wins. */
enum outcome {
	OUTCOME_GREEN,		/* clean, go on */
	OUTCOME_YELLOW,		/* deliver, tagged, counted */
	OUTCOME_DISCARD,	/* accept and drop: only when configured */
	OUTCOME_TEMPFAIL,	/* try again later */
	OUTCOME_RED		/* reject permanently */
};

enum rule_kind {
	RULE_EXIT,		/* the exit codes in the bitmap */
	RULE_ANY,		/* "*": any exit code */
	RULE_SIGNAL		/* "signal": killed by any signal */
};

/* One "on CODES OUTCOME [TEXT]" line of filters.conf. */
struct rule {
	enum rule_kind	 kind;
	unsigned char	 codes[32];	/* bit n set: exit code n matches */
	enum outcome	 outcome;
	char		*text;		/* SMTP text, or NULL */
	unsigned	 line;
};

const char	*outcome_name(enum outcome);
int		 outcome_parse(const char *, enum outcome *);
void		 rule_add_code(struct rule *, unsigned);
enum outcome	 verdict_map(const struct rule *, size_t, int,
		    const struct rule **);
enum outcome	 verdict_map_end(const struct rule *, size_t, int, int,
		    const struct rule **);
enum outcome	 verdict_combine(enum outcome, enum outcome);
int		 verdict_code(enum outcome);

#endif /* HIQ_VERDICT_H */
