/*
 * hi-q - a qmail-queue that judges the message before it is queued
 *
 * DESCRIPTION
 *	Run by qmail-smtpd (or any qmail-queue caller) through QMAILQUEUE,
 *	with the message on fd 0 and the envelope on fd 1.  hi-q reads its
 *	pipeline from filters.conf, runs the message through the stages and
 *	on into the real qmail-queue, and hands qmail-queue the envelope only
 *	when every stage has been judged and the verdict is accept.  Its exit
 *	code is what qmail-queue would have returned, so the client hears 250,
 *	451 or 554 before the SMTP connection closes.  See hi-q(8).
 *
 *	This file only reads options and the configuration; the run of one
 *	message does the work (src/hi-q/run*.c, with plan.c and judge.c).
 */
#include <sys/stat.h>
#include <sys/types.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <popt.h>

#include "conf.h"
#include "io.h"
#include "logfmt.h"
#include "msg.h"
#include "paths.h"
#include "qq.h"
#include "run.h"
#include "spawn.h"
#include "user.h"
#include "version.h"
#include "xalloc.h"


#define DEFAULT_CONFIG	HIQ_QMAILHOME "/control/filters.conf"
/* What --check adds to a problem found as qmail-smtpd's user. */
#define AS_SMTPD	" (as user " HIQ_QMAILD ")"

extern char **environ;

static void	usage(void) __attribute__((noreturn));
static int	check_programs(const struct conf *, const char *);
static int	check_conf(struct conf **);
static int	check_as_smtpd(struct conf **);
static int	one_message(const struct conf *);
static int	queue_is_self(const struct conf *);
static int	run_as(const struct conf *);
static int	become_user(const struct conf *, const char *);

/*
 * usage - the SYNOPSIS of hi-q(8), then 55: a caller that ran hi-q with
 * bad arguments defers the mail
 */
static void
usage(void)
{
	fputs("usage: hi-q [-c FILE] [--check]\n"
	    "       hi-q --help | --version\n", stderr);
	run_drain(CONF_TIMEOUT_DEFAULT);
	exit(QQ_BAD_CONFIG);
}

/*
 * queue_is_self - does the queue directive name this very program?
 *
 *	It would start itself for ever.  (QMAILQUEUE, which names hi-q, is
 *	never used to find the queue, and no child inherits it.)
 */
static int
queue_is_self(const struct conf *c)
{
	struct stat self, q;

	if (stat("/proc/self/exe", &self) == -1 ||
	    stat(c->queue_argv[0], &q) == -1)
		return 0;
	return self.st_dev == q.st_dev && self.st_ino == q.st_ino;
}

/*
 * run_as - started as root, run everything as the config's user
 *
 *	A caller that runs hi-q as root (local injection with QMAILQUEUE set
 *	for everyone) must not have the stages run as root without the
 *	config saying so: without a "user" line hi-q refuses.  Prints why and
 *	returns the exit code, or 0.
 */
static int
run_as(const struct conf *c)
{
	if (geteuid() != 0)
		return 0;
	if (c->user == NULL) {
		msg_error("%s: refused: hi-q runs as root and would run the "
		    "stages as root; name the user to run them as with "
		    "\"user NAME\"", c->file);
		return QQ_BAD_CONFIG;
	}
	return become_user(c, c->user);
}

/*
 * become_user - give up root for good, for user name (c names the file
 * the user came from); prints why not and returns the exit code, or 0
 */
static int
become_user(const struct conf *c, const char *name)
{
	uid_t uid;
	gid_t gid;
	int rc;

	if ((rc = user_lookup(name, &uid, &gid)) == USER_UNKNOWN) {
		msg_error("%s: user %s: no such user in %s", c->file, name,
		    USER_PASSWD);
		return QQ_BAD_CONFIG;
	}
	if (rc == -1) {
		msg_error_sys("%s: user %s: unable to read %s", c->file, name,
		    USER_PASSWD);
		return QQ_BAD_CONFIG;
	}
	if (user_become(uid, gid) == -1) {
		msg_error_sys("unable to become user %s", name);
		return QQ_TEMP_REJECT;
	}
	return 0;
}

/*
 * check_programs - for --check: would every program run?  The test is
 * spawn_check(), the one a message's run makes before each spawn, made
 * by the user that will run them; as ends each problem's message (" (as
 * user NAME)" when root checks as another user, or "")
 */
static int
check_programs(const struct conf *c, const char *as)
{
	const struct stage_conf *st;
	char *path;
	size_t i;
	int bad = 0, rc;

	if ((rc = spawn_check(c->queue_argv[0])) != 0) {
		path = msg_visible(c->queue_argv[0]);
		msg_error("%s: queue %s: %s%s", c->file, path, strerror(rc),
		    as);
		free(path);
		bad = 1;
	}
	for (i = 0; i < c->nstages; i++) {
		st = &c->stages[i];
		if (st->kind == STAGE_MILTER)
			continue;	/* a socket: the run's to connect */
		if ((rc = spawn_check(st->argv[0])) == 0)
			continue;
		path = msg_visible(st->argv[0]);
		msg_error("%s:%u: %s %s: %s: %s%s", c->file, st->line,
		    conf_kind_word(st->kind), st->name,
		    path, strerror(rc), as);
		free(path);
		bad = 1;
	}
	return bad ? -1 : 0;
}

/*
 * check_as_smtpd - --check as root without a "user" line: check as the
 * user qmail-smtpd runs hi-q as (QMAILD), who reads the file itself, so
 * *conf is read again as that user
 */
static int
check_as_smtpd(struct conf **conf)
{
	struct conf_error err;
	struct conf *c;
	uid_t uid;
	gid_t gid;

	if (user_lookup(HIQ_QMAILD, &uid, &gid) == USER_UNKNOWN) {
		msg_error("%s: no \"user\" line, and no user %s in %s to "
		    "check as: qmail-smtpd runs hi-q as %s; run --check as "
		    "the user that runs hi-q", (*conf)->file, HIQ_QMAILD,
		    USER_PASSWD, HIQ_QMAILD);
		return QQ_BAD_CONFIG;
	}
	if (become_user(*conf, HIQ_QMAILD) != 0)
		return QQ_BAD_CONFIG;
	if ((c = conf_parse_file((*conf)->file, &err)) == NULL) {
		if (err.line > 0)
			msg_error("%s:%u: %s" AS_SMTPD, err.file, err.line,
			    err.text);
		else
			msg_error("%s: %s" AS_SMTPD, err.file, err.text);
		conf_error_free(&err);
		return QQ_BAD_CONFIG;
	}
	conf_free(*conf);
	*conf = c;
	return 0;
}

/*
 * check_conf - --check: the programs, then the pipeline as understood
 *
 *	Started as root, hi-q checks as the user that will run it: the
 *	file's "user", or without one qmail-smtpd's (check_as_smtpd()).  A
 *	message run as root without a "user" line is refused; a check is
 *	not, since qmail-smtpd, which runs hi-q as its own user, needs none.
 */
static int
check_conf(struct conf **conf)
{
	const char *as = "";
	char *named = NULL;
	int code = 0, smtpd = 0;

	if (geteuid() == 0 && (*conf)->user == NULL) {
		code = check_as_smtpd(conf);
		as = AS_SMTPD;
		smtpd = 1;
	} else if (geteuid() == 0) {
		if (become_user(*conf, (*conf)->user) != 0)
			code = QQ_BAD_CONFIG;
		else if (getuid() != 0)
			as = named = xasprintf(" (as user %s)", (*conf)->user);
	}
	if (code == 0 && check_programs(*conf, as) != 0)
		code = QQ_BAD_CONFIG;
	free(named);
	if (code == 0) {
		printf("# %s: ok\n", (*conf)->file);
		if (smtpd)
			printf("# checked as %s, qmail-smtpd's user: no "
			    "\"user\" line needed\n", HIQ_QMAILD);
		conf_write(stdout, *conf);
	}
	if (fflush(stdout) == EOF || ferror(stdout)) {
		msg_error_sys("write error");
		code = QQ_BAD_CONFIG;
	}
	return code;
}

/* one_message - one message, on fd 0 and fd 1 */
static int
one_message(const struct conf *conf)
{
	char **env;
	int code;

	if (fcntl(0, F_GETFL) == -1 || fcntl(1, F_GETFL) == -1)
		die(QQ_READ_ERROR, "fd 0 and fd 1 must be open");
	/* Nothing hi-q was given may leak into a stage or qmail-queue. */
	if (io_cloexec_all(3) == -1)
		die_sys(QQ_TEMP_REJECT, "unable to mark descriptors "
		    "close-on-exec");
	if (conf->log_facility != CONF_LOG_STDERR)
		logfmt_set_syslog(conf->log_facility);
	/* QMAILQUEUE names hi-q: a stage that injects mail must not call
	 * hi-q again. */
	env = spawn_environ(environ, "QMAILQUEUE");
	code = run_message(conf, env);
	free(env);
	return code;
}

/*
 * main - options, configuration, then one message
 */
int
main(int argc, char **argv)
{
	char *config = NULL;
	int check = 0, version = 0, ran = 0, rc, code;
	const char *file;
	struct conf *conf;
	struct conf_error err;
	poptContext pc;
	struct poptOption options[] = {
		{ "config", 'c', POPT_ARG_STRING, &config, 0,
		  "read the pipeline from FILE", "FILE" },
		{ "check", '\0', POPT_ARG_NONE, &check, 0,
		  "check the configuration, print the pipeline, and exit",
		  NULL },
		{ "version", 'V', POPT_ARG_NONE, &version, 0,
		  "print the version and exit", NULL },
		POPT_AUTOHELP
		POPT_TABLEEND
	};

	msg_setup("hi-q", QQ_OOM);
	/* Closed standard descriptors would be reused by our pipes. */
	if (fcntl(2, F_GETFD) == -1 && open("/dev/null", O_WRONLY) != 2)
		_exit(QQ_INTERNAL);

	pc = poptGetContext("hi-q", argc, (const char **)(void *)argv, options,
	    0);
	poptSetOtherOptionHelp(pc, "[-c FILE] [--check]");
	if ((rc = poptGetNextOpt(pc)) < -1) {
		msg_error("%s: %s", poptBadOption(pc,
		    POPT_BADOPTION_NOALIAS), poptStrerror(rc));
		usage();
	}
	if (poptPeekArg(pc) != NULL) {
		msg_error("unexpected argument: %s", poptPeekArg(pc));
		usage();
	}
	if (version) {
		printf("hi-q %s\n", HIQ_VERSION);
		poptFreeContext(pc);
		return 0;
	}

	if (config != NULL)
		file = config;
	else if ((file = getenv("HIQ_CONFIG")) == NULL || *file == '\0')
		file = DEFAULT_CONFIG;
	code = QQ_BAD_CONFIG;
	if ((conf = conf_parse_file(file, &err)) == NULL) {
		if (err.line > 0)
			msg_error("%s:%u: %s", err.file, err.line, err.text);
		else
			msg_error("%s: %s", err.file, err.text);
		conf_error_free(&err);
	} else if (queue_is_self(conf))
		msg_error("%s: the queue program is hi-q itself; name the "
		    "real qmail-queue", conf->file);
	else if (check)
		code = check_conf(&conf);
	else if ((code = run_as(conf)) == 0) {
		code = one_message(conf);
		ran = 1;
	}
	/* The caller of a hi-q that could not start must not block. */
	if (!ran && !check)
		run_drain(conf != NULL ? conf->timeout : CONF_TIMEOUT_DEFAULT);
	if (conf != NULL)
		conf_free(conf);
	poptFreeContext(pc);
	free(config);
	return code;
}
