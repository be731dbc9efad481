/*
 * rjson.c - hi-q-report's figures as JSON
 *
 * DESCRIPTION
 *	See rjson.h.  Strings from the log (stage names, days) are escaped
 *	as RFC 8259 asks: quotes, backslashes and control characters; bytes
 *	above 0x7f are written as \u00XX, so the output is ASCII whatever
 *	the log held.
 *
 * ERRORS
 *	See rjson.h.
 */
#include <stdio.h>

#include "rjson.h"


static void	str(FILE *, const char *);
static void	tenths(FILE *, long long);
static void	ms(FILE *, long long);
static void	verdicts(FILE *, const unsigned long long *);
static void	status_item(void *, const char *, unsigned long long);
static void	write_stage(FILE *, const struct tally *, size_t);
static void	write_scores(FILE *, const struct tally *,
		    const struct band *, size_t, long long);

/* A JSON object's members, written one by one. */
struct items {
	FILE		*fp;
	const char	*sep;
};

/* status_item - one "word": count member, as tally_stage_statuses() calls */
static void
status_item(void *arg, const char *word, unsigned long long n)
{
	struct items *it = arg;

	fprintf(it->fp, "%s\"%s\": %llu", it->sep, word, n);
	it->sep = ", ";
}

static void
str(FILE *fp, const char *s)
{
	unsigned char c;

	fputc('"', fp);
	for (; (c = (unsigned char)*s) != '\0'; s++)
		if (c == '"' || c == '\\')
			fprintf(fp, "\\%c", c);
		else if (c < 0x20 || c >= 0x7f)
			fprintf(fp, "\\u%04x", c);
		else
			fputc(c, fp);
	fputc('"', fp);
}

static void
tenths(FILE *fp, long long t)
{
	char s[32];

	fputs(bands_fmt(s, sizeof(s), t), fp);
}

static void
ms(FILE *fp, long long v)
{
	fprintf(fp, "%lld.%03lld", v / 1000, v % 1000);
}

static void
verdicts(FILE *fp, const unsigned long long *v)
{
	size_t i;

	fputc('{', fp);
	for (i = 0; i < OUTCOME_COUNT; i++)
		fprintf(fp, "%s\"%s\": %llu", i ? ", " : "",
		    outcome_name((enum outcome)i), v[i]);
	fputc('}', fp);
}

static void
write_stage(FILE *fp, const struct tally *t, size_t i)
{
	const struct tally_stage *s = tally_stage(t, i);
	struct items item;

	fputs("    {\"name\": ", fp);
	str(fp, s->name);
	fprintf(fp, ", \"messages\": %llu,\n     \"outcomes\": ", s->n);
	verdicts(fp, s->outcome);
	fputs(",\n     \"status\": {", fp);
	item.fp = fp;
	item.sep = "";
	tally_stage_statuses(s, status_item, &item);
	fprintf(fp, "},\n     \"scored\": %llu, \"unscanned\": %llu, "
	    "\"deferred\": %llu, \"nan\": %llu, \"inf\": %llu, "
	    "\"-inf\": %llu, \"negative_zero\": %llu,\n     \"ran\": %llu",
	    s->scored, s->unscanned, s->deferred, s->nan, s->high, s->low,
	    s->negzero, s->timed);
	if (s->timed > 0) {
		fputs(", \"p50\": ", fp);
		ms(fp, tally_percentile(t, i, 50));
		fputs(", \"p90\": ", fp);
		ms(fp, tally_percentile(t, i, 90));
		fputs(", \"p99\": ", fp);
		ms(fp, tally_percentile(t, i, 99));
		fputs(", \"max\": ", fp);
		ms(fp, s->max_ms);
	}
	fputc('}', fp);
}

static void
write_scores(FILE *fp, const struct tally *t, const struct band *b, size_t n,
    long long width)
{
	struct tally_whatif w;
	long long th, m;
	size_t i, j;
	int z;

	fputs("  \"scores\": {\"stage\": ", fp);
	if (tally_score_stage(t) != NULL)
		str(fp, tally_score_stage(t));
	else
		fputs("null", fp);
	fputs(", \"band\": ", fp);
	tenths(fp, width);
	fputs(", \"threshold\": ", fp);
	if (tally_threshold(t, &th) == 0)
		tenths(fp, th);
	else
		fputs("null", fp);
	fputs(", \"red_from\": ", fp);
	if (tally_threshold(t, &th) == 0 && tally_margin(t, &m) == 0)
		tenths(fp, th + m);
	else
		fputs("null", fp);
	fputs(",\n    \"bands\": [", fp);
	for (i = 0; i < n; i++) {
		fprintf(fp, "%s\n      {", i ? "," : "");
		if (b[i].edge >= 0) {
			fputs("\"from\": ", fp);
			tenths(fp, b[i].lo);
		} else
			fputs("\"from\": null", fp);
		if (b[i].edge <= 0) {
			fputs(", \"to\": ", fp);
			tenths(fp, b[i].hi);
		} else
			fputs(", \"to\": null", fp);
		for (z = 0; z < TALLY_NZONES; z++)
			fprintf(fp, ", \"%s\": %llu",
			    tally_zone_name((enum tally_zone)z), b[i].n[z]);
		fputc('}', fp);
	}
	fputs("]},\n  \"whatif\": [", fp);
	if (tally_threshold(t, &th) == 0)
		for (i = 0; i < TALLY_WHATIF_NK; i++)
			for (j = 0; j < TALLY_WHATIF_NY; j++) {
				tally_whatif(t, tally_whatif_k(i),
				    tally_whatif_y(j), &w);
				fprintf(fp, "%s\n    {\"threshold\": ",
				    i + j ? "," : "");
				tenths(fp, th + tally_whatif_k(i));
				fputs(", \"margin\": ", fp);
				tenths(fp, tally_whatif_y(j));
				fprintf(fp, ", \"green\": %llu, \"yellow\": "
				    "%llu, \"red\": %llu, \"changed\": %llu}",
				    w.green, w.yellow, w.red, w.changed);
			}
	fputs("]\n", fp);
}

void
rjson_write(FILE *fp, const struct tally *t, const struct band *b, size_t n,
    long long width, int by_day)
{
	const struct tally_lines *l = tally_lines(t);
	unsigned long long v[OUTCOME_COUNT];
	enum logline_form f;
	size_t i;

	fprintf(fp, "{\n  \"lines\": {\"read\": %llu, \"messages\": %llu, "
	    "\"hi-q\": %llu, \"foreign\": %llu,\n    \"malformed\": %llu, "
	    "\"truncated\": %llu, \"too_long\": %llu", l->total,
	    l->kind[LOGLINE_MESSAGE], l->kind[LOGLINE_DIAG],
	    l->kind[LOGLINE_FOREIGN], l->kind[LOGLINE_MALFORMED],
	    l->kind[LOGLINE_TRUNCATED], l->too_long);
	for (f = 0; f < LOGLINE_NFORMS; f++)
		fprintf(fp, ", \"%s\": %llu", logline_form_name(f),
		    l->form[f]);
	fputs("},\n  \"verdicts\": ", fp);
	tally_verdicts(t, TALLY_ALL, v);
	verdicts(fp, v);
	if (by_day) {
		fputs(",\n  \"days\": [", fp);
		for (i = 0; i < tally_ndays(t); i++) {
			fprintf(fp, "%s\n    {\"day\": ", i ? "," : "");
			str(fp, tally_day(t, i));
			fputs(", \"verdicts\": ", fp);
			tally_verdicts(t, i, v);
			verdicts(fp, v);
			fputc('}', fp);
		}
		fputc(']', fp);
	}
	fputs(",\n  \"stages\": [\n", fp);
	for (i = 0; i < tally_nstages(t); i++) {
		if (i > 0)
			fputs(",\n", fp);
		write_stage(fp, t, i);
	}
	fputs("],\n", fp);
	write_scores(fp, t, b, n, width);
	fputs("}\n", fp);
}
