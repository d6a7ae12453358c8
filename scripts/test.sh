#!/usr/bin/env bash
# The test command: installs what is missing (Node 22, Yarn 4, dependencies, and Debian's
# `prometheus` and `chromium` packages, which the Prometheus module's integration test and the
# browser test run), then type-checks, lints, runs every unit test and finally the browser test
# (e2e/). Database tests run on SQLite, and also on PostgreSQL when
# BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING is set or a server answers on
# 127.0.0.1:5432 (CI starts one and requires it).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
devops_install

# Debian packages the tests run, installed when missing (as root or with password-less sudo).
# A machine where that cannot be done stops here, with the command to run, rather than failing
# tests deep in the output.
missing=()
[ -x /usr/bin/prometheus ] || missing+=(prometheus) # the Prometheus module's integration test
[ -x /usr/bin/chromium ] || missing+=(chromium)     # the browser test (e2e/)
if [ ${#missing[@]} -gt 0 ]; then
  sudo=()
  [ "$(id -u)" = 0 ] || sudo=(sudo -n)
  if command -v apt-get >/dev/null && { [ ${#sudo[@]} = 0 ] || sudo -n true 2>/dev/null; }; then
    echo "[test] installing what the tests need: apt-get install -y --no-install-recommends ${missing[*]}"
    apt_log="$(mktemp)"
    apt_install() {
      "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
        -o DPkg::Lock::Timeout=300 "${missing[@]}" >>"$apt_log" 2>&1
    }
    # Stale package lists (a package's version is gone from the mirror): refresh them, once.
    if ! apt_install && ! { "${sudo[@]}" apt-get update -q -o DPkg::Lock::Timeout=300 >>"$apt_log" 2>&1 && apt_install; }; then
      tail -n 20 "$apt_log" >&2
      echo "[test] could not install ${missing[*]} (apt-get output above); the tests need them" >&2
      exit 1
    fi
    rm -f "$apt_log"
  else
    for package in "${missing[@]}"; do
      case "$package" in
        prometheus) echo "[test] missing: Debian's prometheus package (/usr/bin/prometheus): the Prometheus module's integration test cannot run" >&2 ;;
        chromium) echo "[test] missing: Debian's chromium package (/usr/bin/chromium): the browser test (e2e/) cannot run" >&2 ;;
      esac
    done
    echo "[test] this machine cannot install them here (not root, or no apt-get); as root: apt-get install -y --no-install-recommends ${missing[*]}" >&2
    exit 1
  fi
fi

if [ -z "${BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING:-}" ]; then
  if node -e "const s=require('net').connect(5432,'127.0.0.1');s.on('connect',()=>process.exit(0));s.on('error',()=>process.exit(1));setTimeout(()=>process.exit(1),1000)"; then
    export BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING="postgresql://postgres@127.0.0.1:5432"
  fi
fi
if [ -n "${BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING:-}" ]; then
  echo "[test] database tests run on SQLite and PostgreSQL"
else
  echo "[test] no PostgreSQL found on 127.0.0.1:5432: database tests run on SQLite only"
fi

echo "[test] type check"
yarn tsc
echo "[test] lint"
yarn backstage-cli repo lint
echo "[test] tests"
CI=true yarn backstage-cli repo test --maxWorkers=2 "$@"

# --- packages: pack each plugin package and check its tarball (added by the packaging work) ---
echo "[test] packages: build, pack and check each plugin package (scripts/check-packages.mjs)"
node scripts/check-packages.mjs

# (only these: the demo service's own suite keeps a deliberately flaky test for the demo's
# flaky-test detection, test/quoteCache.test.js)
echo "[test] the demo deployment's tests (examples/demo-service/test/deploy.test.js: the scripts the demo's command provider runs)"
(cd examples/demo-service && node --test test/deploy.test.js)

echo "[test] browser test (e2e/): the portal on its own ports, the demo service's DevOps tab in Chromium"
yarn workspace @devops-growth/e2e test
