/*
 * check_milter_codec.c - unit tests for milter_codec.c, the milter
 * protocol's packets and socket specs
 *
 * DESCRIPTION
 *	Tables written by hand from the protocol (libmilter's mfdef.h and
 *	Postfix's milter8.c): each encoder's call to the exact bytes it must
 *	append, and a buf too small for the packet to EMSGSIZE with nothing
 *	appended; bytes read from a milter to what milter_frame() makes of
 *	them (a whole packet, more needed, or a length refused at once);
 *	each reply and modification to its decoded fields, and each way of
 *	getting one wrong to an error; socket specs to the address they
 *	name, or to an error for each way of writing one wrong.
 */
#include <sys/socket.h>
#include <sys/un.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "buf.h"
#include "check_suites.h"
#include "milter_codec.h"

/* A string literal and its length, NUL bytes included. */
#define BYTES(s)	s, sizeof(s) - 1

static const char *const mail_args[] = { "<a@example.org>", "SIZE=100" };
static const char *const rcpt_args[] = { "<b@example.com>" };
static const char *const macro_nv[] = { "j", "mx.example.org",
	"{daemon_name}", "ORIGINATING" };

/* Each encoder, by number, with the bytes it must give. */
struct put_case {
	int		 which;
	const char	*want;
	size_t		 want_len;
};

static const struct put_case put_cases[] = {
	{ 0, BYTES("\0\0\0\x0dO\0\0\0\x06\0\0\x01\xff\0\x1f\xf7\xff") },
	{ 1, BYTES("\0\0\0\x2d" "DCj\0mx.example.org\0{daemon_name}\0"
	    "ORIGINATING\0") },
	{ 2, BYTES("\0\0\0\x1f" "Cmail.example.org\0" "4\x11\xd7"
	    "192.0.2.1\0") },
	{ 3, BYTES("\0\0\0\x1e" "C[2001:db8::1]\0" "6\0\x19" "2001:db8::1\0")
	    },
	{ 4, BYTES("\0\0\0\x0c" "Clocalhost\0U") },
	{ 5, BYTES("\0\0\0\x18" "Clocalhost\0L\0\0/run/sock\0") },
	{ 6, BYTES("\0\0\0\x0e" "Hhelo.example\0") },
	{ 7, BYTES("\0\0\0\x1a" "M<a@example.org>\0SIZE=100\0") },
	{ 8, BYTES("\0\0\0\x11" "R<b@example.com>\0") },
	{ 9, BYTES("\0\0\0\x0f" "LSubject\0hello\0") },
	/* A value with a NUL goes up to it: all a milter can read. */
	{ 10, BYTES("\0\0\0\x0b" "LSubject\0a\0") },
	{ 11, BYTES("\0\0\0\x05" "Bab\r\n") },
	{ 12, BYTES("\0\0\0\x01" "T") },
	{ 13, BYTES("\0\0\0\x01" "N") },
	{ 14, BYTES("\0\0\0\x01" "E") },
	{ 15, BYTES("\0\0\0\x01" "A") },
	{ 16, BYTES("\0\0\0\x01" "Q") },
	{ 17, BYTES("\0\0\0\x03" "Hx\0") },
};

static int
put_one(struct buf *b, int which)
{
	switch (which) {
	case 0:
		return milter_put_optneg(b, 6, MILTER_ACT_ALL,
		    MILTER_P_ALL & ~MILTER_P_RCPT_REJ);
	case 1:
		return milter_put_macros(b, 'C', macro_nv, 2);
	case 2:
		return milter_put_connect(b, "mail.example.org",
		    MILTER_FAMILY_INET, 4567, "192.0.2.1");
	case 3:
		return milter_put_connect(b, "[2001:db8::1]",
		    MILTER_FAMILY_INET6, 25, "2001:db8::1");
	case 4:
		return milter_put_connect(b, "localhost",
		    MILTER_FAMILY_UNKNOWN, 25, "127.0.0.1");
	case 5:
		return milter_put_connect(b, "localhost", MILTER_FAMILY_UNIX,
		    0, "/run/sock");
	case 6:
		return milter_put_helo(b, "helo.example");
	case 7:
		return milter_put_mail(b, mail_args, 2);
	case 8:
		return milter_put_rcpt(b, rcpt_args, 1);
	case 9:
		return milter_put_header(b, BYTES("Subject"), BYTES("hello"));
	case 10:
		return milter_put_header(b, BYTES("Subject"), BYTES("a\0b"));
	case 11:
		return milter_put_body(b, BYTES("ab\r\n"));
	case 12:
		return milter_put_cmd(b, MILTER_CMD_DATA);
	case 13:
		return milter_put_cmd(b, MILTER_CMD_EOH);
	case 14:
		return milter_put_cmd(b, MILTER_CMD_EOM);
	case 15:
		return milter_put_cmd(b, MILTER_CMD_ABORT);
	case 16:
		return milter_put_cmd(b, MILTER_CMD_QUIT);
	default:
		return milter_put_helo(b, "x");
	}
}

START_TEST(test_put_table)
{
	const struct put_case *t = &put_cases[_i];
	struct buf b;

	buf_init(&b, 1 << 16);
	/* Something already in the buf stays in front. */
	ck_assert_int_eq(buf_append(&b, "xy", 2), 0);
	ck_assert_int_eq(put_one(&b, t->which), 0);
	ck_assert_msg(b.len == t->want_len + 2,
	    "case %d: got %zu bytes, want %zu", _i, b.len - 2, t->want_len);
	ck_assert_msg(memcmp(b.data + 2, t->want, t->want_len) == 0,
	    "case %d: wrong bytes", _i);
	buf_free(&b);

	/* One byte short of room: nothing is appended. */
	buf_init(&b, t->want_len - 1 + 2);
	ck_assert_int_eq(buf_append(&b, "xy", 2), 0);
	errno = 0;
	ck_assert_int_eq(put_one(&b, t->which), -1);
	ck_assert_int_eq(errno, EMSGSIZE);
	ck_assert_msg(b.len == 2, "case %d: got %zu bytes after a refusal",
	    _i, b.len);
	buf_free(&b);
}
END_TEST

START_TEST(test_put_limits)
{
	struct buf b;
	char *big;

	buf_init(&b, 4U << 20);
	big = calloc(1, MILTER_PACKET_MAX + 1);
	ck_assert_ptr_nonnull(big);
	/* A body chunk of 65535 bytes is the largest. */
	ck_assert_int_eq(milter_put_body(&b, big, MILTER_CHUNK_MAX), 0);
	ck_assert_int_eq(b.len, MILTER_CHUNK_MAX + 5);
	errno = 0;
	ck_assert_int_eq(milter_put_body(&b, big, MILTER_CHUNK_MAX + 1), -1);
	ck_assert_int_eq(errno, EMSGSIZE);
	ck_assert_int_eq(b.len, MILTER_CHUNK_MAX + 5);
	/*
	 * A packet longer than MILTER_PACKET_MAX, whatever the buf: L with
	 * a 1-byte name is its value, two NULs and the command.
	 */
	memset(big, 'a', MILTER_PACKET_MAX);
	b.len = 0;
	errno = 0;
	ck_assert_int_eq(milter_put_header(&b, "X", 1, big,
	    MILTER_PACKET_MAX - 3), -1);
	ck_assert_int_eq(errno, EMSGSIZE);
	ck_assert_int_eq(b.len, 0);
	ck_assert_int_eq(milter_put_header(&b, "X", 1, big,
	    MILTER_PACKET_MAX - 4), 0);
	ck_assert_int_eq(b.len, MILTER_PACKET_MAX + 4);
	free(big);
	buf_free(&b);
}
END_TEST

/* Bytes read from a milter: what milter_frame() makes of them. */
struct frame_case {
	const char	*in;
	size_t		 len;
	int		 rc;
	int		 cmd;
	size_t		 dlen;
	size_t		 used;
};

static const struct frame_case frame_cases[] = {
	{ BYTES(""), 0, 0, 0, 0 },
	{ BYTES("\0\0\0"), 0, 0, 0, 0 },
	{ BYTES("\0\0\0\x01"), 0, 0, 0, 0 },
	{ BYTES("\0\0\0\x01" "c"), 1, 'c', 0, 5 },
	/* What follows a packet is the next one's. */
	{ BYTES("\0\0\0\x01" "c\0\0"), 1, 'c', 0, 5 },
	{ BYTES("\0\0\0\x03" "yab"), 1, 'y', 2, 7 },
	{ BYTES("\0\0\0\x03" "ya"), 0, 0, 0, 0 },
	/* Length 0: there is not even a command. */
	{ BYTES("\0\0\0\0"), -1, 0, 0, 0 },
	{ BYTES("\0\0\0\0" "c"), -1, 0, 0, 0 },
	/* The longest packet is known before its bytes come. */
	{ BYTES("\0\x10\0\0"), 0, 0, 0, 0 },
	/* One byte longer: refused from the length alone. */
	{ BYTES("\0\x10\0\x01"), -1, 0, 0, 0 },
	{ BYTES("\xff\xff\xff\xff"), -1, 0, 0, 0 },
	{ BYTES("\x80\0\0\0" "a"), -1, 0, 0, 0 },
};

START_TEST(test_frame_table)
{
	const struct frame_case *t = &frame_cases[_i];
	struct milter_packet pkt;
	const char *err = NULL;
	int rc;

	rc = milter_frame(t->in, t->len, &pkt, &err);
	ck_assert_msg(rc == t->rc, "case %d: got %d, want %d", _i, rc, t->rc);
	if (rc == -1)
		ck_assert_ptr_nonnull(err);
	if (rc != 1)
		return;
	ck_assert_int_eq(pkt.cmd, t->cmd);
	ck_assert_uint_eq(pkt.len, t->dlen);
	ck_assert_uint_eq(pkt.used, t->used);
	ck_assert_ptr_eq(pkt.data, t->in + 5);
}
END_TEST

/* One packet's command and data: decoded fields, or an error. */
struct decode_case {
	int		 cmd;
	const char	*data;
	size_t		 len;
	int		 rc;
	uint32_t	 index;		/* i m: index; y: code; O: version */
	const char	*name;		/* O: the CONNECT macro list */
	const char	*value;		/* O: the EOM macro list */
	size_t		 blen;		/* b: data length */
};

static const struct decode_case decode_cases[] = {
	/* Option negotiation: 12 bytes, then macro lists. */
	{ 'O', BYTES("\0\0\0\x06\0\0\x01\xff\0\0\0\x10"), 0, 6, NULL, NULL,
	    0 },
	{ 'O', BYTES("\0\0\0\x06\0\0\0\0\0\0\0\0" "\0\0\0\0j {x}\0"
	    "\0\0\0\x05i\0"), 0, 6, "j {x}", "i", 0 },
	{ 'O', BYTES("\0\0\0\x06\0\0\0\0\0\0\0"), -1, 0, NULL, NULL, 0 },
	{ 'O', BYTES(""), -1, 0, NULL, NULL, 0 },
	/* A macro list cut short, without its NUL, for stage 7, twice. */
	{ 'O', BYTES("\0\0\0\x06\0\0\0\0\0\0\0\0" "\0\0\0"), -1, 0, NULL,
	    NULL, 0 },
	{ 'O', BYTES("\0\0\0\x06\0\0\0\0\0\0\0\0" "\0\0\0\0j"), -1, 0, NULL,
	    NULL, 0 },
	{ 'O', BYTES("\0\0\0\x06\0\0\0\0\0\0\0\0" "\0\0\0\x07j\0"), -1, 0,
	    NULL, NULL, 0 },
	{ 'O', BYTES("\0\0\0\x06\0\0\0\0\0\0\0\0" "\0\0\0\0j\0\0\0\0\0i\0"),
	    -1, 0, NULL, NULL, 0 },
	/* Replies without data, and with data they must not have. */
	{ 'a', BYTES(""), 0, 0, NULL, NULL, 0 },
	{ 'c', BYTES(""), 0, 0, NULL, NULL, 0 },
	{ 'r', BYTES(""), 0, 0, NULL, NULL, 0 },
	{ 't', BYTES(""), 0, 0, NULL, NULL, 0 },
	{ 'd', BYTES(""), 0, 0, NULL, NULL, 0 },
	{ 'p', BYTES(""), 0, 0, NULL, NULL, 0 },
	{ 's', BYTES(""), 0, 0, NULL, NULL, 0 },
	{ '4', BYTES(""), 0, 0, NULL, NULL, 0 },
	{ 'c', BYTES("x"), -1, 0, NULL, NULL, 0 },
	{ 'a', BYTES("\0"), -1, 0, NULL, NULL, 0 },
	{ 'p', BYTES("\0"), -1, 0, NULL, NULL, 0 },
	/* Reply codes: 4xx and 5xx, each line alike. */
	{ 'y', BYTES("550 5.7.1 no\0"), 0, 550, NULL, "550 5.7.1 no", 0 },
	{ 'y', BYTES("451 4.7.1 later\0"), 0, 451, NULL, "451 4.7.1 later",
	    0 },
	{ 'y', BYTES("554\0"), 0, 554, NULL, "554", 0 },
	{ 'y', BYTES("550-5.7.1 a\r\n550 5.7.1 b\0"), 0, 550, NULL,
	    "550-5.7.1 a\r\n550 5.7.1 b", 0 },
	{ 'y', BYTES("250 ok\0"), -1, 0, NULL, NULL, 0 },
	{ 'y', BYTES("550 4.7.1 mixed\0"), -1, 0, NULL, NULL, 0 },
	{ 'y', BYTES("550-a\r\n551 b\0"), -1, 0, NULL, NULL, 0 },
	{ 'y', BYTES("55\0"), -1, 0, NULL, NULL, 0 },
	{ 'y', BYTES("550x\0"), -1, 0, NULL, NULL, 0 },
	{ 'y', BYTES("550 no"), -1, 0, NULL, NULL, 0 },
	{ 'y', BYTES("550 no\0x"), -1, 0, NULL, NULL, 0 },
	{ 'y', BYTES("550 a\r\n\0"), -1, 0, NULL, NULL, 0 },
	{ 'q', BYTES("a reason\0"), 0, 0, NULL, "a reason", 0 },
	{ 'q', BYTES("a reason"), -1, 0, NULL, NULL, 0 },
	/* Header modifications. */
	{ 'h', BYTES("X-A\0v\0"), 0, 0, "X-A", "v", 0 },
	{ 'h', BYTES("X-A\0\0"), 0, 0, "X-A", "", 0 },
	{ 'h', BYTES("X-A\0v"), -1, 0, NULL, NULL, 0 },
	{ 'h', BYTES("X-A\0v\0z"), -1, 0, NULL, NULL, 0 },
	{ 'h', BYTES("X-A\0"), -1, 0, NULL, NULL, 0 },
	{ 'i', BYTES("\0\0\0\x02X-B\0w\0"), 0, 2, "X-B", "w", 0 },
	{ 'i', BYTES("\0\0\0"), -1, 0, NULL, NULL, 0 },
	{ 'm', BYTES("\0\0\0\x01Subject\0\0"), 0, 1, "Subject", "", 0 },
	{ 'm', BYTES("\xff\xff\xff\xffS\0v\0"), 0, 0xffffffffU, "S", "v",
	    0 },
	{ 'm', BYTES("\0\0\0\x01Subject\0"), -1, 0, NULL, NULL, 0 },
	{ 'm', BYTES("\0\0\0"), -1, 0, NULL, NULL, 0 },
	/* Body: any bytes, none included. */
	{ 'b', BYTES("new\r\nbody\0x"), 0, 0, NULL, NULL, 11 },
	{ 'b', BYTES(""), 0, 0, NULL, NULL, 0 },
	/* Recipients and sender. */
	{ '+', BYTES("<c@example.net>\0"), 0, 0, "<c@example.net>", NULL,
	    0 },
	{ '+', BYTES("<c@example.net>\0x\0"), -1, 0, NULL, NULL, 0 },
	{ '-', BYTES("c@example.net\0"), 0, 0, "c@example.net", NULL, 0 },
	{ '-', BYTES("c@example.net"), -1, 0, NULL, NULL, 0 },
	{ '2', BYTES("<c@x>\0NOTIFY=NEVER\0"), 0, 0, "<c@x>",
	    "NOTIFY=NEVER", 0 },
	{ '2', BYTES("<c@x>\0"), 0, 0, "<c@x>", NULL, 0 },
	{ '2', BYTES("<c@x>\0NOTIFY"), -1, 0, NULL, NULL, 0 },
	{ 'e', BYTES("<s@x>\0"), 0, 0, "<s@x>", NULL, 0 },
	{ 'e', BYTES("<s@x>\0A=B\0C\0"), -1, 0, NULL, NULL, 0 },
	{ 'e', BYTES(""), -1, 0, NULL, NULL, 0 },
	/* Commands no milter sends. */
	{ 'Z', BYTES(""), -1, 0, NULL, NULL, 0 },
	{ 'C', BYTES(""), -1, 0, NULL, NULL, 0 },
	{ 'l', BYTES("\0\0\0\0j\0"), -1, 0, NULL, NULL, 0 },
	{ 'f', BYTES(""), -1, 0, NULL, NULL, 0 },
	{ '\0', BYTES(""), -1, 0, NULL, NULL, 0 },
};

START_TEST(test_decode_table)
{
	const struct decode_case *t = &decode_cases[_i];
	struct milter_packet pkt;
	struct milter_reply r;
	const char *err = NULL;
	int rc;

	pkt.cmd = t->cmd;
	pkt.data = t->data;
	pkt.len = t->len;
	pkt.used = t->len + 5;
	rc = milter_decode(&pkt, &r, &err);
	ck_assert_msg(rc == t->rc, "case %d ('%c'): got %d, want %d (%s)",
	    _i, t->cmd, rc, t->rc, rc == -1 ? err : "");
	if (rc == -1) {
		ck_assert_ptr_nonnull(err);
		return;
	}
	ck_assert_int_eq(r.cmd, t->cmd);
	switch (t->cmd) {
	case 'O':
		ck_assert_uint_eq(r.version, t->index);
		if (t->name == NULL)
			ck_assert_ptr_null(r.symlist[MILTER_STAGE_CONNECT]);
		else
			ck_assert_str_eq(r.symlist[MILTER_STAGE_CONNECT],
			    t->name);
		if (t->value == NULL)
			ck_assert_ptr_null(r.symlist[MILTER_STAGE_EOM]);
		else
			ck_assert_str_eq(r.symlist[MILTER_STAGE_EOM],
			    t->value);
		ck_assert_ptr_null(r.symlist[MILTER_STAGE_HELO]);
		break;
	case 'b':
		ck_assert_uint_eq(r.len, t->blen);
		ck_assert_ptr_eq(r.data, t->data);
		break;
	default:
		ck_assert_uint_eq(r.index, t->index);
		if (t->name == NULL)
			ck_assert_ptr_null(r.name);
		else
			ck_assert_str_eq(r.name, t->name);
		if (t->value == NULL)
			ck_assert_ptr_null(r.value);
		else
			ck_assert_str_eq(r.value, t->value);
		break;
	}
}
END_TEST

START_TEST(test_decode_optneg_fields)
{
	struct milter_packet pkt;
	struct milter_reply r;
	const char *err;

	pkt.cmd = 'O';
	pkt.data = "\0\0\0\x06\0\0\x01\x23\0\x10\x00\x81" "\0\0\0\x06" "a\0";
	pkt.len = 18;
	ck_assert_int_eq(milter_decode(&pkt, &r, &err), 0);
	ck_assert_uint_eq(r.version, 6);
	ck_assert_uint_eq(r.actions, 0x123);
	ck_assert_uint_eq(r.protocol, 0x100081);
	ck_assert_str_eq(r.symlist[MILTER_STAGE_EOH], "a");
}
END_TEST

/* Socket specs: the address, or an error. */
struct spec_case {
	const char	*spec;
	int		 family;	/* 0: an error */
	const char	*addr;		/* numeric, or the path */
	unsigned	 port;
};

static const struct spec_case spec_cases[] = {
	{ "unix:/run/milter.sock", AF_UNIX, "/run/milter.sock", 0 },
	{ "local:/run/milter.sock", AF_UNIX, "/run/milter.sock", 0 },
	{ "inet:8891@127.0.0.1", AF_INET, "127.0.0.1", 8891 },
	{ "inet:11332@localhost", AF_INET, "127.0.0.1", 11332 },
	{ "inet:1@LOCALHOST", AF_INET, "127.0.0.1", 1 },
	{ "inet:65535@192.0.2.9", AF_INET, "192.0.2.9", 65535 },
	{ "inet6:8891@::1", AF_INET6, "::1", 8891 },
	{ "inet6:8891@[2001:db8::5]", AF_INET6, "2001:db8::5", 8891 },
	{ "inet6:8891@localhost", AF_INET6, "::1", 8891 },
	/* Wrong. */
	{ "", 0, NULL, 0 },
	{ "/run/milter.sock", 0, NULL, 0 },
	{ "unix:", 0, NULL, 0 },
	{ "unix:relative/path", 0, NULL, 0 },
	{ "unix:/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", 0, NULL,
	    0 },
	{ "tcp:8891@127.0.0.1", 0, NULL, 0 },
	{ "inet:8891", 0, NULL, 0 },
	{ "inet:@127.0.0.1", 0, NULL, 0 },
	{ "inet:0@127.0.0.1", 0, NULL, 0 },
	{ "inet:65536@127.0.0.1", 0, NULL, 0 },
	{ "inet:123456@127.0.0.1", 0, NULL, 0 },
	{ "inet:-1@127.0.0.1", 0, NULL, 0 },
	{ "inet:smtp@127.0.0.1", 0, NULL, 0 },
	{ "inet:8891@", 0, NULL, 0 },
	{ "inet:8891@mail.example.org", 0, NULL, 0 },
	{ "inet:8891@::1", 0, NULL, 0 },
	{ "inet:8891@127.0.0.1 ", 0, NULL, 0 },
	{ "inet6:8891@127.0.0.1", 0, NULL, 0 },
	{ "inet6:8891@[::1", 0, NULL, 0 },
	{ "inet6:8891@[]", 0, NULL, 0 },
	{ "INET:8891@127.0.0.1", 0, NULL, 0 },
};

START_TEST(test_spec_table)
{
	const struct spec_case *t = &spec_cases[_i];
	struct milter_addr a;
	const struct sockaddr_un *sun;
	const struct sockaddr_in *sin;
	const struct sockaddr_in6 *sin6;
	char text[INET6_ADDRSTRLEN];
	const char *err = NULL;
	int rc;

	rc = milter_spec_parse(t->spec, &a, &err);
	if (t->family == 0) {
		ck_assert_msg(rc == -1, "case %d (%s): got %d, want -1", _i,
		    t->spec, rc);
		ck_assert_ptr_nonnull(err);
		return;
	}
	ck_assert_msg(rc == 0, "case %d (%s): got an error: %s", _i, t->spec,
	    err);
	ck_assert_int_eq(a.ss.ss_family, t->family);
	switch (t->family) {
	case AF_UNIX:
		sun = (const struct sockaddr_un *)&a.ss;
		ck_assert_str_eq(sun->sun_path, t->addr);
		break;
	case AF_INET:
		sin = (const struct sockaddr_in *)&a.ss;
		ck_assert_uint_eq(ntohs(sin->sin_port), t->port);
		inet_ntop(AF_INET, &sin->sin_addr, text, sizeof(text));
		ck_assert_str_eq(text, t->addr);
		ck_assert_uint_eq(a.len, sizeof(*sin));
		break;
	default:
		sin6 = (const struct sockaddr_in6 *)&a.ss;
		ck_assert_uint_eq(ntohs(sin6->sin6_port), t->port);
		inet_ntop(AF_INET6, &sin6->sin6_addr, text, sizeof(text));
		ck_assert_str_eq(text, t->addr);
		break;
	}
}
END_TEST

Suite *
suite_milter_codec(void)
{
	Suite *s = suite_create("milter_codec");
	TCase *tc = tcase_create("core");

	tcase_add_loop_test(tc, test_put_table, 0,
	    sizeof(put_cases) / sizeof(put_cases[0]));
	tcase_add_test(tc, test_put_limits);
	tcase_add_loop_test(tc, test_frame_table, 0,
	    sizeof(frame_cases) / sizeof(frame_cases[0]));
	tcase_add_loop_test(tc, test_decode_table, 0,
	    sizeof(decode_cases) / sizeof(decode_cases[0]));
	tcase_add_test(tc, test_decode_optneg_fields);
	tcase_add_loop_test(tc, test_spec_table, 0,
	    sizeof(spec_cases) / sizeof(spec_cases[0]));
	suite_add_tcase(s, tc);
	return s;
}
