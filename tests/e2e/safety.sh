# shellcheck shell=sh source-path=SCRIPTDIR/../..
# safety.sh - a filters.conf others could change is refused (55, nothing
# queued), and hi-q started as root runs the pipeline as the user the
# file names, or not at all.
. "$TOP/tests/e2e/lib.sh"
CALLER="$TOP/tests/tools/qq-caller"
printf 'Subject: hello\n\nbody\n' >"$TMP/msg"
envelope a@example.org b@example.com >"$TMP/env"
# nobody must reach hi-q, its queue and the files it is given.
chmod 711 "$TMP"
own_copies
chmod 644 "$TMP/msg" "$TMP/env"
mkdir "$TMP/nq"
chown nobody "$TMP/nq"
# A stage that says who runs it, then passes the message on.
WHO='id -un >&2; exec cat'

# safe_conf [USER] - $TMP/filters.conf, mode 644, queue into $TMP/nq
safe_conf() {
	rm -f "$TMP/filters.conf"
	{
		echo "queue $SINK -d $TMP/nq"
		[ -n "${1:-}" ] && echo "user $1"
		echo "stage who /bin/sh -c '$WHO'"
	} >"$TMP/filters.conf"
	chmod 644 "$TMP/filters.conf"
}

# nq_queued - what the sink committed into $TMP/nq
nq_queued() {
	_n=$(find "$TMP/nq/new" -mindepth 1 -maxdepth 1 -type d 2>/dev/null |
	    wc -l)
	echo "queued $_n"
}

# who_ran - the user the stage named, and the verdict, from hi-q's stderr
who_ran() {
	sed -n -e 's/^\(nobody\)$/stage ran as \1/p' \
	    -e 's/.* verdict=\([a-z]*\) code=\([0-9]*\) .*/verdict \1, code \2/p'
}

# as_nobody CMD... - run CMD as nobody, without root's groups
as_nobody() {
	setpriv --reuid=nobody --regid=nogroup --clear-groups "$@"
}

for m in 664 646 666 2664; do
	echo "--- a filters.conf of mode $m: 55, why, nothing queued"
	safe_conf nobody
	chmod "$m" "$TMP/filters.conf"
	"$CALLER" "$TMP/msg" "$TMP/env" "$HIQ" -c "$TMP/filters.conf" 2>&1 |
	    sed "s|$TMP|TMP|g"
	nq_queued
done

echo "--- --check refuses it too"
"$HIQ" --check -c "$TMP/filters.conf" 2>&1 | sed "s|$TMP|TMP|g"

echo "--- a filters.conf owned by another user: 55, nothing queued"
safe_conf nobody
chown nobody "$TMP/filters.conf"
"$CALLER" "$TMP/msg" "$TMP/env" "$HIQ" -c "$TMP/filters.conf" 2>&1 |
    sed "s|$TMP|TMP|g"
nq_queued

echo "--- ... but its owner may run hi-q with it"
safe_conf
chown nobody "$TMP/filters.conf"
chmod 600 "$TMP/filters.conf"
as_nobody "$HIQ" -c "$TMP/filters.conf" <"$TMP/msg" 2>&1 1<"$TMP/env" |
    who_ran
nq_queued

echo "--- as root without a user line: 55, nothing run, nothing queued"
safe_conf
"$CALLER" "$TMP/msg" "$TMP/env" "$HIQ" -c "$TMP/filters.conf" 2>&1 |
    sed "s|$TMP|TMP|g"
nq_queued
# (--check as root without a user line checks as qmaild instead, if the
# host has one: install.sh runs it, with a hi-q built for a known user.)

echo "--- not root, no user line needed: the stage runs as the caller"
as_nobody "$HIQ" -c "$TMP/filters.conf" <"$TMP/msg" 2>&1 1<"$TMP/env" |
    who_ran
nq_queued

echo "--- as root with \"user nobody\": the stage and the queue run as nobody"
safe_conf nobody
"$CALLER" "$TMP/msg" "$TMP/env" "$HIQ" -c "$TMP/filters.conf" 2>&1 |
    sed -n 's/^\(nobody\)$/stage ran as \1/p; s/^reply: /&/p'
nq_queued
stat -c '%U' "$TMP"/nq/new/* | sort -u

echo "--- --check as root with \"user nobody\" checks as nobody: a stage only"
echo "--- root may run is named, 55"
cp /bin/sh "$TMP/rootsh"
chmod 700 "$TMP/rootsh"
sed -i "s|^stage who /bin/sh |stage who $TMP/rootsh |" "$TMP/filters.conf"
"$HIQ" --check -c "$TMP/filters.conf" 2>&1 | sed "s|$TMP|TMP|g"
"$HIQ" --check -c "$TMP/filters.conf" >/dev/null 2>&1
echo "exit $?"

echo "--- a user that does not exist: 55, nothing queued"
safe_conf no-such-user-hiq
"$CALLER" "$TMP/msg" "$TMP/env" "$HIQ" -c "$TMP/filters.conf" 2>&1 |
    sed "s|$TMP|TMP|g"
nq_queued
"$HIQ" --check -c "$TMP/filters.conf" >/dev/null 2>&1
echo "exit $?"

echo "--- \"user root\" is root said out loud: the stage runs as root"
safe_conf root
"$CALLER" "$TMP/msg" "$TMP/env" "$HIQ" -c "$TMP/filters.conf" 2>&1 |
    sed -n 's/^\(root\)$/stage ran as \1/p; s/^reply: /&/p'
nq_queued
