# shellcheck shell=sh source-path=SCRIPTDIR/../..
# smtp.sh - a real SMTP transaction: swaks talks to qpsmtpd on a free port
# of 127.0.0.1, qpsmtpd queues through contrib/qpsmtpd/queue-hi-q into
# hi-q, hi-q runs Debian's spamc against a real spamd and ends at the
# qq-sink.  What the client is told: 250 for green and yellow, 554 with
# hi-q's text for red, 451 for a crashed stage and for spamd down; relay
# and authenticated clients skip the spam stage.  qpsmtpd's stock
# queue/qmail-queue plugin, by contrast, can only say 451.
. "$TOP/tests/e2e/lib.sh"
. "$TOP/tests/lib/servers.sh"
with_servers
# The servers run as nobody: what they run and read must be theirs to
# read, whatever the checkout's permissions; the queue theirs to write.
BIN="$TMP/bin"
srv_install "$BIN" "$HIQ" "$SINK" "$FILTERS/kill-self.sh"
srv_install "$TMP/qpsmtpd/plugins" "$TOP/contrib/qpsmtpd/queue-hi-q"
SINK="$BIN/qq-sink"
mkdir "$TMP/probe" && chown "$SRV_USER" "$TMP/probe"

spamd_start "$TMP/spamd" || exit 1
SPAMC="/usr/bin/spamc -d 127.0.0.1 -p $SPAMD_PORT"
# hi-q reads its configuration anew for each message, so the cases change
# it under a running qpsmtpd.
: >"$TMP/filters.conf"
chmod 644 "$TMP/filters.conf"
qpsmtpd_start "$TMP/qpsmtpd" \
    "queue-hi-q $BIN/hi-q -c $TMP/filters.conf" || exit 1
LOG="$TMP/qpsmtpd/qpsmtpd.log"
GTUBE='XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X'

# fresh_queue - an empty queue folder that the qpsmtpd user may write
fresh_queue() {
	rm -rf "$Q"
	mkdir "$Q" && chown "$SRV_USER" "$Q"
}

# spam_conf [fail-open] - the filters.conf we ship (lib.sh)
spam_conf() {
	shipped_conf "$SPAMC" "$@"
}

# send ARGS - one message from a@example.org to b@example.com (more swaks
# options in ARGS): the reply and hi-q's log lines (qpsmtpd_send, lib.sh)
send() {
	qpsmtpd_send --from a@example.org --to b@example.com "$@"
}

fresh_queue
spam_conf

echo "--- ham: 250, green"
send --header 'Subject: lunch on Friday'
queued

echo "--- the 250 traced to its queue entry: the reply's qp is hi-q's qp=,"
echo "--- and qq= the queue program's pid, which names the entry (qmail-send"
echo "--- logs it as qp)"
fresh_queue
_from=$(wc -l <"$LOG")
qp_reply=$(smtp_send "$QPSMTPD_PORT" "$TMP/swaks" --from a@example.org \
    --to b@example.com --header 'Subject: lunch on Friday' |
    sed -n 's/^250 Queued! [0-9]* qp \([0-9]*\) .*/\1/p')
line=$(tail -n +"$((_from + 1))" "$LOG" | grep ' hi-q: verdict=')
qp_log=$(echo "$line" | sed -n 's/.* qp=\([0-9]*\) .*/\1/p')
qq_log=$(echo "$line" | sed -n 's/.* qq=\([0-9]*\) .*/\1/p')
# qq-sink names the entry SECONDS.NANOSECONDS.PID.1 (qq-sink(8)).
qq_entry=
for e in "$Q"/new/*; do
	qq_entry=$(basename "$e" | cut -d. -f3)
done
if [ -n "$qp_reply" ] && [ "$qp_reply" = "$qp_log" ]; then
	echo "the reply's qp is the log's qp="
else
	echo "the reply says qp $qp_reply, the log qp=$qp_log"
fi
if [ -n "$qq_entry" ] && [ "$qq_entry" = "$qq_log" ]; then
	echo "the entry's pid is the log's qq="
else
	echo "the entry's pid is $qq_entry, the log says qq=$qq_log"
fi
[ "$qp_log" != "$qq_log" ] && echo "two processes: hi-q and qmail-queue"
queued

echo "--- the marked subject: 250, yellow, queued with X-Spam-Flag: YES"
fresh_queue
send --header 'Subject: yellowtest lunch on Friday'
queued
sed -n '/^$/q; /^X-Spam-Flag:/p' "$Q"/new/*/message

echo "--- GTUBE: 554 with hi-q's text, nothing queued"
fresh_queue
send --header 'Subject: lunch on Friday' --body "$GTUBE"
queued

echo "--- GTUBE from a relay client (127.0.0.2): spam stage skipped, 250"
send --header 'Subject: lunch on Friday' --body "$GTUBE" \
    --local-interface 127.0.0.2
queued

echo "--- GTUBE from an authenticated client: skipped, 250"
fresh_queue
send --header 'Subject: lunch on Friday' --body "$GTUBE" \
    --auth PLAIN --auth-user user@example.com --auth-password secret
queued

echo "--- hi-q learns who the client is: address, relay, user, HELO"
conf <<EOF2
stage probe /bin/sh -c "env | grep -E '^(TCPREMOTEIP|RELAYCLIENT|SMTPAUTHUSER|AUTHUSER|SMTPHELO)=' | sort >>$TMP/probe/env; echo -- >>$TMP/probe/env; exec cat"
EOF2
send >/dev/null
send --local-interface 127.0.0.2 >/dev/null
send --auth PLAIN --auth-user user@example.com --auth-password secret \
    >/dev/null
cat "$TMP/probe/env"

echo "--- a stage that crashes: 451, nothing queued"
fresh_queue
conf <<EOF2
stage crash $BIN/kill-self.sh SEGV
EOF2
send
queued

echo "--- a configuration hi-q cannot read: 451, nothing queued"
chmod 600 "$TMP/filters.conf"
send
queued
chmod 644 "$TMP/filters.conf"

echo "--- qpsmtpd's stock queue/qmail-queue plugin: GTUBE gets 451, not 554"
qpsmtpd_stop "$TMP/qpsmtpd"
spam_conf
export HIQ_CONFIG="$TMP/filters.conf"
qpsmtpd_start "$TMP/qpsmtpd" "queue/qmail-queue $BIN/hi-q" || exit 1
send --header 'Subject: lunch on Friday' --body "$GTUBE"
queued
qpsmtpd_stop "$TMP/qpsmtpd"

echo "--- queue-hi-q answers each exit code as qmail-smtpd (qq-caller) does"
cat >"$BIN/exit-with" <<EOF2
#!/bin/sh
# exit-with - read the message and the envelope, exit with the code in FILE
cat >/dev/null
cat <&1 >/dev/null
exit "\$(cat $TMP/probe/code)"
EOF2
chmod 755 "$BIN/exit-with"
qpsmtpd_start "$TMP/qpsmtpd" "queue-hi-q $BIN/exit-with" || exit 1
envelope a@example.org b@example.com >"$TMP/env"
for code in 0 11 12 31 40 41 51 52 53 54 55 71 81 82 91 100 111; do
	echo "$code" >"$TMP/probe/code"
	_plugin=$(send | sed 's/^250 Queued! .*/250 ok/')
	_caller=$("$TOP/tests/tools/qq-caller" "$TMP/env" "$TMP/env" \
	    "$BIN/exit-with" 2>/dev/null | sed -n 's/^reply: //p')
	if [ "$_plugin" = "$_caller" ]; then
		echo "$code: $_plugin"
	else
		echo "$code: $_plugin, but qmail-smtpd: $_caller"
	fi
done
qpsmtpd_stop "$TMP/qpsmtpd"

echo "--- queue-hi-q with a program that does not exist: 451, as qmail-smtpd"
qpsmtpd_start "$TMP/qpsmtpd" "queue-hi-q $BIN/no-such-hi-q" || exit 1
send
queued
qpsmtpd_stop "$TMP/qpsmtpd"
qpsmtpd_start "$TMP/qpsmtpd" \
    "queue-hi-q $BIN/hi-q -c $TMP/filters.conf" || exit 1

echo "--- spamd stopped, spamc -x (defer): 451 with hi-q's text"
spamd_stop "$TMP/spamd" && echo "spamd stopped"
send --header 'Subject: yellowtest lunch on Friday'
queued

echo "--- spamd stopped, no -x (fail open): 250, delivered unscanned"
spam_conf fail-open
send --header 'Subject: yellowtest lunch on Friday'
queued
sed -n '/^$/q; /^X-Spam-/p' "$Q"/new/*/message | wc -l | tr -d ' '
