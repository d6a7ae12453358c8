// `yarn bench`: generates the inputs when missing, bundles our parsers, then measures each
// (implementation, file) in its own child process and prints one table.
import { statSync } from 'node:fs';
import { generate } from './generate.mjs';
import { buildParsers } from './build.mjs';
import { runCase } from './runCase.mjs';
import { LIBRARY } from './library.mjs';

const fmt = (n, digits = 1) => n.toFixed(digits);

const ROUNDS = 3;

/** The faster of two results of one case (a failure only when both failed). */
function fastest(a, b) {
  if (!a?.ok) return b;
  if (!b.ok) return a;
  return b.ms < a.ms ? b : a;
}

/** Formats the community plugin converts. */
const COMMUNITY = new Set(['lcov', 'cobertura', 'jacoco']);

async function main() {
  const inputs = await generate();
  await buildParsers();
  const rows = [];
  for (const input of inputs) {
    const sizeMb = statSync(input.path).size / (1024 * 1024);
    // Same number of runs for every implementation: small files run more often so that the JIT
    // is warm (the first run is a warm-up; case.mjs keeps the best of the others).
    const runs = sizeMb < 5 ? 20 : sizeMb < 50 ? 3 : 1;
    process.stderr.write(
      `measuring ${input.file} (${fmt(sizeMb)} MB, ${runs} run(s) each)...\n`,
    );
    const library = LIBRARY[input.format];
    // Ours and the library alternate, three processes each, and the fastest of each is kept: on
    // a shared machine one process can run at a third of the speed of the next.
    let ours;
    let lib;
    for (let round = 0; round < ROUNDS; round++) {
      ours = fastest(
        ours,
        await runCase('ours', input.format, input.path, runs),
      );
      if (library) {
        lib = fastest(
          lib,
          await runCase(library, input.format, input.path, runs),
        );
      }
    }
    const theirs = COMMUNITY.has(input.format)
      ? await runCase('theirs', input.format, input.path, runs)
      : undefined;
    for (const [name, other] of [
      ['community', theirs],
      [library, lib],
    ]) {
      if (ours.ok && other?.ok) {
        const same =
          JSON.stringify(ours.summary) === JSON.stringify(other.summary);
        process.stderr.write(
          `  ours: ${JSON.stringify(ours.summary)}  ${name}: ${JSON.stringify(
            other.summary,
          )}${same ? '' : '  (DIFFERENT)'}\n`,
        );
        if (!same) other.differs = true;
      }
    }
    rows.push({ input, sizeMb, ours, theirs, library, lib });
  }
  const header = [
    'format',
    'file',
    'size MB',
    'ours MB/s',
    'community MB/s',
    'ours ÷ community',
    'library',
    'library MB/s',
    'ours ÷ library',
    'ours peak RSS MB',
    'community peak RSS MB',
    'library peak RSS MB',
  ];
  const rate = (r, sizeMb) => (r?.ok ? sizeMb / (r.ms / 1000) : undefined);
  const cell = (r, value) => {
    if (!r) return 'n/a';
    if (!r.ok) return `failed: ${r.error}`;
    return r.differs ? `${value} (other figures)` : value;
  };
  const lines = [header, header.map(() => '---')];
  for (const { input, sizeMb, ours, theirs, library, lib } of rows) {
    const ourRate = rate(ours, sizeMb);
    const theirRate = rate(theirs, sizeMb);
    const libRate = rate(lib, sizeMb);
    lines.push([
      input.format,
      input.file,
      fmt(sizeMb),
      ours.ok ? fmt(ourRate) : `failed: ${ours.error}`,
      cell(theirs, theirRate && fmt(theirRate)),
      ourRate && theirRate ? `${fmt(ourRate / theirRate)}x` : 'n/a',
      library ?? 'n/a',
      cell(lib, libRate && fmt(libRate)),
      ourRate && libRate ? `${fmt(ourRate / libRate, 2)}x` : 'n/a',
      ours.ok ? fmt(ours.maxRssMb, 0) : 'n/a',
      theirs?.ok ? fmt(theirs.maxRssMb, 0) : 'n/a',
      lib?.ok ? fmt(lib.maxRssMb, 0) : 'n/a',
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
