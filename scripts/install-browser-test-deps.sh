#!/usr/bin/env bash
# Installs what the browser tests (tests/browser) need on Debian 12:
# Chromium and Node from Debian, and playwright-core from npm (npm ci with
# the lockfile; Playwright downloads no browser). Without them the browser
# tests skip; scripts/test.sh runs this first, so there they always run.
set -euo pipefail
cd "$(dirname "$0")/.."
packages=(chromium)
command -v node >/dev/null || packages+=(nodejs)
command -v npm >/dev/null || packages+=(npm)
scripts/install-deps.sh "${packages[@]}"
cd tests/browser
npm ci --no-audit --no-fund --loglevel=error
