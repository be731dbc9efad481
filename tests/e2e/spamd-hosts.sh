# shellcheck shell=sh source-path=SCRIPTDIR/../..
# spamd-hosts.sh - several spamd hosts behind one spamc stage: two real
# spamd on 127.0.0.1 and 127.0.0.2, one port, and spamc -d
# 127.0.0.1,127.0.0.2 (-H spreads the messages).  Both up: scanned; the
# first stopped: still scanned, by the second; both stopped: 451, or
# delivered unscanned where the configuration says so.  spamc fails over
# only without -x, so the stage's zone must say what a message without a
# score means ("missing tempfail" to fail closed).  A spamd that takes
# connections but never answers is not failed over: spamc waits -t.
. "$TOP/tests/e2e/lib.sh"
. "$TOP/tests/lib/servers.sh"
CALLER="$TOP/tests/tools/qq-caller"
with_servers
PORT=$(free_port) || exit 1
spamd_start_on "$TMP/spamd1" 127.0.0.1 "$PORT" || exit 1
SPAMD1_PID=$SPAMD_PID
spamd_start_on "$TMP/spamd2" 127.0.0.2 "$PORT" || exit 1
HOSTS="-d 127.0.0.1,127.0.0.2 -p $PORT"

message ham "lunch on Friday" >"$TMP/ham"
{
	message gtube "lunch on Friday"
	echo 'XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X'
} >"$TMP/gtube"
envelope alice@example.org bob@example.com >"$TMP/env"

# hosts_conf [SPAMC-OPTIONS [MISSING]] - the shipped spamc stage with
# spamc aimed at both spamd, without -x (which stops spamc from trying
# the next host), and "missing MISSING" (tempfail unless given)
hosts_conf() {
	_opts=${1--H}
	shipped_conf "/usr/bin/spamc $HOSTS${_opts:+ $_opts}" fail-open
	sed "s/ missing green\$/ missing ${2:-tempfail}/" "$TMP/filters.conf" \
	    >"$TMP/f2" && mv "$TMP/f2" "$TMP/filters.conf"
	sed -n 's/^stage spamc .*spamc /spamc /p; /^ *zone /p' \
	    "$TMP/filters.conf" | sed "s/$PORT/PORT/"
}

# results LOG... - how many messages the spamd of these logs have scanned
results() {
	cat "$@" | grep -c 'spamd: result:'
}

# results_reach N LOG... - wait until they have scanned at least N (spamd
# may log its result line after it has answered)
results_reach() {
	poll 10 results_at_least "$@"
}
results_at_least() {
	_n=$1
	shift
	[ "$(results "$@")" -ge "$_n" ]
}

# reply MSGFILE - hi-q run as notqmail's qmail-smtpd runs it, fd 6 open
reply() {
	"$CALLER" -6 "$1" "$TMP/env" "$HIQ" -c "$TMP/filters.conf" \
	    2>"$TMP/stderr"
	mask <"$TMP/stderr" | sed 's/ out=[0-9][0-9]*/ out=N/'
}

echo "--- both up, no -H: every message goes to the first host"
hosts_conf ""
reply "$TMP/ham"
reply "$TMP/gtube"
queued
results_reach 2 "$TMP/spamd1/spamd.log"
echo "scanned by 127.0.0.1: $(results "$TMP/spamd1/spamd.log")," \
    "by 127.0.0.2: $(results "$TMP/spamd2/spamd.log")"
rm -rf "$Q"

echo "--- both up, -H: each message to one of them, at random"
hosts_conf
i=0
while [ $i -lt 6 ]; do
	reply "$TMP/ham"
	i=$((i + 1))
done | grep -c 'verdict=green .*score=0.0/5.0' | sed 's/$/ of 6 green with a score/'
queued
results_reach 8 "$TMP"/spamd[12]/spamd.log
echo "scanned by the two together: $(results "$TMP"/spamd[12]/spamd.log)"
rm -rf "$Q"

echo "--- the first stopped: spamc tries the second; GTUBE still red, ham green"
spamd_stop "$TMP/spamd1" && echo "spamd on 127.0.0.1 stopped"
hosts_conf ""
before=$(results "$TMP/spamd2/spamd.log")
reply "$TMP/gtube"
reply "$TMP/ham"
queued
results_reach $((before + 2)) "$TMP/spamd2/spamd.log"
echo "the second host scanned $(($(results "$TMP/spamd2/spamd.log") - before))"
rm -rf "$Q"

echo "--- the same with -x: spamc does not fail over, exits 69: 451"
shipped_conf "/usr/bin/spamc $HOSTS"
reply "$TMP/ham"
queued

echo "--- both stopped, missing tempfail: 451, nothing queued"
spamd_stop "$TMP/spamd2" && echo "spamd on 127.0.0.2 stopped"
hosts_conf
reply "$TMP/gtube"
queued

echo "--- both stopped, missing green (fail open): delivered unscanned"
hosts_conf -H green
reply "$TMP/gtube"
queued
cmp "$TMP/gtube" "$Q"/new/*/message && echo "queued unchanged"
rm -rf "$Q"

echo "--- a spamd that takes the connection and never answers (frozen):"
echo "--- spamc waits its -t (2 s here), does not try the next, passes the"
echo "--- message unscanned: 451 with missing tempfail"
spamd_start_on "$TMP/spamd1" 127.0.0.1 "$PORT" || exit 1
SPAMD1_PID=$SPAMD_PID
spamd_start_on "$TMP/spamd2" 127.0.0.2 "$PORT" || exit 1
# shellcheck disable=SC2046 # spamd's children, a list of PIDs
srv_freeze "$SPAMD1_PID" $(ps -o pid= --ppid "$SPAMD1_PID")
hosts_conf ""
sed 's/ -t 60 / -t 2 /' "$TMP/filters.conf" >"$TMP/f2" &&
    mv "$TMP/f2" "$TMP/filters.conf"
reply "$TMP/ham"
queued
srv_thaw
