// The demo's security scanner: ESLint with eslint-plugin-security's recommended rules over
// examples/demo-service (its eslint.security.config.mjs), written as SARIF 2.1.0 by
// @microsoft/eslint-formatter-sarif to the path given as argument.
//
//   node scripts/demo-scan.mjs <output.sarif>
//
// The formatter writes absolute file: URIs; the run gets an `originalUriBaseIds` entry for the
// repository root (as GitHub's upload-sarif does with its checkout URI) so that readers can show
// paths relative to the repository, and the ESLint version the formatter fails to find when the
// main script is an ES module (it reads it through `require.main`). Exits 0 when the scan ran, whatever it found (files ESLint
// could not parse are SARIF tool notifications); 1 when it could not run.
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const serviceDir = join(root, 'examples', 'demo-service');
const output = process.argv[2];
if (!output) {
  console.error('usage: node scripts/demo-scan.mjs <output.sarif>');
  process.exit(2);
}

try {
  // eslint 10 is the demo service's own dev dependency (the repository lints with eslint 8).
  const { ESLint } = createRequire(join(serviceDir, 'package.json'))('eslint');
  const eslint = new ESLint({
    cwd: serviceDir,
    overrideConfigFile: join(serviceDir, 'eslint.security.config.mjs'),
  });
  const results = await eslint.lintFiles(['.']);
  const formatter = await eslint.loadFormatter(
    '@microsoft/eslint-formatter-sarif',
  );
  const sarif = JSON.parse(await formatter.format(results));
  for (const run of sarif.runs ?? []) {
    // The formatter looks ESLint up from `require.main`, which an ES module script has not.
    run.tool.driver.version ??= ESLint.version;
    run.originalUriBaseIds = {
      REPOROOT: { uri: `${pathToFileURL(root).href.replace(/\/?$/, '/')}` },
    };
  }
  const target = resolve(output);
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, `${JSON.stringify(sarif, null, 2)}\n`);
  const problems = results.reduce(
    (n, r) => n + r.errorCount + r.warningCount,
    0,
  );
  console.log(
    `[demo-scan] ESLint security rules: ${problems} problem(s) in ${results.length} file(s) -> ${target}`,
  );
} catch (e) {
  console.error(`[demo-scan] the scan could not run: ${e?.stack ?? e}`);
  process.exit(1);
}
