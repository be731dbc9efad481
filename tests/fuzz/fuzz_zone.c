/*
 * fuzz_zone.c - libFuzzer harness for zone.c: any split, one answer
 *
 * DESCRIPTION
 *	The first byte picks the zone (margin or red, a value, the missing
 *	outcome) and, with its top bit, whether the stage has an input; the
 *	next four seed the cuts; the rest is the stage's output or, with an
 *	input, the input up to the first NUL and the output after it.  Fed
 *	whole, fed in pieces cut where the seed says, and fed one byte at a
 *	time (output and input alike), it must give the same outcome, the
 *	same reason and the same score; a score read must be finite; and
 *	reason and score must be those of the naive pass-through rule of
 *	tests/unit/zone_ref.c, every output field against every input field.
 *	The sanitizers catch the rest.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "outcome.h"
#include "zone.h"
#include "zone_ref.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

struct answer {
	enum outcome	 outcome;
	char		*why;
	int		 have_score;
	double		 score;
	double		 required;
};

static char	header[] = "X-Spam-Status";

/* feed_tap - p[0..n) into t in pieces; cut 0: whole, else from *seed */
static void
feed_tap(struct zone_tap *t, const char *p, size_t n, uint32_t *seed,
    int bytewise)
{
	size_t off = 0, len;

	while (off < n) {
		if (bytewise)
			len = 1;
		else if (*seed == 0)
			len = n - off;
		else {
			*seed = *seed * 1103515245U + 12345U;
			len = 1 + (*seed >> 8) % 97;
			if ((*seed & 3) == 0)
				len *= 4096;
			if (len > n - off)
				len = n - off;
		}
		zone_tap_feed(t, p + off, len);
		off += len;
	}
}

/*
 * feed - the input (when in is not NULL) and the output in pieces, then
 * judge, and hold reason and score to the naive rule
 */
static void
feed(const struct zone_conf *zc, const char *in, size_t inlen,
    const char *p, size_t n, uint32_t seed, int bytewise, struct answer *a)
{
	struct zone_tap t, ti;
	double score = 0, required = 0;
	char *want;
	int have;

	zone_tap_init(&t, zc);
	zone_tap_init(&ti, zc);
	if (in != NULL) {
		zone_tap_set_input(&t, &ti);
		feed_tap(&ti, in, inlen, &seed, bytewise);
	}
	feed_tap(&t, p, n, &seed, bytewise);
	a->outcome = zone_judge(&t, &a->why);
	a->have_score = t.have_score;
	a->score = t.score;
	a->required = t.required;
	want = zone_ref_reason(&t, in != NULL ? &ti : NULL, zc->header, &have,
	    &score, &required);
	if ((want == NULL) != (a->why == NULL) || (want != NULL &&
	    strcmp(want, a->why) != 0) || have != a->have_score ||
	    (have && (score != a->score || required != a->required)))
		abort();
	free(want);
	zone_tap_free(&ti);
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
	const char *in = NULL, *nul;
	size_t inlen = 0;
	uint32_t seed;
	int has_input;

	if (size < 5)
		return 0;
	memset(&zc, 0, sizeof(zc));
	zc.header = header;
	zc.absolute = data[0] & 1;
	zc.margin = (data[0] >> 1 & 7) * 0.5;
	zc.red_at = (double)(data[0] >> 1 & 15) - 2;
	zc.missing = missing[data[0] >> 5 & 3];
	has_input = data[0] >> 7 & 1;
	seed = (uint32_t)data[1] | (uint32_t)data[2] << 8 |
	    (uint32_t)data[3] << 16 | (uint32_t)data[4] << 24;
	data += 5;
	size -= 5;
	if (has_input) {
		in = (const char *)data;
		if ((nul = memchr(in, '\0', size)) == NULL)
			return 0;
		inlen = (size_t)(nul - in);
		data += inlen + 1;
		size -= inlen + 1;
	}

	feed(&zc, in, inlen, (const char *)data, size, 0, 0, &whole);
	feed(&zc, in, inlen, (const char *)data, size, seed | 1, 0, &cut);
	same(&whole, &cut);
	free(cut.why);
	if (size + inlen <= 65536) {
		feed(&zc, in, inlen, (const char *)data, size, 0, 1, &bytes);
		same(&whole, &bytes);
		free(bytes.why);
	}
	free(whole.why);
	return 0;
}
