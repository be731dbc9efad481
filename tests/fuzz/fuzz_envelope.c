/*
 * fuzz_envelope.c - libFuzzer harness for envelope.c against a model
 *
 * DESCRIPTION
 *	envelope_check() must give, for any bytes, what qmail-queue itself
 *	does with them.  The model below is written apart from envelope.c,
 *	the way qmail-queue.c reads its fd 1: one byte at a time, F, then
 *	the sender up to its \0 within ADDR bytes, then T and a recipient
 *	until a \0 where a T would be; end of input is a read error (54), a
 *	wrong tag 91, an address without a \0 in its first ADDR bytes 11.
 *	The code, the number of recipients, the sender's length and the
 *	bytes used must all agree.  envelope_more(), fed the same bytes in
 *	growing prefixes (a step of 1 to 13 bytes, from the first byte),
 *	must give at each step what envelope_check() gives for that prefix,
 *	and the same figures at the end.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "envelope.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);
static void	taken(const char *, size_t, int);

/*
 * taken - envelope_take(), the reader of a qfilter's fd 4, gives the code
 * envelope_check() gave, a reason exactly when that is not QQ_OK, and on
 * QQ_OK the same envelope
 */
static void
taken(const char *data, size_t size, int want)
{
	struct envelope a, b;
	const char *why;

	if (envelope_take(data, size, &a, &why) != want ||
	    (want == 0) != (why == NULL) || (why != NULL && *why == '\0'))
		abort();
	if (want != 0)
		return;
	(void)envelope_check(data, size, &b);
	if (a.rcpts != b.rcpts || a.used != b.used ||
	    a.sender_len != b.sender_len || a.sender != b.sender)
		abort();
}

/* qmail-queue.c's ADDR: an address and its \0 fit in this many bytes. */
#define ADDR	1003

struct model {
	size_t	 pos;
	size_t	 rcpts;
	size_t	 sender_len;
};

/* getc - the next byte, or -1 at the end (qmail-queue: die_read, 54) */
static int
getc_model(const uint8_t *d, size_t n, struct model *m)
{
	if (m->pos >= n)
		return -1;
	return d[m->pos++];
}

/* address - up to and with its \0, which must come within ADDR bytes */
static int
address_model(const uint8_t *d, size_t n, struct model *m, size_t *len)
{
	int ch;

	for (*len = 0; *len < ADDR; ++*len) {
		if ((ch = getc_model(d, n, m)) == -1)
			return 54;
		if (ch == 0)
			break;
	}
	return *len >= ADDR ? 11 : 0;
}

static int
model(const uint8_t *d, size_t n, struct model *m)
{
	size_t len;
	int ch, rc;

	if ((ch = getc_model(d, n, m)) == -1)
		return 54;
	if (ch != 'F')
		return 91;
	if ((rc = address_model(d, n, m, &m->sender_len)) != 0)
		return rc;
	for (;;) {
		if ((ch = getc_model(d, n, m)) == -1)
			return 54;
		if (ch == 0)
			break;
		if (ch != 'T')
			return 91;
		if ((rc = address_model(d, n, m, &len)) != 0)
			return rc;
		m->rcpts++;
	}
	return 0;
}

/* pieces - envelope_more() on growing prefixes, against envelope_check() */
static void
pieces(const char *d, size_t n)
{
	struct envelope more, whole;
	size_t at = 0, step;
	int rm = 54, rw;

	step = n > 0 ? 1 + (unsigned char)d[0] % 13 : 1;
	memset(&more, 0, sizeof(more));
	while (rm == 54) {
		rm = envelope_more(d, at, &more);
		rw = envelope_check(d, at, &whole);
		if (rm != rw || (rm == 0 && (more.rcpts != whole.rcpts ||
		    more.used != whole.used ||
		    more.sender_len != whole.sender_len ||
		    more.sender != whole.sender)))
			abort();
		if (at == n)
			break;
		at = n - at > step ? at + step : n;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct envelope env;
	struct model m = { 0, 0, 0 };
	int got, want;

	got = envelope_check((const char *)data, size, &env);
	want = model(data, size, &m);
	if (got != want)
		abort();
	pieces((const char *)data, size);
	taken((const char *)data, size, got);
	if (want != 0)
		return 0;
	if (env.rcpts != m.rcpts || env.used != m.pos ||
	    env.sender_len != m.sender_len ||
	    env.sender != (const char *)data + 1)
		abort();
	return 0;
}
