/*
 * conf_top.c - the top-level directives of filters.conf
 *
 * DESCRIPTION
 *	The handlers of the lines that start at the left margin, for
 *	conf.c's table of directives: "stage", "check", "qfilter" and
 *	"milter" open a stage (its indented lines follow, for
 *	conf_stage.c); "queue", "spool",
 *	"timeout", "reply-channel", "log" and "user" set the pipeline's own
 *	values.  The grammar is in docs/filters.conf.5.
 *	conf_facility_name() is the word of a syslog facility, for
 *	conf_write.c.
 *
 * ERRORS
 *	Every handler returns 0, or -1 after conf_fail() (conf_int.h).
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "conf.h"
#include "conf_int.h"
#include "xalloc.h"

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

static int	 check_program(struct parser *, const char *, const char *);
static int	 valid_name(const char *);
static int	 valid_user(const char *);
static size_t	 checks_in_a_row(const struct conf *);
static enum stage_kind kind_of(const char *);
const char *
conf_facility_name(int value)
{
	size_t i;

	for (i = 0; i < NFACILITIES; i++)
		if (facilities[i].value == value)
			return facilities[i].name;
	return NULL;
}

static int
check_program(struct parser *p, const char *what, const char *path)
{
	if (path[0] != '/')
		return conf_fail(p, "%s program \"%s\" is not an absolute path",
		    what, path);
	return 0;
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

/*
 * checks_in_a_row - the checks a new one would join, itself included
 *
 *	One pump feeds a run of checks (pump.h, PUMP_MAXDST).  A stage that
 *	skip-if-env or only-if-env may skip does not end the run.
 */
static size_t
checks_in_a_row(const struct conf *c)
{
	size_t i, n = 1;

	for (i = c->nstages; i > 0; i--)
		if (c->stages[i - 1].kind == STAGE_CHECK)
			n++;
		else if (c->stages[i - 1].nskips == 0 &&
		    c->stages[i - 1].nonlys == 0)
			break;
	return n;
}

/* kind_of - the kind of stage a directive opens */
static enum stage_kind
kind_of(const char *word)
{
	if (strcmp(word, "check") == 0)
		return STAGE_CHECK;
	if (strcmp(word, "qfilter") == 0)
		return STAGE_QFILTER;
	if (strcmp(word, "milter") == 0)
		return STAGE_MILTER;
	return STAGE_FILTER;
}

/*
 * conf_top_stage - "stage NAME PROGRAM [ARGS]", "check NAME PROGRAM
 * [ARGS]", "qfilter NAME PROGRAM [ARGS]" or "milter NAME SOCKET"
 */
int
conf_top_stage(struct parser *p, int argc, const char **argv)
{
	struct conf *c = p->conf;
	struct stage_conf *st;
	enum stage_kind kind = kind_of(argv[0]);
	struct milter_addr addr;
	const char *why;
	size_t i;

	memset(&addr, 0, sizeof(addr));
	if (kind == STAGE_MILTER && argc != 3)
		return conf_fail(p, "usage: milter NAME SOCKET (unix:/PATH, "
		    "inet:PORT@HOST or inet6:PORT@HOST)");
	if (argc < 3)
		return conf_fail(p, "usage: %s NAME PROGRAM [ARGS...]",
		    argv[0]);
	if (!valid_name(argv[1]))
		return conf_fail(p, "bad stage name \"%s\" (letters, digits, "
		    "\"-\", \"_\" and \".\", at most %d)", argv[1],
		    CONF_NAME_MAX);
	for (i = 0; i < c->nstages; i++)
		if (strcmp(c->stages[i].name, argv[1]) == 0)
			return conf_fail(p, "stage \"%s\" already defined at "
			    "line %u", argv[1], c->stages[i].line);
	if (kind == STAGE_MILTER) {
		if (milter_spec_parse(argv[2], &addr, &why) == -1)
			return conf_fail(p, "milter %s: bad socket \"%s\": %s",
			    argv[1], argv[2], why);
	} else if (check_program(p, argv[0], argv[2]) == -1)
		return -1;
	if (kind == STAGE_CHECK && checks_in_a_row(c) > CONF_CHECKS_MAX)
		return conf_fail(p, "more than %d checks in a row",
		    CONF_CHECKS_MAX);
	c->stages = xreallocarray(c->stages, c->nstages + 1,
	    sizeof(*c->stages));
	st = &c->stages[c->nstages++];
	memset(st, 0, sizeof(*st));
	st->kind = kind;
	st->name = xstrdup(argv[1]);
	st->argv = conf_argv(argc - 2, argv + 2);
	st->line = p->line;
	if (kind == STAGE_MILTER) {
		st->addr = addr;
		st->timeout = CONF_MILTER_TIMEOUT_DEFAULT;
	}
	p->seen_stage = 0;
	return 0;
}

int
conf_top_queue(struct parser *p, int argc, const char **argv)
{
	struct conf *c = p->conf;

	if (argc < 2)
		return conf_fail(p, "usage: queue PROGRAM [ARGS...]");
	if (check_program(p, "queue", argv[1]) == -1)
		return -1;
	free(c->queue_argv[0]);
	free(c->queue_argv);
	c->queue_argv = conf_argv(argc - 1, argv + 1);
	return 0;
}

int
conf_top_spool(struct parser *p, int argc, const char **argv)
{
	if (argc != 2 || argv[1][0] != '/')
		return conf_fail(p, "usage: spool DIRECTORY (an absolute "
		    "path)");
	free(p->conf->spool);
	p->conf->spool = xstrdup(argv[1]);
	return 0;
}

int
conf_top_timeout(struct parser *p, int argc, const char **argv)
{
	if (argc != 2 || conf_uint(argv[1], 1, CONF_TIMEOUT_MAX,
	    &p->conf->timeout) == -1)
		return conf_fail(p, "usage: timeout SECONDS (1 to %d)",
		    CONF_TIMEOUT_MAX);
	return 0;
}

/* conf_top_reply - "reply-channel FD EXITCODE" or "reply-channel none" */
int
conf_top_reply(struct parser *p, int argc, const char **argv)
{
	unsigned fd, code;

	if (argc == 2 && strcmp(argv[1], "none") == 0) {
		p->conf->reply_fd = -1;
		return 0;
	}
	if (argc != 3 || conf_uint(argv[1], 2, 1023, &fd) == -1 ||
	    conf_uint(argv[2], 1, 255, &code) == -1)
		return conf_fail(p, "usage: reply-channel FD EXITCODE | "
		    "reply-channel none");
	p->conf->reply_fd = (int)fd;
	p->conf->reply_code = (int)code;
	return 0;
}

/* conf_top_log - "log stderr" or "log syslog [FACILITY]" */
int
conf_top_log(struct parser *p, int argc, const char **argv)
{
	size_t i;

	if (argc == 2 && strcmp(argv[1], "stderr") == 0)
		return 0;
	if (argc < 2 || argc > 3 || strcmp(argv[1], "syslog") != 0)
		return conf_fail(p, "usage: log stderr | log syslog "
		    "[FACILITY]");
	if (argc == 2) {
		p->conf->log_facility = LOG_MAIL;
		return 0;
	}
	for (i = 0; i < NFACILITIES; i++)
		if (strcmp(argv[2], facilities[i].name) == 0) {
			p->conf->log_facility = facilities[i].value;
			return 0;
		}
	return conf_fail(p, "unknown syslog facility \"%s\" (want mail, "
	    "daemon, user or local0 to local7)", argv[2]);
}

int
conf_top_user(struct parser *p, int argc, const char **argv)
{
	if (argc != 2 || !valid_user(argv[1]))
		return conf_fail(p, "usage: user NAME (a login name: letters, "
		    "digits, \".\", \"_\" and \"-\", at most %d)",
		    CONF_USER_MAX);
	p->conf->user = xstrdup(argv[1]);
	return 0;
}
