'use strict';

// The demo deployment (deploy/deploy.mjs and deploy/proxy.mjs) as the portal's command provider
// drives it: real instances and the real proxy on free ports, state in a temporary directory.
const test = require('node:test');
const assert = require('node:assert');
const { execFile } = require('node:child_process');
const { existsSync, mkdtempSync, readFileSync, rmSync } = require('node:fs');
const net = require('node:net');
const { tmpdir } = require('node:os');
const { join } = require('node:path');

const script = join(__dirname, '..', 'deploy', 'deploy.mjs');

/**
 * `count` consecutive free ports below the ephemeral range, where the instances the tests start
 * (each on a `listen(0)` port) cannot take them before the proxy binds them.
 */
async function belowEphemeral(count) {
  const { freePortsBelowEphemeral } = await import('../deploy/processes.mjs');
  return freePortsBelowEphemeral(count);
}

/** A port free now, for an instance bound right after (the deploy scripts' own choice). */
async function freePort() {
  const processes = await import('../deploy/processes.mjs');
  return processes.freePort();
}


/** Runs deploy.mjs with only `env` (what the portal's command provider would give it). */
function runDeploy(action, env) {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [script, action], { env: { PATH: process.env.PATH, ...env } }, (error, stdout, stderr) =>
      error ? reject(new Error(`${action}: ${stderr || error.message}`)) : resolve(stdout),
    );
  });
}

function alive(pid) {
  try {
    process.kill(pid, 0);
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch (error) {
    return error.code === 'ENOENT' && process.platform !== 'linux';
  }
}

test.describe('demo deployment', () => {
  let dir;
  let ports;
  let pids = [];

  function run(action, vars = {}) {
    return runDeploy(action, {
      DEVOPS_DEMO_DEPLOY_DIR: dir,
      DEVOPS_DEMO_SERVICE_PORT: String(ports.public),
      DEVOPS_DEMO_CANARY_PORT: String(ports.canary),
      DEVOPS_DEMO_BASELINE_PORT: String(ports.baseline),
      DEVOPS_ENVIRONMENT: 'production',
      ...vars,
    });
  }

  async function status() {
    return JSON.parse(await run('status'));
  }

  function state() {
    const s = JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8'));
    const running = Object.values(s.slots).filter(Boolean);
    pids.push(...running.map(r => r.pid));
    return s;
  }

  async function versionsServed(port, n) {
    const counts = {};
    for (let i = 0; i < n; i++) {
      const res = await fetch(`http://127.0.0.1:${port}/healthz`);
      await res.arrayBuffer();
      const version = res.headers.get('x-demo-version');
      counts[version] = (counts[version] ?? 0) + 1;
    }
    return counts;
  }

  test.before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'demo-deploy-'));
    const from = await belowEphemeral(3);
    ports = { public: from, canary: from + 1, baseline: from + 2 };
  });
  test.after(async () => {
    await run('teardown').catch(() => {});
    rmSync(dir, { recursive: true, force: true });
  });

  test('lists the demo versions newest first', async () => {
    assert.deepStrictEqual((await run('versions')).trim().split('\n'), ['1.3.0-bad', '1.2.0', '1.1.0', '1.0.0']);
  });

  test('deploys a first version behind the proxy', async () => {
    await run('deploy', { DEVOPS_VERSION: '1.0.0', DEVOPS_STRATEGY: 'rolling' });
    assert.deepStrictEqual(await status(), {
      version: '1.0.0',
      healthy: true,
      colour: 'blue',
      canary: null,
      message: 'blue 1.0.0 live',
    });
    assert.deepStrictEqual(await versionsServed(ports.public, 5), { '1.0.0': 5 });
    pids.push(Number(readFileSync(join(dir, 'proxy.pid'), 'utf8')));
    state();
  });

  test('a canary at 25% takes about a quarter of the traffic, the baseline as much', async () => {
    const canaryVars = { DEVOPS_VERSION: '1.1.0', DEVOPS_PREVIOUS_VERSION: '1.0.0', DEVOPS_STRATEGY: 'canary' };
    await run('deploy', canaryVars);
    assert.deepStrictEqual(await versionsServed(ports.public, 20), { '1.0.0': 20 }, 'no traffic before set-weight');
    await run('set-weight', { ...canaryVars, DEVOPS_WEIGHT: '25' });
    await new Promise(r => setTimeout(r, 400)); // the proxy re-reads the state within 200 ms
    const counts = await versionsServed(ports.public, 400);
    // binomial, n = 400, p = 0.25: 100 expected, standard deviation 8.7; 4 sd either side
    assert.ok(counts['1.1.0'] >= 65 && counts['1.1.0'] <= 135, JSON.stringify(counts));
    assert.strictEqual(counts['1.1.0'] + counts['1.0.0'], 400);
    // the analysis scrapes each side on its own port
    assert.deepStrictEqual(await versionsServed(ports.canary, 3), { '1.1.0': 3 });
    assert.deepStrictEqual(await versionsServed(ports.baseline, 3), { '1.0.0': 3 });
    const s = state();
    assert.strictEqual(s.weight, 25);
    assert.deepStrictEqual(await status(), {
      version: '1.0.0',
      healthy: true,
      colour: 'blue',
      canary: { version: '1.1.0', weight: 25 },
      message: 'blue 1.0.0 live, canary 1.1.0, baseline 1.0.0',
    });
    // the public /metrics: the proxy's request counts (every request above) and live process figures
    const metrics = await (await fetch(`http://127.0.0.1:${ports.public}/metrics`)).text();
    const count = metrics.match(/^http_request_duration_seconds_count\{method="GET",route="\/healthz",status_code="200"\} (\d+)/m);
    assert.ok(Number(count?.[1]) >= 425, count?.[0]);
    assert.match(metrics, /^process_cpu_seconds_total /m);
  });

  test('promote makes the canary the live version and stops the rest', async () => {
    const before = state();
    await run('promote', { DEVOPS_VERSION: '1.1.0', DEVOPS_PREVIOUS_VERSION: '1.0.0', DEVOPS_STRATEGY: 'canary' });
    const after = state();
    assert.strictEqual(after.slots[after.live].pid, before.slots.canary.pid, 'the canary instance took over');
    assert.strictEqual(alive(before.slots.blue.pid), false);
    assert.strictEqual(alive(before.slots.baseline.pid), false);
    assert.deepStrictEqual(await versionsServed(ports.public, 10), { '1.1.0': 10 });
    assert.strictEqual((await status()).version, '1.1.0');
  });

  test('a rollback from any point returns all traffic to the previous version', async () => {
    const vars = { DEVOPS_VERSION: '1.3.0-bad', DEVOPS_PREVIOUS_VERSION: '1.1.0', DEVOPS_STRATEGY: 'canary' };
    await run('deploy', vars);
    await run('set-weight', { ...vars, DEVOPS_WEIGHT: '50' });
    const bad = state().slots.canary.pid;
    await run('rollback', vars);
    assert.strictEqual(alive(bad), false);
    assert.deepStrictEqual(await status(), {
      version: '1.1.0',
      healthy: true,
      colour: 'green',
      canary: null,
      message: 'green 1.1.0 live',
    });
    assert.deepStrictEqual(await versionsServed(ports.public, 10), { '1.1.0': 10 });
  });

  test('refuses what it cannot do, with the reason on stderr', async () => {
    await assert.rejects(run('set-weight', { DEVOPS_WEIGHT: '10' }), /no canary is running/);
    await assert.rejects(run('deploy', { DEVOPS_VERSION: '9.9.9', DEVOPS_STRATEGY: 'rolling' }), /DEVOPS_VERSION=9.9.9 is not a demo version/);
  });

  test('teardown stops every process it started', async () => {
    state();
    await run('teardown');
    assert.deepStrictEqual(pids.filter(alive), []);
    assert.deepStrictEqual(await status(), {
      version: null,
      healthy: false,
      colour: null,
      canary: null,
      message: 'nothing deployed',
    });
  });
});

// Previews (the portal's per-entity environments): the base's block runs with the preview's
// name in DEVOPS_ENVIRONMENT; the preview gets its own directory and ports and never touches
// the base's instances.
test.describe('demo previews', () => {
  let root;
  let range;
  const pids = [];

  // what the command provider gives a preview based on development: development's block
  function run(action, vars = {}) {
    return runDeploy(action, {
      DEVOPS_DEMO_DEPLOY_DIR: join(root, 'development'),
      DEVOPS_DEMO_SERVICE_PORT: String(range.development),
      DEVOPS_DEMO_CANARY_PORT: String(range.development + 1),
      DEVOPS_DEMO_BASELINE_PORT: String(range.development + 2),
      DEVOPS_DEMO_PREVIEW_PORTS: `${range.from}-${range.from + 5}`,
      DEVOPS_BASE_ENVIRONMENT: 'development',
      DEVOPS_ENVIRONMENT: 'development',
      DEVOPS_TARGET: 'demo-service',
      ...vars,
    });
  }
  const preview = (name, vars = {}) => ({ DEVOPS_ENVIRONMENT: name, DEVOPS_TARGET: `demo-service-${name}`, ...vars });
  const rolling = version => ({ DEVOPS_VERSION: version, DEVOPS_STRATEGY: 'rolling' });

  function processes(dir) {
    const s = JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8'));
    const found = [...Object.values(s.slots).filter(Boolean).map(r => r.pid), Number(readFileSync(join(dir, 'proxy.pid'), 'utf8'))];
    pids.push(...found);
    return found;
  }

  async function servedBy(port) {
    const res = await fetch(`http://127.0.0.1:${port}/healthz`);
    await res.arrayBuffer();
    return res.headers.get('x-demo-version');
  }

  test.before(async () => {
    root = mkdtempSync(join(tmpdir(), 'demo-previews-'));
    // nine consecutive ports: development's three, then two previews' blocks
    const from = await belowEphemeral(9);
    range = { development: from, from: from + 3 };
  });
  test.after(async () => {
    for (const name of ['pr-1', 'pr-2']) await run('teardown', preview(name)).catch(() => {});
    await run('teardown').catch(() => {});
    for (const pid of pids.filter(alive)) process.kill(pid, 'SIGKILL');
    rmSync(root, { recursive: true, force: true });
  });

  test('a preview runs next to development in its own directory on its own ports', async () => {
    await run('deploy', rolling('1.0.0'));
    const development = processes(join(root, 'development'));
    await run('deploy', preview('pr-1', rolling('1.1.0')));
    await run('deploy', preview('pr-2', rolling('1.2.0')));

    assert.strictEqual(await servedBy(range.development), '1.0.0');
    assert.strictEqual(await servedBy(range.from), '1.1.0');
    assert.strictEqual(await servedBy(range.from + 3), '1.2.0');
    const record = JSON.parse(readFileSync(join(root, 'previews', 'pr-1', 'preview.json'), 'utf8'));
    assert.deepStrictEqual(
      { target: record.target, basedOn: record.basedOn, ports: record.ports },
      { target: 'demo-service-pr-1', basedOn: 'development', ports: { public: range.from, canary: range.from + 1, baseline: range.from + 2 } },
    );
    assert.deepStrictEqual(JSON.parse(await run('status', preview('pr-1'))), {
      version: '1.1.0',
      healthy: true,
      colour: 'blue',
      canary: null,
      message: `blue 1.1.0 live (http://localhost:${range.from})`,
    });
    assert.strictEqual(JSON.parse(await run('status')).version, '1.0.0', "development's status is its own");
    processes(join(root, 'previews', 'pr-1'));
    processes(join(root, 'previews', 'pr-2'));
    assert.deepStrictEqual(development.filter(alive), development, 'development untouched');
  });

  test('keeps its ports across deploys and refuses clearly when the range is full', async () => {
    await run('deploy', preview('pr-1', rolling('1.2.0')));
    assert.strictEqual(await servedBy(range.from), '1.2.0');
    await assert.rejects(
      run('deploy', preview('pr-3', rolling('1.0.0'))),
      new RegExp(`no free ports for preview pr-3 in ${range.from}-${range.from + 5} \\(DEVOPS_DEMO_PREVIEW_PORTS\\): 2 previews hold blocks of 3 \\(pr-1, pr-2\\)`),
    );
    assert.strictEqual(existsSync(join(root, 'previews', 'pr-3')), false, 'no directory left by the refusal');
  });

  test("another target's preview of the same name is refused, its teardown touches nothing", async () => {
    const other = { DEVOPS_ENVIRONMENT: 'pr-1', DEVOPS_TARGET: 'other-service-pr-1' };
    await assert.rejects(run('deploy', { ...other, ...rolling('1.0.0') }), /preview pr-1 .* belongs to target demo-service-pr-1, not other-service-pr-1/);
    assert.match(await run('teardown', other), /nothing of target other-service-pr-1 to tear down/);
    assert.strictEqual(JSON.parse(await run('status', other)).version, null);
    assert.strictEqual(await servedBy(range.from), '1.2.0');
  });

  test('teardown stops everything of the preview, removes its state and frees its ports', async () => {
    const dir = join(root, 'previews', 'pr-1');
    const own = processes(dir);
    const development = processes(join(root, 'development'));
    await run('teardown', preview('pr-1'));
    assert.deepStrictEqual(own.filter(alive), []);
    assert.strictEqual(existsSync(dir), false);
    assert.deepStrictEqual(development.filter(alive), development, 'development untouched');
    assert.strictEqual(await servedBy(range.development), '1.0.0');
    assert.deepStrictEqual(JSON.parse(await run('status', preview('pr-1'))), {
      version: null,
      healthy: false,
      colour: null,
      canary: null,
      message: 'nothing deployed in preview pr-1',
    });
    assert.match(await run('teardown', preview('pr-1')), /preview pr-1 has nothing on this machine/, 'a second teardown succeeds');
    // its ports go to the next preview
    await run('deploy', preview('pr-3', rolling('1.0.0')));
    processes(join(root, 'previews', 'pr-3'));
    assert.strictEqual(await servedBy(range.from), '1.0.0');
    await run('teardown', preview('pr-3'));
  });
});

// An instance's port is free when chosen but may be taken before the instance binds it (any
// listen(0) or outgoing connection draws from the same range): the deploy then takes another.
test('an instance whose port was taken meanwhile starts on another one', async () => {
  const { startInstance, stopProcess } = await import('../deploy/processes.mjs');
  const dir = mkdtempSync(join(tmpdir(), 'demo-instance-'));
  // another process's server on the port first chosen (it hangs up on whoever connects)
  const taken = net.createServer(socket => socket.destroy());
  await new Promise(resolve => taken.listen(0, resolve));
  const takenPort = taken.address().port;
  const chosen = [];
  let record;
  try {
    record = await startInstance(dir, 'blue', '1.0.0', {
      choosePort: async () => {
        const port = chosen.length === 0 ? takenPort : await freePort();
        chosen.push(port); 
        return port;
      },
    });
    assert.strictEqual(chosen.length, 2);
    assert.strictEqual(record.port, chosen[1]);
    const res = await fetch(`http://127.0.0.1:${record.port}/healthz`);
    await res.arrayBuffer();
    assert.strictEqual(res.headers.get('x-demo-version'), '1.0.0');
    assert.match(readFileSync(join(dir, 'blue.log'), 'utf8'), new RegExp(`EADDRINUSE.*${takenPort}`));
  } finally {
    if (record) await stopProcess(record.pid);
    await new Promise(resolve => taken.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  }
});

test('an instance that cannot start for another reason fails at once, with its output', async () => {
  const { startInstance } = await import('../deploy/processes.mjs');
  const dir = mkdtempSync(join(tmpdir(), 'demo-instance-'));
  let calls = 0;
  try {
    await assert.rejects(
      startInstance(dir, 'blue', '1.0.0', {
        choosePort: async () => {
          calls++;
          return 70000; // not a port: the service exits at once
        },
      }),
      /version 1.0.0 did not start in slot blue: the process exited while starting: .*70000/,
    );
    assert.strictEqual(calls, 1);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
