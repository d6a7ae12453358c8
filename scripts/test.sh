#!/usr/bin/env bash
# The test command: installs what is missing (Node 22, Yarn 4, dependencies), then type-checks,
# lints and runs every test. Database tests run on SQLite, and also on PostgreSQL when
# BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING is set or a server answers on
# 127.0.0.1:5432 (CI starts one and requires it).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
devops_install

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
