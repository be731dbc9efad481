#!/bin/sh
# queue-wait.sh DIR CODE [late] - a queue program still busy after the
# commit: it reads the message (fd 0) and the envelope (fd 1) into DIR,
# creates DIR/started, waits until DIR/go exists and exits CODE.  With
# "late" it reads only the envelope's first byte before DIR/started (the
# commit has come), and the rest after DIR/go, so that hi-q is still
# writing it in between.
cat >"$1/message" || exit 81
if [ "${3:-}" = late ]; then
	dd bs=1 count=1 <&1 >"$1/envelope" 2>/dev/null || exit 81
else
	cat <&1 >"$1/envelope" || exit 81
fi
: >"$1/started"
while [ ! -e "$1/go" ]; do
	sleep 0.05
done
if [ "${3:-}" = late ]; then
	cat <&1 >>"$1/envelope" || exit 81
fi
exit "$2"
