# shellcheck shell=sh source-path=SCRIPTDIR/../..
# syslog.sh - "log syslog" in filters.conf: hi-q sends its per-message line
# to syslog too (facility mail unless named), and still writes it to
# standard error.  The test runs hi-q in a private mount namespace whose
# /dev/log is a socket that tests/tools/syslog-sink reads; the host's /dev is
# not touched.
. "$TOP/tests/e2e/lib.sh"
SYSLOG_SINK="$TOP/tests/tools/syslog-sink"
printf 'Subject: hello\n\nbody\n' >"$TMP/msg"
envelope a@example.org b@example.com >"$TMP/env"
mkdir "$TMP/dev"
: >"$TMP/dev/null"

# in_ns - run hi-q on $TMP/msg and $TMP/env with $TMP/dev as /dev (only
# null in it) and the sink on /dev/log; print hi-q's exit code and
# standard error, and the datagrams the sink got, masked
in_ns() {
	# shellcheck disable=SC2016 # the inner sh expands them
	unshare --mount --propagation "$(mount_prop)" sh -c 'mount --bind /dev/null "$1/dev/null" &&
	    mount --rbind "$1/dev" /dev && exec "$2" /dev/log sh -c \
	    "exec \"\$0\" -c \"\$1\" <\"\$2\" 3>&1 1<\"\$3\" 2>\"\$4\"" \
	    "$3" "$1/filters.conf" "$1/msg" "$1/env" "$1/stderr"' \
	    sh "$TMP" "$SYSLOG_SINK" "$HIQ" >"$TMP/syslog"
	echo "exit $?"
	echo "stderr:"
	mask <"$TMP/stderr"
	echo "syslog:"
	sed -e 's/^\(<[0-9]*>\)[A-Z][a-z][a-z] [ 0-9][0-9] [0-9:]* /\1DATE /' \
	    -e 's/hi-q\[[0-9]*\]/hi-q[PID]/' <"$TMP/syslog" | mask
}

echo "--- log syslog: facility mail, priority info (<22>), and stderr too"
conf <<EOF2
log syslog
stage cat /bin/cat
EOF2
in_ns

echo "--- log syslog local0 (<134>); a red verdict with its reason"
conf <<EOF2
log syslog local0
stage no $FILTERS/exit-after-read.sh 1
    on 1 red "no thanks (#5.7.1)"
EOF2
in_ns

echo "--- log stderr (the default): nothing to syslog"
conf <<EOF2
log stderr
stage cat /bin/cat
EOF2
in_ns

echo "--- hi-q --check prints the directive"
conf <<EOF2
log syslog daemon
EOF2
"$HIQ" --check -c "$TMP/filters.conf" | grep '^log'

echo "--- a facility that does not exist is a configuration error"
conf <<EOF2
log syslog kern
EOF2
"$HIQ" --check -c "$TMP/filters.conf" 2>&1 | mask
