/*
 * number.h - the one grammar for decimal numbers, read and written
 *
 * DESCRIPTION
 *	A number, in filters.conf and in a score header alike, is a plain
 *	decimal as spamd prints it: an optional minus sign, one or more
 *	digits, and optionally a point followed by one or more digits
 *	("5", "-0.3", "1000.25").  Nothing else is a number: no plus sign,
 *	exponent, hexadecimal, comma, white space, trailing text, "nan" or
 *	"inf", and no value too large or too small (other than zero) for a
 *	double.
 *
 *	number_parse() reads s[0..n) as a whole; it needs no NUL.
 *	number_format() writes v in the same grammar, with the fewest
 *	significant digits that number_parse() reads back as exactly v,
 *	and never with an exponent: 1e-19 is "0.0000000000000000001".
 *
 *	An integer (a pid, a port, a number of seconds, an exit code, a
 *	descriptor) is the same grammar without the sign and the point: one
 *	or more digits and nothing else, leading zeros allowed.
 *	number_uint(s, n, max, &v) reads s[0..n) so, as a value from 0 to
 *	max.  Every reader of a number, in every program, is one of these
 *	two; a caller with a narrower rule (no leading zero in a pidfile)
 *	checks it on top.
 *
 * ERRORS
 *	number_parse() and number_uint() return -1, *out untouched, for
 *	anything outside the grammar or the range.  number_format() takes a
 *	finite v and returns a malloc'd string; out of memory: xalloc.h.
 */
#ifndef HIQ_NUMBER_H
#define HIQ_NUMBER_H

#include <stddef.h>

int	 number_parse(const char *, size_t, double *);
int	 number_uint(const char *, size_t, unsigned long long,
	    unsigned long long *);
char	*number_format(double);

#endif /* HIQ_NUMBER_H */
