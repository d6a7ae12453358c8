#!/usr/bin/env node
// The demo's deploy script for the portal's `command` provider (app-config.demo.yaml):
// `node deploy.mjs <action>`, with the deploy's parameters in DEVOPS_* variables (version,
// previous version, strategy, weight, colour) and the environment's directory and ports in
// DEVOPS_DEMO_DEPLOY_DIR, DEVOPS_DEMO_SERVICE_PORT, DEVOPS_DEMO_CANARY_PORT and
// DEVOPS_DEMO_BASELINE_PORT. It runs the demo service (examples/demo-service) on this machine:
// instances as background processes, one per slot (blue, green, canary, baseline), behind the
// weighted proxy of proxy.mjs on the public port. See state.mjs for the state it keeps.
//
// Actions: deploy, set-weight, switch, promote, rollback, abort, status (JSON on stdout),
// versions (one a line, newest first), teardown; and for the demo's scripts: start (brings up
// what the state says, or deploys DEVOPS_VERSION when nothing is live) and stop (stops every
// process, keeps the state). Every action is idempotent: run twice, it does what it did once.
//
// A preview (DEVOPS_ENVIRONMENT other than DEVOPS_BASE_ENVIRONMENT, a per-entity environment of
// the portal) runs in its own directory on its own ports (preview.mjs), never in its base's;
// its teardown stops its processes and removes its directory, ports included.
import { join } from 'node:path';
import { existsSync, rmdirSync, rmSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { alive, emptyState, readState, SLOTS, withLock, writeState } from './state.mjs';
import { ensureProxy, ports, startInstance, stopProcess, stopProxy, waitHealthy, waitProxyFollows } from './processes.mjs';
import { ensurePreview, otherOwner, PreviewError, previewOf, readPreview } from './preview.mjs';

export const VERSIONS = ['1.3.0-bad', '1.2.0', '1.1.0', '1.0.0'];
const COLOURS = ['blue', 'green'];

const env = process.env;
// the environment's directory and proxy ports; a preview's are set in main
let dir = env.DEVOPS_DEMO_DEPLOY_DIR;
let proxyPorts = ports();
const say = msg => console.log(msg);

class DeployError extends Error {}
function fail(message) {
  throw new DeployError(message);
}

const other = colour => (colour === 'blue' ? 'green' : 'blue');
const running = (state, slot) => {
  const record = state.slots[slot];
  return record && alive(record.pid) ? record : null;
};

function requireVersion(name = 'DEVOPS_VERSION') {
  const version = env[name];
  if (!version) fail(`${name} is not set`);
  if (!VERSIONS.includes(version)) fail(`${name}=${version} is not a demo version (${VERSIONS.join(', ')})`);
  return version;
}

/** Writes the state, then gives the proxy time to stop routing to what is about to stop. */
async function commit(state, toStop = []) {
  writeState(dir, state);
  const pids = toStop.filter(r => r && alive(r.pid)).map(r => r.pid);
  if (pids.length === 0) return;
  await sleep(500);
  for (const pid of pids) await stopProcess(pid);
}

/** Puts `version` in `slot`, unless it runs there already. */
async function place(state, slot, version) {
  const current = running(state, slot);
  if (current?.version === version) return [];
  say(`starting ${version} in ${slot}`);
  state.slots[slot] = await startInstance(dir, slot, version);
  writeState(dir, state); // known at once, even if this script is killed next
  say(`${version} is up in ${slot} on port ${state.slots[slot].port}`);
  return current ? [current] : [];
}

function clearCanary(state) {
  const stop = [state.slots.canary, state.slots.baseline];
  state.slots.canary = null;
  state.slots.baseline = null;
  state.weight = 0;
  state.roles = { canary: null, baseline: null };
  return stop;
}

/** Rolling: the new version starts in the idle colour, takes the traffic, the old one stops. */
async function rollingTo(state, version) {
  if (running(state, state.live)?.version === version) return [];
  const target = state.live ? other(state.live) : 'blue';
  const stop = await place(state, target, version);
  const old = state.slots[state.live];
  state.live = target;
  if (old) {
    stop.push(old);
    state.slots[other(target)] = null;
  }
  state.roles = { canary: null, baseline: null };
  return stop;
}

const actions = {
  async deploy(state) {
    const version = requireVersion();
    const strategy = env.DEVOPS_STRATEGY || 'rolling';
    if (strategy === 'rolling') return rollingTo(state, version);
    if (strategy === 'blue-green') {
      const colour = env.DEVOPS_COLOUR || (state.live ? other(state.live) : 'blue');
      if (!COLOURS.includes(colour)) fail(`DEVOPS_COLOUR=${colour} is not blue or green`);
      if (colour === state.live && running(state, colour)?.version !== version) {
        fail(`${colour} takes the traffic: a blue-green deploy goes to the idle colour ${other(colour)}`);
      }
      const stop = await place(state, colour, version);
      state.roles = { canary: colour, baseline: running(state, other(colour)) ? other(colour) : null };
      return stop;
    }
    if (strategy === 'canary') {
      const live = running(state, state.live);
      if (!live) fail('nothing is live to compare a canary with: deploy a first version with the rolling strategy');
      const stop = [...(await place(state, 'canary', version)), ...(await place(state, 'baseline', live.version))];
      state.roles = { canary: 'canary', baseline: 'baseline' };
      say(`canary ${version} and baseline ${live.version} run without traffic`);
      return stop;
    }
    return fail(`DEVOPS_STRATEGY=${strategy} is not rolling, blue-green or canary`);
  },

  async 'set-weight'(state) {
    const weight = Number(env.DEVOPS_WEIGHT);
    if (!Number.isInteger(weight) || weight < 0 || weight > 100) fail(`DEVOPS_WEIGHT=${env.DEVOPS_WEIGHT} is not 0-100`);
    if (!running(state, 'canary')) fail('no canary is running');
    state.weight = weight;
    say(`canary ${state.slots.canary.version} takes ${weight}% of the traffic`);
    return [];
  },

  async switch(state) {
    const colour = env.DEVOPS_COLOUR;
    if (!COLOURS.includes(colour)) fail(`DEVOPS_COLOUR=${colour} is not blue or green`);
    const target = running(state, colour);
    if (!target) fail(`nothing runs in ${colour}`);
    await waitHealthy(`http://127.0.0.1:${target.port}/healthz`, { version: target.version, pid: target.pid, timeoutMs: 5000 });
    state.live = colour;
    state.roles = { canary: colour, baseline: running(state, other(colour)) ? other(colour) : null };
    say(`${colour} (${target.version}) takes the traffic; ${other(colour)} stays for an instant rollback`);
    return [];
  },

  async promote(state) {
    const version = requireVersion();
    const canary = running(state, 'canary');
    if (!canary) {
      if (running(state, state.live)?.version === version) return [];
      fail(`no canary of ${version} is running to promote`);
    }
    // The canary's instance becomes the live colour; the old live instance and the baseline stop.
    const target = state.live ? other(state.live) : 'blue';
    const stop = [running(state, target), state.live && running(state, state.live)];
    state.slots[target] = canary;
    if (state.live) state.slots[state.live] = null;
    state.live = target;
    stop.push(...clearCanary(state));
    say(`${canary.version} is live in ${target}`);
    return stop.filter(r => r && r !== canary);
  },

  async rollback(state) {
    const version = env.DEVOPS_VERSION;
    const previous = env.DEVOPS_PREVIOUS_VERSION;
    const stop = clearCanary(state);
    if (!previous) {
      // a first deploy: nothing ran before it
      for (const colour of COLOURS) {
        if (state.slots[colour]?.version === version) {
          stop.push(state.slots[colour]);
          state.slots[colour] = null;
          if (state.live === colour) state.live = null;
        }
      }
      say(`removed ${version}; nothing ran before it`);
      return stop;
    }
    if (!VERSIONS.includes(previous)) fail(`DEVOPS_PREVIOUS_VERSION=${previous} is not a demo version`);
    const back = COLOURS.find(c => running(state, c)?.version === previous);
    if (back) {
      state.live = back;
    } else {
      stop.push(...(await rollingTo(state, previous)));
    }
    const gone = other(state.live);
    if (state.slots[gone] && state.slots[gone].version !== previous) {
      stop.push(state.slots[gone]);
      state.slots[gone] = null;
    }
    say(`${previous} takes all the traffic again in ${state.live}`);
    return stop;
  },

  async abort(state) {
    // traffic back to the live version at once; the rollback that follows cleans up
    state.weight = 0;
    say('canary traffic stopped');
    return [];
  },

  async teardown(state, preview) {
    const stop = SLOTS.map(slot => state.slots[slot]);
    await commit({ ...state, slots: {}, live: null }, stop);
    await stopProxy(dir);
    if (preview) {
      // its state, logs, users and ports: nothing of the preview is left
      rmSync(dir, { recursive: true, force: true });
      say(`removed every instance and the proxy of preview ${preview.name}, and ${dir}`);
      return null;
    }
    rmSync(join(dir, 'state.json'), { force: true });
    say('removed every instance and the proxy');
    return null;
  },

  async start(state) {
    const version = env.DEVOPS_VERSION;
    for (const slot of SLOTS) {
      const record = state.slots[slot];
      if (record && !alive(record.pid)) {
        say(`restarting ${record.version} in ${slot}`);
        state.slots[slot] = await startInstance(dir, slot, record.version);
      }
    }
    if (!running(state, state.live) && version) return rollingTo(state, requireVersion());
    return [];
  },

  async stop(state) {
    await commit(state, SLOTS.map(slot => state.slots[slot]));
    await stopProxy(dir);
    say('stopped every instance and the proxy; `start` brings them back');
    return null;
  },
};

async function answers(record) {
  try {
    const res = await fetch(`http://127.0.0.1:${record.port}/healthz`, { signal: AbortSignal.timeout(2000) });
    await res.arrayBuffer();
    return res.ok && res.headers.get('x-demo-version') === record.version;
  } catch {
    return false;
  }
}

async function status(state) {
  const live = running(state, state.live);
  const canary = running(state, 'canary');
  const parts = SLOTS.filter(s => state.slots[s]).map(
    s => `${s} ${state.slots[s].version}${running(state, s) ? '' : ' (down)'}${s === state.live ? ' live' : ''}`,
  );
  const expected = [state.live, ...Object.values(state.roles)].filter(Boolean);
  return {
    version: live?.version ?? null,
    healthy:
      Boolean(live) &&
      (await Promise.all(expected.map(slot => running(state, slot) && answers(state.slots[slot])))).every(Boolean),
    colour: state.live,
    canary: canary ? { version: canary.version, weight: state.weight } : null,
    message: parts.length ? parts.join(', ') : 'nothing deployed',
  };
}

function removeIfEmpty(path) {
  try {
    rmdirSync(path);
  } catch {
    // not empty, or gone
  }
}

const proxyPortsOf = record => ({
  publicPort: record.ports.public,
  canaryPort: record.ports.canary,
  baselinePort: record.ports.baseline,
});

/** A preview's status: nothing deployed when it has no directory or is another target's. */
async function previewStatus(preview) {
  const record = readPreview(dir);
  const refusal = otherOwner(preview, record);
  if (!existsSync(dir) || refusal) {
    return { ...(await status(emptyState())), message: refusal ?? `nothing deployed in preview ${preview.name}` };
  }
  const result = await status(readState(dir));
  return record?.ports ? { ...result, message: `${result.message} (http://localhost:${record.ports.public})` } : result;
}

async function main(action) {
  if (action === 'versions') return say(VERSIONS.join('\n'));
  const preview = previewOf(env);
  if (preview) dir = preview.dir;
  if (!dir) fail("DEVOPS_DEMO_DEPLOY_DIR is not set: the directory of the demo deployment's state");
  if (action === 'status') {
    return say(JSON.stringify(preview ? await previewStatus(preview) : await status(readState(dir))));
  }
  if (!Object.hasOwn(actions, action)) {
    fail(`usage: deploy.mjs ${['versions', 'status', ...Object.keys(actions)].join('|')}`);
  }
  const keepsRunning = !['teardown', 'stop'].includes(action);
  if (preview && !keepsRunning && !existsSync(dir)) {
    return say(`preview ${preview.name} has nothing on this machine (${dir})`);
  }
  await withLock(dir, async () => {
    if (preview) {
      const refusal = otherOwner(preview, readPreview(dir));
      if (refusal && action === 'teardown') return say(`nothing of target ${preview.target} to tear down: ${refusal}`);
      if (refusal) fail(refusal);
      if (keepsRunning) proxyPorts = proxyPortsOf(await ensurePreview(preview));
    }
    const state = readState(dir);
    if (keepsRunning) await ensureProxy(dir, proxyPorts);
    const stop = await actions[action](state, preview);
    if (stop) await commit(state, stop);
  }).finally(() => {
    // a preview refused before anything ran (no free ports) leaves no empty directory behind
    if (preview) removeIfEmpty(dir);
  });
  if (keepsRunning) {
    await waitProxyFollows(proxyPorts.publicPort, readState(dir));
    const now = preview ? await previewStatus(preview) : await status(readState(dir));
    say(`status: ${JSON.stringify(now)} (http://localhost:${proxyPorts.publicPort})`);
  }
}

try {
  await main(process.argv[2]);
} catch (error) {
  console.error(error instanceof DeployError || error instanceof PreviewError ? error.message : error.stack);
  process.exitCode = 1;
}
