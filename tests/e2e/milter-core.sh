# shellcheck shell=sh source-path=SCRIPTDIR/../..
# milter-core.sh - hi-q's milter client (src/hi-q/milter_*.c) against real
# milters from Debian, through tests/tools/milter-probe, which runs one session
# in a poll loop as the milter stage will: a test milter written with
# python3-milter (tests/milters/modify.py) that shows what it was sent and
# does every modification and every reply the message asks for; one that
# breaks the protocol in each way (tests/milters/broken.py); OpenDKIM
# signing for a relay client, its signature checked by a second OpenDKIM
# that only verifies; clamav-milter with the tests' own signature.  Every
# milter listens on a free port of 127.0.0.1 and is stopped by its PID.
. "$TOP/tests/e2e/lib.sh"
. "$TOP/tests/lib/servers.sh"
PROBE="$TOP/tests/tools/milter-probe"
MILTERS="$TOP/tests/milters"
with_servers

# The message qmail-smtpd would hand over: its own Received field first.
received() {
	printf 'Received: from client.example (HELO helo.example) '
	printf '(192.0.2.1)\n  by mx.example.com with SMTP; '
	printf '25 Nov 2026 08:00:00 -0000\n'
}
# msg TEST [BODY] - a message whose X-Test field asks modify.py for TEST
msg() {
	received
	printf 'Date: Wed, 25 Nov 2026 08:00:00 +0000\n'
	printf 'Message-ID: <m1@example.org>\n'
	printf 'From: Alice <alice@example.org>\nTo: Bob <bob@example.com>\n'
	printf 'Subject: minutes\nX-Drop: one\nX-Folded: first\n\tsecond\n'
	printf 'X-Test: %s\n\n' "$1"
	printf '%s' "${2:-Shall we meet at noon?
Alice
}"
}
envelope alice@example.org bob@example.com carol@example.com >"$TMP/env"

# probe ARGS... - one session: what the probe printed, and its exit code
probe() {
	env TCPREMOTEIP=192.0.2.1 TCPREMOTEHOST=client.example \
	    TCPREMOTEPORT=4567 "$PROBE" -t 30 -T "$TMP" "$@" 2>&1
	echo "exit $?"
}

# outcome ARGS... - the same, without the message
outcome() {
	probe "$@" | sed '/^--- message$/,/^exit /{/^exit /!d}'
}

pymilter_start "$TMP/modify" "$MILTERS/modify.py" "$TMP/modify.log" ||
    exit 1
M="inet:$MILTER_PORT@127.0.0.1"

echo "--- what the milter is sent: connect, helo from qmail-smtpd's Received"
echo "--- field, <sender>, each <recipient>, the fields but that Received"
echo "--- one (one space after the colon taken off, folds kept), the body"
echo "--- in CRLF lines, the macros of each step; nothing to change: accept"
msg "" >"$TMP/m"
: >"$TMP/modify.log"
outcome -H -m j=mx.example.com -m i=4711 -m v=hi-q \
    -u '{daemon_name}=ORIGINATING' -u '{my_macro}=mine' "$M" "$TMP/m" \
    "$TMP/env"
cat "$TMP/modify.log"

echo "--- local mail (no TCPREMOTEIP): localhost at 127.0.0.1, as Postfix"
echo "--- says it; the first Received field is not hidden without -H"
: >"$TMP/modify.log"
env "$PROBE" "$M" "$TMP/m" "$TMP/env" | sed '/^--- message$/,$d'
grep -e '^connect' -e '^helo' -e '^header Received' "$TMP/modify.log"

echo "--- every modification, in order; the new message and envelope"
msg "addheader fold insheader0 insheader1 insheader99 chgsubject delete \
chgpast chgreceived replacebody addrcpt addrcpt_par delrcpt chgfrom" \
    >"$TMP/m"
probe -H "$M" "$TMP/m" "$TMP/env"

echo "--- each reply at the end of the message"
for t in accept continue reject tempfail discard reply550 reply451 replyml \
    "quarantine accept" "addheader reject" skip "progress accept"; do
	echo "X-Test: $t"
	msg "$t" >"$TMP/m"
	outcome -H "$M" "$TMP/m" "$TMP/env"
done

echo "--- replies at the sender and a recipient: a recipient's reject is the"
echo "--- message's; an accept there takes it unchanged"
msg "addheader" >"$TMP/m"
for e in "reject-mail@example.org bob@example.com" \
    "tempfail-mail@example.org bob@example.com" \
    "discard-mail@example.org bob@example.com" \
    "accept-mail@example.org bob@example.com" \
    "alice@example.org bob@example.com reject-rcpt@example.com" \
    "alice@example.org tempfail-rcpt@example.com bob@example.com" \
    "alice@example.org accept-rcpt@example.com"; do
	echo "envelope: $e"
	# shellcheck disable=SC2086 # the addresses, as words
	envelope $e >"$TMP/e2"
	outcome -H "$M" "$TMP/m" "$TMP/e2"
done
pymilter_stop "$TMP/modify" && echo "modify.py stopped"

echo "--- a milter that breaks the protocol: garbage, a cut packet, a huge"
echo "--- length, a reply code that is no 4xx or 5xx, a hang-up in the"
echo "--- middle of the message, silence (the probe's timeout, 2 s); then"
echo "--- one that behaves, on the same port"
pymilter_start "$TMP/broken" "$MILTERS/broken.py" garbage short huge \
    badreply close silence accept || exit 1
B="inet:$MILTER_PORT@127.0.0.1"
msg "" >"$TMP/m"
for mode in garbage short huge badreply close; do
	echo "$mode:"
	outcome -H "$B" "$TMP/m" "$TMP/env"
done
echo "silence:"
outcome -H -t 2 "$B" "$TMP/m" "$TMP/env" | grep -v '^--- message'
echo "accept:"
outcome -H "$B" "$TMP/m" "$TMP/env"
pymilter_stop "$TMP/broken" && echo "broken.py stopped"
echo "nobody listening:"
outcome "$B" "$TMP/m" "$TMP/env"
echo "a socket hi-q will not use:"
outcome "inet:25@mail.example.com" "$TMP/m" "$TMP/env"

# dkim_head FILE - the DKIM-Signature field's first line and its h= tag
# (the rest holds the time and the signature, new on every run)
dkim_head() {
	sed -n '/^DKIM-Signature:/p; /^	h=/p' "$1"
}

echo "--- OpenDKIM signs for a relay client ({daemon_name} ORIGINATING): the"
echo "--- signature goes on top; a second OpenDKIM, verifying, says pass"
opendkim_keys "$TMP/keys" example.org sel || exit 1
opendkim_start "$TMP/dkim-sign" "$TMP/keys" sign || exit 1
S="inet:$MILTER_PORT@127.0.0.1"
opendkim_start "$TMP/dkim-verify" "$TMP/keys" verify \
    "On-BadSignature reject" || exit 1
V="inet:$MILTER_PORT@127.0.0.1"
msg "" >"$TMP/m"
envelope alice@example.org bob@example.com >"$TMP/e1"
outcome -H -u '{daemon_name}=ORIGINATING' -o "$TMP/signed" "$S" "$TMP/m" \
    "$TMP/e1"
dkim_head "$TMP/signed"
# Below the signature (its first line and the folded ones after it).
awk 'NR == 1 { skip = 1; next } skip && /^	/ { next }
    { skip = 0; print }' "$TMP/signed" | cmp - "$TMP/m" &&
    echo "below it, the message as it came"
env TCPREMOTEIP=198.51.100.7 TCPREMOTEHOST=relay.example "$PROBE" -H \
    -m j=mx.example.com "$V" "$TMP/signed" "$TMP/e1" |
    grep -o -e '^outcome: .*' -e 'dkim=[a-z]*'

echo "--- from outside, no ORIGINATING: not signed"
outcome -H "$S" "$TMP/m" "$TMP/e1"

echo "--- from 127.0.0.1 (InternalHosts): signed without the macro"
env TCPREMOTEIP=127.0.0.1 "$PROBE" -H -o "$TMP/signed2" "$S" "$TMP/m" \
    "$TMP/e1" | sed '/^--- message$/,$d'
dkim_head "$TMP/signed2"

echo "--- the signed message changed on its way (a body line): the verifier"
echo "--- rejects it, as its On-BadSignature says"
sed 's/^Alice$/Mallory/' "$TMP/signed" >"$TMP/forged"
env TCPREMOTEIP=198.51.100.7 "$PROBE" -H "$V" "$TMP/forged" "$TMP/e1"
echo "exit $?"
opendkim_stop "$TMP/dkim-sign" && opendkim_stop "$TMP/dkim-verify" &&
    echo "both OpenDKIM stopped"

echo "--- clamav-milter and clamd with the tests' signature: the virus is"
echo "--- rejected with the milter's text; clean mail passes unchanged"
clamd_start "$TMP/clamd" || exit 1
clamav_milter_start "$TMP/clamav-milter" "$CLAMD_PORT" "OnInfected Reject" \
    "RejectMsg virus found: %v" || exit 1
C="inet:$MILTER_PORT@127.0.0.1"
msg "" "minutes of the meeting $CLAMD_VIRUS
" >"$TMP/virus"
outcome -H "$C" "$TMP/virus" "$TMP/e1"
outcome -H "$C" "$TMP/m" "$TMP/e1"
clamav_milter_stop "$TMP/clamav-milter" && echo "clamav-milter stopped"
