/*
 * fuzz_milter.c - libFuzzer harness for everything a milter sends hi-q
 *
 * DESCRIPTION
 *	A fake milter on the other end of a socketpair answers each packet
 *	the session (milter_session.c) sends with the next piece of the
 *	input.  The input is a first byte of options (bit 0: hide the first
 *	Received field; the other bits pick one of the messages below), then
 *	the pieces, each a 2-byte big-endian length and that many bytes.
 *	When the pieces run out, or the session waits for a reply the piece
 *	did not hold, the fake milter stops writing (shutdown) and goes on
 *	reading what the session sends, so the session is never held up by
 *	a full socket.  After an accept, the modifications are applied
 *	(milter_edit.c) and the new envelope must be one qmail-queue takes.
 *
 *	What must hold, for any input: no crash, no sanitizer report, no
 *	leak; the session ends (done or failed) within a bounded number of
 *	poll rounds, and once the milter has hung up it must not wait for
 *	anything (that would be a hang); memory stays bounded (the session's
 *	limits, and a replaced body of at most 1 MiB).
 */
#include <sys/types.h>
#include <sys/mman.h>
#include <sys/socket.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "envelope.h"
#include "milter_edit.h"
#include "milter_session.h"
#include "qq.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define ROUNDS		20000
/*
 * Both ends are in this process and a socketpair hands bytes over at
 * once, so a poll that finds nothing ready means nothing will be: the
 * fake milter has said all it had for now.
 */
#define POLL_MS		10

static const char *const messages[] = {
	"Received: from client.example (HELO helo.example) (192.0.2.1)\n"
	"  by mx.example.com with SMTP; 25 Nov 2026 08:00:00 -0000\n"
	"From: a@example.org\nTo: b@example.com\nSubject: hi\n"
	"X-Folded: one\n\ttwo\n\nline 1\nline 2\n",
	"Subject: no body",
	"\nonly a body\r\nwith CRLF\r\n",
	"A: 1\nnot a field\nB: 2\n",
	"",
};
#define NMESSAGES	(sizeof(messages) / sizeof(messages[0]))

static const char envelope[] = "Fa@example.org\0Tb@example.com\0"
	"Tc@example.com\0\0";
static const char *const rcpts[] = { "b@example.com", "c@example.com" };

/* memfd_with - a file holding p[0..n) */
static int
memfd_with(const char *name, const void *p, size_t n)
{
	int fd;

	if ((fd = memfd_create(name, MFD_CLOEXEC)) == -1)
		abort();
	if (n > 0 && write(fd, p, n) != (ssize_t)n)
		abort();
	return fd;
}

/*
 * talk - run the session against the input's pieces; the session's
 * status at the end
 */
static enum milter_status
talk(struct milter_session *s, int peer, const uint8_t *d, size_t n)
{
	struct pollfd pfd[2];
	char buf[1 << 16], *in = NULL;
	size_t inlen = 0, pos = 0, len;
	enum milter_status st = MILTER_RUNNING;
	uint32_t plen;
	ssize_t r;
	int rounds, writing = 1, rc;

	for (rounds = 0; st == MILTER_RUNNING; rounds++) {
		if (rounds == ROUNDS)
			abort();	/* a hang */
		milter_session_events(s, &pfd[0].fd, &pfd[0].events);
		pfd[1].fd = peer;
		pfd[1].events = POLLIN;
		pfd[0].revents = pfd[1].revents = 0;
		do
			rc = poll(pfd, 2, POLL_MS);
		while (rc == -1 && errno == EINTR);
		if (rc == 0 && !writing)
			abort();	/* the milter hung up: a hang */
		if (rc == 0) {
			/* The milter is silent: it hangs up. */
			(void)shutdown(peer, SHUT_WR);
			writing = 0;
			continue;
		}
		if (pfd[1].revents) {
			r = read(peer, buf, sizeof(buf));
			if (r > 0) {
				in = realloc(in, inlen + (size_t)r);
				memcpy(in + inlen, buf, (size_t)r);
				inlen += (size_t)r;
			}
			/* Each whole packet gets the next piece. */
			while (inlen >= 5) {
				plen = (uint32_t)(unsigned char)in[0] << 24 |
				    (uint32_t)(unsigned char)in[1] << 16 |
				    (uint32_t)(unsigned char)in[2] << 8 |
				    (unsigned char)in[3];
				if (plen == 0 || inlen - 4 < plen)
					break;
				memmove(in, in + 4 + plen, inlen - 4 - plen);
				inlen -= 4 + plen;
				if (!writing)
					continue;
				if (n - pos < 2) {
					(void)shutdown(peer, SHUT_WR);
					writing = 0;
					continue;
				}
				len = (size_t)d[pos] << 8 | d[pos + 1];
				pos += 2;
				if (len > n - pos)
					len = n - pos;
				if (len > 0 && write(peer, d + pos, len) !=
				    (ssize_t)len) {
					(void)shutdown(peer, SHUT_WR);
					writing = 0;
				}
				pos += len;
			}
		}
		if (pfd[0].revents)
			st = milter_session_step(s, pfd[0].revents);
	}
	free(in);
	return st;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct milter_params p;
	struct milter_session *s;
	const struct milter_mods *m;
	struct envelope e;
	struct buf env;
	const char *msg, *err;
	size_t nr;
	int sv[2], msgfd, out, opt;

	if (size < 1)
		return 0;
	opt = data[0];
	msg = messages[(size_t)(opt >> 1) % NMESSAGES];
	memset(&p, 0, sizeof(p));
	p.client_addr = "192.0.2.1";
	p.client_name = "client.example";
	p.client_port = "4567";
	p.sender = "a@example.org";
	p.rcpts = rcpts;
	p.nrcpts = 2;
	p.hide_received = opt & 1;
	p.tmpdir = "/tmp";
	p.body_max = 1U << 20;
	msgfd = memfd_with("msg", msg, strlen(msg));
	p.msgfd = msgfd;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == -1)
		abort();
	s = milter_session_new(&p);
	if (milter_session_start_fd(s, sv[0]) == MILTER_RUNNING &&
	    talk(s, sv[1], data + 1, size - 1) == MILTER_DONE &&
	    (milter_session_outcome(s) == MILTER_ACCEPT ||
	    milter_session_outcome(s) == MILTER_QUARANTINE)) {
		m = milter_session_mods(s);
		out = memfd_with("out", "", 0);
		buf_init(&env, 1U << 20);
		if (milter_edit_apply(msgfd, m, milter_session_body_fd(s),
		    p.hide_received, envelope, sizeof(envelope) - 1, out, &env,
		    &nr, &err) == 0 &&
		    (envelope_check(env.data, env.len, &e) != QQ_OK ||
		    e.rcpts != nr || e.used != env.len))
			abort();
		buf_free(&env);
		close(out);
	}
	milter_session_free(s);
	close(sv[1]);
	close(msgfd);
	return 0;
}
