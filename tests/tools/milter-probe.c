/*
 * milter-probe - run one message through one milter, as hi-q's milter
 *	stage would, and show what came of it
 *
 * DESCRIPTION
 *	milter-probe [-H] [-h HELO] [-m NAME=VALUE]... [-u NAME=VALUE]...
 *	    [-n COUNT] [-q] [-t SECONDS] [-T TMPDIR] [-o FILE] [-e FILE]
 *	    SOCKET MESSAGE ENVELOPE
 *
 *	Connects to the milter at SOCKET (libmilter's syntax: unix:/path,
 *	inet:PORT@HOST, inet6:PORT@HOST) and runs one milter session
 *	(src/hi-q/milter_session.c) in a plain poll loop, with the message in
 *	the file MESSAGE and the envelope (qmail-queue's format) in the
 *	file ENVELOPE.  The client is TCPREMOTEIP, TCPREMOTEHOST and
 *	TCPREMOTEPORT from the environment, as hi-q gets them from
 *	tcpserver.  -H hides the message's first Received field, as hi-q
 *	does for qmail-smtpd's own; -h gives the HELO name; -m gives a
 *	macro, -u one of the user's own (also sent at connect).  The
 *	session's timeout is SECONDS (30), restarted whenever the milter
 *	sends a packet.  -n runs COUNT sessions one after another (for
 *	bench/, with -q), reporting the last one.
 *
 *	It prints the outcome, the reply code and its text, why the session
 *	failed (or the quarantine reason), then, after an accept, the
 *	envelope and the message as the modifications left them
 *	(src/hi-q/milter_edit.c), or to the files given with -o and -e:
 *
 *	    outcome: accept
 *	    mods: 3, body replaced
 *	    envelope: F<a@example.org> T<b@example.com>
 *	    --- message
 *	    ...
 *
 *	Exit 0 when the session ended with a reply, 1 when it failed, 2 at
 *	the timeout, 100 for a usage error, 111 for a system error.  Only
 *	for the tests and bench/; it is not installed.
 */
#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "io.h"
#include "milter_codec.h"
#include "milter_edit.h"
#include "milter_session.h"
#include "xalloc.h"

#define PROBE_MACROS_MAX	64
#define PROBE_ENV_MAX		(16U << 20)

static void
usage(void)
{
	fprintf(stderr, "usage: milter-probe [-H] [-h HELO] "
	    "[-m NAME=VALUE]... [-u NAME=VALUE]...\n"
	    "    [-n COUNT] [-q] [-t SECONDS] [-T TMPDIR] [-o FILE] "
	    "[-e FILE]\n"
	    "    SOCKET MESSAGE ENVELOPE\n");
	exit(100);
}

static void
fatal(const char *what)
{
	fprintf(stderr, "milter-probe: fatal: %s: %s\n", what,
	    strerror(errno));
	exit(111);
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static const char *
outcome_name(enum milter_outcome o)
{
	switch (o) {
	case MILTER_ACCEPT:
		return "accept";
	case MILTER_REJECT:
		return "reject";
	case MILTER_TEMPFAIL:
		return "tempfail";
	case MILTER_DISCARD:
		return "discard";
	case MILTER_QUARANTINE:
		return "quarantine";
	}
	return "?";
}

/* read_all - a whole small file into b */
static void
read_all(const char *path, struct buf *b)
{
	char chunk[8192];
	ssize_t r;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		fatal(path);
	while ((r = io_read(fd, chunk, sizeof(chunk))) > 0)
		if (buf_append(b, chunk, (size_t)r) == -1)
			fatal(path);
	if (r == -1)
		fatal(path);
	close(fd);
}

/* print_env - F<...> T<...> ..., from an envelope known to be valid */
static void
print_env(const char *e, size_t n)
{
	size_t i = 0, len;

	fputs("envelope:", stdout);
	while (i < n && e[i] != '\0') {
		len = strlen(e + i + 1);
		printf(" %c<%s>", e[i], e + i + 1);
		i += len + 2;
	}
	putchar('\n');
}

/*
 * run - one session in a poll loop; its status, or -1 at the timeout
 */
static int
run(struct milter_session *s, int timeout)
{
	struct pollfd pfd;
	enum milter_status st;
	unsigned long seen;
	double deadline;
	int left;

	st = milter_session_start(s);
	seen = milter_session_progress(s);
	deadline = now() + timeout;
	while (st == MILTER_RUNNING) {
		milter_session_events(s, &pfd.fd, &pfd.events);
		left = (int)((deadline - now()) * 1000);
		if (left <= 0)
			return -1;
		switch (poll(&pfd, 1, left)) {
		case -1:
			if (errno != EINTR)
				fatal("poll");
			continue;
		case 0:
			return -1;
		default:
			break;
		}
		st = milter_session_step(s, pfd.revents);
		if (milter_session_progress(s) != seen) {
			seen = milter_session_progress(s);
			deadline = now() + timeout;
		}
	}
	return st;
}

/*
 * edit - apply the modifications: the envelope line, then the message,
 * on stdout or in the files -o and -e name
 */
static int
edit(struct milter_session *s, int msgfd, int hide, const struct buf *env,
    const char *outfile, const char *envfile)
{
	char tmpl[] = "/tmp/milter-probe.XXXXXX", chunk[8192];
	const char *err;
	struct buf newenv;
	ssize_t r;
	size_t nr;
	int tfd, out, efd;

	/* The new message goes to a file first: the envelope is shown
	 * before it. */
	if ((tfd = mkstemp(tmpl)) == -1)
		fatal("mkstemp");
	(void)unlink(tmpl);
	buf_init(&newenv, PROBE_ENV_MAX);
	if (milter_edit_apply(msgfd, milter_session_mods(s),
	    milter_session_body_fd(s), hide, env->data, env->len, tfd,
	    &newenv, &nr, &err) == -1) {
		printf("edit failed: %s\n", err);
		return 1;
	}
	print_env(newenv.data, newenv.len);
	if (envfile != NULL) {
		efd = open(envfile, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
		    0644);
		if (efd == -1 || io_write_all(efd, newenv.data,
		    newenv.len) == -1 || close(efd) == -1)
			fatal(envfile);
	}
	buf_free(&newenv);
	if (outfile == NULL) {
		printf("--- message\n");
		out = 1;
	} else if ((out = open(outfile, O_WRONLY | O_CREAT | O_TRUNC |
	    O_CLOEXEC, 0644)) == -1)
		fatal(outfile);
	fflush(stdout);
	if (lseek(tfd, 0, SEEK_SET) == -1)
		fatal("lseek");
	while ((r = io_read(tfd, chunk, sizeof(chunk))) > 0)
		if (io_write_all(out, chunk, (size_t)r) == -1)
			fatal("write");
	if (r == -1)
		fatal("read");
	if (out != 1 && close(out) == -1)
		fatal(outfile);
	(void)close(tfd);
	return 0;
}

/* report - what came of the session */
static void
report(const struct milter_session *s)
{
	const struct milter_mods *mods = milter_session_mods(s);

	printf("outcome: %s\n", outcome_name(milter_session_outcome(s)));
	if (milter_session_code(s) != 0)
		printf("code: %d\n", milter_session_code(s));
	if (milter_session_reply(s) != NULL)
		printf("reply: %s\n", milter_session_reply(s));
	if (milter_session_why(s) != NULL)
		printf("why: %s\n", milter_session_why(s));
	printf("mods: %zu%s\n", mods->n, mods->body ? ", body replaced" : "");
}

int
main(int argc, char **argv)
{
	struct milter_macro mac[PROBE_MACROS_MAX];
	struct milter_params p;
	struct milter_session *s = NULL;
	const struct milter_mods *mods;
	const char *err, *outfile = NULL, *envfile = NULL, **rcpts = NULL;
	struct buf env;
	char *eq, *end, *v;
	size_t nmac = 0, nr = 0;
	long count = 1, k;
	int opt, quiet = 0, timeout = 30, st = MILTER_FAILED, rc = 0;

	memset(&p, 0, sizeof(p));
	signal(SIGPIPE, SIG_IGN);
	while ((opt = getopt(argc, argv, "e:Hh:m:n:o:qt:T:u:")) != -1)
		switch (opt) {
		case 'e':
			envfile = optarg;
			break;
		case 'H':
			p.hide_received = 1;
			break;
		case 'h':
			p.helo = optarg;
			break;
		case 'm':
		case 'u':
			if ((eq = strchr(optarg, '=')) == NULL ||
			    nmac == PROBE_MACROS_MAX)
				usage();
			*eq = '\0';
			mac[nmac].name = optarg;
			mac[nmac].value = eq + 1;
			mac[nmac++].user = opt == 'u';
			break;
		case 'n':
			count = strtol(optarg, &end, 10);
			if (*end != '\0' || count < 1)
				usage();
			break;
		case 'o':
			outfile = optarg;
			break;
		case 'q':
			quiet = 1;
			break;
		case 't':
			timeout = (int)strtol(optarg, &end, 10);
			if (*end != '\0' || timeout < 1 || timeout > 3600)
				usage();
			break;
		case 'T':
			p.tmpdir = optarg;
			break;
		default:
			usage();
		}
	if (argc - optind != 3)
		usage();
	if (milter_spec_parse(argv[optind], &p.addr, &err) == -1) {
		fprintf(stderr, "milter-probe: %s: %s\n", argv[optind], err);
		return 100;
	}
	if ((p.msgfd = open(argv[optind + 1], O_RDONLY | O_CLOEXEC)) == -1)
		fatal(argv[optind + 1]);
	buf_init(&env, PROBE_ENV_MAX);
	read_all(argv[optind + 2], &env);
	/* The envelope's addresses, for the session. */
	if (env.len < 3 || env.data[0] != 'F' || env.data[env.len - 1] != '\0')
		usage();
	p.sender = env.data + 1;
	for (v = env.data + strlen(env.data) + 1; *v == 'T';
	    v += strlen(v) + 1) {
		rcpts = xreallocarray(rcpts, nr + 1, sizeof(*rcpts));
		rcpts[nr++] = v + 1;
	}
	p.rcpts = rcpts;
	p.nrcpts = nr;
	p.macros = mac;
	p.nmacros = nmac;
	p.client_addr = getenv("TCPREMOTEIP");
	p.client_name = getenv("TCPREMOTEHOST");
	p.client_port = getenv("TCPREMOTEPORT");

	for (k = 0; k < count; k++) {
		milter_session_free(s);
		s = milter_session_new(&p);
		st = run(s, timeout);
	}
	if (st == -1) {
		printf("timeout\n");
		rc = 2;
	} else if (st == MILTER_FAILED) {
		printf("failed: %s\n", milter_session_why(s));
		rc = 1;
	} else if (!quiet) {
		report(s);
		mods = milter_session_mods(s);
		if (mods->n > 0 || mods->body)
			rc = edit(s, p.msgfd, p.hide_received, &env, outfile,
			    envfile);
	}
	milter_session_free(s);
	free(rcpts);
	buf_free(&env);
	(void)close(p.msgfd);
	return rc;
}
