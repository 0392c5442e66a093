#!/usr/bin/env bash
# Installs what the browser tests (tests/browser) need on Debian 12:
# Chromium and Node from Debian, and playwright-core from npm (npm ci with
# the lockfile; Playwright downloads no browser). Without them the browser
# tests skip locally; CI runs this first, so there they always run.
set -euo pipefail
cd "$(dirname "$0")/.."
packages=(chromium)
command -v node >/dev/null || packages+=(nodejs)
command -v npm >/dev/null || packages+=(npm)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}" >&2
  as_root=()
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "need root (or sudo) to install: ${missing[*]}" >&2; exit 2; }
    as_root=(sudo)
  fi
  export DEBIAN_FRONTEND=noninteractive
  "${as_root[@]}" apt-get update -qq
  "${as_root[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
cd tests/browser
npm ci --no-audit --no-fund --loglevel=error
