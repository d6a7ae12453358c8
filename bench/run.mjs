// `yarn bench`: generates the inputs when missing, bundles our parsers, then measures each
// (implementation, file) in its own child process and prints one table.
import { spawn } from 'node:child_process';
import { statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generate } from './generate.mjs';
import { buildParsers } from './build.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const TIMEOUT_MS = 5 * 60 * 1000;

function runCase(impl, format, path, runs) {
  return new Promise(resolve => {
    const env = { ...process.env };
    delete env.NODE_OPTIONS; // both sides with Node's default heap limit
    const child = spawn(
      process.execPath,
      [join(here, 'case.mjs'), impl, format, path, String(runs)],
      {
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    let err = '';
    child.stdout.on('data', d => (out += d));
    child.stderr.on('data', d => (err += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      resolve({
        ok: false,
        error: `no result after ${TIMEOUT_MS / 60000} min (stopped)`,
      });
    }, TIMEOUT_MS);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (out) {
        try {
          resolve(JSON.parse(out));
          return;
        } catch {
          // fall through
        }
      }
      const oom = /heap out of memory|Allocation failed/i.test(err);
      resolve({
        ok: false,
        error: oom
          ? 'out of memory (JavaScript heap)'
          : `exited with ${signal ?? code}: ${
              err.trim().split('\n').pop() ?? ''
            }`,
      });
    });
  });
}

const fmt = (n, digits = 1) => n.toFixed(digits);

async function main() {
  const inputs = await generate();
  await buildParsers();
  const rows = [];
  for (const input of inputs) {
    const sizeMb = statSync(input.path).size / (1024 * 1024);
    // Same number of runs on both sides: small files run more often so that the JIT is warm
    // (the first run is a warm-up; case.mjs keeps the best of the others).
    const runs = sizeMb < 5 ? 20 : sizeMb < 50 ? 3 : 1;
    process.stderr.write(
      `measuring ${input.file} (${fmt(sizeMb)} MB, ${runs} run(s) each)...\n`,
    );
    const ours = await runCase('ours', input.format, input.path, runs);
    const theirs = await runCase('theirs', input.format, input.path, runs);
    rows.push({ input, sizeMb, ours, theirs });
    if (ours.ok && theirs.ok) {
      process.stderr.write(
        `  ours: ${JSON.stringify(ours.summary)}  theirs: ${JSON.stringify(
          theirs.summary,
        )}\n`,
      );
    }
  }
  const header = [
    'format',
    'file',
    'size MB',
    'ours MB/s',
    'theirs MB/s',
    'speed-up',
    'ours peak RSS MB',
    'theirs peak RSS MB',
  ];
  const lines = [header, header.map(() => '---')];
  for (const { input, sizeMb, ours, theirs } of rows) {
    const ourRate = ours.ok ? sizeMb / (ours.ms / 1000) : undefined;
    const theirRate = theirs.ok ? sizeMb / (theirs.ms / 1000) : undefined;
    lines.push([
      input.format,
      input.file,
      fmt(sizeMb),
      ours.ok ? fmt(ourRate) : `failed: ${ours.error}`,
      theirs.ok ? fmt(theirRate) : theirs.error,
      ours.ok && theirs.ok ? `${fmt(ourRate / theirRate)}x` : 'n/a',
      ours.ok ? fmt(ours.maxRssMb, 0) : 'n/a',
      theirs.ok ? fmt(theirs.maxRssMb, 0) : 'n/a',
    ]);
  }
  process.stdout.write(
    `${lines.map(l => `| ${l.join(' | ')} |`).join('\n')}\n`,
  );
  process.stdout.write(
    `\nNode ${process.version}, ${new Date().toISOString().slice(0, 10)}\n`,
  );
}

await main();
