/*
 * conf.h - filters.conf to struct conf
 *
 * DESCRIPTION
 *	conf_parse_file() reads a filters.conf (docs/filters.conf.5) and
 *	returns the pipeline it describes; conf_parse_fd() does the same for
 *	an open descriptor, from its offset, naming it for error messages.
 *	Parsing is pure: it opens nothing but the file, runs nothing and
 *	checks no program.  conf_free() releases a conf.
 *
 *	conf_kind_word() is the directive that opens a stage of a kind
 *	("stage", "check", "qfilter", "milter"); conf_stage_late() says
 *	whether a stage starts only once the message and the envelope are in
 *	(a qfilter, a milter, or a stage or check marked "envelope").
 *
 *	Only the end of the file ends it: a read that fails is an error, never
 *	taken for the end.  A line is at most CONF_LINE_MAX bytes and the file
 *	CONF_FILE_MAX: past either it is refused at that line, so memory
 *	stays bounded whatever the file holds and only a little more than the
 *	limit is ever read.  A NUL byte is refused at its line.
 *
 *	conf_parse_file() refuses, before it reads a byte, a file that is not
 *	a regular file (a FIFO would block, a device may never end), and, as
 *	sshd refuses a loose key file, a file that is group- or
 *	world-writable or owned by a user other than root and the one running
 *	hi-q: whoever can change the file chooses the programs that see all
 *	mail, and the user they run as.  It opens without blocking, so a FIFO
 *	cannot hold it.
 *
 * ERRORS
 *	Both parsers return NULL and fill *err: the file, the line (0 when the
 *	file itself could not be read) and what is wrong; a text that quotes
 *	the file shows its control and non-ASCII bytes as \xHH.
 *	conf_error_free() releases the text.  hi-q turns every such error into
 *	QQ_BAD_CONFIG.  Out of memory: die(QQ_OOM).
 */
#ifndef HIQ_CONF_H
#define HIQ_CONF_H

#include <stddef.h>
#include <stdio.h>

#include "milter_codec.h"
#include "rule.h"
#include "zone.h"

#define CONF_TIMEOUT_DEFAULT	300	/* seconds, whole message */
#define CONF_TIMEOUT_MAX	86400
#define CONF_NAME_MAX		64	/* stage name length */
#define CONF_TEXT_MAX		254	/* SMTP text, without its D or Z */
#define CONF_REPLY_FD_DEFAULT	6	/* notqmail's custom error channel */
#define CONF_REPLY_CODE_DEFAULT	82
#define CONF_USER_MAX		32	/* "user NAME" length */
#define CONF_CHECKS_MAX		15	/* checks in a row, between stages */
#define CONF_LOG_STDERR		(-1)	/* log_facility: no syslog copy */
/*
 * A milter's silence limit, restarted by every packet it sends: Postfix's
 * milter_content_timeout, the longest of its milter timeouts, so that no
 * milter Postfix waits for is cut short here.
 */
#define CONF_MILTER_TIMEOUT_DEFAULT	300
#define CONF_MACRO_NAME_MAX	64	/* "macro NAME VALUE": NAME's length */
/*
 * A line of a hand-written file is short; a generated skip-if-env list
 * fits some 2,500 NAME=VALUE words on one line, and its lines add up.
 */
#define CONF_LINE_MAX		65536	/* bytes in a line, newline excluded */
#define CONF_FILE_MAX		1048576	/* bytes in the file */

/*
 * "skip-if-env NAME" (value NULL) or "skip-if-env NAME=VALUE"; the same
 * for "only-if-env".
 */
struct skip_env {
	char	*name;
	char	*value;
};

/*
 * A filter ("stage") passes the message on, possibly changed; a check
 * ("check") gets a copy, and only its exit status counts: its output is
 * thrown away and the message goes on unchanged.  A qfilter ("qfilter")
 * has qmail-qfilter's interface: it starts once the message and the
 * envelope are in, with the message in a file on fd 0, a file for the new
 * message on fd 1, the envelope on fd 3 and a file for a new one on fd 4.
 * A milter ("milter") is no program: hi-q speaks the milter protocol to
 * the socket in argv[0] itself, once the message and the envelope are in.
 */
enum stage_kind {
	STAGE_FILTER,
	STAGE_CHECK,
	STAGE_QFILTER,
	STAGE_MILTER
};

/* "macro NAME VALUE": a macro a milter stage sends at connect. */
struct conf_macro {
	char	*name;		/* "j" or "{daemon_name}", as written */
	char	*value;
};

struct stage_conf {
	enum stage_kind	 kind;
	char		*name;
	char		**argv;		/* NULL-terminated; argv[0] the path,
					   a milter's socket */
	struct milter_addr addr;	/* a milter's socket, parsed */
	struct conf_macro *macros;	/* a milter's */
	size_t		 nmacros;
	struct rule	*rules;
	size_t		 nrules;
	struct skip_env	*skips;
	size_t		 nskips;
	struct skip_env	*onlys;		/* "only-if-env" */
	size_t		 nonlys;
	int		 envelope;	/* "envelope": starts once it is in */
	unsigned	 timeout;	/* seconds; 0: only the message's; a
					   milter's silence limit */
	struct zone_conf zone;		/* zone.header NULL: none */
	unsigned	 line;
};

struct conf {
	char		 *file;
	char		**queue_argv;	/* NULL-terminated */
	unsigned	  timeout;	/* seconds, whole message */
	int		  reply_fd;	/* -1: never write reply text */
	int		  reply_code;
	char		 *user;		/* runs the pipeline for root; NULL */
	char		 *spool;	/* directory the message waits in */
	struct stage_conf *stages;
	size_t		  nstages;
	int		  log_facility;	/* LOG_MAIL...: the line to syslog
					   too; or CONF_LOG_STDERR */
};

struct conf_error {
	char		*file;
	unsigned	 line;
	char		*text;
};

struct conf	*conf_parse_file(const char *, struct conf_error *);
struct conf	*conf_parse_fd(int, const char *, struct conf_error *);
void		 conf_free(struct conf *);
void		 conf_error_free(struct conf_error *);
int		 conf_split_line(const char *, int *, const char ***,
		    const char **);
void		 conf_write(FILE *, const struct conf *);
const char	*conf_kind_word(enum stage_kind);
int		 conf_stage_late(const struct stage_conf *);

#endif /* HIQ_CONF_H */
