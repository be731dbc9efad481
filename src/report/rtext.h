/*
 * rtext.h - hi-q-report's figures for a terminal
 *
 * DESCRIPTION
 *	rtext_write() prints the line counts, the messages per verdict (and
 *	per day if by_day), the per-stage figures, the score histogram of
 *	the bands given (bands.h), width tenths each, with the threshold and the red line marked,
 *	and the what-if table, in 80 columns.
 *
 * ERRORS
 *	None reported here: the caller checks the stream.
 */
#ifndef HIQ_RTEXT_H
#define HIQ_RTEXT_H

#include <stdio.h>

#include "bands.h"
#include "tally.h"

void	rtext_write(FILE *, const struct tally *, const struct band *, size_t,
	    long long, int);

#endif /* HIQ_RTEXT_H */
