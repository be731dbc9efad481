# shellcheck shell=sh
# tests/lib/servers.sh - start and stop the real servers that the
# end-to-end tests and the demo use: SpamAssassin's spamd, qpsmtpd, ClamAV,
# rspamd and milters, on 127.0.0.1, on ports the kernel says are free.
# Sourced, not run.
#
# Every server gets a directory of its own (its configuration, pidfile and
# log) and is stopped by the PID it recorded, never by name.  It needs
# tests/lib/common.sh (poll, pid_gone, free_port, stop_pid) sourced first.
# The functions work under "set -e" as well as without it.
#
# Both servers run as SRV_USER (default nobody), so everything they read
# must be readable by that user: srv_install copies programs into a
# directory of the caller's (the checkout may sit where nobody cannot
# read), and the caller's temporary directory must be searchable (711).
#
#   srv_install DIR FILE...     copy FILEs into DIR, readable by SRV_USER
#   srv_wait_up PID SECONDS CMD...  wait until CMD succeeds, but not once
#                               PID has exited; true if it succeeded
#   srv_failed NAME PID PORT LOG...  say why a server is not up, its own
#                               log lines first; always false
#   spamd_start DIR [ARGS]      spamd with a pinned site config in DIR
#                               (and ARGS, more spamd options);
#                               sets SPAMD_PORT, SPAMD_PID
#   spamd_up PORT               does spamd answer?
#   spamd_stop DIR              stop it; true once it has gone
#   qpsmtpd_start DIR LINE...   qpsmtpd-forkserver with its config in DIR,
#                               each LINE a plugin line after the standard
#                               ones, and QPSMTPD_OPTS (more options, such
#                               as connection limits) if set; sets
#                               QPSMTPD_PORT, QPSMTPD_PID
#   qpsmtpd_stop DIR            stop it; true once it has gone
#   spamd_start_on DIR ADDR PORT
#                               the same spamd on ADDR:PORT (several
#                               spamd on 127.0.0.x, one port); sets
#                               SPAMD_PID
#   spamd_up_on ADDR PORT       does the spamd on ADDR:PORT answer?
#   clamd_start DIR [ADDR PORT] ClamAV's clamd with a private
#                               configuration and signature database in
#                               DIR, on 127.0.0.1 and a free port, or on
#                               ADDR:PORT; sets CLAMD_CONF (for
#                               clamdscan -c), CLAMD_PORT, CLAMD_PID
#   clamd_up CONF               does the clamd named in CONF answer?
#   clamd_stop DIR              stop it; true once it has gone
#   rspamd_start DIR            rspamd (its normal worker only) with a
#                               private configuration in DIR, on
#                               127.0.0.1 and a free port; sets
#                               RSPAMD_PORT, RSPAMD_PID
#   rspamd_up PORT              does rspamd answer?
#   rspamd_stop DIR             stop it; true once it has gone
#   pymilter_start DIR SCRIPT ARGS...
#                               a test milter of tests/milters (Debian's
#                               python3-milter), SCRIPT inet:PORT@127.0.0.1
#                               ARGS, on a free port; sets MILTER_PORT,
#                               MILTER_PID
#   pymilter_stop DIR           stop it; true once it has gone
#   milter_up PORT              does something listen on 127.0.0.1:PORT?
#   opendkim_keys DIR DOMAIN SELECTOR
#                               a key pair made by opendkim-genkey in DIR:
#                               DIR/SELECTOR.private, and DIR/public (its
#                               public key as OpenDKIM's TestPublicKeys
#                               reads it, so no DNS is needed)
#   opendkim_start DIR KEYDIR MODE [LINE...]
#                               OpenDKIM on a free port: MODE "sign" signs
#                               for the domain of KEYDIR's key (and
#                               verifies), for 127.0.0.1 and for the MTA
#                               name ORIGINATING ({daemon_name}); MODE
#                               "verify" only verifies, against KEYDIR's
#                               public key; each LINE is one more line of
#                               its configuration; sets MILTER_PORT,
#                               MILTER_PID
#   opendkim_stop DIR           stop it; true once it has gone
#   clamav_milter_start DIR CLAMDPORT [LINE...]
#                               clamav-milter on a free port, scanning with
#                               the clamd on 127.0.0.1:CLAMDPORT, each LINE
#                               one more configuration line; sets
#                               MILTER_PORT, MILTER_PID
#   clamav_milter_stop DIR      stop it; true once it has gone
#   spamass_milter_start DIR SPAMDPORT [ARGS]
#                               Debian's spamass-milter, scanning through
#                               spamc with the spamd on 127.0.0.1:SPAMDPORT,
#                               on the unix socket DIR/sock/milter (a
#                               directory of its own, mode 700), ARGS more
#                               of its options (-r 15 ...); sets
#                               MILTER_SOCK, MILTER_PID
#   spamass_milter_stop DIR     stop it; true once it has gone
#   opendmarc_start DIR [LINE...]
#                               OpenDMARC as SRV_USER on the unix socket
#                               DIR/sock/milter (DIR/sock SRV_USER's, mode
#                               700), in a network namespace of its own:
#                               no DNS at all, so every lookup fails at
#                               once, the same on every host; authserv-id
#                               mx.example.com, each LINE one more line of
#                               its configuration; sets MILTER_SOCK,
#                               MILTER_PID
#   opendmarc_stop DIR          stop it; true once it has gone
#   milter_sock_up PATH         does a milter accept connections on the
#                               unix socket PATH?
#   srv_freeze PID...           SIGSTOP them (a server that never answers)
#   srv_thaw                    SIGCONT what srv_freeze stopped
#   srv_stop_all                stop every server started here (for traps),
#                               thawed first
#   smtp_send PORT FILE ARGS... one swaks session, transcript in FILE;
#                               prints the reply to the final dot
#
# The spamd site configuration keeps Debian's rules but makes scores
# deterministic: no Bayes, no network tests (-L), the context rules that a
# hand-made or loopback message hits pinned to 0, and one test rule: a
# Subject with the word "yellowtest" scores 5.5 (T_YELLOW).  GTUBE scores
# 1000, a plain message 0.
#
# clamd's database is one signature the tests wrote (no download, no
# freshclam): a file that contains the string in CLAMD_VIRUS is the virus
# HiQ.Test.Virus.UNOFFICIAL, also inside a MIME attachment.  clamd's
# stream limit (StreamMaxLength) is CLAMD_STREAMMAX, 1M unless set.
#
# rspamd keeps Debian's rules (/etc/rspamd) but reads its local.d from
# DIR, with rspamd's GTUBE-like test patterns on (XJS... reject, ZJS...
# rewrite subject, YJS... add header, AJS... no action), fixed action
# thresholds (add header 6, rewrite subject 8, reject 15, no greylist),
# a Subject with the word "softtest" forcing "soft reject" and one with
# "quarantinetest" forcing "quarantine" (what rspamd's proxy tells a milter
# client to hold).  Hyperscan is off, so it starts in seconds without
# compiling a regexp cache.  Its resolver is one of ours that answers
# every query SERVFAIL at once (srv_servfail_start): every lookup (SPF,
# DMARC, the client's name, RBLs) fails, so the scores are the same on a
# host with a network as on one without, and no lookup waits.

SRV_USER=${SRV_USER:-nobody}
SRV_DIRS=

# srv_install DIR FILE... - copies of FILEs in DIR that SRV_USER can run
srv_install() {
	_srv_d=$1
	shift
	mkdir -p "$_srv_d" && cp "$@" "$_srv_d/" && chmod -R a+rX "$_srv_d"
}

# srv_remember DIR - stop DIR's server in srv_stop_all
srv_remember() {
	case " $SRV_DIRS " in
	*" $1 "*) ;;
	*) SRV_DIRS="$SRV_DIRS $1" ;;
	esac
}

# spamd_site DIR - the pinned site configuration in DIR/site
spamd_site() {
	mkdir -p "$1/site" || return 1
	cp /etc/spamassassin/*.pre "$1/site/" || return 1
	cat >"$1/site/local.cf" <<'EOF'
# hi-q's tests: Debian's rules with deterministic scores.
use_bayes		0
bayes_auto_learn	0
# Deliver spam as it came, with X-Spam-* headers added (no attachment).
report_safe		0
# Over SMTP from 127.0.0.1 every relay is trusted: -1 otherwise.
score ALL_TRUSTED	0
# Context rules that a short hand-made message, or one with no relay
# before us, may hit.
score MISSING_DATE 0
score MISSING_MID 0
score MISSING_FROM 0
score MISSING_HEADERS 0
score MISSING_SUBJECT 0
score NO_HEADERS_MESSAGE 0
score EMPTY_MESSAGE 0
score MSGID_SHORT 0
score NO_RECEIVED 0
score NO_RELAYS 0
score TO_MALFORMED 0
score RDNS_NONE 0
score RDNS_DYNAMIC 0
score HELO_NO_DOMAIN 0
score HELO_LOCALHOST 0
score TVD_SPACE_RATIO 0
score DATE_IN_PAST_03_06 0
score DATE_IN_PAST_06_12 0
score DATE_IN_PAST_12_24 0
score DATE_IN_PAST_24_48 0
score DATE_IN_PAST_96_XX 0
score DATE_IN_FUTURE_03_06 0
score DATE_IN_FUTURE_06_12 0
score DATE_IN_FUTURE_12_24 0
score DATE_IN_FUTURE_24_48 0
score DATE_IN_FUTURE_96_XX 0
# The marked subject: 5.5, yellow with the threshold at 5 and a margin of 2.
header   T_YELLOW Subject =~ /\byellowtest\b/
describe T_YELLOW hi-q test: a Subject with the word yellowtest
score    T_YELLOW 5.5
EOF
	chmod -R a+rX "$1/site"
}

# spamd_up PORT - does spamd answer a PING?
spamd_up() {
	spamc -d 127.0.0.1 -p "$1" -K >/dev/null 2>&1
}

# spamd_start DIR - start spamd, return once it answers.  It runs in the
# background of this shell, not --daemonize'd, so that spamd_stop can reap
# it; it writes its PID to DIR/spamd.pid itself (-r).
spamd_start() {
	_srv_sd=$1
	shift
	spamd_site "$_srv_sd" || return 1
	SPAMD_PORT=$(free_port) || return 1
	rm -f "$_srv_sd/spamd.pid"
	srv_remember "$_srv_sd"
	spamd --pidfile="$_srv_sd/spamd.pid" \
	    --listen="127.0.0.1:$SPAMD_PORT" --username="$SRV_USER" \
	    --local --nouser-config --max-children=2 \
	    --siteconfigpath="$_srv_sd/site" --syslog="$_srv_sd/spamd.log" \
	    "$@" </dev/null >>"$_srv_sd/spamd.out" 2>&1 &
	SPAMD_PID=$!
	echo "$SPAMD_PID" >"$_srv_sd/spamd.started"
	srv_wait_up "$SPAMD_PID" 60 spamd_up "$SPAMD_PORT" ||
	    srv_failed spamd "$SPAMD_PID" "$SPAMD_PORT" \
	    "$_srv_sd/spamd.out" "$_srv_sd/spamd.log"
}

# srv_up_or_gone PID CMD... - CMD succeeds, or PID has exited: either way
# there is no point in waiting longer
srv_up_or_gone() {
	_srv_w=$1
	shift
	pid_gone "$_srv_w" || "$@"
}

# srv_wait_up PID SECONDS CMD... - wait until CMD succeeds; stop waiting
# at once when the server PID exits.  True if it answers.
srv_wait_up() {
	_srv_w=$1
	_srv_s=$2
	shift 2
	poll "$_srv_s" srv_up_or_gone "$_srv_w" "$@" || return 1
	! pid_gone "$_srv_w"
}

# srv_failed NAME PID PORT LOG... - say why server NAME is not up: its
# own last lines first, then ours; always false
srv_failed() {
	_srv_n=$1
	_srv_w=$2
	_srv_port=$3
	shift 3
	for _srv_f in "$@"; do
		[ -s "$_srv_f" ] || continue
		echo "servers: the last lines of $_srv_f:" >&2
		tail -n 8 "$_srv_f" | sed 's/^/    /' >&2
	done
	if pid_gone "$_srv_w"; then
		echo "servers: $_srv_n (pid $_srv_w) exited at start" >&2
	else
		echo "servers: $_srv_n (pid $_srv_w) does not answer on port" \
		    "$_srv_port" >&2
	fi
	return 1
}

# spamd_stop DIR - stop the spamd started in DIR, by its PID; SIGTERM makes
# it stop its children and remove its pidfile
spamd_stop() {
	srv_stop_dir "$1" spamd
}

# spamd_up_on ADDR PORT - does the spamd on ADDR:PORT answer a PING?
spamd_up_on() {
	spamc -d "$1" -p "$2" -K >/dev/null 2>&1
}

# spamd_start_on DIR ADDR PORT - spamd_start's spamd, listening on
# ADDR:PORT: several of them on 127.0.0.1, 127.0.0.2 ... and one port
# stand for several spamd hosts.  SPAMD_CHILDREN sets --max-children (2
# unless set).  spamd_stop stops it.
spamd_start_on() {
	spamd_site "$1" || return 1
	rm -f "$1/spamd.pid"
	srv_remember "$1"
	spamd --pidfile="$1/spamd.pid" \
	    --listen="$2:$3" --username="$SRV_USER" \
	    --local --nouser-config --max-children="${SPAMD_CHILDREN:-2}" \
	    --siteconfigpath="$1/site" --syslog="$1/spamd.log" \
	    </dev/null >>"$1/spamd.out" 2>&1 &
	SPAMD_PID=$!
	echo "$SPAMD_PID" >"$1/spamd.started"
	srv_wait_up "$SPAMD_PID" 60 spamd_up_on "$2" "$3" ||
	    srv_failed spamd "$SPAMD_PID" "$3" "$1/spamd.out" "$1/spamd.log"
}

CLAMD_VIRUS='HIQ-TEST-VIRUS-d41c7a3e-not-a-real-virus'
CLAMD_STREAMMAX=${CLAMD_STREAMMAX:-1M}

# clamd_up CONF - does the clamd that CONF names answer a PING?
clamd_up() {
	clamdscan -c "$1" --ping 1 >/dev/null 2>&1
}

# clamd_start DIR [ADDR PORT] - start clamd in the foreground of a
# background job (so clamd_stop can reap it) and return once it answers.
# DIR/clamd.conf serves clamd and clamdscan -c alike; DIR/db holds the one
# signature.  The log is DIR/clamd.log.
clamd_start() {
	_srv_d=$1
	_srv_a=${2:-127.0.0.1}
	mkdir -p "$_srv_d/db" || return 1
	# An .ndb line: name, target 0 (any file), offset *, hex of the body.
	printf 'HiQ.Test.Virus:0:*:%s\n' \
	    "$(printf %s "$CLAMD_VIRUS" | od -An -tx1 | tr -d ' \n')" \
	    >"$_srv_d/db/hiq-test.ndb" || return 1
	if [ -n "${3:-}" ]; then
		CLAMD_PORT=$3
	else
		CLAMD_PORT=$(free_port) || return 1
	fi
	CLAMD_CONF="$_srv_d/clamd.conf"
	{
		echo "DatabaseDirectory $_srv_d/db"
		echo "TCPAddr $_srv_a"
		echo "TCPSocket $CLAMD_PORT"
		echo "StreamMaxLength $CLAMD_STREAMMAX"
		echo "PidFile $_srv_d/clamd.pid"
		echo "LogFile $_srv_d/clamd.log"
		echo "LogTime yes"
		echo "Foreground yes"
		echo "User $SRV_USER"
	} >"$CLAMD_CONF" || return 1
	: >"$_srv_d/clamd.log" && chown "$SRV_USER" "$_srv_d/clamd.log" &&
	    chmod -R a+rX "$_srv_d" || return 1
	rm -f "$_srv_d/clamd.pid"
	srv_remember "$_srv_d"
	clamd -c "$CLAMD_CONF" </dev/null >>"$_srv_d/clamd.out" 2>&1 &
	CLAMD_PID=$!
	echo "$CLAMD_PID" >"$_srv_d/clamd.started"
	srv_wait_up "$CLAMD_PID" 60 clamd_up "$CLAMD_CONF" ||
	    srv_failed clamd "$CLAMD_PID" "$CLAMD_PORT" "$_srv_d/clamd.out" \
	    "$_srv_d/clamd.log"
}

# clamd_stop DIR - stop the clamd started in DIR, by its PID
clamd_stop() {
	srv_stop_dir "$1" clamd
}

# rspamd_up PORT - does rspamd scan a message?
rspamd_up() {
	echo | rspamc -h "127.0.0.1:$1" >/dev/null 2>&1
}

# rspamd_ruled PORT - does rspamd apply our rules yet?  It loads maps
# (the soft reject rule's) after it has started to answer.
rspamd_ruled() {
	printf 'Subject: softtest\n\nx\n' | rspamc -h "127.0.0.1:$1" \
	    2>/dev/null | grep -q '^Action: soft reject'
}

# rspamd_local DIR DNSPORT - DIR/local.d: the test patterns, the resolver
# on 127.0.0.1:DNSPORT, the thresholds and the soft reject and quarantine
# rules
rspamd_local() {
	mkdir -p "$1" || return 1
	printf '%s\n' 'enable_test_patterns = true;' \
	    'disable_hyperscan = true;' \
	    "dns { nameserver = [\"127.0.0.1:$2\"]; }" \
	    >"$1/options.inc" || return 1
	printf '%s\n' 'reject = 15;' 'rewrite_subject = 8;' \
	    'add_header = 6;' 'greylist = null;' \
	    'quarantine { flags = ["no_threshold"]; }' >"$1/actions.conf" ||
	    return 1
	echo '/softtest/' >"$1/softtest.map" || return 1
	echo '/quarantinetest/' >"$1/quarantinetest.map" || return 1
	cat >"$1/multimap.conf" <<EOF || return 1
HIQ_SOFTTEST {
    type = "header";
    header = "Subject";
    regexp = true;
    map = "$1/softtest.map";
    score = 0.0;
}
HIQ_QUARANTINETEST {
    type = "header";
    header = "Subject";
    regexp = true;
    map = "$1/quarantinetest.map";
    score = 0.0;
}
EOF
	cat >"$1/force_actions.conf" <<'EOF'
rules {
    HIQ_SOFT_REJECT {
        action = "soft reject";
        expression = "HIQ_SOFTTEST";
        message = "try again later";
    }
    HIQ_QUARANTINE {
        action = "quarantine";
        expression = "HIQ_QUARANTINETEST";
    }
}
EOF
}

# srv_servfail_start DIR - a DNS server of ours on a free UDP port of
# 127.0.0.1 (python3, no module beyond its own) that answers every query
# at once with SERVFAIL, the question echoed; sets SERVFAIL_PORT.  Stopped
# with DIR's other servers (srv_stop_dir DIR servfail).
srv_servfail_start() {
	mkdir -p "$1" || return 1
	cat >"$1/servfail.py" <<'EOF' || return 1
import socket, struct, sys
sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
sock.bind(("127.0.0.1", int(sys.argv[1])))
while True:
    q, peer = sock.recvfrom(65535)
    if len(q) < 12 or q[2] & 0x80:
        continue                        # no query
    qid, flags, qdcount = struct.unpack("!HHH", q[:6])
    end = 12
    if qdcount == 1:                    # echo the question: labels, 0,
        while end < len(q) and 0 < q[end] < 64:   # type, class
            end += 1 + q[end]
        end += 5
    if qdcount != 1 or end > len(q):
        qdcount, end = 0, 12
    flags = 0x8000 | (flags & 0x7900) | 0x0080 | 2      # SERVFAIL
    sock.sendto(struct.pack("!6H", qid, flags, qdcount, 0, 0, 0) +
                q[12:end], peer)
EOF
	SERVFAIL_PORT=$(free_port) || return 1
	srv_remember "$1"
	/usr/bin/python3 "$1/servfail.py" "$SERVFAIL_PORT" \
	    </dev/null >>"$1/servfail.out" 2>&1 &
	_srv_w=$!
	echo "$_srv_w" >"$1/servfail.started"
	srv_wait_up "$_srv_w" 30 srv_udp_up "$SERVFAIL_PORT" ||
	    srv_failed servfail "$_srv_w" "$SERVFAIL_PORT" "$1/servfail.out"
}

# srv_udp_up PORT - does something listen on UDP 127.0.0.1:PORT?
srv_udp_up() {
	ss -Hlun "sport = :$1" | grep -q .
}

# rspamd_start DIR [milter] - start rspamd in the foreground (-f) of a
# background job and return once it answers.  The normal worker (the one
# rspamc talks to) runs; with "milter" also the proxy worker in milter mode,
# scanning itself (self_scan: no second hop to the normal worker), on
# another free port.  Its log is DIR/log/rspamd.log.
rspamd_start() {
	_srv_d=$1
	mkdir -p "$_srv_d/run" "$_srv_d/db" "$_srv_d/log" || return 1
	srv_servfail_start "$_srv_d" || return 1
	rspamd_local "$_srv_d/local/local.d" "$SERVFAIL_PORT" || return 1
	RSPAMD_PORT=$(free_port) || return 1
	RSPAMD_MILTER_PORT=
	[ "${2:-}" != milter ] || RSPAMD_MILTER_PORT=$(free_port) || return 1
	cat >"$_srv_d/rspamd.conf" <<EOF || return 1
# hi-q's tests: Debian's rules, one worker on a port of our own.
.include "\$CONFDIR/common.conf"
options {
    pidfile = "\$RUNDIR/rspamd.pid";
    .include "\$CONFDIR/options.inc"
    .include(try=true; priority=1,duplicate=merge) "\$LOCAL_CONFDIR/local.d/options.inc"
}
logging {
    type = "file";
    filename = "\$LOGDIR/rspamd.log";
    level = "info";
}
worker "normal" {
    bind_socket = "127.0.0.1:$RSPAMD_PORT";
    .include "\$CONFDIR/worker-normal.inc"
    count = 1;
}
EOF
	if [ -n "$RSPAMD_MILTER_PORT" ]; then
		cat >>"$_srv_d/rspamd.conf" <<EOF || return 1
worker "rspamd_proxy" {
    bind_socket = "127.0.0.1:$RSPAMD_MILTER_PORT";
    milter = yes;
    timeout = 120s;
    upstream "local" {
        default = yes;
        self_scan = yes;
    }
    count = 1;
    spam_header = "X-Spam";
    reject_message = "Spam message rejected";
}
EOF
	fi
	chown "$SRV_USER" "$_srv_d/run" "$_srv_d/db" "$_srv_d/log" &&
	    chmod -R a+rX "$_srv_d" || return 1
	srv_remember "$_srv_d"
	rspamd -f -c "$_srv_d/rspamd.conf" -u "$SRV_USER" \
	    -g "$(id -gn "$SRV_USER")" \
	    --var="LOCAL_CONFDIR=$_srv_d/local" --var="RUNDIR=$_srv_d/run" \
	    --var="DBDIR=$_srv_d/db" --var="LOGDIR=$_srv_d/log" \
	    </dev/null >>"$_srv_d/rspamd.out" 2>&1 &
	RSPAMD_PID=$!
	echo "$RSPAMD_PID" >"$_srv_d/rspamd.started"
	srv_wait_up "$RSPAMD_PID" 120 rspamd_ruled "$RSPAMD_PORT" ||
	    srv_failed rspamd "$RSPAMD_PID" "$RSPAMD_PORT" \
	    "$_srv_d/rspamd.out" "$_srv_d/log/rspamd.log" || return 1
	[ -z "$RSPAMD_MILTER_PORT" ] ||
	    srv_wait_up "$RSPAMD_PID" 60 milter_up "$RSPAMD_MILTER_PORT" ||
	    srv_failed rspamd "$RSPAMD_PID" "$RSPAMD_MILTER_PORT" \
	    "$_srv_d/rspamd.out" "$_srv_d/log/rspamd.log"
}

# rspamd_stop DIR - stop the rspamd started in DIR, by its PID: SIGTERM
# makes its main process stop its workers; then its resolver
rspamd_stop() {
	srv_stop_dir "$1" rspamd && srv_stop_dir "$1" servfail
}

# smtp_up PORT - does an SMTP server greet us with 220?
smtp_up() {
	perl -MIO::Socket::INET -e '
	    my $s = IO::Socket::INET->new(PeerAddr => "127.0.0.1",
	        PeerPort => $ARGV[0], Timeout => 5) or exit 1;
	    my $l = <$s>;
	    print $s "QUIT\r\n";
	    exit(defined $l && $l =~ /^220/ ? 0 : 1);' "$1"
}

# qpsmtpd_start DIR LINE... - qpsmtpd-forkserver, configured in DIR: mail
# for example.com accepted, 127.0.0.2 a relay client, user
# user@example.com (password "secret") may AUTH; then the plugin LINEs,
# typically the queue plugin.  Plugins are looked for in DIR/plugins
# (copy yours there) and in Debian's directory.  The log, with every
# plugin's lines at LOGINFO, is DIR/qpsmtpd.log.
qpsmtpd_start() {
	_srv_d=$1
	shift
	mkdir -p "$_srv_d/config" "$_srv_d/plugins" "$_srv_d/spool" ||
	    return 1
	chown "$SRV_USER" "$_srv_d/spool" && chmod 700 "$_srv_d/spool" ||
	    return 1
	(
		cd "$_srv_d/config" || exit 1
		echo mx.example.com >me
		echo example.com >rcpthosts
		echo 127.0.0.2 >relayclients
		echo user@example.com:secret >flat_auth_pw
		echo "$_srv_d/spool" >spool_dir
		printf '%s\n' "$_srv_d/plugins" /usr/share/qpsmtpd/plugins \
		    >plugin_dirs
		echo 'logging/warn LOGINFO' >logging
		echo 6 >loglevel
		{
			echo relay
			echo auth/auth_flat_file
			echo rcpt_ok
			for _srv_l in "$@"; do
				echo "$_srv_l"
			done
		} >plugins
	) || return 1
	chmod -R a+rX "$_srv_d/config" "$_srv_d/plugins"
	QPSMTPD_PORT=$(free_port) || return 1
	rm -f "$_srv_d/qpsmtpd.pid"
	srv_remember "$_srv_d"
	# In the background, not --detach: its log stays ours.  It writes
	# the pidfile once it listens, so the PID is known from then on.
	# From its own directory: qpsmtpd asks "git describe" for its
	# version there, which inside a checkout only prints noise.
	# shellcheck disable=SC2086 # QPSMTPD_OPTS: words, on purpose
	(cd "$_srv_d" && exec env QPSMTPD_CONFIG="$_srv_d/config" \
	    qpsmtpd-forkserver ${QPSMTPD_OPTS:-} \
	    --listen-address 127.0.0.1 --port "$QPSMTPD_PORT" \
	    --user "$SRV_USER" --pid-file "$_srv_d/qpsmtpd.pid" --no-rdns \
	    </dev/null >>"$_srv_d/qpsmtpd.log" 2>&1) &
	QPSMTPD_PID=$!
	echo "$QPSMTPD_PID" >"$_srv_d/qpsmtpd.started"
	srv_wait_up "$QPSMTPD_PID" 30 smtp_up "$QPSMTPD_PORT" ||
	    srv_failed qpsmtpd "$QPSMTPD_PID" "$QPSMTPD_PORT" \
	    "$_srv_d/qpsmtpd.log"
}

# qpsmtpd_stop DIR - the same for the qpsmtpd started in DIR
qpsmtpd_stop() {
	srv_stop_dir "$1" qpsmtpd
}

# milter_up PORT - does something accept connections on 127.0.0.1:PORT?
# (A milter takes a connection that closes without a word in its stride.)
milter_up() {
	perl -MIO::Socket::INET -e '
	    IO::Socket::INET->new(PeerAddr => "127.0.0.1",
	        PeerPort => $ARGV[0], Timeout => 5) or exit 1;' "$1"
}

# milter_run DIR NAME CMD... - start CMD (a milter that stays in the
# foreground) in the background with its output in DIR/NAME.out, record
# its PID as server NAME of DIR, wait until MILTER_PORT answers
milter_run() {
	_srv_d=$1
	_srv_n=$2
	shift 2
	srv_remember "$_srv_d"
	"$@" </dev/null >>"$_srv_d/$_srv_n.out" 2>&1 &
	MILTER_PID=$!
	echo "$MILTER_PID" >"$_srv_d/$_srv_n.started"
	srv_wait_up "$MILTER_PID" 60 milter_up "$MILTER_PORT" ||
	    srv_failed "$_srv_n" "$MILTER_PID" "$MILTER_PORT" \
	    "$_srv_d/$_srv_n.out"
}

# pymilter_start DIR SCRIPT ARGS... - a test milter from tests/milters,
# given libmilter's socket for a free port of 127.0.0.1
pymilter_start() {
	_srv_d=$1
	_srv_s=$2
	shift 2
	mkdir -p "$_srv_d" || return 1
	MILTER_PORT=$(free_port) || return 1
	milter_run "$_srv_d" pymilter /usr/bin/python3 "$_srv_s" \
	    "inet:$MILTER_PORT@127.0.0.1" "$@"
}

# pymilter_stop DIR - stop the test milter started in DIR, by its PID
pymilter_stop() {
	srv_stop_dir "$1" pymilter
}

# opendkim_keys DIR DOMAIN SELECTOR - a key pair, and the public key where
# OpenDKIM's TestPublicKeys reads it: "SELECTOR._domainkey.DOMAIN DATA"
opendkim_keys() {
	mkdir -p "$1" &&
	    opendkim-genkey -D "$1" -d "$2" -s "$3" || return 1
	printf '%s._domainkey.%s %s\n' "$3" "$2" \
	    "$(sed -n 's/.*"\(.*\)".*/\1/p' "$1/$3.txt" | tr -d '\n')" \
	    >"$1/public" || return 1
	echo "$2" >"$1/domain" && echo "$3" >"$1/selector" &&
	    chmod -R a+rX "$1"
}

# opendkim_start DIR KEYDIR sign|verify [LINE...] - OpenDKIM in the
# foreground of a background job.  Its key lives under the test's private
# temporary directory, which is under /tmp: RequireSafeKeys is off for
# that reason alone.
opendkim_start() {
	_srv_d=$1
	_srv_k=$2
	_srv_m=$3
	shift 3
	mkdir -p "$_srv_d" || return 1
	MILTER_PORT=$(free_port) || return 1
	{
		echo "Syslog no"
		echo "Background no"
		echo "Socket inet:$MILTER_PORT@127.0.0.1"
		echo "PidFile $_srv_d/opendkim.pid"
		echo "UserID $SRV_USER"
		echo "RequireSafeKeys false"
		echo "TestPublicKeys $_srv_k/public"
		if [ "$_srv_m" = sign ]; then
			echo "Mode sv"
			echo "Domain $(cat "$_srv_k/domain")"
			echo "Selector $(cat "$_srv_k/selector")"
			echo "KeyFile $_srv_k/$(cat "$_srv_k/selector").private"
			echo "InternalHosts 127.0.0.1"
			echo "MTA ORIGINATING"
		else
			echo "Mode v"
		fi
		for _srv_l in "$@"; do
			echo "$_srv_l"
		done
	} >"$_srv_d/opendkim.conf" || return 1
	chmod -R a+rX "$_srv_d" || return 1
	milter_run "$_srv_d" opendkim opendkim -f -x "$_srv_d/opendkim.conf"
}

# opendkim_stop DIR - stop the OpenDKIM started in DIR, by its PID
opendkim_stop() {
	srv_stop_dir "$1" opendkim
}

# clamav_milter_start DIR CLAMDPORT [LINE...] - clamav-milter in the
# foreground of a background job, its log in DIR/clamav-milter.log
clamav_milter_start() {
	_srv_d=$1
	_srv_c=$2
	shift 2
	mkdir -p "$_srv_d" || return 1
	MILTER_PORT=$(free_port) || return 1
	{
		echo "MilterSocket inet:$MILTER_PORT@127.0.0.1"
		echo "ClamdSocket tcp:127.0.0.1:$_srv_c"
		echo "Foreground yes"
		echo "PidFile $_srv_d/clamav-milter.pid"
		echo "LogFile $_srv_d/clamav-milter.log"
		echo "User $SRV_USER"
		for _srv_l in "$@"; do
			echo "$_srv_l"
		done
	} >"$_srv_d/clamav-milter.conf" || return 1
	: >"$_srv_d/clamav-milter.log" &&
	    chown "$SRV_USER" "$_srv_d/clamav-milter.log" &&
	    chmod -R a+rX "$_srv_d" || return 1
	milter_run "$_srv_d" clamav-milter clamav-milter \
	    -c "$_srv_d/clamav-milter.conf"
}

# clamav_milter_stop DIR - stop the clamav-milter started in DIR
clamav_milter_stop() {
	srv_stop_dir "$1" clamav-milter
}

# milter_sock_up PATH - does something accept connections on the unix
# socket PATH?
milter_sock_up() {
	perl -MIO::Socket::UNIX -e '
	    IO::Socket::UNIX->new(Peer => $ARGV[0]) or exit 1;' "$1"
}

# spamass_milter_start DIR SPAMDPORT [ARGS] - spamass-milter in the
# foreground of a background job (without -f it does not fork), its socket
# in a directory only root (its user here, and hi-q's in the tests) can
# reach.  It runs spamc for each message, aimed at the spamd on
# 127.0.0.1:SPAMDPORT; -i with no network: it scans mail from 127.0.0.1
# too, where Debian's default options would let it pass unscanned.
spamass_milter_start() {
	_srv_d=$1
	_srv_p=$2
	shift 2
	mkdir -p "$_srv_d/sock" && chmod 700 "$_srv_d/sock" || return 1
	MILTER_SOCK="$_srv_d/sock/milter"
	rm -f "$MILTER_SOCK"
	srv_remember "$_srv_d"
	spamass-milter -p "$MILTER_SOCK" -P "$_srv_d/spamass-milter.pid" \
	    "$@" -- -d 127.0.0.1 -p "$_srv_p" \
	    </dev/null >>"$_srv_d/spamass-milter.out" 2>&1 &
	MILTER_PID=$!
	echo "$MILTER_PID" >"$_srv_d/spamass-milter.started"
	srv_wait_up "$MILTER_PID" 60 milter_sock_up "$MILTER_SOCK" ||
	    srv_failed spamass-milter "$MILTER_PID" "$MILTER_SOCK" \
	    "$_srv_d/spamass-milter.out"
}

# spamass_milter_stop DIR - stop the spamass-milter started in DIR
spamass_milter_stop() {
	srv_stop_dir "$1" spamass-milter
}

# opendmarc_start DIR [LINE...] - OpenDMARC in the foreground of a
# background job.  It looks up the From domain's DMARC record in the DNS,
# which a test cannot serve: in a network namespace with no interface but
# its own loopback every lookup fails at once instead of timing out, or
# of answering where the host has a resolver.  Its socket is a file, which
# hi-q reaches from outside the namespace; it runs as SRV_USER, whose
# directory (mode 700) the socket is in, so root and SRV_USER (a hi-q
# under qpsmtpd) reach it, no one else.
opendmarc_start() {
	_srv_d=$1
	shift
	mkdir -p "$_srv_d/sock" && chown "$SRV_USER" "$_srv_d/sock" &&
	    chmod 700 "$_srv_d/sock" || return 1
	MILTER_SOCK="$_srv_d/sock/milter"
	rm -f "$MILTER_SOCK"
	{
		echo "Socket local:$MILTER_SOCK"
		echo "Background false"
		echo "PidFile $_srv_d/sock/opendmarc.pid"
		echo "UserID $SRV_USER"
		echo "Syslog false"
		echo "AuthservID mx.example.com"
		for _srv_l in "$@"; do
			echo "$_srv_l"
		done
	} >"$_srv_d/opendmarc.conf" || return 1
	srv_remember "$_srv_d"
	unshare --net opendmarc -f -c "$_srv_d/opendmarc.conf" \
	    </dev/null >>"$_srv_d/opendmarc.out" 2>&1 &
	MILTER_PID=$!
	echo "$MILTER_PID" >"$_srv_d/opendmarc.started"
	srv_wait_up "$MILTER_PID" 60 milter_sock_up "$MILTER_SOCK" ||
	    srv_failed opendmarc "$MILTER_PID" "$MILTER_SOCK" \
	    "$_srv_d/opendmarc.out"
}

# opendmarc_stop DIR - stop the OpenDMARC started in DIR
opendmarc_stop() {
	srv_stop_dir "$1" opendmarc
}

# srv_stop_dir DIR NAME - stop server NAME started in DIR by the PID in
# DIR/NAME.started; true once it has gone
srv_stop_dir() {
	[ -s "$1/$2.started" ] || return 0
	_srv_p=$(cat "$1/$2.started")
	stop_pid "$_srv_p" "$2" || return 1
	wait "$_srv_p" 2>/dev/null || :
	rm -f "$1/$2.started" "$1/$2.pid"
}

# srv_freeze PID... - stop processes with SIGSTOP until srv_thaw: a
# frozen server's socket still takes connections and bytes, which wait
srv_freeze() {
	kill -STOP "$@" && SRV_FROZEN="${SRV_FROZEN:-} $*"
}

# srv_thaw - let every process srv_freeze stopped go on
srv_thaw() {
	# shellcheck disable=SC2086 # a list of PIDs
	[ -z "${SRV_FROZEN:-}" ] || kill -CONT $SRV_FROZEN 2>/dev/null
	SRV_FROZEN=
}

# srv_stop_all - stop whatever was started with spamd_start,
# spamd_start_on, clamd_start, rspamd_start, qpsmtpd_start and the milter
# starts
srv_stop_all() {
	srv_thaw
	_srv_ok=0
	for _srv_x in $SRV_DIRS; do
		qpsmtpd_stop "$_srv_x" || _srv_ok=1
		spamd_stop "$_srv_x" || _srv_ok=1
		clamd_stop "$_srv_x" || _srv_ok=1
		rspamd_stop "$_srv_x" || _srv_ok=1
		pymilter_stop "$_srv_x" || _srv_ok=1
		opendkim_stop "$_srv_x" || _srv_ok=1
		clamav_milter_stop "$_srv_x" || _srv_ok=1
		spamass_milter_stop "$_srv_x" || _srv_ok=1
		opendmarc_stop "$_srv_x" || _srv_ok=1
	done
	return $_srv_ok
}

# smtp_send PORT TRANSCRIPT ARGS... - send one message with swaks to
# 127.0.0.1:PORT (ARGS: more swaks options: --from, --to, --header ...),
# keep swaks' transcript in the file TRANSCRIPT, and print the server's
# reply to the final dot, e.g. "250 Queued! ...", or its last reply if the
# session ended before.  swaks adds Date and Message-Id itself.
smtp_send() {
	_srv_p=$1
	_srv_t=$2
	shift 2
	_srv_rc=0
	swaks --server 127.0.0.1 --port "$_srv_p" --helo client.example.org \
	    --timeout 120 "$@" >"$_srv_t" 2>&1 || _srv_rc=$?
	awk '/^<[-*~]+ / { r = $0; sub(/^<[-*~]+ +/, "", r)
	        if (dot) { print r; found = 1; exit } last = r }
	    /^ -> \.$/ { dot = 1 }
	    END { if (!found) print last }' "$_srv_t"
	return $_srv_rc
}
