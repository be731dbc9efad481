/*
 * number.c - the one grammar for decimal numbers, read and written
 *
 * DESCRIPTION
 *	See number.h.  strtod() does the conversion (hi-q never calls
 *	setlocale(), so the point is "."), after the grammar has been
 *	checked here: strtod() alone takes far more than spamd prints.
 *
 * ERRORS
 *	See number.h.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "number.h"
#include "xalloc.h"

/* Significant digits that always tell two doubles apart (DBL_DECIMAL_DIG). */
#define NUMBER_DIGITS_MAX	17

static size_t	digits(const char *, size_t);

/* digits - how many ASCII digits s[0..n) starts with */
static size_t
digits(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n && s[i] >= '0' && s[i] <= '9'; i++)
		continue;
	return i;
}

int
number_parse(const char *s, size_t n, double *out)
{
	size_t i = 0, d;
	char *copy, *end;
	double v;
	int saved = errno, bad;

	if (i < n && s[i] == '-')
		i++;
	if ((d = digits(s + i, n - i)) == 0)
		return -1;
	i += d;
	if (i < n && s[i] == '.') {
		i++;
		if ((d = digits(s + i, n - i)) == 0)
			return -1;
		i += d;
	}
	if (i != n)
		return -1;

	copy = xmalloc(n + 1);
	memcpy(copy, s, n);
	copy[n] = '\0';
	errno = 0;
	v = strtod(copy, &end);
	/* ERANGE: too large, or too small to be held other than as 0. */
	bad = errno != 0 || *end != '\0' || !isfinite(v);
	free(copy);
	errno = saved;
	if (bad)
		return -1;
	*out = v;
	return 0;
}

/*
 * number_uint - digits only, at most max; read digit by digit, since
 * this runs for every field of every line hi-q-report reads
 */
int
number_uint(const char *s, size_t n, unsigned long long max,
    unsigned long long *out)
{
	unsigned long long v = 0;
	unsigned d;
	size_t i;

	if (n == 0)
		return -1;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		d = (unsigned)(s[i] - '0');
		if (d > max || v > (max - d) / 10)
			return -1;
		v = v * 10 + d;
	}
	*out = v;
	return 0;
}

/*
 * number_format - v in the grammar of number_parse()
 *
 *	"%.*e" with the fewest digits that read back as v gives the digits
 *	and the exponent; they are then laid out without the exponent.
 */
char *
number_format(double v)
{
	char sci[NUMBER_DIGITS_MAX + 16], mant[NUMBER_DIGITS_MAX + 1];
	char *out, *p, *e;
	int prec, exp, nd, i, point;

	for (prec = 0; prec < NUMBER_DIGITS_MAX; prec++) {
		(void)snprintf(sci, sizeof(sci), "%.*e", prec, v);
		if (strtod(sci, NULL) == v)
			break;
	}
	if (prec == NUMBER_DIGITS_MAX)
		(void)snprintf(sci, sizeof(sci), "%.*e", prec - 1, v);
	/* sci is [-]D[.DDD]e[+-]XX: collect the digits, read the exponent. */
	nd = 0;
	for (p = sci; *p != 'e'; p++)
		if (*p >= '0' && *p <= '9')
			mant[nd++] = *p;
	mant[nd] = '\0';
	exp = (int)strtol(p + 1, &e, 10);
	/* Trailing zeros of the fraction say nothing. */
	while (nd > 1 && mant[nd - 1] == '0')
		mant[--nd] = '\0';

	/* Digits before the point: exp + 1 (may be <= 0, or beyond nd). */
	point = exp + 1;
	out = xmalloc((size_t)(abs(exp) + nd + 4));
	p = out;
	if (signbit(v))
		*p++ = '-';
	if (point <= 0) {
		*p++ = '0';
		*p++ = '.';
		for (i = point; i < 0; i++)
			*p++ = '0';
		memcpy(p, mant, (size_t)nd);
		p += nd;
	} else {
		for (i = 0; i < point; i++)
			*p++ = i < nd ? mant[i] : '0';
		if (nd > point) {
			*p++ = '.';
			memcpy(p, mant + point, (size_t)(nd - point));
			p += nd - point;
		}
	}
	*p = '\0';
	return out;
}
