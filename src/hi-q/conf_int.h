/*
 * conf_int.h - the parts of the filters.conf parser, shared among them
 *
 * DESCRIPTION
 *	PRIVATE to conf.c (reading the file, splitting lines, the one table
 *	of directives with its duplicate guard, freeing), conf_top.c (the
 *	handlers of the top-level directives), conf_stage.c (those of a
 *	stage's directives) and conf_write.c ("hi-q --check" prints the
 *	pipeline); every other module sees conf.h alone.
 *
 *	struct parser is one parse: the conf being filled, the error to
 *	fill, the line, and the directives seen.  conf_fail() records the
 *	error at the current line and returns -1.  A handler gets the
 *	line's words, argv[0] the directive, once conf.c has found it in its
 *	table and passed the duplicate guard.
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

/* conf.c */
int	 conf_fail(struct parser *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
int	 conf_uint(const char *, unsigned, unsigned, unsigned *);
char	**conf_argv(int, const char **);

/* conf_top.c: "stage", "check", "qfilter" and "milter" open a stage */
int	 conf_top_stage(struct parser *, int, const char **);
int	 conf_top_queue(struct parser *, int, const char **);
int	 conf_top_spool(struct parser *, int, const char **);
int	 conf_top_timeout(struct parser *, int, const char **);
int	 conf_top_reply(struct parser *, int, const char **);
int	 conf_top_log(struct parser *, int, const char **);
int	 conf_top_user(struct parser *, int, const char **);
const char *conf_facility_name(int);

/* conf_stage.c: the open stage's lines */
int	 conf_stage_on(struct parser *, int, const char **);
int	 conf_stage_timeout(struct parser *, int, const char **);
int	 conf_stage_zone(struct parser *, int, const char **);
int	 conf_stage_skip(struct parser *, int, const char **);
int	 conf_stage_envelope(struct parser *, int, const char **);
int	 conf_stage_macro(struct parser *, int, const char **);

#endif /* HIQ_CONF_INT_H */
