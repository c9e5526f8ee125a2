#!/usr/bin/env bash
# Make sure a Docker engine answers on this machine (needed by build-images.sh,
# smoke.sh and the Testcontainers e2e suite).
#
# - If `docker info` already answers: does nothing.
# - Otherwise: apt-get update && apt-get install docker.io (Debian's engine),
#   then starts dockerd in the background (log: /tmp/dockerd.log) and waits
#   until `docker info` answers (timeout: DOCKERD_TIMEOUT seconds, default 60).
#
# Needs root (apt-get, dockerd). Idempotent.
set -euo pipefail

DOCKERD_TIMEOUT="${DOCKERD_TIMEOUT:-60}"
DOCKERD_LOG="${DOCKERD_LOG:-/tmp/dockerd.log}"

log() { echo "[setup-docker] $*" >&2; }
die() { echo "[setup-docker] ERROR: $*" >&2; exit 1; }

docker_answers() { command -v docker >/dev/null 2>&1 && docker info >/dev/null 2>&1; }

if docker_answers; then
  log "docker already answers ($(docker version --format '{{.Server.Version}}' 2>/dev/null || echo '?')); nothing to do"
  exit 0
fi

[ "$(id -u)" -eq 0 ] || die "docker does not answer and this script needs root to install/start it"

if ! command -v dockerd >/dev/null 2>&1; then
  log "installing Debian's docker.io (apt-get update + install)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq || die "apt-get update failed"
  apt-get install -y -qq docker.io >/dev/null || die "apt-get install docker.io failed"
fi
command -v dockerd >/dev/null 2>&1 || die "dockerd not found after installing docker.io"
command -v docker >/dev/null 2>&1 || die "docker client not found after installing docker.io"

if pgrep -x dockerd >/dev/null 2>&1; then
  log "dockerd is already running (pid $(pgrep -x dockerd | tr '\n' ' ')); waiting for it to answer"
else
  log "starting dockerd in the background (log: $DOCKERD_LOG)"
  setsid nohup dockerd >"$DOCKERD_LOG" 2>&1 < /dev/null &
fi

start=$SECONDS
until docker_answers; do
  if (( SECONDS - start >= DOCKERD_TIMEOUT )); then
    echo "----- last lines of $DOCKERD_LOG -----" >&2
    tail -n 30 "$DOCKERD_LOG" >&2 2>/dev/null || true
    die "docker did not answer within ${DOCKERD_TIMEOUT}s (see $DOCKERD_LOG)"
  fi
  sleep 1
done
log "docker answers after $((SECONDS - start))s: server $(docker version --format '{{.Server.Version}}')"
