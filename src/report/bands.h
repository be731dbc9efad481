/*
 * bands.h - the score histogram cut into bands for a picture
 *
 * DESCRIPTION
 *	bands_make() cuts the scores of a tally into bands of width tenths
 *	(10: one point), from the band holding from to the band holding to,
 *	with one edge band below and one above for the scores outside, when
 *	there are any.  Without a range (have_range 0) it picks one: the
 *	scores seen, but no lower than BANDS_BELOW and no higher than
 *	BANDS_ABOVE tenths from the threshold.  It returns the number of
 *	bands and an array the caller frees; at most BANDS_MAX regular bands
 *	(the range is cut at the top to fit).  Text, SVG and JSON all draw
 *	from the same bands.  bands_fmt() writes tenths as a score, "-0.3".
 *
 * ERRORS
 *	None; out of memory: xalloc.h.
 */
#ifndef HIQ_BANDS_H
#define HIQ_BANDS_H

#include <stddef.h>

#include "tally.h"

#define BANDS_MAX	400
#define BANDS_BELOW	(-150)	/* tenths from the threshold */
#define BANDS_ABOVE	250

struct band {
	long long		 lo;	/* tenths, [lo, hi) */
	long long		 hi;
	int			 edge;	/* -1: all below lo.. ; 1: all above */
	unsigned long long	 n[TALLY_NZONES];
};

size_t	bands_make(const struct tally *, long long, int, long long,
	    long long, struct band **);
unsigned long long bands_total(const struct band *);
char	*bands_fmt(char *, size_t, long long);

#endif /* HIQ_BANDS_H */
