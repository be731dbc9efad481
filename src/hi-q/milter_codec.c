/*
 * milter_codec.c - the milter protocol's packets, and where a milter listens
 *
 * DESCRIPTION
 *	See milter_codec.h.  An encoder first works out the whole packet's
 *	length, refuses it if it is too long, and only then appends, so a
 *	buf never holds half a packet.
 *
 * ERRORS
 *	See milter_codec.h.  Out of memory: die(QQ_OOM).
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "milter_codec.h"
#include "number.h"
#include "xalloc.h"

/* One piece of a packet's data. */
struct part {
	const void	*p;
	size_t		 n;
};

#define PARTS_MAX	8

static int	put_parts(struct buf *, int, const struct part *, size_t);
static int	put_strings(struct buf *, int, const char *, size_t,
		    const char *const *, size_t);
static int	take_u32(const char **, size_t *, uint32_t *);
static int	take_string(const char **, size_t *, const char **);
static int	decode_optneg(const struct milter_packet *,
		    struct milter_reply *, const char **);
static int	decode_replycode(const char *, uint32_t *);
static int	decoded(int, const char *, const char **);
static int	spec_port(const char *, size_t, in_port_t *);
static int	spec_unix(const char *, struct milter_addr *, const char **);
static int	spec_host(const char *, int, in_port_t, struct milter_addr *,
		    const char **);

/*
 * put_parts - append a packet: its length, the command byte, then the
 * parts, or nothing at all
 */
static int
put_parts(struct buf *b, int cmd, const struct part *v, size_t nv)
{
	unsigned char head[MILTER_HEAD_LEN];
	size_t i, len;
	uint32_t n;

	len = 1;
	for (i = 0; i < nv; i++) {
		if (v[i].n > MILTER_PACKET_MAX - len) {
			errno = EMSGSIZE;
			return -1;
		}
		len += v[i].n;
	}
	if (MILTER_HEAD_LEN - 1 + len > b->limit - b->len) {
		errno = EMSGSIZE;
		return -1;
	}
	n = (uint32_t)len;
	head[0] = (unsigned char)(n >> 24);
	head[1] = (unsigned char)(n >> 16);
	head[2] = (unsigned char)(n >> 8);
	head[3] = (unsigned char)n;
	head[4] = (unsigned char)cmd;
	/* Cannot fail: the room was checked above. */
	if (buf_append(b, head, sizeof(head)) == -1)
		return -1;
	for (i = 0; i < nv; i++)
		if (buf_append(b, v[i].p, v[i].n) == -1)
			return -1;
	return 0;
}

/*
 * put_strings - a packet of an optional first byte (cmd0, when pre is
 * not NULL) and strings each with its NUL
 */
static int
put_strings(struct buf *b, int cmd, const char *pre, size_t npre,
    const char *const *s, size_t ns)
{
	struct part *v;
	size_t i, nv;
	int rc;

	v = xreallocarray(NULL, 2 * ns + 1, sizeof(*v));
	nv = 0;
	if (pre != NULL) {
		v[nv].p = pre;
		v[nv++].n = npre;
	}
	for (i = 0; i < ns; i++) {
		/* The string and its NUL, in one part. */
		v[nv].p = s[i];
		v[nv++].n = strlen(s[i]) + 1;
	}
	rc = put_parts(b, cmd, v, nv);
	free(v);
	return rc;
}

/* milter_put_optneg - O: version, actions, protocol steps */
int
milter_put_optneg(struct buf *b, uint32_t version, uint32_t actions,
    uint32_t protocol)
{
	unsigned char d[12];
	struct part v[1];
	uint32_t w[3];
	size_t i;

	w[0] = version;
	w[1] = actions;
	w[2] = protocol;
	for (i = 0; i < 3; i++) {
		d[4 * i] = (unsigned char)(w[i] >> 24);
		d[4 * i + 1] = (unsigned char)(w[i] >> 16);
		d[4 * i + 2] = (unsigned char)(w[i] >> 8);
		d[4 * i + 3] = (unsigned char)w[i];
	}
	v[0].p = d;
	v[0].n = sizeof(d);
	return put_parts(b, MILTER_CMD_OPTNEG, v, 1);
}

/*
 * milter_put_macros - D: the command the macros are for, then n pairs of
 * name\0value\0 (nv holds 2 * n strings)
 */
int
milter_put_macros(struct buf *b, int cmd, const char *const *nv, size_t n)
{
	char c = (char)cmd;

	return put_strings(b, MILTER_CMD_MACRO, &c, 1, nv, 2 * n);
}

/*
 * milter_put_connect - C: hostname\0, then for the families 4, 6 and L
 * the port (2 bytes, big-endian) and the address\0; family U has neither
 */
int
milter_put_connect(struct buf *b, const char *host, int family,
    unsigned port, const char *addr)
{
	struct part v[4];
	unsigned char pf[3];

	v[0].p = host;
	v[0].n = strlen(host) + 1;
	pf[0] = (unsigned char)family;
	pf[1] = (unsigned char)(port >> 8);
	pf[2] = (unsigned char)port;
	v[1].p = pf;
	if (family == MILTER_FAMILY_UNKNOWN || addr == NULL) {
		pf[0] = MILTER_FAMILY_UNKNOWN;
		v[1].n = 1;
		return put_parts(b, MILTER_CMD_CONNECT, v, 2);
	}
	v[1].n = 3;
	v[2].p = addr;
	v[2].n = strlen(addr) + 1;
	return put_parts(b, MILTER_CMD_CONNECT, v, 3);
}

/* milter_put_helo - H: the name the client gave\0 */
int
milter_put_helo(struct buf *b, const char *helo)
{
	return put_strings(b, MILTER_CMD_HELO, NULL, 0, &helo, 1);
}

/* milter_put_mail - M: <sender>\0 and each ESMTP argument\0 */
int
milter_put_mail(struct buf *b, const char *const *argv, size_t argc)
{
	return put_strings(b, MILTER_CMD_MAIL, NULL, 0, argv, argc);
}

/* milter_put_rcpt - R: <recipient>\0 and each ESMTP argument\0 */
int
milter_put_rcpt(struct buf *b, const char *const *argv, size_t argc)
{
	return put_strings(b, MILTER_CMD_RCPT, NULL, 0, argv, argc);
}

/*
 * milter_put_header - L: name\0value\0, from bytes that are not
 * NUL-terminated; a value with a NUL in it is sent up to that NUL, which
 * is all a milter could read of it
 */
int
milter_put_header(struct buf *b, const char *name, size_t nlen,
    const char *value, size_t vlen)
{
	static const char nul = '\0';
	struct part v[4];
	const char *z;

	if ((z = memchr(value, '\0', vlen)) != NULL)
		vlen = (size_t)(z - value);
	if ((z = memchr(name, '\0', nlen)) != NULL)
		nlen = (size_t)(z - name);
	v[0].p = name;
	v[0].n = nlen;
	v[1].p = &nul;
	v[1].n = 1;
	v[2].p = value;
	v[2].n = vlen;
	v[3].p = &nul;
	v[3].n = 1;
	return put_parts(b, MILTER_CMD_HEADER, v, 4);
}

/* milter_put_body - B: a chunk of the body, at most MILTER_CHUNK_MAX */
int
milter_put_body(struct buf *b, const char *p, size_t n)
{
	struct part v[1];

	if (n > MILTER_CHUNK_MAX) {
		errno = EMSGSIZE;
		return -1;
	}
	v[0].p = p;
	v[0].n = n;
	return put_parts(b, MILTER_CMD_BODY, v, 1);
}

/* milter_put_cmd - a command without data: T, N, E, A or Q */
int
milter_put_cmd(struct buf *b, int cmd)
{
	return put_parts(b, cmd, NULL, 0);
}

/*
 * milter_frame - does p[0..n) start with a whole packet?  1 and *pkt
 * when it does, 0 when more bytes are needed, -1 for a length no milter
 * may send (known once the first 4 bytes are in)
 */
int
milter_frame(const char *p, size_t n, struct milter_packet *pkt,
    const char **err)
{
	const unsigned char *u = (const unsigned char *)p;
	uint32_t len;

	if (n < 4)
		return 0;
	len = (uint32_t)u[0] << 24 | (uint32_t)u[1] << 16 |
	    (uint32_t)u[2] << 8 | u[3];
	if (len == 0) {
		*err = "a packet of length 0";
		return -1;
	}
	if (len > MILTER_PACKET_MAX) {
		*err = "a packet longer than hi-q takes (1 MiB)";
		return -1;
	}
	if (n - 4 < len)
		return 0;
	pkt->cmd = u[4];
	pkt->data = p + MILTER_HEAD_LEN;
	pkt->len = len - 1;
	pkt->used = 4 + (size_t)len;
	return 1;
}

/* take_u32 - a 4-byte big-endian number off the front of *p */
static int
take_u32(const char **p, size_t *n, uint32_t *v)
{
	const unsigned char *u = (const unsigned char *)*p;

	if (*n < 4)
		return -1;
	*v = (uint32_t)u[0] << 24 | (uint32_t)u[1] << 16 |
	    (uint32_t)u[2] << 8 | u[3];
	*p += 4;
	*n -= 4;
	return 0;
}

/* take_string - a string and its NUL off the front of *p */
static int
take_string(const char **p, size_t *n, const char **s)
{
	const char *z;

	if ((z = memchr(*p, '\0', *n)) == NULL)
		return -1;
	*s = *p;
	*n -= (size_t)(z - *p) + 1;
	*p = z + 1;
	return 0;
}

/*
 * decode_optneg - O: version, actions, protocol, then pairs of a stage
 * number and a space-separated list of macro names, each stage at most
 * once
 */
static int
decode_optneg(const struct milter_packet *pkt, struct milter_reply *r,
    const char **err)
{
	const char *p = pkt->data, *list;
	size_t n = pkt->len;
	uint32_t stage;

	if (take_u32(&p, &n, &r->version) == -1 ||
	    take_u32(&p, &n, &r->actions) == -1 ||
	    take_u32(&p, &n, &r->protocol) == -1) {
		*err = "an option negotiation shorter than 12 bytes";
		return -1;
	}
	while (n > 0) {
		if (take_u32(&p, &n, &stage) == -1 ||
		    take_string(&p, &n, &list) == -1) {
			*err = "a cut macro list in the option negotiation";
			return -1;
		}
		if (stage >= MILTER_STAGES) {
			*err = "a macro list for an unknown stage";
			return -1;
		}
		if (r->symlist[stage] != NULL) {
			*err = "two macro lists for one stage";
			return -1;
		}
		r->symlist[stage] = list;
	}
	return 0;
}

/*
 * decode_replycode - is s an SMTP reply hi-q can give: 4xx or 5xx, a
 * space or a hyphen after the code, and an enhanced code, if any, of the
 * same class?  The code in *code.  Each line of a multi-line reply is
 * held to the same rules.
 */
static int
decode_replycode(const char *s, uint32_t *code)
{
	const char *line;

	for (line = s; ; ) {
		if ((line[0] != '4' && line[0] != '5') ||
		    line[1] < '0' || line[1] > '9' ||
		    line[2] < '0' || line[2] > '9' ||
		    (line[3] != ' ' && line[3] != '-' && line[3] != '\0'))
			return -1;
		if (line[0] != s[0] || line[1] != s[1] || line[2] != s[2])
			return -1;
		if (line[3] == ' ' && line[4] >= '0' && line[4] <= '9' &&
		    line[4] != line[0])
			return -1;
		if ((line = strstr(line, "\r\n")) == NULL)
			break;
		line += 2;
	}
	*code = (uint32_t)(s[0] - '0') * 100 + (uint32_t)(s[1] - '0') * 10 +
	    (uint32_t)(s[2] - '0');
	return 0;
}

/*
 * milter_decode - one packet from the milter, strictly.  A reply that
 * carries no data must have none.
 */
int
milter_decode(const struct milter_packet *pkt, struct milter_reply *r,
    const char **err)
{
	const char *p = pkt->data;
	size_t n = pkt->len;

	memset(r, 0, sizeof(*r));
	r->cmd = pkt->cmd;
	switch (pkt->cmd) {
	case MILTER_REP_OPTNEG:
		return decode_optneg(pkt, r, err);
	case MILTER_REP_ACCEPT:
	case MILTER_REP_CONTINUE:
	case MILTER_REP_REJECT:
	case MILTER_REP_TEMPFAIL:
	case MILTER_REP_DISCARD:
	case MILTER_REP_PROGRESS:
	case MILTER_REP_SKIP:
	case MILTER_REP_SHUTDOWN:
		return decoded(n == 0, "data after a reply that takes none",
		    err);
	case MILTER_REP_REPLYCODE:
		if (take_string(&p, &n, &r->value) == -1 || n != 0)
			return decoded(0, "a reply code that is not one string",
			    err);
		return decoded(decode_replycode(r->value, &r->index) == 0,
		    "a reply code that is not 4xx or 5xx", err);
	case MILTER_REP_QUARANTINE:
		return decoded(take_string(&p, &n, &r->value) == 0 && n == 0,
		    "a quarantine reason that is not one string", err);
	case MILTER_REP_ADDHEADER:
		return decoded(take_string(&p, &n, &r->name) == 0 &&
		    take_string(&p, &n, &r->value) == 0 && n == 0,
		    "an add header that is not name and value", err);
	case MILTER_REP_INSHEADER:
	case MILTER_REP_CHGHEADER:
		return decoded(take_u32(&p, &n, &r->index) == 0 &&
		    take_string(&p, &n, &r->name) == 0 &&
		    take_string(&p, &n, &r->value) == 0 && n == 0,
		    "a header change that is not index, name and value", err);
	case MILTER_REP_REPLBODY:
		r->data = p;
		r->len = n;
		return 0;
	case MILTER_REP_ADDRCPT:
	case MILTER_REP_DELRCPT:
		return decoded(take_string(&p, &n, &r->name) == 0 && n == 0,
		    "a recipient change that is not one address", err);
	case MILTER_REP_ADDRCPT_PAR:
	case MILTER_REP_CHGFROM:
		/* An address, and the ESMTP arguments if any. */
		return decoded(take_string(&p, &n, &r->name) == 0 &&
		    (n == 0 || take_string(&p, &n, &r->value) == 0) && n == 0,
		    "an address change that is not an address and its "
		    "arguments", err);
	default:
		return decoded(0, "an unknown reply", err);
	}
}

/* decoded - 0 when a reply read ok, else -1 with *err what it was not */
static int
decoded(int ok, const char *what, const char **err)
{
	if (ok)
		return 0;
	*err = what;
	return -1;
}

/* spec_port - a port 1 to 65535 in at most 5 digits, s[0..n) */
static int
spec_port(const char *s, size_t n, in_port_t *port)
{
	unsigned long long v;

	if (n > 5 || number_uint(s, n, 65535, &v) == -1 || v < 1)
		return -1;
	*port = htons((in_port_t)v);
	return 0;
}

/* spec_unix - the socket at path, an absolute path */
static int
spec_unix(const char *path, struct milter_addr *a, const char **err)
{
	struct sockaddr_un *sun = (struct sockaddr_un *)&a->ss;

	if (path[0] != '/') {
		*err = "a unix socket path must be absolute";
		return -1;
	}
	if (strlen(path) >= sizeof(sun->sun_path)) {
		*err = "a unix socket path too long for a socket";
		return -1;
	}
	sun->sun_family = AF_UNIX;
	memcpy(sun->sun_path, path, strlen(path) + 1);
	a->len = (socklen_t)sizeof(*sun);
	return 0;
}

/* spec_host - the numeric address host (or localhost), with port */
static int
spec_host(const char *host, int six, in_port_t port, struct milter_addr *a,
    const char **err)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)&a->ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&a->ss;
	void *addr;

	if (strcasecmp(host, "localhost") == 0)
		host = six ? "::1" : "127.0.0.1";
	if (six) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = port;
		addr = &sin6->sin6_addr;
		a->len = (socklen_t)sizeof(*sin6);
	} else {
		sin->sin_family = AF_INET;
		sin->sin_port = port;
		addr = &sin->sin_addr;
		a->len = (socklen_t)sizeof(*sin);
	}
	if (inet_pton(six ? AF_INET6 : AF_INET, host, addr) == 1)
		return 0;
	memset(a, 0, sizeof(*a));
	*err = six ? "an inet6 host must be a numeric IPv6 address or "
	    "localhost (hi-q resolves no names)" : "an inet host must be a "
	    "numeric IPv4 address or localhost (hi-q resolves no names)";
	return -1;
}

/* milter_spec_parse - unix:/path, local:/path, inet:PORT@HOST, inet6:... */
int
milter_spec_parse(const char *spec, struct milter_addr *a,
    const char **err)
{
	const char *rest, *at;
	char host[INET6_ADDRSTRLEN + 2];
	size_t hlen;
	in_port_t port;
	int six;

	memset(a, 0, sizeof(*a));
	if (strncmp(spec, "unix:", 5) == 0 || strncmp(spec, "local:", 6) == 0)
		return spec_unix(strchr(spec, ':') + 1, a, err);
	if (strncmp(spec, "inet:", 5) == 0) {
		six = 0;
		rest = spec + 5;
	} else if (strncmp(spec, "inet6:", 6) == 0) {
		six = 1;
		rest = spec + 6;
	} else {
		*err = "a milter socket must start with unix:, local:, inet: "
		    "or inet6:";
		return -1;
	}
	if ((at = strchr(rest, '@')) == NULL) {
		*err = "an inet socket must be PORT@HOST";
		return -1;
	}
	if (spec_port(rest, (size_t)(at - rest), &port) == -1) {
		*err = "a port must be a number from 1 to 65535";
		return -1;
	}
	rest = at + 1;
	hlen = strlen(rest);
	/* inet6:PORT@[::1] as well as inet6:PORT@::1 */
	if (six && hlen >= 2 && rest[0] == '[' && rest[hlen - 1] == ']') {
		rest++;
		hlen -= 2;
	}
	if (hlen == 0 || hlen >= sizeof(host)) {
		*err = "a host must be a numeric address or localhost";
		return -1;
	}
	memcpy(host, rest, hlen);
	host[hlen] = '\0';
	return spec_host(host, six, port, a, err);
}
