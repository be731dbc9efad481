#!/bin/sh
# kill-self.sh SIG - read the message, pass it on, then die by signal SIG.
cat || exit 99
kill -s "${1:-KILL}" $$
exit 98
