/*
 * rsvg.h - hi-q-report's score histogram as a standalone SVG picture
 *
 * DESCRIPTION
 *	rsvg_write() draws the bands (bands.h), width tenths each, as
 *	stacked bars (green, yellow, red and grey for the zone each message
 *	fell in) over a background shaded green below the threshold, yellow
 *	up to the red line and red above, with the two lines, both axes,
 *	their labels and the count over each bar where the counts fit (each
 *	bar also carries its counts as a tooltip).  The picture is one
 *	self-contained SVG 1.1 document: no scripts, no external references.
 *
 * ERRORS
 *	None reported here: the caller checks the stream.
 */
#ifndef HIQ_RSVG_H
#define HIQ_RSVG_H

#include <stdio.h>

#include "bands.h"
#include "tally.h"

void	rsvg_write(FILE *, const struct tally *, const struct band *, size_t,
	    long long);

#endif /* HIQ_RSVG_H */
