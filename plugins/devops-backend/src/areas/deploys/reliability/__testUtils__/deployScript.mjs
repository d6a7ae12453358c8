// The deploy scripts of the reliability tests, configured as every command of the `command`
// provider: `node deployScript.mjs <operation>`, run in the test's working directory.
//
// It simulates an environment in files and records every invocation:
// - state/<environment>/<target>.json: what "runs" there (the serving version, the blue-green
//   colours, the canary and its weight), which survives a backend restart, so `status` can tell
//   a resumed deploy where it stands;
// - invocations.jsonl: one line when an operation starts, ends, parks or finds itself orphaned,
//   with the deploy's DEVOPS_* variables, this process's pid and its parent's (the backend);
// - park/<environment>/<target>/<operation>: while this file exists the operation waits (the
//   test holds a deploy in a phase to kill the backend there); `health` parks the health check
//   (status answers unhealthy); `set-weight-<weight>` parks one canary step;
// - fail/<environment>/<target>/<operation>: the operation exits with code 3 (a failed phase).
//
// A parked or sleeping operation whose backend died (its parent changed) records `orphaned` and
// exits, as it would have died with the backend's machine or container.
import {
  appendFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';

const op = process.argv[2];
const env = process.env;
const environment = env.DEVOPS_ENVIRONMENT ?? '';
const target = env.DEVOPS_TARGET ?? '';
const parentAtStart = process.ppid;
const STEP_MS = Number(env.RELIABILITY_STEP_MS ?? 150);

function record(event, extra = {}) {
  const line = {
    event,
    op,
    deployId: env.DEVOPS_DEPLOY_ID || null,
    attempt: env.DEVOPS_ATTEMPT ? Number(env.DEVOPS_ATTEMPT) : null,
    environment,
    target,
    kind: env.DEVOPS_KIND || null,
    strategy: env.DEVOPS_STRATEGY || null,
    version: env.DEVOPS_VERSION || null,
    previousVersion: env.DEVOPS_PREVIOUS_VERSION || null,
    step: env.DEVOPS_STEP ? Number(env.DEVOPS_STEP) : null,
    weight: env.DEVOPS_WEIGHT ? Number(env.DEVOPS_WEIGHT) : null,
    colour: env.DEVOPS_COLOUR || null,
    pid: process.pid,
    ppid: parentAtStart,
    at: Date.now(),
    ...extra,
  };
  // One short line per write with O_APPEND: concurrent scripts do not interleave.
  appendFileSync('invocations.jsonl', `${JSON.stringify(line)}\n`);
}

// Started by a backend that died meanwhile: the parent is already init or a subreaper.
function startedOrphaned() {
  try {
    return !readFileSync(`/proc/${parentAtStart}/cmdline`, 'utf8').includes(
      'backend.cjs',
    );
  } catch {
    return true;
  }
}

function orphaned() {
  return process.ppid !== parentAtStart;
}

function exitIfOrphaned() {
  if (orphaned()) {
    record('orphaned');
    process.exit(137);
  }
}

async function pause(ms) {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    exitIfOrphaned();
    await new Promise(resolve => setTimeout(resolve, 25));
  }
}

const controlPath = (kind, name) => join(kind, environment, target, name ?? op);

async function waitWhileParked(name) {
  const file = controlPath('park', name);
  if (!existsSync(file)) return;
  record('parked', { parkedAt: name ?? op });
  while (existsSync(file)) {
    await pause(50);
  }
}

const stateFile = join('state', environment, `${target}.json`);

function readState() {
  try {
    return JSON.parse(readFileSync(stateFile, 'utf8'));
  } catch {
    return { version: null, colour: null, colours: {}, canary: null };
  }
}

function writeState(state) {
  mkdirSync(dirname(stateFile), { recursive: true });
  const tmp = `${stateFile}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(state));
  renameSync(tmp, stateFile);
}

const operations = {
  deploy(state) {
    if (env.DEVOPS_STRATEGY === 'canary') {
      state.canary = { version: env.DEVOPS_VERSION, weight: 0 };
    } else if (env.DEVOPS_STRATEGY === 'blue-green') {
      state.colours[env.DEVOPS_COLOUR] = env.DEVOPS_VERSION;
    } else {
      state.version = env.DEVOPS_VERSION;
    }
  },
  'set-weight'(state) {
    state.canary = {
      version: env.DEVOPS_VERSION,
      weight: Number(env.DEVOPS_WEIGHT),
    };
  },
  switch(state) {
    state.colour = env.DEVOPS_COLOUR;
    state.version = state.colours[env.DEVOPS_COLOUR] ?? env.DEVOPS_VERSION;
  },
  promote(state) {
    if (state.canary) state.version = state.canary.version;
    state.canary = null;
  },
  rollback(state) {
    const previous = env.DEVOPS_PREVIOUS_VERSION || null;
    state.canary = null;
    if (env.DEVOPS_STRATEGY === 'blue-green') {
      const back = Object.entries(state.colours).find(
        ([, version]) => version === previous,
      );
      if (back) state.colour = back[0];
    }
    state.version = previous;
  },
  abort() {},
};

async function main() {
  process.on('SIGTERM', () => {
    record('end', { code: 'SIGTERM' });
    process.exit(143);
  });
  if (op === 'status') {
    const state = readState();
    const healthy = !existsSync(controlPath('park', 'health'));
    process.stdout.write(
      `${JSON.stringify({
        version: state.version,
        healthy,
        colour: state.colour ?? null,
        canary: state.canary ?? null,
      })}\n`,
    );
    return;
  }
  if (!operations[op]) {
    process.stderr.write(`unknown operation ${op}\n`);
    process.exit(2);
  }
  record('start');
  if (startedOrphaned()) {
    record('orphaned');
    process.exit(137);
  }
  await waitWhileParked();
  if (op === 'set-weight')
    await waitWhileParked(`set-weight-${env.DEVOPS_WEIGHT}`);
  await pause(STEP_MS);
  if (existsSync(controlPath('fail'))) {
    process.stderr.write(
      `${op} failed on purpose (fail/${environment}/${target}/${op})\n`,
    );
    record('end', { code: 3 });
    process.exit(3);
  }
  const state = readState();
  operations[op](state);
  writeState(state);
  process.stdout.write(`${op} ${env.DEVOPS_VERSION ?? ''} done\n`);
  record('end', { code: 0 });
}

main().catch(error => {
  process.stderr.write(`${error.stack}\n`);
  process.exit(1);
});
