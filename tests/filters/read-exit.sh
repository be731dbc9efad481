#!/bin/sh
# read-exit.sh BYTES CODE - pass on the first BYTES of the message and exit
# CODE, leaving the rest unread: a filter that gives its verdict part-way
# through the message, as qmail-qfilter's filters may (31: reject).
head -c "${1:-1000}" || exit 99
exit "${2:-0}"
