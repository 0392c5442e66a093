#!/usr/bin/env bash
# Builds tlsearch and runs every test (unit, integration, command line).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh
ctest --test-dir "${BUILD_DIR:-build}" --output-on-failure -j"${JOBS:-2}"
