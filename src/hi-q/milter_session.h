/*
 * milter_session.h - one message through one milter, inside a poll loop
 *
 * DESCRIPTION
 *	The client side of the milter protocol, version 6, for one message
 *	over a non-blocking socket.  It never blocks and never polls: the
 *	caller's loop asks what to wait for and hands back what poll saw.
 *
 *	milter_session_new(params) takes what the milter is told (all of it
 *	is copied; see struct milter_params).  milter_session_start() reads
 *	the message's header block and starts a non-blocking connect to
 *	params->addr; milter_session_start_fd() uses an already connected
 *	socket instead (the tests, the fuzzer).  Then, until it returns
 *	something other than MILTER_RUNNING:
 *
 *		milter_session_events(s, &fd, &events);
 *		poll that fd for those events;
 *		status = milter_session_step(s, revents);
 *
 *	milter_session_progress() is a counter that grows with every packet
 *	the milter sends (progress 'p' included): when it has changed, the
 *	caller restarts the stage's timeout.  The session has no clock; the
 *	caller gives up by calling milter_session_free().
 *
 *	What is sent, in order (docs/MILTER.md says the same for users):
 *	O (version 6, every action, every protocol step hi-q can honour);
 *	then for each of connect, helo, mail, each recipient, data, each
 *	header field, end of headers, the body chunks and end of message:
 *	the macros for its stage in a D packet (also when the milter asked
 *	not to get the step itself), then the step unless the milter asked
 *	not to get it (SMFIP_NO*), then its reply unless the milter said it
 *	sends none (SMFIP_NR_*).  Connect: TCPREMOTEHOST, or "[ADDR]", family
 *	'4' or '6' by the address, TCPREMOTEPORT; without an address, as
 *	Postfix does for local mail, localhost, 127.0.0.1, port 0.  Helo:
 *	params->helo, else the HELO in the caller's Received field (hidden
 *	or not), else the client's name.  Mail and rcpt: <address>.  Header
 *	fields: the name, and the value without one leading space (with it
 *	under SMFIP_HDR_LEADSPC), continuation lines joined by LF; the
 *	caller's first Received field is hidden when params->hide_received
 *	is set (milter_head_hidden()).  The body with every LF as CRLF, in
 *	chunks of at most 65535 bytes; a SKIP reply ends it early.  After
 *	the final reply, Q, and the socket is closed.  The packets up to
 *	the next one that waits for a reply go out in one write (over TCP
 *	with TCP_NODELAY): a milter that replies only at the end of the
 *	message gets it all at once.
 *
 *	Macros: for each stage, the names the milter listed for it in its
 *	O reply, else the defaults below, each sent if it has a value: from
 *	the session ({mail_addr}, {rcpt_addr}, {client_addr}, {client_name},
 *	{client_port}), else from params->macros.  Names match with or
 *	without braces.  The user's own macros (params->macros entries with
 *	user set) are also sent at connect, whether listed or not.
 *
 *	The result, once milter_session_step() returned MILTER_DONE:
 *	milter_session_outcome() (accept and continue: MILTER_ACCEPT; reject
 *	and a 5xx reply code: MILTER_REJECT; tempfail, shutdown and a 4xx:
 *	MILTER_TEMPFAIL; discard; MILTER_QUARANTINE when the milter asked
 *	for quarantine and then accepted), milter_session_reply() (the reply
 *	code's text as one line: the lines' texts after their codes, joined
 *	by a space, "%%" read as "%", no control bytes, at most
 *	MILTER_TEXT_MAX bytes; NULL without one), milter_session_code() (the
 *	reply code, 0 without one), milter_session_why() (the quarantine
 *	reason), and milter_session_mods() (the modifications, in the order
 *	sent; only after an accept at the end of the message, empty
 *	otherwise), with milter_session_body_fd() the file that holds a
 *	replaced body (LF line ends), -1 without one.
 *
 *	A reject or tempfail of a recipient is the message's verdict, since
 *	the SMTP transaction has passed RCPT; so is an accept at any step
 *	(the message goes on unchanged), except at connect and helo where it
 *	means the same for the whole connection.
 *
 * ERRORS
 *	milter_session_start() and milter_session_step() return
 *	MILTER_FAILED with milter_session_why() saying why: the socket could
 *	not be made or connected, a read or write failed, the milter closed
 *	the connection before its final reply, sent a packet the codec
 *	refuses, a reply that does not belong where it came (a modification
 *	before the end of the message or one it did not negotiate, a skip
 *	outside the body, a discard at connect or helo, a reply where it
 *	said it sends none), more than MILTER_MODS_MAX modifications or
 *	MILTER_MODS_BYTES bytes of them, a replaced body over body_max; or
 *	the message could not be read or has a header block over
 *	MILTER_HEAD_MAX.  The caller applies its default action (tempfail
 *	unless configured).  Out of memory: die(QQ_OOM).
 */
#ifndef HIQ_MILTER_SESSION_H
#define HIQ_MILTER_SESSION_H

#include <stddef.h>
#include <stdint.h>

#include "milter_codec.h"

/* A reply text's limit: filters.conf's for SMTP texts. */
#define MILTER_TEXT_MAX		254
/* Modifications a milter may ask for, and their bytes, per message. */
#define MILTER_MODS_MAX		1000
#define MILTER_MODS_BYTES	(4U << 20)
/* A replaced body's size when params->body_max is 0. */
#define MILTER_BODY_MAX		(64U << 20)

/* Each stage's macros when the milter names none (Postfix's, and the
 * client's address, name and port at connect). */
#define MILTER_MACROS_CONNECT	"j {daemon_name} {daemon_addr} v _ " \
				"{client_addr} {client_name} {client_port}"
#define MILTER_MACROS_HELO	"{tls_version} {cipher} {cipher_bits} " \
				"{cert_subject} {cert_issuer}"
#define MILTER_MACROS_MAIL	"i {auth_type} {auth_authen} {auth_author} " \
				"{mail_addr} {mail_host} {mail_mailer}"
#define MILTER_MACROS_RCPT	"i {rcpt_addr} {rcpt_host} {rcpt_mailer}"
#define MILTER_MACROS_DATA	"i"
#define MILTER_MACROS_EOH	"i"
#define MILTER_MACROS_EOM	"i"

enum milter_status {
	MILTER_RUNNING,
	MILTER_DONE,
	MILTER_FAILED
};

enum milter_outcome {
	MILTER_ACCEPT,
	MILTER_REJECT,
	MILTER_TEMPFAIL,
	MILTER_DISCARD,
	MILTER_QUARANTINE
};

struct milter_macro {
	const char	*name;		/* "j" or "{daemon_name}" */
	const char	*value;
	int		 user;		/* configured: also sent at connect */
};

struct milter_params {
	struct milter_addr		 addr;
	const char			*client_addr;	/* TCPREMOTEIP */
	const char			*client_name;	/* TCPREMOTEHOST */
	const char			*client_port;	/* TCPREMOTEPORT */
	const char			*helo;		/* NULL: see above */
	const struct milter_macro	*macros;
	size_t				 nmacros;
	const char			*sender;	/* no <>; "" for <> */
	const char *const		*rcpts;
	size_t				 nrcpts;
	int				 msgfd;		/* the message */
	int				 hide_received;
	const char			*tmpdir;	/* a replaced body's */
	unsigned long long		 body_max;	/* 0: MILTER_BODY_MAX */
};

/* One modification; the strings are the session's, NUL-terminated. */
struct milter_mod {
	int		 cmd;		/* h i m + - 2 e (b: body_fd) */
	uint32_t	 index;		/* i, m */
	char		*name;		/* header name, or the address */
	char		*value;		/* header value, or ESMTP args */
};

struct milter_mods {
	struct milter_mod	*mod;
	size_t			 n;
	int			 body;		/* the body was replaced */
	int			 leadspc;	/* SMFIP_HDR_LEADSPC */
};

struct milter_session;

struct milter_session	*milter_session_new(const struct milter_params *);
enum milter_status	 milter_session_start(struct milter_session *);
enum milter_status	 milter_session_start_fd(struct milter_session *,
			    int);
void			 milter_session_events(const struct milter_session *,
			    int *, short *);
enum milter_status	 milter_session_step(struct milter_session *, short);
unsigned long		 milter_session_progress(
			    const struct milter_session *);
enum milter_outcome	 milter_session_outcome(const struct milter_session *);
const char		*milter_session_reply(const struct milter_session *);
int			 milter_session_code(const struct milter_session *);
const char		*milter_session_why(const struct milter_session *);
const struct milter_mods *milter_session_mods(const struct milter_session *);
int			 milter_session_body_fd(const struct milter_session *);
void			 milter_session_free(struct milter_session *);

#endif /* HIQ_MILTER_SESSION_H */
