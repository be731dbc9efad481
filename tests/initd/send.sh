#!/bin/sh
# tests/initd/send.sh [KIDS [stubborn | fail]] - stands in for qmail-start
# and qmail-send in the init script tests.
#
# Like qmail-send, it is a daemon with children: it starts one child with a
# grandchild, both ignoring SIGTERM the way a delivery in progress runs to
# its end, and appends their PIDs to the file KIDS.  It exits on SIGTERM
# itself, leaving them behind, unless "stubborn", when it ignores SIGTERM
# too.  With "fail" it dies at start, as qmail-start does when it cannot
# run its logger.  Without KIDS (run as qmail's rc, with no arguments) the
# file is "kids" in the directory of the name it was run as.
kids=${1:-${0%/*}/kids}
case ${2:-} in
fail)
	echo "send.sh: fatal: unable to start the logger" >&2
	exit 111
	;;
stubborn)
	trap '' TERM
	;;
*)
	trap 'kill "$nap" 2>/dev/null; exit 0' TERM
	;;
esac
# shellcheck disable=SC2016
sh -c 'trap "" TERM; sleep 3600 & echo "$!" >>"$1"; wait' child "$kids" &
echo "$!" >>"$kids"
while :; do
	sleep 3600 &
	nap=$!
	wait "$nap"
done
