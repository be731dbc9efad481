# shellcheck shell=sh source-path=SCRIPTDIR/../..
# report.sh - hi-q-report on the lines real hi-q runs wrote: Debian's spamd
# and spamc with the shipped filters.conf score a plain message (0.0,
# green), the marked subject (5.5, yellow) and GTUBE (1000.0, red); a
# message over spamc's -s passes unscanned, a relay client is skipped, and
# with spamd down (spamc -x exits 69) a message is deferred: counted so, not
# as unscanned.  The lines are kept as multilog and syslog keep them, with a
# foreign, a cut, a malformed and a nan line among them; the counts, the
# histogram, the what-if table, the JSON and the SVG (parsed by xmllint,
# drawn by rsvg-convert) are checked.  The red line is the one hi-q logged
# (red=), or --margin's; a log without red= gets none invented.
. "$TOP/tests/e2e/lib.sh"
. "$TOP/tests/lib/servers.sh"
REPORT="$TOP/hi-q-report"
with_servers
spamd_start "$TMP/spamd" || exit 1
# down.conf: the same with nothing listening where spamc looks for spamd
shipped_conf "/usr/bin/spamc -d 127.0.0.1 -p $(free_port)"
mv "$TMP/filters.conf" "$TMP/down.conf"
shipped_conf "/usr/bin/spamc -d 127.0.0.1 -p $SPAMD_PORT"

message ham "lunch on Friday" >"$TMP/ham"
message yellow "yellowtest lunch on Friday" >"$TMP/yellow"
{
	message gtube "lunch on Friday"
	echo 'XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X'
} >"$TMP/gtube"
{
	message big "lunch on Friday"
	head -c 1100000 /dev/zero | tr '\0' 'x' | fold -w 76
} >"$TMP/big"
envelope alice@example.org bob@example.com >"$TMP/env"

# hiq MESSAGE [VAR=VALUE] - one real hi-q run (with $CONF, by default
# filters.conf); its log line goes to $TMP/raw
CONF=$TMP/filters.conf
hiq() {
	env ${2:+"$2"} "$HIQ" -c "$CONF" <"$TMP/$1" 1<"$TMP/env" \
	    2>>"$TMP/raw"
	echo "$1: exit $?"
}

echo "--- ten messages through hi-q and spamd, the last while spamd is down"
for m in ham ham yellow gtube ham yellow gtube big; do
	hiq $m
done
hiq ham RELAYCLIENT=
CONF=$TMP/down.conf
hiq ham
grep -c '^hi-q: verdict=' "$TMP/raw"

# The lines as logs keep them: four under a multilog label of 30 November
# (UTC), three of 1 December, three as syslog writes "log syslog" lines; a
# tcpserver line, a line cut short, a malformed and a nan line among them.
tai1=@400000006b0d654a00000000	# 2026-11-30 12:00:00 UTC
tai2=@400000006b0eb6ca00000000	# 2026-12-01 12:00:00 UTC
{
	sed -n "1,4s/^/$tai1 /p" "$TMP/raw"
	echo "$tai1 tcpserver: status: 1/20"
	sed -n "5,7s/^/$tai2 /p" "$TMP/raw"
	sed -n '1s/^\(.\{60\}\).*/\1/p' "$TMP/raw"
	sed -n '8,10s/^hi-q: /Dec  1 12:00:00 mx hi-q[4711]: /p' "$TMP/raw"
	sed -n '1s/verdict=green/verdict=blue/p' "$TMP/raw"
	sed -n '1s/score=0.0/score=nan/p' "$TMP/raw"
} >"$TMP/log"

echo "--- the report, per day, with today's margin (2)"
TZ=UTC0 "$REPORT" -v --by day --margin 2 --svg "$TMP/h.svg" "$TMP/log" \
    >"$TMP/out" 2>"$TMP/err"
echo "exit $?"
sed -e 's/^\(  time (s)\).*(\(.*\))$/\1 P50 P90 P99 MAX (\2)/' \
    -e "s|$TMP|TMP|g" "$TMP/err" "$TMP/out"

echo "--- the deferred message is counted deferred, not unscanned"
grep -F 'stage=spamc:exit69:tempfail:' "$TMP/raw" | mask
grep '^  scores ' "$TMP/out"

echo "--- without --margin: the red line hi-q logged (red=7.0)"
TZ=UTC0 "$REPORT" "$TMP/log" >"$TMP/out2"
echo "exit $?"
grep -e '^scores of' -e '=== red from' -e ' \*$' "$TMP/out2"

echo "--- a log without red= and no --margin: no red line is made up"
sed 's/:red=[0-9.]*//' "$TMP/log" | TZ=UTC0 "$REPORT" >"$TMP/out3"
echo "exit $?"
sed -n '/^scores of/,/^  score /p' "$TMP/out3"
grep -c -e '=== red from' -e ' \*$' "$TMP/out3"
grep '^(--margin' "$TMP/out3"

echo "--- the same from standard input, as JSON: valid, with the same counts"
TZ=UTC0 "$REPORT" --json <"$TMP/log" >"$TMP/json"
echo "exit $?"
json_pp <"$TMP/json" >/dev/null && echo "json_pp: valid"
grep -o '"verdicts": {[^}]*}' "$TMP/json" | head -1
grep -o '"threshold": 5.0, "margin": 2.0, [^}]*' "$TMP/json"

echo "--- the SVG: well-formed XML, an svg root, drawn by rsvg-convert"
xmllint --noout "$TMP/h.svg" && echo "xmllint: well-formed"
xmllint --xpath 'name(/*)' "$TMP/h.svg"
echo
rsvg-convert -o "$TMP/h.png" "$TMP/h.svg"
echo "rsvg-convert: exit $?"
od -An -c -N4 "$TMP/h.png"

echo "--- half-point bands from 4 to 6, the rest in the edge bands"
TZ=UTC0 "$REPORT" --margin 2 --band 0.5 --from 4 --to 6 "$TMP/log" |
    sed -n '/^scores of/,/^$/p'

echo "--- a stage without scores: no histogram, no what-if"
TZ=UTC0 "$REPORT" --stage nosuch "$TMP/log" | sed -n '/^no scores/,$p'

echo "--- a file that cannot be read: 111, the rest still counted"
"$REPORT" "$TMP/none" "$TMP/raw" 2>&1 | sed -e "s|$TMP|TMP|g" |
    sed -n '1,2p'
"$REPORT" "$TMP/none" >/dev/null 2>&1
echo "exit $?"

echo "--- a bad option: 100 and the usage"
"$REPORT" --band 0.05 2>&1
echo "exit $?"
