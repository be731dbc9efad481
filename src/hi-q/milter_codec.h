/*
 * milter_codec.h - the milter protocol's packets, and where a milter listens
 *
 * DESCRIPTION
 *	The milter protocol (version 6, Sendmail 8.14's libmilter, spoken by
 *	Postfix, OpenDKIM, clamav-milter, spamass-milter and rspamd's proxy)
 *	frames every packet as a 4-byte big-endian length, then one command
 *	byte, then length - 1 bytes of data.  This module turns hi-q's side
 *	of the conversation into packets and the milter's packets into
 *	structures; it does no I/O and keeps no state.
 *
 *	Encoders: milter_put_*() append one whole packet to a buf (buf.h):
 *	O (option negotiation), D (macros for a command), C (connect), H
 *	(helo), M (mail, with ESMTP args), R (rcpt), L (header name\0value\0),
 *	B (a body chunk of at most MILTER_CHUNK_MAX bytes), and the commands
 *	without data T, N, E, A, Q (milter_put_cmd()).  Strings are written
 *	up to their NUL; a string can hold no NUL, so none is lost.
 *
 *	milter_frame(p, n, &pkt) looks at the bytes read so far: it says
 *	whether they start with a whole packet, and refuses a length of 0 or
 *	one over MILTER_PACKET_MAX as soon as the 4 length bytes are in, so
 *	nothing is allocated for a huge length.
 *
 *	milter_decode(&pkt, &reply, &err) reads one packet from the milter:
 *	the O reply (version, actions, protocol steps and the optional
 *	macro lists per stage, SMFIM_*), the replies a c r t d y q p s and
 *	4, and the modifications h i m b + - 2 e.  It is strict: wrong
 *	lengths, a string without its NUL, bytes left over, an unknown
 *	command are each an error with a reason, never a guess.  The
 *	decoded strings point into the packet, so they live as long as it.
 *
 *	milter_spec_parse() reads a socket in libmilter's syntax:
 *	unix:/path (also local:/path), inet:PORT@HOST, inet6:PORT@HOST.
 *	HOST is a numeric address or "localhost" (127.0.0.1, or ::1 for
 *	inet6): hi-q resolves no names in a mail path, where a slow or
 *	failing resolver would hold every message.  PORT is 1 to 65535, a
 *	path is absolute and fits a socket address.
 *
 * ERRORS
 *	The encoders return -1 with errno EMSGSIZE when the packet would
 *	pass the buf's limit or MILTER_PACKET_MAX (the buf is left as it
 *	was).  milter_frame() returns -1 and milter_decode(),
 *	milter_spec_parse() return -1 with *err set to a static text saying
 *	what is wrong.  Out of memory: die(QQ_OOM).
 */
#ifndef HIQ_MILTER_CODEC_H
#define HIQ_MILTER_CODEC_H

#include <sys/types.h>
#include <sys/socket.h>

#include <stddef.h>
#include <stdint.h>

#include "buf.h"

#define MILTER_VERSION		6
/* The largest body chunk, as libmilter's MILTER_CHUNK_SIZE. */
#define MILTER_CHUNK_MAX	65535
/*
 * The largest packet either side may send, its command byte included:
 * libmilter's largest data size setting (smfi_setmaxdatasize, 1 MiB) and
 * its command byte.
 */
#define MILTER_PACKET_MAX	(1U << 20)
/* Bytes in a packet before its data: the length and the command. */
#define MILTER_HEAD_LEN		5

/* Commands hi-q sends (SMFIC_*). */
#define MILTER_CMD_ABORT	'A'
#define MILTER_CMD_BODY		'B'
#define MILTER_CMD_CONNECT	'C'
#define MILTER_CMD_MACRO	'D'
#define MILTER_CMD_EOM		'E'
#define MILTER_CMD_HELO		'H'
#define MILTER_CMD_HEADER	'L'
#define MILTER_CMD_MAIL		'M'
#define MILTER_CMD_EOH		'N'
#define MILTER_CMD_OPTNEG	'O'
#define MILTER_CMD_QUIT		'Q'
#define MILTER_CMD_RCPT		'R'
#define MILTER_CMD_DATA		'T'

/* Replies and modifications a milter sends (SMFIR_*). */
#define MILTER_REP_ADDRCPT	'+'
#define MILTER_REP_DELRCPT	'-'
#define MILTER_REP_ADDRCPT_PAR	'2'
#define MILTER_REP_SHUTDOWN	'4'
#define MILTER_REP_ACCEPT	'a'
#define MILTER_REP_REPLBODY	'b'
#define MILTER_REP_CONTINUE	'c'
#define MILTER_REP_DISCARD	'd'
#define MILTER_REP_CHGFROM	'e'
#define MILTER_REP_ADDHEADER	'h'
#define MILTER_REP_INSHEADER	'i'
#define MILTER_REP_CHGHEADER	'm'
#define MILTER_REP_OPTNEG	'O'
#define MILTER_REP_PROGRESS	'p'
#define MILTER_REP_QUARANTINE	'q'
#define MILTER_REP_REJECT	'r'
#define MILTER_REP_SKIP		's'
#define MILTER_REP_TEMPFAIL	't'
#define MILTER_REP_REPLYCODE	'y'

/* Connect families (SMFIA_*). */
#define MILTER_FAMILY_UNKNOWN	'U'
#define MILTER_FAMILY_UNIX	'L'
#define MILTER_FAMILY_INET	'4'
#define MILTER_FAMILY_INET6	'6'

/* Actions a milter may ask for (SMFIF_*). */
#define MILTER_ACT_ADDHDRS	0x001U
#define MILTER_ACT_CHGBODY	0x002U
#define MILTER_ACT_ADDRCPT	0x004U
#define MILTER_ACT_DELRCPT	0x008U
#define MILTER_ACT_CHGHDRS	0x010U
#define MILTER_ACT_QUARANTINE	0x020U
#define MILTER_ACT_CHGFROM	0x040U
#define MILTER_ACT_ADDRCPT_PAR	0x080U
#define MILTER_ACT_SETSYMLIST	0x100U
#define MILTER_ACT_ALL		0x1ffU

/* Protocol steps: what not to send, what not to wait for (SMFIP_*). */
#define MILTER_P_NOCONNECT	0x000001U
#define MILTER_P_NOHELO		0x000002U
#define MILTER_P_NOMAIL		0x000004U
#define MILTER_P_NORCPT		0x000008U
#define MILTER_P_NOBODY		0x000010U
#define MILTER_P_NOHDRS		0x000020U
#define MILTER_P_NOEOH		0x000040U
#define MILTER_P_NR_HDR		0x000080U
#define MILTER_P_NOUNKNOWN	0x000100U
#define MILTER_P_NODATA		0x000200U
#define MILTER_P_SKIP		0x000400U
#define MILTER_P_RCPT_REJ	0x000800U
#define MILTER_P_NR_CONN	0x001000U
#define MILTER_P_NR_HELO	0x002000U
#define MILTER_P_NR_MAIL	0x004000U
#define MILTER_P_NR_RCPT	0x008000U
#define MILTER_P_NR_DATA	0x010000U
#define MILTER_P_NR_UNKN	0x020000U
#define MILTER_P_NR_EOH		0x040000U
#define MILTER_P_NR_BODY	0x080000U
#define MILTER_P_HDR_LEADSPC	0x100000U
#define MILTER_P_ALL		0x1fffffU

/* Stages a milter may name macros for (SMFIM_*), in the O reply. */
enum milter_stage {
	MILTER_STAGE_CONNECT = 0,
	MILTER_STAGE_HELO = 1,
	MILTER_STAGE_MAIL = 2,
	MILTER_STAGE_RCPT = 3,
	MILTER_STAGE_DATA = 4,
	MILTER_STAGE_EOM = 5,
	MILTER_STAGE_EOH = 6
};
#define MILTER_STAGES		7

/* One whole packet in the bytes read: its command and data. */
struct milter_packet {
	int		 cmd;
	const char	*data;
	size_t		 len;		/* of data */
	size_t		 used;		/* bytes of input it took */
};

/* One packet from the milter, decoded; strings point into the packet. */
struct milter_reply {
	int		 cmd;
	/* O */
	uint32_t	 version;
	uint32_t	 actions;
	uint32_t	 protocol;
	const char	*symlist[MILTER_STAGES];	/* NULL: none given */
	/* i, m: the index; y: the reply code (e.g. 550) */
	uint32_t	 index;
	/* h i m: name, value; + - 2 e: address, args (NULL: none); y, q:
	 * the text */
	const char	*name;
	const char	*value;
	/* b: the data */
	const char	*data;
	size_t		 len;
};

/* A socket a milter listens on. */
struct milter_addr {
	struct sockaddr_storage	 ss;
	socklen_t		 len;
};

int	milter_put_optneg(struct buf *, uint32_t, uint32_t, uint32_t);
int	milter_put_macros(struct buf *, int, const char *const *, size_t);
int	milter_put_connect(struct buf *, const char *, int, unsigned,
	    const char *);
int	milter_put_helo(struct buf *, const char *);
int	milter_put_mail(struct buf *, const char *const *, size_t);
int	milter_put_rcpt(struct buf *, const char *const *, size_t);
int	milter_put_header(struct buf *, const char *, size_t, const char *,
	    size_t);
int	milter_put_body(struct buf *, const char *, size_t);
int	milter_put_cmd(struct buf *, int);

int	milter_frame(const char *, size_t, struct milter_packet *,
	    const char **);
int	milter_decode(const struct milter_packet *, struct milter_reply *,
	    const char **);

int	milter_spec_parse(const char *, struct milter_addr *, const char **);

#endif /* HIQ_MILTER_CODEC_H */
