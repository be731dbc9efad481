/*
 * check_conf.c - unit tests for conf.c, filters.conf to struct conf
 *
 * DESCRIPTION
 *	conf_split_line(): a table of lines to words (quotes, backslashes,
 *	"#" starting a comment only at the start of a word outside quotes,
 *	nothing expanded) and to errors (unterminated quote, backslash at the
 *	end of the line).
 *
 *	conf_parse_fd(): the defaults (queue QMAILHOME/bin/qmail-queue,
 *	which the Makefile makes /var/qmail, timeout 300, reply-channel 6 82),
 *	a full configuration checked field by field, skip-if-env with several
 *	NAME and NAME=VALUE words per line, reply-channel none and FD CODE,
 *	the limits (timeout 1 and 86400, reply text of 254 bytes, stage names
 *	of 64), and a table of broken files to the exact line and message of
 *	the first error: among them a UTF-8 byte order mark, named, and
 *	control, non-ASCII and backslash bytes, shown as \xHH.  A NUL byte
 *	gets its own test.  "check" (a stage that gets a copy) with the stage
 *	directives it shares, and "zone" with margin, red, negative scores
 *	and every "missing" outcome; their errors are in the table: zone on a
 *	check, twice, misused, misplaced, with a bad header name, number or
 *	outcome, a negative margin, and a second per-stage timeout.
 *
 *	The size limits: a line of CONF_LINE_MAX bytes and a file of
 *	CONF_FILE_MAX are read, one byte more is refused at its line; 4 MB of
 *	NULs, a 5 MB comment line above a rejecting stage and a NUL past the
 *	line limit are refused at their first line with the right reason and
 *	after reading at most twice the line limit (the descriptor's offset
 *	says); a descriptor that cannot be read is a read error, not an empty
 *	file.
 *
 *	conf_parse_file(): a real file, a missing one, modes and owners, and
 *	what is not a regular file, refused at once and before it is read: a
 *	directory, a FIFO (also through a symlink), a character device with
 *	/dev/zero's numbers and mode 0644 (as root), and a socket (which
 *	cannot be opened).  conf_write(): its exact output for a small
 *	conf and for checks and zones, and that its output parses back to an
 *	equal conf (kinds and zones included), also for words with quotes,
 *	backslashes, spaces, "#" and non-ASCII bytes.
 *
 *	Input goes through tmpfile(), so NUL bytes can be written too.
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/sysmacros.h>
#include <sys/un.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "check_suites.h"
#include "conf.h"
#include "paths.h"
#include "rule.h"

/* Hand-written strings of a given length. */
#define A10	"aaaaaaaaaa"
#define A50	A10 A10 A10 A10 A10
#define A250	A50 A50 A50 A50 A50
#define TEXT254	A250 "aaaa"
#define TEXT255	A250 "aaaaa"
#define NAME64	A50 A10 "aaaa"
#define NAME65	A50 A10 "aaaaa"

#define CODES_HINT "(want codes 0-255, ranges a-b, \"*\" or \"signal\")"
#define OUTCOME_HINT \
    "(want green, yellow, red, tempfail or discard)"
#define ZONE_USAGE "usage: zone HEADER margin Y | zone HEADER red SCORE, " \
    "then optionally: missing OUTCOME"

static int		 temp_file(const char *, size_t);
static struct conf	*parse_bytes(const char *, size_t,
			    struct conf_error *);
static struct conf	*parse_text(const char *, struct conf_error *);
static struct conf	*parse_ok(const char *);
static char		*write_conf(const struct conf *);
static void		 assert_argv(char *const *, const char *const *,
			    const char *);
static void		 assert_rule(const struct rule *, enum rule_kind,
			    const unsigned char *, enum outcome, const char *,
			    unsigned);
static void		 assert_skip(const struct skip_env *, const char *,
			    const char *);
static void		 assert_zone(const struct zone_conf *, const char *,
			    int, double, double, enum outcome, const char *);
static void		 assert_written(const char *, const char *);
static void		 assert_conf_same(const struct conf *,
			    const struct conf *);

/* parse_bytes - conf_parse_fd() over len bytes, named "test.conf" */
static struct conf *
parse_bytes(const char *text, size_t len, struct conf_error *err)
{
	struct conf *c;
	int fd;

	fd = temp_file(text, len);
	c = conf_parse_fd(fd, "test.conf", err);
	ck_assert_int_eq(close(fd), 0);
	return c;
}

/* temp_file - an unlinked file holding len bytes, its offset at 0 */
static int
temp_file(const char *text, size_t len)
{
	FILE *fp;
	int fd;

	fp = tmpfile();
	ck_assert_ptr_nonnull(fp);
	ck_assert_uint_eq(fwrite(text, 1, len, fp), len);
	ck_assert_int_eq(fflush(fp), 0);
	fd = dup(fileno(fp));
	ck_assert_int_ne(fd, -1);
	ck_assert_int_eq(fclose(fp), 0);
	ck_assert_int_eq(lseek(fd, 0, SEEK_SET), 0);
	return fd;
}

static struct conf *
parse_text(const char *text, struct conf_error *err)
{
	return parse_bytes(text, strlen(text), err);
}

/* parse_ok - parse text that must be valid */
static struct conf *
parse_ok(const char *text)
{
	struct conf_error err;
	struct conf *c;

	c = parse_text(text, &err);
	ck_assert_msg(c != NULL, "got error \"%s:%u: %s\", want a conf",
	    err.file, err.line, err.text);
	ck_assert_ptr_null(err.file);
	ck_assert_ptr_null(err.text);
	ck_assert_str_eq(c->file, "test.conf");
	return c;
}

/* check_conf_text - for the other suites: a conf from valid text */
struct conf *
check_conf_text(const char *text)
{
	return parse_ok(text);
}

/* write_conf - conf_write() output as a string */
static char *
write_conf(const struct conf *c)
{
	char *text = NULL;
	size_t len = 0;
	FILE *fp;

	fp = open_memstream(&text, &len);
	ck_assert_ptr_nonnull(fp);
	conf_write(fp, c);
	ck_assert_int_eq(fclose(fp), 0);
	ck_assert_ptr_nonnull(text);
	return text;
}

static void
assert_argv(char *const *got, const char *const *want, const char *what)
{
	size_t i;

	ck_assert_msg(got != NULL, "%s: got no argv, want one", what);
	for (i = 0; want[i] != NULL; i++) {
		ck_assert_msg(got[i] != NULL,
		    "%s: got %zu words, want more", what, i);
		ck_assert_msg(strcmp(got[i], want[i]) == 0,
		    "%s: word %zu: got \"%s\", want \"%s\"", what, i, got[i],
		    want[i]);
	}
	ck_assert_msg(got[i] == NULL, "%s: got more than %zu words (\"%s\")",
	    what, i, got[i]);
}

static void
assert_rule(const struct rule *r, enum rule_kind kind,
    const unsigned char *codes, enum outcome o, const char *text,
    unsigned line)
{
	static const unsigned char none[32];

	ck_assert_msg(r->kind == kind, "line %u: got kind %d, want %d",
	    line, (int)r->kind, (int)kind);
	ck_assert_msg(memcmp(r->codes, codes != NULL ? codes : none,
	    sizeof(r->codes)) == 0, "line %u: exit code bitmap differs",
	    line);
	ck_assert_msg(r->outcome == o, "line %u: got %s, want %s", line,
	    outcome_name(r->outcome), outcome_name(o));
	if (text == NULL)
		ck_assert_msg(r->text == NULL,
		    "line %u: got text \"%s\", want none", line, r->text);
	else {
		ck_assert_msg(r->text != NULL,
		    "line %u: got no text, want \"%s\"", line, text);
		ck_assert_msg(strcmp(r->text, text) == 0,
		    "line %u: got text \"%s\", want \"%s\"", line, r->text,
		    text);
	}
	ck_assert_msg(r->line == line, "got line %u, want %u", r->line, line);
}

static void
assert_skip(const struct skip_env *sk, const char *name, const char *value)
{
	ck_assert_msg(strcmp(sk->name, name) == 0,
	    "got name \"%s\", want \"%s\"", sk->name, name);
	if (value == NULL)
		ck_assert_msg(sk->value == NULL,
		    "%s: got value \"%s\", want none", name, sk->value);
	else {
		ck_assert_msg(sk->value != NULL,
		    "%s: got no value, want \"%s\"", name, value);
		ck_assert_msg(strcmp(sk->value, value) == 0,
		    "%s: got value \"%s\", want \"%s\"", name, sk->value,
		    value);
	}
}

/* assert_zone - a zone as parsed; header NULL: no zone at all */
static void
assert_zone(const struct zone_conf *z, const char *header, int absolute,
    double margin, double red_at, enum outcome missing, const char *what)
{
	if (header == NULL) {
		ck_assert_msg(z->header == NULL,
		    "%s: got zone \"%s\", want none", what, z->header);
		return;
	}
	ck_assert_msg(z->header != NULL && strcmp(z->header, header) == 0,
	    "%s: got zone header \"%s\", want \"%s\"", what, z->header,
	    header);
	ck_assert_msg(z->absolute == absolute,
	    "%s: got absolute %d, want %d", what, z->absolute, absolute);
	if (absolute)
		ck_assert_msg(z->red_at == red_at,
		    "%s: got red %.17g, want %.17g", what, z->red_at, red_at);
	else
		ck_assert_msg(z->margin == margin,
		    "%s: got margin %.17g, want %.17g", what, z->margin,
		    margin);
	ck_assert_msg(z->missing == missing, "%s: got missing %s, want %s",
	    what, outcome_name(z->missing), outcome_name(missing));
}

/* assert_conf_same - equal in everything but line numbers and file name */
static void
assert_conf_same(const struct conf *a, const struct conf *b)
{
	const struct stage_conf *sa, *sb;
	const struct rule *ra, *rb;
	size_t i, j;

	assert_argv(b->queue_argv, (const char *const *)a->queue_argv,
	    "queue");
	ck_assert_uint_eq(b->timeout, a->timeout);
	ck_assert_int_eq(b->reply_fd, a->reply_fd);
	ck_assert_int_eq(b->reply_code, a->reply_code);
	ck_assert_int_eq(b->log_facility, a->log_facility);
	ck_assert_pstr_eq(b->spool, a->spool);
	if (a->user == NULL)
		ck_assert_ptr_null(b->user);
	else
		ck_assert_pstr_eq(b->user, a->user);
	ck_assert_uint_eq(b->nstages, a->nstages);
	for (i = 0; i < a->nstages; i++) {
		sa = &a->stages[i];
		sb = &b->stages[i];
		ck_assert_str_eq(sb->name, sa->name);
		ck_assert_msg(sb->kind == sa->kind, "%s: got kind %d, want %d",
		    sa->name, (int)sb->kind, (int)sa->kind);
		assert_argv(sb->argv, (const char *const *)sa->argv,
		    sa->name);
		assert_zone(&sb->zone, sa->zone.header, sa->zone.absolute,
		    sa->zone.margin, sa->zone.red_at, sa->zone.missing,
		    sa->name);
		ck_assert_uint_eq(sb->timeout, sa->timeout);
		ck_assert_uint_eq(sb->nrules, sa->nrules);
		for (j = 0; j < sa->nrules; j++) {
			ra = &sa->rules[j];
			rb = &sb->rules[j];
			assert_rule(rb, ra->kind, ra->codes, ra->outcome,
			    ra->text, rb->line);
			ck_assert_int_eq(rb->reply, ra->reply);
		}
		ck_assert_uint_eq(sb->nmacros, sa->nmacros);
		for (j = 0; j < sa->nmacros; j++) {
			ck_assert_str_eq(sb->macros[j].name,
			    sa->macros[j].name);
			ck_assert_str_eq(sb->macros[j].value,
			    sa->macros[j].value);
		}
		ck_assert_uint_eq(sb->addr.len, sa->addr.len);
		ck_assert_mem_eq(&sb->addr.ss, &sa->addr.ss, sa->addr.len);
		ck_assert_uint_eq(sb->nskips, sa->nskips);
		for (j = 0; j < sa->nskips; j++)
			assert_skip(&sb->skips[j], sa->skips[j].name,
			    sa->skips[j].value);
		ck_assert_uint_eq(sb->nonlys, sa->nonlys);
		for (j = 0; j < sa->nonlys; j++)
			assert_skip(&sb->onlys[j], sa->onlys[j].name,
			    sa->onlys[j].value);
		ck_assert_int_eq(sb->envelope, sa->envelope);
	}
}

/*
 * conf_split_line
 */
struct split_case {
	const char	*line;
	int		 rc;
	int		 argc;
	const char	*words[6];
	const char	*why;		/* when rc is -1 */
};

static const struct split_case split_cases[] = {
	{ "", 0, 0, { NULL }, NULL },
	{ "   \t \n", 0, 0, { NULL }, NULL },
	{ "# a comment", 0, 0, { NULL }, NULL },
	{ "\t# an indented comment", 0, 0, { NULL }, NULL },
	/* The comment is cut before quotes are looked at. */
	{ "    # \"unbalanced", 0, 0, { NULL }, NULL },
	{ "a # \"unbalanced", 0, 1, { "a" }, NULL },
	{ "stage a /bin/cat\n", 0, 3, { "stage", "a", "/bin/cat" }, NULL },
	{ "  on  1\tred  ", 0, 3, { "on", "1", "red" }, NULL },
	/* "#" inside quotes is text. */
	{ "on 1 red \"spam (#5.7.1)\"", 0, 4,
	    { "on", "1", "red", "spam (#5.7.1)" }, NULL },
	{ "on 1 red 'spam (#5.7.1)' # why", 0, 4,
	    { "on", "1", "red", "spam (#5.7.1)" }, NULL },
	/* "#" inside a word is text; at the start of one, a comment. */
	{ "a#b c", 0, 2, { "a#b", "c" }, NULL },
	{ "a #b c", 0, 1, { "a" }, NULL },
	{ "a\t#b", 0, 1, { "a" }, NULL },
	{ "\\#a b", 0, 2, { "#a", "b" }, NULL },
	{ "\"#a\" b", 0, 2, { "#a", "b" }, NULL },
	{ "\"a b\"#c", 0, 1, { "a b#c" }, NULL },
	{ "a\\ #b", 0, 1, { "a #b" }, NULL },
	/* Quotes and backslashes, as popt reads them. */
	{ "a\\ b", 0, 1, { "a b" }, NULL },
	{ "'a b'c d", 0, 2, { "a bc", "d" }, NULL },
	{ "\"a\\\"b\"", 0, 1, { "a\"b" }, NULL },
	{ "'it\\'s'", 0, 1, { "it's" }, NULL },
	{ "\"it's\"", 0, 1, { "it's" }, NULL },
	{ "'say \"hi\"'", 0, 1, { "say \"hi\"" }, NULL },
	{ "a\\\\b", 0, 1, { "a\\b" }, NULL },
	/* Inside quotes a backslash before another character stays. */
	{ "'x\\.y'", 0, 1, { "x\\.y" }, NULL },
	/* Nothing is expanded. */
	{ "x*y ${HOME} $(id) ~ `id`", 0, 5,
	    { "x*y", "${HOME}", "$(id)", "~", "`id`" }, NULL },
	/* Errors. */
	{ "\"abc", -1, 0, { NULL }, "unterminated quote" },
	{ "on 1 red 'abc", -1, 0, { NULL }, "unterminated quote" },
	{ "a \"b\\\"", -1, 0, { NULL }, "unterminated quote" },
	{ "a 'b\\'", -1, 0, { NULL }, "unterminated quote" },
	{ "a \\# \"x", -1, 0, { NULL }, "unterminated quote" },
	{ "abc \\", -1, 0, { NULL }, "backslash at the end of the line" },
	{ "\\", -1, 0, { NULL }, "backslash at the end of the line" },
};

START_TEST(test_split_table)
{
	const struct split_case *t = &split_cases[_i];
	const char **argv = NULL;
	const char *why = NULL;
	int argc = -1, rc, k;

	rc = conf_split_line(t->line, &argc, &argv, &why);
	ck_assert_msg(rc == t->rc, "case %d \"%s\": got rc %d, want %d", _i,
	    t->line, rc, t->rc);
	if (rc == -1) {
		ck_assert_msg(why != NULL && strcmp(why, t->why) == 0,
		    "case %d \"%s\": got \"%s\", want \"%s\"", _i, t->line,
		    why, t->why);
		ck_assert_ptr_null(argv);
		return;
	}
	ck_assert_msg(argc == t->argc, "case %d \"%s\": got %d words, "
	    "want %d", _i, t->line, argc, t->argc);
	if (argc == 0)
		ck_assert_ptr_null(argv);
	for (k = 0; k < argc; k++)
		ck_assert_msg(strcmp(argv[k], t->words[k]) == 0,
		    "case %d \"%s\": word %d: got \"%s\", want \"%s\"", _i,
		    t->line, k, argv[k], t->words[k]);
	if (argc > 0)
		ck_assert_ptr_null(argv[argc]);
	free((void *)argv);
}
END_TEST

/*
 * Defaults
 */
START_TEST(test_defaults_empty)
{
	static const char *const queue[] = {
		HIQ_QMAILHOME "/bin/qmail-queue", NULL
	};
	struct conf *c;

	c = parse_ok("");
	assert_argv(c->queue_argv, queue, "queue");
	ck_assert_msg(c->timeout == 300, "got timeout %u, want 300",
	    c->timeout);
	ck_assert_msg(c->reply_fd == 6, "got reply fd %d, want 6",
	    c->reply_fd);
	ck_assert_msg(c->reply_code == 82, "got reply code %d, want 82",
	    c->reply_code);
	ck_assert_msg(c->nstages == 0, "got %zu stages, want 0", c->nstages);
	ck_assert_ptr_null(c->stages);
	conf_free(c);
}
END_TEST

/* Comments and blank lines, indented or not, even before any stage. */
START_TEST(test_defaults_comments)
{
	static const char *const queue[] = {
		HIQ_QMAILHOME "/bin/qmail-queue", NULL
	};
	struct conf *c;

	c = parse_ok("# filters.conf\n\n   \n\t# indented\n    \n# end");
	assert_argv(c->queue_argv, queue, "queue");
	ck_assert_msg(c->timeout == 300, "got timeout %u, want 300",
	    c->timeout);
	ck_assert_msg(c->reply_fd == 6, "got reply fd %d, want 6",
	    c->reply_fd);
	ck_assert_msg(c->reply_code == 82, "got reply code %d, want 82",
	    c->reply_code);
	ck_assert_msg(c->nstages == 0, "got %zu stages, want 0", c->nstages);
	conf_free(c);
}
END_TEST

/*
 * A full configuration, checked field by field.  Line numbers:
 * 6 stage spamc, 7-11 its rules, 12 timeout, 13-14 skip-if-env,
 * 16 stage clam.av_2, 17 its rule.
 */
static const char full_conf[] =
    "# hi-q filters.conf for the tests\n"			/* 1 */
    "queue /var/qmail/bin/qmail-queue.orig -x\n"		/* 2 */
    "timeout 120\n"						/* 3 */
    "reply-channel 4 88\n"					/* 4 */
    "\n"							/* 5 */
    "stage spamc /usr/bin/spamc -E -x -d 'spam host' \"a\\\"b\"\n" /* 6 */
    "    on 1 red \"message looks like spam (#5.7.1)\"\t# why\n" /* 7 */
    "    on 64-78,100 tempfail\n"				/* 8 */
    "    on 0 green\n"						/* 9 */
    "    on signal tempfail 'crashed (#4.3.0)'\n"		/* 10 */
    "    on * yellow\n"					/* 11 */
    "    timeout 30\n"						/* 12 */
    "    skip-if-env RELAYCLIENT SMTPAUTHUSER=admin EMPTY=\n"	/* 13 */
    "\tskip-if-env TCPREMOTEIP=127.0.0.1 X=a=b\n"		/* 14 */
    "\n"							/* 15 */
    "stage clam.av_2 /usr/bin/clamdscan --no-summary -\n"	/* 16 */
    "    on 1,2 discard\n";					/* 17 */

START_TEST(test_parse_full)
{
	static const char *const queue[] = {
		"/var/qmail/bin/qmail-queue.orig", "-x", NULL
	};
	static const char *const spamc[] = {
		"/usr/bin/spamc", "-E", "-x", "-d", "spam host", "a\"b", NULL
	};
	static const char *const clam[] = {
		"/usr/bin/clamdscan", "--no-summary", "-", NULL
	};
	static const unsigned char code1[32] = { [0] = 0x02 };
	/* 64-71 all of byte 8, 72-78 the low 7 bits of 9; 100 is bit 4 of 12 */
	static const unsigned char code64_78_100[32] = {
		[8] = 0xff, [9] = 0x7f, [12] = 0x10
	};
	static const unsigned char code0[32] = { [0] = 0x01 };
	static const unsigned char code1_2[32] = { [0] = 0x06 };
	const struct stage_conf *st;
	struct conf *c;

	c = parse_ok(full_conf);
	assert_argv(c->queue_argv, queue, "queue");
	ck_assert_msg(c->timeout == 120, "got timeout %u, want 120",
	    c->timeout);
	ck_assert_msg(c->reply_fd == 4, "got reply fd %d, want 4",
	    c->reply_fd);
	ck_assert_msg(c->reply_code == 88, "got reply code %d, want 88",
	    c->reply_code);
	ck_assert_msg(c->nstages == 2, "got %zu stages, want 2", c->nstages);

	st = &c->stages[0];
	ck_assert_str_eq(st->name, "spamc");
	assert_argv(st->argv, spamc, "spamc");
	ck_assert_msg(st->line == 6, "got line %u, want 6", st->line);
	ck_assert_msg(st->timeout == 30, "got timeout %u, want 30",
	    st->timeout);
	ck_assert_msg(st->nrules == 5, "got %zu rules, want 5", st->nrules);
	assert_rule(&st->rules[0], RULE_EXIT, code1, OUTCOME_RED,
	    "message looks like spam (#5.7.1)", 7);
	assert_rule(&st->rules[1], RULE_EXIT, code64_78_100, OUTCOME_TEMPFAIL,
	    NULL, 8);
	assert_rule(&st->rules[2], RULE_EXIT, code0, OUTCOME_GREEN, NULL, 9);
	assert_rule(&st->rules[3], RULE_SIGNAL, NULL, OUTCOME_TEMPFAIL,
	    "crashed (#4.3.0)", 10);
	assert_rule(&st->rules[4], RULE_ANY, NULL, OUTCOME_YELLOW, NULL, 11);
	ck_assert_msg(st->nskips == 5, "got %zu skips, want 5", st->nskips);
	assert_skip(&st->skips[0], "RELAYCLIENT", NULL);
	assert_skip(&st->skips[1], "SMTPAUTHUSER", "admin");
	assert_skip(&st->skips[2], "EMPTY", "");
	assert_skip(&st->skips[3], "TCPREMOTEIP", "127.0.0.1");
	assert_skip(&st->skips[4], "X", "a=b");

	st = &c->stages[1];
	ck_assert_str_eq(st->name, "clam.av_2");
	assert_argv(st->argv, clam, "clam.av_2");
	ck_assert_msg(st->line == 16, "got line %u, want 16", st->line);
	ck_assert_msg(st->timeout == 0, "got timeout %u, want 0",
	    st->timeout);
	ck_assert_msg(st->nrules == 1, "got %zu rules, want 1", st->nrules);
	assert_rule(&st->rules[0], RULE_EXIT, code1_2, OUTCOME_DISCARD, NULL,
	    17);
	ck_assert_msg(st->nskips == 0, "got %zu skips, want 0", st->nskips);
	conf_free(c);
}
END_TEST

START_TEST(test_parse_reply_none)
{
	struct conf *c;

	c = parse_ok("reply-channel none\n");
	ck_assert_msg(c->reply_fd == -1, "got reply fd %d, want -1",
	    c->reply_fd);
	conf_free(c);
}
END_TEST

START_TEST(test_parse_reply_fd)
{
	struct conf *c;

	c = parse_ok("reply-channel 2 1\n");
	ck_assert_msg(c->reply_fd == 2, "got reply fd %d, want 2",
	    c->reply_fd);
	ck_assert_msg(c->reply_code == 1, "got reply code %d, want 1",
	    c->reply_code);
	conf_free(c);
	c = parse_ok("reply-channel 1023 255\n");
	ck_assert_msg(c->reply_fd == 1023, "got reply fd %d, want 1023",
	    c->reply_fd);
	ck_assert_msg(c->reply_code == 255, "got reply code %d, want 255",
	    c->reply_code);
	conf_free(c);
}
END_TEST

START_TEST(test_parse_limits)
{
	static const char *const argv[] = { "/bin/cat", NULL };
	struct conf *c;

	c = parse_ok("timeout 1\nstage " NAME64 " /bin/cat\n"
	    "  timeout 86400\n  on 1 tempfail \"" TEXT254 "\"\n");
	ck_assert_msg(c->timeout == 1, "got timeout %u, want 1", c->timeout);
	ck_assert_msg(c->nstages == 1, "got %zu stages, want 1", c->nstages);
	ck_assert_str_eq(c->stages[0].name, NAME64);
	assert_argv(c->stages[0].argv, argv, NAME64);
	ck_assert_msg(c->stages[0].timeout == 86400,
	    "got timeout %u, want 86400", c->stages[0].timeout);
	ck_assert_msg(c->stages[0].nrules == 1, "got %zu rules, want 1",
	    c->stages[0].nrules);
	ck_assert_str_eq(c->stages[0].rules[0].text, TEXT254);
	conf_free(c);
	c = parse_ok("timeout 86400\n");
	ck_assert_msg(c->timeout == 86400, "got timeout %u, want 86400",
	    c->timeout);
	conf_free(c);
}
END_TEST

/* Several skip-if-env lines add up, in order. */
START_TEST(test_parse_skips)
{
	struct conf *c;
	const struct stage_conf *st;

	c = parse_ok("stage s /bin/true\n"
	    "  skip-if-env RELAYCLIENT\n"
	    "  skip-if-env AUTHUSER=x SMTP_AUTH_USER TCPREMOTEINFO=a b=\n"
	    "  skip-if-env 'V=with space'\n");
	st = &c->stages[0];
	ck_assert_msg(st->nskips == 6, "got %zu skips, want 6", st->nskips);
	assert_skip(&st->skips[0], "RELAYCLIENT", NULL);
	assert_skip(&st->skips[1], "AUTHUSER", "x");
	assert_skip(&st->skips[2], "SMTP_AUTH_USER", NULL);
	assert_skip(&st->skips[3], "TCPREMOTEINFO", "a");
	assert_skip(&st->skips[4], "b", "");
	assert_skip(&st->skips[5], "V", "with space");
	ck_assert_msg(st->nrules == 0, "got %zu rules, want 0", st->nrules);
	conf_free(c);
}
END_TEST

/* The last line needs no newline; CR LF line ends are white space. */
START_TEST(test_parse_line_ends)
{
	static const char *const argv[] = { "/bin/cat", NULL };
	struct conf *c;

	c = parse_ok("stage a /bin/cat\r\n  on 1 red\r\n  on 2 yellow");
	ck_assert_msg(c->nstages == 1, "got %zu stages, want 1", c->nstages);
	assert_argv(c->stages[0].argv, argv, "a");
	ck_assert_msg(c->stages[0].nrules == 2, "got %zu rules, want 2",
	    c->stages[0].nrules);
	ck_assert_msg(c->stages[0].rules[1].outcome == OUTCOME_YELLOW,
	    "got %s, want yellow",
	    outcome_name(c->stages[0].rules[1].outcome));
	conf_free(c);
}
END_TEST

/*
 * "check" and "zone".  Line numbers: 1 stage spamc, 2 its zone, 5 check
 * clamd, 9-12 three more stages with zones, 13 a check with no zone.
 */
static const char zone_conf[] =
    "stage spamc /usr/bin/spamc -E\n"				/* 1 */
    "    zone X-Spam-Status margin 2.5\n"			/* 2 */
    "    on 1 yellow\n"						/* 3 */
    "    timeout 30\n"						/* 4 */
    "check clamd /usr/bin/clamdscan --no-summary -\n"		/* 5 */
    "    on 1 red \"virus (#5.7.1)\"\n"				/* 6 */
    "    timeout 60\n"						/* 7 */
    "    skip-if-env RELAYCLIENT\n"				/* 8 */
    "stage sa2 /usr/bin/spamc\n\tzone x-spam-level red 10 missing green\n"
    "stage sa3 /bin/cat\n  zone X-Score red -2.5 missing discard\n"
    "stage sa4 /bin/cat\n  zone X.S_1! margin 0 missing red\n"	/* 13-14 */
    "check c2 /bin/true\n"					/* 15 */
    "stage sa5 /bin/cat\n  zone X-S margin 0.5 missing yellow\n" /* 16-17 */
    "stage sa6 /bin/cat\n  zone X-S margin 2 missing tempfail\n";

START_TEST(test_parse_check_zone)
{
	static const char *const clamd[] = {
		"/usr/bin/clamdscan", "--no-summary", "-", NULL
	};
	static const unsigned char code1[32] = { [0] = 0x02 };
	const struct stage_conf *st;
	struct conf *c;

	c = parse_ok(zone_conf);
	ck_assert_msg(c->nstages == 8, "got %zu stages, want 8", c->nstages);

	st = &c->stages[0];
	ck_assert_msg(st->kind == STAGE_FILTER, "spamc: got kind %d, want "
	    "STAGE_FILTER", (int)st->kind);
	assert_zone(&st->zone, "X-Spam-Status", 0, 2.5, 0, OUTCOME_TEMPFAIL,
	    "spamc");
	ck_assert_msg(st->nrules == 1, "got %zu rules, want 1", st->nrules);
	ck_assert_msg(st->timeout == 30, "got timeout %u, want 30",
	    st->timeout);

	st = &c->stages[1];
	ck_assert_str_eq(st->name, "clamd");
	ck_assert_msg(st->kind == STAGE_CHECK, "clamd: got kind %d, want "
	    "STAGE_CHECK", (int)st->kind);
	ck_assert_msg(st->line == 5, "got line %u, want 5", st->line);
	assert_argv(st->argv, clamd, "clamd");
	ck_assert_msg(st->nrules == 1, "got %zu rules, want 1", st->nrules);
	assert_rule(&st->rules[0], RULE_EXIT, code1, OUTCOME_RED,
	    "virus (#5.7.1)", 6);
	ck_assert_msg(st->timeout == 60, "got timeout %u, want 60",
	    st->timeout);
	ck_assert_msg(st->nskips == 1, "got %zu skips, want 1", st->nskips);
	assert_skip(&st->skips[0], "RELAYCLIENT", NULL);
	assert_zone(&st->zone, NULL, 0, 0, 0, OUTCOME_GREEN, "clamd");

	assert_zone(&c->stages[2].zone, "x-spam-level", 1, 0, 10,
	    OUTCOME_GREEN, "sa2");
	assert_zone(&c->stages[3].zone, "X-Score", 1, 0, -2.5,
	    OUTCOME_DISCARD, "sa3");
	assert_zone(&c->stages[4].zone, "X.S_1!", 0, 0, 0, OUTCOME_RED,
	    "sa4");
	ck_assert_msg(c->stages[5].kind == STAGE_CHECK,
	    "c2: got kind %d, want STAGE_CHECK", (int)c->stages[5].kind);
	ck_assert_msg(c->stages[5].line == 15, "got line %u, want 15",
	    c->stages[5].line);
	assert_zone(&c->stages[5].zone, NULL, 0, 0, 0, OUTCOME_GREEN, "c2");
	assert_zone(&c->stages[6].zone, "X-S", 0, 0.5, 0, OUTCOME_YELLOW,
	    "sa5");
	assert_zone(&c->stages[7].zone, "X-S", 0, 2, 0, OUTCOME_TEMPFAIL,
	    "sa6");
	conf_free(c);
}
END_TEST

/* A timeout each for two stages is not a duplicate. */
START_TEST(test_parse_timeouts_per_stage)
{
	struct conf *c;

	c = parse_ok("timeout 100\nstage a /bin/cat\n  timeout 5\n"
	    "check b /bin/cat\n  timeout 6\n");
	ck_assert_msg(c->timeout == 100, "got timeout %u, want 100",
	    c->timeout);
	ck_assert_msg(c->stages[0].timeout == 5, "a: got timeout %u, want 5",
	    c->stages[0].timeout);
	ck_assert_msg(c->stages[1].timeout == 6, "b: got timeout %u, want 6",
	    c->stages[1].timeout);
	conf_free(c);
}
END_TEST

/*
 * A milter: its socket parsed, the default timeout, its "on" words as
 * RULE_REPLY rules, its macros as written; it starts late.
 */
START_TEST(test_parse_milter)
{
	const struct stage_conf *st;
	const struct sockaddr_un *sun;
	const struct sockaddr_in *sin;
	struct conf *c;

	c = parse_ok("milter dkim inet:8891@127.0.0.1\n"
	    "  on reject tempfail \"try later\"\n"
	    "  on quarantine red\n"
	    "  macro {daemon_name} ORIGINATING\n"
	    "  macro j mx.example.org\n"
	    "  only-if-env RELAYCLIENT\n"
	    "  on header X-Spam yellow\n"
	    "  on header x-virus red \"infected\"\n"
	    "milter clam unix:/run/clamav/milter.sock\n"
	    "  timeout 20\n");
	ck_assert_uint_eq(c->nstages, 2);
	st = &c->stages[0];
	ck_assert_int_eq(st->kind, STAGE_MILTER);
	ck_assert_str_eq(st->name, "dkim");
	ck_assert_str_eq(st->argv[0], "inet:8891@127.0.0.1");
	ck_assert_ptr_null(st->argv[1]);
	sin = (const struct sockaddr_in *)&st->addr.ss;
	ck_assert_int_eq(sin->sin_family, AF_INET);
	ck_assert_uint_eq(ntohs(sin->sin_port), 8891);
	ck_assert_uint_eq(ntohl(sin->sin_addr.s_addr), 0x7f000001);
	ck_assert_msg(st->timeout == CONF_MILTER_TIMEOUT_DEFAULT,
	    "got timeout %u, want %u", st->timeout,
	    CONF_MILTER_TIMEOUT_DEFAULT);
	ck_assert_uint_eq(st->nrules, 4);
	ck_assert_int_eq(st->rules[2].kind, RULE_HEADER);
	ck_assert_str_eq(st->rules[2].header, "X-Spam");
	ck_assert_int_eq(st->rules[2].outcome, OUTCOME_YELLOW);
	ck_assert_ptr_null(st->rules[2].text);
	ck_assert_int_eq(st->rules[3].kind, RULE_HEADER);
	ck_assert_str_eq(st->rules[3].header, "x-virus");
	ck_assert_int_eq(st->rules[3].outcome, OUTCOME_RED);
	ck_assert_str_eq(st->rules[3].text, "infected");
	/* Found by its name in any case; no reply rule is one. */
	ck_assert_ptr_eq(rule_header(st->rules, st->nrules, "x-spam"),
	    &st->rules[2]);
	ck_assert_ptr_eq(rule_header(st->rules, st->nrules, "X-VIRUS"),
	    &st->rules[3]);
	ck_assert_ptr_null(rule_header(st->rules, st->nrules, "X-Spam-Flag"));
	ck_assert_int_eq(rule_map_reply(st->rules, st->nrules, STATUS_ACCEPT,
	    NULL), OUTCOME_GREEN);
	ck_assert_int_eq(st->rules[0].kind, RULE_REPLY);
	ck_assert_int_eq(st->rules[0].reply, STATUS_REJECT);
	ck_assert_int_eq(st->rules[0].outcome, OUTCOME_TEMPFAIL);
	ck_assert_str_eq(st->rules[0].text, "try later");
	ck_assert_int_eq(st->rules[1].reply, STATUS_QUARANTINE);
	ck_assert_int_eq(st->rules[1].outcome, OUTCOME_RED);
	ck_assert_ptr_null(st->rules[1].text);
	ck_assert_uint_eq(st->nmacros, 2);
	ck_assert_str_eq(st->macros[0].name, "{daemon_name}");
	ck_assert_str_eq(st->macros[0].value, "ORIGINATING");
	ck_assert_str_eq(st->macros[1].name, "j");
	ck_assert_str_eq(st->macros[1].value, "mx.example.org");
	ck_assert_uint_eq(st->nonlys, 1);
	ck_assert(conf_stage_late(st));
	st = &c->stages[1];
	sun = (const struct sockaddr_un *)&st->addr.ss;
	ck_assert_int_eq(sun->sun_family, AF_UNIX);
	ck_assert_str_eq(sun->sun_path, "/run/clamav/milter.sock");
	ck_assert_uint_eq(st->timeout, 20);
	ck_assert_uint_eq(st->nmacros, 0);
	ck_assert_str_eq(conf_kind_word(st->kind), "milter");
	conf_free(c);
}
END_TEST

/*
 * Errors: text to the line and message of the first error.
 */
struct err_case {
	const char	*text;
	unsigned	 line;
	const char	*message;
};

static const struct err_case err_cases[] = {
	/* Unknown directives. */
	{ "frobnicate 1\n", 1, "unknown directive \"frobnicate\"" },
	{ "# c\n\nStage a /bin/cat\n", 3, "unknown directive \"Stage\"" },
	{ "stage a /bin/cat\n  frob 1\n", 2,
	    "unknown stage directive \"frob\"" },
	/* Unknown outcomes. */
	{ "stage a /bin/cat\n\n# x\n    on 1 gren\n", 4,
	    "unknown outcome \"gren\" (want green, yellow, red, tempfail or "
	    "discard)" },
	{ "stage a /bin/cat\n  on 1 RED\n", 2,
	    "unknown outcome \"RED\" (want green, yellow, red, tempfail or "
	    "discard)" },
	/* Bad exit code lists. */
	{ "stage a /bin/cat\n  on 256 red\n", 2,
	    "bad exit code list \"256\" " CODES_HINT },
	{ "stage a /bin/cat\n  on 1- red\n", 2,
	    "bad exit code list \"1-\" " CODES_HINT },
	{ "stage a /bin/cat\n  on -1 red\n", 2,
	    "bad exit code list \"-1\" " CODES_HINT },
	{ "stage a /bin/cat\n  on 1-2-3 red\n", 2,
	    "bad exit code list \"1-2-3\" " CODES_HINT },
	{ "stage a /bin/cat\n  on 0-256 red\n", 2,
	    "bad exit code list \"0-256\" " CODES_HINT },
	{ "stage a /bin/cat\n  on x red\n", 2,
	    "bad exit code list \"x\" " CODES_HINT },
	{ "stage a /bin/cat\n  on +1 red\n", 2,
	    "bad exit code list \"+1\" " CODES_HINT },
	{ "stage a /bin/cat\n  on 1,*,2 red\n", 2,
	    "bad exit code list \"1,*,2\" " CODES_HINT },
	{ "stage a /bin/cat\n  on 5-2 red\n", 2,
	    "empty exit code range \"5-2\"" },
	{ "stage a /bin/cat\n  on ,1 red\n", 2,
	    "bad exit code list \",1\"" },
	{ "stage a /bin/cat\n  on 1, red\n", 2,
	    "bad exit code list \"1,\"" },
	{ "stage a /bin/cat\n  on 1,,2 red\n", 2,
	    "bad exit code list \"1,,2\"" },
	{ "stage a /bin/cat\n  on , red\n", 2,
	    "bad exit code list \",\"" },
	/* Reply texts. */
	{ "stage a /bin/cat\n  on 1 red \"" TEXT255 "\"\n", 2,
	    "reply text longer than 254 bytes" },
	{ "stage a /bin/cat\n  on 1 red \"a\tb\"\n", 2,
	    "reply text must be printable ASCII" },
	{ "stage a /bin/cat\n  on 1 red \"a\x1b" "b\"\n", 2,
	    "reply text must be printable ASCII" },
	{ "stage a /bin/cat\n  on 1 tempfail 'del \x7f'\n", 2,
	    "reply text must be printable ASCII" },
	{ "stage a /bin/cat\n  on 1 red \"caf\xc3\xa9\"\n", 2,
	    "reply text must be printable ASCII" },
	{ "stage a /bin/cat\n  on 0 green \"ok\"\n", 2,
	    "reply text is only for red and tempfail" },
	{ "stage a /bin/cat\n  on 1 yellow \"tagged\"\n", 2,
	    "reply text is only for red and tempfail" },
	{ "stage a /bin/cat\n  on 1 discard \"gone\"\n", 2,
	    "reply text is only for red and tempfail" },
	{ "stage a /bin/cat\n  on 1\n", 2,
	    "usage: on CODES OUTCOME [\"SMTP text\"]" },
	{ "stage a /bin/cat\n  on 1 red text more\n", 2,
	    "usage: on CODES OUTCOME [\"SMTP text\"]" },
	/* Indentation. */
	{ "    on 1 red\n", 1, "\"on\" is indented but no stage is open" },
	{ "# c\n\n\ttimeout 5\n", 3,
	    "\"timeout\" is indented but no stage is open" },
	{ "stage a /bin/cat\non 1 red\n", 2,
	    "\"on\" must be indented under a stage" },
	{ "skip-if-env X\n", 1,
	    "\"skip-if-env\" must be indented under a stage" },
	{ "stage a /bin/cat\n  stage b /bin/cat\n", 2,
	    "\"stage\" must not be indented" },
	{ "stage a /bin/cat\n  queue /bin/qq\n", 2,
	    "\"queue\" must not be indented" },
	/* Stages. */
	{ "stage a /bin/cat\nstage b /bin/cat\n\nstage a /bin/true\n", 4,
	    "stage \"a\" already defined at line 1" },
	{ "stage a cat\n", 1,
	    "stage program \"cat\" is not an absolute path" },
	{ "stage a ./bin/cat\n", 1,
	    "stage program \"./bin/cat\" is not an absolute path" },
	{ "stage a\n", 1, "usage: stage NAME PROGRAM [ARGS...]" },
	{ "stage\n", 1, "usage: stage NAME PROGRAM [ARGS...]" },
	{ "stage a:b /bin/cat\n", 1,
	    "bad stage name \"a:b\" (letters, digits, \"-\", \"_\" and "
	    "\".\", at most 64)" },
	{ "stage " NAME65 " /bin/cat\n", 1,
	    "bad stage name \"" NAME65 "\" (letters, digits, \"-\", \"_\" "
	    "and \".\", at most 64)" },
	/* The queue. */
	{ "queue /bin/qq\nqueue /bin/qq\n", 2, "duplicate \"queue\"" },
	{ "queue qmail-queue\n", 1,
	    "queue program \"qmail-queue\" is not an absolute path" },
	{ "queue\n", 1, "usage: queue PROGRAM [ARGS...]" },
	/* Timeouts, whole message and per stage. */
	{ "timeout 10\ntimeout 10\n", 2, "duplicate \"timeout\"" },
	{ "timeout 0\n", 1, "usage: timeout SECONDS (1 to 86400)" },
	{ "timeout 86401\n", 1, "usage: timeout SECONDS (1 to 86400)" },
	{ "timeout 12x\n", 1, "usage: timeout SECONDS (1 to 86400)" },
	{ "timeout -5\n", 1, "usage: timeout SECONDS (1 to 86400)" },
	{ "timeout\n", 1, "usage: timeout SECONDS (1 to 86400)" },
	{ "timeout 1 2\n", 1, "usage: timeout SECONDS (1 to 86400)" },
	{ "timeout 99999999999999999999\n", 1,
	    "usage: timeout SECONDS (1 to 86400)" },
	{ "stage a /bin/cat\n  timeout 0\n", 2,
	    "usage: timeout SECONDS (1 to 86400)" },
	{ "stage a /bin/cat\n  timeout 86401\n", 2,
	    "usage: timeout SECONDS (1 to 86400)" },
	{ "stage a /bin/cat\n  timeout 12x\n", 2,
	    "usage: timeout SECONDS (1 to 86400)" },
	/* The reply channel. */
	{ "reply-channel none\nreply-channel 6 82\n", 2,
	    "duplicate \"reply-channel\"" },
	{ "reply-channel 6\n", 1,
	    "usage: reply-channel FD EXITCODE | reply-channel none" },
	{ "log syslog\nlog stderr\n", 2, "duplicate \"log\"" },
	{ "log\n", 1, "usage: log stderr | log syslog [FACILITY]" },
	{ "log file /tmp/x\n", 1, "usage: log stderr | log syslog [FACILITY]" },
	{ "log stderr mail\n", 1, "usage: log stderr | log syslog [FACILITY]" },
	{ "log syslog mail extra\n", 1,
	    "usage: log stderr | log syslog [FACILITY]" },
	{ "log syslog kern\n", 1, "unknown syslog facility \"kern\" (want "
	    "mail, daemon, user or local0 to local7)" },
	{ "log syslog MAIL\n", 1, "unknown syslog facility \"MAIL\" (want "
	    "mail, daemon, user or local0 to local7)" },
	{ "  log syslog\n", 1, "\"log\" is indented but no stage is open" },
	{ "reply-channel 1 82\n", 1,
	    "usage: reply-channel FD EXITCODE | reply-channel none" },
	{ "reply-channel 1024 82\n", 1,
	    "usage: reply-channel FD EXITCODE | reply-channel none" },
	{ "reply-channel 6 0\n", 1,
	    "usage: reply-channel FD EXITCODE | reply-channel none" },
	{ "reply-channel 6 256\n", 1,
	    "usage: reply-channel FD EXITCODE | reply-channel none" },
	{ "reply-channel none 6\n", 1,
	    "usage: reply-channel FD EXITCODE | reply-channel none" },
	/* skip-if-env. */
	{ "stage a /bin/cat\n  skip-if-env\n", 2,
	    "usage: skip-if-env NAME[=VALUE] ..." },
	{ "stage a /bin/cat\n  skip-if-env A =x\n", 2,
	    "skip-if-env: empty variable name in \"=x\"" },
	/* only-if-env, envelope, qfilter. */
	{ "stage a /bin/cat\n  only-if-env\n", 2,
	    "usage: only-if-env NAME[=VALUE] ..." },
	{ "stage a /bin/cat\n  only-if-env =x\n", 2,
	    "only-if-env: empty variable name in \"=x\"" },
	{ "only-if-env A\n", 1, "\"only-if-env\" must be indented under a "
	    "stage" },
	{ "stage a /bin/cat\n  envelope yes\n", 2, "usage: envelope" },
	{ "check a /bin/cat\n  envelope\n  envelope\n", 3,
	    "duplicate \"envelope\" for stage a" },
	{ "envelope\n", 1, "\"envelope\" must be indented under a stage" },
	{ "qfilter q /bin/cat\n  envelope\n", 2, "a qfilter always starts "
	    "once the envelope is in; \"envelope\" is for a stage or a "
	    "check" },
	{ "qfilter q /bin/cat\n  zone X margin 2\n", 2, "a qfilter's output "
	    "is a file hi-q does not read on the way; \"zone\" needs a "
	    "stage" },
	{ "qfilter q\n", 1, "usage: qfilter NAME PROGRAM [ARGS...]" },
	{ "qfilter q bin/cat\n", 1,
	    "qfilter program \"bin/cat\" is not an absolute path" },
	{ "stage q /bin/cat\n  qfilter r /bin/cat\n", 2,
	    "\"qfilter\" must not be indented" },
	{ "stage q /bin/cat\nqfilter q /bin/cat\n", 2,
	    "stage \"q\" already defined at line 1" },
	/* Word splitting. */
	{ "stage a /bin/echo \"abc\n", 1, "unterminated quote" },
	{ "stage a /bin/cat\n  on 1 red 'abc\n", 2, "unterminated quote" },
	{ "stage a /bin/cat \\\n  on 1 red\n", 1,
	    "backslash at the end of the line" },
	{ "stage a /bin/cat\n  on 1 red \\", 2,
	    "backslash at the end of the line" },
	/* A second timeout for one stage. */
	{ "stage a /bin/cat\n  timeout 5\n  on 1 red\n  timeout 5\n", 4,
	    "duplicate \"timeout\" for stage a" },
	{ "check c /bin/cat\n  timeout 5\n  timeout 6\n", 3,
	    "duplicate \"timeout\" for stage c" },
	/* check. */
	{ "check c\n", 1, "usage: check NAME PROGRAM [ARGS...]" },
	{ "check\n", 1, "usage: check NAME PROGRAM [ARGS...]" },
	{ "check a/b /bin/cat\n", 1,
	    "bad stage name \"a/b\" (letters, digits, \"-\", \"_\" and "
	    "\".\", at most 64)" },
	{ "check c clamdscan\n", 1,
	    "check program \"clamdscan\" is not an absolute path" },
	{ "stage a /bin/cat\n\ncheck a /bin/cat\n", 3,
	    "stage \"a\" already defined at line 1" },
	{ "check a /bin/cat\nstage a /bin/cat\n", 2,
	    "stage \"a\" already defined at line 1" },
	{ "stage a /bin/cat\n  check c /bin/cat\n", 2,
	    "\"check\" must not be indented" },
	{ "Check c /bin/cat\n", 1, "unknown directive \"Check\"" },
	/* zone: where it may go. */
	{ "zone X-Spam-Status margin 2\n", 1,
	    "\"zone\" must be indented under a stage" },
	{ "stage a /bin/cat\nzone X-Spam-Status margin 2\n", 2,
	    "\"zone\" must be indented under a stage" },
	{ "  zone X-Spam-Status margin 2\n", 1,
	    "\"zone\" is indented but no stage is open" },
	{ "check c /bin/cat\n  zone X-Spam-Status margin 2\n", 2,
	    "a check's output is thrown away; \"zone\" needs a stage" },
	{ "stage a /bin/cat\ncheck c /bin/cat\n  on 1 red\n"
	    "  zone X-Spam-Status bogus\n", 4,
	    "a check's output is thrown away; \"zone\" needs a stage" },
	{ "stage s /bin/cat\n  zone A margin 1\n  on 1 red\n"
	    "  zone B red 5\n", 4, "duplicate \"zone\" for stage s" },
	{ "stage s /bin/cat\n  zone A margin 1\n  zone A margin 1\n", 3,
	    "duplicate \"zone\" for stage s" },
	/* zone: its words. */
	{ "stage s /bin/cat\n  zone\n", 2, ZONE_USAGE },
	{ "stage s /bin/cat\n  zone X\n", 2, ZONE_USAGE },
	{ "stage s /bin/cat\n  zone X margin\n", 2, ZONE_USAGE },
	{ "stage s /bin/cat\n  zone X margin 2 missing\n", 2, ZONE_USAGE },
	{ "stage s /bin/cat\n  zone X margin 2 missing red x\n", 2,
	    ZONE_USAGE },
	{ "stage s /bin/cat\n  zone X maximum 2\n", 2, ZONE_USAGE },
	{ "stage s /bin/cat\n  zone X Margin 2\n", 2, ZONE_USAGE },
	{ "stage s /bin/cat\n  zone X RED 2\n", 2, ZONE_USAGE },
	{ "stage s /bin/cat\n  zone X margin 2 absent red\n", 2,
	    ZONE_USAGE },
	{ "stage s /bin/cat\n  zone X 2 margin\n", 2, ZONE_USAGE },
	/* zone: the header name. */
	/* popt drops an empty word, so '' leaves the line one word short. */
	{ "stage s /bin/cat\n  zone '' margin 2\n", 2, ZONE_USAGE },
	{ "stage s /bin/cat\n  zone '' margin 2 missing red\n", 2,
	    ZONE_USAGE },
	{ "stage s /bin/cat\n  zone X-Spam:Status margin 2\n", 2,
	    "bad header name \"X-Spam:Status\"" },
	{ "stage s /bin/cat\n  zone X-Spam-Status: margin 2\n", 2,
	    "bad header name \"X-Spam-Status:\"" },
	{ "stage s /bin/cat\n  zone 'X Spam' margin 2\n", 2,
	    "bad header name \"X Spam\"" },
	{ "stage s /bin/cat\n  zone 'X\tS' margin 2\n", 2,
	    "bad header name \"X\\x09S\"" },
	{ "stage s /bin/cat\n  zone X\x7fS margin 2\n", 2,
	    "bad header name \"X\\x7fS\"" },
	{ "stage s /bin/cat\n  zone caf\xc3\xa9 margin 2\n", 2,
	    "bad header name \"caf\\xc3\\xa9\"" },
	/* user */
	{ "user\n", 1, "usage: user NAME (a login name: letters, digits, "
	    "\".\", \"_\" and \"-\", at most 32)" },
	{ "user a b\n", 1, "usage: user NAME (a login name: letters, digits, "
	    "\".\", \"_\" and \"-\", at most 32)" },
	{ "user -r\n", 1, "usage: user NAME (a login name: letters, digits, "
	    "\".\", \"_\" and \"-\", at most 32)" },
	{ "user a:b\n", 1, "usage: user NAME (a login name: letters, digits, "
	    "\".\", \"_\" and \"-\", at most 32)" },
	{ "user 123456789012345678901234567890123\n", 1, "usage: user NAME "
	    "(a login name: letters, digits, \".\", \"_\" and \"-\", at "
	    "most 32)" },
	{ "user qmaild\nuser root\n", 2, "duplicate \"user\"" },
	{ "spool /tmp\nspool /var/tmp\n", 2, "duplicate \"spool\"" },
	{ "spool tmp\n", 1, "usage: spool DIRECTORY (an absolute path)" },
	{ "spool\n", 1, "usage: spool DIRECTORY (an absolute path)" },
	{ "spool /a /b\n", 1, "usage: spool DIRECTORY (an absolute path)" },
	/* The header is looked at before the number. */
	{ "stage s /bin/cat\n  zone X:Y margin x\n", 2,
	    "bad header name \"X:Y\"" },
	/* zone: the number. */
	{ "stage s /bin/cat\n  zone X margin x\n", 2, "bad number \"x\"" },
	{ "stage s /bin/cat\n  zone X margin 1e3\n", 2,
	    "bad number \"1e3\"" },
	/* A pump feeds a run of checks; 15 in a row at most. */
	{ "check c1 /bin/cat\ncheck c2 /bin/cat\ncheck c3 /bin/cat\n"
	    "check c4 /bin/cat\ncheck c5 /bin/cat\ncheck c6 /bin/cat\n"
	    "check c7 /bin/cat\ncheck c8 /bin/cat\ncheck c9 /bin/cat\n"
	    "check c10 /bin/cat\ncheck c11 /bin/cat\ncheck c12 /bin/cat\n"
	    "check c13 /bin/cat\ncheck c14 /bin/cat\ncheck c15 /bin/cat\n"
	    "check c16 /bin/cat\n", 16, "more than 15 checks in a row" },
	/* A stage that may be skipped does not end the run. */
	{ "check c1 /bin/cat\ncheck c2 /bin/cat\ncheck c3 /bin/cat\n"
	    "check c4 /bin/cat\ncheck c5 /bin/cat\ncheck c6 /bin/cat\n"
	    "check c7 /bin/cat\ncheck c8 /bin/cat\n"
	    "stage s /bin/cat\n  skip-if-env RELAYCLIENT\n"
	    "check c9 /bin/cat\ncheck c10 /bin/cat\ncheck c11 /bin/cat\n"
	    "check c12 /bin/cat\ncheck c13 /bin/cat\ncheck c14 /bin/cat\n"
	    "check c15 /bin/cat\ncheck c16 /bin/cat\n", 18,
	    "more than 15 checks in a row" },
	{ "stage s /bin/cat\n  zone X red +0.5\n", 2,
	    "bad number \"+0.5\"" },
	{ "stage s /bin/cat\n  zone X margin 1e\n", 2,
	    "bad number \"1e\"" },
	{ "stage s /bin/cat\n  zone X margin inf\n", 2,
	    "bad number \"inf\"" },
	{ "stage s /bin/cat\n  zone X red -inf\n", 2,
	    "bad number \"-inf\"" },
	{ "stage s /bin/cat\n  zone X red INFINITY\n", 2,
	    "bad number \"INFINITY\"" },
	{ "stage s /bin/cat\n  zone X margin nan\n", 2,
	    "bad number \"nan\"" },
	{ "stage s /bin/cat\n  zone X red NaN\n", 2, "bad number \"NaN\"" },
	{ "stage s /bin/cat\n  zone X margin 0x10\n", 2,
	    "bad number \"0x10\"" },
	{ "stage s /bin/cat\n  zone X red 0x1p3\n", 2,
	    "bad number \"0x1p3\"" },
	{ "stage s /bin/cat\n  zone X margin '' missing red\n", 2,
	    ZONE_USAGE },
	{ "stage s /bin/cat\n  zone X margin ' 2'\n", 2,
	    "bad number \" 2\"" },
	{ "stage s /bin/cat\n  zone X margin '2 '\n", 2,
	    "bad number \"2 \"" },
	{ "stage s /bin/cat\n  zone X margin 2.5.1\n", 2,
	    "bad number \"2.5.1\"" },
	{ "stage s /bin/cat\n  zone X margin 2,5\n", 2,
	    "bad number \"2,5\"" },
	{ "stage s /bin/cat\n  zone X red 1e999\n", 2,
	    "bad number \"1e999\"" },
	{ "stage s /bin/cat\n  zone X red -\n", 2, "bad number \"-\"" },
	/* zone: a negative margin (a negative red score is fine). */
	{ "stage s /bin/cat\n  zone X margin -1\n", 2,
	    "a zone margin cannot be negative" },
	{ "stage s /bin/cat\n  zone X margin -0.1 missing green\n", 2,
	    "a zone margin cannot be negative" },
	/* zone: the outcome when the header is missing. */
	{ "stage s /bin/cat\n  zone X margin 2 missing maybe\n", 2,
	    "unknown outcome \"maybe\" " OUTCOME_HINT },
	{ "stage s /bin/cat\n  zone X red 9 missing GREEN\n", 2,
	    "unknown outcome \"GREEN\" " OUTCOME_HINT },
	/*
	 * A byte order mark is named; any other byte a terminal would hide
	 * or act on shows as \xHH, and so does a backslash.
	 */
	{ "\xef\xbb\xbfqueue /bin/cat\n", 1, "the file begins with a UTF-8 "
	    "byte order mark; save it without one" },
	{ "\xef\xbb\xbf\n", 1, "the file begins with a UTF-8 byte order "
	    "mark; save it without one" },
	{ "\xef\xbb\xbf# a comment\nqueue /bin/cat\n", 1, "the file begins "
	    "with a UTF-8 byte order mark; save it without one" },
	{ "# a comment\n\xef\xbb\xbfqueue /bin/cat\n", 2,
	    "unknown directive \"\\xef\\xbb\\xbfqueue\"" },
	{ "red\x1b[31m 1\n", 1, "unknown directive \"red\\x1b[31m\"" },
	{ "stage s /bin/cat\n  on 1 \"r\red\"\n", 2,
	    "unknown outcome \"r\\x0ded\" " OUTCOME_HINT },
	{ "stage a\\\\b /bin/cat\n", 1, "bad stage name \"a\\x5cb\" "
	    "(letters, digits, \"-\", \"_\" and \".\", at most 64)" },
	/* Milters. */
	{ "milter m\n", 1, "usage: milter NAME SOCKET (unix:/PATH, "
	    "inet:PORT@HOST or inet6:PORT@HOST)" },
	{ "milter m inet:1@127.0.0.1 x\n", 1, "usage: milter NAME SOCKET "
	    "(unix:/PATH, inet:PORT@HOST or inet6:PORT@HOST)" },
	{ "milter m tcp:1@127.0.0.1\n", 1, "milter m: bad socket "
	    "\"tcp:1@127.0.0.1\": a milter socket must start with unix:, "
	    "local:, inet: or inet6:" },
	{ "milter m inet:0@127.0.0.1\n", 1, "milter m: bad socket "
	    "\"inet:0@127.0.0.1\": a port must be a number from 1 to "
	    "65535" },
	{ "milter m inet:8891\n", 1, "milter m: bad socket \"inet:8891\": "
	    "an inet socket must be PORT@HOST" },
	{ "milter m inet:8891@mx.example.org\n", 1, "milter m: bad socket "
	    "\"inet:8891@mx.example.org\": an inet host must be a numeric "
	    "IPv4 address or localhost (hi-q resolves no names)" },
	{ "milter m unix:relative\n", 1, "milter m: bad socket "
	    "\"unix:relative\": a unix socket path must be absolute" },
	{ "milter m unix:/a\nmilter m unix:/b\n", 2,
	    "stage \"m\" already defined at line 1" },
	{ "stage m /bin/cat\nmilter m unix:/b\n", 2,
	    "stage \"m\" already defined at line 1" },
	{ "milter m unix:/a\n  on continue green\n", 2, "unknown milter "
	    "reply \"continue\" (want accept, reject, tempfail, discard, "
	    "quarantine or failure)" },
	{ "milter m unix:/a\n  on 1 red\n", 2, "unknown milter reply \"1\" "
	    "(want accept, reject, tempfail, discard, quarantine or "
	    "failure)" },
	{ "milter m unix:/a\n  on reject red\n  on reject tempfail\n", 3,
	    "duplicate \"on reject\" for milter m (first at line 2)" },
	{ "milter m unix:/a\n  on header X-Spam yellow\n"
	    "  on header x-spam red\n", 3, "duplicate \"on header x-spam\" "
	    "for milter m (first at line 2)" },
	{ "milter m unix:/a\n  on header X:Spam yellow\n", 2,
	    "bad header name \"X:Spam\"" },
	{ "milter m unix:/a\n  on header X-Spam\n", 2,
	    "usage: on header NAME OUTCOME [\"SMTP text\"]" },
	{ "milter m unix:/a\n  on header X-Spam maybe\n", 2,
	    "unknown outcome \"maybe\" " OUTCOME_HINT },
	{ "milter m unix:/a\n  on header X-Spam yellow 'x'\n", 2,
	    "reply text is only for red and tempfail" },
	{ "stage s /bin/cat\n  on header X-Spam\n", 2,
	    "bad exit code list \"header\" (want codes 0-255, ranges a-b, "
	    "\"*\" or \"signal\")" },
	{ "milter m unix:/a\n  on reject gren\n", 2,
	    "unknown outcome \"gren\" " OUTCOME_HINT },
	{ "milter m unix:/a\n  on discard green 'x'\n", 2,
	    "reply text is only for red and tempfail" },
	{ "milter m unix:/a\n  on reject\n", 2,
	    "usage: on REPLY OUTCOME [\"SMTP text\"]" },
	{ "stage s /bin/cat\n  on reject red\n", 2, "bad exit code list "
	    "\"reject\" (want codes 0-255, ranges a-b, \"*\" or \"signal\")" },
	{ "milter m unix:/a\n  macro j\n", 2, "macro j without a value" },
	{ "milter m unix:/a\n  macro j ''\n", 2,
	    "macro j without a value" },
	{ "milter m unix:/a\n  macro j a b\n", 2, "usage: macro NAME VALUE" },
	{ "milter m unix:/a\n  macro j a\n  macro {j} b\n", 3,
	    "duplicate macro {j} for milter m" },
	{ "milter m unix:/a\n  macro {daemon_name} A\n  macro daemon_name B\n",
	    3, "duplicate macro daemon_name for milter m" },
	{ "milter m unix:/a\n  macro {} A\n", 2, "bad macro name \"{}\" (a "
	    "letter, or a word of letters, digits and \"_\" in braces, at "
	    "most 64)" },
	{ "milter m unix:/a\n  macro '{a b}' A\n", 2, "bad macro name "
	    "\"{a b}\" (a letter, or a word of letters, digits and \"_\" in "
	    "braces, at most 64)" },
	{ "milter m unix:/a\n  macro j \"a\tb\"\n", 2,
	    "macro value must be printable ASCII" },
	{ "stage s /bin/cat\n  macro j a\n", 2,
	    "\"macro\" is for a milter" },
	{ "macro j a\n", 1, "\"macro\" must be indented under a stage" },
	{ "milter m unix:/a\n  milter n unix:/b\n", 2,
	    "\"milter\" must not be indented" },
	{ "milter m unix:/a\n  zone X margin 2\n", 2, "a milter answers with "
	    "a reply, not a score header; \"zone\" needs a stage" },
	{ "milter m unix:/a\n  envelope\n", 2, "a milter always starts once "
	    "the envelope is in; \"envelope\" is for a stage or a check" },
	{ "milter m unix:/a\n  timeout 0\n", 2,
	    "usage: timeout SECONDS (1 to 86400)" },
	{ "milter m unix:/a\n  timeout 5\n  timeout 6\n", 3,
	    "duplicate \"timeout\" for stage m" },
	/* The first error decides. */
	{ "stage a /bin/cat\n  on 1 gren\n  on 2 gren\nfrob\n", 2,
	    "unknown outcome \"gren\" (want green, yellow, red, tempfail or "
	    "discard)" },
};

START_TEST(test_error_table)
{
	const struct err_case *t = &err_cases[_i];
	struct conf_error err;
	struct conf *c;
	int parsed;

	c = parse_text(t->text, &err);
	parsed = c != NULL;
	conf_free(c);
	ck_assert_msg(!parsed, "case %d: got a conf, want error \"%s\"", _i,
	    t->message);
	ck_assert_msg(err.text != NULL && strcmp(err.text, t->message) == 0,
	    "case %d: got \"%s\", want \"%s\"", _i, err.text, t->message);
	ck_assert_msg(err.line == t->line, "case %d: got line %u, want %u",
	    _i, err.line, t->line);
	ck_assert_msg(err.file != NULL && strcmp(err.file, "test.conf") == 0,
	    "case %d: got file \"%s\", want \"test.conf\"", _i, err.file);
	conf_error_free(&err);
	ck_assert_ptr_null(err.file);
	ck_assert_ptr_null(err.text);
}
END_TEST

START_TEST(test_error_nul)
{
	static const char text[] = "stage a /bin/cat\n  on 1 red\0x\n";
	struct conf_error err;
	struct conf *c;
	int parsed;

	c = parse_bytes(text, sizeof(text) - 1, &err);
	parsed = c != NULL;
	conf_free(c);
	ck_assert_msg(!parsed, "got a conf, want error \"NUL byte in line\"");
	ck_assert_msg(strcmp(err.text, "NUL byte in line") == 0,
	    "got \"%s\", want \"NUL byte in line\"", err.text);
	ck_assert_msg(err.line == 2, "got line %u, want 2", err.line);
	conf_error_free(&err);
}
END_TEST

/*
 * The limits: a line of CONF_LINE_MAX bytes and a file of CONF_FILE_MAX
 * are read, one byte more is refused at the line that passes the limit.
 */

/*
 * comments - n bytes of comment lines of len bytes and their newlines; a
 * last line that does not fit is cut short, without a newline
 */
static char *
comments(size_t n, size_t len)
{
	char *text;
	size_t i;

	text = malloc(n + 1);
	ck_assert_ptr_nonnull(text);
	memset(text, 'x', n);
	for (i = 0; i < n; i += len + 1) {
		text[i] = '#';
		if (i + len < n)
			text[i + len] = '\n';
	}
	text[n] = '\0';
	return text;
}

struct limit_case {
	size_t		 n;		/* bytes in the file */
	size_t		 len;		/* in each line, without its newline */
	unsigned	 line;		/* of the error; 0: a conf */
	const char	*message;
};

static const struct limit_case limit_cases[] = {
	{ CONF_LINE_MAX + 1, CONF_LINE_MAX, 0, NULL },
	{ CONF_LINE_MAX + 2, CONF_LINE_MAX + 1, 1,
	    "line longer than 65536 bytes" },
	/* 256 lines of 4096 bytes with their newlines. */
	{ CONF_FILE_MAX, 4095, 0, NULL },
	/* 255 lines of 4097, then 3841 bytes and no newline to count. */
	{ CONF_FILE_MAX, 4096, 0, NULL },
	/* The 256 lines, then "#": one byte too many, at line 257. */
	{ CONF_FILE_MAX + 1, 4095, 257,
	    "the file is longer than 1048576 bytes" },
	{ CONF_FILE_MAX + 2, 4095, 257,
	    "the file is longer than 1048576 bytes" },
};

START_TEST(test_limits)
{
	const struct limit_case *t = &limit_cases[_i];
	struct conf_error err;
	struct conf *c;
	char *text;

	text = comments(t->n, t->len);
	c = parse_text(text, &err);
	free(text);
	if (t->message == NULL) {
		ck_assert_msg(c != NULL, "case %d: got %u: \"%s\", want a "
		    "conf", _i, err.line, err.text);
		conf_free(c);
		return;
	}
	ck_assert_msg(c == NULL, "case %d: got a conf, want \"%s\"", _i,
	    t->message);
	ck_assert_msg(strcmp(err.text, t->message) == 0 &&
	    err.line == t->line, "case %d: got %u: \"%s\", want %u: \"%s\"",
	    _i, err.line, err.text, t->line, t->message);
	conf_error_free(&err);
}
END_TEST

/*
 * A file past a limit is refused at the first line that shows it, long
 * before its end: the NUL at the start of 4 MB of NULs, a comment line of
 * 5 MB above a stage that would reject.  What was read is the offset.
 */
struct early_case {
	const char	*head;
	char		 fill;
	size_t		 nfill;
	const char	*tail;
	size_t		 ntail;
	unsigned	 line;
	const char	*message;
};

#define TAIL(s)	s, sizeof(s) - 1

static const struct early_case early_cases[] = {
	{ "", '\0', 4 << 20, TAIL(""), 1, "NUL byte in line" },
	{ "stage a /bin/cat\n# ", 'x', 5000000,
	    TAIL("\nstage no /bin/false\n  on 1 red\n"), 2,
	    "line longer than 65536 bytes" },
	{ "queue /bin/cat\n\n# ", 'x', 100, TAIL("\0\n"), 3,
	    "NUL byte in line" },
	/* A NUL past the limit: the length is found first. */
	{ "# ", 'x', 100000, TAIL("\0\n"), 1,
	    "line longer than 65536 bytes" },
};

START_TEST(test_refused_early)
{
	const struct early_case *t = &early_cases[_i];
	size_t nh = strlen(t->head), n = nh + t->nfill + t->ntail;
	struct conf_error err;
	struct conf *c;
	char *text;
	off_t off;
	int fd;

	text = malloc(n);
	ck_assert_ptr_nonnull(text);
	memcpy(text, t->head, nh);
	memset(text + nh, t->fill, t->nfill);
	memcpy(text + nh + t->nfill, t->tail, t->ntail);
	fd = temp_file(text, n);
	free(text);
	c = conf_parse_fd(fd, "test.conf", &err);
	off = lseek(fd, 0, SEEK_CUR);
	ck_assert_int_eq(close(fd), 0);
	ck_assert_msg(c == NULL, "case %d: got a conf, want \"%s\"", _i,
	    t->message);
	ck_assert_msg(strcmp(err.text, t->message) == 0 &&
	    err.line == t->line, "case %d: got %u: \"%s\", want %u: \"%s\"",
	    _i, err.line, err.text, t->line, t->message);
	ck_assert_msg(off <= 2 * CONF_LINE_MAX, "case %d: read %lld bytes "
	    "of %zu, want at most %d", _i, (long long)off, n,
	    2 * CONF_LINE_MAX);
	conf_error_free(&err);
}
END_TEST

/* A read error is an error, never the end of the file. */
START_TEST(test_read_error)
{
	struct conf_error err;
	struct conf *c;
	int p[2];

	ck_assert_int_eq(pipe(p), 0);
	c = conf_parse_fd(p[1], "test.conf", &err);	/* the write end */
	ck_assert_ptr_null(c);
	ck_assert_uint_eq(err.line, 0);
	ck_assert_str_eq(err.text, "read error: Bad file descriptor");
	conf_error_free(&err);
	ck_assert_int_eq(close(p[0]), 0);
	ck_assert_int_eq(close(p[1]), 0);
}
END_TEST

/*
 * conf_parse_file
 */
START_TEST(test_file_ok)
{
	static const char *const argv[] = { "/bin/cat", "-u", NULL };
	char path[] = "/tmp/check_conf.XXXXXX";
	struct conf_error err;
	struct conf *c;
	FILE *fp;
	int fd;

	fd = mkstemp(path);
	ck_assert_int_ne(fd, -1);
	fp = fdopen(fd, "w");
	ck_assert_ptr_nonnull(fp);
	fputs("stage cat /bin/cat -u\n  on 3 red\n", fp);
	ck_assert_int_eq(fclose(fp), 0);
	c = conf_parse_file(path, &err);
	ck_assert_int_eq(unlink(path), 0);
	ck_assert_msg(c != NULL, "got error \"%s:%u: %s\", want a conf",
	    err.file, err.line, err.text);
	ck_assert_str_eq(c->file, path);
	ck_assert_msg(c->nstages == 1, "got %zu stages, want 1", c->nstages);
	assert_argv(c->stages[0].argv, argv, "cat");
	conf_free(c);
}
END_TEST

START_TEST(test_file_missing)
{
	struct conf_error err;
	struct conf *c;

	c = conf_parse_file("/nonexistent/hi-q/filters.conf", &err);
	ck_assert_ptr_null(c);
	ck_assert_msg(err.line == 0, "got line %u, want 0", err.line);
	ck_assert_str_eq(err.file, "/nonexistent/hi-q/filters.conf");
	ck_assert_str_eq(err.text,
	    "unable to open: No such file or directory");
	conf_error_free(&err);
}
END_TEST

/*
 * A file others may write, or owned by someone else, is refused before it
 * is read: mode and owner to the error, or NULL for a file that is read.
 */
struct file_case {
	mode_t		 mode;
	uid_t		 owner;		/* (uid_t)-1: the test's own */
	const char	*text;
};

#define SELF	((uid_t)-1)

static const struct file_case file_cases[] = {
	{ 0644, SELF, NULL },
	{ 0600, SELF, NULL },
	{ 0400, SELF, NULL },
	{ 0755, SELF, NULL },
	{ 0664, SELF, "refused: writable by its group (mode 0664); "
	    "chmod go-w it" },
	{ 0620, SELF, "refused: writable by its group (mode 0620); "
	    "chmod go-w it" },
	{ 0646, SELF, "refused: writable by everyone (mode 0646); "
	    "chmod go-w it" },
	{ 0666, SELF, "refused: writable by everyone (mode 0666); "
	    "chmod go-w it" },
	{ 02664, SELF, "refused: writable by its group (mode 2664); "
	    "chmod go-w it" },
	/* Needs root to give the file away; skipped otherwise. */
	{ 0644, 65534, "refused: owned by uid 65534, neither root nor the "
	    "user running hi-q (uid 0)" },
	{ 0444, 1, "refused: owned by uid 1, neither root nor the user "
	    "running hi-q (uid 0)" },
};

START_TEST(test_file_modes)
{
	const struct file_case *t = &file_cases[_i];
	char path[] = "/tmp/check_conf.XXXXXX";
	struct conf_error err;
	struct conf *c;
	int fd;

	if (t->owner != SELF && geteuid() != 0)
		return;
	fd = mkstemp(path);
	ck_assert_int_ne(fd, -1);
	ck_assert_int_eq(write(fd, "stage s /bin/cat\n", 17), 17);
	ck_assert_int_eq(fchmod(fd, t->mode), 0);
	if (t->owner != SELF)
		ck_assert_int_eq(fchown(fd, t->owner, (gid_t)-1), 0);
	ck_assert_int_eq(close(fd), 0);
	c = conf_parse_file(path, &err);
	ck_assert_int_eq(unlink(path), 0);
	if (t->text == NULL) {
		ck_assert_msg(c != NULL, "mode %04o: got \"%s\", want a conf",
		    (unsigned)t->mode, err.text);
		conf_free(c);
		return;
	}
	ck_assert_msg(c == NULL, "mode %04o owner %ld: got a conf, want "
	    "\"%s\"", (unsigned)t->mode, (long)t->owner, t->text);
	ck_assert_msg(err.line == 0, "got line %u, want 0", err.line);
	ck_assert_str_eq(err.file, path);
	ck_assert_str_eq(err.text, t->text);
	conf_error_free(&err);
}
END_TEST

/*
 * Only a regular file is read: anything else is refused before a byte of
 * it is, and at once (a FIFO with no writer would block an open(2) without
 * O_NONBLOCK for ever: the test's timeout fails it).  Each is made in a
 * private directory, with mode 0644 so that only its type is at fault.
 */
enum node_kind {
	NODE_DIR,
	NODE_FIFO,
	NODE_FIFO_LINK,
	NODE_ZERO,	/* a character device of /dev/zero's numbers; root */
	NODE_SOCKET
};

struct node_case {
	enum node_kind	 kind;
	const char	*text;
};

static const struct node_case node_cases[] = {
	{ NODE_DIR, "refused: a directory, not a regular file" },
	{ NODE_FIFO, "refused: a FIFO, not a regular file" },
	{ NODE_FIFO_LINK, "refused: a FIFO, not a regular file" },
	{ NODE_ZERO, "refused: a character device, not a regular file" },
	{ NODE_SOCKET, "unable to open: No such device or address" },
};

/* make_node - the node of kind at path; 0, or -1 to skip the case */
static int
make_node(enum node_kind kind, const char *dir, const char *path)
{
	struct sockaddr_un sun;
	struct statvfs sv;
	char *fifo;
	int fd;

	switch (kind) {
	case NODE_DIR:
		ck_assert_int_eq(mkdir(path, 0755), 0);
		return 0;
	case NODE_FIFO:
		ck_assert_int_eq(mkfifo(path, 0644), 0);
		ck_assert_int_eq(chmod(path, 0644), 0);
		return 0;
	case NODE_FIFO_LINK:
		ck_assert_int_ne(asprintf(&fifo, "%s/fifo", dir), -1);
		ck_assert_int_eq(mkfifo(fifo, 0644), 0);
		ck_assert_int_eq(chmod(fifo, 0644), 0);
		ck_assert_int_eq(symlink(fifo, path), 0);
		free(fifo);
		return 0;
	case NODE_ZERO:
		/* Needs root, and a file system that allows devices. */
		ck_assert_int_eq(statvfs(dir, &sv), 0);
		if ((sv.f_flag & ST_NODEV) != 0 ||
		    mknod(path, S_IFCHR | 0644, makedev(1, 5)) == -1)
			return -1;
		ck_assert_int_eq(chmod(path, 0644), 0);
		return 0;
	case NODE_SOCKET:
		memset(&sun, 0, sizeof(sun));
		sun.sun_family = AF_UNIX;
		ck_assert_uint_lt(strlen(path), sizeof(sun.sun_path));
		strcpy(sun.sun_path, path);
		fd = socket(AF_UNIX, SOCK_STREAM, 0);
		ck_assert_int_ne(fd, -1);
		ck_assert_int_eq(bind(fd, (struct sockaddr *)&sun,
		    sizeof(sun)), 0);
		ck_assert_int_eq(close(fd), 0);
		ck_assert_int_eq(chmod(path, 0644), 0);
		return 0;
	}
	return -1;
}

START_TEST(test_file_nodes)
{
	const struct node_case *t = &node_cases[_i];
	char dir[] = "/tmp/check_conf.XXXXXX", *path, *fifo;
	struct conf_error err;
	struct conf *c;
	int parsed, made;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	ck_assert_int_ne(asprintf(&path, "%s/filters.conf", dir), -1);
	ck_assert_int_ne(asprintf(&fifo, "%s/fifo", dir), -1);
	made = make_node(t->kind, dir, path);
	c = made == 0 ? conf_parse_file(path, &err) : NULL;
	if (t->kind == NODE_DIR)
		ck_assert_int_eq(rmdir(path), 0);
	else
		(void)unlink(path);
	(void)unlink(fifo);
	ck_assert_int_eq(rmdir(dir), 0);
	free(fifo);
	if (made == -1) {
		free(path);
		return;
	}
	parsed = c != NULL;
	conf_free(c);
	ck_assert_msg(!parsed, "case %d: got a conf, want \"%s\"", _i,
	    t->text);
	ck_assert_msg(err.line == 0, "got line %u, want 0", err.line);
	ck_assert_str_eq(err.file, path);
	ck_assert_msg(strcmp(err.text, t->text) == 0, "case %d: got \"%s\", "
	    "want \"%s\"", _i, err.text, t->text);
	conf_error_free(&err);
	free(path);
}
END_TEST

START_TEST(test_free_null)
{
	struct conf_error err;

	conf_free(NULL);
	memset(&err, 0, sizeof(err));
	conf_error_free(&err);
	ck_assert_ptr_null(err.text);
}
END_TEST

/*
 * conf_write
 */

/* assert_written - text parsed, then written, is want to the byte */
static void
assert_written(const char *text, const char *want)
{
	struct conf *c;
	char *got;
	int same;

	c = parse_ok(text);
	got = write_conf(c);
	conf_free(c);
	same = strcmp(got, want) == 0;
	ck_assert_msg(same, "got \"%s\", want \"%s\"", got, want);
	free(got);
}
START_TEST(test_write_defaults)
{
	struct conf *c;
	char *got;
	int same;

	c = parse_ok("");
	got = write_conf(c);
	conf_free(c);
	same = strcmp(got, "queue /var/qmail/bin/qmail-queue\n"
	    "timeout 300\n"
	    "spool /tmp\n"
	    "reply-channel 6 82\n") == 0;
	ck_assert_msg(same, "got \"%s\", want the defaults", got);
	free(got);
}
END_TEST

START_TEST(test_write_exact)
{
	static const char want[] =
	    "queue /var/qmail/bin/qmail-queue\n"
	    "timeout 300\n"
	    "spool /tmp\n"
	    "reply-channel none\n"
	    "\n"
	    "# stage 1 of 1, line 2\n"
	    "stage tag /usr/local/bin/tag -s 'x y'\n"
	    "    on 1,3-5,255 red 'no (#5.7.1)'\n"
	    "    on signal yellow\n"
	    "    on * discard\n"
	    "    # then: exit 0 green, any other exit or signal tempfail\n"
	    "    timeout 9\n"
	    "    skip-if-env A=1\n"
	    "    skip-if-env B\n";
	assert_written("reply-channel none\n"
	    "stage tag /usr/local/bin/tag -s \"x y\"\n"
	    "  on 1,3,4,5,255 red \"no (#5.7.1)\"\n"
	    "  on signal yellow\n"
	    "  on * discard\n"
	    "  skip-if-env A=1 B\n"
	    "  timeout 9\n", want);
}
END_TEST

START_TEST(test_write_check_zone)
{
	static const char want[] =
	    "queue /var/qmail/bin/qmail-queue\n"
	    "timeout 300\n"
	    "spool /tmp\n"
	    "reply-channel 6 82\n"
	    "\n"
	    "# stage 1 of 3, line 1\n"
	    "stage sa /usr/bin/spamc -x\n"
	    "    on 1 yellow\n"
	    "    # then: exit 0 green, any other exit or signal tempfail\n"
	    "    zone X-Spam-Status red 10 missing tempfail\n"
	    "    timeout 9\n"
	    "\n"
	    "# stage 2 of 3, line 5\n"
	    "check clam /usr/bin/clamdscan -\n"
	    "    on 1 red\n"
	    "    # then: exit 0 green, any other exit or signal tempfail\n"
	    "    skip-if-env RELAYCLIENT\n"
	    "\n"
	    "# stage 3 of 3, line 8\n"
	    "stage tag /bin/tag\n"
	    "    # then: exit 0 green, any other exit or signal tempfail\n"
	    "    zone 'X#Score' margin 2.5 missing green\n";
	assert_written("stage sa /usr/bin/spamc -x\n"
	    "  timeout 9\n"
	    "  zone X-Spam-Status red 10.0\n"
	    "  on 1 yellow\n"
	    "check clam /usr/bin/clamdscan -\n"
	    "  skip-if-env RELAYCLIENT\n"
	    "  on 1 red\n"
	    "stage tag /bin/tag\n"
	    "  zone X#Score margin 2.50 missing green\n", want);
}
END_TEST

START_TEST(test_write_milter)
{
	static const char want[] =
	    "queue /var/qmail/bin/qmail-queue\n"
	    "timeout 300\n"
	    "spool /tmp\n"
	    "reply-channel 6 82\n"
	    "\n"
	    "# stage 1 of 1, line 1\n"
	    "milter dkim inet:8891@127.0.0.1\n"
	    "    on reject tempfail 'not now'\n"
	    "    on failure green\n"
	    "    on header X-Spam yellow\n"
	    "    on header X-Virus red 'spam (#5.7.1)'\n"
	    "    # then: accept green, reject red, tempfail tempfail, "
	    "discard discard,\n"
	    "    # quarantine yellow, failure tempfail; a reply code 5xx red, "
	    "4xx tempfail\n"
	    "    timeout 300\n"
	    "    skip-if-env RELAYCLIENT\n"
	    "    macro '{daemon_name}' ORIGINATING\n"
	    "    macro j mx.example.org\n";
	assert_written("milter dkim inet:8891@127.0.0.1\n"
	    "  macro {daemon_name} ORIGINATING\n"
	    "  on reject tempfail 'not now'\n"
	    "  skip-if-env RELAYCLIENT\n"
	    "  macro j mx.example.org\n"
	    "  on failure green\n"
	    "  on header X-Spam yellow\n"
	    "  on header X-Virus red 'spam (#5.7.1)'\n", want);
}
END_TEST

/* Configurations that must survive conf_write() and a second parse. */
static const char *const round_trip_cases[] = {
	"",
	full_conf,
	"reply-channel none\ntimeout 7\n",
	"user nobody\nstage s /bin/cat\n",
	"user Debian-exim.1_x\n",
	"spool /var/spool/hi-q\n",
	"spool '/var/tmp/a dir'\nstage s /bin/cat\n",
	/* Words that need quoting. */
	"queue \"/opt/q q/qmail-queue\" \"it's\" 'say \"hi\"' a\\\\b\n"
	"stage s1 /bin/grep -E '^(a|b)$' 'x\\.y' c:\\\\dir\\\\ '#x' "
	    "'tab\there' caf\xc3\xa9 ''\"\"x\n"
	"  on 0-255 red \"50\\% it\\'s \\\"spam\\\" \\\\o/\"\n"
	"  skip-if-env 'A B=c d' 'Q=\\\\'\n"
	"stage s2 /bin/true\n"
	"  on signal tempfail '#4.3.0 \\\\'\n"
	"  on 0,2,4,6,8-10 yellow\n",
	/* Checks and zones. */
	zone_conf,
	"check only /bin/true\n",
	/* Stages that see the envelope. */
	"stage a /bin/cat\nqfilter q /bin/cat -x 'a b'\n  on 99 red 'no'\n"
	"  timeout 9\n  only-if-env RELAYCLIENT 'SMTPAUTHUSER=a b'\n"
	"  skip-if-env X\ncheck c /bin/true\n  envelope\n"
	"  only-if-env A=\n",
	"stage s /bin/cat\n  zone 'X#S' red -0.5 missing discard\n"
	"check c /bin/cat\n  on 1,2 red 'no (#5.7.1)'\n  timeout 3\n"
	"stage t /bin/cat\n  zone \"it's\" margin 0.25\n",
	"stage s /bin/cat\n  zone X margin 1000.5\n"
	"stage t /bin/cat\n  zone X red 99999.5\n",
	/* Numbers that %g would round, and one it would write with e+. */
	"stage s /bin/cat\n  zone X margin 0.123456789\n"
	"stage t /bin/cat\n  zone Y red 1234567.5\n"
	"stage u /bin/cat\n  zone Z red 100000000000000000000\n",
	"log syslog\n",
	"log syslog local3\nstage s /bin/cat\n",
	/* Milters. */
	"milter m unix:/run/m.sock\n",
	"milter r inet:11332@127.0.0.1\n  on header X-Spam yellow\n"
	"  on header X-Rspamd-Virus red \"virus (#5.7.1)\"\n"
	"  on header x-score discard\n",
	"stage a /bin/cat\nmilter dkim inet:8891@127.0.0.1\n"
	"  on reject tempfail \"it's 'busy'\"\n  on accept yellow\n"
	"  on quarantine red\n  on failure green\n  on tempfail red x\n"
	"  on discard discard\n  macro {daemon_name} ORIGINATING\n"
	"  macro j 'mx example'\n  macro {auth_authen} \"a\\\\b\"\n"
	"  timeout 7\n  skip-if-env X\nmilter m6 inet6:11332@[::1]\n"
	"check c /bin/true\n",
	/* Numbers "%.17f" would cut short. */
	"stage s /bin/cat\n  zone X red 0.0000000000000000001\n"
	"stage t /bin/cat\n  zone Y margin 0.000000000000000000000000000123\n"
	"stage u /bin/cat\n  zone Z red -123456789.00000001\n",
};

/* "log": the facility each spelling gives (numbers from <syslog.h>). */
static const struct {
	const char	*text;
	int		 facility;
} log_cases[] = {
	{ "", CONF_LOG_STDERR },
	{ "log stderr\n", CONF_LOG_STDERR },
	{ "log syslog\n", 2 << 3 },		/* LOG_MAIL */
	{ "log syslog mail\n", 2 << 3 },
	{ "log syslog daemon\n", 3 << 3 },
	{ "log syslog user\n", 1 << 3 },
	{ "log syslog local0\n", 16 << 3 },
	{ "log 'syslog' local7 # comment\n", 23 << 3 },
};

START_TEST(test_parse_log)
{
	struct conf *c;

	c = parse_ok(log_cases[_i].text);
	ck_assert_msg(c->log_facility == log_cases[_i].facility,
	    "case %d: got facility %d, want %d", _i, c->log_facility,
	    log_cases[_i].facility);
	conf_free(c);
}
END_TEST

START_TEST(test_write_round_trip)
{
	struct conf *c1, *c2;
	struct conf_error err;
	char *text;

	c1 = parse_ok(round_trip_cases[_i]);
	text = write_conf(c1);
	c2 = parse_text(text, &err);
	ck_assert_msg(c2 != NULL, "case %d: written text fails at line %u: "
	    "%s\n%s", _i, err.line, err.text, text);
	assert_conf_same(c1, c2);
	free(text);
	conf_free(c1);
	conf_free(c2);
}
END_TEST

Suite *
suite_conf(void)
{
	Suite *s;
	TCase *tc;

	s = suite_create("conf");

	tc = tcase_create("split");
	tcase_add_loop_test(tc, test_split_table, 0,
	    (int)(sizeof(split_cases) / sizeof(split_cases[0])));
	suite_add_tcase(s, tc);

	tc = tcase_create("parse");
	tcase_add_test(tc, test_defaults_empty);
	tcase_add_test(tc, test_defaults_comments);
	tcase_add_test(tc, test_parse_full);
	tcase_add_test(tc, test_parse_reply_none);
	tcase_add_test(tc, test_parse_reply_fd);
	tcase_add_test(tc, test_parse_limits);
	tcase_add_test(tc, test_parse_skips);
	tcase_add_test(tc, test_parse_line_ends);
	tcase_add_test(tc, test_parse_check_zone);
	tcase_add_test(tc, test_parse_timeouts_per_stage);
	tcase_add_test(tc, test_parse_milter);
	tcase_add_loop_test(tc, test_parse_log, 0,
	    (int)(sizeof(log_cases) / sizeof(log_cases[0])));
	suite_add_tcase(s, tc);

	tc = tcase_create("errors");
	tcase_add_loop_test(tc, test_error_table, 0,
	    (int)(sizeof(err_cases) / sizeof(err_cases[0])));
	tcase_add_test(tc, test_error_nul);
	tcase_add_loop_test(tc, test_limits, 0,
	    (int)(sizeof(limit_cases) / sizeof(limit_cases[0])));
	tcase_add_loop_test(tc, test_refused_early, 0,
	    (int)(sizeof(early_cases) / sizeof(early_cases[0])));
	tcase_add_test(tc, test_read_error);
	suite_add_tcase(s, tc);

	tc = tcase_create("file");
	tcase_add_test(tc, test_file_ok);
	tcase_add_test(tc, test_file_missing);
	tcase_add_loop_test(tc, test_file_nodes, 0,
	    (int)(sizeof(node_cases) / sizeof(node_cases[0])));
	tcase_add_loop_test(tc, test_file_modes, 0,
	    (int)(sizeof(file_cases) / sizeof(file_cases[0])));
	tcase_add_test(tc, test_free_null);
	suite_add_tcase(s, tc);

	tc = tcase_create("write");
	tcase_add_test(tc, test_write_defaults);
	tcase_add_test(tc, test_write_exact);
	tcase_add_test(tc, test_write_milter);
	tcase_add_test(tc, test_write_check_zone);
	tcase_add_loop_test(tc, test_write_round_trip, 0,
	    (int)(sizeof(round_trip_cases) / sizeof(round_trip_cases[0])));
	suite_add_tcase(s, tc);

	return s;
}
