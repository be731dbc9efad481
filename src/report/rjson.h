/*
 * rjson.h - hi-q-report's figures as JSON
 *
 * DESCRIPTION
 *	rjson_write() prints one JSON object with the same figures as
 *	rtext_write(): "lines", "verdicts", "days" (with by_day), "stages",
 *	"scores" (the bands of width tenths, threshold and red line) and
 *	"whatif".  Scores are written as numbers with one decimal, times in
 *	seconds with three.  hi-q-report(8) documents the keys.
 *
 * ERRORS
 *	None reported here: the caller checks the stream.
 */
#ifndef HIQ_RJSON_H
#define HIQ_RJSON_H

#include <stdio.h>

#include "bands.h"
#include "tally.h"

void	rjson_write(FILE *, const struct tally *, const struct band *, size_t,
	    long long, int);

#endif /* HIQ_RJSON_H */
