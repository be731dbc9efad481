#!/bin/sh
# fork-child.sh PIDFILE - leave a background grandchild running (its pid in
# PIDFILE), then pass the message on and exit 0.
sleep 100000 >/dev/null 2>&1 &
echo $! >"$1"
exec cat
