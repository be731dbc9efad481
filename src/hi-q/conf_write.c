/*
 * conf_write.c - a pipeline as filters.conf text
 *
 * DESCRIPTION
 *	conf_write() (conf.h) prints what "hi-q --check" shows: every value,
 *	the defaults spelled out, each word quoted only where it must be, so
 *	that the output parses back to the same conf (tests/fuzz/fuzz_conf.c
 *	holds it to that).
 *
 * ERRORS
 *	None: a write error shows in the stream's error flag, which the
 *	caller checks.  Out of memory: die(QQ_OOM).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "conf_int.h"
#include "logfmt.h"
#include "number.h"
#include "outcome.h"
#include "rule.h"
#include "xalloc.h"

static void	write_word(FILE *, const char *);
static void	write_argv(FILE *, char *const *);
static void	write_codes(FILE *, const struct rule *);
static void	write_stage(FILE *, const struct stage_conf *);
static void	write_matches(FILE *, const char *, const struct skip_env *,
		    size_t);

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
	char word[LOGFMT_STATUS_MAX];
	unsigned c, end;
	int first = 1;

	if (r->kind == RULE_HEADER) {
		fputs("header ", fp);
		write_word(fp, r->header);
		return;
	}
	if (r->kind == RULE_REPLY) {
		fputs(logfmt_status(word, r->reply, 0), fp);
		return;
	}
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

/* write_stage - one stage and its lines, the defaults said */
static void
write_stage(FILE *fp, const struct stage_conf *st)
{
	const struct rule *r;
	size_t j;
	char *num;

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
	if (st->kind == STAGE_QFILTER)
		fputs("    # then: exit 0 green, 99 discard (no later stage "
		    "runs), 11-40 red,\n    # 82 as its text on fd 6 says, any "
		    "other exit or signal tempfail\n", fp);
	else if (st->kind == STAGE_MILTER)
		fputs("    # then: accept green, reject red, tempfail tempfail, "
		    "discard discard,\n    # quarantine yellow, failure "
		    "tempfail; a reply code 5xx red, 4xx tempfail\n", fp);
	else
		fputs("    # then: exit 0 green, any other exit or signal "
		    "tempfail\n", fp);
	if (st->zone.header != NULL) {
		fputs("    zone ", fp);
		write_word(fp, st->zone.header);
		fputs(st->zone.absolute ? " red " : " margin ", fp);
		num = number_format(st->zone.absolute ? st->zone.red_at :
		    st->zone.margin);
		fprintf(fp, "%s missing %s\n", num,
		    outcome_name(st->zone.missing));
		free(num);
	}
	if (st->timeout > 0)
		fprintf(fp, "    timeout %u\n", st->timeout);
	write_matches(fp, "skip-if-env", st->skips, st->nskips);
	write_matches(fp, "only-if-env", st->onlys, st->nonlys);
	if (st->envelope)
		fputs("    envelope\n", fp);
	for (j = 0; j < st->nmacros; j++) {
		fputs("    macro ", fp);
		write_word(fp, st->macros[j].name);
		fputc(' ', fp);
		write_word(fp, st->macros[j].value);
		fputc('\n', fp);
	}
}

/* write_matches - one line per NAME[=VALUE] of a skip-if-env list */
static void
write_matches(FILE *fp, const char *word, const struct skip_env *m,
    size_t n)
{
	size_t j;
	char *kv;

	for (j = 0; j < n; j++) {
		fprintf(fp, "    %s ", word);
		if (m[j].value == NULL)
			write_word(fp, m[j].name);
		else {
			kv = xasprintf("%s=%s", m[j].name, m[j].value);
			write_word(fp, kv);
			free(kv);
		}
		fputc('\n', fp);
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
	const char *facility;
	size_t i;

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
	if ((facility = conf_facility_name(c->log_facility)) != NULL)
		fprintf(fp, "log syslog %s\n", facility);
	if (c->user != NULL)
		fprintf(fp, "user %s\n", c->user);
	for (i = 0; i < c->nstages; i++) {
		st = &c->stages[i];
		fprintf(fp, "\n# stage %zu of %zu, line %u\n%s %s ", i + 1,
		    c->nstages, st->line, conf_kind_word(st->kind), st->name);
		write_argv(fp, st->argv);
		fputc('\n', fp);
		write_stage(fp, st);
	}
}
