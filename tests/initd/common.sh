# shellcheck shell=sh
# tests/initd/common.sh - helpers for the init script tests; sourced after
# tests/e2e/lib.sh (which brings poll, alive and free_port), not run.
#
# Every server these tests start is found again through its pidfile (by
# the PID pido recorded and locked, never by name) and killed with its
# whole process group when the test ends.
PIDO="$TOP/pido"
RUN="$TMP/run"
mkdir -p "$RUN" "$TMP/log"

initd_cleanup() {
	for _f in "$RUN"/*.pid "$TMP"/*.pid; do
		[ -e "$_f" ] || continue
		"$PIDO" -G -k KILL "$_f" 2>/dev/null ||
		    "$PIDO" -k KILL "$_f" 2>/dev/null
	done
	if [ -f "$TMP/kids" ]; then
		while read -r _p; do
			kill -9 "$_p" 2>/dev/null
		done <"$TMP/kids"
	fi
	cleanup
}
trap initd_cleanup EXIT

# group_left PGID - how many processes of group PGID have not exited
group_left() {
	ps -e -o pgid= -o stat= | awk -v g="$1" '$1 == g && $2 !~ /^Z/' |
	    wc -l
}

# group_gone PGID - true once every process of group PGID has exited
group_gone() {
	[ "$(group_left "$1")" -eq 0 ]
}

# in_pidns [-s] SCRIPT [ARG...] - run the sh SCRIPT as process 1 of a
# private PID namespace (with its own /proc), for the cases where a
# regression would signal every process (kill -1) or a whole group it
# should not: there, it reaches only what SCRIPT started, and all of that
# dies with it.  With -s, process 1 leads its own session and group 1, as a
# container's init does.  SCRIPT gets what tests/initd/pidns.sh defines;
# TOP, TMP, PIDO and RUN are in its environment.  Its pidfiles hold the
# namespace's PIDs: keep them out of $RUN and $TMP (initd_cleanup signals
# the groups those name), in $TMP/ns, which in_pidns empties first.
in_pidns() {
	_lead=
	if [ "$1" = -s ]; then
		_lead=setsid
		shift
	fi
	_script=$1
	shift
	rm -rf "$TMP/ns"
	mkdir -p "$TMP/ns"
	env TOP="$TOP" TMP="$TMP" PIDO="$PIDO" RUN="$RUN" \
	    unshare --mount --propagation "$(mount_prop)" --pid --fork \
	    --mount-proc ${_lead:+"$_lead"} sh -c ". \"\$TOP/tests/initd/pidns.sh\"
$_script" in_pidns "$@"
}

# listening PORT - does anything listen on 127.0.0.1:PORT?
listening() {
	[ -n "$(ss -Hltn "sport = :$1")" ]
}

# initd SCRIPT DEFAULTS ARGS... - run an init script with a settings file;
# print its masked output and its exit status
initd() {
	_s=$1
	_d=$2
	shift 2
	env QMAIL_DEFAULTS="$_d" SPAMD_DEFAULTS="$_d" \
	    sh "$TOP/init.d/$_s" "$@" >"$TMP/out" 2>&1
	_rc=$?
	mask <"$TMP/out" | sed -e "s|$TOP/|TOP/|g"
	echo "exit $_rc"
}
