#!/usr/bin/env bash
# Called by `npm test` before the tests: makes sure what the end-to-end suite needs is there, so
# that the README's test command works verbatim on a fresh machine. Idempotent and quick when
# everything is present (a Docker engine that answers, the images built): under a second.
# TWINFLOW_E2E=skip opts out explicitly: nothing is prepared and the e2e suite is skipped (never under CI=true).
set -euo pipefail
cd "$(dirname "$0")"
if [ "${TWINFLOW_E2E:-}" = "skip" ]; then
  echo "[e2e prepare] TWINFLOW_E2E=skip: not preparing Docker or images" >&2
  exit 0
fi
bash ./setup-docker.sh
bash ./build-images.sh all
