/*
 * zone_ref.h - the zone's pass-through rule, written the slow, obvious way
 *
 * DESCRIPTION
 *	zone_ref_reason(out, in, name, ...) says what zone_judge() must
 *	answer for the header blocks two taps hold (the stage's output and,
 *	or NULL, its input): the reason, or NULL, and the score read.  It
 *	compares every HEADER field of the output with every one of the
 *	input, n * m, as zone.c did before it sorted the input's values; the
 *	unit tests (check_zone.c) and the fuzzer (fuzz_zone.c) hold zone.c's
 *	answers to it.  It lives with the tests, never in src/.
 *
 * ERRORS
 *	Out of memory: die(QQ_OOM).
 */
#ifndef HIQ_ZONE_REF_H
#define HIQ_ZONE_REF_H

#include "zone.h"

char	*zone_ref_reason(const struct zone_tap *, const struct zone_tap *,
	    const char *, int *, double *, double *);

#endif /* HIQ_ZONE_REF_H */
