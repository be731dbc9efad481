# shellcheck shell=sh source-path=SCRIPTDIR/../..
# spamd.sh - the zones against real SpamAssassin: Debian's spamd on a free
# port of 127.0.0.1 with a pinned site configuration (tests/lib/servers.sh),
# Debian's spamc as the stage.  A plain message is green, the marked
# subject (5.5) yellow and delivered tagged, GTUBE red and not queued; a
# message over spamc's size limit passes unscanned, and an X-Spam-Status
# its sender wrote is then no score; with spamd stopped,
# -x defers and no -x fails open.  The first cases pin down what spamc
# itself does (spamc(1), and measured with Debian 12's spamc 4.0.1).
. "$TOP/tests/e2e/lib.sh"
. "$TOP/tests/lib/servers.sh"
CALLER="$TOP/tests/tools/qq-caller"
with_servers
spamd_start "$TMP/spamd" || exit 1
SPAMC="/usr/bin/spamc -d 127.0.0.1 -p $SPAMD_PORT"

message ham "lunch on Friday" >"$TMP/ham"
message yellow "yellowtest lunch on Friday" >"$TMP/yellow"
{
	message gtube "lunch on Friday"
	echo 'XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X'
} >"$TMP/gtube"
# 2 MB of GTUBE: spam, but over the -s limit of 1000000 bytes.
{
	message big "yellowtest lunch on Friday"
	i=0
	while [ $i -lt 30000 ]; do
		echo 'XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X'
		i=$((i + 1))
	done
} >"$TMP/big"
envelope alice@example.org bob@example.com >"$TMP/env"

# spamc_run ARGS < MESSAGE - spamc's exit code, and whether its output is
# the message unchanged, scanned, or nothing
spamc_run() {
	cat >"$TMP/in"
	# shellcheck disable=SC2086 # $SPAMC is a command line
	$SPAMC "$@" <"$TMP/in" >"$TMP/out" 2>"$TMP/err"
	_rc=$?
	if [ ! -s "$TMP/out" ]; then
		_what="no output"
	elif cmp -s "$TMP/in" "$TMP/out"; then
		_what="the message unchanged"
	else
		_what="scanned: $(sed -n 's/^X-Spam-Status: \([A-Za-z]*,\) \(score=[^ ]* required=[^ ]*\).*/\1 \2/p' "$TMP/out")"
	fi
	echo "exit $_rc, $_what"
}

# spam_conf [fail-open] - the filters.conf we ship (lib.sh), and its
# spamc line.  (Exit 2 is red only for a spamc with contrib/spamc-zap.patch;
# here that rule gives the zone's red its text.)
spam_conf() {
	shipped_conf "$SPAMC" "$@"
	grep '^stage' "$TMP/filters.conf" | sed "s|$SPAMC|SPAMC|"
}

# hiq MSGFILE - run_hiq, and hide the size of spamd's headers too (out=),
# which changes with SpamAssassin's version
hiq() {
	run_hiq "$1" "$TMP/env" | sed 's/ out=[0-9][0-9]*/ out=N/'
}

# spam_headers - the spam headers of the one queued message
spam_headers() {
	sed -n '/^$/q; /^X-Spam-Flag:/p; /^X-Spam-Status:/p' "$Q"/new/*/message
}

echo "--- spamc -E: 0 for ham, 1 for spam, the message scanned"
spamc_run -E <"$TMP/ham"
spamc_run -E <"$TMP/yellow"
spamc_run -E <"$TMP/gtube"

echo "--- spamc -c prints score/required only"
$SPAMC -c <"$TMP/yellow"
echo "exit $?"

echo "--- spamc -s: a message over the limit passes unchanged, exit 0, even with -x"
spamc_run -E -x -s 1000000 <"$TMP/big"

echo "--- ham is green: queued unchanged but for spamd's headers"
spam_conf
hiq "$TMP/ham"
queued
spam_headers
sed '/^X-Spam-/d; /^	/d' "$Q"/new/*/message | cmp - "$TMP/ham" &&
    echo "the rest is the message"
rm -rf "$Q"

echo "--- the marked subject is yellow: delivered, tagged X-Spam-Flag: YES"
hiq "$TMP/yellow"
queued
spam_headers
rm -rf "$Q"

# smtpd [-6] MSGFILE - qmail-smtpd's view (qq-caller): its reply, also
# kept in $TMP/replies, and hi-q's masked log line
smtpd() {
	"$CALLER" "$@" "$TMP/env" "$HIQ" -c "$TMP/filters.conf" \
	    2>"$TMP/stderr" | tee -a "$TMP/replies"
	mask <"$TMP/stderr"
}

echo "--- GTUBE is red: 554 with the rule's text on fd 6, nothing queued"
smtpd -6 "$TMP/gtube"
queued

echo "--- the same without fd 6: exit 31, plain 554"
smtpd "$TMP/gtube"
queued

echo "--- over spamc's -s limit: delivered unscanned (no score), logged"
hiq "$TMP/big"
queued
spam_headers
cmp "$TMP/big" "$Q"/new/*/message && echo "queued unchanged"
rm -rf "$Q"

# forged FILE - FILE with the sender's own X-Spam-Status on top
forged() {
	printf 'X-Spam-Status: No, score=-5.0 required=5.0\n'
	cat "$1"
}
forged "$TMP/big" >"$TMP/big-forged"
forged "$TMP/ham" >"$TMP/ham-forged"
forged "$TMP/gtube" >"$TMP/gtube-forged"

echo "--- a sender's X-Spam-Status over spamc's -s limit is no score: 71"
conf <<EOF2
stage spamc $SPAMC -E -t 60 -s 1000000
    on 0 green
    on 1 green
    zone X-Spam-Status red 7 missing tempfail
EOF2
hiq "$TMP/big-forged"
queued

echo "--- scanned, spamd writes its own in its place: GTUBE red, ham green"
hiq "$TMP/gtube-forged"
queued
hiq "$TMP/ham-forged"
queued
# What spamd did with the sender's field: the X-Spam- fields queued (the
# sender's is gone, not kept or renamed), and the status spamd wrote.
sed -n '/^$/q; s/^\(X-Spam-[^:]*\):.*/\1/p' "$Q"/new/*/message
sed -n '/^$/q; s/^X-Spam-Status: \([A-Za-z]*, score=[^ ]*\).*/\1/p' \
    "$Q"/new/*/message
rm -rf "$Q"

echo "--- spamd stops"
spamd_stop "$TMP/spamd" && echo "stopped"
spamd_up "$SPAMD_PORT" || echo "no answer on its port"

echo "--- spamd down, spamc -x: exit 69, no output; with -X 75"
spamc_run -E -x <"$TMP/yellow"
spamc_run -E -x -X <"$TMP/yellow"

echo "--- spamd down, no -x: spamc passes the message unchanged, exit 0"
spamc_run -E <"$TMP/gtube"

echo "--- spamd down, -x (the default policy): 451 with the text, nothing queued"
spam_conf
smtpd -6 "$TMP/gtube"
queued

echo "--- the same without fd 6: exit 71, plain 451"
smtpd "$TMP/gtube"
queued

echo "--- spamd down, no -x (fail open): even GTUBE is delivered unscanned"
spam_conf fail-open
hiq "$TMP/gtube"
queued
spam_headers
cmp "$TMP/gtube" "$Q"/new/*/message && echo "queued unchanged"
rm -rf "$Q"

echo "--- the same with the zone's default for a missing header: 71"
conf <<EOF2
stage spamc $SPAMC -E -t 60 -s 1000000
    on 0 green
    on 1 green
    zone X-Spam-Status margin 2
EOF2
hiq "$TMP/gtube"
queued

echo "--- docs/INSTALL-init.md quotes each reply these cases got"
sed -n 's/^reply: //p' "$TMP/replies" | while IFS= read -r r; do
	if grep -qxF "    $r" "$TOP/docs/INSTALL-init.md"; then
		echo "quoted: $r"
	else
		echo "not quoted: $r"
	fi
done
