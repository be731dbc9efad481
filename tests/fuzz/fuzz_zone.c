/*
 * fuzz_zone.c - libFuzzer harness for zone.c: any split, one answer
 *
 * DESCRIPTION
 *	The first byte picks the zone (margin or red, a value, the missing
 *	outcome), the next four seed the cuts, the rest is a stage's output.
 *	Fed whole, fed in pieces cut where the seed says, and fed one byte at
 *	a time, the output must give the same outcome, the same reason and
 *	the same score; a score read must be finite.  The sanitizers catch
 *	the rest.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "verdict.h"
#include "zone.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

struct answer {
	enum outcome	 outcome;
	char		*why;
	int		 have_score;
	double		 score;
	double		 required;
};

static char	header[] = "X-Spam-Status";

/* feed - the output in pieces; cut 0: whole, else from the seed */
static void
feed(const struct zone_conf *zc, const char *p, size_t n, uint32_t seed,
    int bytewise, struct answer *a)
{
	struct zone_tap t;
	size_t off = 0, len;

	zone_tap_init(&t, zc);
	while (off < n) {
		if (bytewise)
			len = 1;
		else if (seed == 0)
			len = n - off;
		else {
			seed = seed * 1103515245U + 12345U;
			len = 1 + (seed >> 8) % 97;
			if ((seed & 3) == 0)
				len *= 4096;
			if (len > n - off)
				len = n - off;
		}
		zone_tap_feed(&t, p + off, len);
		off += len;
	}
	a->outcome = zone_judge(&t, &a->why);
	a->have_score = t.have_score;
	a->score = t.score;
	a->required = t.required;
	zone_tap_free(&t);
}

static void
same(const struct answer *a, const struct answer *b)
{
	if (a->outcome != b->outcome || a->have_score != b->have_score)
		abort();
	if ((a->why == NULL) != (b->why == NULL) ||
	    (a->why != NULL && strcmp(a->why, b->why) != 0))
		abort();
	if (a->have_score && (a->score != b->score ||
	    a->required != b->required || !isfinite(a->score) ||
	    !isfinite(a->required)))
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum outcome missing[] = { OUTCOME_GREEN,
	    OUTCOME_YELLOW, OUTCOME_RED, OUTCOME_TEMPFAIL };
	struct zone_conf zc;
	struct answer whole, cut, bytes;
	uint32_t seed;

	if (size < 5)
		return 0;
	memset(&zc, 0, sizeof(zc));
	zc.header = header;
	zc.absolute = data[0] & 1;
	zc.margin = (data[0] >> 1 & 7) * 0.5;
	zc.red_at = (double)(data[0] >> 1 & 15) - 2;
	zc.missing = missing[data[0] >> 5 & 3];
	seed = (uint32_t)data[1] | (uint32_t)data[2] << 8 |
	    (uint32_t)data[3] << 16 | (uint32_t)data[4] << 24;
	data += 5;
	size -= 5;

	feed(&zc, (const char *)data, size, 0, 0, &whole);
	feed(&zc, (const char *)data, size, seed | 1, 0, &cut);
	same(&whole, &cut);
	free(cut.why);
	if (size <= 65536) {
		feed(&zc, (const char *)data, size, 0, 1, &bytes);
		same(&whole, &bytes);
		free(bytes.why);
	}
	free(whole.why);
	return 0;
}
