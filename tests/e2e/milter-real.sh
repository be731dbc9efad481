# shellcheck shell=sh source-path=SCRIPTDIR/../..
# milter-real.sh - milter stages ("milter NAME SOCKET" in filters.conf) with
# the milters mail admins run, from Debian, each started here on 127.0.0.1
# or on a unix socket in a private directory (tests/lib/servers.sh):
# rspamd's proxy worker in milter mode (one rspamd for the whole test),
# spamass-milter with the tests' spamd, OpenDKIM verifying, OpenDMARC (in a
# network namespace without DNS).  hi-q runs as qmail-smtpd runs it, the
# reply channel (fd 6) open, the client 192.0.2.1; what a client would be
# told, hi-q's log line and the queue are shown.  Last, a milter beside
# spamc and clamdscan stages in one filters.conf, behind qpsmtpd
# (contrib/qpsmtpd/queue-hi-q) with swaks as the client.
# tests/e2e/milter-core.sh drives the same milters below the stage.
. "$TOP/tests/e2e/lib.sh"
. "$TOP/tests/lib/servers.sh"
CALLER="$TOP/tests/tools/qq-caller"
with_servers

rspamd_start "$TMP/rspamd" milter || exit 1
RSPAMD_MILTER="inet:$RSPAMD_MILTER_PORT@127.0.0.1"
spamd_start "$TMP/spamd" || exit 1

GTUBE='XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X'
# rspamd's test patterns: GTUBE with its first letter changed picks the
# action (Y add header, Z rewrite subject)
pattern() {
	echo "${1}${GTUBE#X}"
}
# msg ID SUBJECT [BODYLINE] - qmail-smtpd's Received field, then a message
msg() {
	printf 'Received: from client.example (HELO helo.example) '
	printf '(192.0.2.1)\n  by mx.example.com with SMTP; '
	printf '25 Nov 2026 08:00:00 -0000\n'
	message "$1" "$2"
	[ -z "${3:-}" ] || echo "$3"
}
msg ham "lunch on Friday" >"$TMP/ham"
msg gtube "lunch on Friday" "$GTUBE" >"$TMP/gtube"
msg header "lunch on Friday" "$(pattern Y)" >"$TMP/header"
msg subject "lunch on Friday" "$(pattern Z)" >"$TMP/subject"
msg quarantine "quarantinetest lunch on Friday" >"$TMP/quarantine"
msg soft "softtest lunch on Friday" >"$TMP/soft"
msg yellow "yellowtest lunch on Friday" >"$TMP/yellow"
envelope alice@example.org bob@example.com >"$TMP/env"

# reply MSGFILE - hi-q run as notqmail's qmail-smtpd runs it under
# tcpserver, fd 6 open: what the client is told, and hi-q's log line
reply() {
	env TCPREMOTEIP=192.0.2.1 TCPREMOTEHOST=client.example \
	    TCPREMOTEPORT=4567 "$CALLER" -6 "$1" "$TMP/env" "$HIQ" \
	    -c "$TMP/filters.conf" 2>"$TMP/stderr"
	mask <"$TMP/stderr"
}

# fields NAME... - those header fields of the one queued message, folds
# and all
fields() {
	awk -v names=" $* " '/^$/ { exit }
	    /^[^ \t]/ { n = $0; sub(/:.*/, "", n)
	        keep = index(names, " " n " ") > 0 }
	    keep' "$Q"/new/*/message
}

# body_is MSGFILE - is the queued message's body MSGFILE's body?
body_is() {
	sed '1,/^$/d' "$1" >"$TMP/want"
	sed '1,/^$/d' "$Q"/new/*/message | cmp -s - "$TMP/want" &&
	    echo "body unchanged"
}

echo "--- rspamd's proxy worker as a milter, the defaults: the stage"
conf <<EOF
milter rspamd $RSPAMD_MILTER
EOF
"$HIQ" --check -c "$TMP/filters.conf" >"$TMP/check"
rc=$?
sed "s|$TMP|TMP|; s|$TOP/|TOP/|; s|$RSPAMD_MILTER_PORT|PORT|" "$TMP/check"
echo "exit $rc"

echo "--- rspamd, no action: accept, green, queued unchanged"
reply "$TMP/ham"
queued
cmp "$TMP/ham" "$Q"/new/*/message && echo "queued unchanged"
rm -rf "$Q"

echo "--- rspamd, GTUBE: its reply code, 554 with its text, nothing queued"
reply "$TMP/gtube"
queued

echo "--- rspamd, add header: an accept with X-Spam: Yes added; green, queued"
echo "--- with the field"
reply "$TMP/header"
queued
fields X-Spam Subject
rm -rf "$Q"

echo "--- rspamd, rewrite subject: an accept with the Subject changed"
reply "$TMP/subject"
queued
fields X-Spam Subject
rm -rf "$Q"

echo "--- rspamd, soft reject: 451 with the rule's text, nothing queued"
reply "$TMP/soft"
queued

echo "--- rspamd told to quarantine (force_actions, as an admin would make"
echo "--- it hold the add-header band back): yellow, delivered, the reason"
echo "--- logged; a reject with the text of an on line instead of rspamd's"
conf <<EOF
milter rspamd $RSPAMD_MILTER
    on quarantine yellow
    on reject red "message looks like spam (#5.7.1)"
    on header X-Spam yellow
EOF
reply "$TMP/quarantine"
queued
rm -rf "$Q"
reply "$TMP/gtube"
queued

echo "--- rspamd's add header with \"on header X-Spam yellow\": yellow,"
echo "--- delivered with the field, the reason logged; no action: green"
reply "$TMP/header"
queued
fields X-Spam Subject
rm -rf "$Q"
reply "$TMP/ham"
queued
rm -rf "$Q"

echo "--- spamass-milter with the tests' spamd, -r 15: the stage"
spamass_milter_start "$TMP/spamass" "$SPAMD_PORT" -r 15 \
    -R "spam rejected by SpamAssassin" || exit 1
conf <<EOF
milter spamassassin unix:$MILTER_SOCK
EOF
"$HIQ" --check -c "$TMP/filters.conf" >"$TMP/check"
rc=$?
sed "s|$TMP|TMP|; s|$TOP/|TOP/|" "$TMP/check"
echo "exit $rc"

echo "--- spamass-milter, ham: green, queued with X-Spam-Status: No"
reply "$TMP/ham"
queued
fields X-Spam-Flag X-Spam-Status
body_is "$TMP/ham"
rm -rf "$Q"

echo "--- spamass-milter, yellowtest (5.5 of 5): spam to SpamAssassin, an"
echo "--- accept to the milter protocol: green, delivered tagged"
reply "$TMP/yellow"
queued
fields X-Spam-Flag X-Spam-Status
rm -rf "$Q"

echo "--- spamass-milter, GTUBE (1000 of 15): its 550 and its text, red,"
echo "--- nothing queued"
reply "$TMP/gtube"
queued
spamass_milter_stop "$TMP/spamass" && echo "spamass-milter stopped"

echo "--- OpenDKIM verifying (On-BadSignature reject), a message signed by"
echo "--- OpenDKIM for example.org and changed on its way: 554 with"
echo "--- OpenDKIM's text; the same message unchanged: accept, green"
opendkim_keys "$TMP/keys" example.org sel || exit 1
opendkim_start "$TMP/dkim-sign" "$TMP/keys" sign || exit 1
conf <<EOF
milter dkim-sign inet:$MILTER_PORT@127.0.0.1
    macro {daemon_name} ORIGINATING
EOF
message signed "minutes" >"$TMP/tosign"
reply "$TMP/tosign" >/dev/null
cp "$Q"/new/*/message "$TMP/signed"
rm -rf "$Q"
sed 's/^Alice$/Mallory/' "$TMP/signed" >"$TMP/forged"
opendkim_start "$TMP/dkim-verify" "$TMP/keys" verify \
    "On-BadSignature reject" "AuthservID mx.example.com" || exit 1
conf <<EOF
milter dkim-verify inet:$MILTER_PORT@127.0.0.1
EOF
reply "$TMP/forged"
queued
reply "$TMP/signed"
queued
fields Authentication-Results | sed 's/header\.b=[^;]*/header.b=B/'
rm -rf "$Q"
opendkim_stop "$TMP/dkim-sign" && opendkim_stop "$TMP/dkim-verify" &&
    echo "both OpenDKIM stopped"

echo "--- OpenDMARC (RequiredHeaders), no DNS: one From field, no record"
echo "--- found: accept with its Authentication-Results, green; two From"
echo "--- fields: its reject, red, nothing queued"
: >"$TMP/dmarc-ignore"
opendmarc_start "$TMP/dmarc" "RequiredHeaders true" \
    "IgnoreHosts $TMP/dmarc-ignore" || exit 1
DMARC="unix:$MILTER_SOCK"
conf <<EOF
milter dmarc $DMARC
EOF
reply "$TMP/ham"
queued
fields Authentication-Results
body_is "$TMP/ham"
rm -rf "$Q"
sed 's/^From: .*/&\nFrom: Mallory <mallory@example.net>/' "$TMP/ham" \
    >"$TMP/twofrom"
reply "$TMP/twofrom"
queued

echo "--- behind qpsmtpd: a clamdscan check, the shipped spamc stage,"
echo "--- rspamd and OpenDMARC as milters, in one filters.conf"
clamd_start "$TMP/clamd" || exit 1
BIN="$TMP/bin"
srv_install "$BIN" "$HIQ" "$SINK"
srv_install "$TMP/qpsmtpd/plugins" "$TOP/contrib/qpsmtpd/queue-hi-q"
SINK="$BIN/qq-sink"
CLAMDSCAN="/usr/bin/clamdscan -c $CLAMD_CONF"
SPAMC="/usr/bin/spamc -d 127.0.0.1 -p $SPAMD_PORT"
{
	echo "queue $SINK -d $Q"
	echo "user root"
	sed -n '/^#check clamav /,/^$/p' "$TOP/filters.conf" |
	    sed -e 's/^#//' -e '/^$/d' \
	    -e "s|^check clamav /usr/bin/clamdscan |check clamav $CLAMDSCAN |"
	sed -n '/^stage spamc /,$p' "$TOP/filters.conf" |
	    sed "s|^stage spamc /usr/bin/spamc |stage spamc $SPAMC |"
	echo "milter rspamd $RSPAMD_MILTER"
	echo "    on reject red \"message looks like spam (#5.7.1)\""
	echo "    on header X-Spam yellow"
	echo "milter dmarc $DMARC"
	echo "    on reject red \"the From field breaks DMARC's rules (#5.7.1)\""
} >"$TMP/filters.conf"
chmod 644 "$TMP/filters.conf"
sed -e "s|$TMP|TMP|g" -e "s|$RSPAMD_MILTER_PORT|PORT|" \
    -e "s|$SPAMD_PORT|PORT|" "$TMP/filters.conf"
"$HIQ" --check -c "$TMP/filters.conf" >/dev/null
echo "check: exit $?"
qpsmtpd_start "$TMP/qpsmtpd" \
    "queue-hi-q $BIN/hi-q -c $TMP/filters.conf" || exit 1
LOG="$TMP/qpsmtpd/qpsmtpd.log"

# fresh_queue - an empty queue folder that the qpsmtpd user may write
fresh_queue() {
	rm -rf "$Q"
	mkdir "$Q" && chown "$SRV_USER" "$Q"
}

# send ARGS - one message from alice@example.org to bob@example.com (more
# swaks options in ARGS): the reply and hi-q's log line (qpsmtpd_send)
send() {
	qpsmtpd_send --from alice@example.org --to bob@example.com "$@"
}

echo "--- ham: 250, green from all four, queued with spamd's and OpenDMARC's"
echo "--- fields"
fresh_queue
send --header 'Subject: lunch on Friday'
queued
fields X-Spam-Status Authentication-Results

echo "--- a virus: clamdscan's 554, nothing queued"
fresh_queue
send --header 'Subject: minutes' --body "the minutes $CLAMD_VIRUS"
queued

echo "--- GTUBE: spamc's 554 (the stage before the milter says red first)"
send --header 'Subject: lunch on Friday' --body "$GTUBE"
queued

echo "--- rspamd's rewrite subject, which SpamAssassin does not know: 250,"
echo "--- queued with rspamd's Subject"
send --header 'Subject: lunch on Friday' --body "$(pattern Z)"
queued
fields Subject
fresh_queue

echo "--- rspamd's add header: 250, yellow by the on header line, queued"
echo "--- with rspamd's X-Spam"
send --header 'Subject: lunch on Friday' --body "$(pattern Y)"
queued
fields X-Spam
fresh_queue

echo "--- two From fields: OpenDMARC's reject, 554 with the on line's text,"
echo "--- nothing queued"
send --header 'Subject: lunch on Friday' \
    --add-header 'From: Mallory <mallory@example.net>'
queued

echo "--- rspamd's soft reject: 451 with its text, nothing queued"
send --header 'Subject: softtest lunch on Friday'
queued
