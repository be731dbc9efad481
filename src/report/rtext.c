/*
 * rtext.c - hi-q-report's figures for a terminal
 *
 * DESCRIPTION
 *	See rtext.h.  A histogram bar is split by zone: G green, Y yellow,
 *	R red, o other (tempfail, discard); each zone with a message gets at
 *	least one character, so a single red message is never drawn away.
 *	A run of empty bands away from the marks is printed as one "..."
 *	row, so that 1000.0 (GTUBE) does not push the rest off the screen.
 *
 * ERRORS
 *	See rtext.h.
 */
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "rtext.h"

#define WIDTH		80
#define LABEL_W		7	/* ">=100.0" */
#define COUNT_W		9
#define BAR_W		(WIDTH - LABEL_W - COUNT_W - 3)

static const char zone_char[TALLY_NZONES] = { 'G', 'Y', 'R', 'o' };

struct words {
	FILE	*fp;
	int	 col;
	int	 indent;
};

static void	word(struct words *, const char *, unsigned long long);
static void	status_word(void *, const char *, unsigned long long);
static void	write_lines(FILE *, const struct tally *);
static void	write_verdicts(FILE *, const struct tally *, int);
static void	write_stage(FILE *, const struct tally *, size_t);
static void	write_ms(FILE *, const char *, long long);
static void	write_marks(FILE *, const struct band *, long long,
		    const char *, char);
static void	write_histogram(FILE *, const struct tally *,
		    const struct band *, size_t, long long);
static void	write_no_red(FILE *, const struct tally *, long long);
static void	write_whatif(FILE *, const struct tally *);
static void	whatif_row(FILE *, const struct tally *, long long, long long,
		    long long, int);
static int	marked(const struct band *, long long);
static int	shown(const struct band *, size_t, size_t, long long,
		    long long);

/* word - "label N", wrapped at WIDTH under the indent */
static void
word(struct words *w, const char *label, unsigned long long n)
{
	char s[96];
	int len;

	len = snprintf(s, sizeof(s), "%s %llu", label, n);
	if (w->col > w->indent && w->col + 2 + len > WIDTH - 1) {
		fprintf(w->fp, "\n%*s", w->indent, "");
		w->col = w->indent;
	}
	if (w->col > w->indent) {
		fputs("  ", w->fp);
		w->col += 2;
	}
	fputs(s, w->fp);
	w->col += len;
}

static void
write_lines(FILE *fp, const struct tally *t)
{
	const struct tally_lines *l = tally_lines(t);
	struct words w = { fp, 0, 2 };
	enum logline_form f;

	fprintf(fp, "lines: %llu read, %llu messages\n  ", l->total,
	    l->kind[LOGLINE_MESSAGE]);
	w.col = 2;
	for (f = 0; f < LOGLINE_NFORMS; f++)
		if (l->form[f] > 0)
			word(&w, logline_form_name(f), l->form[f]);
	word(&w, "other hi-q lines", l->kind[LOGLINE_DIAG]);
	word(&w, "not hi-q's", l->kind[LOGLINE_FOREIGN]);
	word(&w, "malformed", l->kind[LOGLINE_MALFORMED]);
	word(&w, "truncated", l->kind[LOGLINE_TRUNCATED]);
	word(&w, "too long", l->too_long);
	fputc('\n', fp);
}

static void
write_verdicts(FILE *fp, const struct tally *t, int by_day)
{
	unsigned long long v[OUTCOME_COUNT], all = 0;
	size_t d, i;

	tally_verdicts(t, TALLY_ALL, v);
	for (i = 0; i < OUTCOME_COUNT; i++)
		all += v[i];
	fputs("\nverdict          messages\n", fp);
	for (i = 0; i < OUTCOME_COUNT; i++)
		fprintf(fp, "%-10s %14llu %6.1f%%\n",
		    outcome_name((enum outcome)i), v[i],
		    all ? 100.0 * (double)v[i] / (double)all : 0.0);
	if (!by_day)
		return;
	fprintf(fp, "\n%-10s", "day");
	for (i = 0; i < OUTCOME_COUNT; i++)
		fprintf(fp, " %9s", outcome_name((enum outcome)i));
	fputc('\n', fp);
	for (d = 0; d < tally_ndays(t); d++) {
		tally_verdicts(t, d, v);
		fprintf(fp, "%-10s", *tally_day(t, d) ? tally_day(t, d) : "-");
		for (i = 0; i < OUTCOME_COUNT; i++)
			fprintf(fp, " %9llu", v[i]);
		fputc('\n', fp);
	}
}

/* status_word - word() as tally_stage_statuses() calls it */
static void
status_word(void *w, const char *label, unsigned long long n)
{
	word(w, label, n);
}

static void
write_ms(FILE *fp, const char *label, long long ms)
{
	fprintf(fp, "  %s %lld.%03lld", label, ms / 1000, ms % 1000);
}

static void
write_stage(FILE *fp, const struct tally *t, size_t i)
{
	const struct tally_stage *s = tally_stage(t, i);
	struct words w = { fp, 0, 12 };
	size_t k;

	fprintf(fp, "\nstage %s: %llu messages\n  outcomes  ", s->name, s->n);
	w.col = 12;
	for (k = 0; k < OUTCOME_COUNT; k++)
		word(&w, outcome_name((enum outcome)k), s->outcome[k]);
	fputs("\n  status    ", fp);
	w.col = 12;
	tally_stage_statuses(s, status_word, &w);
	fputc('\n', fp);
	if (s->scored + s->nan + s->high + s->low > 0) {
		fputs("  scores    ", fp);
		w.col = 12;
		word(&w, "scored", s->scored);
		word(&w, "unscanned", s->unscanned);
		word(&w, "deferred", s->deferred);
		if (s->nan > 0)
			word(&w, "unusable (nan)", s->nan);
		if (s->high > 0)
			word(&w, "beyond +1e11 (inf)", s->high);
		if (s->low > 0)
			word(&w, "beyond -1e11 (-inf)", s->low);
		if (s->negzero > 0)
			word(&w, "-0.0 read as 0.0", s->negzero);
		fputc('\n', fp);
	}
	if (s->timed > 0) {
		fputs("  time (s) ", fp);
		write_ms(fp, "p50", tally_percentile(t, i, 50));
		write_ms(fp, "p90", tally_percentile(t, i, 90));
		write_ms(fp, "p99", tally_percentile(t, i, 99));
		write_ms(fp, "max", s->max_ms);
		fprintf(fp, "  (%llu ran)\n", s->timed);
	}
}

/* write_marks - a line for a mark that falls in band b */
static void
write_marks(FILE *fp, const struct band *b, long long at, const char *what,
    char c)
{
	char s[32], line[WIDTH + 1];
	int n;

	if (!marked(b, at))
		return;
	n = snprintf(line, sizeof(line), "%*s %s %s%s ", LABEL_W + COUNT_W,
	    "", what, bands_fmt(s, sizeof(s), at),
	    at == b->lo && b->edge == 0 ? "" : " (inside the band below)");
	if (n > WIDTH)
		n = WIDTH;
	memset(line + n, c, (size_t)(WIDTH - n));
	line[WIDTH] = '\0';
	memset(line + LABEL_W + 1, c, COUNT_W - 1);
	fprintf(fp, "%s\n", line);
}

static int
marked(const struct band *b, long long at)
{
	return at >= b->lo && at < b->hi;
}

/*
 * shown - whether band i gets a row: it has messages or a mark, or a
 * neighbour has
 */
static int
shown(const struct band *b, size_t n, size_t i, long long th, long long red)
{
	size_t j;

	for (j = i > 0 ? i - 1 : 0; j <= i + 1 && j < n; j++)
		if (bands_total(&b[j]) > 0 || marked(&b[j], th) ||
		    marked(&b[j], red))
			return 1;
	return 0;
}

/*
 * write_no_red - neither --margin nor the log's red= gives the red line:
 * say so, and what the log does show
 */
static void
write_no_red(FILE *fp, const struct tally *t, long long th)
{
	char s[32];
	long long d;

	fputs("; no red line\n(the log has no red=, --margin Y gives it)", fp);
	if (tally_lowest_red(t, &d) == 0)
		fprintf(fp, "; the lowest red score %s",
		    bands_fmt(s, sizeof(s), th + d));
}

static void
write_histogram(FILE *fp, const struct tally *t, const struct band *b,
    size_t n, long long width)
{
	unsigned long long max = 0, tot;
	long long th, m;
	int have_th, have_m, z, k, len;
	char s1[32], s2[32];
	size_t i;

	for (i = 0; i < n; i++)
		if ((tot = bands_total(&b[i])) > max)
			max = tot;
	have_th = tally_threshold(t, &th) == 0;
	have_m = tally_margin(t, &m) == 0;
	fprintf(fp, "\nscores of stage %s, %s a band", tally_score_stage(t),
	    bands_fmt(s1, sizeof(s1), width));
	if (have_th)
		fprintf(fp, "; threshold %s", bands_fmt(s1, sizeof(s1), th));
	if (have_th && have_m)
		fprintf(fp, ", red from %s", bands_fmt(s2, sizeof(s2), th + m));
	else if (have_th)
		write_no_red(fp, t, th);
	fprintf(fp, "\n%*s %*s  G green, Y yellow, R red, o other\n",
	    LABEL_W, "score", COUNT_W, "messages");
	for (i = 0; i < n; i++) {
		/* A run of empty bands without a mark is one "..." row. */
		if (!shown(b, n, i, have_th ? th : LLONG_MIN,
		    have_th && have_m ? th + m : LLONG_MIN)) {
			if (i == 0 || shown(b, n, i - 1, have_th ? th :
			    LLONG_MIN, have_th && have_m ? th + m : LLONG_MIN))
				fprintf(fp, "%*s\n", LABEL_W, "...");
			continue;
		}
		if (have_th)
			write_marks(fp, &b[i], th, "threshold", '-');
		if (have_th && have_m)
			write_marks(fp, &b[i], th + m, "red from", '=');
		if (b[i].edge < 0)
			snprintf(s2, sizeof(s2), "<%s",
			    bands_fmt(s1, sizeof(s1), b[i].hi));
		else if (b[i].edge > 0)
			snprintf(s2, sizeof(s2), ">=%s",
			    bands_fmt(s1, sizeof(s1), b[i].lo));
		else
			bands_fmt(s2, sizeof(s2), b[i].lo);
		fprintf(fp, "%*s %*llu |", LABEL_W, s2, COUNT_W,
		    bands_total(&b[i]));
		for (z = 0; z < TALLY_NZONES; z++) {
			if (b[i].n[z] == 0)
				continue;
			len = (int)((b[i].n[z] * BAR_W + max / 2) / max);
			if (len == 0)
				len = 1;
			for (k = 0; k < len; k++)
				fputc(zone_char[z], fp);
		}
		fputc('\n', fp);
	}
}

static void
whatif_row(FILE *fp, const struct tally *t, long long th, long long k,
    long long y, int today)
{
	struct tally_whatif w;
	char s1[32], s2[32];

	tally_whatif(t, k, y, &w);
	fprintf(fp, "%9s %6s %12llu %12llu %12llu %12llu%s\n",
	    bands_fmt(s1, sizeof(s1), th + k), bands_fmt(s2, sizeof(s2), y),
	    w.green, w.yellow, w.red, w.changed, today ? " *" : "");
}

/*
 * write_whatif - the margins at today's threshold, then the other
 * thresholds at today's margin (the JSON has every pair)
 */
static void
write_whatif(FILE *fp, const struct tally *t)
{
	long long th, m, k, y;
	int have_m;
	size_t i, j;

	if (tally_threshold(t, &th) == -1)
		return;
	have_m = tally_margin(t, &m) == 0;
	fputs("\nwhat if: the zones with another margin Y or threshold, "
	    "moved from each\nmessage's own required score (* today; "
	    "changed: green, yellow and red\nmessages in another zone)\n",
	    fp);
	fprintf(fp, "%9s %6s %12s %12s %12s %12s\n", "threshold", "Y",
	    "green", "yellow", "red", "changed");
	for (j = 0; j < TALLY_WHATIF_NY; j++) {
		y = tally_whatif_y(j);
		whatif_row(fp, t, th, 0, y, have_m && y == m);
	}
	if (!have_m) {
		fputs("(--margin Y adds the rows for other thresholds)\n", fp);
		return;
	}
	fputc('\n', fp);
	for (i = 0; i < TALLY_WHATIF_NK; i++)
		if ((k = tally_whatif_k(i)) != 0)
			whatif_row(fp, t, th, k, m, 0);
}

void
rtext_write(FILE *fp, const struct tally *t, const struct band *b, size_t n,
    long long width, int by_day)
{
	size_t i;

	write_lines(fp, t);
	write_verdicts(fp, t, by_day);
	for (i = 0; i < tally_nstages(t); i++)
		write_stage(fp, t, i);
	if (tally_stages_dropped(t) > 0)
		fprintf(fp, "\n(%llu stage fields of more than %d stage names "
		    "not counted)\n", tally_stages_dropped(t),
		    TALLY_STAGES_MAX);
	if (n > 0)
		write_histogram(fp, t, b, n, width);
	else
		fputs("\nno scores\n", fp);
	write_whatif(fp, t);
}
