// The demo's CI pipeline: waits for the backend and the demo entity, runs the demo service's own
// tests with Node's test runner (LCOV + JUnit reporters), and uploads both reports through
// POST /api/devops/reports with the static external-access token of app-config.demo.yaml; then
// scans the service with ESLint's security rules and uploads the SARIF.
// Runs the suite five times on the same commit: the suite has a genuinely timing-dependent test
// that passes in about a third of the runs (measured: 35 of 110 on a quiet machine, 12 of 30 with
// both cores busy), and a test that both passes and fails on one commit is flaky, so flaky-test
// detection has something real to find (unless all five runs agree: about one start in eight).
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const serviceDir = join(root, 'examples', 'demo-service');
const backend = process.env.DEVOPS_DEMO_BACKEND_URL ?? 'http://localhost:7007';
const token = process.env.DEVOPS_DEMO_CI_TOKEN;
const entity = 'component:default/demo-service';
const runs = Number(process.env.DEVOPS_DEMO_RUNS ?? 5);
const auth = { Authorization: `Bearer ${token}` };
const log = msg => console.log(`[demo-ci] ${msg}`);

function git(...args) {
  try {
    return execFileSync('git', args, { cwd: root, encoding: 'utf8' }).trim();
  } catch {
    return undefined;
  }
}

async function waitFor(what, probe, timeoutMs = 15 * 60_000) {
  const start = Date.now();
  for (;;) {
    try {
      if (await probe()) return;
    } catch {
      // not up yet
    }
    if (Date.now() - start > timeoutMs)
      throw new Error(`timed out waiting for ${what}`);
    await sleep(2000);
  }
}

async function upload(format, file, commit, branch) {
  const url = new URL(`${backend}/api/devops/reports`);
  for (const [k, v] of Object.entries({
    entity,
    format,
    commit,
    branch,
    // coverage and test reports carry a name; security reports are told apart by tool
    ...(format === 'lcov' || format === 'junit' ? { name: 'unit' } : {}),
  })) {
    url.searchParams.set(k, v);
  }
  // `yarn start` restarts the backend when its sources change: retry what never reached it.
  let res;
  for (let attempt = 1; ; attempt++) {
    try {
      res = await fetch(url, {
        method: 'POST',
        headers: auth,
        body: readFileSync(file),
      });
      // 503: the backend is starting or shutting down for a restart
      if (res.status !== 503 || attempt === 10) break;
      await sleep(3000);
    } catch (error) {
      if (attempt === 10) throw error;
      await sleep(3000);
      await waitFor(
        'the devops backend',
        async () => (await fetch(`${backend}/api/devops/health`)).ok,
      );
    }
  }
  const body = await res.json();
  if (res.status !== 201) {
    throw new Error(
      `upload of ${format} failed with ${res.status}: ${body.error?.message}`,
    );
  }
  return body.report;
}

async function main() {
  if (!token) throw new Error('DEVOPS_DEMO_CI_TOKEN is not set');
  await waitFor(
    'the devops backend',
    async () => (await fetch(`${backend}/api/devops/health`)).ok,
  );
  log('backend is up; waiting for the catalog to hold the demo entity');
  await waitFor(
    'the demo-service entity',
    async () =>
      (
        await fetch(
          `${backend}/api/catalog/entities/by-name/component/default/demo-service`,
          { headers: auth },
        )
      ).ok,
  );
  // The demo's commit is this repository's HEAD; without git, a commit-like hash of the sources.
  const commit =
    git('rev-parse', 'HEAD') ??
    execFileSync(
      'sh',
      ['-c', 'cat src/*.js test/*.js | sha1sum | cut -c1-40'],
      {
        cwd: serviceDir,
        encoding: 'utf8',
      },
    ).trim();
  const branch = git('rev-parse', '--abbrev-ref', 'HEAD') ?? 'main';
  mkdirSync(join(serviceDir, 'reports'), { recursive: true });
  for (let i = 1; i <= runs; i++) {
    const result = spawnSync(
      process.execPath,
      [
        '--test',
        '--experimental-test-coverage',
        // coverage of the service's code, not of its tests
        '--test-coverage-exclude=test/**',
        '--test-reporter=lcov',
        '--test-reporter-destination=reports/lcov.info',
        '--test-reporter=junit',
        '--test-reporter-destination=reports/junit.xml',
      ],
      { cwd: serviceDir, encoding: 'utf8' },
    );
    const coverage = await upload(
      'lcov',
      join(serviceDir, 'reports/lcov.info'),
      commit,
      branch,
    );
    const tests = await upload(
      'junit',
      join(serviceDir, 'reports/junit.xml'),
      commit,
      branch,
    );
    const pct = c =>
      c && c.total ? ((100 * c.covered) / c.total).toFixed(1) : 'n/a';
    log(
      `run ${i}/${runs} (exit ${result.status}): lines ${pct(
        coverage.coverage.lines,
      )}%, ` +
        `${tests.tests.passed}/${tests.tests.total} tests passed -> uploaded ${coverage.id}, ${tests.id}`,
    );
  }
  // The security scan: ESLint with its security rule set over the service, SARIF output
  // (scripts/demo-scan.mjs), uploaded as CI would after the build.
  const sarif = join(serviceDir, 'reports/eslint.sarif');
  const scan = spawnSync(process.execPath, [join(root, 'scripts/demo-scan.mjs'), sarif], {
    cwd: root,
    encoding: 'utf8',
  });
  if (scan.status !== 0) {
    throw new Error(`the security scan failed (exit ${scan.status}): ${scan.stderr}`);
  }
  const security = await upload('sarif', sarif, commit, branch);
  log(
    `security scan: ${security.itemCount} findings (${security.findings?.new ?? 0} new, ` +
      `${security.findings?.fixed ?? 0} fixed) -> uploaded ${security.id}`,
  );
  log(
    'done: open http://localhost:3000/catalog/default/component/demo-service/devops ' +
      '(push your own reports with the token in .devops-data/demo-token)',
  );
}

main().catch(error => {
  console.error(`[demo-ci] ${error.message}`);
  process.exitCode = 1;
});
