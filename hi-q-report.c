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
 *	src/util/lines.c reads lines, src/report/logline.c parses them,
 *	src/report/tally.c counts, bands.c cuts the histogram, and rtext.c,
 *	rjson.c and rsvg.c write it out.
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
#include "logline.h"
#include "msg.h"
#include "number.h"
#include "rjson.h"
#include "rsvg.h"
#include "rtext.h"
#include "tally.h"
#include "version.h"

enum {
	REPORT_EXIT_OK = 0,
	REPORT_EXIT_USAGE = 100,
	REPORT_EXIT_SYSTEM = 111
};

struct shape;

static void	usage(void) __attribute__((noreturn));
static int	parse_points(const char *, long long *);
static int	read_input(struct tally *, const char *, int);
static int	close_output(FILE *, const char *);
static void	check_options(struct shape *);
static int	read_inputs(struct tally *, const char **);
static int	write_outputs(const struct tally *, const struct shape *);

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

/* The options, bound by popt. */
static struct {
	char	*by, *stage, *margin, *band, *from, *to, *svg;
	int	 verbose, json, version;
} o;

static struct poptOption options[] = {
	{ "verbose", 'v', POPT_ARG_NONE, &o.verbose, 0,
	  "show each malformed, truncated or too long line with its number",
	  NULL },
	{ "by", 'b', POPT_ARG_STRING, &o.by, 0,
	  "also count the verdicts per day", "day" },
	{ "stage", 's', POPT_ARG_STRING, &o.stage, 0,
	  "the stage whose scores to draw (default: the first with a score)",
	  "NAME" },
	{ "margin", 'Y', POPT_ARG_STRING, &o.margin, 0,
	  "today's margin, for the red line (default: the one hi-q logged, "
	  "red=)", "Y" },
	{ "band", 'w', POPT_ARG_STRING, &o.band, 0,
	  "histogram band width in points (default 1; 0.1 to 100)", "W" },
	{ "from", 0, POPT_ARG_STRING, &o.from, 0,
	  "histogram from this score", "SCORE" },
	{ "to", 0, POPT_ARG_STRING, &o.to, 0,
	  "histogram to this score", "SCORE" },
	{ "json", 'j', POPT_ARG_NONE, &o.json, 0,
	  "print the figures as JSON instead of text", NULL },
	{ "svg", 0, POPT_ARG_STRING, &o.svg, 0,
	  "also draw the histogram as SVG into FILE", "FILE" },
	{ "version", 'V', POPT_ARG_NONE, &o.version, 0,
	  "print the version and exit", NULL },
	POPT_AUTOHELP
	POPT_TABLEEND
};

/* What the options ask of the figures, in tenths of a point. */
struct shape {
	long long	 width;		/* a band */
	int		 range;		/* --from and --to given */
	long long	 lo, hi;
	long long	 margin;	/* when o.margin is set */
};

/* check_options - the options' values, or the usage and exit 100 */
static void
check_options(struct shape *sh)
{
	memset(sh, 0, sizeof(*sh));
	sh->width = 10;
	if (o.by != NULL && strcmp(o.by, "day") != 0) {
		msg_error("--by takes only \"day\"");
		usage();
	}
	if (o.band != NULL && (parse_points(o.band, &sh->width) == -1 ||
	    sh->width < 1 || sh->width > 1000)) {
		msg_error("bad band width: %s", o.band);
		usage();
	}
	if ((o.from != NULL && parse_points(o.from, &sh->lo) == -1) ||
	    (o.to != NULL && parse_points(o.to, &sh->hi) == -1) ||
	    (o.margin != NULL && (parse_points(o.margin, &sh->margin) == -1 ||
	    sh->margin < 0))) {
		msg_error("bad score in --from, --to or --margin (want "
		    "digits with at most one decimal, within 1000)");
		usage();
	}
	if ((o.from != NULL) != (o.to != NULL) ||
	    (o.from != NULL && sh->hi < sh->lo)) {
		msg_error("give --from and --to together, --from below "
		    "--to");
		usage();
	}
	sh->range = o.from != NULL;
}

/* read_inputs - every file named, or standard input; -1 if one failed */
static int
read_inputs(struct tally *t, const char **args)
{
	size_t i;
	int rc = 0;

	if (args == NULL || args[0] == NULL)
		return read_input(t, "-", o.verbose);
	for (i = 0; args[i] != NULL; i++)
		if (read_input(t, args[i], o.verbose) == -1)
			rc = -1;
	return rc;
}

/* write_outputs - the figures as text or JSON, and the SVG if asked */
static int
write_outputs(const struct tally *t, const struct shape *sh)
{
	struct band *b;
	FILE *fp;
	size_t n;
	int rc = 0;

	n = bands_make(t, sh->width, sh->range, sh->lo, sh->hi, &b);
	if (o.json)
		rjson_write(stdout, t, b, n, sh->width, o.by != NULL);
	else
		rtext_write(stdout, t, b, n, sh->width, o.by != NULL);
	if (close_output(stdout, "standard output") == -1)
		rc = -1;
	if (o.svg != NULL) {
		if ((fp = fopen(o.svg, "we")) == NULL) {
			msg_error_sys("unable to create %s", o.svg);
			rc = -1;
		} else {
			rsvg_write(fp, t, b, n, sh->width);
			if (close_output(fp, o.svg) == -1)
				rc = -1;
		}
	}
	free(b);
	return rc;
}

/*
 * main - options, every input, then the figures
 */
int
main(int argc, char **argv)
{
	struct shape sh;
	struct tally *t;
	poptContext pc;
	int rc, code = REPORT_EXIT_OK;

	msg_setup("hi-q-report", REPORT_EXIT_SYSTEM);
	pc = poptGetContext("hi-q-report", argc, (const char **)(void *)argv,
	    options, 0);
	poptSetOtherOptionHelp(pc, "[OPTION...] [FILE ...]");
	if ((rc = poptGetNextOpt(pc)) < -1) {
		msg_error("%s: %s", poptBadOption(pc,
		    POPT_BADOPTION_NOALIAS), poptStrerror(rc));
		usage();
	}
	if (o.version) {
		printf("hi-q-report %s\n", HIQ_VERSION);
		poptFreeContext(pc);
		return REPORT_EXIT_OK;
	}
	check_options(&sh);
	t = tally_new(o.stage);
	if (o.margin != NULL)
		tally_set_margin(t, sh.margin);
	if (read_inputs(t, poptGetArgs(pc)) == -1)
		code = REPORT_EXIT_SYSTEM;
	if (write_outputs(t, &sh) == -1)
		code = REPORT_EXIT_SYSTEM;
	tally_free(t);
	poptFreeContext(pc);
	free(o.by);
	free(o.stage);
	free(o.margin);
	free(o.band);
	free(o.from);
	free(o.to);
	free(o.svg);
	return code;
}
