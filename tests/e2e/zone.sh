# shellcheck shell=sh source-path=SCRIPTDIR/../..
# zone.sh - the green, yellow and red zones read from a stage's score
# header, and checks (stages that get a copy and only judge); a header
# already in the stage's input does not count.  The real
# spamc and spamd are in spamd.sh; here a stand-in writes spamc's output.
. "$TOP/tests/e2e/lib.sh"
CALLER="$TOP/tests/tools/qq-caller"
printf 'Subject: hello\nFrom: a@example.org\n\nbody\n' >"$TMP/msg"
{
	printf 'Subject: big\n\n'
	head -c 3000000 /dev/zero | tr '\0' 'b' | fold -w 76
} >"$TMP/big"
envelope a@example.org b@example.com >"$TMP/env"

zone() {
	conf <<EOF2
stage spamc $FILTERS/fake-spamc.sh $1
    on 0 green
    on 1 green
    on 64-78 tempfail
    on 99 red "spam (#5.7.1)"
    zone X-Spam-Status $2
EOF2
}

for score in -0.3 4.9 5.0 6.9 7.0 1000.0; do
	echo "--- score $score with margin 2: green below 5, yellow below 7"
	zone "$score" "margin 2"
	run_hiq "$TMP/msg" "$TMP/env"
	queued
	rm -rf "$Q"
done

for score in 1e308 1E3 9e9 0x10 12,5 9.0abc; do
	echo "--- score=$score is no score, not a small one: 71, not queued"
	zone "$score" "red 7 missing green"
	run_hiq "$TMP/msg" "$TMP/env"
	queued
done

echo "--- zone red with fd 6: the first red rule's text"
zone 8.0 "margin 2"
"$CALLER" -6 "$TMP/msg" "$TMP/env" "$HIQ" -c "$TMP/filters.conf" \
    2>"$TMP/stderr"
mask <"$TMP/stderr"
queued

echo "--- an absolute red score: red from 10"
zone 9.9 "red 10"
run_hiq "$TMP/msg" "$TMP/env"
zone 10.0 "red 10"
run_hiq "$TMP/msg" "$TMP/env"
rm -rf "$Q"

echo "--- the yellow message is queued tagged, byte for byte after the tags"
zone 6.0 "margin 2"
run_hiq "$TMP/big" "$TMP/env"
grep -c '^X-Spam-Flag: YES$' "$Q"/new/*/message
tail -n +5 "$Q"/new/*/message | cmp - "$TMP/big" && echo "message intact"
rm -rf "$Q"

echo "--- the exit rules still rule: spamd unreachable (69) is tempfail"
zone "1.0 69" "margin 2"
run_hiq "$TMP/msg" "$TMP/env"
queued

echo "--- no score header: tempfail by default"
conf <<EOF2
stage spamc /bin/cat
    zone X-Spam-Status margin 2
EOF2
run_hiq "$TMP/msg" "$TMP/env"
queued

echo "--- no score header with missing green (spamc -s passed it unscanned)"
conf <<EOF2
stage spamc /bin/cat
    zone X-Spam-Status margin 2 missing green
EOF2
run_hiq "$TMP/msg" "$TMP/env"
queued
rm -rf "$Q"

echo "--- no score header with missing red: rejected, and the log says why"
conf <<EOF2
stage spamc /bin/cat
    zone X-Spam-Status margin 2 missing red
EOF2
run_hiq "$TMP/msg" "$TMP/env"
queued

echo "--- two score headers: hi-q will not guess which to trust"
conf <<EOF2
stage spamc /bin/sh -c "printf 'X-Spam-Status: No, score=0.1 required=5.0\n'; exec $FILTERS/fake-spamc.sh 9.0"
    on 1 green
    zone X-Spam-Status margin 2 missing green
EOF2
run_hiq "$TMP/msg" "$TMP/env"
queued

echo "--- a score header below the header block does not count"
printf 'Subject: x\n\nX-Spam-Status: Yes, score=50.0 required=5.0\n' \
    >"$TMP/body-header"
conf <<EOF2
stage spamc /bin/cat
    zone X-Spam-Status margin 2
EOF2
run_hiq "$TMP/body-header" "$TMP/env"
queued

echo "--- output that is not a message (no end of header block in 256 KiB)"
head -c 400000 /dev/zero | tr '\0' 'x' >"$TMP/nohead"
run_hiq "$TMP/nohead" "$TMP/env"
queued

echo "--- a zone stage in the middle: the next stage gets every byte"
conf <<EOF2
stage spamc $FILTERS/fake-spamc.sh 2.0
    zone X-Spam-Status margin 2
stage tag $FILTERS/tag.sh after-zone
EOF2
run_hiq "$TMP/big" "$TMP/env"
tail -n +5 "$Q"/new/*/message | cmp - "$TMP/big" && echo "message intact"
rm -rf "$Q"

echo "--- a check gets a copy; its output is thrown away"
conf <<EOF2
check count /bin/sh -c "wc -c >$TMP/counted"
stage tag $FILTERS/tag.sh checked
EOF2
run_hiq "$TMP/big" "$TMP/env"
tr -d ' \n' <"$TMP/counted"
echo
tail -n +2 "$Q"/new/*/message | cmp - "$TMP/big" && echo "message intact"
rm -rf "$Q"

echo "--- a check saying red rejects; a check alone before qmail-queue"
conf <<EOF2
check virus /bin/sh -c "grep -q EICAR && exit 1; exit 0"
    on 1 red "virus found (#5.7.1)"
EOF2
printf 'Subject: v\n\nEICAR test\n' >"$TMP/virus"
run_hiq "$TMP/virus" "$TMP/env"
run_hiq "$TMP/msg" "$TMP/env"
queued
rm -rf "$Q"

echo "--- a check that stops reading early and exits 0: tempfail"
conf <<EOF2
check lazy $FILTERS/read-half.sh 1000
stage one /bin/cat
EOF2
run_hiq "$TMP/big" "$TMP/env" | sed 's/ stage=one:[^ ]*//'
queued

echo "--- two checks and a zone stage between filters"
conf <<EOF2
stage first /bin/cat
check c1 /bin/sh -c "cat >/dev/null"
check c2 /bin/sh -c "cat >/dev/null"
stage spamc $FILTERS/fake-spamc.sh 5.5
    on 1 green
    zone X-Spam-Status margin 2
check c3 /bin/sh -c "cat >/dev/null"
stage last /bin/cat
EOF2
run_hiq "$TMP/big" "$TMP/env"
queued

echo "--- --check shows checks and zones"
"$HIQ" --check -c "$TMP/filters.conf" | grep -e '^check' -e '^stage' -e zone |
    sed "s|$FILTERS|FILTERS|"

echo "--- a score header the zone stage passed through is no score: 71"
# The sender's header reaches the zone stage over a plain pipe from "first",
# and the stage passes the message on unchanged, as spamc does over -s.
rm -rf "$Q"
{
	printf 'X-Spam-Status: No, score=-5.0 required=5.0\n'
	cat "$TMP/msg"
} >"$TMP/forged"
conf <<EOF2
stage first /bin/cat
stage spamc $FILTERS/exit-after-read.sh 0
    zone X-Spam-Status red 7 missing tempfail
EOF2
run_hiq "$TMP/forged" "$TMP/env"
queued

echo "--- the stage's own beside it counts: red, and green when low"
for score in 9.0 1.0; do
	conf <<EOF2
stage first /bin/cat
stage spamc $FILTERS/fake-spamc.sh $score 0
    zone X-Spam-Status red 7 missing tempfail
EOF2
	run_hiq "$TMP/forged" "$TMP/env"
	queued
done
