#!/bin/sh
# exit-after-read.sh N - read the whole message, pass it on, exit N.
cat || exit 99
exit "${1:-0}"
