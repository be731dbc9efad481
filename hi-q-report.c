/*
 * hi-q-report - turn hi-q's log into the figures an admin tunes from
 *
 * DESCRIPTION
 *	"hi-q-report [options] [FILE ...]" reads hi-q's per-message lines
 *	(hi-q(8), LOG FORMAT) from the files, or from standard input, in the
 *	forms logs keep them (multilog, syslog, journalctl, bare), skips and
 *	counts everything else, and prints the messages per verdict (per day
 *	with --by day), per-stage outcomes, statuses and time percentiles,
 *	the score histogram with the threshold and the red line, and a
 *	what-if table for other thresholds and margins.  --json prints the
 *	same figures as JSON, --svg FILE draws the histogram.  See
 *	hi-q-report(8).
 *
 *	This file reads the options and the input and picks the output;
 *	src/lines.c reads lines, src/logline.c parses them, src/tally.c
 *	counts, src/bands.c cuts the histogram, and src/rtext.c, rjson.c and
 *	rsvg.c write it out.
 *
 * ERRORS
 *	Exit 0 when every input was read and the output written, 100 for a
 *	bad option or argument (after the usage message), 111 when a file
 *	cannot be opened or read or the output cannot be written.  Bad lines
 *	are counted, never an error.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <popt.h>

#include "bands.h"
#include "lines.h"
#include "msg.h"
#include "logline.h"
#include "number.h"
#include "paths.h"
#include "rjson.h"
#include "rsvg.h"
#include "rtext.h"
#include "tally.h"

enum {
	REPORT_EXIT_OK = 0,
	REPORT_EXIT_USAGE = 100,
	REPORT_EXIT_SYSTEM = 111
};

static void	usage(void) __attribute__((noreturn));
static int	parse_points(const char *, long long *);
static int	read_input(struct tally *, const char *, int);
static int	close_output(FILE *, const char *);

/* usage - print the SYNOPSIS of hi-q-report(8), exactly, and exit 100 */
static void
usage(void)
{
	fputs("usage: hi-q-report [-v] [--by day] [--stage NAME] "
	    "[--margin Y] [--band W]\n"
	    "                   [--from SCORE] [--to SCORE] [--json] "
	    "[--svg FILE] [FILE ...]\n"
	    "       hi-q-report --help | --version\n", stderr);
	exit(REPORT_EXIT_USAGE);
}

/*
 * parse_points - a score as options take it, "2", "-0.5", "7.5": a number
 * of number.h with at most one decimal, into tenths, within
 * +-TALLY_SCORE_SPAN
 */
static int
parse_points(const char *s, long long *t10)
{
	const char *dot;
	double v;

	if (number_parse(s, strlen(s), &v) == -1 ||
	    ((dot = strchr(s, '.')) != NULL && strlen(dot + 1) > 1) ||
	    fabs(v) * 10 > TALLY_SCORE_SPAN)
		return -1;
	*t10 = llround(v * 10);
	return 0;
}

/* read_input - count every line of one input; -1 when it fails */
static int
read_input(struct tally *t, const char *name, int verbose)
{
	static const char *const kinds[] = {
		"message", "hi-q", "foreign", "malformed", "truncated"
	};
	struct logline_parser p;
	struct logline_rec rec;
	enum logline_kind kind;
	struct lines l;
	char *line;
	size_t len;
	int fd, flags, rc;

	if (strcmp(name, "-") == 0)
		fd = 0;
	else if ((fd = open(name, O_RDONLY | O_CLOEXEC)) == -1) {
		msg_error_sys("unable to open %s", name);
		return -1;
	}
	lines_init(&l, fd, LINES_MAX);
	logline_init(&p);
	while ((rc = lines_next(&l, &line, &len, &flags)) == 1) {
		if (flags & LINES_TOO_LONG) {
			tally_count_too_long(t);
			if (verbose)
				msg_error("%s:%llu: too long (over %u "
				    "bytes)", name, lines_number(&l),
				    LINES_MAX);
			continue;
		}
		kind = logline_parse(&p, line, len, &rec);
		tally_count(t, kind, rec.form);
		if (kind == LOGLINE_MESSAGE)
			tally_add(t, &rec);
		else if (verbose && (kind == LOGLINE_MALFORMED ||
		    kind == LOGLINE_TRUNCATED))
			msg_error("%s:%llu: %s: %s", name,
			    lines_number(&l), kinds[kind], rec.why);
	}
	if (rc == -1)
		msg_error_sys("unable to read %s", name);
	logline_free(&p);
	lines_free(&l);
	if (fd != 0 && close(fd) == -1 && rc != -1) {
		msg_error_sys("unable to read %s", name);
		rc = -1;
	}
	return rc;
}

static int
close_output(FILE *fp, const char *name)
{
	int bad = ferror(fp);

	if (fclose(fp) == EOF || bad) {
		msg_error("unable to write %s: %s", name,
		    bad ? "write error" : strerror(errno));
		return -1;
	}
	return 0;
}

/*
 * main - options, every input, then the figures
 */
int
main(int argc, char **argv)
{
	char *by = NULL, *stage = NULL, *margin = NULL, *band = NULL;
	char *from = NULL, *to = NULL, *svg = NULL;
	int verbose = 0, json = 0, version = 0, rc, code = REPORT_EXIT_OK;
	long long width = 10, lo = 0, hi = 0, m;
	const char **args;
	struct tally *t;
	struct band *b;
	size_t n, i;
	FILE *fp;
	poptContext pc;
	struct poptOption options[] = {
		{ "verbose", 'v', POPT_ARG_NONE, &verbose, 0,
		  "show each malformed, truncated or too long line with its "
		  "number", NULL },
		{ "by", 'b', POPT_ARG_STRING, &by, 0,
		  "also count the verdicts per day", "day" },
		{ "stage", 's', POPT_ARG_STRING, &stage, 0,
		  "the stage whose scores to draw (default: the first with a "
		  "score)", "NAME" },
		{ "margin", 'Y', POPT_ARG_STRING, &margin, 0,
		  "today's margin, for the red line (default: the lowest red "
		  "score seen)", "Y" },
		{ "band", 'w', POPT_ARG_STRING, &band, 0,
		  "histogram band width in points (default 1; 0.1 to 100)",
		  "W" },
		{ "from", 0, POPT_ARG_STRING, &from, 0,
		  "histogram from this score", "SCORE" },
		{ "to", 0, POPT_ARG_STRING, &to, 0,
		  "histogram to this score", "SCORE" },
		{ "json", 'j', POPT_ARG_NONE, &json, 0,
		  "print the figures as JSON instead of text", NULL },
		{ "svg", 0, POPT_ARG_STRING, &svg, 0,
		  "also draw the histogram as SVG into FILE", "FILE" },
		{ "version", 'V', POPT_ARG_NONE, &version, 0,
		  "print the version and exit", NULL },
		POPT_AUTOHELP
		POPT_TABLEEND
	};

	msg_setup("hi-q-report", REPORT_EXIT_SYSTEM);
	pc = poptGetContext("hi-q-report", argc, (const char **)(void *)argv,
	    options, 0);
	poptSetOtherOptionHelp(pc, "[OPTION...] [FILE ...]");
	if ((rc = poptGetNextOpt(pc)) < -1) {
		msg_error("%s: %s", poptBadOption(pc,
		    POPT_BADOPTION_NOALIAS), poptStrerror(rc));
		usage();
	}
	if (version) {
		printf("hi-q-report %s\n", HIQ_VERSION);
		poptFreeContext(pc);
		return REPORT_EXIT_OK;
	}
	if (by != NULL && strcmp(by, "day") != 0) {
		msg_error("--by takes only \"day\"");
		usage();
	}
	if (band != NULL && (parse_points(band, &width) == -1 || width < 1 ||
	    width > 1000)) {
		msg_error("bad band width: %s", band);
		usage();
	}
	if ((from != NULL && parse_points(from, &lo) == -1) ||
	    (to != NULL && parse_points(to, &hi) == -1) ||
	    (margin != NULL && (parse_points(margin, &m) == -1 || m < 0))) {
		msg_error("bad score in --from, --to or --margin (want "
		    "digits with at most one decimal, within 1000)");
		usage();
	}
	if ((from != NULL) != (to != NULL) || (from != NULL && hi < lo)) {
		msg_error("give --from and --to together, --from below "
		    "--to");
		usage();
	}

	t = tally_new(stage);
	if (margin != NULL)
		tally_set_margin(t, m);
	args = poptGetArgs(pc);
	if (args == NULL || args[0] == NULL) {
		if (read_input(t, "-", verbose) == -1)
			code = REPORT_EXIT_SYSTEM;
	} else
		for (i = 0; args[i] != NULL; i++)
			if (read_input(t, args[i], verbose) == -1)
				code = REPORT_EXIT_SYSTEM;

	n = bands_make(t, width, from != NULL, lo, hi, &b);
	if (json)
		rjson_write(stdout, t, b, n, width, by != NULL);
	else
		rtext_write(stdout, t, b, n, width, by != NULL);
	if (close_output(stdout, "standard output") == -1)
		code = REPORT_EXIT_SYSTEM;
	if (svg != NULL) {
		if ((fp = fopen(svg, "we")) == NULL) {
			msg_error_sys("unable to create %s", svg);
			code = REPORT_EXIT_SYSTEM;
		} else {
			rsvg_write(fp, t, b, n, width);
			if (close_output(fp, svg) == -1)
				code = REPORT_EXIT_SYSTEM;
		}
	}
	free(b);
	tally_free(t);
	poptFreeContext(pc);
	free(by);
	free(stage);
	free(margin);
	free(band);
	free(from);
	free(to);
	free(svg);
	return code;
}
