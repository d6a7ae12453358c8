#!/usr/bin/env bash
# Starts the portal with its demo on embedded SQLite: installs Node 22, Yarn 4 and the
# dependencies when missing, starts Backstage (frontend :3000, backend :7007), and once the
# backend is up runs the demo service's own tests and uploads their LCOV and JUnit reports
# through the public API, as a CI pipeline would, with the token in .devops-data/demo-token. It
# also deploys the demo service on this machine (examples/demo-service/deploy: instances behind a
# weighted proxy on :7090, the version deployed last or 1.0.0) under a light generated load; the
# backend scrapes its /metrics for the Performance card. Once the Performance card has a baseline,
# scripts/demo-deploys.mjs deploys 1.1.0 to production as a canary through the API, then the bad
# 1.3.0-bad, which the canary analysis rolls back by itself.
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
# The demo deployments' state (app-config.demo.yaml's command provider): one directory per
# environment, kept across starts.
export DEVOPS_DEMO_ROOT="$ROOT"
export DEVOPS_DEMO_DEPLOY_ROOT="${DEVOPS_DEMO_DEPLOY_ROOT:-$ROOT/.devops-data/deploy}"
mkdir -p "$DEVOPS_DEMO_DEPLOY_ROOT"

# The demo's environments: public, canary and baseline ports (app-config.demo.yaml names the same).
demo_environments=("development 7080 7081 7082" "staging 7085 7086 7087")
demo_deploy() { # environment public canary baseline action
  DEVOPS_DEMO_DEPLOY_DIR="$DEVOPS_DEMO_DEPLOY_ROOT/$1" DEVOPS_DEMO_SERVICE_PORT="$2" \
    DEVOPS_DEMO_CANARY_PORT="$3" DEVOPS_DEMO_BASELINE_PORT="$4" \
    node examples/demo-service/deploy/deploy.mjs "$5" >/dev/null || true
}
# Previews (per-entity environments based on development): each in previews/<name> on the ports
# its preview.json recorded; the portal's teardown task removes the expired ones once it runs.
demo_previews() { # action
  local d
  for d in "$DEVOPS_DEMO_DEPLOY_ROOT"/previews/*/; do
    [ -f "$d/state.json" ] || continue
    DEVOPS_ENVIRONMENT="$(basename "$d")" DEVOPS_BASE_ENVIRONMENT=development \
      DEVOPS_DEMO_PREVIEW_ROOT="$DEVOPS_DEMO_DEPLOY_ROOT/previews" \
      node examples/demo-service/deploy/deploy.mjs "$1" >/dev/null || true
  done
}
# What was deployed to development, staging or a preview from the card before comes back
# (demo-load.mjs brings production back).
for e in "${demo_environments[@]}"; do
  read -r name public canary baseline <<<"$e"
  if [ -f "$DEVOPS_DEMO_DEPLOY_ROOT/$name/state.json" ]; then
    demo_deploy "$name" "$public" "$canary" "$baseline" start
  fi
done
demo_previews start

node scripts/demo-ci.mjs &
demo_ci=$!
# The demo service deployed in production under a light load: the Performance card's live figures.
node scripts/demo-load.mjs &
demo_load=$!
# Canary deploys of the demo service through the API, a good one and a bad one.
node scripts/demo-deploys.mjs &
demo_deploys=$!
stop_demo() {
  kill "$demo_ci" "$demo_load" "$demo_deploys" 2>/dev/null || true
  # What was deployed to development, staging or a preview stops too (demo-load.mjs stops
  # production).
  for e in "${demo_environments[@]}"; do
    read -r name public canary baseline <<<"$e"
    if [ -f "$DEVOPS_DEMO_DEPLOY_ROOT/$name/state.json" ]; then
      demo_deploy "$name" "$public" "$canary" "$baseline" stop
    fi
  done
  demo_previews stop
}
trap stop_demo EXIT

yarn start --config "$ROOT/app-config.yaml" --config "$ROOT/app-config.demo.yaml" "$@"
