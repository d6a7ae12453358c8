// Writes the benchmark inputs into bench/out/ (git-ignored). Deterministic: a seeded PRNG.
// Usage: node generate.mjs [--force]
import { createWriteStream, existsSync, mkdirSync, renameSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const OUT = join(dirname(fileURLToPath(import.meta.url)), 'out');
const MiB = 1024 * 1024;

/** mulberry32: small, fast, seeded. */
export function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Writes the pieces yielded by `gen` to `file` (through a temporary name, so a crash leaves no half file). */
export async function writeFile(file, gen) {
  const tmp = `${file}.tmp`;
  const out = createWriteStream(tmp);
  let pending = '';
  for (const piece of gen()) {
    pending += piece;
    if (pending.length >= 1 << 20) {
      if (!out.write(pending)) await new Promise(r => out.once('drain', r));
      pending = '';
    }
  }
  out.write(pending);
  await new Promise((resolve, reject) =>
    out.end(err => (err ? reject(err) : resolve())),
  );
  renameSync(tmp, file);
}

/** One synthetic source file: its executable lines with hits and branches, and its methods. */
function sourceFile(random, lineCount) {
  const lines = [];
  let n = 1;
  for (let i = 0; i < lineCount; i++) {
    n += 1 + Math.floor(random() * 3);
    const hits = random() < 0.7 ? Math.floor(random() * 50) + 1 : 0;
    const branches = random() < 0.15 ? 2 * (1 + Math.floor(random() * 2)) : 0;
    const covered = branches ? Math.floor(random() * (branches + 1)) : 0;
    lines.push({ n, hits, branches, covered });
  }
  const methods = [];
  for (let i = 0; i < lines.length; ) {
    const size = 3 + Math.floor(random() * 20);
    methods.push({
      name: `method${methods.length}`,
      lines: lines.slice(i, i + size),
    });
    i += size;
  }
  return { lines, methods };
}

const rate = (c, t) => (t === 0 ? '1' : (c / t).toFixed(4));

function* lcov(totalLines, seed) {
  const random = rng(seed);
  let written = 0;
  for (let f = 0; written < totalLines; f++) {
    const { lines, methods } = sourceFile(
      random,
      150 + Math.floor(random() * 100),
    );
    yield `TN:\nSF:src/module${f % 50}/file${f}.ts\n`;
    for (const m of methods) yield `FN:${m.lines[0].n},${m.name}\n`;
    for (const m of methods) yield `FNDA:${m.lines[0].hits},${m.name}\n`;
    yield `FNF:${methods.length}\nFNH:${
      methods.filter(m => m.lines[0].hits > 0).length
    }\n`;
    let brf = 0;
    let brh = 0;
    let block = 0;
    for (const l of lines) {
      for (let b = 0; b < l.branches; b++) {
        const taken =
          l.hits === 0 ? '-' : b < l.covered ? String(1 + (b % 3)) : '0';
        yield `BRDA:${l.n},${block},${b},${taken}\n`;
        brf++;
        if (taken !== '-' && taken !== '0') brh++;
      }
      if (l.branches) block++;
    }
    yield `BRF:${brf}\nBRH:${brh}\n`;
    for (const l of lines) yield `DA:${l.n},${l.hits}\n`;
    yield `LF:${lines.length}\nLH:${
      lines.filter(l => l.hits > 0).length
    }\nend_of_record\n`;
    written += lines.length;
  }
}

/**
 * Cobertura as Java Cobertura writes it: the root's integer totals, method lines repeated under
 * <methods>, then the class lines. The totals come from a dry run of the same seeded generator.
 */
function* cobertura(options) {
  const totals = { lines: 0, covered: 0, branches: 0, branchesCovered: 0 };
  for (const piece of coberturaPieces(options, totals)) void piece;
  yield* coberturaPieces(options, totals, true);
}

function* coberturaPieces(
  { seed, classes, linesPerClass, minBytes = 0, maxLines = Infinity },
  totals,
  final = false,
) {
  const random = rng(seed);
  yield '<?xml version="1.0" ?>\n<!DOCTYPE coverage SYSTEM "http://cobertura.sourceforge.net/xml/coverage-04.dtd">\n';
  yield `<coverage line-rate="${rate(
    totals.covered,
    totals.lines,
  )}" branch-rate="${rate(
    totals.branchesCovered,
    totals.branches,
  )}" lines-covered="${totals.covered}" lines-valid="${
    totals.lines
  }" branches-covered="${totals.branchesCovered}" branches-valid="${
    totals.branches
  }" complexity="0" version="2.1.1" timestamp="1700000000000">\n  <sources>\n    <source>/build/src/main/java</source>\n  </sources>\n  <packages>\n`;
  let bytes = 0;
  let lineTotal = 0;
  for (let c = 0; c < classes || bytes < minBytes; c++) {
    if (lineTotal >= maxLines) break;
    if (c % 20 === 0) {
      if (c > 0) yield '      </classes>\n    </package>\n';
      yield `    <package name="com.example.pkg${
        c / 20
      }" line-rate="0.7" branch-rate="0.5" complexity="0">\n      <classes>\n`;
    }
    const count =
      typeof linesPerClass === 'function'
        ? linesPerClass(random)
        : linesPerClass;
    const { lines, methods } = sourceFile(random, count);
    lineTotal += lines.length;
    if (!final) {
      for (const l of lines) {
        totals.lines++;
        if (l.hits) totals.covered++;
        totals.branches += l.branches;
        totals.branchesCovered += l.covered;
      }
    }
    const parts = [];
    const file = `com/example/pkg${Math.floor(c / 20)}/Type${c}.java`;
    parts.push(
      `        <class name="com.example.pkg${Math.floor(
        c / 20,
      )}.Type${c}" filename="${file}" line-rate="${rate(
        lines.filter(l => l.hits).length,
        lines.length,
      )}" branch-rate="0.5" complexity="1.0">\n          <methods>\n`,
    );
    const line = l =>
      l.branches
        ? `                <line number="${l.n}" hits="${
            l.hits
          }" branch="true" condition-coverage="${Math.round(
            (100 * l.covered) / l.branches,
          )}% (${l.covered}/${
            l.branches
          })">\n                  <conditions>\n                    <condition number="0" type="jump" coverage="${Math.round(
            (100 * l.covered) / l.branches,
          )}%"/>\n                  </conditions>\n                </line>\n`
        : `                <line number="${l.n}" hits="${l.hits}" branch="false"/>\n`;
    for (const m of methods) {
      parts.push(
        `            <method name="${
          m.name
        }" signature="(Ljava/lang/String;I)V" line-rate="${rate(
          m.lines.filter(l => l.hits).length,
          m.lines.length,
        )}" branch-rate="1.0" complexity="1">\n              <lines>\n`,
      );
      for (const l of m.lines) parts.push(line(l));
      parts.push('              </lines>\n            </method>\n');
    }
    parts.push('          </methods>\n          <lines>\n');
    for (const l of lines) parts.push(line(l).slice(4));
    parts.push('          </lines>\n        </class>\n');
    const text = parts.join('');
    bytes += text.length;
    yield text;
  }
  yield '      </classes>\n    </package>\n  </packages>\n</coverage>\n';
}

/** JaCoCo as its XMLFormatter writes it: no line breaks, counters at every level. */
function* jacoco(totalLines, seed) {
  const random = rng(seed);
  const counters = (k, includeClass) =>
    `<counter type="INSTRUCTION" missed="${k.mi}" covered="${
      k.ci
    }"/><counter type="BRANCH" missed="${k.mb}" covered="${
      k.cb
    }"/><counter type="LINE" missed="${k.ml}" covered="${
      k.cl
    }"/><counter type="COMPLEXITY" missed="${k.mc}" covered="${
      k.cc
    }"/><counter type="METHOD" missed="${k.mm}" covered="${k.cm}"/>${
      includeClass
        ? `<counter type="CLASS" missed="${k.mk}" covered="${k.ck}"/>`
        : ''
    }`;
  const zero = () => ({
    mi: 0,
    ci: 0,
    mb: 0,
    cb: 0,
    ml: 0,
    cl: 0,
    mc: 0,
    cc: 0,
    mm: 0,
    cm: 0,
    mk: 0,
    ck: 0,
  });
  const add = (a, b) => Object.keys(a).forEach(k => (a[k] += b[k]));
  yield '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><!DOCTYPE report PUBLIC "-//JACOCO//DTD Report 1.1//EN" "report.dtd"><report name="bench"><sessioninfo id="bench-1" start="1700000000000" dump="1700000001000"/>';
  const report = zero();
  let written = 0;
  for (let p = 0; written < totalLines; p++) {
    const pkg = zero();
    const pkgName = `com/example/pkg${p}`;
    const sources = [];
    const classes = [];
    for (let c = 0; c < 10 && written < totalLines; c++) {
      const { lines, methods } = sourceFile(
        random,
        150 + Math.floor(random() * 100),
      );
      written += lines.length;
      const cls = zero();
      let classXml = `<class name="${pkgName}/Type${c}" sourcefilename="Type${c}.java">`;
      let lineXml = '';
      for (const m of methods) {
        const k = zero();
        for (const l of m.lines) {
          const instr = 2 + (l.n % 5);
          if (l.hits) k.ci += instr;
          else k.mi += instr;
          if (l.hits) k.cl++;
          else k.ml++;
          k.cb += l.hits ? l.covered : 0;
          k.mb += l.branches - (l.hits ? l.covered : 0);
          lineXml += `<line nr="${l.n}" mi="${l.hits ? 0 : instr}" ci="${
            l.hits ? instr : 0
          }" mb="${l.branches - (l.hits ? l.covered : 0)}" cb="${
            l.hits ? l.covered : 0
          }"/>`;
        }
        const called = m.lines[0].hits > 0;
        k.mm = called ? 0 : 1;
        k.cm = called ? 1 : 0;
        k.mc = k.mm + Math.floor(k.mb / 2);
        k.cc = k.cm + Math.floor(k.cb / 2);
        classXml += `<method name="${
          m.name
        }" desc="(Ljava/lang/String;)V" line="${m.lines[0].n}">${counters(
          k,
          false,
        )}</method>`;
        add(cls, k);
      }
      cls.ck = cls.cm > 0 ? 1 : 0;
      cls.mk = 1 - cls.ck;
      classes.push(`${classXml}${counters(cls, true)}</class>`);
      sources.push(
        `<sourcefile name="Type${c}.java">${lineXml}${counters(
          cls,
          true,
        )}</sourcefile>`,
      );
      add(pkg, cls);
    }
    // As JaCoCo writes a package: its classes, then its source files, then its counters.
    yield `<package name="${pkgName}">${classes.join('')}${sources.join(
      '',
    )}${counters(pkg, true)}</package>`;
    add(report, pkg);
  }
  yield `${counters(report, true)}</report>`;
}

/**
 * Istanbul's coverage-summary.json (`json-summary` reporter) for `files` files: `total` first,
 * then one line per file, as Istanbul writes it.
 */
function* istanbulSummary(files, seed) {
  const random = rng(seed);
  const metrics = ['lines', 'statements', 'functions', 'branches'];
  const entries = [];
  const total = Object.fromEntries(metrics.map(m => [m, [0, 0]]));
  for (let i = 0; i < files; i++) {
    const entry = {};
    for (const m of metrics) {
      const t = Math.floor(random() * (m === 'functions' ? 40 : 400));
      const c = Math.floor(random() * (t + 1));
      entry[m] = [t, c];
      total[m][0] += t;
      total[m][1] += c;
    }
    entries.push(entry);
  }
  const metric = ([t, c]) =>
    `{"total":${t},"covered":${c},"skipped":0,"pct":${
      t === 0 ? '"Unknown"' : Math.round((10000 * c) / t) / 100
    }}`;
  const line = e =>
    `{${metrics
      .map(m => `"${m}":${metric(e[m])}`)
      .join(
        ',',
      )},"branchesTrue":{"total":0,"covered":0,"skipped":0,"pct":"Unknown"}}`;
  yield `{"total": ${line(total)}\n`;
  for (let i = 0; i < files; i++) {
    yield `,"/build/workspace/packages/pkg-${i % 97}/src/module-${Math.floor(
      i / 97,
    )}/file-${i}.ts": ${line(entries[i])}\n`;
  }
  yield '}\n';
}

export const INPUTS = [
  { format: 'lcov', file: 'lcov-100k-lines.info', gen: () => lcov(100_000, 1) },
  {
    format: 'cobertura',
    file: 'cobertura-100k-lines.xml',
    gen: () =>
      cobertura({
        seed: 2,
        classes: 0,
        linesPerClass: r => 150 + Math.floor(r() * 100),
        maxLines: 100_000,
        minBytes: Infinity,
      }),
  },
  {
    format: 'jacoco',
    file: 'jacoco-100k-lines.xml',
    gen: () => jacoco(100_000, 3),
  },
  {
    format: 'cobertura',
    file: 'cobertura-large-classes.xml',
    gen: () => cobertura({ seed: 4, classes: 4, linesPerClass: 30_000 }),
  },
  {
    format: 'istanbul-summary',
    file: 'coverage-summary-20k-files.json',
    gen: () => istanbulSummary(20_000, 6),
  },
  {
    format: 'cobertura',
    file: 'cobertura-100mb.xml',
    gen: () =>
      cobertura({
        seed: 5,
        classes: 0,
        linesPerClass: r => 150 + Math.floor(r() * 150),
        minBytes: 100 * MiB,
      }),
  },
];

export async function generate({ force = false, log = console.log } = {}) {
  mkdirSync(OUT, { recursive: true });
  for (const input of INPUTS) {
    const path = join(OUT, input.file);
    if (!force && existsSync(path)) continue;
    const started = Date.now();
    await writeFile(path, input.gen);
    log(
      `generated ${input.file} in ${((Date.now() - started) / 1000).toFixed(
        1,
      )} s`,
    );
  }
  return INPUTS.map(i => ({ ...i, path: join(OUT, i.file) }));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await generate({ force: process.argv.includes('--force') });
}
