#!/usr/bin/env bash
# Runs the browser tests from ctest: run.sh TLSEARCH_BINARY.
# Locally they skip (exit 77, which ctest shows as skipped) when Chromium or
# node_modules are missing; in CI (CI=true) missing pieces are a failure,
# because .ci/run installs them.
set -euo pipefail
binary=$(realpath "${1:?usage: run.sh path/to/tlsearch}")
cd "$(dirname "$0")"
chromium=${CHROMIUM:-/usr/bin/chromium}
missing=()
[ -x "$chromium" ] || missing+=("Chromium ($chromium; Debian package chromium)")
command -v node >/dev/null || missing+=("node (Debian package nodejs)")
[ -d node_modules/playwright-core ] || missing+=("node_modules (run: npm ci in tests/browser)")
if [ ${#missing[@]} -gt 0 ]; then
  if [ "${CI:-}" = "true" ]; then
    echo "browser tests cannot run in CI; missing: ${missing[*]}" >&2
    exit 1
  fi
  echo "SKIPPED browser tests; missing: ${missing[*]}" >&2
  exit 77
fi
export TLSEARCH_BINARY=$binary CHROMIUM=$chromium
exec node --test --test-reporter=spec browser.test.mjs
