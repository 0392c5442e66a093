#!/bin/sh
# Runs a front end (the C example, the Python example...) and the command
# line on the same index with the same query and lane filter, and checks they
# agree: the total, and the ids of the hits in order.
#   same_results.sh TLSEARCH DB QUERY LANE PROGRAM [ARGS...]
# PROGRAM is run as `PROGRAM ARGS... DB QUERY LANE` and prints
# "N events for ..." then one "  ID  DATE  TITLE" line per hit.
set -eu
tlsearch=$1 db=$2 query=$3 lane=$4
shift 4
out=$("$@" "$db" "$query" "$lane")
printf '%s\n' "$out"
got_ids=$(printf '%s\n' "$out" | awk '/^  /{print $1}')
want_ids=$("$tlsearch" --db "$db" "$query" --format ids -n 5 --lane "$lane")
got_total=$(printf '%s\n' "$out" | sed -n '1s/ events for .*//p')
want_total=$("$tlsearch" --db "$db" "$query" --color never --lane "$lane" |
             sed -n 's/^\([0-9][0-9]*\) events\{0,1\}\( (showing.*\)\{0,1\}$/\1/p')
if [ -z "$want_ids" ] || [ "$got_ids" != "$want_ids" ]; then
  printf 'hit ids differ from `tlsearch --format ids`:\n--- got\n%s\n--- want\n%s\n' \
    "$got_ids" "$want_ids" >&2
  exit 1
fi
if [ "$got_total" != "$want_total" ]; then
  echo "total differs: got '$got_total', tlsearch says '$want_total'" >&2
  exit 1
fi
