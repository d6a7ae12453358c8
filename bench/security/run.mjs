// `yarn bench:security`: the security area's benchmarks, one after the other in one run, each
// printing ours side by side with the alternative the issue names:
//   sarif.mjs       SARIF ingest (100,000 results, 100 MB) against a bare JSON.parse
//   threats.mjs     our threat detectors against a fixed-threshold detector on generated traffic
//   compliance.mjs  a full compliance evaluation of 5,000 entities x 4 frameworks on PostgreSQL
//   api.mjs         the Security card's API under 8 concurrent clients
// `yarn bench:security sarif threats` runs only those.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const all = ['sarif', 'threats', 'compliance', 'api'];
const chosen = process.argv.slice(2).length ? process.argv.slice(2) : all;
const unknown = chosen.filter(name => !all.includes(name));
if (unknown.length) {
  console.error(
    `unknown benchmark(s): ${unknown.join(', ')} (known: ${all.join(', ')})`,
  );
  process.exit(2);
}
let failed = 0;
for (const name of chosen) {
  console.log(`\n=== ${name} ===`);
  const started = Date.now();
  const result = spawnSync(process.execPath, [join(here, `${name}.mjs`)], {
    stdio: 'inherit',
  });
  console.log(
    `=== ${name}: exit ${result.status}, ${(
      (Date.now() - started) /
      1000
    ).toFixed(1)} s ===`,
  );
  if (result.status !== 0) failed++;
}
process.exitCode = failed ? 1 : 0;
