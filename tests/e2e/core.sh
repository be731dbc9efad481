# shellcheck shell=sh source-path=SCRIPTDIR/../..
# core.sh - hi-q's promises, each case a way to lose or wrongly queue mail:
# a rejected message is never queued, an accepted one is queued byte for
# byte, and every fault is a 4xx with nothing queued and nothing left
# running.
. "$TOP/tests/e2e/lib.sh"
CALLER="$TOP/tests/tools/qq-caller"

# A small message and one of 1 MB with a header block.
printf 'Subject: hello\nFrom: a@example.org\n\nbody\n' >"$TMP/small"
{
	printf 'Subject: big\nFrom: a@example.org\n\n'
	head -c 1048576 /dev/urandom | od -An -tx1 -v | head -c 1048576
} >"$TMP/big"
envelope a@example.org b@example.com c@example.com >"$TMP/env"

# qmail_smtpd ARGS - qmail-smtpd's view: masked stderr, then the reply
qmail_smtpd() {
	"$CALLER" "$@" 2>"$TMP/stderr"
	mask <"$TMP/stderr"
}

echo "--- three cat stages queue 1 MB and its envelope byte for byte"
conf <<EOF2
stage one /bin/cat
stage two /bin/cat
stage three /bin/cat
EOF2
run_hiq "$TMP/big" "$TMP/env"
queued
identical "$TMP/big" "$TMP/env"
rm -rf "$Q"

echo "--- no stage at all: straight to qmail-queue"
conf </dev/null
run_hiq "$TMP/big" "$TMP/env"
queued
identical "$TMP/big"
rm -rf "$Q"

echo "--- red: exit 31, nothing queued"
conf <<EOF2
stage check $FILTERS/exit-after-read.sh 1
    on 0 green
    on 1 red
EOF2
run_hiq "$TMP/small" "$TMP/env"
queued

echo "--- red with text and fd 6 open: the client sees the text with 554"
conf <<EOF2
stage check $FILTERS/exit-after-read.sh 1
    on 1 red "message looks like spam (#5.7.1)"
EOF2
qmail_smtpd -6 "$TMP/small" "$TMP/env" "$HIQ" -c "$TMP/filters.conf"
queued

echo "--- the same without fd 6: plain 554"
qmail_smtpd "$TMP/small" "$TMP/env" "$HIQ" -c "$TMP/filters.conf"

echo "--- tempfail with text on fd 6: 451 and the text"
conf <<EOF2
stage check $FILTERS/exit-after-read.sh 75
    on 75 tempfail "try again later, scanner busy (#4.3.0)"
EOF2
qmail_smtpd -6 "$TMP/small" "$TMP/env" "$HIQ" -c "$TMP/filters.conf"
queued

echo "--- yellow: delivered and logged as yellow"
conf <<EOF2
stage tagger $FILTERS/tag.sh suspicious
    on 0 yellow
stage clean /bin/cat
EOF2
run_hiq "$TMP/small" "$TMP/env"
queued
head -1 "$Q"/new/*/message
rm -rf "$Q"

echo "--- a stage killed by a signal: 71, nothing queued"
conf <<EOF2
stage crash $FILTERS/kill-self.sh KILL
EOF2
run_hiq "$TMP/big" "$TMP/env"
queued

echo "--- an exit code no rule names: 71, nothing queued"
conf <<EOF2
stage odd $FILTERS/exit-after-read.sh 3
    on 0 green
    on 1 red
EOF2
run_hiq "$TMP/small" "$TMP/env"
queued

echo "--- a stage program that does not exist: 71, even under on * green"
conf <<EOF2
stage first /bin/cat
stage missing /nonexistent/filter
    on * green
stage last /bin/cat
EOF2
run_hiq "$TMP/big" "$TMP/env"
queued

echo "--- a stage past its timeout: 71, nothing queued, killed"
conf <<EOF2
stage slow $FILTERS/hang.sh $TMP/hang.pid read
    timeout 1
EOF2
run_hiq "$TMP/small" "$TMP/env"
queued
gone "$TMP/hang.pid"

echo "--- the whole-message timeout kills a stage that ignores SIGTERM"
conf <<EOF2
timeout 1
stage stubborn /bin/sh -c "trap '' TERM; echo \\\$\\\$ >$TMP/stub.pid; cat >/dev/null; while :; do sleep 1; done"
EOF2
run_hiq "$TMP/small" "$TMP/env"
queued
gone "$TMP/stub.pid"

echo "--- a stage that reads nothing and exits 0: unread input, 71"
conf <<EOF2
stage lazy $FILTERS/exit-now.sh 0
EOF2
run_hiq "$TMP/small" "$TMP/env"
queued
run_hiq "$TMP/big" "$TMP/env"
queued

echo "--- a byte written after the next stage exited: 71, not cut short"
# a writes the 15-byte message, waits until b (head -c 15) has exited with
# its pipe empty, then writes a trailer b will never read.
printf 'Subject: x\n\nhi\n' >"$TMP/fifteen"
conf <<EOF2
stage a $FILTERS/late-trailer.sh $TMP/b.pid
stage b $FILTERS/head-pid.sh $TMP/b.pid 15
EOF2
# Whether hi-q sees the late byte before a's exit is a race.
run_hiq "$TMP/fifteen" "$TMP/env" | sed 's/ stage=a:[^ ]*//'
queued
echo "--- the same, with no late byte: queued whole"
rm -f "$TMP/b.pid"
conf <<EOF2
stage a $FILTERS/late-trailer.sh $TMP/b.pid quiet
stage b $FILTERS/head-pid.sh $TMP/b.pid 15
EOF2
run_hiq "$TMP/fifteen" "$TMP/env"
queued
cmp "$Q"/new/*/message "$TMP/fifteen" && echo "message whole"
rm -rf "$Q"

echo "--- a stage that reads half and exits 0: 71, no truncated message"
conf <<EOF2
stage half $FILTERS/read-half.sh 500000
stage after /bin/cat
EOF2
# Whether "after" finishes before hi-q finds the unread half is a race.
run_hiq "$TMP/big" "$TMP/env" | sed 's/ stage=after:[^ ]*//'
queued

echo "--- a middle stage that reads half: 71"
conf <<EOF2
stage before /bin/cat
stage half $FILTERS/read-half.sh 500000
EOF2
run_hiq "$TMP/big" "$TMP/env"
queued

# A filter that stops part-way with its verdict: its rule's red or
# tempfail stands, with its text; green, yellow or discard would lose the
# rest of the message, so the unread input makes those tempfail.
for rule in 'red "rejected part-way (#5.7.1)"' \
    'tempfail "busy, try later (#4.3.0)"' green discard; do
	echo "--- a stage that reads 100 KB of 1 MB, then exits 31; on 31 $rule"
	conf <<EOF2
stage part $FILTERS/read-exit.sh 100000 31
    on 31 $rule
EOF2
	qmail_smtpd -6 "$TMP/big" "$TMP/env" "$HIQ" -c "$TMP/filters.conf"
	queued
done
echo "--- the same in the middle of the pipeline; on 31 red"
conf <<EOF2
stage before /bin/cat
stage part $FILTERS/read-exit.sh 100000 31
    on 31 red "rejected part-way (#5.7.1)"
EOF2
qmail_smtpd -6 "$TMP/big" "$TMP/env" "$HIQ" -c "$TMP/filters.conf"
queued

echo "--- a stage that swallows the message: empty output, 71"
conf <<EOF2
stage hole $FILTERS/swallow.sh
EOF2
run_hiq "$TMP/small" "$TMP/env"
queued

echo "--- a stage that closes stdout early: 71"
conf <<EOF2
stage closer $FILTERS/close-stdout.sh
stage after /bin/cat
EOF2
run_hiq "$TMP/big" "$TMP/env"
queued

echo "--- a stage that writes more than it reads, before reading: queued"
conf <<EOF2
stage pad $FILTERS/write-more.sh 300000
stage after /bin/cat
EOF2
run_hiq "$TMP/big" "$TMP/env"
queued
cat "$Q"/new/*/message | wc -c | tr -d ' '
tail -c "$(wc -c <"$TMP/big")" "$Q"/new/*/message | cmp - "$TMP/big" &&
    echo "the whole message follows the padding"
rm -rf "$Q"

echo "--- the caller keeps writing 10 MB after an early reject"
head -c 102400 /dev/zero | tr '\0' 'a' >"$TMP/chunk"
conf <<EOF2
stage early $FILTERS/exit-now.sh 1
    on 1 red
EOF2
qmail_smtpd -r 100 "$TMP/chunk" "$TMP/env" "$HIQ" -c "$TMP/filters.conf"
queued

echo "--- qmail-queue fails at once (53): its code, not the stages'"
{
	echo "queue $SINK -d $Q --fail 53 --fail-at start"
	echo "user root"
	echo "stage one /bin/cat"
	echo "stage two /bin/cat"
} >"$TMP/filters.conf"
qmail_smtpd -r 10 "$TMP/big" "$TMP/env" "$HIQ" -c "$TMP/filters.conf"
queued
echo "--- the same with no stage"
printf 'queue %s -d %s --fail 53 --fail-at start\nuser root\n' "$SINK" "$Q" \
    >"$TMP/filters.conf"
qmail_smtpd -r 10 "$TMP/big" "$TMP/env" "$HIQ" -c "$TMP/filters.conf"
queued

echo "--- qmail-queue fails after the envelope (62): returned unchanged"
{
	echo "queue $SINK -d $Q --fail 62 --fail-at envelope"
	echo "user root"
	echo "stage one /bin/cat"
} >"$TMP/filters.conf"
run_hiq "$TMP/small" "$TMP/env"
queued

echo "--- a missing qmail-queue: 71"
{
	echo "queue /nonexistent/qmail-queue"
	echo "user root"
	echo "stage one /bin/cat"
} >"$TMP/filters.conf"
run_hiq "$TMP/small" "$TMP/env"

echo "--- envelopes qmail-queue would refuse: same codes, nothing queued"
conf <<EOF2
stage one /bin/cat
EOF2
printf 'Xa@example.org\0Tb@example.com\0\0' >"$TMP/bad"
run_hiq "$TMP/small" "$TMP/bad"
printf 'Fa@example.org\0Xb@example.com\0\0' >"$TMP/bad"
run_hiq "$TMP/small" "$TMP/bad"
printf 'Fa@example.org\0Tb@example.com\0' >"$TMP/bad"
run_hiq "$TMP/small" "$TMP/bad"
printf 'Fa@example.org\0T%s\0\0' "$(head -c 1003 /dev/zero | tr '\0' x)" \
    >"$TMP/bad"
run_hiq "$TMP/small" "$TMP/bad"
queued

echo "--- no envelope at all (qmail-smtpd refused the message): 54, quiet"
# Whether the stage had ended when fd 1 did is a race; either is right.
qmail_smtpd -x "$TMP/big" "$TMP/env" "$HIQ" -c "$TMP/filters.conf" |
    sed -E 's/stage=one:(aborted:tempfail|exit0:green):S/stage=one:ENDED/'
queued

echo "--- a bounce (empty sender) with no recipients is queued"
envelope "" >"$TMP/env0"
run_hiq "$TMP/small" "$TMP/env0"
queued
rm -rf "$Q"

echo "--- 5000 recipients pass byte for byte"
i=0
{
	printf 'Fa@example.org\0'
	while [ $i -lt 5000 ]; do
		printf 'Trcpt%d@example.com\0' $i
		i=$((i + 1))
	done
	printf '\0'
} >"$TMP/env5000"
run_hiq "$TMP/small" "$TMP/env5000"
cmp "$TMP/env5000" "$Q"/new/*/envelope && echo "envelope identical"
rm -rf "$Q"

# qmail-queue reads a million recipients in a quarter of a second; a
# sink that checked the whole envelope again after every read took 18 s.
echo "--- a million recipients are all queued, within timeout 10"
{
	printf 'Fa@example.org\0'
	seq 1 1000000 | sed 's/.*/T&@b/' | tr '\n' '\0'
	printf '\0'
} >"$TMP/envM"
timeout 10 "$HIQ" -c "$TMP/filters.conf" <"$TMP/small" 1<"$TMP/envM" \
    2>"$TMP/stderr"
rc=$?
mask <"$TMP/stderr"
echo "exit $rc"
queued
echo "recipients queued: $(cat "$Q"/new/*/envelope | tr '\0' '\n' |
    grep -c '^T')"
cmp "$TMP/envM" "$Q"/new/*/envelope && echo "envelope identical"
rm -rf "$Q" "$TMP/envM"

echo "--- discard: exit 0, nothing queued, logged"
conf <<EOF2
stage dropper $FILTERS/exit-after-read.sh 99
    on 99 discard
EOF2
run_hiq "$TMP/small" "$TMP/env"
queued

echo "--- skip-if-env: the stage is skipped and logged so"
conf <<EOF2
stage spam $FILTERS/exit-after-read.sh 1
    on 1 red
    skip-if-env RELAYCLIENT SMTPAUTHUSER
stage tagger $FILTERS/tag.sh ok
EOF2
RELAYCLIENT="" run_hiq "$TMP/small" "$TMP/env"
queued
rm -rf "$Q"
echo "--- skip-if-env NAME=VALUE matches only that value"
conf <<EOF2
stage spam $FILTERS/exit-after-read.sh 1
    on 1 red
    skip-if-env AUTHPROTOCOL=smtp
EOF2
AUTHPROTOCOL=other run_hiq "$TMP/small" "$TMP/env"
queued

echo "--- every stage skipped: qmail-queue reads fd 0 itself, byte for byte"
conf <<EOF2
stage spam $FILTERS/exit-after-read.sh 1
    on 1 red
    skip-if-env RELAYCLIENT
EOF2
RELAYCLIENT="" run_hiq "$TMP/big" "$TMP/env"
queued
identical "$TMP/big"
rm -rf "$Q"

echo "--- stages inherit no descriptor, no QMAILQUEUE, no ignored signal"
conf <<EOF2
stage probe $TOP/tests/tools/stage-probe $TMP/probe
EOF2
mkfifo "$TMP/fifo6"
cat "$TMP/fifo6" >/dev/null &
(trap '' PIPE INT; QMAILQUEUE=$HIQ "$HIQ" -c "$TMP/filters.conf" \
    <"$TMP/small" 1<"$TMP/env" 5<"$TMP/small" 6>"$TMP/fifo6" 7>&2 \
    2>/dev/null)
echo "exit $?"
wait
cat "$TMP/probe"
rm -rf "$Q"

echo "--- a grandchild a stage left behind is killed"
conf <<EOF2
stage forker $FILTERS/fork-child.sh $TMP/child.pid
EOF2
run_hiq "$TMP/small" "$TMP/env"
gone "$TMP/child.pid"
rm -rf "$Q"

echo "--- 20 messages at once: all queued, none mixed up"
conf <<EOF2
stage one /bin/cat
stage two $FILTERS/tag.sh concurrent
EOF2
i=0
while [ $i -lt 20 ]; do
	printf 'Subject: message %d\n\nbody %d\n' $i $i >"$TMP/m$i"
	envelope "s$i@example.org" "r$i@example.com" >"$TMP/e$i"
	("$HIQ" -c "$TMP/filters.conf" <"$TMP/m$i" 1<"$TMP/e$i" \
	    2>/dev/null; echo $? >"$TMP/rc$i") &
	i=$((i + 1))
done
wait
cat "$TMP"/rc* | sort | uniq -c | sed 's/^ *//'
queued
ok=0
for d in "$Q"/new/*; do
	n=$(sed -n 's/^Subject: message //p' "$d/message")
	{ printf 'X-Tag: concurrent\n'; cat "$TMP/m$n"; } | cmp -s - "$d/message" &&
	    envelope "s$n@example.org" "r$n@example.com" |
	    cmp -s - "$d/envelope" && ok=$((ok + 1))
done
echo "$ok match their input"
rm -rf "$Q"

echo "--- a first stage that stops reading: 71 after the timeout, caller unblocked"
conf <<EOF2
timeout 1
stage stuck $FILTERS/hang.sh $TMP/stuck.pid
EOF2
qmail_smtpd -r 4 "$TMP/big" "$TMP/env" "$HIQ" -c "$TMP/filters.conf"
gone "$TMP/stuck.pid"
queued

# 1.4 MB: more than the pipes between hi-q and a stage hold.
{
	printf 'Subject: large\nFrom: a@example.org\n\n'
	head -c 1468006 /dev/zero | tr '\0' 'x' | fold -w 76
} >"$TMP/large"

echo "--- a stage that stops reading: its own timeout, not the message's"
conf <<EOF2
timeout 30
stage stuck $FILTERS/hang.sh $TMP/stuck2.pid
    timeout 2
EOF2
run_hiq "$TMP/large" "$TMP/env"
gone "$TMP/stuck2.pid"
queued

echo "--- a slow stage that keeps reading is not killed by its timeout"
conf <<EOF2
timeout 30
stage slow $FILTERS/slow-read.sh 65536 0.3
    timeout 3
EOF2
run_hiq "$TMP/large" "$TMP/env"
queued
identical "$TMP/large"
rm -rf "$Q"

echo "--- qmail-queue exits 0 without reading the envelope: not queued, 71"
{
	echo "queue $SINK -d $Q --fail 0 --fail-at message"
	echo "user root"
	echo "stage one /bin/cat"
} >"$TMP/filters.conf"
run_hiq "$TMP/small" "$TMP/env"
queued

echo "--- the message arrives, the envelope never does: 52"
conf <<EOF2
timeout 1
stage one /bin/cat
EOF2
mkfifo "$TMP/envfifo"
sleep 4 >"$TMP/envfifo" &
run_hiq "$TMP/small" "$TMP/envfifo"
queued
wait
