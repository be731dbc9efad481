#!/bin/sh
# late-trailer.sh PIDFILE [quiet] - pass the message on; once the next
# stage (its pid in PIDFILE) has exited, write a trailer (with "quiet":
# nothing).  As a careless filter would, it ignores SIGPIPE and a failed
# write, and exits 0 anyway.
trap '' PIPE
cat || exit 99
until [ -s "$1" ] &&
    ! grep -q '^State:[[:space:]]*[^Z]' "/proc/$(cat "$1")/status" \
    2>/dev/null; do
	sleep 0.05
done
if [ "${2:-}" != quiet ]; then
	printf 'trailer\n' 2>/dev/null || :
fi
exit 0
