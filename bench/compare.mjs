// `yarn bench:compare [rounds] [runs]`: ours against the maintained streaming parser of each
// format, alternating one process of each `rounds` times (default 5, `runs` runs per process,
// default 6), and the median and best of the processes. On a busy machine single processes vary
// by a factor of 3; the medians of alternating processes are what bench/README.md quotes.
import { generate } from './generate.mjs';
import { buildParsers } from './build.mjs';
import { runCase } from './runCase.mjs';
import { LIBRARY } from './library.mjs';

const rounds = Number(process.argv[2] ?? 5);
const runs = Number(process.argv[3] ?? 6);
const median = xs => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};

const inputs = (await generate()).filter(
  i => LIBRARY[i.format] && !i.file.includes('100mb'),
);
await buildParsers();
const lines = [
  '| input | ours ms (median, best) | library ms (median, best) | ours ÷ library (median) |',
  '| --- | --- | --- | --- |',
];
for (const input of inputs) {
  const library = LIBRARY[input.format];
  const times = { ours: [], [library]: [] };
  for (let r = 0; r < rounds; r++) {
    for (const impl of ['ours', library]) {
      const result = await runCase(impl, input.format, input.path, runs);
      if (!result.ok)
        throw new Error(`${impl} on ${input.file}: ${result.error}`);
      times[impl].push(result.ms);
    }
  }
  const o = times.ours;
  const l = times[library];
  process.stderr.write(
    `${input.file}: ours ${o.map(Math.round)} ${library} ${l.map(
      Math.round,
    )}\n`,
  );
  lines.push(
    `| ${input.file} | ${Math.round(median(o))}, ${Math.round(
      Math.min(...o),
    )} | ${library} ${Math.round(median(l))}, ${Math.round(
      Math.min(...l),
    )} | ${(median(l) / median(o)).toFixed(2)}x |`,
  );
}
process.stdout.write(`${lines.join('\n')}\n`);
