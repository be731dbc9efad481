# shellcheck shell=sh
# spool.sh - qmail-queue runs only for an accepted message.  The last
# stage's output waits in a nameless spool file; qmail-queue (here the
# sink, which journals each start) is started on it once the verdict is
# green or yellow.  Red, tempfail and discard never start it, a spool that
# cannot be made or written is a 451 with nothing queued, and a hi-q that
# dies leaves no file in the spool directory.
# shellcheck source=tests/e2e/lib.sh
. "$TOP/tests/e2e/lib.sh"
J="$TMP/journal"
S="$TMP/spool"
mkdir "$S"

printf 'Subject: spool\nFrom: a@example.org\n\nbody\n' >"$TMP/small"
{
	printf 'Subject: big\nFrom: a@example.org\n\n'
	head -c 1048576 /dev/urandom | od -An -tx1 -v | head -c 1048576
} >"$TMP/big"
envelope a@example.org b@example.com >"$TMP/env"

# spool_conf [SPOOLDIR] - the stages from stdin, the sink journalling its
# starts, the spool in SPOOLDIR (default $S)
spool_conf() {
	{
		echo "queue $SINK -d $Q -j $J"
		echo "spool ${1:-$S}"
		echo "user root"
		cat
	} >"$TMP/filters.conf"
	: >"$J"
}

# starts - how often the queue program ran, and what the spool holds
starts() {
	echo "queue program started $(grep -c '^start ' "$J") times;" \
	    "spool files left $(find "$S" -mindepth 1 | wc -l)"
}

echo "--- green: queued byte for byte, the queue program started once"
spool_conf <<EOF
stage one /bin/cat
stage two /bin/cat
EOF
run_hiq "$TMP/big" "$TMP/env"
starts
queued
identical "$TMP/big" "$TMP/env"
rm -rf "$Q"

echo "--- yellow: queued byte for byte too"
spool_conf <<EOF
stage suspect /bin/sh -c "cat; exit 1"
    on 1 yellow
EOF
run_hiq "$TMP/small" "$TMP/env"
starts
queued
identical "$TMP/small"
rm -rf "$Q"

for v in red tempfail discard; do
	echo "--- $v: the queue program never starts"
	spool_conf <<EOF
stage one /bin/cat
check judge /bin/sh -c "cat >/dev/null; exit 1"
    on 1 $v
EOF
	# Whether cat has written its last byte when judge decides is a
	# race: it ends green, or is stopped once the verdict is known.
	run_hiq "$TMP/big" "$TMP/env" | sed \
	    's/stage=one:\(exit0:green\|aborted:tempfail\):S/stage=one:ENDED:S/'
	starts
	queued
done

echo "--- no stage runs (skipped): the queue program reads fd 0 itself"
spool_conf <<EOF
stage one /bin/cat
    skip-if-env RELAYCLIENT
EOF
export RELAYCLIENT=
run_hiq "$TMP/small" "$TMP/env"
unset RELAYCLIENT
starts
queued
rm -rf "$Q"

echo "--- no spool directory: 451, no stage started, nothing queued"
spool_conf "$TMP/nonexistent" <<EOF
stage one /bin/sh -c "echo started >$TMP/started; cat"
EOF
run_hiq "$TMP/small" "$TMP/env"
starts
queued
[ -e "$TMP/started" ] && echo "a stage started" || echo "no stage started"

echo "--- the spool's disk fills up: 451 with the reason, nothing queued"
mkdir "$TMP/full"
spool_conf "$TMP/full" <<EOF
stage one /bin/cat
EOF
# The spool directory is a 64 KiB tmpfs, seen only by this one command
# (in a chroot "/" cannot be made private; the tmpfs is unmounted at the
# end, wherever it propagated).
# shellcheck disable=SC2016 # expanded by that shell
unshare --mount --propagation "$(mount_prop)" sh -c '
	mount -t tmpfs -o size=64k tmpfs "$1" || exit 1
	"$2" -c "$3" <"$4" 1<"$5" 2>"$6"
	echo "exit $?"
	find "$1" -mindepth 1 | wc -l | sed "s/^/spool files left /"
	umount "$1"
' sh "$TMP/full" "$HIQ" "$TMP/filters.conf" "$TMP/big" "$TMP/env" \
    "$TMP/stderr"
mask <"$TMP/stderr"
starts
queued

echo "--- hi-q killed mid-message: the spool vanishes with it"
spool_conf <<EOF
stage one /bin/sh -c "echo \$\$ >$TMP/stage.pid; cat; exec sleep 600"
EOF
"$HIQ" -c "$TMP/filters.conf" <"$TMP/big" 1<"$TMP/env" 2>/dev/null &
hiq=$!
# spooled - hi-q holds a spool file in $S with the whole message in it
spooled() {
	for _f in /proc/"$hiq"/fd/*; do
		case $(readlink "$_f" 2>/dev/null) in
		"$S"/*)
			[ "$(stat -L -c %s "$_f")" -eq \
			    "$(wc -c <"$TMP/big")" ] && return 0 ;;
		esac
	done
	return 1
}
if poll 20 spooled; then
	echo "hi-q holds a spool file with the message"
	echo "names in the spool directory: $(find "$S" -mindepth 1 | wc -l)"
fi
kill -KILL "$hiq"
wait "$hiq" 2>/dev/null
kill -KILL "$(cat "$TMP/stage.pid")"
echo "after kill -9, spool files left: $(find "$S" -mindepth 1 | wc -l)"
starts
queued
