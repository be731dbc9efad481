/*
 * zone.h - green, yellow or red from a SpamAssassin-style score header
 *
 * DESCRIPTION
 *	A stage with "zone HEADER ..." has its output read by hi-q on the way
 *	to the next stage.  A zone_tap is fed those bytes; it keeps the header
 *	block only (up to ZONE_HEAD_MAX bytes) and stops looking once the
 *	block has ended, so a message of any size costs the same.
 *	zone_judge() then finds HEADER in the block (unfolded, exactly one
 *	that the stage added) and maps its score= and required= values to an
 *	outcome:
 *
 *	    margin Y:   green below required, yellow from required to
 *	                below required + Y, red from required + Y
 *	    red SCORE:  green below required, yellow from required to below
 *	                SCORE, red from SCORE
 *
 *	A field the stage added is one that was not in its input: when
 *	zone_tap_set_input() gave the tap a second tap, fed the stage's
 *	input, a HEADER field of the output whose unfolded value is, byte
 *	for byte, that of a HEADER field of the input is passed through and
 *	does not count, whoever wrote it.  zone_judge() reads the input's
 *	header block as it stands then (settled, or all there was) once,
 *	copies its HEADER values into one buffer and sorts a table of them
 *	(by length, then bytes); each field of the output is then one binary
 *	search.  The cost is one pass over each block and O(n log n)
 *	comparisons for n fields, whatever the values: a sender's block of
 *	14,000 HEADER fields costs milliseconds, not n * n rescans.
 *
 *	zone_tap_take() is zone_tap_feed() in the shape of a pump tap
 *	(pump.h): it returns 0 once the tap has seen all it wants.
 *	zone_tap_settled() says the same; zone_tap_score() gives the score
 *	and the required score the header held, and returns 0 if it had none.
 *	zone_red_from(zc, required) is the red line for that required score
 *	as the log gives it (hi-q(8), red=): the lowest score of one decimal
 *	that zone_judge() makes red, 7.0 for 5.0 and "margin 2", 7.3 for
 *	"red 7.25".
 *
 *	zone_parse_status() reads "Yes, score=5.5 required=5.0 tests=..."
 *	on its own, for the tests.
 *
 * ERRORS
 *	zone_judge returns the configured "missing" outcome when the header is
 *	absent, and OUTCOME_TEMPFAIL with a reason when the output is not a
 *	message (no end of the header block within ZONE_HEAD_MAX bytes), when
 *	the stage added the header more than once, or when it has no usable
 *	score.
 */
#ifndef HIQ_ZONE_H
#define HIQ_ZONE_H

#include <stddef.h>

#include "buf.h"
#include "outcome.h"

#define ZONE_HEAD_MAX	(256U << 10)	/* bytes of header block kept */

struct zone_conf {
	char		*header;	/* NULL: the stage has no zone */
	int		 absolute;	/* red at red_at, not required+margin */
	double		 margin;
	double		 red_at;
	enum outcome	 missing;
};

struct zone_tap {
	const struct zone_conf	*conf;
	const struct zone_tap	*input;		/* the stage's input; NULL */
	struct buf		 head;
	int			 done;		/* the header block ended */
	int			 overflow;	/* ... not within the limit */
	int			 have_score;
	double			 score;
	double			 required;
};

void		 zone_tap_init(struct zone_tap *, const struct zone_conf *);
void		 zone_tap_feed(struct zone_tap *, const char *, size_t);
void		 zone_tap_set_input(struct zone_tap *,
		    const struct zone_tap *);
int		 zone_tap_take(void *, const char *, size_t);
int		 zone_tap_settled(const struct zone_tap *);
int		 zone_tap_score(const struct zone_tap *, double *, double *);
double		 zone_red_from(const struct zone_conf *, double);
enum outcome	 zone_judge(struct zone_tap *, char **);
void		 zone_tap_free(struct zone_tap *);
int		 zone_parse_status(const char *, size_t, double *, double *);

#endif /* HIQ_ZONE_H */
