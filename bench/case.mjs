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

/**
 * saxes (a maintained, non-validating streaming XML parser): the same extraction as ours, written
 * as directly as saxes allows. Cobertura: per file the lines of each class's own <lines> (method
 * copies only decide whether the method ran), branches from condition-coverage, consecutive
 * classes of one file merged line by line, the root's integer totals; JaCoCo: the counters of
 * each <sourcefile> and of <report>. Same input stream, same chunk size.
 */
async function saxes() {
  const { SaxesParser } = require('saxes');
  const parser = new SaxesParser();
  // saxes keeps one handler per event: each extraction registers its own.
  const result =
    format === 'jacoco' ? saxesJacoco(parser) : saxesCobertura(parser);
  let failure;
  parser.on('error', e => {
    failure ??= e;
  });
  for await (const chunk of createReadStream(file, {
    highWaterMark: 64 * 1024,
    encoding: 'utf8',
  })) {
    parser.write(chunk);
    if (failure) throw failure;
  }
  parser.close();
  if (failure) throw failure;
  return result();
}

function saxesCobertura(parser) {
  const files = new Map();
  let root;
  let path;
  let lines = new Map();
  let inMethod = false;
  let methodHit = false;
  let methodHits = -1;
  let fns = [0, 0];
  const flush = () => {
    if (path === undefined) return;
    let covered = 0;
    let brCovered = 0;
    let brTotal = 0;
    for (const [hit, c, t] of lines.values()) {
      covered += hit;
      brCovered += c;
      brTotal += t;
    }
    const prev = files.get(path) ?? {
      lines: [0, 0],
      branches: [0, 0],
      functions: [0, 0],
    };
    files.set(path, {
      lines: [prev.lines[0] + covered, prev.lines[1] + lines.size],
      branches: [prev.branches[0] + brCovered, prev.branches[1] + brTotal],
      functions: [prev.functions[0] + fns[0], prev.functions[1] + fns[1]],
    });
    path = undefined;
    lines = new Map();
    fns = [0, 0];
  };
  parser.on('opentag', ({ name, attributes: a }) => {
    if (name === 'line') {
      const hits = Number(a.hits);
      if (inMethod) {
        if (hits > 0) methodHit = true;
        return;
      }
      let c = 0;
      let t = 0;
      if (a.branch === 'true' && a['condition-coverage']) {
        const m = /\((\d+)\/(\d+)\)/.exec(a['condition-coverage']);
        c = Number(m[1]);
        t = Number(m[2]);
      }
      const n = Number(a.number);
      const prev = lines.get(n);
      const hit = hits > 0 ? 1 : 0;
      if (!prev) lines.set(n, [hit, c, t]);
      else
        lines.set(n, [
          prev[0] | hit,
          t > prev[2] ? c : Math.max(c, prev[1]),
          Math.max(t, prev[2]),
        ]);
    } else if (name === 'class') {
      if (a.filename !== path) {
        flush();
        path = a.filename;
      }
    } else if (name === 'method') {
      inMethod = true;
      methodHit = false;
      methodHits = a.hits === undefined ? -1 : Number(a.hits);
    } else if (name === 'coverage') {
      root = [Number(a['lines-covered']), Number(a['lines-valid'])];
    }
  });
  parser.on('closetag', ({ name }) => {
    if (name === 'method') {
      fns[1]++;
      if (methodHits > 0 || (methodHits < 0 && methodHit)) fns[0]++;
      inMethod = false;
    }
  });
  return () => {
    flush();
    let covered = 0;
    let total = 0;
    for (const f of files.values()) {
      covered += f.lines[0];
      total += f.lines[1];
    }
    const lines = root
      ? { covered: root[0], total: root[1] }
      : { covered, total };
    return { files: files.size, lines };
  };
}

function saxesJacoco(parser) {
  const stack = [];
  const files = new Map();
  const METRIC = { LINE: 0, BRANCH: 1, METHOD: 2, INSTRUCTION: 3 };
  const report = [
    [0, 0],
    [0, 0],
    [0, 0],
    [0, 0],
  ];
  let pkg;
  let current;
  parser.on('closetag', () => stack.pop());
  parser.on('opentag', ({ name, attributes: a }) => {
    const parent = stack[stack.length - 1];
    stack.push(name);
    if (name === 'counter') {
      const into =
        parent === 'sourcefile'
          ? current
          : parent === 'report'
          ? report
          : undefined;
      const m = METRIC[a.type];
      if (into && m !== undefined) {
        const covered = Number(a.covered);
        into[m][0] += covered;
        into[m][1] += covered + Number(a.missed);
      }
    } else if (name === 'package') {
      pkg = a.name;
    } else if (name === 'sourcefile') {
      current = [
        [0, 0],
        [0, 0],
        [0, 0],
        [0, 0],
      ];
      files.set(pkg === '' ? a.name : `${pkg}/${a.name}`, current);
    }
  });
  return () => ({
    files: files.size,
    lines: { covered: report[0][0], total: report[0][1] },
  });
}

/**
 * stream-json (a maintained streaming JSON parser): `parser()` + `streamObject()` assemble each
 * top-level member (`total`, then one small object per file) and the same figures are taken
 * from it.
 */
async function streamJson() {
  const { parser } = await import('stream-json');
  const { streamObject } = await import(
    'stream-json/streamers/stream-object.js'
  );
  const { default: chain } = await import('stream-chain');
  const metrics = ['lines', 'statements', 'functions', 'branches'];
  let files = 0;
  let lines;
  const pipeline = chain([
    createReadStream(file, { highWaterMark: 64 * 1024 }),
    parser(),
    streamObject(),
  ]);
  for await (const { key, value } of pipeline) {
    const entry = {};
    for (const m of metrics) {
      const { total, covered } = value[m];
      entry[m] = { covered, total };
    }
    if (key === 'total') lines = entry.lines;
    else files++;
  }
  return { files, lines };
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
  const run = { ours, theirs, saxes, 'stream-json': streamJson }[impl];
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
