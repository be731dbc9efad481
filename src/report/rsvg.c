/*
 * rsvg.c - hi-q-report's score histogram as a standalone SVG picture
 *
 * DESCRIPTION
 *	See rsvg.h.  Coordinates are in user units of a fixed 720 x 380
 *	view box; the picture scales with its viewer.  Text from the log
 *	(the stage name) is escaped for XML.
 *
 * ERRORS
 *	See rsvg.h.
 */
#include <stdio.h>
#include <string.h>

#include "rsvg.h"

#define VIEW_W	720
#define VIEW_H	380
#define PLOT_L	70.0
#define PLOT_R	700.0
#define PLOT_T	60.0
#define PLOT_B	300.0

static const char *const bar_color[TALLY_NZONES] = {
	"#2e7d32", "#f9a825", "#c62828", "#757575"
};

/* What every part of the picture needs to know. */
struct plot {
	const struct band	*b;
	size_t			 n;
	double			 w;		/* a band's width */
	unsigned long long	 max;		/* the highest band */
	int			 have_th;
	int			 have_m;
	long long		 th;
	long long		 m;
};

static void	xml(FILE *, const char *);
static double	xpos(const struct band *, size_t, long long);
static void	label(const struct band *, char *, size_t);
static void	shade(FILE *, double, double, const char *);
static void	mark(FILE *, double, const char *, long long, double);
static void	write_head(FILE *, const struct tally *, unsigned long long,
		    long long);
static void	write_zones(FILE *, const struct plot *);
static void	write_bars(FILE *, const struct plot *);
static void	write_axes(FILE *, const struct plot *);
static void	write_legend(FILE *);

/* xml - s as XML text: markup escaped, controls and non-ASCII as "?" */
static void
xml(FILE *fp, const char *s)
{
	static const char markup[] = "<>&\"";
	static const char *const entity[] = {
		"&lt;", "&gt;", "&amp;", "&quot;"
	};
	const char *m;
	unsigned char c;

	for (; (c = (unsigned char)*s) != '\0'; s++)
		if ((m = strchr(markup, c)) != NULL)
			fputs(entity[m - markup], fp);
		else if (c < 0x20 || c >= 0x7f)
			/* XML 1.0 forbids most controls; bytes may not be
			 * UTF-8. */
			fputc('?', fp);
		else
			fputc(c, fp);
}

/* xpos - where score v (tenths) falls on the x axis */
static double
xpos(const struct band *b, size_t n, long long v)
{
	double w = (PLOT_R - PLOT_L) / (double)n;
	size_t i;

	for (i = 0; i < n; i++) {
		if (b[i].edge != 0)
			continue;
		if (v < b[i].lo)
			return PLOT_L + (double)i * w;
		if (v < b[i].hi)
			return PLOT_L + ((double)i + (double)(v - b[i].lo) /
			    (double)(b[i].hi - b[i].lo)) * w;
	}
	for (i = n; i > 0 && b[i - 1].edge != 0; i--)
		continue;
	return PLOT_L + (double)i * w;
}

static void
label(const struct band *b, char *s, size_t size)
{
	char t[32];

	if (b->edge < 0)
		snprintf(s, size, "&lt;%s", bands_fmt(t, sizeof(t), b->hi));
	else if (b->edge > 0)
		snprintf(s, size, "&#8805;%s", bands_fmt(t, sizeof(t), b->lo));
	else
		bands_fmt(s, size, b->lo);
}

static void
shade(FILE *fp, double x0, double x1, const char *color)
{
	if (x1 > x0)
		fprintf(fp, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
		    "height=\"%.1f\" fill=\"%s\"/>\n", x0, PLOT_T, x1 - x0,
		    PLOT_B - PLOT_T, color);
}

static void
mark(FILE *fp, double x, const char *what, long long v, double y)
{
	char s[32];

	fprintf(fp, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
	    "stroke=\"#000\" stroke-width=\"1.5\" stroke-dasharray=\"6 3\"/>\n"
	    "<text x=\"%.1f\" y=\"%.1f\" font-size=\"11\" "
	    "text-anchor=\"middle\">%s %s</text>\n", x, PLOT_T - 4, x, PLOT_B,
	    x, y, what, bands_fmt(s, sizeof(s), v));
}

/* write_head - the document, its title and the picture's heading */
static void
write_head(FILE *fp, const struct tally *t, unsigned long long all,
    long long width)
{
	char s[48];

	fprintf(fp, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" "
	    "width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
	    "font-family=\"sans-serif\">\n", VIEW_W, VIEW_H, VIEW_W, VIEW_H);
	fputs("<title>hi-q-report: score histogram</title>\n"
	    "<rect width=\"100%\" height=\"100%\" fill=\"#fff\"/>\n", fp);
	fputs("<text x=\"360\" y=\"20\" font-size=\"14\" "
	    "text-anchor=\"middle\">Scores of stage ", fp);
	xml(fp, tally_score_stage(t) != NULL ? tally_score_stage(t) : "-");
	fprintf(fp, ": %llu messages, %s a band</text>\n", all,
	    bands_fmt(s, sizeof(s), width));
}

/* write_zones - the zones, shaded behind the bars */
static void
write_zones(FILE *fp, const struct plot *p)
{
	double x;

	x = p->have_th ? xpos(p->b, p->n, p->th) : PLOT_R;
	shade(fp, PLOT_L, x, "#e8f5e9");
	if (p->have_th && p->have_m) {
		shade(fp, x, xpos(p->b, p->n, p->th + p->m), "#fff8e1");
		shade(fp, xpos(p->b, p->n, p->th + p->m), PLOT_R, "#ffebee");
	} else if (p->have_th)
		shade(fp, x, PLOT_R, "#fff8e1");
}

/* write_bars - one stack per band, and the count over each */
static void
write_bars(FILE *fp, const struct plot *p)
{
	const struct band *b = p->b;
	unsigned long long tot;
	double y, h, w = p->w;
	size_t i;
	int z, counts_fit;
	char s[32];

	/* A count over its bar only if the widest fits (9-unit digits). */
	snprintf(s, sizeof(s), "%llu", p->max);
	counts_fit = (double)strlen(s) * 5.5 <= w;
	for (i = 0; i < p->n; i++) {
		y = PLOT_B;
		for (z = 0; z < TALLY_NZONES; z++) {
			if (b[i].n[z] == 0)
				continue;
			h = (double)b[i].n[z] / (double)p->max *
			    (PLOT_B - PLOT_T - 14);
			y -= h;
			fprintf(fp, "<rect x=\"%.1f\" y=\"%.1f\" "
			    "width=\"%.1f\" height=\"%.1f\" fill=\"%s\">"
			    "<title>%llu %s</title></rect>\n",
			    PLOT_L + (double)i * w + w * 0.1, y, w * 0.8, h,
			    bar_color[z], b[i].n[z],
			    tally_zone_name((enum tally_zone)z));
		}
		if ((tot = bands_total(&b[i])) > 0 && counts_fit)
			fprintf(fp, "<text x=\"%.1f\" y=\"%.1f\" "
			    "font-size=\"9\" text-anchor=\"middle\">%llu"
			    "</text>\n", PLOT_L + ((double)i + 0.5) * w,
			    y - 3, tot);
	}
}

/* write_axes - axes, ticks and their labels */
static void
write_axes(FILE *fp, const struct plot *p)
{
	double x, y;
	size_t i, every;
	int z;
	char s[48];

	fprintf(fp, "<path d=\"M%.1f %.1fV%.1fH%.1f\" fill=\"none\" "
	    "stroke=\"#000\"/>\n", PLOT_L, PLOT_T, PLOT_B, PLOT_R);
	every = (p->n + 14) / 15;
	for (i = 0; i < p->n; i += every) {
		label(&p->b[i], s, sizeof(s));
		x = PLOT_L + (double)i * p->w + (p->b[i].edge ? p->w / 2 : 0);
		fprintf(fp, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
		    "y2=\"%.1f\" stroke=\"#000\"/>\n<text x=\"%.1f\" "
		    "y=\"%.1f\" font-size=\"10\" text-anchor=\"middle\">%s"
		    "</text>\n", x, PLOT_B, x, PLOT_B + 4, x, PLOT_B + 16, s);
	}
	for (z = 0; z <= 2; z++) {
		y = PLOT_B - (double)z / 2 * (PLOT_B - PLOT_T - 14);
		fprintf(fp, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
		    "y2=\"%.1f\" stroke=\"#000\"/>\n<text x=\"%.1f\" "
		    "y=\"%.1f\" font-size=\"10\" text-anchor=\"end\">%llu"
		    "</text>\n", PLOT_L - 4, y, PLOT_L, y, PLOT_L - 6, y + 3,
		    p->max * (unsigned long long)z / 2);
	}
	fprintf(fp, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"12\" "
	    "text-anchor=\"middle\">score</text>\n", (PLOT_L + PLOT_R) / 2,
	    PLOT_B + 34);
	fprintf(fp, "<text x=\"16\" y=\"%.1f\" font-size=\"12\" "
	    "text-anchor=\"middle\" transform=\"rotate(-90 16 %.1f)\">"
	    "messages</text>\n", (PLOT_T + PLOT_B) / 2, (PLOT_T + PLOT_B) / 2);
}

/* write_legend - the colour of each zone a message fell in */
static void
write_legend(FILE *fp)
{
	double x;
	int z;

	for (z = 0; z < TALLY_NZONES; z++) {
		x = PLOT_L + 150 * z;
		fprintf(fp, "<rect x=\"%.1f\" y=\"%.1f\" width=\"10\" "
		    "height=\"10\" fill=\"%s\"/>\n<text x=\"%.1f\" "
		    "y=\"%.1f\" font-size=\"11\">%s</text>\n", x,
		    PLOT_B + 50, bar_color[z], x + 14, PLOT_B + 59,
		    tally_zone_name((enum tally_zone)z));
	}
}

void
rsvg_write(FILE *fp, const struct tally *t, const struct band *b, size_t n,
    long long width)
{
	struct plot p;
	unsigned long long tot, all = 0;
	size_t i;

	memset(&p, 0, sizeof(p));
	p.b = b;
	p.n = n;
	for (i = 0; i < n; i++) {
		tot = bands_total(&b[i]);
		all += tot;
		if (tot > p.max)
			p.max = tot;
	}
	p.have_th = tally_threshold(t, &p.th) == 0;
	p.have_m = tally_margin(t, &p.m) == 0;
	write_head(fp, t, all, width);
	if (n == 0) {
		fputs("<text x=\"360\" y=\"180\" text-anchor=\"middle\">"
		    "no scores</text>\n</svg>\n", fp);
		return;
	}
	p.w = (PLOT_R - PLOT_L) / (double)n;
	write_zones(fp, &p);
	write_bars(fp, &p);
	if (p.have_th)
		mark(fp, xpos(b, n, p.th), "threshold", p.th, PLOT_T - 22);
	if (p.have_th && p.have_m)
		mark(fp, xpos(b, n, p.th + p.m), "red from", p.th + p.m,
		    PLOT_T - 8);
	write_axes(fp, &p);
	write_legend(fp);
	fputs("</svg>\n", fp);
}
