#!/usr/bin/env bash
# Builds tlsearch, indexes the bundled seeds/ timeline into build/seeds.db and
# runs a search with facets and a drill-down on it.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh
tl=build/cli/tlsearch
db=build/seeds.db
run() { echo; echo "\$ tlsearch $*"; "$tl" --db "$db" "$@" || true; }
run index seeds
run "police footage warrant"
run --lane "Surveillance Infrastructure" --from 2010 --sort -date --limit 3
run show 2024-01-24--ring-ends-police-footage-request-tool
run stats
echo
echo "Try it yourself: $tl --db $db \"your words\" (see README.md)"
