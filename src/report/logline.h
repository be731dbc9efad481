/*
 * logline.h - one line of a log to one hi-q message record
 *
 * DESCRIPTION
 *	logline_parse() reads a line as hi-q(8) writes it (LOG FORMAT) in the
 *	forms it is kept in: bare ("hi-q: verdict=..."), after a multilog
 *	@tai64n label (decoded to the local day), after a syslog or
 *	journalctl "Mmm dd hh:mm:ss host hi-q[pid]: " prefix, after an ISO
 *	8601 time (journalctl -o short-iso, RFC 5424), or after anything
 *	else that ends in "hi-q: " (a logger's own prefix).  It changes the
 *	line in place (ends fields with NULs); the record points into it and
 *	into the parser, both valid until the next call.
 *
 *	Scores, required scores and red lines are kept in tenths, as hi-q
 *	prints them ("%.1f"), so comparisons are exact.  A score that is not
 *	a finite number of tenths within +-LOGLINE_SCORE_MAX (nan, inf,
 *	1e308) is marked, not converted; such a red line is none.  The pids
 *	(qp=, qq=) are read and checked, for a reader that wants them.
 *
 * ERRORS
 *	logline_parse() returns the kind of line; for LOGLINE_MALFORMED and
 *	LOGLINE_TRUNCATED it points rec->why at a static description.  Out
 *	of memory: xalloc.h.
 */
#ifndef HIQ_LOGLINE_H
#define HIQ_LOGLINE_H

#include <stddef.h>
#include <time.h>

#include "outcome.h"
#include "report.h"

#define LOGLINE_SCORE_MAX	1000000000000LL	/* tenths: 1e11 points */

enum logline_kind {
	LOGLINE_MESSAGE,	/* a per-message line: rec is filled */
	LOGLINE_DIAG,		/* another hi-q line: a warning, an error */
	LOGLINE_FOREIGN,	/* not hi-q's */
	LOGLINE_MALFORMED,	/* hi-q's, but a field cannot be read */
	LOGLINE_TRUNCATED	/* hi-q's, but it ends inside a field */
};

enum logline_form {
	LOGLINE_BARE,
	LOGLINE_MULTILOG,
	LOGLINE_SYSLOG,		/* also journalctl's default form */
	LOGLINE_ISO,
	LOGLINE_OTHER
};
#define LOGLINE_NFORMS	5

enum logline_score {
	LOGLINE_SCORE_NONE,	/* no ":score=" */
	LOGLINE_SCORE_OK,	/* score10 and required10 are set */
	LOGLINE_SCORE_NAN,	/* nan in the score or the required score */
	LOGLINE_SCORE_HIGH,	/* +inf or beyond LOGLINE_SCORE_MAX */
	LOGLINE_SCORE_LOW	/* -inf or below -LOGLINE_SCORE_MAX */
};

struct logline_stage {
	const char		*name;
	enum stage_status	 status;
	int			 value;		/* exit code, signal */
	enum outcome		 outcome;
	long long		 ms;		/* SECONDS, in milliseconds */
	enum logline_score	 score;
	long long		 score10;
	long long		 required10;
	int			 negzero;	/* the score read "-0.0" */
	int			 have_red;	/* ":red=": red10 is set */
	long long		 red10;		/* the red line, in tenths */
};

struct logline_rec {
	enum logline_form	 form;
	char			 day[11];	/* "2026-12-01", "Dec 01", "" */
	enum outcome		 verdict;
	int			 code;
	long long		 ms;		/* time= */
	long long		 qp;		/* hi-q's pid; 0: none */
	long long		 qq;		/* qmail-queue's; 0: none */
	const struct logline_stage *stages;
	size_t			 nstages;
	const char		*why;
};

struct logline_parser {
	struct logline_stage	*stages;
	size_t			 cap;
	time_t			 hour_lo;	/* multilog: cached local day */
	time_t			 hour_hi;
	char			 hour_day[11];
};

void	logline_init(struct logline_parser *);
enum logline_kind logline_parse(struct logline_parser *, char *, size_t,
	    struct logline_rec *);
const char *logline_form_name(enum logline_form);
void	logline_free(struct logline_parser *);

#endif /* HIQ_LOGLINE_H */
