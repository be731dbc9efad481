# shellcheck shell=sh
# tests/e2e/lib.sh - helpers for the end-to-end tests; sourced, not run.
#
# Sets HIQ, SINK, FILTERS and a private temporary directory TMP, removed on
# exit together with any server started with start_bg (stopped by PID).
set -u
# shellcheck source=tests/lib/common.sh
. "$TOP/tests/lib/common.sh"
HIQ="$TOP/hi-q"
SINK="$TOP/contrib/qq-sink"
# shellcheck disable=SC2034 # used by the tests that source this
FILTERS="$TOP/tests/filters"
TMP=$(mktemp -d /tmp/hiq-e2e.XXXXXX) || exit 1
Q="$TMP/queue"
PIDS=
cleanup() {
	for p in $PIDS; do
		kill "$p" 2>/dev/null
	done
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

# with_servers - for a test that starts servers (tests/lib/servers.sh):
# on exit stop them, then clean up, also when a reader of the output goes
# away (| head); and let the servers, which run as nobody, into $TMP
with_servers() {
	trap 'srv_stop_all; cleanup' EXIT
	trap 'exit 1' INT TERM HUP PIPE
	chmod 711 "$TMP"
}

# own_copies - for a test that runs hi-q, qq-sink or qq-caller as another
# user: copies of them in $TMP/bin, and HIQ, SINK and CALLER naming those.
# That user may not reach the checkout (root's git clone puts it in /root,
# mode 700); it reaches $TMP, once the test has made it mode 711.
own_copies() {
	mkdir "$TMP/bin" &&
	    cp "$HIQ" "$SINK" "$TOP/tests/tools/qq-caller" "$TMP/bin/" &&
	    chmod 755 "$TMP/bin" "$TMP/bin/hi-q" "$TMP/bin/qq-sink" \
	    "$TMP/bin/qq-caller" || exit 1
	HIQ="$TMP/bin/hi-q"
	SINK="$TMP/bin/qq-sink"
	# shellcheck disable=SC2034 # for the tests that source this
	CALLER="$TMP/bin/qq-caller"
}

# envelope SENDER RCPT... - write a qmail-queue envelope on stdout
envelope() {
	printf 'F%s\0' "$1"
	shift
	for r in "$@"; do
		printf 'T%s\0' "$r"
	done
	printf '\0'
}

# message ID SUBJECT - a complete message (Date, Message-ID, From, To,
# Subject) on stdout, as spamd scores it in spamd.sh and report.sh
message() {
	printf 'Date: Wed, 25 Nov 2026 08:00:00 +0000\n'
	printf 'Message-ID: <%s@example.org>\n' "$1"
	printf 'From: Alice <alice@example.org>\nTo: Bob <bob@example.com>\n'
	printf 'Subject: %s\n\n' "$2"
	printf 'Shall we meet at noon, at the usual place?\nAlice\n'
}

# conf - $TMP/filters.conf from stdin, with the sink as its queue; the tests
# run as root, so it names root as the user to run the stages as
conf() {
	conf_to "$TMP/filters.conf"
}

# conf_to FILE - the same, into FILE
conf_to() {
	{
		echo "queue $SINK -d $Q"
		cat
		echo "user root"
	} >"$1"
}

# shipped_conf SPAMC [fail-open] - $TMP/filters.conf as the project ships
# it, its queue the sink and its spamc the command line SPAMC (aimed at the
# test's spamd); "fail-open" takes -x out, the one-line switch the file
# documents
shipped_conf() {
	{
		echo "queue $SINK -d $Q"
		echo "user root"
		sed -n '/^stage spamc /,$p' "$TOP/filters.conf" |
		    sed "s|^stage spamc /usr/bin/spamc |stage spamc $1 |"
	} >"$TMP/filters.conf"
	if [ "${2:-}" = fail-open ]; then
		sed -i 's/^\(stage spamc .*\) -x /\1 /' "$TMP/filters.conf"
	fi
}

# mask - hide what changes from run to run: times, pids (hi-q's qp= and
# qmail-queue's qq= among them), queue ids, and after a failure how far
# the message had got (out=)
mask() {
	sed -e 's/time=[0-9][0-9.]*/time=T/' \
	    -e 's/ qp=[0-9][0-9]*/ qp=P/' -e 's/ qq=[0-9][0-9]*/ qq=Q/' \
	    -e '/ code=0 /!s/ out=[0-9][0-9]*/ out=N/' \
	    -e 's/\(stage=[^: ]*:[^: ]*:[^: ]*:\)[0-9][0-9.]*/\1S/g' \
	    -e 's/pid [0-9][0-9]*/pid P/g' \
	    -e "s|$TMP|TMP|g"
}

# qpsmtpd_send ARGS - one message through the test's qpsmtpd (tests/lib/
# servers.sh; QPSMTPD_PORT, its log in LOG) with swaks, ARGS its options
# (--from, --to ...): the reply to the end of DATA, the queue id masked,
# then hi-q's lines that qpsmtpd logged meanwhile, masked.  qpsmtpd logs
# hi-q's line before it answers the client; its stock queue plugin leaves
# hi-q's stderr unlogged, on qpsmtpd's own.
qpsmtpd_send() {
	_from=$(wc -l <"$LOG")
	smtp_send "$QPSMTPD_PORT" "$TMP/swaks" "$@" |
	    sed 's/^250 Queued! .*/250 Queued! TIME qp PID <MESSAGE-ID>/'
	tail -n +"$((_from + 1))" "$LOG" |
	    sed -n -e 's/^[0-9]* (queue) [^ ]*: \(hi-q: .*\)/\1/p; t' \
	    -e '/^hi-q: /p' | mask |
	    sed 's/ bytes=[0-9][0-9]*/ bytes=N/; s/ out=[0-9][0-9]*/ out=N/'
}

# run_hiq MSGFILE ENVFILE [ARGS] - run hi-q; print its masked stderr and
# its exit status
run_hiq() {
	_m=$1
	_e=$2
	shift 2
	"$HIQ" -c "$TMP/filters.conf" "$@" <"$_m" 1<"$_e" 2>"$TMP/stderr"
	_rc=$?
	mask <"$TMP/stderr"
	echo "exit $_rc"
}

# identical MSG [ENV] - is the one queued message MSG, byte for byte (and
# its envelope ENV)?  cmp says where they differ.
identical() {
	cmp "$1" "$Q"/new/*/message && echo "message identical"
	[ $# -lt 2 ] ||
	    { cmp "$2" "$Q"/new/*/envelope && echo "envelope identical"; }
}

# queued - how many messages the sink committed, and none half-made
queued() {
	_n=$(find "$Q/new" -mindepth 1 -maxdepth 1 -type d 2>/dev/null | wc -l)
	_t=$(find "$Q/tmp" -mindepth 1 2>/dev/null | wc -l)
	echo "queued $_n, left in tmp $_t"
}

# gone PIDFILE - is the process named in PIDFILE gone (or a zombie
# waiting for init)?  SIGKILL takes effect when the target next runs, so
# look for up to five seconds.
gone() {
	if poll 5 pid_gone "$(cat "$1")"; then
		echo "gone"
	else
		echo "still running"
	fi
}

# start_bg CMD... - start a background process and remember its PID
start_bg() {
	"$@" &
	PIDS="$PIDS $!"
}
