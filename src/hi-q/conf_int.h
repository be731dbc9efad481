/*
 * conf_int.h - the parts of the filters.conf parser, shared among them
 *
 * DESCRIPTION
 *	PRIVATE to conf.c (reading the file, splitting lines, freeing),
 *	conf_top.c (the top-level directives), conf_stage.c (the directives
 *	of a stage) and conf_write.c ("hi-q --check" prints the pipeline);
 *	every other module sees conf.h alone.
 *
 *	struct parser is one parse: the conf being filled, the error to
 *	fill, the line, and the directives seen.  conf_fail() records the
 *	error at the current line and returns -1.  Each part's directives
 *	are a table of struct conf_directive: its word, whether it may come
 *	only once, and its handler, which gets the line's words.
 *	conf_dispatch() finds a line's directive in a table and calls its
 *	handler, past the one duplicate guard ("duplicate ...", "for stage
 *	NAME" when stage names the stage open), or refuses a word that is not
 *	in it ("unknown directive", "unknown stage directive").
 *
 * ERRORS
 *	Every handler returns 0, or -1 after conf_fail().
 */
#ifndef HIQ_CONF_INT_H
#define HIQ_CONF_INT_H

#include <stddef.h>

#include "conf.h"

struct parser {
	struct conf		*conf;
	struct conf_error	*err;
	unsigned		 line;
	unsigned long long	 bytes;		/* read, up to this line */
	unsigned		 seen_top;	/* a bit per top directive */
	unsigned		 seen_stage;	/* the same, for its stage */
};

struct conf_directive {
	const char	*word;
	int		 once;		/* a second one is refused */
	int		(*fn)(struct parser *, int, const char **);
};

/* conf.c */
int	 conf_fail(struct parser *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
int	 conf_uint(const char *, unsigned, unsigned, unsigned *);
char	**conf_argv(int, const char **);
int	 conf_dispatch(struct parser *, const struct conf_directive *,
	    size_t, unsigned *, const char *, int, const char **);

/* conf_top.c */
int	 conf_top(struct parser *, int, const char **);
const char *conf_facility_name(int);

/* conf_stage.c */
int	 conf_stage(struct parser *, int, const char **);

#endif /* HIQ_CONF_INT_H */
