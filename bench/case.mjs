// Runs one (implementation, format, file) case in its own process and prints a JSON result:
// { ok, ms, maxRssMb, summary } (or { ok: false, error }). Timing covers reading the file and
// parsing; the peak RSS is the whole process's (process.resourceUsage().maxRSS).
import { createReadStream } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const here = dirname(fileURLToPath(import.meta.url));
const [impl, format, file, runsArg] = process.argv.slice(2);
const runs = Number(runsArg ?? 1);

/** Ours: the parser reads a file stream chunk by chunk. */
async function ours() {
  const { builtInReportParsers } = require(join(here, 'out', 'parsers.cjs'));
  const parser = builtInReportParsers().find(p => p.format === format);
  const report = await parser.parse(
    createReadStream(file, { highWaterMark: 64 * 1024 }),
  );
  return { files: report.files.length, lines: report.totals.lines };
}

/**
 * Theirs: @backstage-community/plugin-code-coverage-backend's POST /report path. Its router uses
 * body-parser's text parser (whole body as one string) and body-parser-xml, which runs
 * `new xml2js.Parser({ async: true }).parseString(body)` with xml2js's default options (the copy
 * of xml2js that body-parser-xml depends on), then the converter's `convert(body, scmFiles)`.
 * scmFiles is [] (no `scm-only` annotation), as in the default set-up.
 */
const community = dirname(
  require.resolve(
    '@backstage-community/plugin-code-coverage-backend/package.json',
  ),
);
const communityRequire = createRequire(join(community, 'package.json'));
const bodyParserXmlRequire = createRequire(
  communityRequire.resolve('body-parser-xml'),
);
const xml2js = bodyParserXmlRequire('xml2js');
const logger = { debug() {}, info() {}, warn() {}, error() {} };

async function readBody() {
  // raw-body collects the chunks and decodes them into one string.
  const chunks = [];
  for await (const chunk of createReadStream(file, {
    highWaterMark: 64 * 1024,
  }))
    chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}

async function theirs() {
  const text = await readBody();
  if (format === 'lcov') {
    const { Lcov } = communityRequire('./dist/service/converter/lcov.cjs.js');
    const files = new Lcov(logger).convert(text, []);
    return { files: files.length, lines: countLines(files) };
  }
  const body = await new Promise((resolve, reject) => {
    new xml2js.Parser({ async: true }).parseString(text, (err, xml) =>
      err ? reject(err) : resolve(xml),
    );
  });
  delete body.__proto__;
  delete body.constructor;
  delete body.prototype;
  const Converter =
    format === 'jacoco'
      ? communityRequire('./dist/service/converter/jacoco.cjs.js').Jacoco
      : communityRequire('./dist/service/converter/cobertura.cjs.js').Cobertura;
  const files = new Converter(logger).convert(body, []);
  return { files: files.length, lines: countLines(files) };
}

function countLines(files) {
  let covered = 0;
  let total = 0;
  for (const f of files) {
    for (const hits of Object.values(f.lineHits)) {
      total++;
      if (hits > 0) covered++;
    }
  }
  return { covered, total };
}

try {
  const run = impl === 'ours' ? ours : theirs;
  const times = [];
  let summary;
  for (let i = 0; i < runs; i++) {
    const started = process.hrtime.bigint();
    summary = await run();
    times.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  // Several runs: the first one warms the JIT up, the best of the others is kept.
  const ms = runs > 1 ? Math.min(...times.slice(1)) : times[0];
  const maxRssMb = process.resourceUsage().maxRSS / 1024;
  process.stdout.write(JSON.stringify({ ok: true, ms, maxRssMb, summary }));
} catch (e) {
  process.stdout.write(
    JSON.stringify({ ok: false, error: String(e?.message ?? e).slice(0, 200) }),
  );
}
