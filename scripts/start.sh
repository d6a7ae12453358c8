#!/usr/bin/env bash
# Starts the portal with its demo on embedded SQLite: installs Node 22, Yarn 4 and the
# dependencies when missing, starts Backstage (frontend :3000, backend :7007), and once the
# backend is up runs the demo service's own tests and uploads their LCOV and JUnit reports
# through the public API, as a CI pipeline would, with the token in .devops-data/demo-token. It
# also starts the demo service on :7090 under a light generated load; the backend scrapes its
# /metrics for the Performance card.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
devops_install

export DEVOPS_DEMO_DATA_DIR="${DEVOPS_DEMO_DATA_DIR:-$ROOT/.devops-data/sqlite}"
mkdir -p "$DEVOPS_DEMO_DATA_DIR"
# The demo's CI upload token (app-config.demo.yaml): generated once, kept in a git-ignored file
# readable only by you, so that you can push your own reports to the running demo with it.
token_file="$ROOT/.devops-data/demo-token"
if [ ! -s "$token_file" ]; then
  (umask 077 && node -e "process.stdout.write(require('node:crypto').randomBytes(24).toString('hex'))" > "$token_file")
fi
DEVOPS_DEMO_CI_TOKEN="$(cat "$token_file")"
export DEVOPS_DEMO_CI_TOKEN
echo "[demo] upload token for POST /api/devops/reports: .devops-data/demo-token (README, \"Push your own report to the demo\")"

export DEVOPS_DEMO_SERVICE_PORT="${DEVOPS_DEMO_SERVICE_PORT:-7090}"

node scripts/demo-ci.mjs &
demo_ci=$!
# The demo service under a light load: the Performance card's live figures.
node scripts/demo-load.mjs &
demo_load=$!
trap 'kill "$demo_ci" "$demo_load" 2>/dev/null || true' EXIT

yarn start --config "$ROOT/app-config.yaml" --config "$ROOT/app-config.demo.yaml" "$@"
