/*
 * check_buf.c - unit tests for buf.c, the growable buffer with a limit
 *
 * DESCRIPTION
 *	Covers buf_init(), buf_append() (growth over several doublings, the
 *	contents kept across reallocation, appends of zero bytes, the limit
 *	reached exactly, EMSGSIZE past it with the buffer left as it was) and
 *	buf_free() (an empty buffer with the same limit, usable again).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "buf.h"
#include "check_suites.h"

START_TEST(test_init_empty)
{
	struct buf b;

	buf_init(&b, 100);
	ck_assert_msg(b.data == NULL, "got data %p, want NULL",
	    (void *)b.data);
	ck_assert_msg(b.len == 0, "got len %zu, want 0", b.len);
	ck_assert_msg(b.cap == 0, "got cap %zu, want 0", b.cap);
	ck_assert_msg(b.limit == 100, "got limit %zu, want 100", b.limit);
	buf_free(&b);
}
END_TEST

START_TEST(test_append_small)
{
	struct buf b;

	buf_init(&b, 100);
	ck_assert_int_eq(buf_append(&b, "abc", 3), 0);
	ck_assert_int_eq(buf_append(&b, "de", 2), 0);
	ck_assert_msg(b.len == 5, "got len %zu, want 5", b.len);
	ck_assert_mem_eq(b.data, "abcde", 5);
	ck_assert_msg(b.cap >= b.len, "got cap %zu, want at least %zu",
	    b.cap, b.len);
	buf_free(&b);
}
END_TEST

START_TEST(test_append_zero)
{
	struct buf b;

	buf_init(&b, 10);
	ck_assert_int_eq(buf_append(&b, NULL, 0), 0);
	ck_assert_msg(b.len == 0, "got len %zu, want 0", b.len);
	ck_assert_int_eq(buf_append(&b, "0123456789", 10), 0);
	/* A full buffer still takes nothing more. */
	ck_assert_int_eq(buf_append(&b, "", 0), 0);
	ck_assert_msg(b.len == 10, "got len %zu, want 10", b.len);
	buf_free(&b);
}
END_TEST

/* Many small appends force several reallocations; nothing may be lost. */
START_TEST(test_append_grows)
{
	struct buf b;
	char c;
	size_t i;

	buf_init(&b, 5000);
	for (i = 0; i < 5000; i++) {
		c = (char)('a' + i % 26);
		ck_assert_int_eq(buf_append(&b, &c, 1), 0);
	}
	ck_assert_msg(b.len == 5000, "got len %zu, want 5000", b.len);
	ck_assert_mem_eq(b.data, "abcdefghijklmnopqrstuvwxyz", 26);
	/* 4990 is 24 mod 26: "y"; the last byte, 4999, is "h". */
	ck_assert_mem_eq(b.data + 4990, "yzabcdefgh", 10);
	ck_assert_msg(b.cap >= 5000, "got cap %zu, want at least 5000",
	    b.cap);
	buf_free(&b);
}
END_TEST

/* One append larger than the first allocation and than its double. */
START_TEST(test_append_large)
{
	struct buf b;
	char big[3000];

	memset(big, 'x', sizeof(big));
	big[2999] = 'y';
	buf_init(&b, 1U << 20);
	ck_assert_int_eq(buf_append(&b, "<", 1), 0);
	ck_assert_int_eq(buf_append(&b, big, sizeof(big)), 0);
	ck_assert_msg(b.len == 3001, "got len %zu, want 3001", b.len);
	ck_assert_int_eq(b.data[0], '<');
	ck_assert_int_eq(b.data[1], 'x');
	ck_assert_int_eq(b.data[3000], 'y');
	buf_free(&b);
}
END_TEST

START_TEST(test_limit_exact)
{
	struct buf b;
	char block[1000];

	memset(block, 'z', sizeof(block));
	buf_init(&b, 1000);
	ck_assert_int_eq(buf_append(&b, block, 600), 0);
	ck_assert_int_eq(buf_append(&b, block, 400), 0);
	ck_assert_msg(b.len == 1000, "got len %zu, want 1000", b.len);
	buf_free(&b);
}
END_TEST

START_TEST(test_limit_exceeded)
{
	struct buf b;

	buf_init(&b, 8);
	ck_assert_int_eq(buf_append(&b, "12345", 5), 0);
	errno = 0;
	ck_assert_int_eq(buf_append(&b, "6789", 4), -1);
	ck_assert_msg(errno == EMSGSIZE, "got errno %d, want EMSGSIZE (%d)",
	    errno, EMSGSIZE);
	/* The failed append left the buffer as it was. */
	ck_assert_msg(b.len == 5, "got len %zu, want 5", b.len);
	ck_assert_mem_eq(b.data, "12345", 5);
	/* What still fits is taken. */
	ck_assert_int_eq(buf_append(&b, "678", 3), 0);
	ck_assert_msg(b.len == 8, "got len %zu, want 8", b.len);
	ck_assert_mem_eq(b.data, "12345678", 8);
	errno = 0;
	ck_assert_int_eq(buf_append(&b, "9", 1), -1);
	ck_assert_msg(errno == EMSGSIZE, "got errno %d, want EMSGSIZE (%d)",
	    errno, EMSGSIZE);
	buf_free(&b);
}
END_TEST

START_TEST(test_limit_first_append)
{
	struct buf b;

	buf_init(&b, 3);
	errno = 0;
	ck_assert_int_eq(buf_append(&b, "abcd", 4), -1);
	ck_assert_msg(errno == EMSGSIZE, "got errno %d, want EMSGSIZE (%d)",
	    errno, EMSGSIZE);
	ck_assert_msg(b.len == 0, "got len %zu, want 0", b.len);
	ck_assert_msg(b.data == NULL, "got data %p, want NULL",
	    (void *)b.data);
	buf_free(&b);
}
END_TEST

START_TEST(test_limit_zero)
{
	struct buf b;

	buf_init(&b, 0);
	ck_assert_int_eq(buf_append(&b, "", 0), 0);
	errno = 0;
	ck_assert_int_eq(buf_append(&b, "a", 1), -1);
	ck_assert_msg(errno == EMSGSIZE, "got errno %d, want EMSGSIZE (%d)",
	    errno, EMSGSIZE);
	buf_free(&b);
}
END_TEST

START_TEST(test_free_reuse)
{
	struct buf b;

	buf_init(&b, 16);
	ck_assert_int_eq(buf_append(&b, "hello", 5), 0);
	buf_free(&b);
	ck_assert_msg(b.data == NULL, "got data %p, want NULL",
	    (void *)b.data);
	ck_assert_msg(b.len == 0, "got len %zu, want 0", b.len);
	ck_assert_msg(b.cap == 0, "got cap %zu, want 0", b.cap);
	ck_assert_msg(b.limit == 16, "got limit %zu, want 16", b.limit);
	/* The whole limit is available again. */
	ck_assert_int_eq(buf_append(&b, "0123456789abcdef", 16), 0);
	ck_assert_mem_eq(b.data, "0123456789abcdef", 16);
	buf_free(&b);
	/* Freeing an empty buffer is harmless. */
	buf_free(&b);
}
END_TEST

Suite *
suite_buf(void)
{
	Suite *s;
	TCase *tc;

	s = suite_create("buf");

	tc = tcase_create("append");
	tcase_add_test(tc, test_init_empty);
	tcase_add_test(tc, test_append_small);
	tcase_add_test(tc, test_append_zero);
	tcase_add_test(tc, test_append_grows);
	tcase_add_test(tc, test_append_large);
	suite_add_tcase(s, tc);

	tc = tcase_create("limit");
	tcase_add_test(tc, test_limit_exact);
	tcase_add_test(tc, test_limit_exceeded);
	tcase_add_test(tc, test_limit_first_append);
	tcase_add_test(tc, test_limit_zero);
	suite_add_tcase(s, tc);

	tc = tcase_create("free");
	tcase_add_test(tc, test_free_reuse);
	suite_add_tcase(s, tc);

	return s;
}
