/*
 * fuzz_conf.c - libFuzzer harness for conf.c: parse, print, parse again
 *
 * DESCRIPTION
 *	The input is a filters.conf.  When conf_parse_fd() accepts it,
 *	conf_write() prints the pipeline ("hi-q --check"), and the printed
 *	text must parse again into the same pipeline, field by field (numbers
 *	exactly, as doubles), and print the same text again.  An input that
 *	is refused needs an error with a text.  The sanitizers catch the
 *	rest.  "make fuzz" runs it; tests/fuzz/corpus/conf holds the seeds.
 */
#include <sys/mman.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* parse - text through a memory file, as conf_parse_fd() reads one */
static struct conf *
parse(const char *text, size_t n, struct conf_error *err)
{
	struct conf *c;
	int fd;

	if ((fd = memfd_create("fuzz.conf", MFD_CLOEXEC)) == -1 ||
	    write(fd, text, n) != (ssize_t)n || lseek(fd, 0, SEEK_SET) != 0)
		abort();
	c = conf_parse_fd(fd, "fuzz.conf", err);
	close(fd);
	return c;
}

static char *
print(const struct conf *c, size_t *n)
{
	char *text = NULL;
	FILE *fp;

	if ((fp = open_memstream(&text, n)) == NULL)
		abort();
	conf_write(fp, c);
	if (fclose(fp) != 0)
		abort();
	return text;
}

static void
same_str(const char *a, const char *b)
{
	if ((a == NULL) != (b == NULL) || (a != NULL && strcmp(a, b) != 0))
		abort();
}

static void
same_argv(char **a, char **b)
{
	size_t i;

	for (i = 0; a[i] != NULL || b[i] != NULL; i++) {
		if (a[i] == NULL || b[i] == NULL)
			abort();
		same_str(a[i], b[i]);
	}
}

/* same_conf - every field hi-q acts on; the line numbers may differ */
static void
same_conf(const struct conf *a, const struct conf *b)
{
	const struct stage_conf *x, *y;
	size_t i, j;

	same_argv(a->queue_argv, b->queue_argv);
	if (a->timeout != b->timeout || a->reply_fd != b->reply_fd ||
	    a->reply_code != b->reply_code || a->nstages != b->nstages)
		abort();
	same_str(a->user, b->user);
	same_str(a->spool, b->spool);
	for (i = 0; i < a->nstages; i++) {
		x = &a->stages[i];
		y = &b->stages[i];
		if (x->kind != y->kind || x->timeout != y->timeout ||
		    x->nrules != y->nrules || x->nskips != y->nskips)
			abort();
		same_str(x->name, y->name);
		same_argv(x->argv, y->argv);
		for (j = 0; j < x->nrules; j++) {
			if (x->rules[j].kind != y->rules[j].kind ||
			    x->rules[j].outcome != y->rules[j].outcome ||
			    memcmp(x->rules[j].codes, y->rules[j].codes,
			    sizeof(x->rules[j].codes)) != 0)
				abort();
			same_str(x->rules[j].text, y->rules[j].text);
			same_str(x->rules[j].header, y->rules[j].header);
			if (x->rules[j].reply != y->rules[j].reply)
				abort();
		}
		if (x->nmacros != y->nmacros || x->addr.len != y->addr.len ||
		    memcmp(&x->addr.ss, &y->addr.ss, x->addr.len) != 0)
			abort();
		for (j = 0; j < x->nmacros; j++) {
			same_str(x->macros[j].name, y->macros[j].name);
			same_str(x->macros[j].value, y->macros[j].value);
		}
		for (j = 0; j < x->nskips; j++) {
			same_str(x->skips[j].name, y->skips[j].name);
			same_str(x->skips[j].value, y->skips[j].value);
		}
		same_str(x->zone.header, y->zone.header);
		if (x->zone.header != NULL &&
		    (x->zone.absolute != y->zone.absolute ||
		    x->zone.missing != y->zone.missing ||
		    (x->zone.absolute ? x->zone.red_at != y->zone.red_at :
		    x->zone.margin != y->zone.margin)))
			abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct conf_error err;
	struct conf *c1, *c2, *c3;
	char *t1, *t2, *t3;
	size_t n1, n2, n3;

	if (size == 0)
		return 0;
	if ((c1 = parse((const char *)data, size, &err)) == NULL) {
		if (err.text == NULL || err.file == NULL)
			abort();
		conf_error_free(&err);
		return 0;
	}
	t1 = print(c1, &n1);
	if ((c2 = parse(t1, n1, &err)) == NULL) {
		fprintf(stderr, "printed text refused at line %u: %s\n%s",
		    err.line, err.text, t1);
		abort();
	}
	same_conf(c1, c2);
	t2 = print(c2, &n2);
	if ((c3 = parse(t2, n2, &err)) == NULL)
		abort();
	t3 = print(c3, &n3);
	/* t1 carries the input's line numbers; t2 and t3 their own. */
	if (n2 != n3 || memcmp(t2, t3, n2) != 0)
		abort();
	free(t1);
	free(t2);
	free(t3);
	conf_free(c1);
	conf_free(c2);
	conf_free(c3);
	return 0;
}
