# shellcheck shell=sh source-path=SCRIPTDIR/../..
# rspamd.sh - rspamd instead of SpamAssassin: Debian's rspamd on a free
# port of 127.0.0.1 with a private local.d (tests/lib/servers.sh), driven
# through contrib/rspamc-exit, which turns rspamd's action into rspamc's
# exit status for the stage's "on" rules: no action green, add header and
# rewrite subject yellow (delivered tagged), reject red (554), soft reject
# tempfail (451), rspamd down 451 or, where the configuration says so,
# delivered unscanned.  The first cases pin down why neither spamc nor
# rspamc alone will do.
. "$TOP/tests/e2e/lib.sh"
. "$TOP/tests/lib/servers.sh"
CALLER="$TOP/tests/tools/qq-caller"
with_servers
rspamd_start "$TMP/rspamd" || exit 1
RSPAMC="$TOP/contrib/rspamc-exit -h 127.0.0.1:$RSPAMD_PORT"

# rspamd's test patterns (enable_test_patterns): the first letter picks
# the action
pattern() {
	echo "${1}JS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X"
}
message ham "lunch on Friday" >"$TMP/ham"
for p in header:Y subject:Z reject:X; do
	{
		message "${p%:*}" "lunch on Friday"
		pattern "${p#*:}"
	} >"$TMP/${p%:*}"
done
message soft "softtest lunch on Friday" >"$TMP/soft"
{
	printf 'X-Spam-Action: no action\n'
	cat "$TMP/reject"
} >"$TMP/forged"
envelope alice@example.org bob@example.com >"$TMP/env"

# rspamd_conf - a spam stage through rspamc-exit, as the script's own
# comment gives it
rspamd_conf() {
	{
		echo "queue $SINK -d $Q"
		echo "user root"
		sed -n '/^#     stage rspamd /,/^#$/p' \
		    "$TOP/contrib/rspamc-exit" | sed -e 's/^#     //' \
		    -e '/^#$/d' \
		    -e "s|^stage rspamd [^ ]* -h [^ ]*|stage rspamd $RSPAMC|"
	} >"$TMP/filters.conf"
}

# reply MSGFILE - hi-q run as notqmail's qmail-smtpd runs it, fd 6 open:
# the reply and hi-q's log line
reply() {
	"$CALLER" -6 "$1" "$TMP/env" "$HIQ" -c "$TMP/filters.conf" \
	    2>"$TMP/stderr"
	mask <"$TMP/stderr" | sed 's/ out=[0-9][0-9]*/ out=N/'
}

# spam_headers - rspamd's verdict fields in the one queued message
spam_headers() {
	sed -n '/^$/q; /^X-Spam:/p; /^X-Spam-Action:/p; /^Subject:/p' \
	    "$Q"/new/*/message
}

echo "--- spamc against rspamd's SpamAssassin protocol: -c gives a score,"
echo "--- but the message comes back without X-Spam-Status and -E exits 0"
echo "--- even for reject: no zone and no exit status to judge"
spamc -d 127.0.0.1 -p "$RSPAMD_PORT" -c <"$TMP/reject"
echo "exit $?"
spamc -d 127.0.0.1 -p "$RSPAMD_PORT" -E <"$TMP/reject" >"$TMP/out"
echo "exit $?, X-Spam-Status fields: $(grep -c '^X-Spam-Status:' "$TMP/out")"

echo "--- rspamc -m writes the message with X-Spam-Action, and exits 0 for"
echo "--- every action"
for m in ham header subject reject soft; do
	rspamc -h "127.0.0.1:$RSPAMD_PORT" -m <"$TMP/$m" >"$TMP/out"
	echo "exit $?: $(sed -n '/^$/q; s/^X-Spam-Action: //p' "$TMP/out")"
done

echo "--- the stage, as contrib/rspamc-exit gives it"
rspamd_conf
sed "s|$TOP|TOP|; s|$TMP|TMP|; s|$RSPAMD_PORT|PORT|" "$TMP/filters.conf"

echo "--- no action: green, queued with rspamd's fields"
reply "$TMP/ham"
queued
spam_headers
rm -rf "$Q"

echo "--- add header: yellow, delivered tagged"
reply "$TMP/header"
queued
spam_headers
rm -rf "$Q"

echo "--- rewrite subject: yellow; rspamc leaves the Subject as it was"
reply "$TMP/subject"
queued
spam_headers
rm -rf "$Q"

echo "--- reject: 554 with the rule's text, nothing queued"
reply "$TMP/reject"
queued

echo "--- a sender's forged X-Spam-Action comes first and is not believed"
reply "$TMP/forged"
queued

echo "--- soft reject: 451 with the rule's text, nothing queued"
reply "$TMP/soft"
queued

echo "--- rspamd down: 451, nothing queued"
rspamd_stop "$TMP/rspamd" && echo "stopped"
rspamd_up "$RSPAMD_PORT" || echo "no answer on its port"
reply "$TMP/reject"
queued

echo "--- rspamd down, \"on 75 green\" (fail open): delivered unscanned"
sed 's/^\(    on \)\*\( *\)tempfail .*/\175\2green/' "$TMP/filters.conf" \
    >"$TMP/f2" && mv "$TMP/f2" "$TMP/filters.conf"
grep '^    on 75' "$TMP/filters.conf"
reply "$TMP/reject"
queued
cmp "$TMP/reject" "$Q"/new/*/message && echo "queued unchanged"
