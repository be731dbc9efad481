/*
 * conf.c - filters.conf to struct conf
 *
 * DESCRIPTION
 *	The grammar is in docs/filters.conf.5.  In short: one directive per
 *	line; "#" at the start of a word, outside quotes, starts a comment;
 *	words are split as a shell splits them (quotes and backslashes) by
 *	popt's poptParseArgvString(), and nothing is expanded.  Lines that
 *	start with white space belong to the stage opened last (their
 *	handlers are in conf_stage.c); the others are top-level directives
 *	(conf_top.c).  This file reads the file and splits its lines, finds
 *	each line's directive in one table, past the one duplicate guard,
 *	holds what the parts share (conf_int.h), and frees a conf;
 *	conf_write.c prints one.
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
#include <unistd.h>

#include <popt.h>

#include "conf.h"
#include "conf_int.h"
#include "io.h"
#include "lines.h"
#include "msg.h"
#include "number.h"
#include "paths.h"
#include "spool.h"
#include "xalloc.h"

static int	 must_indent(struct parser *, int, const char **);
static int	 must_not_indent(struct parser *, int, const char **);
static int	 dispatch(struct parser *, int, int, const char **);
static int	 do_line(struct parser *, char *, size_t, int);

/*
 * Every directive, at the left margin and indented: its word, whether it
 * may come only once (in the file, or in a stage), and its handler.
 */
static const struct {
	const char	*word;
	int		 indented;
	int		 once;
	int		(*fn)(struct parser *, int, const char **);
} directives[] = {
	{ "stage", 0, 0, conf_top_stage },
	{ "check", 0, 0, conf_top_stage },
	{ "qfilter", 0, 0, conf_top_stage },
	{ "milter", 0, 0, conf_top_stage },
	{ "queue", 0, 1, conf_top_queue },
	{ "spool", 0, 1, conf_top_spool },
	{ "timeout", 0, 1, conf_top_timeout },
	{ "reply-channel", 0, 1, conf_top_reply },
	{ "log", 0, 1, conf_top_log },
	{ "user", 0, 1, conf_top_user },
	{ "on", 0, 0, must_indent },
	{ "skip-if-env", 0, 0, must_indent },
	{ "zone", 0, 0, must_indent },
	{ "only-if-env", 0, 0, must_indent },
	{ "envelope", 0, 0, must_indent },
	{ "macro", 0, 0, must_indent },
	{ "on", 1, 0, conf_stage_on },
	{ "timeout", 1, 1, conf_stage_timeout },
	{ "zone", 1, 1, conf_stage_zone },
	{ "skip-if-env", 1, 0, conf_stage_skip },
	{ "only-if-env", 1, 0, conf_stage_skip },
	{ "envelope", 1, 1, conf_stage_envelope },
	{ "macro", 1, 0, conf_stage_macro },
	{ "stage", 1, 0, must_not_indent },
	{ "check", 1, 0, must_not_indent },
	{ "qfilter", 1, 0, must_not_indent },
	{ "milter", 1, 0, must_not_indent },
	{ "queue", 1, 0, must_not_indent },
};
#define NDIRECTIVES	(sizeof(directives) / sizeof(directives[0]))
_Static_assert(NDIRECTIVES <= 32, "a bit of seen_top for each");
static const char *file_kind(mode_t);
static char	*unsafe_file(int);
static void	 free_argv(char **);
static void	 free_env_matches(struct skip_env *, size_t);

/*
 * conf_fail - the error at the current line; the text is made visible
 * (msg_visible()), as it may quote any byte of the file
 */
int
conf_fail(struct parser *p, const char *fmt, ...)
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

/* conf_uint - an integer of number.h in [min, max] */
int
conf_uint(const char *s, unsigned min, unsigned max, unsigned *out)
{
	unsigned long long v;

	if (number_uint(s, strlen(s), max, &v) == -1 || v < min)
		return -1;
	*out = (unsigned)v;
	return 0;
}

/* conf_argv - a NULL-terminated copy of argv[0..argc) */
char **
conf_argv(int argc, const char **argv)
{
	char **v;
	int i;

	v = xcalloc((size_t)argc + 1, sizeof(*v));
	for (i = 0; i < argc; i++)
		v[i] = xstrdup(argv[i]);
	return v;
}

/* must_indent - a stage's directive at the left margin */
static int
must_indent(struct parser *p, int argc, const char **argv)
{
	(void)argc;
	return conf_fail(p, "\"%s\" must be indented under a stage", argv[0]);
}

/* must_not_indent - a top-level directive indented */
static int
must_not_indent(struct parser *p, int argc, const char **argv)
{
	(void)argc;
	return conf_fail(p, "\"%s\" must not be indented", argv[0]);
}

/*
 * dispatch - the directive of a line (indented: a stage's), its handler
 * called past the one duplicate guard, once a file or once a stage
 */
static int
dispatch(struct parser *p, int indented, int argc, const char **argv)
{
	const struct stage_conf *st = NULL;
	unsigned *seen = &p->seen_top;
	size_t i;

	if (indented) {
		if (p->conf->nstages == 0)
			return conf_fail(p, "\"%s\" is indented but no stage "
			    "is open", argv[0]);
		st = &p->conf->stages[p->conf->nstages - 1];
		seen = &p->seen_stage;
	}
	for (i = 0; i < NDIRECTIVES; i++)
		if (directives[i].indented == indented &&
		    strcmp(argv[0], directives[i].word) == 0)
			break;
	if (i == NDIRECTIVES)
		return conf_fail(p, "unknown %sdirective \"%s\"",
		    indented ? "stage " : "", argv[0]);
	if (directives[i].once && (*seen & (1U << i)) != 0) {
		if (indented)
			return conf_fail(p, "duplicate \"%s\" for stage %s",
			    argv[0], st->name);
		return conf_fail(p, "duplicate \"%s\"", argv[0]);
	}
	*seen |= 1U << i;
	return directives[i].fn(p, argc, argv);
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
		return conf_fail(p, "NUL byte in line");
	if (flags & LINES_TOO_LONG)
		return conf_fail(p, "line longer than %u bytes", CONF_LINE_MAX);
	if (p->bytes > CONF_FILE_MAX)
		return conf_fail(p, "the file is longer than %u bytes",
		    CONF_FILE_MAX);
	if (p->line == 1 && len >= 3 && memcmp(line, "\xef\xbb\xbf", 3) == 0)
		return conf_fail(p, "the file begins with a UTF-8 byte order "
		    "mark; save it without one");
	if (conf_split_line(line, &argc, &argv, &why) == -1)
		return conf_fail(p, "%s", why);
	if (argc == 0)
		return 0;
	rc = dispatch(p, isspace((unsigned char)line[0]) != 0, argc, argv);
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
		rc = conf_fail(&p, "read error: %s", strerror(errno));
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
free_env_matches(struct skip_env *m, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(m[i].name);
		free(m[i].value);
	}
	free(m);
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
		for (j = 0; j < st->nrules; j++) {
			free(st->rules[j].text);
			free(st->rules[j].header);
		}
		free(st->rules);
		free_env_matches(st->skips, st->nskips);
		free_env_matches(st->onlys, st->nonlys);
		for (j = 0; j < st->nmacros; j++) {
			free(st->macros[j].name);
			free(st->macros[j].value);
		}
		free(st->macros);
		free(st->zone.header);
	}
	free(c->stages);
	free(c->user);
	free(c->spool);
	free_argv(c->queue_argv);
	free(c->file);
	free(c);
}

/* conf_kind_word - the directive that opens a stage of kind k */
const char *
conf_kind_word(enum stage_kind k)
{
	switch (k) {
	case STAGE_FILTER:
		return "stage";
	case STAGE_CHECK:
		return "check";
	case STAGE_QFILTER:
		return "qfilter";
	case STAGE_MILTER:
		return "milter";
	}
	return "?";
}

/* conf_stage_late - does the stage start only once the envelope is in? */
int
conf_stage_late(const struct stage_conf *st)
{
	return st->kind == STAGE_QFILTER || st->kind == STAGE_MILTER ||
	    st->envelope;
}

void
conf_error_free(struct conf_error *err)
{
	free(err->file);
	free(err->text);
	memset(err, 0, sizeof(*err));
}

