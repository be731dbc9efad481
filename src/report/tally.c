/*
 * tally.c - the figures of hi-q-report, from message records
 *
 * DESCRIPTION
 *	See tally.h.  Everything is counted into fixed bins as the records
 *	arrive; nothing of a message is kept.  Both score histograms have
 *	an edge bin at each end, so a value of any size is counted once, on
 *	the right side of every threshold the what-if table asks about.
 *
 * ERRORS
 *	See tally.h.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "logfmt.h"
#include "tally.h"
#include "xalloc.h"

#define HIST_BINS	(2 * TALLY_SCORE_SPAN + 3)	/* edges included */
#define DIFF_LO		(-TALLY_DIFF_SPAN - 1)
#define DIFF_HI		(TALLY_DIFF_SPAN + 1)
#define DIFF_BINS	(DIFF_HI - DIFF_LO + 1)

struct stage_slot {
	struct tally_stage	 sum;
	char			*name;
	unsigned long long	*times;		/* TALLY_TIME_BINS */
};

/* The values seen most often, of at most TALLY_REQUIRED_MAX kinds. */
struct mode {
	long long		 v[TALLY_REQUIRED_MAX];
	unsigned long long	 n[TALLY_REQUIRED_MAX];
	size_t			 len;
};

struct day_slot {
	char			 name[11];
	unsigned long long	 verdict[OUTCOME_COUNT];
};

struct tally {
	struct tally_lines	 lines;
	unsigned long long	 verdict[OUTCOME_COUNT];
	struct day_slot		*days;
	size_t			 ndays;
	size_t			 last_day;
	struct stage_slot	 stages[TALLY_STAGES_MAX];
	size_t			 nstages;
	unsigned long long	 stages_dropped;
	char			*score_stage;
	unsigned long long	(*hist)[TALLY_NZONES];
	unsigned long long	(*diff)[TALLY_NZONES];
	struct mode		 required;
	struct mode		 logged;	/* red= less required */
	int			 have_red;
	long long		 red_min;	/* lowest red - required */
	int			 have_margin;
	long long		 margin;	/* tally_set_margin()'s */
};

static size_t		 time_bin(long long);
static long long	 bin_floor(size_t);
static size_t		 day_index(struct tally *, const char *);
static struct stage_slot *stage_slot(struct tally *, size_t, const char *);
static unsigned long long *score_count(struct tally_stage *,
			    enum logline_score);
static void		 add_stage(struct stage_slot *,
			    const struct logline_stage *);
static void		 add_score(struct tally *,
			    const struct logline_stage *);
static long long	 clamp(long long, long long, long long);
static void		 mode_add(struct mode *, long long);
static int		 mode_get(const struct mode *, long long *);
static enum tally_zone	 zone_of(enum outcome);

struct tally *
tally_new(const char *score_stage)
{
	struct tally *t;

	t = xcalloc(1, sizeof(*t));
	t->hist = xcalloc(HIST_BINS, sizeof(*t->hist));
	t->diff = xcalloc(DIFF_BINS, sizeof(*t->diff));
	if (score_stage != NULL)
		t->score_stage = xstrdup(score_stage);
	return t;
}

void
tally_free(struct tally *t)
{
	size_t i;

	if (t == NULL)
		return;
	for (i = 0; i < t->nstages; i++) {
		free(t->stages[i].name);
		free(t->stages[i].times);
	}
	free(t->days);
	free(t->hist);
	free(t->diff);
	free(t->score_stage);
	free(t);
}

static long long
clamp(long long v, long long lo, long long hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

/* time_bin - exact below 512 ms, then 256 bins per power of two */
static size_t
time_bin(long long ms)
{
	unsigned long long v = (unsigned long long)ms;
	int e;

	if (v < 512)
		return (size_t)v;
	e = 63 - __builtin_clzll(v);
	return 512 + (size_t)(e - 9) * 256 + (size_t)((v >> (e - 8)) & 255);
}

/* bin_floor - the smallest time in a bin */
static long long
bin_floor(size_t b)
{
	size_t e, sub;

	if (b < 512)
		return (long long)b;
	e = 9 + (b - 512) / 256;
	sub = (b - 512) % 256;
	return (long long)((256 + sub) << (e - 8));
}

void
tally_count(struct tally *t, enum logline_kind kind, enum logline_form form)
{
	t->lines.total++;
	t->lines.kind[kind]++;
	if (kind == LOGLINE_MESSAGE)
		t->lines.form[form]++;
}

void
tally_count_too_long(struct tally *t)
{
	t->lines.total++;
	t->lines.too_long++;
}

void
tally_set_margin(struct tally *t, long long m10)
{
	t->have_margin = 1;
	t->margin = m10;
}

/* day_index - the day's slot; logs are in order, so try the last first */
static size_t
day_index(struct tally *t, const char *day)
{
	size_t i;

	if (t->ndays > 0 && strcmp(t->days[t->last_day].name, day) == 0)
		return t->last_day;
	for (i = 0; i < t->ndays; i++)
		if (strcmp(t->days[i].name, day) == 0)
			return t->last_day = i;
	if (t->ndays == TALLY_DAYS_MAX)
		return t->last_day = t->ndays - 1;	/* "other" */
	t->days = xreallocarray(t->days, t->ndays + 1, sizeof(*t->days));
	memset(&t->days[t->ndays], 0, sizeof(t->days[0]));
	memcpy(t->days[t->ndays].name, t->ndays == TALLY_DAYS_MAX - 1 ?
	    "other" : day, sizeof(t->days[0].name));
	t->days[t->ndays].name[sizeof(t->days[0].name) - 1] = '\0';
	return t->last_day = t->ndays++;
}

static struct stage_slot *
stage_slot(struct tally *t, size_t hint, const char *name)
{
	struct stage_slot *s;
	size_t i;

	/* Stages come in the order of filters.conf: try the same place. */
	if (hint < t->nstages && strcmp(t->stages[hint].name, name) == 0)
		return &t->stages[hint];
	for (i = 0; i < t->nstages; i++)
		if (strcmp(t->stages[i].name, name) == 0)
			return &t->stages[i];
	if (t->nstages == TALLY_STAGES_MAX) {
		t->stages_dropped++;
		return NULL;
	}
	s = &t->stages[t->nstages++];
	s->name = xstrdup(name);
	s->sum.name = s->name;
	return s;
}

/* score_count - a stage's counter of the scores of kind k; NULL: none */
static unsigned long long *
score_count(struct tally_stage *sum, enum logline_score k)
{
	switch (k) {
	case LOGLINE_SCORE_OK:
		return &sum->scored;
	case LOGLINE_SCORE_NAN:
		return &sum->nan;
	case LOGLINE_SCORE_HIGH:
		return &sum->high;
	case LOGLINE_SCORE_LOW:
		return &sum->low;
	case LOGLINE_SCORE_NONE:
		break;
	}
	return NULL;
}

static void
add_stage(struct stage_slot *s, const struct logline_stage *l)
{
	struct tally_stage *sum = &s->sum;
	unsigned long long *count;
	int timed = 0;

	sum->n++;
	sum->outcome[l->outcome]++;
	sum->status[l->status]++;
	/* The time of a stage that ended by itself, or at its deadline. */
	switch (l->status) {
	case STATUS_EXITED:
		sum->exits[l->value]++;
		timed = 1;
		break;
	case STATUS_SIGNALED:
		sum->signals[l->value]++;
		timed = 1;
		break;
	case STATUS_TIMEOUT:
	case STATUS_ACCEPT:
	case STATUS_REJECT:
	case STATUS_TEMPFAIL:
	case STATUS_DISCARD:
	case STATUS_QUARANTINE:
	case STATUS_FAILURE:
		timed = 1;
		break;
	case STATUS_RUNNING:
	case STATUS_SKIPPED:
	case STATUS_NOEXEC:
	case STATUS_ABORTED:
	case STATUS_UNREACHED:
		break;
	}
	/*
	 * Without a score: passed on unscanned (over spamc's -s, spamd down
	 * without -x), or deferred by the stage itself (spamd down with -x,
	 * a timeout).  A stage stopped because another decided is neither.
	 */
	if (l->score == LOGLINE_SCORE_NONE && l->status == STATUS_EXITED &&
	    (l->outcome == OUTCOME_GREEN || l->outcome == OUTCOME_YELLOW))
		sum->unscanned++;
	if (l->score == LOGLINE_SCORE_NONE && l->outcome == OUTCOME_TEMPFAIL &&
	    l->status != STATUS_ABORTED && l->status != STATUS_RUNNING)
		sum->deferred++;
	if (timed) {
		if (s->times == NULL)
			s->times = xcalloc(TALLY_TIME_BINS, sizeof(*s->times));
		s->times[time_bin(l->ms)]++;
		if (sum->timed++ == 0 || l->ms > sum->max_ms)
			sum->max_ms = l->ms;
	}
	if ((count = score_count(sum, l->score)) != NULL)
		(*count)++;
	if (l->negzero)
		sum->negzero++;
}

static enum tally_zone
zone_of(enum outcome o)
{
	switch (o) {
	case OUTCOME_GREEN:
		return TALLY_GREEN;
	case OUTCOME_YELLOW:
		return TALLY_YELLOW;
	case OUTCOME_RED:
		return TALLY_RED;
	case OUTCOME_DISCARD:
	case OUTCOME_TEMPFAIL:
		break;
	}
	return TALLY_OTHER;
}

static void
add_score(struct tally *t, const struct logline_stage *l)
{
	enum tally_zone z = zone_of(l->outcome);
	long long d;

	switch (l->score) {
	case LOGLINE_SCORE_NONE:
	case LOGLINE_SCORE_NAN:
		return;
	case LOGLINE_SCORE_HIGH:
		t->hist[HIST_BINS - 1][z]++;
		t->diff[DIFF_BINS - 1][z]++;
		return;
	case LOGLINE_SCORE_LOW:
		t->hist[0][z]++;
		t->diff[0][z]++;
		return;
	case LOGLINE_SCORE_OK:
		break;
	}
	t->hist[clamp(l->score10, TALLY_BELOW, TALLY_ABOVE) - TALLY_BELOW][z]++;
	d = l->score10 - l->required10;
	t->diff[clamp(d, DIFF_LO, DIFF_HI) - DIFF_LO][z]++;
	if (z == TALLY_RED && d >= 0 && (!t->have_red || d < t->red_min)) {
		t->have_red = 1;
		t->red_min = d;
	}
	mode_add(&t->required, l->required10);
	if (l->have_red)
		mode_add(&t->logged, l->red10 - l->required10);
}

/* mode_add - count v; a kind past the first TALLY_REQUIRED_MAX is not */
static void
mode_add(struct mode *m, long long v)
{
	size_t i;

	for (i = 0; i < m->len; i++)
		if (m->v[i] == v)
			break;
	if (i == m->len) {
		if (i == TALLY_REQUIRED_MAX)
			return;
		m->v[m->len++] = v;
	}
	m->n[i]++;
}

/* mode_get - the value counted most often (the first of a tie); -1: none */
static int
mode_get(const struct mode *m, long long *v)
{
	size_t i, best = 0;

	if (m->len == 0)
		return -1;
	for (i = 1; i < m->len; i++)
		if (m->n[i] > m->n[best])
			best = i;
	*v = m->v[best];
	return 0;
}

void
tally_add(struct tally *t, const struct logline_rec *rec)
{
	struct stage_slot *s;
	size_t i, d;
	int scored = 0;

	t->verdict[rec->verdict]++;
	d = day_index(t, rec->day);
	t->days[d].verdict[rec->verdict]++;
	for (i = 0; i < rec->nstages; i++) {
		if ((s = stage_slot(t, i, rec->stages[i].name)) != NULL)
			add_stage(s, &rec->stages[i]);
		if (scored || rec->stages[i].score == LOGLINE_SCORE_NONE)
			continue;
		if (t->score_stage == NULL)
			t->score_stage = xstrdup(rec->stages[i].name);
		if (strcmp(t->score_stage, rec->stages[i].name) == 0) {
			add_score(t, &rec->stages[i]);
			scored = 1;
		}
	}
}

const struct tally_lines *
tally_lines(const struct tally *t)
{
	return &t->lines;
}

size_t
tally_ndays(const struct tally *t)
{
	return t->ndays;
}

const char *
tally_day(const struct tally *t, size_t i)
{
	return t->days[i].name;
}

void
tally_verdicts(const struct tally *t, size_t day,
    unsigned long long out[OUTCOME_COUNT])
{
	memcpy(out, day == TALLY_ALL ? t->verdict : t->days[day].verdict,
	    sizeof(t->verdict));
}

size_t
tally_nstages(const struct tally *t)
{
	return t->nstages;
}

unsigned long long
tally_stages_dropped(const struct tally *t)
{
	return t->stages_dropped;
}

const struct tally_stage *
tally_stage(const struct tally *t, size_t i)
{
	return &t->stages[i].sum;
}

/*
 * tally_percentile - the p-th percentile of stage i's time, in ms
 *
 *	Nearest rank: the smallest time with at least ceil(p% of n) times
 *	at or below it (the bin's floor above 512 ms).  -1 without times.
 */
long long
tally_percentile(const struct tally *t, size_t i, unsigned p)
{
	const struct stage_slot *s = &t->stages[i];
	unsigned long long rank, seen = 0;
	size_t b;

	if (s->sum.timed == 0)
		return -1;
	rank = (s->sum.timed * p + 99) / 100;
	if (rank == 0)
		rank = 1;
	for (b = 0; b < TALLY_TIME_BINS; b++) {
		seen += s->times[b];
		if (seen >= rank)
			return bin_floor(b);
	}
	return s->sum.max_ms;
}

const char *
tally_score_stage(const struct tally *t)
{
	return t->score_stage;
}

/* tally_threshold - the required score most messages had, in tenths */
int
tally_threshold(const struct tally *t, long long *t10)
{
	return mode_get(&t->required, t10);
}

/*
 * tally_margin - the margin Y in tenths: as set, or the logged red line
 * less the required score, the one most messages had; -1: neither
 */
int
tally_margin(const struct tally *t, long long *m10)
{
	if (!t->have_margin)
		return mode_get(&t->logged, m10);
	*m10 = t->margin;
	return 0;
}

/*
 * tally_lowest_red - the lowest score of a red message, less its required
 * score, at or above it: a fact, not the red line (red may have come from
 * a rule)
 */
int
tally_lowest_red(const struct tally *t, long long *d10)
{
	if (!t->have_red)
		return -1;
	*d10 = t->red_min;
	return 0;
}

/* tally_score_span - the lowest and highest score bin in use */
int
tally_score_span(const struct tally *t, long long *lo, long long *hi)
{
	size_t b, first = HIST_BINS, last = 0;
	int z;

	for (b = 0; b < HIST_BINS; b++)
		for (z = 0; z < TALLY_NZONES; z++)
			if (t->hist[b][z] != 0) {
				if (first == HIST_BINS)
					first = b;
				last = b;
			}
	if (first == HIST_BINS)
		return -1;
	*lo = (long long)first + TALLY_BELOW;
	*hi = (long long)last + TALLY_BELOW;
	return 0;
}

/*
 * tally_band - messages per zone with a score in [lo, hi) tenths
 *
 *	TALLY_BELOW and TALLY_ABOVE stand for the edge bins.
 */
void
tally_band(const struct tally *t, long long lo, long long hi,
    unsigned long long out[TALLY_NZONES])
{
	long long v;
	int z;

	memset(out, 0, sizeof(out[0]) * TALLY_NZONES);
	lo = clamp(lo, TALLY_BELOW, TALLY_ABOVE + 1);
	hi = clamp(hi, TALLY_BELOW, TALLY_ABOVE + 1);
	for (v = lo; v < hi; v++)
		for (z = 0; z < TALLY_NZONES; z++)
			out[z] += t->hist[v - TALLY_BELOW][z];
}

/*
 * tally_whatif - zones with the threshold moved by k tenths (from each
 * message's own required score) and a margin of y tenths
 *
 *	Red from required + k + y, yellow from required + k.  changed
 *	counts the green, yellow and red messages whose zone would differ.
 */
void
tally_whatif(const struct tally *t, long long k, long long y,
    struct tally_whatif *w)
{
	unsigned long long n;
	long long d, yl, rl;
	enum tally_zone now, then;
	int z;

	memset(w, 0, sizeof(*w));
	yl = clamp(k, DIFF_LO + 1, DIFF_HI);
	rl = clamp(k + y, DIFF_LO + 1, DIFF_HI);
	for (d = DIFF_LO; d <= DIFF_HI; d++)
		for (z = 0; z < TALLY_NZONES; z++) {
			if ((n = t->diff[d - DIFF_LO][z]) == 0)
				continue;
			then = d >= rl ? TALLY_RED : d >= yl ? TALLY_YELLOW :
			    TALLY_GREEN;
			if (then == TALLY_RED)
				w->red += n;
			else if (then == TALLY_YELLOW)
				w->yellow += n;
			else
				w->green += n;
			now = (enum tally_zone)z;
			if (now != TALLY_OTHER && now != then)
				w->changed += n;
		}
}

/* tally_whatif_k - the i-th threshold shift of the grid, in tenths */
long long
tally_whatif_k(size_t i)
{
	return -10 + 5 * (long long)i;
}

/* tally_whatif_y - the j-th margin of the grid, in tenths */
long long
tally_whatif_y(size_t j)
{
	return 5 + 5 * (long long)j;
}

/* tally_zone_name - "green", "yellow", "red" or "other" */
const char *
tally_zone_name(enum tally_zone z)
{
	static const char *const names[TALLY_NZONES] = {
		"green", "yellow", "red", "other"
	};

	return names[z];
}

/*
 * tally_stage_statuses - fn(arg, word, count) for each status the stage
 * ended with, by its word in the log (logfmt_status()): every exitN, then
 * every signalN, then the statuses without a number, in their order
 */
void
tally_stage_statuses(const struct tally_stage *s,
    void (*fn)(void *, const char *, unsigned long long), void *arg)
{
	char word[LOGFMT_STATUS_MAX];
	int k;

	for (k = 0; k < 256; k++)
		if (s->exits[k] > 0)
			fn(arg, logfmt_status(word, STATUS_EXITED, k),
			    s->exits[k]);
	for (k = 0; k < 128; k++)
		if (s->signals[k] > 0)
			fn(arg, logfmt_status(word, STATUS_SIGNALED, k),
			    s->signals[k]);
	for (k = 0; k < STATUS_COUNT; k++)
		if (k != STATUS_EXITED && k != STATUS_SIGNALED &&
		    s->status[k] > 0)
			fn(arg, logfmt_status(word, (enum stage_status)k, 0),
			    s->status[k]);
}
