/*
 * conf.c - filters.conf to struct conf
 *
 * DESCRIPTION
 *	The grammar is in docs/filters.conf.5.  In short: one directive per
 *	line; "#" at the start of a word, outside quotes, starts a comment;
 *	words are split as a shell splits them (quotes and backslashes) by
 *	popt's poptParseArgvString(), and nothing is expanded.  Lines that
 *	start with white space belong to the stage opened last; the others
 *	are top-level directives.
 *
 *	The file is read with lines.c, in one buffer of CONF_LINE_MAX plus one
 *	read, not with getline(3): getline grows its buffer to fit any line,
 *	and when that fails (ENOMEM under "softlimit -m") it returns -1 as at
 *	the end of the file, without setting the stream's error flag, so the
 *	stages after a long line would silently vanish.
 *
 * ERRORS
 *	See conf.h.  Out of memory: die(QQ_OOM).
 */
#include <sys/stat.h>
#include <sys/types.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include <popt.h>

#include "conf.h"
#include "io.h"
#include "lines.h"
#include "msg.h"
#include "number.h"
#include "paths.h"
#include "spool.h"
#include "xalloc.h"


struct parser {
	struct conf		*conf;
	struct conf_error	*err;
	unsigned		 line;
	unsigned long long	 bytes;		/* read, up to this line */
	int			 have_queue;
	int			 have_timeout;
	int			 have_reply;
	int			 have_log;
	int			 have_user;
	int			 have_spool;
};

/* The syslog facilities "log syslog FACILITY" takes. */
static const struct {
	const char	*name;
	int		 value;
} facilities[] = {
	{ "mail", LOG_MAIL }, { "daemon", LOG_DAEMON }, { "user", LOG_USER },
	{ "local0", LOG_LOCAL0 }, { "local1", LOG_LOCAL1 },
	{ "local2", LOG_LOCAL2 }, { "local3", LOG_LOCAL3 },
	{ "local4", LOG_LOCAL4 }, { "local5", LOG_LOCAL5 },
	{ "local6", LOG_LOCAL6 }, { "local7", LOG_LOCAL7 }
};
#define NFACILITIES	(sizeof(facilities) / sizeof(facilities[0]))

static int	 fail(struct parser *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));
static int	 parse_uint(const char *, unsigned, unsigned, unsigned *);
static char	**dup_argv(int, const char **);
static int	 check_program(struct parser *, const char *, const char *);
static int	 do_top(struct parser *, int, const char **);
static int	 do_stage(struct parser *, int, const char **);
static int	 do_on(struct parser *, struct stage_conf *, int,
		    const char **);
static int	 parse_codes(struct parser *, const char *, struct rule *);
static int	 check_text(struct parser *, const char *);
static int	 do_zone(struct parser *, struct stage_conf *, int,
		    const char **);
static int	 do_log(struct parser *, int, const char **);
static int	 valid_user(const char *);
static int	 do_line(struct parser *, char *, size_t, int);
static const char *file_kind(mode_t);
static char	*unsafe_file(int);

/*
 * fail - the error at the current line; the text is made visible
 * (msg_visible()), as it may quote any byte of the file
 */
static int
fail(struct parser *p, const char *fmt, ...)
{
	va_list ap;
	char *raw;

	va_start(ap, fmt);
	raw = xvasprintf(fmt, ap);
	va_end(ap);
	p->err->text = msg_visible(raw);
	free(raw);
	p->err->line = p->line;
	return -1;
}

/* parse_uint - an integer of number.h in [min, max] */
static int
parse_uint(const char *s, unsigned min, unsigned max, unsigned *out)
{
	unsigned long long v;

	if (number_uint(s, strlen(s), max, &v) == -1 || v < min)
		return -1;
	*out = (unsigned)v;
	return 0;
}

static char **
dup_argv(int argc, const char **argv)
{
	char **v;
	int i;

	v = xcalloc((size_t)argc + 1, sizeof(*v));
	for (i = 0; i < argc; i++)
		v[i] = xstrdup(argv[i]);
	return v;
}

/*
 * conf_split_line - split one line into words
 *
 *	Strips a comment, checks the quotes (popt accepts an unterminated
 *	quote silently, we do not) and lets poptParseArgvString() split the
 *	rest.  *argc is 0 for a blank or comment-only line.  The caller frees
 *	*argv with one free().  On error returns -1 and points *why at a
 *	static description.
 */
int
conf_split_line(const char *line, int *argc, const char ***argv,
    const char **why)
{
	const char *s;
	char *copy, quote = '\0';
	int at_word = 1, rc;

	*argc = 0;
	*argv = NULL;
	copy = xstrdup(line);
	for (s = line; *s != '\0'; s++) {
		if (quote != '\0') {
			if (*s == quote)
				quote = '\0';
			else if (*s == '\\' && s[1] != '\0')
				s++;
			continue;
		}
		if (isspace((unsigned char)*s)) {
			at_word = 1;
			continue;
		}
		if (*s == '#' && at_word) {
			copy[s - line] = '\0';
			break;
		}
		at_word = 0;
		if (*s == '"' || *s == '\'')
			quote = *s;
		else if (*s == '\\') {
			if (s[1] == '\0') {
				free(copy);
				*why = "backslash at the end of the line";
				return -1;
			}
			s++;
		}
	}
	if (quote != '\0') {
		free(copy);
		*why = "unterminated quote";
		return -1;
	}
	for (s = copy; isspace((unsigned char)*s); s++)
		continue;
	if (*s == '\0') {
		free(copy);
		return 0;
	}
	rc = poptParseArgvString(s, argc, argv);
	free(copy);
	if (rc == POPT_ERROR_MALLOC)
		die_oom();
	if (rc != 0) {
		*why = poptStrerror(rc);
		return -1;
	}
	return 0;
}

static int
check_program(struct parser *p, const char *what, const char *path)
{
	if (path[0] != '/')
		return fail(p, "%s program \"%s\" is not an absolute path",
		    what, path);
	return 0;
}

static int
check_text(struct parser *p, const char *text)
{
	const unsigned char *s;

	if (strlen(text) > CONF_TEXT_MAX)
		return fail(p, "reply text longer than %d bytes",
		    CONF_TEXT_MAX);
	for (s = (const unsigned char *)text; *s != '\0'; s++)
		if (*s < 0x20 || *s >= 0x7f)
			return fail(p, "reply text must be printable ASCII");
	return 0;
}

/* parse_codes - "0", "1,2", "64-78", "1,3-5", "*" or "signal" */
static int
parse_codes(struct parser *p, const char *spec, struct rule *r)
{
	char *copy, *item, *save = NULL, *dash;
	unsigned lo, hi, c;
	int rc = 0;

	if (strcmp(spec, "*") == 0) {
		r->kind = RULE_ANY;
		return 0;
	}
	if (strcmp(spec, "signal") == 0) {
		r->kind = RULE_SIGNAL;
		return 0;
	}
	r->kind = RULE_EXIT;
	copy = xstrdup(spec);
	for (item = strtok_r(copy, ",", &save); item != NULL;
	    item = strtok_r(NULL, ",", &save)) {
		if ((dash = strchr(item, '-')) != NULL)
			*dash++ = '\0';
		if (parse_uint(item, 0, 255, &lo) == -1 ||
		    (dash != NULL && parse_uint(dash, 0, 255, &hi) == -1)) {
			rc = fail(p, "bad exit code list \"%s\" "
			    "(want codes 0-255, ranges a-b, \"*\" or "
			    "\"signal\")", spec);
			break;
		}
		if (dash == NULL)
			hi = lo;
		if (hi < lo) {
			rc = fail(p, "empty exit code range \"%s\"", spec);
			break;
		}
		for (c = lo; c <= hi; c++)
			rule_add_code(r, c);
	}
	if (rc == 0 && (spec[0] == ',' || spec[strlen(spec) - 1] == ',' ||
	    strstr(spec, ",,") != NULL))
		rc = fail(p, "bad exit code list \"%s\"", spec);
	free(copy);
	return rc;
}

static int
do_on(struct parser *p, struct stage_conf *st, int argc, const char **argv)
{
	struct rule r;

	if (argc < 3 || argc > 4)
		return fail(p, "usage: on CODES OUTCOME [\"SMTP text\"]");
	memset(&r, 0, sizeof(r));
	r.line = p->line;
	if (parse_codes(p, argv[1], &r) == -1)
		return -1;
	if (outcome_parse(argv[2], &r.outcome) == -1)
		return fail(p, "unknown outcome \"%s\" (want green, yellow, "
		    "red, tempfail or discard)", argv[2]);
	if (argc == 4) {
		if (r.outcome != OUTCOME_RED && r.outcome != OUTCOME_TEMPFAIL)
			return fail(p, "reply text is only for red and "
			    "tempfail");
		if (check_text(p, argv[3]) == -1)
			return -1;
		r.text = xstrdup(argv[3]);
	}
	st->rules = xreallocarray(st->rules, st->nrules + 1,
	    sizeof(*st->rules));
	st->rules[st->nrules++] = r;
	return 0;
}

/*
 * do_zone - "zone HEADER margin Y [missing OUTCOME]" or
 * "zone HEADER red SCORE [missing OUTCOME]"
 */
static int
do_zone(struct parser *p, struct stage_conf *st, int argc, const char **argv)
{
	struct zone_conf *z = &st->zone;
	const char *s;
	double v;

	if (st->kind == STAGE_CHECK)
		return fail(p, "a check's output is thrown away; \"zone\" "
		    "needs a stage");
	if (z->header != NULL)
		return fail(p, "duplicate \"zone\" for stage %s", st->name);
	if ((argc != 4 && argc != 6) ||
	    (strcmp(argv[2], "margin") != 0 && strcmp(argv[2], "red") != 0) ||
	    (argc == 6 && strcmp(argv[4], "missing") != 0))
		return fail(p, "usage: zone HEADER margin Y | zone HEADER "
		    "red SCORE, then optionally: missing OUTCOME");
	for (s = argv[1]; *s != '\0'; s++)
		if (*s <= ' ' || *s >= 0x7f || *s == ':')
			break;
	if (*s != '\0' || s == argv[1])
		return fail(p, "bad header name \"%s\"", argv[1]);
	if (number_parse(argv[3], strlen(argv[3]), &v) == -1)
		return fail(p, "bad number \"%s\"", argv[3]);
	if (strcmp(argv[2], "margin") == 0) {
		if (v < 0)
			return fail(p, "a zone margin cannot be negative");
		z->margin = v;
	} else {
		z->absolute = 1;
		z->red_at = v;
	}
	z->missing = OUTCOME_TEMPFAIL;
	if (argc == 6 && outcome_parse(argv[5], &z->missing) == -1)
		return fail(p, "unknown outcome \"%s\" (want green, yellow, "
		    "red, tempfail or discard)", argv[5]);
	z->header = xstrdup(argv[1]);
	return 0;
}

static int
do_stage(struct parser *p, int argc, const char **argv)
{
	struct stage_conf *st;
	struct skip_env *sk;
	const char *eq;
	int i;

	if (p->conf->nstages == 0)
		return fail(p, "\"%s\" is indented but no stage is open",
		    argv[0]);
	st = &p->conf->stages[p->conf->nstages - 1];
	if (strcmp(argv[0], "on") == 0)
		return do_on(p, st, argc, argv);
	if (strcmp(argv[0], "timeout") == 0) {
		if (st->timeout != 0)
			return fail(p, "duplicate \"timeout\" for stage %s",
			    st->name);
		if (argc != 2 || parse_uint(argv[1], 1, CONF_TIMEOUT_MAX,
		    &st->timeout) == -1)
			return fail(p, "usage: timeout SECONDS (1 to %d)",
			    CONF_TIMEOUT_MAX);
		return 0;
	}
	if (strcmp(argv[0], "zone") == 0)
		return do_zone(p, st, argc, argv);
	if (strcmp(argv[0], "skip-if-env") == 0) {
		if (argc < 2)
			return fail(p, "usage: skip-if-env NAME[=VALUE] ...");
		for (i = 1; i < argc; i++) {
			eq = strchr(argv[i], '=');
			if (eq == argv[i])
				return fail(p, "skip-if-env: empty variable "
				    "name in \"%s\"", argv[i]);
			st->skips = xreallocarray(st->skips, st->nskips + 1,
			    sizeof(*st->skips));
			sk = &st->skips[st->nskips++];
			if (eq == NULL) {
				sk->name = xstrdup(argv[i]);
				sk->value = NULL;
			} else {
				sk->name = xstrdup(argv[i]);
				sk->name[eq - argv[i]] = '\0';
				sk->value = xstrdup(eq + 1);
			}
		}
		return 0;
	}
	if (strcmp(argv[0], "stage") == 0 || strcmp(argv[0], "check") == 0 ||
	    strcmp(argv[0], "queue") == 0)
		return fail(p, "\"%s\" must not be indented", argv[0]);
	return fail(p, "unknown stage directive \"%s\"", argv[0]);
}

static int
valid_name(const char *s)
{
	size_t n = 0;

	for (; *s != '\0'; s++, n++)
		if (!isalnum((unsigned char)*s) && *s != '-' && *s != '_' &&
		    *s != '.')
			return 0;
	return n > 0 && n <= CONF_NAME_MAX;
}

/* do_log - "log stderr" or "log syslog [FACILITY]" */
static int
do_log(struct parser *p, int argc, const char **argv)
{
	size_t i;

	if (p->have_log)
		return fail(p, "duplicate \"log\"");
	p->have_log = 1;
	if (argc == 2 && strcmp(argv[1], "stderr") == 0)
		return 0;
	if (argc < 2 || argc > 3 || strcmp(argv[1], "syslog") != 0)
		return fail(p, "usage: log stderr | log syslog [FACILITY]");
	if (argc == 2) {
		p->conf->log_facility = LOG_MAIL;
		return 0;
	}
	for (i = 0; i < NFACILITIES; i++)
		if (strcmp(argv[2], facilities[i].name) == 0) {
			p->conf->log_facility = facilities[i].value;
			return 0;
		}
	return fail(p, "unknown syslog facility \"%s\" (want mail, daemon, "
	    "user or local0 to local7)", argv[2]);
}

/* valid_user - a login name; it cannot start with "-" */
static int
valid_user(const char *s)
{
	size_t n = 0;

	if (*s == '-')
		return 0;
	for (; *s != '\0'; s++, n++)
		if (!isalnum((unsigned char)*s) && *s != '-' && *s != '_' &&
		    *s != '.')
			return 0;
	return n > 0 && n <= CONF_USER_MAX;
}

static int
do_top(struct parser *p, int argc, const char **argv)
{
	struct conf *c = p->conf;
	struct stage_conf *st;
	unsigned fd, code;
	size_t i, n;

	if (strcmp(argv[0], "stage") == 0 || strcmp(argv[0], "check") == 0) {
		if (argc < 3)
			return fail(p, "usage: %s NAME PROGRAM [ARGS...]",
			    argv[0]);
		if (!valid_name(argv[1]))
			return fail(p, "bad stage name \"%s\" (letters, "
			    "digits, \"-\", \"_\" and \".\", at most %d)",
			    argv[1], CONF_NAME_MAX);
		for (i = 0; i < c->nstages; i++)
			if (strcmp(c->stages[i].name, argv[1]) == 0)
				return fail(p, "stage \"%s\" already defined "
				    "at line %u", argv[1], c->stages[i].line);
		if (check_program(p, argv[0], argv[2]) == -1)
			return -1;
		if (argv[0][0] == 'c') {
			/*
			 * One pump feeds a run of checks (pump.h,
			 * PUMP_MAXDST).  A stage that skip-if-env may skip
			 * does not end the run.
			 */
			n = 1;
			for (i = c->nstages; i > 0; i--)
				if (c->stages[i - 1].kind == STAGE_CHECK)
					n++;
				else if (c->stages[i - 1].nskips == 0)
					break;
			if (n > CONF_CHECKS_MAX)
				return fail(p, "more than %d checks in a row",
				    CONF_CHECKS_MAX);
		}
		c->stages = xreallocarray(c->stages, c->nstages + 1,
		    sizeof(*c->stages));
		st = &c->stages[c->nstages++];
		memset(st, 0, sizeof(*st));
		st->kind = argv[0][0] == 'c' ? STAGE_CHECK : STAGE_FILTER;
		st->name = xstrdup(argv[1]);
		st->argv = dup_argv(argc - 2, argv + 2);
		st->line = p->line;
		return 0;
	}
	if (strcmp(argv[0], "queue") == 0) {
		if (p->have_queue)
			return fail(p, "duplicate \"queue\"");
		if (argc < 2)
			return fail(p, "usage: queue PROGRAM [ARGS...]");
		if (check_program(p, "queue", argv[1]) == -1)
			return -1;
		p->have_queue = 1;
		free(c->queue_argv[0]);
		free(c->queue_argv);
		c->queue_argv = dup_argv(argc - 1, argv + 1);
		return 0;
	}
	if (strcmp(argv[0], "spool") == 0) {
		if (p->have_spool)
			return fail(p, "duplicate \"spool\"");
		if (argc != 2 || argv[1][0] != '/')
			return fail(p, "usage: spool DIRECTORY (an absolute "
			    "path)");
		p->have_spool = 1;
		free(c->spool);
		c->spool = xstrdup(argv[1]);
		return 0;
	}
	if (strcmp(argv[0], "timeout") == 0) {
		if (p->have_timeout)
			return fail(p, "duplicate \"timeout\"");
		if (argc != 2 || parse_uint(argv[1], 1, CONF_TIMEOUT_MAX,
		    &c->timeout) == -1)
			return fail(p, "usage: timeout SECONDS (1 to %d)",
			    CONF_TIMEOUT_MAX);
		p->have_timeout = 1;
		return 0;
	}
	if (strcmp(argv[0], "reply-channel") == 0) {
		if (p->have_reply)
			return fail(p, "duplicate \"reply-channel\"");
		p->have_reply = 1;
		if (argc == 2 && strcmp(argv[1], "none") == 0) {
			c->reply_fd = -1;
			return 0;
		}
		if (argc != 3 || parse_uint(argv[1], 2, 1023, &fd) == -1 ||
		    parse_uint(argv[2], 1, 255, &code) == -1)
			return fail(p, "usage: reply-channel FD EXITCODE | "
			    "reply-channel none");
		c->reply_fd = (int)fd;
		c->reply_code = (int)code;
		return 0;
	}
	if (strcmp(argv[0], "log") == 0)
		return do_log(p, argc, argv);
	if (strcmp(argv[0], "user") == 0) {
		if (p->have_user)
			return fail(p, "duplicate \"user\"");
		if (argc != 2 || !valid_user(argv[1]))
			return fail(p, "usage: user NAME (a login name: "
			    "letters, digits, \".\", \"_\" and \"-\", "
			    "at most %d)", CONF_USER_MAX);
		p->have_user = 1;
		c->user = xstrdup(argv[1]);
		return 0;
	}
	if (strcmp(argv[0], "on") == 0 || strcmp(argv[0], "skip-if-env") == 0 ||
	    strcmp(argv[0], "zone") == 0)
		return fail(p, "\"%s\" must be indented under a stage",
		    argv[0]);
	return fail(p, "unknown directive \"%s\"", argv[0]);
}

/*
 * do_line - one line as lines_next() gave it: len bytes, NUL-terminated,
 * with the reader's flags
 *
 *	The checks on the bytes come first, in the order that names the
 *	cause best: a NUL (a binary file, whose line is often too long too),
 *	the line's length, the file's, then a byte order mark (an editor's,
 *	on line 1 only).
 */
static int
do_line(struct parser *p, char *line, size_t len, int flags)
{
	const char **argv;
	const char *why;
	int argc, rc;

	p->bytes += len + ((flags & LINES_NO_NEWLINE) ? 0 : 1);
	if (memchr(line, '\0', len) != NULL)
		return fail(p, "NUL byte in line");
	if (flags & LINES_TOO_LONG)
		return fail(p, "line longer than %u bytes", CONF_LINE_MAX);
	if (p->bytes > CONF_FILE_MAX)
		return fail(p, "the file is longer than %u bytes",
		    CONF_FILE_MAX);
	if (p->line == 1 && len >= 3 && memcmp(line, "\xef\xbb\xbf", 3) == 0)
		return fail(p, "the file begins with a UTF-8 byte order mark; "
		    "save it without one");
	if (conf_split_line(line, &argc, &argv, &why) == -1)
		return fail(p, "%s", why);
	if (argc == 0)
		return 0;
	if (isspace((unsigned char)line[0]))
		rc = do_stage(p, argc, argv);
	else
		rc = do_top(p, argc, argv);
	free((void *)argv);
	return rc;
}

/*
 * conf_parse_fd - the configuration on fd, read from its offset to its end
 *
 *	Only the end of the file ends it: a failed read is an error, never a
 *	shorter file.  Memory is bounded by the limits, whatever the file.
 */
struct conf *
conf_parse_fd(int fd, const char *name, struct conf_error *err)
{
	struct parser p;
	struct conf *c;
	struct lines l;
	char *line;
	size_t len;
	int flags, n, rc = 0;

	memset(err, 0, sizeof(*err));
	err->file = xstrdup(name);
	c = xcalloc(1, sizeof(*c));
	c->file = xstrdup(name);
	c->queue_argv = xcalloc(2, sizeof(char *));
	c->queue_argv[0] = xstrdup(HIQ_QMAILHOME "/bin/qmail-queue");
	c->timeout = CONF_TIMEOUT_DEFAULT;
	c->spool = xstrdup(SPOOL_DIR);
	c->reply_fd = CONF_REPLY_FD_DEFAULT;
	c->reply_code = CONF_REPLY_CODE_DEFAULT;
	c->log_facility = CONF_LOG_STDERR;
	memset(&p, 0, sizeof(p));
	p.conf = c;
	p.err = err;

	lines_init(&l, fd, CONF_LINE_MAX);
	while (rc == 0 && (n = lines_next(&l, &line, &len, &flags)) == 1) {
		p.line = (unsigned)lines_number(&l);
		rc = do_line(&p, line, len, flags);
	}
	if (rc == 0 && n == -1) {
		p.line = 0;
		rc = fail(&p, "read error: %s", strerror(errno));
	}
	lines_free(&l);
	if (rc == -1) {
		conf_free(c);
		return NULL;
	}
	free(err->file);
	err->file = NULL;
	return c;
}

/* file_kind - what a file that is not regular is, for the error */
static const char *
file_kind(mode_t mode)
{
	if (S_ISDIR(mode))
		return "a directory";
	if (S_ISFIFO(mode))
		return "a FIFO";
	if (S_ISCHR(mode))
		return "a character device";
	if (S_ISBLK(mode))
		return "a block device";
	if (S_ISSOCK(mode))
		return "a socket";
	return "of an unknown type";
}

/*
 * unsafe_file - why the open file fd must not be trusted, or NULL
 *
 *	Checked on the descriptor read, so the answer is about that file.
 *	Only a regular file has an end that nobody else decides: a FIFO
 *	waits for a writer, a device such as /dev/zero never ends.
 */
static char *
unsafe_file(int fd)
{
	struct stat sb;

	if (fstat(fd, &sb) == -1)
		return xasprintf("unable to stat: %s", strerror(errno));
	if (!S_ISREG(sb.st_mode))
		return xasprintf("refused: %s, not a regular file",
		    file_kind(sb.st_mode));
	if (sb.st_uid != 0 && sb.st_uid != geteuid())
		return xasprintf("refused: owned by uid %lu, neither root nor "
		    "the user running hi-q (uid %lu)",
		    (unsigned long)sb.st_uid, (unsigned long)geteuid());
	if ((sb.st_mode & (S_IWGRP | S_IWOTH)) != 0)
		return xasprintf("refused: writable by %s (mode %04o); "
		    "chmod go-w it", (sb.st_mode & S_IWOTH) != 0 ?
		    "everyone" : "its group", (unsigned)(sb.st_mode & 07777));
	return NULL;
}

/*
 * conf_parse_file - open path safely, check it, parse it
 *
 *	O_NONBLOCK, so that opening a FIFO returns at once instead of waiting
 *	for a writer (and a device opens without waiting for a carrier); it is
 *	cleared once fstat(2) has shown a regular file, for which it means
 *	nothing anyway.  O_NOCTTY, so that a terminal never becomes hi-q's.
 */
struct conf *
conf_parse_file(const char *path, struct conf_error *err)
{
	struct conf *c;
	char *why = NULL;
	int fd;

	memset(err, 0, sizeof(err[0]));
	if ((fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY |
	    O_CLOEXEC)) == -1)
		why = xasprintf("unable to open: %s", strerror(errno));
	else if ((why = unsafe_file(fd)) == NULL &&
	    io_clear_nonblock(fd) == -1)
		why = xasprintf("unable to clear O_NONBLOCK: %s",
		    strerror(errno));
	if (why != NULL) {
		if (fd != -1)
			(void)close(fd);
		err->file = xstrdup(path);
		err->text = why;
		return NULL;
	}
	c = conf_parse_fd(fd, path, err);
	if (close(fd) == -1 && c != NULL) {
		conf_free(c);
		err->file = xstrdup(path);
		err->line = 0;
		err->text = xasprintf("read error: %s", strerror(errno));
		return NULL;
	}
	return c;
}

static void
free_argv(char **v)
{
	size_t i;

	if (v == NULL)
		return;
	for (i = 0; v[i] != NULL; i++)
		free(v[i]);
	free(v);
}

void
conf_free(struct conf *c)
{
	struct stage_conf *st;
	size_t i, j;

	if (c == NULL)
		return;
	for (i = 0; i < c->nstages; i++) {
		st = &c->stages[i];
		free(st->name);
		free_argv(st->argv);
		for (j = 0; j < st->nrules; j++)
			free(st->rules[j].text);
		free(st->rules);
		for (j = 0; j < st->nskips; j++) {
			free(st->skips[j].name);
			free(st->skips[j].value);
		}
		free(st->skips);
		free(st->zone.header);
	}
	free(c->stages);
	free(c->user);
	free(c->spool);
	free_argv(c->queue_argv);
	free(c->file);
	free(c);
}

void
conf_error_free(struct conf_error *err)
{
	free(err->file);
	free(err->text);
	memset(err, 0, sizeof(*err));
}

static void
write_word(FILE *fp, const char *w)
{
	const char *s;

	for (s = w; *s != '\0'; s++)
		if (!isalnum((unsigned char)*s) &&
		    strchr("/._-=,:+@%", *s) == NULL)
			break;
	if (*s == '\0' && *w != '\0') {
		fputs(w, fp);
		return;
	}
	/*
	 * Inside quotes popt keeps a backslash (it drops one only before the
	 * quote), so a backslash is written outside them, escaped.
	 */
	fputc('\'', fp);
	for (s = w; *s != '\0'; s++) {
		if (*s == '\\') {
			fputs("'\\\\'", fp);
			continue;
		}
		if (*s == '\'')
			fputc('\\', fp);
		fputc(*s, fp);
	}
	fputc('\'', fp);
}

static void
write_argv(FILE *fp, char *const *v)
{
	size_t i;

	for (i = 0; v[i] != NULL; i++) {
		if (i > 0)
			fputc(' ', fp);
		write_word(fp, v[i]);
	}
}

static void
write_codes(FILE *fp, const struct rule *r)
{
	unsigned c, end;
	int first = 1;

	if (r->kind == RULE_ANY) {
		fputs("*", fp);
		return;
	}
	if (r->kind == RULE_SIGNAL) {
		fputs("signal", fp);
		return;
	}
	for (c = 0; c < 256; c++) {
		if (!((r->codes[c / 8] >> (c % 8)) & 1))
			continue;
		for (end = c; end + 1 < 256 &&
		    ((r->codes[(end + 1) / 8] >> ((end + 1) % 8)) & 1); end++)
			continue;
		fprintf(fp, first ? "%u" : ",%u", c);
		if (end > c)
			fprintf(fp, "-%u", end);
		first = 0;
		c = end;
	}
}

/*
 * conf_write - the pipeline as filters.conf text, defaults spelled out
 *
 *	What "hi-q --check" prints.  The output parses back to the same conf.
 */
void
conf_write(FILE *fp, const struct conf *c)
{
	const struct stage_conf *st;
	const struct rule *r;
	size_t i, j;
	char *kv, *num;

	fputs("queue ", fp);
	write_argv(fp, c->queue_argv);
	fprintf(fp, "\ntimeout %u\nspool ", c->timeout);
	write_word(fp, c->spool);
	fputc('\n', fp);
	if (c->reply_fd < 0)
		fputs("reply-channel none\n", fp);
	else
		fprintf(fp, "reply-channel %d %d\n", c->reply_fd,
		    c->reply_code);
	for (i = 0; i < NFACILITIES; i++)
		if (facilities[i].value == c->log_facility)
			fprintf(fp, "log syslog %s\n", facilities[i].name);
	if (c->user != NULL)
		fprintf(fp, "user %s\n", c->user);
	for (i = 0; i < c->nstages; i++) {
		st = &c->stages[i];
		fprintf(fp, "\n# stage %zu of %zu, line %u\n%s %s ", i + 1,
		    c->nstages, st->line,
		    st->kind == STAGE_CHECK ? "check" : "stage", st->name);
		write_argv(fp, st->argv);
		fputc('\n', fp);
		for (j = 0; j < st->nrules; j++) {
			r = &st->rules[j];
			fputs("    on ", fp);
			write_codes(fp, r);
			fprintf(fp, " %s", outcome_name(r->outcome));
			if (r->text != NULL) {
				fputc(' ', fp);
				write_word(fp, r->text);
			}
			fputc('\n', fp);
		}
		fputs("    # then: exit 0 green, any other exit or signal "
		    "tempfail\n", fp);
		if (st->zone.header != NULL) {
			fputs("    zone ", fp);
			write_word(fp, st->zone.header);
			fputs(st->zone.absolute ? " red " : " margin ", fp);
			num = number_format(st->zone.absolute ?
			    st->zone.red_at : st->zone.margin);
			fprintf(fp, "%s missing %s\n", num,
			    outcome_name(st->zone.missing));
			free(num);
		}
		if (st->timeout > 0)
			fprintf(fp, "    timeout %u\n", st->timeout);
		for (j = 0; j < st->nskips; j++) {
			fputs("    skip-if-env ", fp);
			if (st->skips[j].value == NULL)
				write_word(fp, st->skips[j].name);
			else {
				kv = xasprintf("%s=%s",
				    st->skips[j].name, st->skips[j].value);
				write_word(fp, kv);
				free(kv);
			}
			fputc('\n', fp);
		}
	}
}
