#!/usr/bin/env bash
# Load test of `tlsearch serve` on the real corpus with wrk (Debian `wrk`).
#
#   bench/load/run.sh [--binary PATH] [--db PATH] [--corpus DIR]
#                     [--duration SECONDS] [--soak SECONDS] [--threads N]
#
# Indexes the corpus into a temporary index (unless --db names one),
# starts the server on a free port, and for 1, 8 and 64 connections runs
# wrk over a mix of searches (words, phrases, filters, dates, sorts,
# deep pages), event pages, facet value lookups and stats. Prints requests/s
# and p50/p90/p99 latency per level and fails if any request errs. Then a
# soak run (8 connections, --soak seconds, default 180) samples the
# server's resident memory every 5 s to show whether it stays flat.
# Build Release first: cmake -B build-release -DCMAKE_BUILD_TYPE=Release.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
binary=$root/build-release/cli/tlsearch
db=
corpus=$root/../shared/corpus/cascade-kb
duration=15
soak=180
serve_args=()
while [ $# -gt 0 ]; do
  case $1 in
    --binary) binary=$2; shift 2 ;;
    --db) db=$2; shift 2 ;;
    --corpus) corpus=$2; shift 2 ;;
    --duration) duration=$2; shift 2 ;;
    --soak) soak=$2; shift 2 ;;
    --threads) serve_args+=(--threads "$2"); shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
command -v wrk >/dev/null || { echo "needs wrk (apt-get install wrk)" >&2; exit 2; }
[ -x "$binary" ] || { echo "no tlsearch binary at $binary (build Release first)" >&2; exit 2; }

work=$(mktemp -d)
server_pid=
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

if [ -z "$db" ]; then
  db=$work/db
  echo "indexing $corpus ..."
  "$binary" --db "$db" index -q "$corpus" || [ $? -eq 1 ]
fi

"$binary" --db "$db" serve --port 0 -q ${serve_args[@]+"${serve_args[@]}"} >"$work/url" 2>"$work/server.log" &
server_pid=$!
for _ in $(seq 100); do [ -s "$work/url" ] && break; sleep 0.1; done
url=$(head -1 "$work/url")
[ -n "$url" ] || { cat "$work/server.log" >&2; exit 2; }
base=${url%/}
echo "server $url (pid $server_pid, $(nproc) cores), index $db"

# The request mix. Event ids and facet values come from the index itself.
ids=$(curl -sf "$base/api/search?limit=40&sort=-date&facet_limit=0" |
      grep -o '"id":"[^"]*"' | cut -d'"' -f4)
{
  for q in police surveillance "facial+recognition" "%22data+center%22" "court+ruling" \
           "immigration+detention" election climate "union+strike" privacy "trump+tariff*" \
           "title:fbi" "lobbying+-oil" "date:2020..2022+election" "importance:8..10+ice"; do
    echo "/api/search?q=$q"
    echo "/api/search?q=$q&lane=Regulatory+Capture&lane=Judicial+Capture"
  done
  echo "/api/search?q=police&sort=-date&offset=40&limit=20"
  echo "/api/search?q=surveillance&from=2018&to=2022&min_importance=7"
  echo "/api/search?actor=Donald+Trump&sort=-date&limit=20"
  echo "/api/search?lane=Surveillance+Infrastructure&sort=importance"
  echo "/api/search?q=privacy&limit=0&facet_limit=1000&facets=year"
  echo "/api/search?q=polise+survelliance"
  echo "/api/facets/actors?prefix=don&limit=15"
  echo "/api/facets/tags?prefix=surv&limit=15"
  echo "/api/facets/lanes?limit=20"
  echo "/healthz"
  for id in $ids; do echo "/api/events/$id"; done
} >"$work/paths"
echo "$(wc -l <"$work/paths") distinct requests in the mix"

# Every path must answer 200 before it is measured.
while read -r path; do
  code=$(curl -s -o /dev/null -w '%{http_code}' "$base$path")
  [ "$code" = 200 ] || { echo "GET $path -> $code" >&2; exit 1; }
done <"$work/paths"

rss_kib() { awk '/^VmRSS/ {print $2}' "/proc/$server_pid/status"; }
export TLSEARCH_PATHS=$work/paths
failed=0
echo
printf '%-6s %10s %9s %9s %9s %9s %7s\n' conns "req/s" "p50 ms" "p90 ms" "p99 ms" "max ms" errors
for conns in 1 8 64; do
  threads=$(( conns < 2 ? 1 : 2 ))
  line=$(wrk -t"$threads" -c"$conns" -d"${duration}s" --timeout 10s -s "$here/mix.lua" "$base" |
         grep '^RESULT')
  get() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<<"$line"; }
  errors=$(( $(get errors_connect) + $(get errors_read) + $(get errors_write) +
             $(get errors_timeout) + $(get non2xx) ))
  printf '%-6s %10s %9s %9s %9s %9s %7s\n' "$conns" "$(get rps)" "$(get p50_ms)" \
    "$(get p90_ms)" "$(get p99_ms)" "$(get max_ms)" "$errors"
  [ "$errors" -eq 0 ] || failed=1
done
echo "server RSS after the runs: $(rss_kib) KiB"

if [ "$soak" -gt 0 ]; then
  echo
  echo "soak: 8 connections for ${soak}s, server RSS (KiB) every 5 s:"
  wrk -t2 -c8 -d"${soak}s" --timeout 10s -s "$here/mix.lua" "$base" >"$work/soak" &
  wrk_pid=$!
  samples=()
  while kill -0 "$wrk_pid" 2>/dev/null; do
    samples+=("$(rss_kib)")
    sleep 5
  done
  wait "$wrk_pid"
  echo "${samples[*]}"
  line=$(grep '^RESULT' "$work/soak")
  get() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<<"$line"; }
  errors=$(( $(get errors_connect) + $(get errors_read) + $(get errors_write) +
             $(get errors_timeout) + $(get non2xx) ))
  n=${#samples[@]}
  # Compare the second minute with the last: warm-up (page cache, one
  # Searcher per worker) happens in the first.
  mid=${samples[$(( n / 3 ))]}
  last=${samples[$(( n - 1 ))]}
  echo "soak: $(get requests) requests, $(get rps) req/s, p99 $(get p99_ms) ms, errors $errors;" \
       "RSS first ${samples[0]} KiB, at 1/3 $mid KiB, last $last KiB, max $(printf '%s\n' "${samples[@]}" | sort -n | tail -1) KiB"
  [ "$errors" -eq 0 ] || failed=1
fi
exit $failed
