// One SARIF benchmark case in its own process: `node sarif-case.mjs <ours|json-parse> <file> <runs>`.
// Prints { ok, ms, cpuMs, maxRssMb, results } (or { ok: false, error }). Timing covers reading
// the file and parsing; the best of the runs after the first (a warm-up) is kept when there are
// several. `cpuMs` is the process's CPU time (user + system, all threads: GC helpers included).
// The peak RSS is the whole process's (process.resourceUsage().maxRSS).
import { createReadStream, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const here = dirname(fileURLToPath(import.meta.url));
const [impl, file, runsArg] = process.argv.slice(2);
const runs = Number(runsArg ?? 1);

/** Ours: the SARIF parser reading a 64 KiB file stream. */
async function ours() {
  const { sarifParser } = require(join(here, '..', 'out', 'sarif-parser.cjs'));
  const report = await sarifParser.parse(
    createReadStream(file, { highWaterMark: 64 * 1024 }),
  );
  return report.runs.reduce((n, run) => n + run.findings.length, 0);
}

/** A bare JSON.parse of the same bytes: the file read whole, decoded, parsed. */
async function jsonParse() {
  const log = JSON.parse(readFileSync(file).toString('utf8'));
  return log.runs.reduce((n, run) => n + run.results.length, 0);
}

const cases = { ours, 'json-parse': jsonParse };

try {
  let best = Infinity;
  let cpuMs = Infinity;
  let results;
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    const cpu = process.cpuUsage();
    results = await cases[impl]();
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    const used = process.cpuUsage(cpu);
    if (runs === 1 || i > 0) {
      best = Math.min(best, ms);
      cpuMs = Math.min(cpuMs, (used.user + used.system) / 1000);
    }
  }
  const maxRssMb = process.resourceUsage().maxRSS / 1024;
  process.stdout.write(
    JSON.stringify({ ok: true, ms: best, cpuMs, maxRssMb, results }),
  );
} catch (e) {
  process.stdout.write(
    JSON.stringify({ ok: false, error: String(e?.message ?? e).slice(0, 200) }),
  );
}
