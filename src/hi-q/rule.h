/*
 * rule.h - a stage's "on" rules: its exit status to an outcome
 *
 * DESCRIPTION
 *	struct rule is one "on CODES OUTCOME [TEXT]" line of filters.conf(5);
 *	conf.c fills it (rule_add_code() for each exit code of CODES).
 *
 *	rule_map(rules, n, signaled, value, &rule) walks a stage's rules in
 *	the order they were written and returns the outcome of the first
 *	that matches its end: an exit code, or with signaled the signal that
 *	killed it (what waitid(2) and the run report, so no wait status has
 *	to be made up).  rule is set to it (or NULL) so the caller can find
 *	its SMTP text and line.  An end no rule matches gets the default of
 *	filters.conf(5): exit 0 is green, anything else tempfail.
 *
 *	A milter stage's rules (RULE_REPLY, "on REPLY OUTCOME [TEXT]") name
 *	the milter's final reply, or its failure, by the status word of the
 *	log line (report.h): accept, reject, tempfail, discard, quarantine,
 *	failure.  rule_reply_parse() reads such a word.  rule_map_reply(rules,
 *	n, status, &rule) is rule_map() for the status a milter stage ended
 *	with; a timeout counts as a failure.  With no rule for it: accept
 *	green, reject red, tempfail tempfail, discard discard, quarantine
 *	yellow, failure tempfail (Postfix's milter_default_action).
 *
 *	A milter's "on header NAME OUTCOME [TEXT]" (RULE_HEADER) is for a
 *	milter that accepts the message and adds a header field NAME, as
 *	rspamd's "add header" action does: rule_header(rules, n, name) is
 *	the first such rule for the field name (any case), or NULL.  Pure.
 *
 * ERRORS
 *	None.
 */
#ifndef HIQ_RULE_H
#define HIQ_RULE_H

#include <stddef.h>

#include "outcome.h"
#include "report.h"

enum rule_kind {
	RULE_EXIT,		/* the exit codes in the bitmap */
	RULE_ANY,		/* "*": any exit code */
	RULE_SIGNAL,		/* "signal": killed by any signal */
	RULE_REPLY,		/* a milter's reply, or its failure */
	RULE_HEADER		/* a milter accepted, adding this header */
};

/* One "on CODES OUTCOME [TEXT]" line of filters.conf. */
struct rule {
	enum rule_kind	 kind;
	unsigned char	 codes[32];	/* bit n set: exit code n matches */
	enum stage_status reply;	/* RULE_REPLY: STATUS_ACCEPT ... */
	char		*header;	/* RULE_HEADER: the field's name */
	enum outcome	 outcome;
	char		*text;		/* SMTP text, or NULL */
	unsigned	 line;
};

void		 rule_add_code(struct rule *, unsigned);
enum outcome	 rule_map(const struct rule *, size_t, int, int,
		    const struct rule **);
int		 rule_reply_parse(const char *, enum stage_status *);
const struct rule *rule_header(const struct rule *, size_t, const char *);
enum outcome	 rule_map_reply(const struct rule *, size_t, enum stage_status,
		    const struct rule **);

#endif /* HIQ_RULE_H */
