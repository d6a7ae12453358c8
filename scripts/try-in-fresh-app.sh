#!/usr/bin/env bash
# Tries the plugin packages as a platform engineer would before a release: builds and packs them
# (scripts/check-packages.mjs), generates a fresh Backstage app with the @backstage/create-app
# release matching backstage.json, installs the tarballs into it, adds the backend plugin, the
# Prometheus module and the frontend plugin, runs the app's `tsc`, starts its backend and checks
# /api/devops/health (and the scaffolder module with it), then uploads the demo service's LCOV report with a static token.
# Takes a while (45 minutes once on a busy 2-core machine, 18 of them in the app's `yarn install`).
# Not part of the test command.
# create-app fetches a yarn.lock seed from GitHub; where it cannot, the app resolves its own
# dependencies afresh and may mix releases: the template's `@backstage/plugin-signals-backend`
# range then resolves to a release that needs a newer `@backstage/backend-defaults` than the
# template's (`httpRouter.addWebSocketHandler is not a function`; the backend stops, the catalog
# never processes). Without the seed the script gives the app's backend this repository's
# backend-defaults range, the fix packages/backend carries for the same reason, and says so.
#
# Usage: scripts/try-in-fresh-app.sh [work-dir]   (default: a new directory under $TMPDIR or /tmp)
# Env:   CREATE_APP_VERSION  use this @backstage/create-app version instead of looking it up
#        FRESH_APP_PORT      backend port of the fresh app (default 7107)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
devops_install

WORK="${1:-$(mktemp -d "${TMPDIR:-/tmp}/devops-fresh-app.XXXXXX")}"
mkdir -p "$WORK"
WORK="$(cd "$WORK" && pwd)"
APP="$WORK/fresh-app"
PORT="${FRESH_APP_PORT:-7107}"
log() { echo "[fresh-app] $*"; }
[ ! -e "$APP" ] || { log "$APP exists; pass an empty work directory"; exit 1; }

# 1. The release's create-app: the one whose templates write backstage.json's version.
release="$(node -p "require('./backstage.json').version")"
if [ -z "${CREATE_APP_VERSION:-}" ]; then
  mkdir -p "$WORK/create-app"
  for v in $(npm view @backstage/create-app versions --json | node -e '
      const v = JSON.parse(require("fs").readFileSync(0, "utf8"));
      console.log(v.filter(x => !x.includes("-")).reverse().slice(0, 8).join("\n"))'); do
    tgz="$(cd "$WORK/create-app" && npm pack --silent "@backstage/create-app@$v")"
    made="$(tar xzf "$WORK/create-app/$tgz" -O package/dist/package.json.cjs.js | sed -n 's/.*version = "\([^"]*\)".*/\1/p' | head -1)"
    if [ "$made" = "$release" ]; then CREATE_APP_VERSION="$v"; break; fi
  done
  [ -n "${CREATE_APP_VERSION:-}" ] || { log "no recent @backstage/create-app creates Backstage $release; set CREATE_APP_VERSION"; exit 1; }
fi
log "Backstage $release: @backstage/create-app@$CREATE_APP_VERSION, in $APP"

# 2. The packages, built, packed and checked
log "building and packing the plugin packages"
yarn tsc || log "yarn tsc reports errors (above); building the packages anyway"
if ! node scripts/check-packages.mjs --keep "$WORK/tarballs"; then
  log "the packages fail the checks above; trying them anyway"
fi
for p in devops devops-backend devops-common devops-node devops-backend-module-prometheus scaffolder-backend-module-devops; do
  [ -f "$WORK/tarballs/$p.tgz" ] || { log "no tarball for plugins/$p"; exit 1; }
done

# 3. A fresh app
(cd "$WORK" && BACKSTAGE_APP_NAME=fresh-app npx --yes "@backstage/create-app@$CREATE_APP_VERSION" --path fresh-app --skip-install) 2>&1 | tee "$WORK/create-app.log"
SEEDLESS=""
if grep -q "Failed to fetch the yarn.lock seed" "$WORK/create-app.log"; then
  SEEDLESS=1
  log "no yarn.lock seed: the app's backend gets this repository's @backstage/backend-defaults range (see the top of this script)"
fi
# The registry this project is built against lacks the newest builds of some platform packages:
# the fresh app gets this repository's age gate (see .yarnrc.yml).
PORT="$PORT" SEEDLESS="$SEEDLESS" node - "$APP" "$ROOT" <<'EOF'
const fs = require('fs');
const [app, root] = process.argv.slice(2);
const ours = fs.readFileSync(`${root}/.yarnrc.yml`, 'utf8');
const gate = ours.match(/^npmMinimalAgeGate:.*$/m)[0];
const approved = ours.match(/^npmPreapprovedPackages:\n(?:  - .*\n)+/m)[0];
let rc = fs.readFileSync(`${app}/.yarnrc.yml`, 'utf8');
rc = rc.replace(/^npmMinimalAgeGate:.*$/m, gate).replace(/^npmPreapprovedPackages:\n(?:  - .*\n)+/m, approved);
fs.writeFileSync(`${app}/.yarnrc.yml`, rc);
// The tarballs: the three packages the app names directly, and every @devops-growth package through
// resolutions (the packed ranges ask for ^0.1.0 from the registry, where nothing is published yet).
const tgz = p => `file:${app}/../tarballs/${p}.tgz`;
const pkgs = {
  '@devops-growth/backstage-plugin-devops': 'devops',
  '@devops-growth/backstage-plugin-devops-backend': 'devops-backend',
  '@devops-growth/backstage-plugin-devops-common': 'devops-common',
  '@devops-growth/backstage-plugin-devops-node': 'devops-node',
  '@devops-growth/backstage-plugin-devops-backend-module-prometheus': 'devops-backend-module-prometheus',
  '@devops-growth/backstage-plugin-scaffolder-backend-module-devops': 'scaffolder-backend-module-devops',
};
const edit = (file, fn) => {
  const p = JSON.parse(fs.readFileSync(file, 'utf8'));
  fn(p);
  fs.writeFileSync(file, `${JSON.stringify(p, null, 2)}\n`);
};
edit(`${app}/package.json`, p => {
  p.resolutions = { ...p.resolutions };
  for (const [name, dir] of Object.entries(pkgs)) p.resolutions[name] = tgz(dir);
});
edit(`${app}/packages/backend/package.json`, p => {
  p.dependencies['@devops-growth/backstage-plugin-devops-backend'] = tgz('devops-backend');
  p.dependencies['@devops-growth/backstage-plugin-devops-backend-module-prometheus'] = tgz('devops-backend-module-prometheus');
  p.dependencies['@devops-growth/backstage-plugin-scaffolder-backend-module-devops'] = tgz('scaffolder-backend-module-devops');
});
if (process.env.SEEDLESS) {
  const ours = JSON.parse(fs.readFileSync(`${root}/packages/backend/package.json`, 'utf8'));
  edit(`${app}/packages/backend/package.json`, p => {
    p.dependencies['@backstage/backend-defaults'] = ours.dependencies['@backstage/backend-defaults'];
  });
}
edit(`${app}/packages/app/package.json`, p => {
  p.dependencies['@devops-growth/backstage-plugin-devops'] = tgz('devops');
});
// Backend: the plugin and the module, as the README says
const index = `${app}/packages/backend/src/index.ts`;
fs.writeFileSync(index, fs.readFileSync(index, 'utf8').replace(
  /\nbackend\.start\(\);/,
  `
// DevOps Growth Engine
backend.add(import('@devops-growth/backstage-plugin-devops-backend'));
backend.add(
  import('@devops-growth/backstage-plugin-devops-backend-module-prometheus'),
);
backend.add(
  import('@devops-growth/backstage-plugin-scaffolder-backend-module-devops'),
);

backend.start();`,
));
// Frontend: discovered through app.packages: all; this file makes tsc check both entry points
// against the app's own createApp, as an app without discovery would use them
fs.writeFileSync(`${app}/packages/app/src/devops.ts`, `import { createApp } from '@backstage/frontend-defaults';
import devopsPlugin from '@devops-growth/backstage-plugin-devops/alpha';
import * as legacy from '@devops-growth/backstage-plugin-devops';

export const appWithDevops = createApp({ features: [devopsPlugin] });
export const devopsLegacyExports: string[] = Object.keys(legacy);
`);
// Config for the try: its own port, a static token for the upload, one monitored entity
fs.writeFileSync(`${app}/app-config.local.yaml`, `backend:
  baseUrl: http://localhost:${process.env.PORT}
  listen:
    port: ${process.env.PORT}
  auth:
    externalAccess:
      - type: static
        options:
          token: fresh-app-try-token
          subject: fresh-app-try
catalog:
  locations:
    - type: file
      target: ../../devops-entity.yaml
`);
fs.writeFileSync(`${app}/devops-entity.yaml`, `apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: devops-try
  annotations:
    devops-growth.io/monitoring: coverage
spec:
  type: service
  owner: guests
  lifecycle: experimental
`);
EOF
log "yarn install in the fresh app"
(cd "$APP" && YARN_ENABLE_IMMUTABLE_INSTALLS=false yarn install)

# 4. Type check
log "the fresh app's tsc"
(cd "$APP" && yarn tsc)
log "tsc passed"

# 5. The backend: health, then one upload and its read-back
log "starting the fresh app's backend on :$PORT"
# in its own process group, so that the EXIT trap stops it and everything it started
(cd "$APP/packages/backend" && exec setsid yarn start --config ../../app-config.yaml --config ../../app-config.local.yaml > "$WORK/backend.log" 2>&1) &
backend=$!
trap 'kill -- "-$backend" 2>/dev/null || true' EXIT
for i in $(seq 1 120); do
  if curl -fsS "http://localhost:$PORT/api/devops/health" >/dev/null 2>&1; then break; fi
  if ! kill -0 "$backend" 2>/dev/null; then log "the backend exited; see $WORK/backend.log"; tail -30 "$WORK/backend.log"; exit 1; fi
  sleep 3
done
health="$(curl -fsS "http://localhost:$PORT/api/devops/health")" || { log "no answer from /api/devops/health; see $WORK/backend.log"; tail -30 "$WORK/backend.log"; exit 1; }
log "GET /api/devops/health -> $health"

lcov="$WORK/lcov.info"
(cd examples/demo-service && node --test --experimental-test-coverage --test-coverage-exclude='test/**' \
  --test-reporter=lcov --test-reporter-destination="$lcov" >/dev/null 2>&1) || true
for i in $(seq 1 40); do
  curl -fsS -H 'Authorization: Bearer fresh-app-try-token' \
    "http://localhost:$PORT/api/catalog/entities/by-name/component/default/devops-try" >/dev/null 2>&1 && break
  sleep 3
done
status="$(curl -sS -o "$WORK/upload.json" -w '%{http_code}' -X POST \
  -H 'Authorization: Bearer fresh-app-try-token' --data-binary "@$lcov" \
  "http://localhost:$PORT/api/devops/reports?entity=component:default/devops-try&format=lcov&commit=0123456789abcdef0123456789abcdef01234567&branch=main")"
log "POST /api/devops/reports (LCOV of the demo service) -> $status $(head -c 300 "$WORK/upload.json")"
[ "$status" = 201 ] || exit 1
log "done: the packed packages install, type-check and serve in a fresh Backstage $release app ($APP)"
