/*
 * qq-sink - a qmail-queue stand-in that commits into a Maildir-style folder
 *
 * DESCRIPTION
 *	Debian does not package qmail, so hi-q's tests and demo end here.
 *	qq-sink reads fd 0 and fd 1 the way qmail-queue does: the whole
 *	message first, to its end, then the envelope up to its final \0,
 *	checked with the same rules and exit codes, each read from where the
 *	last one left off (envelope_more()), so its cost is linear.  Only
 *	when both were read whole does it commit them, atomically: it writes
 *	DIR/tmp/ID/message and DIR/tmp/ID/envelope, fsyncs both, and renames
 *	the ID directory into DIR/new.  A reader of DIR/new never sees half a
 *	message.
 *
 *	--fail CODE with --fail-at start, message or envelope makes it exit
 *	with CODE at that point without committing, to stand for a failing
 *	qmail-queue (53 disk full, 54 read error ...).  See qq-sink(8).
 *
 *	--journal FILE appends one line to FILE when qq-sink starts and one
 *	when it ends, with the bytes it wrote and the fsyncs it made, so a
 *	test can count how often the queue program ran and what a message
 *	cost the queue's disk.
 *
 *	Unlike qmail-queue it adds no Received: line, so what the tests find
 *	in DIR/new is exactly what hi-q handed over.
 *
 * ERRORS
 *	The codes qmail-queue uses: 11 address too long, 52 timeout, 53 write
 *	error, 54 read error (also: envelope truncated or missing), 55 no
 *	folder given, 81 internal, 91 envelope format error.
 */
#include <sys/stat.h>
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <popt.h>

#include "buf.h"
#include "envelope.h"
#include "io.h"
#include "msg.h"
#include "qq.h"
#include "xalloc.h"

#define SINK_DEATH	86400		/* seconds, as qmail-queue's alarm */
#define SINK_ENV_MAX	(64U << 20)

static char *tmpdir;			/* DIR/tmp/ID while it exists */
static char *msgfile;
static char *envfile;
static int journal_fd = -1;		/* --journal; -1: none */
static unsigned long long written;	/* bytes written under DIR */
static unsigned long fsyncs;

static void	 cleanup(void);
static void	 die_cleanup(void);
static void	 journal(const char *);
static int	 sync_fd(int);
static void	 on_alarm(int);
static int	 write_file(const char *, const char *, size_t);
static void	 copy_message(int);
static void	 read_envelope(struct buf *, struct envelope *);
static void	 read_options(int, char **);
static void	 fail_at(const char *);
static char	*make_tmpdir(const char *);
static void	 commit(const char *);

static void
cleanup(void)
{
	if (msgfile != NULL)
		(void)unlink(msgfile);
	if (envfile != NULL)
		(void)unlink(envfile);
	if (tmpdir != NULL)
		(void)rmdir(tmpdir);
}

/*
 * journal - one line of this run's story in the --journal file: the
 * event, our pid, what we wrote and synced so far.  One write(2) with
 * O_APPEND, so lines of concurrent sinks never mix.  Best effort: the
 * journal is for tests and benchmarks, never a reason to fail a message.
 */
static void
journal(const char *event)
{
	char line[128];
	int n;

	if (journal_fd == -1)
		return;
	n = snprintf(line, sizeof(line), "%s pid=%ld written=%llu fsyncs=%lu\n",
	    event, (long)getpid(), written, fsyncs);
	if (n > 0 && (size_t)n < sizeof(line))
		(void)io_write_all(journal_fd, line, (size_t)n);
}

/* die_cleanup - what die() runs: the journal's last line, then cleanup */
static void
die_cleanup(void)
{
	journal("abort");
	cleanup();
}

/* sync_fd - fsync(2), counted for the journal */
static int
sync_fd(int fd)
{
	fsyncs++;
	return fsync(fd);
}

/*
 * WARNING: signal handler; only async-signal-safe calls.  cleanup() makes
 * none but unlink and rmdir.
 */
static void
on_alarm(int sig)
{
	(void)sig;
	cleanup();
	_exit(QQ_TIMEOUT);
}

static void
copy_message(int fd)
{
	char chunk[65536];
	ssize_t n;

	for (;;) {
		if ((n = io_read(0, chunk, sizeof(chunk))) == -1)
			die_sys(QQ_READ_ERROR, "read message");
		if (n == 0)
			break;
		if (io_write_all(fd, chunk, (size_t)n) == -1)
			die_sys(QQ_WRITE_ERROR, "write %s", msgfile);
		written += (unsigned long long)n;
	}
	if (sync_fd(fd) == -1)
		die_sys(QQ_WRITE_ERROR, "fsync %s", msgfile);
	if (close(fd) == -1)
		die_sys(QQ_WRITE_ERROR, "close %s", msgfile);
}

/*
 * read_envelope - read fd 1 until the envelope is complete, no further
 *
 *	qmail-queue stops reading at the final \0; so do we.  Each read is
 *	checked from where the last one left off (envelope_more()), so a
 *	million recipients cost one pass, not one pass per read.
 */
static void
read_envelope(struct buf *b, struct envelope *env)
{
	char chunk[4096];
	ssize_t n;
	int rc;

	memset(env, 0, sizeof(*env));
	for (;;) {
		rc = envelope_more(b->data, b->len, env);
		if (rc == QQ_OK)
			return;
		if (rc != QQ_READ_ERROR)
			die(rc, "bad envelope (exit %d)", rc);
		if ((n = io_read(1, chunk, sizeof(chunk))) == -1)
			die_sys(QQ_READ_ERROR, "read envelope");
		if (n == 0) {
			/* As qmail-queue: the caller gave up; say nothing. */
			journal("abort");
			cleanup();
			_exit(QQ_READ_ERROR);
		}
		if (buf_append(b, chunk, (size_t)n) == -1)
			die(QQ_OOM, "envelope too large");
	}
}

static int
write_file(const char *path, const char *data, size_t len)
{
	int fd;

	if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
	    0644)) == -1)
		return -1;
	if (io_write_all(fd, data, len) == -1 || sync_fd(fd) == -1) {
		(void)close(fd);
		return -1;
	}
	written += len;
	return close(fd);
}

/* The options, bound by popt. */
static struct {
	char	*dir, *when, *jpath;
	int	 fail;
} o = { NULL, NULL, NULL, -1 };

static struct poptOption options[] = {
	{ "dir", 'd', POPT_ARG_STRING, &o.dir, 0,
	  "commit into DIR/new (default: $QQ_SINK_DIR)", "DIR" },
	{ "fail", 'f', POPT_ARG_INT, &o.fail, 0,
	  "exit with CODE instead of committing", "CODE" },
	{ "fail-at", '\0', POPT_ARG_STRING, &o.when, 0,
	  "when to fail: start, message (read) or envelope (read)", "WHEN" },
	{ "journal", 'j', POPT_ARG_STRING, &o.jpath, 0,
	  "append a line to FILE at each start and end", "FILE" },
	POPT_AUTOHELP
	POPT_TABLEEND
};

/* read_options - the options, checked; a bad one exits QQ_BAD_CONFIG */
static void
read_options(int argc, char **argv)
{
	poptContext pc;
	int rc;

	pc = poptGetContext("qq-sink", argc, (const char **)(void *)argv,
	    options, 0);
	if ((rc = poptGetNextOpt(pc)) < -1) {
		msg_error("%s: %s", poptBadOption(pc,
		    POPT_BADOPTION_NOALIAS), poptStrerror(rc));
		exit(QQ_BAD_CONFIG);
	}
	if (poptPeekArg(pc) != NULL)
		die(QQ_BAD_CONFIG, "unexpected argument: %s", poptPeekArg(pc));
	poptFreeContext(pc);
	if (o.when == NULL)
		o.when = xstrdup("envelope");
	if (strcmp(o.when, "start") != 0 && strcmp(o.when, "message") != 0 &&
	    strcmp(o.when, "envelope") != 0)
		die(QQ_BAD_CONFIG, "--fail-at wants start, message or "
		    "envelope");
	if (o.fail > 255 || (o.fail < 0 && o.fail != -1))
		die(QQ_BAD_CONFIG, "--fail wants a code from 0 to 255");
	if (o.dir == NULL && (o.dir = getenv("QQ_SINK_DIR")) == NULL)
		die(QQ_BAD_CONFIG, "no folder: give -d DIR or QQ_SINK_DIR");
}

/* fail_at - at point when, the --fail asked for: exit without a commit */
static void
fail_at(const char *when)
{
	if (o.fail < 0 || strcmp(o.when, when) != 0)
		return;
	journal("fail");
	cleanup();
	_exit(o.fail);
}

/*
 * make_tmpdir - DIR, DIR/tmp and DIR/new as needed, and this run's
 * DIR/tmp/ID (tmpdir); returns DIR/new
 */
static char *
make_tmpdir(const char *dir)
{
	static unsigned long counter;
	struct timespec ts;
	char *sub, *newsub;

	sub = xasprintf("%s/tmp", dir);
	newsub = xasprintf("%s/new", dir);
	if ((mkdir(dir, 0755) == -1 && errno != EEXIST) ||
	    (mkdir(sub, 0755) == -1 && errno != EEXIST) ||
	    (mkdir(newsub, 0755) == -1 && errno != EEXIST))
		die_sys(QQ_WRITE_ERROR, "mkdir %s", dir);
	if (clock_gettime(CLOCK_REALTIME, &ts) == -1)
		die_sys(QQ_INTERNAL, "clock_gettime");
	counter++;
	tmpdir = xasprintf("%s/%lld.%09ld.%ld.%lu", sub, (long long)ts.tv_sec,
	    ts.tv_nsec, (long)getpid(), counter);
	if (mkdir(tmpdir, 0755) == -1)
		die_sys(QQ_WRITE_ERROR, "mkdir %s", tmpdir);
	free(sub);
	return newsub;
}

/* commit - one rename makes message and envelope appear in newsub */
static void
commit(const char *newsub)
{
	char *newdir;
	int fd;

	newdir = xasprintf("%s/%s", newsub, strrchr(tmpdir, '/') + 1);
	if (rename(tmpdir, newdir) == -1)
		die_sys(QQ_WRITE_ERROR, "rename %s", tmpdir);
	msg_cleanup(NULL);
	if ((fd = open(newsub, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1 ||
	    sync_fd(fd) == -1 || close(fd) == -1)
		die_sys(QQ_WRITE_ERROR, "fsync %s", newsub);
	journal("commit");
	free(newdir);
}

int
main(int argc, char **argv)
{
	char *newsub;
	struct buf envbuf;
	struct envelope env;
	int fd;

	msg_setup("qq-sink", QQ_OOM);
	read_options(argc, argv);
	if (o.jpath != NULL && (journal_fd = open(o.jpath,
	    O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644)) == -1)
		die_sys(QQ_WRITE_ERROR, "open %s", o.jpath);
	journal("start");
	fail_at("start");
	if (signal(SIGALRM, on_alarm) == SIG_ERR)
		die_sys(QQ_INTERNAL, "signal");
	alarm(SINK_DEATH);
	msg_cleanup(die_cleanup);

	newsub = make_tmpdir(o.dir);
	msgfile = xasprintf("%s/message", tmpdir);
	if ((fd = open(msgfile, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
	    0644)) == -1)
		die_sys(QQ_WRITE_ERROR, "open %s", msgfile);
	copy_message(fd);
	fail_at("message");

	buf_init(&envbuf, SINK_ENV_MAX);
	read_envelope(&envbuf, &env);
	fail_at("envelope");
	envfile = xasprintf("%s/envelope", tmpdir);
	if (write_file(envfile, envbuf.data, env.used) == -1)
		die_sys(QQ_WRITE_ERROR, "write %s", envfile);
	commit(newsub);
	buf_free(&envbuf);
	free(newsub);
	free(msgfile);
	free(envfile);
	free(tmpdir);
	free(o.when);
	free(o.jpath);
	free(o.dir != getenv("QQ_SINK_DIR") ? o.dir : NULL);
	return QQ_OK;
}
