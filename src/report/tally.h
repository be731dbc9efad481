/*
 * tally.h - the figures of hi-q-report, from message records
 *
 * DESCRIPTION
 *	tally_new() starts empty figures for the score of one stage (by
 *	name, or NULL for the first stage that has a score);
 *	tally_count() counts a line of each kind, tally_add() adds a message
 *	record (logline.h), and the functions below read the figures:
 *	messages per verdict (in all, per day), per stage (outcomes, exit
 *	statuses, skips, unscanned, deferred, time percentiles), the score
 *	histogram in bands of tenths, and the what-if counts for another
 *	threshold and margin.  The threshold is the required score most
 *	messages had; the margin is the one tally_set_margin() gave, or else
 *	the red line hi-q logged (red=) less the required score, the one
 *	most messages had: a log without red= has none.  tally_stage_statuses() hands a writer a stage's
 *	statuses by their words in the log, in one order for every output.
 *
 *	Memory is bounded whatever the number of lines: scores are counted
 *	in bins of a tenth from -TALLY_SCORE_SPAN to +TALLY_SCORE_SPAN tenths
 *	(beyond: one bin below, one above), score minus required score in
 *	bins of a tenth within +-TALLY_DIFF_SPAN, stage times in
 *	TALLY_TIME_BINS bins (exact to the millisecond below 512 ms, then
 *	256 bins per power of two, so a percentile is at most 0.4% below the
 *	true value), at most TALLY_STAGES_MAX stage names and TALLY_DAYS_MAX
 *	days (the rest are counted together), and TALLY_REQUIRED_MAX
 *	distinct required scores and as many distinct margins.
 *
 * ERRORS
 *	None; out of memory: xalloc.h.
 */
#ifndef HIQ_TALLY_H
#define HIQ_TALLY_H

#include <stddef.h>

#include "logline.h"

#define TALLY_SCORE_SPAN	10000	/* tenths: +-1000.0 */
#define TALLY_DIFF_SPAN		1000	/* tenths: +-100.0 */
#define TALLY_TIME_BINS		11008
#define TALLY_STAGES_MAX	32
#define TALLY_DAYS_MAX		1000
#define TALLY_REQUIRED_MAX	16
#define TALLY_ALL		((size_t)-1)
#define TALLY_BELOW		(-TALLY_SCORE_SPAN - 1)	/* band edges */
#define TALLY_ABOVE		(TALLY_SCORE_SPAN + 1)

/* The zone a message fell in: the score stage's outcome. */
enum tally_zone {
	TALLY_GREEN,
	TALLY_YELLOW,
	TALLY_RED,
	TALLY_OTHER,		/* tempfail or discard */
	TALLY_NZONES
};

struct tally_lines {
	unsigned long long	 total;
	unsigned long long	 kind[LOGLINE_TRUNCATED + 1];
	unsigned long long	 too_long;
	unsigned long long	 form[LOGLINE_NFORMS];	/* messages */
};

struct tally_stage {
	const char		*name;
	unsigned long long	 n;
	unsigned long long	 outcome[OUTCOME_COUNT];
	unsigned long long	 exits[256];
	unsigned long long	 signals[128];
	unsigned long long	 status[STATUS_COUNT];
	unsigned long long	 scored;	/* a usable score */
	unsigned long long	 unscanned;	/* passed (green, yellow), no
						   score */
	unsigned long long	 deferred;	/* said tempfail itself, no
						   score */
	unsigned long long	 nan;		/* score nan, or no threshold */
	unsigned long long	 high;		/* +inf, beyond the bins */
	unsigned long long	 low;
	unsigned long long	 negzero;
	unsigned long long	 timed;		/* exited, signal, timeout,
						   a milter's reply */
	long long		 max_ms;
};

struct tally_whatif {
	unsigned long long	 green;
	unsigned long long	 yellow;
	unsigned long long	 red;
	unsigned long long	 changed;	/* zone differs from now */
};

/* The what-if grid: threshold moved by -1 to +1 point, margins 0.5 to 5. */
#define TALLY_WHATIF_NK		5
#define TALLY_WHATIF_NY		10

struct tally;

struct tally	*tally_new(const char *);
void		 tally_free(struct tally *);
void		 tally_count(struct tally *, enum logline_kind,
		    enum logline_form);
void		 tally_count_too_long(struct tally *);
void		 tally_add(struct tally *, const struct logline_rec *);
void		 tally_set_margin(struct tally *, long long);

const struct tally_lines *tally_lines(const struct tally *);
size_t		 tally_ndays(const struct tally *);
const char	*tally_day(const struct tally *, size_t);
void		 tally_verdicts(const struct tally *, size_t,
		    unsigned long long[OUTCOME_COUNT]);
size_t		 tally_nstages(const struct tally *);
unsigned long long tally_stages_dropped(const struct tally *);
const struct tally_stage *tally_stage(const struct tally *, size_t);
long long	 tally_percentile(const struct tally *, size_t, unsigned);
const char	*tally_score_stage(const struct tally *);
int		 tally_threshold(const struct tally *, long long *);
int		 tally_margin(const struct tally *, long long *);
int		 tally_lowest_red(const struct tally *, long long *);
int		 tally_score_span(const struct tally *, long long *,
		    long long *);
void		 tally_band(const struct tally *, long long, long long,
		    unsigned long long[TALLY_NZONES]);
void		 tally_whatif(const struct tally *, long long, long long,
		    struct tally_whatif *);
long long	 tally_whatif_k(size_t);
const char	*tally_zone_name(enum tally_zone);
long long	 tally_whatif_y(size_t);
void		 tally_stage_statuses(const struct tally_stage *,
		    void (*)(void *, const char *, unsigned long long),
		    void *);

#endif /* HIQ_TALLY_H */
