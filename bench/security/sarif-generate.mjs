// Writes the SARIF benchmark inputs into bench/out/ (git-ignored) when they are missing.
// Deterministic (a seeded PRNG): one run of a CodeQL-like tool with 200 rules (security-severity
// in their properties, as CodeQL writes it) listed before the results, 2,000 source files, and
// results one per line (about 300 bytes each) with a location, a region, a message and a
// partialFingerprints hash.
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { rng, writeFile } from '../generate.mjs';

export const OUT = join(dirname(fileURLToPath(import.meta.url)), '..', 'out');

const RULES = 200;
const FILES = 2000;
const MESSAGES = [
  'This query depends on a [user-provided value](1).',
  'This path depends on a [user-provided value](1).',
  'Variable Assigned to Object Injection Sink',
  'Found non-literal argument to RegExp Constructor',
  'Unsafe Regular Expression',
  'Sensitive data returned by [an access to password](1) is logged here.',
];

function* sarif(results, seed) {
  const random = rng(seed);
  const int = n => Math.floor(random() * n);
  const hex = n => {
    let s = '';
    for (let i = 0; i < n; i++) s += '0123456789abcdef'[int(16)];
    return s;
  };
  yield '{"$schema":"https://json.schemastore.org/sarif-2.1.0.json","version":"2.1.0","runs":[{"tool":{"driver":{"name":"BenchQL","semanticVersion":"2.20.1","rules":[\n';
  for (let r = 0; r < RULES; r++) {
    const score = (1 + int(90) / 10).toFixed(1);
    yield `${
      r ? ',\n' : ''
    }{"id":"js/rule-${r}","name":"js/rule-${r}","shortDescription":{"text":"Rule ${r}: a weakness of kind ${
      r % 17
    }"},"defaultConfiguration":{"level":"${
      ['error', 'warning', 'note'][r % 3]
    }"},"helpUri":"https://example.test/rules/js/rule-${r}","properties":{"tags":["security","external/cwe/cwe-${
      79 + (r % 50)
    }"],"precision":"high","security-severity":"${score}"}}`;
  }
  yield ']}},"automationDetails":{"id":"bench/js/"},"results":[\n';
  for (let i = 0; i < results; i++) {
    const rule = int(RULES);
    const line = 1 + int(2000);
    const col = 1 + int(80);
    yield `${
      i ? ',\n' : ''
    }{"ruleId":"js/rule-${rule}","ruleIndex":${rule},"level":"${
      ['error', 'warning', 'note'][rule % 3]
    }","message":{"text":"${
      MESSAGES[int(MESSAGES.length)]
    } (#${i})"},"locations":[{"physicalLocation":{"artifactLocation":{"uri":"src/module-${int(
      100,
    )}/file-${int(
      FILES,
    )}.js"},"region":{"startLine":${line},"startColumn":${col},"endColumn":${
      col + 1 + int(40)
    }}}}],"partialFingerprints":{"primaryLocationLineHash":"${hex(16)}:1"}}`;
  }
  yield '\n]}]}\n';
}

/** The inputs: 100,000 results (about 30 MB), and about 100 MB. */
export async function generateSarif(force = false) {
  mkdirSync(OUT, { recursive: true });
  const inputs = [
    { name: 'sarif-100k-results.sarif', results: 100_000, seed: 9 },
    { name: 'sarif-100mb.sarif', results: 292_000, seed: 10 },
  ];
  for (const input of inputs) {
    input.path = join(OUT, input.name);
    if (force || !existsSync(input.path)) {
      process.stderr.write(`writing ${input.path}...\n`);
      await writeFile(input.path, () => sarif(input.results, input.seed));
    }
  }
  return inputs;
}
