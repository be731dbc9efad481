#!/bin/sh
# shellcheck shell=sh source-path=SCRIPTDIR/..
# bench/throughput.sh - messages per second through a whole SMTP server:
# qpsmtpd with contrib/qpsmtpd/queue-hi-q, hi-q with the shipped
# filters.conf (the clamav check and the spamc stage), Debian's spamd
# and clamd, and the qq-sink, all on 127.0.0.1 (tests/lib/servers.sh).
# bench/smtp-load.pl sends a mix of ham, large ham, yellow, GTUBE and a
# virus over 1, 10 and 40 SMTP sessions at once.  For each: messages per
# second, p50/p99 of the time from the final dot to the reply, the CPU
# time of each program, and whether every message got its reply and only
# the accepted ones were queued.  Writes bench/RESULTS-smtp.md; raw data in
# bench/out/smtp/.  Run as root ("make bench-smtp"); QUICK=1 for fewer
# messages (results in bench/out/smtp/RESULTS-smtp-quick.md).  Nothing
# here is asserted by the tests.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/tests/lib/common.sh"
. "$top/tests/lib/servers.sh"
OUT="$top/bench/out/smtp"
RESULTS="$top/bench/RESULTS-smtp.md"
T=$(mktemp -d /tmp/hiq-smtp.XXXXXX) || exit 1
trap 'srv_stop_all; rm -rf "$T"' EXIT
trap 'exit 1' INT TERM HUP
chmod 711 "$T"
mkdir -p "$OUT" || exit 1
if [ -n "${QUICK:-}" ]; then
	# A short run, for development: its results stay in bench/out.
	RUNS="1:10 10:40 40:80"
	RESULTS="$OUT/RESULTS-smtp-quick.md"
else
	RUNS="1:60 10:300 40:600"
fi
HZ=$(getconf CLK_TCK)
NCPU=$(getconf _NPROCESSORS_ONLN)

# The programs, where the servers' user can run them.
BIN="$T/bin"
srv_install "$BIN" "$top/hi-q" "$top/contrib/qq-sink" \
    "$top/bench/out/cputally" || exit 1
srv_install "$T/qpsmtpd/plugins" "$top/contrib/qpsmtpd/queue-hi-q" ||
    exit 1
TALLY="$T/tally"
: >"$TALLY" && chown "$SRV_USER" "$TALLY" || exit 1

# Servers: clamd with a stream limit above the largest message, spamd with
# Debian's default of 5 children.
CLAMD_STREAMMAX=25M clamd_start "$T/clamd" || exit 1
SPAMD_PORT=$(free_port) || exit 1
SPAMD_CHILDREN=5 spamd_start_on "$T/spamd" 127.0.0.1 "$SPAMD_PORT" ||
    exit 1
CLAMD_MAIN=$CLAMD_PID
SPAMD_MAIN=$SPAMD_PID

# filters.conf: the shipped one, its check uncommented; each program
# behind cputally, which adds its CPU time to $TALLY.
Q="$T/queue"
mkdir "$Q" && chown "$SRV_USER" "$Q" || exit 1
tally() {
	echo "$BIN/cputally $1 $TALLY"
}
clamdscan="$(tally clamdscan) /usr/bin/clamdscan -c $CLAMD_CONF"
spamc="$(tally spamc) /usr/bin/spamc -d 127.0.0.1 -p $SPAMD_PORT"
sed -e '/^#check clamav /,/^$/s/^#//' \
    -e "s|^queue .*|queue $(tally sink) $BIN/qq-sink -d $Q|" \
    -e "s|^check clamav /usr/bin/clamdscan |check clamav $clamdscan |" \
    -e "s|^stage spamc /usr/bin/spamc |stage spamc $spamc |" \
    "$top/filters.conf" >"$T/filters.conf" || exit 1
# qpsmtpd runs hi-q as nobody; the line is for the --check here, as root.
echo "user $SRV_USER" >>"$T/filters.conf" || exit 1
chmod 644 "$T/filters.conf"
"$top/hi-q" --check -c "$T/filters.conf" >"$OUT/filters.check" || exit 1

# qpsmtpd with room for 40 sessions from one address (its defaults: 15,
# and 5 per address).
QPSMTPD_OPTS="--limit-connections 100 --max-from-ip 100" \
    qpsmtpd_start "$T/qpsmtpd" \
    "queue-hi-q $(tally hiq) $BIN/hi-q -c $T/filters.conf" || exit 1

# The messages: complete, with a Message-ID the load generator fills in.
message() {
	printf 'Date: Wed, 25 Nov 2026 08:00:00 +0000\n'
	printf 'Message-ID: <@ID@@bench.example.org>\n'
	printf 'From: Alice <alice@example.org>\nTo: Bob <bob@example.com>\n'
	printf 'Subject: %s\nMIME-Version: 1.0\n' "$1"
	printf 'Content-Type: multipart/mixed; boundary="b1"\n\n'
	printf -- '--b1\nContent-Type: text/plain\n\n'
	i=0
	while [ $i -lt 40 ]; do
		echo "Line $i of the minutes of the meeting, as agreed on Friday."
		i=$((i + 1))
	done
	[ -z "$3" ] || echo "$3"
	printf -- '--b1\nContent-Type: application/octet-stream; name="a.bin"\n'
	printf 'Content-Transfer-Encoding: base64\n\n'
	{
		printf 'the attachment %s\n' "$2"
		head -c "$4" /dev/zero | tr '\0' 'x'
	} | base64
	printf -- '--b1--\n'
}
mkdir "$T/msg" || exit 1
GTUBE='XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X'
message "minutes" "" "" 1000 >"$T/msg/ham"
message "minutes and slides" "" "" 100000 >"$T/msg/big"
message "yellowtest minutes" "" "" 1000 >"$T/msg/yellow"
message "minutes" "" "$GTUBE" 1000 >"$T/msg/gtube"
message "minutes" "$CLAMD_VIRUS" "" 1000 >"$T/msg/virus"

# ticks PID - CPU ticks of PID and of the children it reaped
ticks() {
	sed 's/.*) //' "/proc/$1/stat" 2>/dev/null |
	    awk '{ print $12 + $13 + $14 + $15 }'
}
# tree_ticks PID - ticks of PID, its reaped children and its live ones
tree_ticks() {
	_t=$(ticks "$1")
	for _c in $(ps -o pid= --ppid "$1"); do
		_t=$((_t + $(ticks "$_c" || echo 0)))
	done
	echo "$_t"
}
# tallied LABEL - seconds of CPU cputally added up for LABEL
tallied() {
	awk -v l="$1" '$1 == l { s += $2 } END { printf "%.2f", s / 1e6 }' \
	    "$TALLY"
}
secs() {
	awk -v t="$1" -v hz="$HZ" 'BEGIN { printf "%.2f", t / hz }'
}

{
	echo "# hi-q behind qpsmtpd, with spamd and clamd: throughput"
	echo
	echo "Written by \`make bench-smtp\` (bench/throughput.sh); the numbers are"
	echo "measurements of one run, not assertions.  Method: bench/README.md."
	echo
	echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC')"
	cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
	echo "- machine: $NCPU CPUs, $cpu, kernel $(uname -r)"
	echo "- load (/proc/loadavg) before: $(cat /proc/loadavg)"
	tree=$(git -C "$top" describe --always --dirty 2>/dev/null) ||
	    tree=unknown
	echo "- hi-q: tree $tree"
	sv=$(spamd --version | sed -n 's/.*version \([^ ]*\).*/\1/p' | head -1)
	cv=$(clamd --version | sed 's/ClamAV //; s|/.*||')
	echo "- spamd $sv (5 children), clamd $cv, qpsmtpd-forkserver 0.94"
	echo "- mix per 10 messages: 5 ham (3 KB), 2 ham with a 100 KB attachment,"
	echo "  1 yellow (5.5), 1 GTUBE, 1 virus (a test signature in an attachment)"
	echo
	echo "| sessions | messages | msg/s | p50 ms | p99 ms | p99 ham ms | wrong replies | lost | wrongly queued |"
	echo "|---|---|---|---|---|---|---|---|---|"
} >"$T/head.md"
: >"$T/cpu.md"

for run in $RUNS; do
	n=${run%%:*}
	count=${run#*:}
	rm -rf "${Q:?}/new" "${Q:?}/tmp"
	: >"$TALLY"
	q0=$(ticks "$QPSMTPD_PID")
	s0=$(tree_ticks "$SPAMD_MAIN")
	c0=$(ticks "$CLAMD_MAIN")
	t0=$(date +%s.%N)
	gen=$(perl "$top/bench/smtp-load.pl" "$QPSMTPD_PORT" "$n" "$count" \
	    "$T/msg" "$OUT/lat.$n.tsv")
	t1=$(date +%s.%N)
	# qpsmtpd reaps its last sessions just after they close.
	poll 10 sh -c "[ -z \"\$(ps -o pid= --ppid $QPSMTPD_PID)\" ]"
	q1=$(ticks "$QPSMTPD_PID")
	s1=$(tree_ticks "$SPAMD_MAIN")
	c1=$(ticks "$CLAMD_MAIN")
	cp "$TALLY" "$OUT/tally.$n.tsv"
	wall=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')

	# Replies as expected, and the queue holds exactly the accepted ones.
	find "$Q/new" -name message -exec sed -n \
	    's/^Message-ID: <\(.*\)@bench.example.org>.*/\1/p' {} + 2>/dev/null |
	    sort >"$T/queued"
	awk -F '\t' '$3 == "250" { print $1 }' "$OUT/lat.$n.tsv" |
	    sort >"$T/accepted"
	wrong=$(awk -F '\t' '
	    ($2 == "gtube" || $2 == "virus") && $3 != "554" { w++ }
	    ($2 != "gtube" && $2 != "virus") && $3 != "250" { w++ }
	    END { print w + 0 }' "$OUT/lat.$n.tsv")
	lost=$(comm -23 "$T/accepted" "$T/queued" | wc -l)
	extra=$(comm -13 "$T/accepted" "$T/queued" | wc -l)
	lat() {
		awk -F '\t' -v t="$1" 't == "" || $2 == t { print $4 }' \
		    "$OUT/lat.$n.tsv" | sort -n |
		    awk -v p="$2" '{ v[NR] = $1 } END {
		        i = int(NR * p / 100 + 0.999999); if (i < 1) i = 1
		        printf "%.0f", v[i] }'
	}
	rate=$(awk -v c="$count" -v w="$wall" 'BEGIN { printf "%.1f", c / w }')
	echo "| $n | $count | $rate | $(lat "" 50) | $(lat "" 99) |" \
	    "$(lat ham 99) | $wrong | $lost | $extra |" >>"$T/head.md"

	hiq_tree=$(tallied hiq)
	spamc=$(tallied spamc)
	clamdscan=$(tallied clamdscan)
	sink=$(tallied sink)
	hiq_own=$(awk -v a="$hiq_tree" -v b="$spamc" -v c="$clamdscan" \
	    -v d="$sink" 'BEGIN { printf "%.2f", a - b - c - d }')
	qp=$(awk -v q="$(secs $((q1 - q0)))" -v h="$hiq_tree" \
	    'BEGIN { printf "%.2f", q - h }')
	spamd=$(secs $((s1 - s0)))
	clamd=$(secs $((c1 - c0)))
	printf '%s\t' "$n" "$count" "$wall" "$hiq_own" "$spamc" "$clamdscan" "$sink" \
	    "$qp" "$spamd" "$clamd" >>"$T/cpu.tsv"
	echo "$gen" >>"$T/cpu.tsv"
done

{
	cat "$T/head.md"
	echo
	echo "CPU seconds used during each run, and each program's share of the"
	echo "CPU time used by all of them (the load generator is listed but left"
	echo "out of the shares).  hi-q is hi-q's own time: its tally less those"
	echo "of its stages and its queue program.  qpsmtpd is the forkserver and"
	echo "its per-session children, less hi-q's tree."
	echo
	echo "| sessions | wall s | hi-q | spamc | clamdscan | qq-sink | qpsmtpd | spamd | clamd | load generator |"
	echo "|---|---|---|---|---|---|---|---|---|---|"
	awk -F '\t' '{
	    tot = $4 + $5 + $6 + $7 + $8 + $9 + $10
	    printf "| %s | %s", $1, $3
	    for (i = 4; i <= 10; i++)
	        printf " | %.2f (%.1f %%)", $i, tot ? 100 * $i / tot : 0
	    printf " | %.2f |\n", $11 }' "$T/cpu.tsv"
	echo
	echo "The same per message, in CPU milliseconds, and the CPU the whole"
	echo "server used per second of the run (of $NCPU CPUs):"
	echo
	echo "| sessions | hi-q | spamc | clamdscan | qq-sink | qpsmtpd | spamd | clamd | all, CPUs busy |"
	echo "|---|---|---|---|---|---|---|---|---|"
	awk -F '\t' '{
	    tot = $4 + $5 + $6 + $7 + $8 + $9 + $10
	    printf "| %s", $1
	    for (i = 4; i <= 10; i++)
	        printf " | %.1f", 1000 * $i / $2
	    printf " | %.1f ms, %.2f |\n", 1000 * tot / $2, tot / $3 }' \
	    "$T/cpu.tsv"
	echo
	echo "- load (/proc/loadavg) after: $(cat /proc/loadavg)"
	echo "- raw data: bench/out/smtp/lat.N.tsv (id, type, reply, latency ms,"
	echo "  session ms) and tally.N.tsv (program, CPU microseconds)"
} >"$RESULTS"
cat "$RESULTS"
