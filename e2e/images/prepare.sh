#!/usr/bin/env bash
# Called by `npm test` before the tests: makes sure what the end-to-end and browser suites need is
# there, so that the README's test command works verbatim on a fresh machine. Idempotent and quick
# when everything is present (Chromium, a Docker engine that answers, the images built): under a second.
# Builds only the images configured as offline ones (twinflow/*); official images configured in
# images.env's variables are left to Testcontainers to pull.
# TWINFLOW_E2E=skip opts out explicitly: nothing is prepared and the e2e and browser suites are
# skipped (never under CI=true).
set -euo pipefail
cd "$(dirname "$0")"
if [ "${TWINFLOW_E2E:-}" = "skip" ] && [ "${CI:-}" != "true" ]; then
  echo "[e2e prepare] TWINFLOW_E2E=skip: not preparing Chromium, Docker or images" >&2
  exit 0
fi
bash ../browser/setup-chromium.sh
bash ./setup-docker.sh
# shellcheck source=images.env
source ./images.env
targets=()
for pair in redis:TWINFLOW_REDIS_IMAGE clickhouse:TWINFLOW_CLICKHOUSE_IMAGE kafka:TWINFLOW_KAFKA_IMAGE kafka4:TWINFLOW_KAFKA4_IMAGE postgres:TWINFLOW_POSTGRES_IMAGE mariadb:TWINFLOW_MARIADB_IMAGE smtp:TWINFLOW_SMTP_IMAGE; do
  var=${pair#*:}
  case "${!var}" in twinflow/*) targets+=("${pair%%:*}") ;; esac
done
if [ ${#targets[@]} -gt 0 ]; then bash ./build-images.sh "${targets[@]}"; fi
