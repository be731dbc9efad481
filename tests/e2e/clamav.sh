# shellcheck shell=sh source-path=SCRIPTDIR/../..
# clamav.sh - the virus check against real ClamAV: Debian's clamd on a free
# port of 127.0.0.1 with a private configuration and a one-signature
# database (tests/lib/servers.sh), Debian's clamdscan as the check, next to
# spamc and a real spamd, as the shipped filters.conf has them.  A clean
# message is green, a virus in a MIME attachment red with the rule's 554
# text, clamd down 451 (or delivered, where the configuration asks); what
# clamdscan does with a message over clamd's stream limit; clamdscan and
# spamc reading the message at the same time.
. "$TOP/tests/e2e/lib.sh"
. "$TOP/tests/lib/servers.sh"
CALLER="$TOP/tests/tools/qq-caller"
with_servers
clamd_start "$TMP/clamd" || exit 1
CLAMD1_PORT=$CLAMD_PORT
spamd_start "$TMP/spamd" || exit 1
SPAMC="/usr/bin/spamc -d 127.0.0.1 -p $SPAMD_PORT"
CLAMDSCAN="/usr/bin/clamdscan -c $CLAMD_CONF"

# mime_message ID SUBJECT [TEXT] - a complete message with an attachment
# that holds TEXT
mime_message() {
	printf 'Date: Wed, 25 Nov 2026 08:00:00 +0000\n'
	printf 'Message-ID: <%s@example.org>\n' "$1"
	printf 'From: Alice <alice@example.org>\nTo: Bob <bob@example.com>\n'
	printf 'Subject: %s\n' "$2"
	printf 'MIME-Version: 1.0\n'
	printf 'Content-Type: multipart/mixed; boundary="b1"\n\n'
	printf -- '--b1\nContent-Type: text/plain\n\n'
	printf 'The minutes are attached.\nAlice\n'
	printf -- '--b1\nContent-Type: application/octet-stream; name="m.bin"\n'
	printf 'Content-Transfer-Encoding: base64\n\n'
	printf 'minutes of the meeting %s\n' "${3:-}" | base64
	printf -- '--b1--\n'
}
mime_message virus "minutes" "$CLAMD_VIRUS" >"$TMP/virus"
mime_message clean "minutes" >"$TMP/clean"
# padding BYTES - that many bytes of plain text, in lines
padding() {
	yes 'The same old line of the minutes, over and over again.....' |
	    head -c "$1"
}
# Over clamd's stream limit (1M): the virus in the first megabyte, and
# the virus after it.
{
	mime_message bighead "minutes" "$CLAMD_VIRUS"
	padding 1500000
} >"$TMP/bighead"
{
	mime_message bigtail "minutes"
	padding 1500000
	echo "$CLAMD_VIRUS"
} >"$TMP/bigtail"
# Just over it: 1000 bytes more, less than clamdscan's read buffer (8 KB).
head=$(mime_message justover "minutes" | wc -c)
{
	mime_message justover "minutes"
	padding $((1048576 + 1000 - head - ${#CLAMD_VIRUS} - 1))
	echo "$CLAMD_VIRUS"
} >"$TMP/justover"
envelope alice@example.org bob@example.com >"$TMP/env"

# quiet - drop what clamdscan says about a stream clamd refused, which
# comes out one way or another depending on when clamd hangs up; and
# spamc's result when the message is not green: hi-q stops spamc once
# clamdscan has said red or tempfail, unless spamc was done before
quiet() {
	grep -v -e '^INSTREAM size limit' -e '^Failed to parse reply' \
	    -e "^ERROR: Can't send to clamd" |
	    sed '/verdict=green/!s/ stage=spamc:[^ ]*/ stage=spamc:.../'
}

# scan CONF < MESSAGE - clamdscan's exit code and verdict line
scan() {
	clamdscan -c "$1" --no-summary - >"$TMP/scan" 2>&1
	echo "exit $?: $(quiet <"$TMP/scan")"
}

# example - the check from the shipped filters.conf, uncommented
example() {
	sed -n '/^#check clamav /,/^$/p' "$TOP/filters.conf" |
	    sed -n 's/^#//p'
}

# virus_conf [after] - the shipped filters.conf: its clamav check, with
# clamdscan aimed at our clamd, and its spamc stage at our spamd; "after"
# puts the check after the spamc stage instead of before it
virus_conf() {
	example |
	    sed "s|^check clamav /usr/bin/clamdscan |check clamav $CLAMDSCAN |" \
	    >"$TMP/check"
	{
		echo "queue $SINK -d $Q"
		echo "user root"
		[ "${1:-}" = after ] || cat "$TMP/check"
		sed -n '/^stage spamc /,$p' "$TOP/filters.conf" |
		    sed "s|^stage spamc /usr/bin/spamc |stage spamc $SPAMC |"
		[ "${1:-}" != after ] || cat "$TMP/check"
	} >"$TMP/filters.conf"
}

# hiq MSGFILE - run_hiq, with the size of spamd's headers hidden too
hiq() {
	run_hiq "$1" "$TMP/env" | sed 's/ out=[0-9][0-9]*/ out=N/' | quiet
}

# reply MSGFILE - hi-q run as notqmail's qmail-smtpd runs it, fd 6 open:
# the SMTP reply and hi-q's log line
reply() {
	"$CALLER" -6 "$1" "$TMP/env" "$HIQ" -c "$TMP/filters.conf" \
	    2>"$TMP/stderr"
	mask <"$TMP/stderr" | sed 's/ out=[0-9][0-9]*/ out=N/' | quiet
}

# held PORT - how many bytes the server on PORT has been sent and not yet
# read, over all its connections (spamc half-closes its end once it has
# sent the message: CLOSE-WAIT on the server's side)
held() {
	ss -Htn state established state close-wait "( sport = :$1 )" |
	    awk '{ n += $2 } END { print n + 0 }'
}

# holds PORT BYTES - does the server on PORT hold at least BYTES unread?
holds() {
	[ "$(held "$1")" -ge "$2" ]
}

# both_hold BYTES - spamd and clamd each hold a whole message unread
both_hold() {
	holds "$SPAMD_PORT" "$1" && holds "$CLAMD1_PORT" "$1"
}

echo "--- the example in filters.conf is the one in the README and filters.conf(5)"
example
example | while IFS= read -r l; do
	grep -qF -- "$l" "$TOP/README.md" || echo "not in the README: $l"
	# The man page escapes "-" as "\-".
	grep -qF -- "$(printf %s "$l" | sed 's/-/\\-/g')" \
	    "$TOP/docs/filters.conf.5" || echo "not in filters.conf(5): $l"
done

echo "--- clamdscan itself: exit 0 clean, 1 for a virus in an attachment"
scan "$CLAMD_CONF" <"$TMP/clean"
scan "$CLAMD_CONF" <"$TMP/virus"

echo "--- clean: green for both, queued unchanged but for spamd's headers"
virus_conf
hiq "$TMP/clean"
queued
sed '/^X-Spam-/d; /^	/d' "$Q"/new/*/message | cmp - "$TMP/clean" &&
    echo "the rest is the message"
rm -rf "$Q"

echo "--- a virus: 554 with the rule's text on fd 6, nothing queued"
reply "$TMP/virus"
queued

echo "--- the same without fd 6: exit 31, plain 554"
hiq "$TMP/virus"
queued

echo "--- over the stream limit, the virus in the first megabyte: red"
reply "$TMP/bighead"
queued

echo "--- over the stream limit, the virus after it: clamdscan sends clamd the"
echo "--- first StreamMaxLength bytes only, says OK and stops reading; hi-q"
echo "--- defers a check that left input unread: 71, nothing queued"
scan "$CLAMD_CONF" <"$TMP/bigtail"
hiq "$TMP/bigtail"
queued
rm -rf "$Q"

echo "--- less than 8 KB over the limit, the virus at the end: clamdscan sends"
echo "--- clamd the limit and says OK; whether it read the rest first depends on"
echo "--- how the pipe hands it the bytes: green with the virus unscanned, or 71"
echo "--- for the unread input; never red (so StreamMaxLength must stay above"
echo "--- the SMTP size limit)"
wc -c <"$TMP/justover"
hiq "$TMP/justover" >"$TMP/justover.out"
queued >>"$TMP/justover.out"
if grep -q '^hi-q: verdict=green code=0 .*stage=clamav:exit0:green' \
    "$TMP/justover.out" && grep -q '^queued 1,' "$TMP/justover.out"; then
	echo "not found: delivered, the virus unscanned"
elif grep -q 'reason="stage clamav exited without reading all of its' \
    "$TMP/justover.out" && grep -q '^queued 0,' "$TMP/justover.out"; then
	echo "not found: deferred, clamdscan left input unread"
else
	cat "$TMP/justover.out"
fi | sed 's/: .*/: delivered unscanned or deferred/'
rm -rf "$Q"

echo "--- clamdscan's limit above clamd's: clamd refuses the stream, exit 2, 451"
sed 's/^StreamMaxLength .*/StreamMaxLength 10M/' "$CLAMD_CONF" \
    >"$TMP/client.conf"
scan "$TMP/client.conf" <"$TMP/bigtail"
sed "s|-c $CLAMD_CONF|-c $TMP/client.conf|" "$TMP/filters.conf" \
    >"$TMP/f2" && mv "$TMP/f2" "$TMP/filters.conf"
reply "$TMP/bigtail"
queued
virus_conf

# spamd and clamd are frozen (SIGSTOP) so that neither can answer; their
# sockets still take connections and bytes.  If spamd and clamd both hold
# the whole message at once, spamc and clamdscan had it at the same time
# and the message waits for the slower scan, not for the sum of both.
SIZE=$(wc -c <"$TMP/clean")
echo "--- in parallel: spamd and clamd frozen, each gets the whole message"
echo "--- while the other one has not answered; thawed, the message is green"
# shellcheck disable=SC2046 # spamd's children, a list of PIDs
srv_freeze "$SPAMD_PID" $(ps -o pid= --ppid "$SPAMD_PID") "$CLAMD_PID"
run_hiq "$TMP/clean" "$TMP/env" >"$TMP/par" &
HIQ_BG=$!
poll 60 both_hold "$SIZE" && echo "spamd and clamd both hold the message"
srv_thaw
wait "$HIQ_BG"
sed 's/ out=[0-9][0-9]*/ out=N/' "$TMP/par"
queued
rm -rf "$Q"

echo "--- the check written after spamc gets spamc's output: one after the other"
virus_conf after
# shellcheck disable=SC2046 # spamd's children, a list of PIDs
srv_freeze "$SPAMD_PID" $(ps -o pid= --ppid "$SPAMD_PID")
run_hiq "$TMP/clean" "$TMP/env" >"$TMP/par" &
HIQ_BG=$!
poll 60 holds "$SPAMD_PORT" "$SIZE" && echo "spamd holds the message"
holds "$CLAMD1_PORT" "$SIZE" || echo "clamd has not got it"
srv_thaw
wait "$HIQ_BG"
sed 's/ out=[0-9][0-9]*/ out=N/' "$TMP/par"
queued
rm -rf "$Q"
virus_conf

echo "--- two clamd on 127.0.0.1 and 127.0.0.2, one port: clamdscan takes the"
echo "--- first TCPAddr only; with it down, exit 2 though the second is up"
clamd_start "$TMP/clamd2" 127.0.0.2 "$CLAMD1_PORT" || exit 1
CLAMD2_CONF=$CLAMD_CONF
CLAMD_CONF="$TMP/clamd/clamd.conf"
{
	echo "TCPSocket $CLAMD1_PORT"
	echo "TCPAddr 127.0.0.1"
	echo "TCPAddr 127.0.0.2"
	echo "StreamMaxLength $CLAMD_STREAMMAX"
} >"$TMP/two.conf"
scan "$TMP/two.conf" <"$TMP/virus"
clamd_stop "$TMP/clamd" && echo "clamd on 127.0.0.1 stopped"
scan "$TMP/two.conf" <"$TMP/virus"

# any_conf CONF... - the shipped check, run through contrib/clamdscan-any
any_conf() {
	sed "s|^check clamav .*|check clamav $TOP/contrib/clamdscan-any $*|" \
	    "$TMP/filters.conf" >"$TMP/f2" && mv "$TMP/f2" "$TMP/filters.conf"
	grep '^check' "$TMP/filters.conf" | sed "s|$TMP|TMP|g; s|$TOP|TOP|"
}

# fail_open - the shipped check with "on 2 green" for its "on *" rule
fail_open() {
	sed 's/^\(    on \)\*\( *\)tempfail "virus.*/\12\2green/' \
	    "$TMP/filters.conf" >"$TMP/f2" && mv "$TMP/f2" "$TMP/filters.conf"
	grep '^    on 2 *green' "$TMP/filters.conf"
}

echo "--- contrib/clamdscan-any tries each clamd in turn: red from the second"
any_conf "$CLAMD_CONF" "$CLAMD2_CONF"
reply "$TMP/virus"
queued

echo "--- clamdscan-any: a message over StreamMaxLength is not called clean,"
echo "--- however little over"
reply "$TMP/bigtail"
queued
reply "$TMP/justover"
queued

echo "--- clamd down (both): 451 with the rule's text, nothing queued"
clamd_stop "$TMP/clamd2" && echo "clamd on 127.0.0.2 stopped"
virus_conf
reply "$TMP/virus"
queued
any_conf "$CLAMD_CONF" "$CLAMD2_CONF"
reply "$TMP/virus"
queued

echo "--- clamd down, \"on 2 green\" (fail open): clamdscan never read the"
echo "--- message, so hi-q still defers it; clamdscan-any read it: delivered"
virus_conf
fail_open
reply "$TMP/virus"
queued
any_conf "$CLAMD_CONF" "$CLAMD2_CONF"
reply "$TMP/virus"
queued
