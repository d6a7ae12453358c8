// Previews (the portal's per-entity environments) of the demo deployment. The command provider
// runs the base environment's `command:` block for a preview with DEVOPS_ENVIRONMENT=<preview>,
// DEVOPS_BASE_ENVIRONMENT=<base> and DEVOPS_TARGET=<target>; the block's env still names the
// base's directory and ports. A preview gets its own instead, so that it never touches the
// base's instances:
//
// - its directory: $DEVOPS_DEMO_PREVIEW_ROOT/<preview> (default: `previews` next to the base's
//   DEVOPS_DEMO_DEPLOY_DIR), holding the same files as an environment's (state.mjs) plus
//   preview.json: { name, target, basedOn, ports: { public, canary, baseline }, createdAt };
// - its ports: three consecutive ones from DEVOPS_DEMO_PREVIEW_PORTS (default 7100-7199), the
//   lowest block no other preview holds and nothing on this machine listens on, recorded in
//   preview.json at its first mutating action and kept until its teardown removes the directory.
//
// A preview's directory belongs to the target that created it: the same preview name used by
// another entity (another DEVOPS_TARGET) is refused instead of deploying over it.
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { withLock } from './state.mjs';

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;
export const DEFAULT_PORT_RANGE = '7100-7199';
const BLOCK = 3; // public, canary, baseline

export class PreviewError extends Error {}
const fail = message => {
  throw new PreviewError(message);
};

/**
 * The preview the variables name, or null for a configured environment (no base given, or the
 * base is the environment itself). Throws on a name that is not an environment name.
 */
export function previewOf(env) {
  const name = env.DEVOPS_ENVIRONMENT;
  const base = env.DEVOPS_BASE_ENVIRONMENT;
  if (!name || !base || name === base) return null;
  if (!NAME.test(name)) fail(`DEVOPS_ENVIRONMENT=${name} is not an environment name (1-63 letters, digits, dots, dashes or underscores)`);
  let root = env.DEVOPS_DEMO_PREVIEW_ROOT;
  if (!root) {
    if (!env.DEVOPS_DEMO_DEPLOY_DIR) {
      fail('neither DEVOPS_DEMO_PREVIEW_ROOT nor DEVOPS_DEMO_DEPLOY_DIR is set: the directory of the demo previews');
    }
    root = join(dirname(resolve(env.DEVOPS_DEMO_DEPLOY_DIR)), 'previews');
  }
  root = resolve(root);
  return {
    name,
    basedOn: base,
    target: env.DEVOPS_TARGET || null,
    root,
    dir: join(root, name),
    range: portRange(env.DEVOPS_DEMO_PREVIEW_PORTS || DEFAULT_PORT_RANGE),
  };
}

export function portRange(text) {
  const match = /^(\d{1,5})-(\d{1,5})$/.exec(text.trim());
  const [from, to] = match ? [Number(match[1]), Number(match[2])] : [];
  if (!match || from < 1024 || to > 65535 || to - from + 1 < BLOCK) {
    fail(`DEVOPS_DEMO_PREVIEW_PORTS=${text} is not a port range such as ${DEFAULT_PORT_RANGE} (from 1024 to 65535, at least ${BLOCK} ports)`);
  }
  return { from, to };
}

/** preview.json of a preview directory, or null when there is none. */
export function readPreview(dir) {
  try {
    return JSON.parse(readFileSync(join(dir, 'preview.json'), 'utf8'));
  } catch (error) {
    if (error.code === 'ENOENT') return null;
    throw new Error(`${join(dir, 'preview.json')} is unreadable: ${error.message}`);
  }
}

/** Why this target may not use the preview's directory, or null when it may. */
export function otherOwner(preview, record) {
  if (!record || !preview.target || !record.target || record.target === preview.target) return null;
  return `preview ${preview.name} (${preview.dir}) belongs to target ${record.target}, not ${preview.target}: the demo keeps one preview per name`;
}

function portFree(port) {
  return new Promise(done => {
    const server = createServer();
    server.once('error', () => done(false));
    // the proxy listens on every address, so the test binds there too
    server.listen(port, () => server.close(() => done(true)));
  });
}

/**
 * The preview's record with its ports: the recorded one, or a new one with the lowest block of
 * the range that no other preview holds and that is free on this machine. Run it under the
 * preview's own lock; the allocation itself runs under the previews' lock, so that two previews
 * created at once never get the same ports.
 */
export async function ensurePreview(preview) {
  const own = readPreview(preview.dir);
  if (own?.ports) return own;
  mkdirSync(preview.root, { recursive: true });
  return withLock(
    preview.root,
    async () => {
      const held = new Map();
      for (const entry of readdirSync(preview.root, { withFileTypes: true })) {
        if (!entry.isDirectory() || entry.name === preview.name) continue;
        const record = readPreview(join(preview.root, entry.name));
        for (const port of Object.values(record?.ports ?? {})) held.set(port, entry.name);
      }
      const { from, to } = preview.range;
      for (let port = from; port + BLOCK - 1 <= to; port += BLOCK) {
        const block = [port, port + 1, port + 2];
        if (block.some(p => held.has(p))) continue;
        const free = await Promise.all(block.map(portFree));
        if (!free.every(Boolean)) continue;
        const record = {
          name: preview.name,
          target: preview.target,
          basedOn: preview.basedOn,
          ports: { public: port, canary: port + 1, baseline: port + 2 },
          createdAt: new Date().toISOString(),
        };
        mkdirSync(preview.dir, { recursive: true });
        const file = join(preview.dir, 'preview.json');
        writeFileSync(`${file}.tmp`, `${JSON.stringify(record, null, 2)}\n`);
        renameSync(`${file}.tmp`, file);
        return record;
      }
      const holders = [...new Set(held.values())].sort();
      return fail(
        `no free ports for preview ${preview.name} in ${from}-${to} (DEVOPS_DEMO_PREVIEW_PORTS): ` +
          `${holders.length} previews hold blocks of ${BLOCK} (${holders.join(', ') || 'none'}) and the rest are in use on this machine; ` +
          'delete a preview or widen the range',
      );
    },
    '.ports.lock',
  );
}

/** Whether a preview directory exists (status and teardown of an unknown preview do nothing). */
export const previewExists = preview => existsSync(preview.dir);
