#!/bin/sh
# head-pid.sh PIDFILE N - write the pid (exec keeps it) to PIDFILE, then
# pass on the first N bytes of the message and exit 0 without reading more.
echo $$ >"$1"
exec head -c "$2"
