/*
 * conf_stage.c - the directives of a stage in filters.conf
 *
 * DESCRIPTION
 *	The handlers of the indented lines, for conf.c's table of
 *	directives; a line belongs to the stage opened last: "on CODES
 *	OUTCOME [TEXT]" (any number, in order), "timeout SECONDS" and "zone
 *	..." (once each), "skip-if-env NAME[=VALUE] ..." and "only-if-env
 *	NAME[=VALUE] ..." (any number), and "envelope" (once).
 *	The grammar is in docs/filters.conf.5.
 *
 * ERRORS
 *	Every handler returns 0, or -1 after conf_fail() (conf_int.h).
 */
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "conf_int.h"
#include "number.h"
#include "outcome.h"
#include "rule.h"
#include "xalloc.h"
#include "zone.h"

static struct stage_conf *open_stage(const struct parser *);
static int	 parse_codes(struct parser *, const char *, struct rule *);
static int	 check_text(struct parser *, const char *);

/* open_stage - the stage an indented line belongs to: the last opened */
static struct stage_conf *
open_stage(const struct parser *p)
{
	return &p->conf->stages[p->conf->nstages - 1];
}

static int
check_text(struct parser *p, const char *text)
{
	const unsigned char *s;

	if (strlen(text) > CONF_TEXT_MAX)
		return conf_fail(p, "reply text longer than %d bytes",
		    CONF_TEXT_MAX);
	for (s = (const unsigned char *)text; *s != '\0'; s++)
		if (*s < 0x20 || *s >= 0x7f)
			return conf_fail(p, "reply text must be printable "
			    "ASCII");
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

int
conf_stage_on(struct parser *p, int argc, const char **argv)
{
	struct stage_conf *st = open_stage(p);
	struct rule r;

	if (argc < 3 || argc > 4)
		return conf_fail(p, "usage: on CODES OUTCOME [\"SMTP text\"]");
	memset(&r, 0, sizeof(r));
	r.line = p->line;
	if (parse_codes(p, argv[1], &r) == -1)
		return -1;
	if (outcome_parse(argv[2], &r.outcome) == -1)
		return conf_fail(p, "unknown outcome \"%s\" (want green, "
		    "yellow, red, tempfail or discard)", argv[2]);
	if (argc == 4) {
		if (r.outcome != OUTCOME_RED && r.outcome != OUTCOME_TEMPFAIL)
			return conf_fail(p, "reply text is only for red and "
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
	const char *s;
	double v;

	if (st->kind == STAGE_CHECK)
		return conf_fail(p, "a check's output is thrown away; \"zone\" "
		    "needs a stage");
	if (st->kind == STAGE_QFILTER)
		return conf_fail(p, "a qfilter's output is a file hi-q does not "
		    "read on the way; \"zone\" needs a stage");
	if ((argc != 4 && argc != 6) ||
	    (strcmp(argv[2], "margin") != 0 && strcmp(argv[2], "red") != 0) ||
	    (argc == 6 && strcmp(argv[4], "missing") != 0))
		return conf_fail(p, "usage: zone HEADER margin Y | zone HEADER "
		    "red SCORE, then optionally: missing OUTCOME");
	for (s = argv[1]; *s != '\0'; s++)
		if (*s <= ' ' || *s >= 0x7f || *s == ':')
			break;
	if (*s != '\0' || s == argv[1])
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
	if (st->kind == STAGE_QFILTER)
		return conf_fail(p, "a qfilter always starts once the envelope "
		    "is in; \"envelope\" is for a stage or a check");
	st->envelope = 1;
	return 0;
}
