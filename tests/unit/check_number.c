/*
 * check_number.c - unit tests for number.c, the one number grammar
 *
 * DESCRIPTION
 *	number_parse(): a table of texts to a value or to "not a number",
 *	written by hand: spamd's plain decimals read; exponents, hexadecimal,
 *	a plus sign, commas, white space, trailing text, "nan", "inf", an
 *	empty text and values out of a double's range do not, and a number
 *	ends exactly at its length, not at a NUL.
 *
 *	number_format(): a table of values to the exact text, among them
 *	values %g would write with an exponent or round; and every value of
 *	a second table must read back as itself.
 *
 *	number_uint(): a table of texts and limits to a value or to "not an
 *	integer": digits only, leading zeros allowed, the limit itself taken
 *	and one more refused, up to the largest unsigned long long, and the
 *	length deciding where the text ends.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "check_suites.h"
#include "number.h"

struct parse_case {
	const char	*text;
	int		 ok;
	double		 want;
};

static const struct parse_case parse_cases[] = {
	{ "0", 1, 0 },
	{ "5", 1, 5 },
	{ "5.5", 1, 5.5 },
	{ "-0.3", 1, -0.3 },
	{ "1000.0", 1, 1000 },
	{ "007.50", 1, 7.5 },
	{ "0.0000000000000000001", 1, 1e-19 },
	{ "-0", 1, 0 },
	{ "", 0, 0 },
	{ "-", 0, 0 },
	{ "+1", 0, 0 },
	{ "1e308", 0, 0 },
	{ "1E3", 0, 0 },
	{ "9e9", 0, 0 },
	{ "1e", 0, 0 },
	{ "0x10", 0, 0 },
	{ "0x1p3", 0, 0 },
	{ "12,5", 0, 0 },
	{ "9.0abc", 0, 0 },
	{ "nan", 0, 0 },
	{ "NaN", 0, 0 },
	{ "inf", 0, 0 },
	{ "-inf", 0, 0 },
	{ "infinity", 0, 0 },
	{ ".5", 0, 0 },
	{ "5.", 0, 0 },
	{ "2.5.1", 0, 0 },
	{ "--1", 0, 0 },
	{ " 2", 0, 0 },
	{ "2 ", 0, 0 },
	{ "2\n", 0, 0 },
	{ "\xd9\xa3", 0, 0 },	/* an Arabic-Indic three */
	/* 400 digits: beyond a double. */
	{ "1000000000000000000000000000000000000000000000000000000000000000"
	  "0000000000000000000000000000000000000000000000000000000000000000"
	  "0000000000000000000000000000000000000000000000000000000000000000"
	  "0000000000000000000000000000000000000000000000000000000000000000"
	  "0000000000000000000000000000000000000000000000000000000000000000"
	  "0000000000000000000000000000000000000000000000000000000000000000"
	  "0000000000000000", 0, 0 },
	/* 1e-400: too small to be anything but 0. */
	{ "0.000000000000000000000000000000000000000000000000000000000000000"
	  "0000000000000000000000000000000000000000000000000000000000000000"
	  "0000000000000000000000000000000000000000000000000000000000000000"
	  "0000000000000000000000000000000000000000000000000000000000000000"
	  "0000000000000000000000000000000000000000000000000000000000000000"
	  "0000000000000000000000000000000000000000000000000000000000000000"
	  "00000000000000001", 0, 0 },
};

START_TEST(test_parse_table)
{
	const struct parse_case *c = &parse_cases[_i];
	double got = 12345;
	int rc;

	rc = number_parse(c->text, strlen(c->text), &got);
	if (!c->ok) {
		ck_assert_msg(rc == -1, "\"%s\": got %g, want not a number",
		    c->text, got);
		ck_assert_msg(got == 12345, "\"%s\": *out changed", c->text);
		return;
	}
	ck_assert_msg(rc == 0, "\"%s\": got not a number, want %g",
	    c->text, c->want);
	ck_assert_msg(got == c->want, "\"%s\": got %.17g, want %.17g",
	    c->text, got, c->want);
}
END_TEST

/* The length decides, not a NUL: "5.5e3" cut at 3 is "5.5". */
START_TEST(test_parse_length)
{
	double got = 0;

	ck_assert_int_eq(number_parse("5.5e3", 3, &got), 0);
	ck_assert_msg(got == 5.5, "got %g, want 5.5", got);
	ck_assert_int_eq(number_parse("5.5e3", 4, &got), -1);
	ck_assert_int_eq(number_parse("12 x", 2, &got), 0);
	ck_assert_msg(got == 12, "got %g, want 12", got);
	ck_assert_int_eq(number_parse("-", 0, &got), -1);
}
END_TEST

struct uint_case {
	const char		*text;
	size_t			 len;		/* 0: strlen(text) */
	unsigned long long	 max;
	int			 ok;
	unsigned long long	 want;
};

static const struct uint_case uint_cases[] = {
	{ "0", 0, 255, 1, 0 },
	{ "7", 0, 255, 1, 7 },
	{ "007", 0, 255, 1, 7 },
	{ "255", 0, 255, 1, 255 },
	{ "256", 0, 255, 0, 0 },
	{ "1000", 0, 255, 0, 0 },
	{ "4194303", 0, 4194303, 1, 4194303 },
	{ "4194304", 0, 4194303, 0, 0 },
	{ "18446744073709551615", 0, 18446744073709551615ULL, 1,
	    18446744073709551615ULL },
	{ "18446744073709551616", 0, 18446744073709551615ULL, 0, 0 },
	{ "99999999999999999999", 0, 18446744073709551615ULL, 0, 0 },
	{ "1", 0, 0, 0, 0 },
	{ "0", 0, 0, 1, 0 },
	{ "", 0, 255, 0, 0 },
	{ "-1", 0, 255, 0, 0 },
	{ "+1", 0, 255, 0, 0 },
	{ " 1", 0, 255, 0, 0 },
	{ "1 ", 0, 255, 0, 0 },
	{ "1\n", 0, 255, 0, 0 },
	{ "1.0", 0, 255, 0, 0 },
	{ "0x10", 0, 255, 0, 0 },
	{ "1e2", 0, 255, 0, 0 },
	{ "12x", 2, 255, 1, 12 },
	{ "12", 1, 255, 1, 1 },
};

START_TEST(test_uint_table)
{
	const struct uint_case *c = &uint_cases[_i];
	unsigned long long got = 12345;
	size_t n = c->len ? c->len : strlen(c->text);
	int rc;

	rc = number_uint(c->text, n, c->max, &got);
	if (!c->ok) {
		ck_assert_msg(rc == -1, "\"%s\" (max %llu): got %llu, want "
		    "none", c->text, c->max, got);
		ck_assert_msg(got == 12345, "\"%s\": the value was touched",
		    c->text);
		return;
	}
	ck_assert_msg(rc == 0 && got == c->want, "\"%s\" (max %llu): got "
	    "%d, %llu, want %llu", c->text, c->max, rc, got, c->want);
}
END_TEST

struct format_case {
	double		 v;
	const char	*want;
};

static const struct format_case format_cases[] = {
	{ 0, "0" },
	{ 5, "5" },
	{ 5.5, "5.5" },
	{ -0.3, "-0.3" },
	{ 0.25, "0.25" },
	{ 1000.5, "1000.5" },
	{ 1234567.5, "1234567.5" },
	{ 0.123456789, "0.123456789" },
	{ 1e-19, "0.0000000000000000001" },
	{ -1.5e-7, "-0.00000015" },
	{ 1e20, "100000000000000000000" },
	{ 123456789012345678.0, "123456789012345680" },
	{ 0.1 + 0.2, "0.30000000000000004" },
	{ 1.0 / 3, "0.3333333333333333" },
};

START_TEST(test_format_table)
{
	const struct format_case *c = &format_cases[_i];
	char *got;
	int same;

	got = number_format(c->v);
	same = strcmp(got, c->want) == 0;
	ck_assert_msg(same, "%.17g: got \"%s\", want \"%s\"", c->v, got,
	    c->want);
	free(got);
}
END_TEST

static const double round_cases[] = {
	0, -0.0, 1, -1, 0.1, 0.7, 2.675, 1e-19, 1e-300, 2.2250738585072014e-308,
	1.7976931348623157e308, -1.7976931348623157e308, 4.35, 1e22, 1e23,
	9007199254740993.0, 0.30000000000000004, 5e-324 * 1e16,
};

START_TEST(test_format_round_trip)
{
	double v = round_cases[_i], back = 12345;
	char *text;

	text = number_format(v);
	ck_assert_msg(number_parse(text, strlen(text), &back) == 0,
	    "%.17g: \"%s\" is not a number", v, text);
	ck_assert_msg(back == v && signbit(back) == signbit(v),
	    "%.17g: \"%s\" reads back as %.17g", v, text, back);
	free(text);
}
END_TEST

Suite *
suite_number(void)
{
	Suite *s;
	TCase *tc;

	s = suite_create("number");
	tc = tcase_create("parse");
	tcase_add_loop_test(tc, test_parse_table, 0,
	    (int)(sizeof(parse_cases) / sizeof(parse_cases[0])));
	tcase_add_test(tc, test_parse_length);
	suite_add_tcase(s, tc);
	tc = tcase_create("uint");
	tcase_add_loop_test(tc, test_uint_table, 0,
	    (int)(sizeof(uint_cases) / sizeof(uint_cases[0])));
	suite_add_tcase(s, tc);
	tc = tcase_create("format");
	tcase_add_loop_test(tc, test_format_table, 0,
	    (int)(sizeof(format_cases) / sizeof(format_cases[0])));
	tcase_add_loop_test(tc, test_format_round_trip, 0,
	    (int)(sizeof(round_cases) / sizeof(round_cases[0])));
	suite_add_tcase(s, tc);
	return s;
}
