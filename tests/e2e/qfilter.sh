# shellcheck shell=sh source-path=SCRIPTDIR/../..
# qfilter.sh - stages that see the envelope: qmail-qfilter's filters run
# unchanged (tests/qfilters/, written in the style of its samples), what
# each descriptor and variable holds, what a qfilter may change and what
# it may not, only-if-env, "envelope" stages, and qfilters mixed with
# streaming stages, checks and a zone.
. "$TOP/tests/e2e/lib.sh"
CALLER="$TOP/tests/tools/qq-caller"
QF="$TOP/tests/qfilters"

printf 'Subject: hello\nFrom: a@example.org\n\nbody\n' >"$TMP/small"
envelope alice@example.org b@example.com >"$TMP/env1"
envelope alice@example.org b@example.com c@example.com >"$TMP/env2"
envelope '' b@example.com >"$TMP/bounce"
{
	printf 'Subject: invoice\nMIME-Version: 1.0\n'
	printf 'Content-Type: multipart/mixed; boundary="b"\n\n--b\n'
	printf 'Content-Type: text/plain\n\nsee attached\n--b\n'
	printf 'Content-Type: application/octet-stream;\n\tname="invoice.exe"\n'
	printf 'Content-Transfer-Encoding: base64\n\nTVqQAAMAAAAEAAAA\n--b--\n'
} >"$TMP/exe"
sed 's/invoice.exe/invoice.pdf/' "$TMP/exe" >"$TMP/pdf"

# qmail_smtpd - the small message through hi-q as qmail-smtpd runs it,
# with fd 6: the reply the client gets, and hi-q's masked log line
qmail_smtpd() {
	"$CALLER" -6 "$TMP/small" "$TMP/env1" "$HIQ" -c "$TMP/filters.conf" \
	    2>"$TMP/stderr"
	mask <"$TMP/stderr"
}

# show - the queued message's first lines and its envelope, NULs as spaces
show() {
	queued
	head -3 "$Q"/new/*/message
	cat "$Q"/new/*/envelope | tr '\0' ' '
	echo
	rm -rf "$Q"
}

echo "--- a header from QMAILUSER and QMAILHOST"
conf <<EOF2
qfilter hdr $QF/sender-header
EOF2
run_hiq "$TMP/small" "$TMP/env2"
show
echo "--- the same for a bounce: both empty"
run_hiq "$TMP/small" "$TMP/bounce"
show

echo "--- deny-types: an .exe attachment is red (31), nothing queued"
conf <<EOF2
qfilter deny $QF/deny-types exe scr
EOF2
run_hiq "$TMP/exe" "$TMP/env1"
queued
echo "--- deny-types: a .pdf passes, and writing nothing leaves it identical"
run_hiq "$TMP/pdf" "$TMP/env1"
queued
identical "$TMP/pdf" "$TMP/env1"
rm -rf "$Q"

echo "--- 99 drops the message: exit 0, nothing queued, no later stage runs"
conf <<EOF2
stage first /bin/cat
qfilter drop $QF/drop
stage later $FILTERS/mark.sh $TMP/later-ran
qfilter last $QF/nothing
EOF2
run_hiq "$TMP/small" "$TMP/env1"
queued
[ -e "$TMP/later-ran" ] && echo "the later stage ran" || echo "no later stage"

echo "--- a new envelope on fd 4: one recipient removed, one added"
conf <<EOF2
qfilter rw $QF/rewrite-rcpts c@example.com d@example.net
EOF2
run_hiq "$TMP/small" "$TMP/env2"
show

echo "--- a qfilter that reads nothing and writes nothing: queued identical"
conf <<EOF2
qfilter a $QF/nothing
qfilter b $QF/nothing
EOF2
run_hiq "$TMP/exe" "$TMP/env2"
queued
identical "$TMP/exe" "$TMP/env2"
rm -rf "$Q"

echo "--- fd 0 is a file: a qfilter reads it twice"
conf <<EOF2
qfilter seek $QF/seek-twice
EOF2
run_hiq "$TMP/small" "$TMP/env1"
show

echo "--- 82 with a D text on fd 6: the client sees 554 and the text"
conf <<EOF2
qfilter say $QF/say 82 "Dno mail for you here (#5.7.1)"
EOF2
qmail_smtpd
queued
echo "--- 82 with a Z text: 451 and the text"
conf <<EOF2
qfilter say $QF/say 82 "Zgreylisted, try again (#4.7.1)"
EOF2
qmail_smtpd
echo "--- 82 with no text: 451"
conf <<EOF2
qfilter say $QF/say 82 ""
EOF2
qmail_smtpd
echo "--- an on rule outranks the default: 99 made red with a text"
conf <<EOF2
qfilter drop $QF/drop
    on 99 red "we do not take this (#5.7.1)"
EOF2
qmail_smtpd
echo "--- reply-channel 2 88: the text from the qfilter's stderr, the rest dropped"
conf <<EOF2
reply-channel 2 88
qfilter say /bin/sh -c "echo 'Dnot here (#5.7.1)' >&2; echo more >&2; exit 88"
EOF2
# hi-q's stderr is the reply channel here, so it must be a pipe.
("$HIQ" -c "$TMP/filters.conf" <"$TMP/small" 2>&1 1<"$TMP/env1"
    echo "exit $?" >"$TMP/rc") | mask
cat "$TMP/rc"

echo "--- a qfilter that writes on fd 5: tempfail, nothing queued"
conf <<EOF2
qfilter elsewhere $QF/queue-elsewhere
EOF2
run_hiq "$TMP/small" "$TMP/env1"
queued
echo "--- a bad envelope on fd 4: tempfail, nothing queued"
conf <<EOF2
qfilter bad $QF/bad-envelope
EOF2
run_hiq "$TMP/small" "$TMP/env1"
queued

echo "--- recipients past the environment's limit: tempfail, nothing queued"
i=0
{
	printf 'Fa@example.org\0'
	while [ $i -lt 2000 ]; do
		printf 'Trecipient-number-%05d@example.com\0' $i
		i=$((i + 1))
	done
	printf '\0'
} >"$TMP/many"
conf <<EOF2
qfilter hdr $QF/sender-header
EOF2
run_hiq "$TMP/small" "$TMP/many"
queued
echo "--- the same recipients without a qfilter: queued"
conf <<EOF2
stage cat /bin/cat
EOF2
run_hiq "$TMP/small" "$TMP/many" | sed 's/rcpts=[0-9]*/rcpts=N/'
queued
rm -rf "$Q"

echo "--- the environment: one recipient, HIQ_RCPT set, the caller's values gone"
conf <<EOF2
qfilter env $QF/dump-env $TMP/env.out
EOF2
HIQ_RCPT=evil@example.com QMAILNAME=Eve QMAILUSER=eve \
    "$HIQ" -c "$TMP/filters.conf" <"$TMP/small" 1<"$TMP/env1" 2>/dev/null
echo "exit $?"
sed "s/^QMAILPPID=$$\$/QMAILPPID=the caller/" "$TMP/env.out"
rm -rf "$Q"
echo "--- two recipients: HIQ_RCPT unset"
HIQ_RCPT=evil@example.com "$HIQ" -c "$TMP/filters.conf" <"$TMP/small" \
    1<"$TMP/env2" 2>/dev/null
echo "exit $?"
grep -E 'HIQ_RCPT|NUMRCPTS|QMAILRCPTS' "$TMP/env.out"
rm -rf "$Q"

echo "--- an envelope stage gets the same, after the upload"
conf <<EOF2
stage env $FILTERS/../qfilters/dump-env $TMP/env.out
    envelope
EOF2
run_hiq "$TMP/small" "$TMP/env1"
grep -E 'QMAILUSER|HIQ_RCPT' "$TMP/env.out"
queued
rm -rf "$Q"

echo "--- only-if-env: a qfilter for relay clients only"
conf <<EOF2
qfilter hdr $QF/sender-header
    only-if-env RELAYCLIENT SMTPAUTHUSER
EOF2
run_hiq "$TMP/small" "$TMP/env1"
show
RELAYCLIENT='' "$HIQ" -c "$TMP/filters.conf" <"$TMP/small" 1<"$TMP/env1" \
    2>"$TMP/stderr"
echo "exit $?"
mask <"$TMP/stderr"
show

echo "--- mixed: stage, qfilter, stage, check; the message changed by each"
conf <<EOF2
stage tag1 $FILTERS/tag.sh one
check seen /bin/sh -c "cat >/dev/null"
qfilter hdr $QF/sender-header
stage tag2 $FILTERS/tag.sh two
check last /bin/sh -c "grep -q '^X-Envelope-Sender: alice@' || exit 1"
EOF2
run_hiq "$TMP/small" "$TMP/env1"
queued
head -4 "$Q"/new/*/message
rm -rf "$Q"

echo "--- a zone in a late segment: red from the score after a qfilter"
conf <<EOF2
qfilter hdr $QF/sender-header
stage spam $FILTERS/fake-spamc.sh 9.5
    on 0,1 green
    zone X-Spam-Status margin 2
EOF2
run_hiq "$TMP/small" "$TMP/env1"
queued

echo "--- a qfilter past its own timeout: killed, tempfail"
conf <<EOF2
qfilter slow $FILTERS/hang.sh $TMP/hang.pid
    timeout 1
EOF2
run_hiq "$TMP/small" "$TMP/env1"
queued
gone "$TMP/hang.pid"

echo "--- a red streaming stage: the qfilter after it never starts"
conf <<EOF2
stage no $FILTERS/exit-after-read.sh 1
    on 1 red
qfilter later $FILTERS/mark.sh $TMP/qf-ran
EOF2
run_hiq "$TMP/small" "$TMP/env1"
[ -e "$TMP/qf-ran" ] && echo "the qfilter ran" || echo "no qfilter"
