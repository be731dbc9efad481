/*
 * bands.c - the score histogram cut into bands for a picture
 *
 * DESCRIPTION
 *	See bands.h.
 *
 * ERRORS
 *	See bands.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bands.h"
#include "xalloc.h"

static long long	floor_to(long long, long long);

/* floor_to - the largest multiple of w at or below v */
static long long
floor_to(long long v, long long w)
{
	return v >= 0 ? v / w * w : -((-v + w - 1) / w) * w;
}

unsigned long long
bands_total(const struct band *b)
{
	unsigned long long n = 0;
	int z;

	for (z = 0; z < TALLY_NZONES; z++)
		n += b->n[z];
	return n;
}

size_t
bands_make(const struct tally *t, long long width, int have_range,
    long long from, long long to, struct band **out)
{
	struct band *b;
	long long lo, hi, th, v;
	size_t n = 0, nregular;

	*out = NULL;
	if (tally_score_span(t, &lo, &hi) == -1)
		return 0;
	if (!have_range) {
		if (tally_threshold(t, &th) == -1)
			th = 50;
		from = lo > th + BANDS_BELOW ? lo : th + BANDS_BELOW;
		to = hi < th + BANDS_ABOVE ? hi : th + BANDS_ABOVE;
		if (from > to)
			from = to;
	}
	from = floor_to(from, width);
	if (from <= TALLY_BELOW)
		from = floor_to(TALLY_BELOW, width) + width;
	to = floor_to(to, width) + width;	/* the band holding to */
	if (to > TALLY_ABOVE)
		to = floor_to(TALLY_ABOVE, width);
	if (to <= from)
		to = from + width;
	nregular = (size_t)((to - from) / width);
	if (nregular > BANDS_MAX) {
		nregular = BANDS_MAX;
		to = from + (long long)nregular * width;
	}
	b = xcalloc(nregular + 2, sizeof(*b));
	tally_band(t, TALLY_BELOW, from, b[n].n);
	if (bands_total(&b[n]) > 0) {
		b[n].lo = TALLY_BELOW;
		b[n].hi = from;
		b[n++].edge = -1;
	}
	for (v = from; v < to; v += width, n++) {
		b[n].lo = v;
		b[n].hi = v + width;
		tally_band(t, v, v + width, b[n].n);
	}
	memset(&b[n], 0, sizeof(b[n]));
	tally_band(t, to, TALLY_ABOVE + 1, b[n].n);
	if (bands_total(&b[n]) > 0) {
		b[n].lo = to;
		b[n].hi = TALLY_ABOVE + 1;
		b[n++].edge = 1;
	}
	*out = b;
	return n;
}

/* bands_fmt - tenths as hi-q prints a score: "6.9", "-0.3" */
char *
bands_fmt(char *buf, size_t size, long long t)
{
	unsigned long long a = t < 0 ? 0ULL - (unsigned long long)t :
	    (unsigned long long)t;

	snprintf(buf, size, "%s%llu.%llu", t < 0 ? "-" : "", a / 10, a % 10);
	return buf;
}
