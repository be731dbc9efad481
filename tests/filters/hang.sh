#!/bin/sh
# hang.sh PIDFILE [read] - never finish: with "read", after reading all
# input; otherwise without reading anything.  The pid, which exec keeps,
# goes to PIDFILE so a test can check that it was killed.
echo $$ >"$1"
if [ "${2:-}" = read ]; then
	cat >/dev/null
fi
exec sleep 100000
