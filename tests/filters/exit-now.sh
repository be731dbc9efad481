#!/bin/sh
# exit-now.sh N - exit N at once, reading nothing and writing nothing.
exit "${1:-0}"
