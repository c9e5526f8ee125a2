#!/usr/bin/env bash
# Make sure Debian's Chromium is at /usr/bin/chromium (the browser tests' harness,
# @twinflow/e2e/browser, drives it with playwright-core; nothing downloads a browser build).
#
# - If /usr/bin/chromium exists: does nothing.
# - Otherwise: apt-get update && apt-get install -y chromium.
#
# Needs root (apt-get). Idempotent.
set -euo pipefail

CHROMIUM=/usr/bin/chromium

log() { echo "[setup-chromium] $*" >&2; }
die() { echo "[setup-chromium] ERROR: $*" >&2; exit 1; }

if [ -x "$CHROMIUM" ]; then
  log "$CHROMIUM is there ($("$CHROMIUM" --version 2>/dev/null || echo '?')); nothing to do"
  exit 0
fi

[ "$(id -u)" -eq 0 ] || die "$CHROMIUM is missing and this script needs root to install it (apt-get install -y chromium)"

log "installing Debian's chromium (apt-get update + install)"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq || die "apt-get update failed"
apt-get install -y -qq chromium >/dev/null || die "apt-get install chromium failed"
[ -x "$CHROMIUM" ] || die "$CHROMIUM not found after installing chromium"
log "installed: $("$CHROMIUM" --version 2>/dev/null || echo '?')"
