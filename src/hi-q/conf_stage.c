/*
 * conf_stage.c - the directives of a stage in filters.conf
 *
 * DESCRIPTION
 *	The handlers of the indented lines, for conf.c's table of
 *	directives; a line belongs to the stage opened last: "on CODES
 *	OUTCOME [TEXT]" (any number, in order), "timeout SECONDS" and "zone
 *	..." (once each), "skip-if-env NAME[=VALUE] ..." and "only-if-env
 *	NAME[=VALUE] ..." (any number), and "envelope" (once).  A milter's
 *	"on" names a reply instead of exit codes ("on REPLY OUTCOME
 *	[TEXT]", once per reply), and it alone takes "macro NAME VALUE"
 *	(once per name, with or without braces).
 *	The grammar is in docs/filters.conf.5.
 *
 * ERRORS
 *	Every handler returns 0, or -1 after conf_fail() (conf_int.h).
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "conf.h"
#include "conf_int.h"
#include "number.h"
#include "outcome.h"
#include "rule.h"
#include "xalloc.h"
#include "zone.h"

static struct stage_conf *open_stage(const struct parser *);
static int	 parse_codes(struct parser *, const char *, struct rule *);
static int	 check_text(struct parser *, const char *, const char *);
static int	 parse_reply(struct parser *, const struct stage_conf *,
		    const char *, struct rule *);
static size_t	 macro_core(const char *, size_t *);

/* open_stage - the stage an indented line belongs to: the last opened */
static struct stage_conf *
open_stage(const struct parser *p)
{
	return &p->conf->stages[p->conf->nstages - 1];
}

/* check_text - a reply text or a macro value (what says which) */
static int
check_text(struct parser *p, const char *what, const char *text)
{
	const unsigned char *s;

	if (strlen(text) > CONF_TEXT_MAX)
		return conf_fail(p, "%s longer than %d bytes", what,
		    CONF_TEXT_MAX);
	for (s = (const unsigned char *)text; *s != '\0'; s++)
		if (*s < 0x20 || *s >= 0x7f)
			return conf_fail(p, "%s must be printable ASCII", what);
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
		if (conf_uint(item, 0, 255, &lo) == -1 ||
		    (dash != NULL && conf_uint(dash, 0, 255, &hi) == -1)) {
			rc = conf_fail(p, "bad exit code list \"%s\" (want "
			    "codes 0-255, ranges a-b, \"*\" or \"signal\")",
			    spec);
			break;
		}
		if (dash == NULL)
			hi = lo;
		if (hi < lo) {
			rc = conf_fail(p, "empty exit code range \"%s\"", spec);
			break;
		}
		for (c = lo; c <= hi; c++)
			rule_add_code(r, c);
	}
	if (rc == 0 && (spec[0] == ',' || spec[strlen(spec) - 1] == ',' ||
	    strstr(spec, ",,") != NULL))
		rc = conf_fail(p, "bad exit code list \"%s\"", spec);
	free(copy);
	return rc;
}

/*
 * parse_reply - a milter's "on" word: accept, reject, tempfail, discard,
 * quarantine or failure, each at most once per milter
 */
static int
parse_reply(struct parser *p, const struct stage_conf *st, const char *word,
    struct rule *r)
{
	size_t i;

	r->kind = RULE_REPLY;
	if (rule_reply_parse(word, &r->reply) == -1)
		return conf_fail(p, "unknown milter reply \"%s\" (want accept, "
		    "reject, tempfail, discard, quarantine or failure)", word);
	for (i = 0; i < st->nrules; i++)
		if (st->rules[i].kind == RULE_REPLY &&
		    st->rules[i].reply == r->reply)
			return conf_fail(p, "duplicate \"on %s\" for milter %s "
			    "(first at line %u)", word, st->name,
			    st->rules[i].line);
	return 0;
}

/*
 * header_name_ok - a header field's name: not empty, printable ASCII
 * without a space or a colon
 */
static int
header_name_ok(const char *name)
{
	const char *s;

	for (s = name; *s != '\0'; s++)
		if (*s <= ' ' || *s >= 0x7f || *s == ':')
			return 0;
	return s != name;
}

/*
 * parse_header - a milter's "on header NAME": the outcome of an accept
 * that adds the field NAME, each name at most once per milter
 */
static int
parse_header(struct parser *p, const struct stage_conf *st, const char *name,
    struct rule *r)
{
	size_t i;

	r->kind = RULE_HEADER;
	if (!header_name_ok(name))
		return conf_fail(p, "bad header name \"%s\"", name);
	for (i = 0; i < st->nrules; i++)
		if (st->rules[i].kind == RULE_HEADER &&
		    strcasecmp(st->rules[i].header, name) == 0)
			return conf_fail(p, "duplicate \"on header %s\" for "
			    "milter %s (first at line %u)", name, st->name,
			    st->rules[i].line);
	return 0;
}

int
conf_stage_on(struct parser *p, int argc, const char **argv)
{
	struct stage_conf *st = open_stage(p);
	struct rule r;
	int header;

	/* A milter's "on header NAME ...": one word more. */
	header = st->kind == STAGE_MILTER && argc >= 2 &&
	    strcmp(argv[1], "header") == 0;
	if (header) {
		argc--;
		argv++;
	}
	if (argc < 3 || argc > 4)
		return conf_fail(p, header ? "usage: on header NAME OUTCOME "
		    "[\"SMTP text\"]" : st->kind == STAGE_MILTER ? "usage: on "
		    "REPLY OUTCOME [\"SMTP text\"]" : "usage: on CODES "
		    "OUTCOME [\"SMTP text\"]");
	memset(&r, 0, sizeof(r));
	r.line = p->line;
	if (header) {
		if (parse_header(p, st, argv[1], &r) == -1)
			return -1;
	} else if (st->kind == STAGE_MILTER) {
		if (parse_reply(p, st, argv[1], &r) == -1)
			return -1;
	} else if (parse_codes(p, argv[1], &r) == -1)
		return -1;
	if (outcome_parse(argv[2], &r.outcome) == -1)
		return conf_fail(p, "unknown outcome \"%s\" (want green, "
		    "yellow, red, tempfail or discard)", argv[2]);
	if (argc == 4) {
		if (r.outcome != OUTCOME_RED && r.outcome != OUTCOME_TEMPFAIL)
			return conf_fail(p, "reply text is only for red and "
			    "tempfail");
		if (check_text(p, "reply text", argv[3]) == -1)
			return -1;
		r.text = xstrdup(argv[3]);
	}
	if (header)
		r.header = xstrdup(argv[1]);
	st->rules = xreallocarray(st->rules, st->nrules + 1,
	    sizeof(*st->rules));
	st->rules[st->nrules++] = r;
	return 0;
}

int
conf_stage_timeout(struct parser *p, int argc, const char **argv)
{
	if (argc != 2 || conf_uint(argv[1], 1, CONF_TIMEOUT_MAX,
	    &open_stage(p)->timeout) == -1)
		return conf_fail(p, "usage: timeout SECONDS (1 to %d)",
		    CONF_TIMEOUT_MAX);
	return 0;
}

/*
 * conf_stage_zone - "zone HEADER margin Y [missing OUTCOME]" or
 * "zone HEADER red SCORE [missing OUTCOME]"
 */
int
conf_stage_zone(struct parser *p, int argc, const char **argv)
{
	struct stage_conf *st = open_stage(p);
	struct zone_conf *z = &st->zone;
	double v;

	if (st->kind == STAGE_CHECK)
		return conf_fail(p, "a check's output is thrown away; \"zone\" "
		    "needs a stage");
	if (st->kind == STAGE_QFILTER)
		return conf_fail(p, "a qfilter's output is a file hi-q does not "
		    "read on the way; \"zone\" needs a stage");
	if (st->kind == STAGE_MILTER)
		return conf_fail(p, "a milter answers with a reply, not a "
		    "score header; \"zone\" needs a stage");
	if ((argc != 4 && argc != 6) ||
	    (strcmp(argv[2], "margin") != 0 && strcmp(argv[2], "red") != 0) ||
	    (argc == 6 && strcmp(argv[4], "missing") != 0))
		return conf_fail(p, "usage: zone HEADER margin Y | zone HEADER "
		    "red SCORE, then optionally: missing OUTCOME");
	if (!header_name_ok(argv[1]))
		return conf_fail(p, "bad header name \"%s\"", argv[1]);
	if (number_parse(argv[3], strlen(argv[3]), &v) == -1)
		return conf_fail(p, "bad number \"%s\"", argv[3]);
	if (strcmp(argv[2], "margin") == 0) {
		if (v < 0)
			return conf_fail(p, "a zone margin cannot be negative");
		z->margin = v;
	} else {
		z->absolute = 1;
		z->red_at = v;
	}
	z->missing = OUTCOME_TEMPFAIL;
	if (argc == 6 && outcome_parse(argv[5], &z->missing) == -1)
		return conf_fail(p, "unknown outcome \"%s\" (want green, "
		    "yellow, red, tempfail or discard)", argv[5]);
	z->header = xstrdup(argv[1]);
	return 0;
}

/*
 * conf_stage_skip - "skip-if-env NAME[=VALUE] ..." or "only-if-env
 * NAME[=VALUE] ...": the same words, kept apart
 */
int
conf_stage_skip(struct parser *p, int argc, const char **argv)
{
	struct stage_conf *st = open_stage(p);
	struct skip_env **list = &st->skips, *sk;
	size_t *n = &st->nskips;
	const char *eq;
	int i;

	if (strcmp(argv[0], "only-if-env") == 0) {
		list = &st->onlys;
		n = &st->nonlys;
	}
	if (argc < 2)
		return conf_fail(p, "usage: %s NAME[=VALUE] ...", argv[0]);
	for (i = 1; i < argc; i++) {
		if ((eq = strchr(argv[i], '=')) == argv[i])
			return conf_fail(p, "%s: empty variable name in \"%s\"",
			    argv[0], argv[i]);
		*list = xreallocarray(*list, *n + 1, sizeof(**list));
		sk = &(*list)[(*n)++];
		sk->name = xstrdup(argv[i]);
		sk->value = NULL;
		if (eq != NULL) {
			sk->name[eq - argv[i]] = '\0';
			sk->value = xstrdup(eq + 1);
		}
	}
	return 0;
}

/* conf_stage_envelope - "envelope": the stage starts once it is in */
int
conf_stage_envelope(struct parser *p, int argc, const char **argv)
{
	struct stage_conf *st = open_stage(p);

	(void)argv;
	if (argc != 1)
		return conf_fail(p, "usage: envelope");
	if (st->kind == STAGE_QFILTER || st->kind == STAGE_MILTER)
		return conf_fail(p, "a %s always starts once the envelope is "
		    "in; \"envelope\" is for a stage or a check",
		    conf_kind_word(st->kind));
	st->envelope = 1;
	return 0;
}

/*
 * macro_core - where a macro's name starts without its braces, and its
 * length then: "{daemon_name}" and "daemon_name" are the same macro, as
 * the milter session matches them
 */
static size_t
macro_core(const char *name, size_t *len)
{
	size_t n = strlen(name);

	if (n >= 2 && name[0] == '{' && name[n - 1] == '}') {
		*len = n - 2;
		return 1;
	}
	*len = n;
	return 0;
}

/*
 * conf_stage_macro - "macro NAME VALUE": NAME a letter or word of letters,
 * digits and "_", with or without braces, once per milter; VALUE printable
 * ASCII, not empty
 */
int
conf_stage_macro(struct parser *p, int argc, const char **argv)
{
	struct stage_conf *st = open_stage(p);
	struct conf_macro *m;
	size_t at, len, at2, len2, i;

	if (st->kind != STAGE_MILTER)
		return conf_fail(p, "\"macro\" is for a milter");
	if (argc == 2 || (argc == 3 && argv[2][0] == '\0'))
		return conf_fail(p, "macro %s without a value", argv[1]);
	if (argc != 3)
		return conf_fail(p, "usage: macro NAME VALUE");
	at = macro_core(argv[1], &len);
	for (i = at; i < at + len; i++)
		if (!isalnum((unsigned char)argv[1][i]) && argv[1][i] != '_')
			break;
	if (len == 0 || len > CONF_MACRO_NAME_MAX || i < at + len)
		return conf_fail(p, "bad macro name \"%s\" (a letter, or a "
		    "word of letters, digits and \"_\" in braces, at most "
		    "%d)", argv[1], CONF_MACRO_NAME_MAX);
	for (i = 0; i < st->nmacros; i++) {
		at2 = macro_core(st->macros[i].name, &len2);
		if (len == len2 && memcmp(argv[1] + at,
		    st->macros[i].name + at2, len) == 0)
			return conf_fail(p, "duplicate macro %s for milter %s",
			    argv[1], st->name);
	}
	if (check_text(p, "macro value", argv[2]) == -1)
		return -1;
	st->macros = xreallocarray(st->macros, st->nmacros + 1,
	    sizeof(*st->macros));
	m = &st->macros[st->nmacros++];
	m->name = xstrdup(argv[1]);
	m->value = xstrdup(argv[2]);
	return 0;
}
