# shellcheck shell=sh source-path=SCRIPTDIR/../..
# milter.sh - the milter stage through hi-q, end to end: filters.conf's
# "milter NAME SOCKET" with its "on", "macro" and "timeout" lines, run
# in-process by hi-q and judged like any stage; the test milter
# (tests/milters/modify.py, python3-milter) doing every modification and
# every reply, checked in the queued bytes and envelope, the SMTP reply
# (qq-caller, fd 6) and the log line; the broken milter
# (tests/milters/broken.py) in each of its ways, each a tempfail with
# nothing queued; clamav-milter with the tests' signature and OpenDKIM
# signing for a relay client.  Every milter listens on a free port of
# 127.0.0.1 and is stopped by its PID.
. "$TOP/tests/e2e/lib.sh"
. "$TOP/tests/lib/servers.sh"
CALLER="$TOP/tests/tools/qq-caller"
PROBE="$TOP/tests/tools/milter-probe"
MILTERS="$TOP/tests/milters"
with_servers

# msg TEST [BODY] - qmail-smtpd's message (its Received field first) whose
# X-Test field asks modify.py for TEST
msg() {
	printf 'Received: from client.example (HELO helo.example) '
	printf '(192.0.2.1)\n  by mx.example.com with SMTP; '
	printf '25 Nov 2026 08:00:00 -0000\n'
	printf 'Date: Wed, 25 Nov 2026 08:00:00 +0000\n'
	printf 'Message-ID: <m1@example.org>\n'
	printf 'From: Alice <alice@example.org>\nTo: Bob <bob@example.com>\n'
	printf 'Subject: minutes\nX-Drop: one\n'
	printf 'X-Test: %s\n\n' "$1"
	printf '%s' "${2:-Shall we meet at noon?
Alice
}"
}
envelope alice@example.org bob@example.com carol@example.com >"$TMP/env"

# smtpd MSG [ENV] - MSG through hi-q as qmail-smtpd runs it (fd 6 open),
# as client.example at 192.0.2.1: the client's reply, the log, what queued
smtpd() {
	env TCPREMOTEIP=192.0.2.1 TCPREMOTEHOST=client.example \
	    TCPREMOTEPORT=4567 "$CALLER" -6 "$1" "${2:-$TMP/env}" "$HIQ" \
	    -c "$TMP/filters.conf" 2>"$TMP/stderr" | grep -v '^write: '
	mask <"$TMP/stderr"
	queued
}

# show - the queued message and its envelope (NULs as spaces), then gone
show() {
	cat "$Q"/new/*/message
	cat "$Q"/new/*/envelope | tr '\0' ' '
	echo
	rm -rf "$Q"
}

# macros - modify.py's log, hi-q's pid and version masked
macros() {
	sed -e 's/ i=[0-9]*/ i=PID/' -e 's/ v=hi-q [^ ]*/ v=hi-q VERSION/' \
	    "$TMP/modify.log"
}

pymilter_start "$TMP/modify" "$MILTERS/modify.py" "$TMP/modify.log" ||
    exit 1
M="inet:$MILTER_PORT@127.0.0.1"
conf <<EOF
milter mod $M
  macro {daemon_name} ORIGINATING
  macro j mx.example.com
EOF

echo "--- nothing to change: accept, queued byte for byte; the milter saw"
echo "--- the client, the HELO from the Received field (which it does not"
echo "--- see), <sender>, each <recipient>, the macros: the stage's own,"
echo "--- i (hi-q's pid), v, {auth_authen} from SMTPAUTHUSER"
msg "" >"$TMP/m"
: >"$TMP/modify.log"
SMTPAUTHUSER=alice smtpd "$TMP/m"
identical "$TMP/m"
show >/dev/null
macros

echo "--- SMTPHELO, where the caller exports one, is the HELO"
: >"$TMP/modify.log"
SMTPHELO=from.qpsmtpd.example smtpd "$TMP/m" >/dev/null
grep '^helo' "$TMP/modify.log"
rm -rf "$Q"

echo "--- every modification: headers added, inserted, changed, deleted,"
echo "--- the body replaced (stored with LF), recipients added and deleted,"
echo "--- the sender changed"
msg "addheader fold insheader0 insheader1 insheader99 chgsubject delete \
chgpast chgreceived replacebody addrcpt addrcpt_par delrcpt chgfrom" \
    >"$TMP/m"
smtpd "$TMP/m"
show

echo "--- each reply at the end of the message: the client's reply, the"
echo "--- log's status word and outcome, nothing queued unless accepted"
for t in accept continue reject tempfail discard reply550 reply451 \
    replyml "quarantine accept" "addheader reject"; do
	echo "X-Test: $t"
	msg "$t" >"$TMP/m"
	smtpd "$TMP/m"
	rm -rf "$Q"
done

echo "--- a recipient's reject after DATA is the whole message's"
msg "" >"$TMP/m"
envelope alice@example.org bob@example.com reject-rcpt@example.com \
    >"$TMP/e2"
smtpd "$TMP/m" "$TMP/e2"

echo "--- \"on\" lines: a reject made tempfail with its own text, the"
echo "--- milter's reply code text replaced, a quarantine made red"
conf <<EOF
milter mod $M
  on reject tempfail "try again later (#4.7.1)"
  on quarantine red
EOF
for t in reject reply550 "quarantine accept"; do
	echo "X-Test: $t"
	msg "$t" >"$TMP/m"
	smtpd "$TMP/m"
done
echo "--- \"on header\" lines: an accept adding X-Added is red with the"
echo "--- line's text, nothing queued; one inserting X-Top is yellow, queued"
echo "--- with it; deleting X-Drop (a change to nothing) adds no field: green"
conf <<EOF
milter mod $M
  on header X-Added red "tagged as spam by the milter (#5.7.1)"
  on header x-top yellow
  on header X-Drop red
EOF
for t in addheader insheader0 delete; do
	echo "X-Test: $t"
	msg "$t" >"$TMP/m"
	smtpd "$TMP/m"
	cat "$Q"/new/*/message 2>/dev/null | grep -e '^X-Top' -e '^X-Drop'
	rm -rf "$Q"
done
echo "--- skip-if-env: a relay client is not sent to the milter"
conf <<EOF
milter mod $M
  skip-if-env RELAYCLIENT
EOF
msg "reject" >"$TMP/m"
RELAYCLIENT='' smtpd "$TMP/m"
rm -rf "$Q"

echo "--- with stages around it: the milter sees what the stage before"
echo "--- wrote, and the stage after sees what the milter changed"
conf <<EOF
stage upper /usr/bin/sed -e s/noon/NOON/
milter mod $M
qfilter env $TOP/tests/qfilters/sender-header
EOF
msg "chgfrom addheader" >"$TMP/m"
smtpd "$TMP/m"
show
pymilter_stop "$TMP/modify" && echo "modify.py stopped"

echo "--- a milter that breaks the protocol: garbage, a cut packet, a huge"
echo "--- length, a bad reply code, a hang-up in the middle, silence past"
echo "--- the stage's timeout (2 s): each tempfail, nothing queued"
pymilter_start "$TMP/broken" "$MILTERS/broken.py" garbage short huge \
    badreply close silence accept || exit 1
B="inet:$MILTER_PORT@127.0.0.1"
conf <<EOF
milter broken $B
  timeout 2
EOF
msg "" >"$TMP/m"
for mode in garbage short huge badreply close silence; do
	echo "$mode:"
	smtpd "$TMP/m"
done
echo "--- then one that behaves on the same port: queued"
smtpd "$TMP/m"
rm -rf "$Q"
pymilter_stop "$TMP/broken" && echo "broken.py stopped"
echo "--- nobody listening: failure, tempfail; with \"on failure green\""
echo "--- the message goes on unchanged, and the log says why"
smtpd "$TMP/m"
conf <<EOF
milter broken $B
  on failure green
EOF
smtpd "$TMP/m"
identical "$TMP/m"
rm -rf "$Q"

echo "--- clamav-milter and clamd with the tests' signature: the virus is"
echo "--- 554 with the milter's text, nothing queued; clean mail queued"
echo "--- byte for byte"
clamd_start "$TMP/clamd" || exit 1
clamav_milter_start "$TMP/clamav-milter" "$CLAMD_PORT" "OnInfected Reject" \
    "RejectMsg virus found: %v" || exit 1
conf <<EOF
milter clamav inet:$MILTER_PORT@127.0.0.1
EOF
msg "" "minutes of the meeting $CLAMD_VIRUS
" >"$TMP/virus"
envelope alice@example.org bob@example.com >"$TMP/e1"
smtpd "$TMP/virus" "$TMP/e1"
msg "" >"$TMP/m"
smtpd "$TMP/m" "$TMP/e1"
identical "$TMP/m"
rm -rf "$Q"
clamav_milter_stop "$TMP/clamav-milter" && clamd_stop "$TMP/clamd" &&
    echo "clamav-milter and clamd stopped"

echo "--- OpenDKIM signs for a relay client ({daemon_name} ORIGINATING,"
echo "--- only-if-env RELAYCLIENT): the queued message carries a signature"
echo "--- that a second OpenDKIM, verifying, passes"
opendkim_keys "$TMP/keys" example.org sel || exit 1
opendkim_start "$TMP/dkim-sign" "$TMP/keys" sign || exit 1
conf <<EOF
milter dkim inet:$MILTER_PORT@127.0.0.1
  only-if-env RELAYCLIENT
  macro {daemon_name} ORIGINATING
EOF
opendkim_start "$TMP/dkim-verify" "$TMP/keys" verify \
    "On-BadSignature reject" || exit 1
V="inet:$MILTER_PORT@127.0.0.1"
RELAYCLIENT='' smtpd "$TMP/m" "$TMP/e1"
sed -n '/^DKIM-Signature:/p; /^	h=/p' "$Q"/new/*/message
env TCPREMOTEIP=198.51.100.7 "$PROBE" -H "$V" "$Q"/new/*/message \
    "$TMP/e1" | grep -o -e '^outcome: .*' -e 'dkim=[a-z]*'
rm -rf "$Q"
echo "--- not a relay client: not signed, queued as it came"
smtpd "$TMP/m" "$TMP/e1"
identical "$TMP/m"
opendkim_stop "$TMP/dkim-sign" && opendkim_stop "$TMP/dkim-verify" &&
    echo "both OpenDKIM stopped"
