import { InputError } from '@backstage/errors';
import { ParsedCoverageReport } from '@devops-growth/backstage-plugin-devops-node';
import { builtInReportParsers } from './index';
import { CoberturaParser } from './cobertura';
import { IstanbulSummaryParser } from './istanbulSummary';
import { JacocoParser } from './jacoco';
import { LcovParser } from './lcov';
import { fixture, parseBoth, parseError } from './testUtils';

const lcov = new LcovParser();
const cobertura = new CoberturaParser();
const jacoco = new JacocoParser();
const summary = new IstanbulSummaryParser();

const c = (covered: number, total: number) => ({ covered, total });

async function coverage(
  parser: LcovParser | CoberturaParser | JacocoParser | IstanbulSummaryParser,
  file: string,
): Promise<ParsedCoverageReport> {
  const report = await parseBoth(parser, fixture(file));
  expect(report.kind).toBe('coverage');
  return report as ParsedCoverageReport;
}

function byPath(report: ParsedCoverageReport) {
  return Object.fromEntries(report.files.map(f => [f.path, f]));
}

describe('builtInReportParsers', () => {
  it('registers the eleven formats with their kinds', () => {
    expect(builtInReportParsers().map(p => [p.format, p.kind])).toEqual([
      ['lcov', 'coverage'],
      ['cobertura', 'coverage'],
      ['jacoco', 'coverage'],
      ['clover', 'coverage'],
      ['istanbul-summary', 'coverage'],
      ['junit', 'tests'],
      ['sarif', 'findings'],
      ['npm-audit', 'findings'],
      ['trivy', 'findings'],
      ['modsecurity', 'security-events'],
      ['devops-security-events', 'security-events'],
    ]);
  });
});

// Expected figures come from the tools' own printed summaries (see __fixtures__/README.md).
describe('LCOV on real reports', () => {
  it('jest 30 (Istanbul): matches the text-summary, duplicate function names not merged', async () => {
    const report = await coverage(lcov, 'real/jest-lcov.info');
    // jest text-summary: Lines 22/29, Branches 5/13, Functions 11/16
    expect(report.totals).toEqual({
      lines: c(22, 29),
      branches: c(5, 13),
      functions: c(11, 16),
      statements: null,
    });
    // jest's per-file table: calc.js 68.75% lines, 41.66% branches, 66.66% functions; strings.js
    // 84.61% lines, 0% branches, 71.42% functions. strings.js has two functions named `helper`
    // (lcov --summary would count 15 functions, Istanbul 16).
    expect(byPath(report)).toEqual({
      'src/calc.js': {
        path: 'src/calc.js',
        lines: c(11, 16),
        branches: c(5, 12),
        functions: c(6, 9),
        statements: null,
      },
      'src/strings.js': {
        path: 'src/strings.js',
        lines: c(11, 13),
        branches: c(0, 1),
        functions: c(5, 7),
        statements: null,
      },
    });
  });

  it("Node 22's --test-reporter=lcov: matches node's coverage report and lcov --summary", async () => {
    const report = await coverage(lcov, 'real/node-test.lcov');
    // node: all files 69.62% lines (55/79), 76.92% branches (10/13), 50% functions (7/14)
    expect(report.totals).toEqual({
      lines: c(55, 79),
      branches: c(10, 13),
      functions: c(7, 14),
      statements: null,
    });
    expect(byPath(report)['src/calc.js']).toMatchObject({
      lines: c(36, 45),
      branches: c(8, 11),
      functions: c(6, 9),
    });
    expect(byPath(report)['src/strings.js']).toMatchObject({
      lines: c(19, 34),
      branches: c(2, 2),
      functions: c(1, 5),
    });
  });

  it('gcc + lcov 1.16 with two TN sections: one file, merged as lcov --summary does', async () => {
    const report = await coverage(lcov, 'real/gcc-lcov-two-tests.info');
    // lcov --summary: lines 11 of 14, functions 3 of 4, branches 8 of 12
    expect(report.totals).toEqual({
      lines: c(11, 14),
      branches: c(8, 12),
      functions: c(3, 4),
      statements: null,
    });
    expect(report.files.map(f => f.path)).toEqual(['/tmp/fx/c/mathlib.c']);
  });

  it('falls back to LF/LH, BRF/BRH, FNF/FNH when a file has no detail records', async () => {
    const data = Buffer.from(
      'SF:a.c\nFNF:4\nFNH:1\nBRF:6\nBRH:3\nLF:10\nLH:7\nend_of_record\nSF:b.c\nDA:1,1\nDA:2,0\nLF:99\nLH:99\nend_of_record\n',
    );
    const report = (await parseBoth(lcov, data)) as ParsedCoverageReport;
    expect(byPath(report)['a.c']).toMatchObject({
      lines: c(7, 10),
      branches: c(3, 6),
      functions: c(1, 4),
    });
    // Detail records win over the summary lines.
    expect(byPath(report)['b.c'].lines).toEqual(c(1, 2));
    expect(report.totals.lines).toEqual(c(8, 12));
  });

  it('accepts lcov 2.x records (VER, FN with end line, FNL/FNA, exception branches)', async () => {
    const data = Buffer.from(
      [
        'TN:t',
        'VER:abc123',
        'SF:src/x.cpp',
        'FNL:0,3,8',
        'FNA:0,2,Foo::get() const',
        'FNA:0,0,Foo::get()',
        'FNL:1,10,12',
        'FNA:1,0,bar',
        'FN:20,25,baz, with a comma',
        'FNDA:1,baz, with a comma',
        'BRDA:4,e0,0,1',
        'BRDA:4,e0,1,-',
        'BRDA:5,0,(x > 1) && y,0',
        'DA:3,2,abcdef',
        'DA:4,0',
        'end_of_record',
        '',
      ].join('\r\n'),
    );
    const report = (await parseBoth(lcov, data)) as ParsedCoverageReport;
    expect(report.files[0]).toEqual({
      path: 'src/x.cpp',
      lines: c(1, 2),
      branches: c(1, 3),
      functions: c(2, 3),
      statements: null,
    });
  });

  it('pairs the k-th FNDA of a name with the k-th FN of that name', async () => {
    const data = Buffer.from(
      'SF:a.js\nFN:1,get\nFN:5,get\nFN:9,get\nFNDA:0,get\nFNDA:3,get\nFNDA:0,get\nend_of_record\n',
    );
    const report = (await parseBoth(lcov, data)) as ParsedCoverageReport;
    expect(report.totals.functions).toEqual(c(1, 3));
  });
});

describe('Cobertura on real reports', () => {
  it('jest 30 (Istanbul cobertura, with DOCTYPE): totals from the root, files from the class lines', async () => {
    const report = await coverage(cobertura, 'real/jest-cobertura.xml');
    // jest text-summary: Lines 22/29, Branches 5/13, Functions 11/16. The root's
    // branches-valid says 13 too, but Istanbul's Cobertura writer attaches no <line> to the
    // branch of a default parameter (line 5 of strings.js is not a statement line), so the
    // per-line data of the files holds 12: totals are the root's, files the lines'.
    expect(report.totals).toEqual({
      lines: c(22, 29),
      branches: c(5, 13),
      functions: c(11, 16),
      statements: null,
    });
    expect(byPath(report)).toEqual({
      'src/calc.js': {
        path: 'src/calc.js',
        lines: c(11, 16),
        branches: c(5, 12),
        functions: c(6, 9),
        statements: null,
      },
      'src/strings.js': {
        path: 'src/strings.js',
        lines: c(11, 13),
        branches: c(0, 0),
        functions: c(5, 7),
        statements: null,
      },
    });
  });

  it('c8 12 (DOCTYPE SYSTEM coverage-04.dtd): matches c8 text-summary', async () => {
    const report = await coverage(cobertura, 'real/c8-cobertura.xml');
    // c8: Lines 55/79, Branches 10/13, Functions 7/14
    expect(report.totals).toEqual({
      lines: c(55, 79),
      branches: c(10, 13),
      functions: c(7, 14),
      statements: null,
    });
    expect(byPath(report)['src/strings.js']).toMatchObject({
      lines: c(19, 34),
      branches: c(2, 2),
      functions: c(1, 5),
    });
  });

  it('merges classes sharing a filename line by line; methods without hits use their lines', async () => {
    const xml = `<?xml version="1.0"?>
<coverage line-rate="0.5">
  <packages><package name="com.example"><classes>
    <class name="com.example.Foo" filename="com/example/Foo.java">
      <methods>
        <method name="a" signature="()V"><lines><line number="3" hits="2"/></lines></method>
        <method name="b" signature="()V"><lines><line number="7" hits="0"/></lines></method>
      </methods>
      <lines>
        <line number="3" hits="2"/>
        <line number="4" hits="0" branch="true" condition-coverage="50% (1/2)"/>
        <line number="7" hits="0"/>
      </lines>
    </class>
    <class name="com.example.Foo$1" filename="com/example/Foo.java">
      <methods><method name="run" signature="()V"><lines><line number="4" hits="1"/></lines></method></methods>
      <lines>
        <line number="4" hits="1" branch="true" condition-coverage="100% (2/2)"/>
        <line number="5" hits="1"/>
      </lines>
    </class>
    <class name="com.example.Bar" filename="com/example/Bar.java">
      <methods/>
      <lines><line number="1" hits="0"/></lines>
    </class>
  </classes></package></packages>
</coverage>`;
    const report = (await parseBoth(
      cobertura,
      Buffer.from(xml),
    )) as ParsedCoverageReport;
    expect(byPath(report)['com/example/Foo.java']).toEqual({
      path: 'com/example/Foo.java',
      lines: c(3, 4),
      branches: c(2, 2),
      functions: c(2, 3),
      statements: null,
    });
    expect(byPath(report)['com/example/Bar.java'].functions).toEqual(c(0, 0));
    expect(report.totals).toEqual({
      lines: c(3, 5),
      branches: c(2, 2),
      functions: c(2, 3),
      statements: null,
    });
  });

  it('reports functions as null when the report has no <method> at all (coverage.py style)', async () => {
    const xml =
      '<coverage><packages><package name="."><classes><class name="a.py" filename="a.py"><methods/><lines><line number="1" hits="1"/></lines></class></classes></package></packages></coverage>';
    const report = (await parseBoth(
      cobertura,
      Buffer.from(xml),
    )) as ParsedCoverageReport;
    expect(report.totals).toEqual({
      lines: c(1, 1),
      branches: c(0, 0),
      functions: null,
      statements: null,
    });
  });
});

describe('JaCoCo on real reports', () => {
  it('JaCoCo 0.8.6 XML (PUBLIC DOCTYPE): report-level counters are the totals', async () => {
    const report = await coverage(jacoco, 'real/jacoco.xml');
    // The <report>'s own counters: INSTRUCTION 14 missed/73 covered, BRANCH 3/9, LINE 4/19, METHOD 2/11
    expect(report.totals).toEqual({
      lines: c(19, 23),
      branches: c(9, 12),
      functions: c(11, 13),
      statements: c(73, 87),
    });
    expect(byPath(report)).toEqual({
      'com/example/text/Strings.java': {
        path: 'com/example/text/Strings.java',
        lines: c(5, 6),
        branches: c(3, 4),
        functions: c(2, 3),
        statements: c(24, 28),
      },
      'com/example/calc/Calculator.java': {
        path: 'com/example/calc/Calculator.java',
        lines: c(14, 17),
        branches: c(6, 8),
        functions: c(9, 10),
        statements: c(49, 59),
      },
    });
  });
});

describe('merging rules', () => {
  it('Cobertura: a filename seen again after other files has its counters added', async () => {
    const cls = (file: string, line: number, hits: number) =>
      `<class name="c" filename="${file}"><methods/><lines><line number="${line}" hits="${hits}"/></lines></class>`;
    const xml = `<coverage><packages><package name="p"><classes>${cls(
      'a.py',
      1,
      1,
    )}${cls('b.py', 1, 0)}${cls(
      'a.py',
      2,
      0,
    )}</classes></package></packages></coverage>`;
    const report = (await parseBoth(
      cobertura,
      Buffer.from(xml),
    )) as ParsedCoverageReport;
    expect(report.files.map(f => [f.path, f.lines])).toEqual([
      ['a.py', c(1, 2)],
      ['b.py', c(0, 1)],
    ]);
  });

  it('JaCoCo: sums the files when the report has no report-level counters; groups merge by path', async () => {
    const sf = (covered: number) =>
      `<package name="p"><sourcefile name="A.java"><counter type="LINE" missed="1" covered="${covered}"/></sourcefile></package>`;
    const xml = `<report name="r"><group name="m1">${sf(
      1,
    )}</group><group name="m2">${sf(2)}</group></report>`;
    const report = (await parseBoth(
      jacoco,
      Buffer.from(xml),
    )) as ParsedCoverageReport;
    expect(report.files).toEqual([
      {
        path: 'p/A.java',
        lines: c(3, 5),
        branches: c(0, 0),
        functions: c(0, 0),
        statements: c(0, 0),
      },
    ]);
    expect(report.totals.lines).toEqual(c(3, 5));
  });

  it('LCOV: the same file in many records keeps its distinct lines, branches and functions', async () => {
    const record = (hit: number) =>
      `TN:t${hit}\nSF:a.c\nFN:1,f\nFNDA:${hit},f\nBRDA:2,0,0,${hit}\nBRDA:2,0,1,-\nDA:1,${hit}\nDA:2,0\nend_of_record\n`;
    const data = Buffer.from(
      Array.from({ length: 300 }, (_, i) => record(i === 150 ? 1 : 0)).join(''),
    );
    const report = (await parseBoth(lcov, data)) as ParsedCoverageReport;
    expect(report.files).toEqual([
      {
        path: 'a.c',
        lines: c(1, 2),
        branches: c(1, 2),
        functions: c(1, 1),
        statements: null,
      },
    ]);
  });
});

describe('Istanbul coverage-summary.json on a real report', () => {
  it('jest 30 json-summary: total and per-file figures as written', async () => {
    const report = await coverage(summary, 'real/jest-coverage-summary.json');
    expect(report.totals).toEqual({
      lines: c(22, 29),
      statements: c(23, 30),
      functions: c(11, 16),
      branches: c(5, 13),
    });
    expect(byPath(report)['/tmp/fx/proj/src/strings.js']).toEqual({
      path: '/tmp/fx/proj/src/strings.js',
      lines: c(11, 13),
      functions: c(5, 7),
      statements: c(12, 14),
      branches: c(0, 1),
    });
    expect(report.files).toHaveLength(2);
  });
});

describe('hostile and malformed coverage input', () => {
  it.each([
    [
      'billion laughs',
      'hostile/billion-laughs.xml',
      /line 2: the DOCTYPE declares entities.*billion laughs/,
    ],
    [
      'XXE to a file',
      'hostile/xxe-file.xml',
      /^Cobertura XML line 2: the DOCTYPE declares entities/,
    ],
    [
      'mismatched tags',
      'hostile/mismatched-tags.xml',
      /^Cobertura XML line 9: mismatched tag: expected <\/lines>, found <\/class>$/,
    ],
    [
      'truncated document',
      'hostile/truncated-cobertura.xml',
      /^Cobertura XML line 34: unexpected end of document inside <lines>$/,
    ],
    [
      'a JUnit file',
      'real/jest-junit.xml',
      /^Cobertura XML line 2: expected <coverage> root element, found <testsuites>$/,
    ],
    [
      'binary garbage',
      'hostile/binary-garbage.gz',
      /^Cobertura XML line 1: not an XML document \(it starts with "\\u001f/,
    ],
    [
      'an empty body',
      'hostile/empty.txt',
      /^Cobertura XML: the report is empty$/,
    ],
    [
      'garbage before the root',
      'hostile/garbage-before-root.xml',
      /^Cobertura XML line 1: not an XML document \(it starts with "HTTP\/1.1 200 OK"\)$/,
    ],
    [
      'a control character in a file name',
      'hostile/cobertura-control-char-path.xml',
      /^Cobertura XML line 4: file path "src\/a\\tb.js" contains the control character U\+0009$/,
    ],
    [
      'a NUL character reference',
      'hostile/cobertura-nul-char-ref.xml',
      /^Cobertura XML line 4: character reference "&#0;" \(U\+0000\) is not a character XML allows$/,
    ],
    [
      'a raw control character (BEL) in a file name',
      'hostile/cobertura-raw-control-char.xml',
      /^Cobertura XML line 4: character U\+0007 is not allowed in XML/,
    ],
  ])('Cobertura refuses %s', async (_what, file, message) => {
    const error = await parseError(cobertura, fixture(file));
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toMatch(message);
  });

  it('refuses a control character reference in a JaCoCo source file name', async () => {
    const error = await parseError(
      jacoco,
      fixture('hostile/jacoco-control-char-ref.xml'),
    );
    expect(error.message).toBe(
      'JaCoCo XML line 3: character reference "&#x1;" (U+0001) is not a character XML allows',
    );
  });

  it('refuses XXE through a parameter entity to an http URL (JaCoCo)', async () => {
    const error = await parseError(jacoco, fixture('hostile/xxe-http.xml'));
    expect(error.message).toMatch(
      /^JaCoCo XML line 2: the DOCTYPE declares entities/,
    );
  });

  it('refuses a JaCoCo report without source files and a Cobertura report without classes', async () => {
    expect(
      (
        await parseError(
          jacoco,
          Buffer.from(
            '<report name="x"><sessioninfo id="a" start="1" dump="2"/></report>',
          ),
        )
      ).message,
    ).toBe('JaCoCo XML: the report has no <sourcefile> elements (no files)');
    expect(
      (
        await parseError(
          cobertura,
          Buffer.from(
            '<?xml version="1.0"?>\n<coverage><packages/></coverage>\n',
          ),
        )
      ).message,
    ).toBe('Cobertura XML: the report has no <class> elements (no files)');
  });

  it('refuses bad attribute values with the line', async () => {
    const xml =
      '<coverage>\n<packages><package name="p"><classes><class name="a" filename="a.js"><lines>\n<line number="x" hits="1"/>\n</lines></class></classes></package></packages></coverage>';
    expect((await parseError(cobertura, Buffer.from(xml))).message).toBe(
      'Cobertura XML line 3: invalid line number="x"',
    );
  });

  it.each([
    [
      'an unknown record',
      'hostile/lcov-unknown-record.info',
      /^LCOV line 7: unknown record "FOO:1"$/,
    ],
    [
      'a NUL in a file name',
      'hostile/lcov-nul-in-path.info',
      /^LCOV line 2: the control character U\+0000 in "SF:src\/evil\\u0000name.js" \(LCOV is text: a raw control byte means a corrupt or binary file\)$/,
    ],
    [
      'a truncated record',
      'hostile/lcov-truncated.info',
      /^LCOV line 4: unexpected end of input: the record of src\/a.js has no end_of_record$/,
    ],
    ['an empty body', 'hostile/empty.txt', /^LCOV: the report is empty$/],
    [
      'binary garbage',
      'hostile/binary-garbage.gz',
      /^LCOV line 1: the control character U\+001F in "\\u001f/,
    ],
    [
      'a Cobertura file',
      'real/c8-cobertura.xml',
      /^LCOV line 1: unknown record "<\?xml version="1.0" \?>"$/,
    ],
    [
      'a raw control byte in a function name',
      'hostile/lcov-raw-control-bytes.info',
      /^LCOV line 3: the control character U\+0001 in "FN:1,add\\u0001er" \(LCOV is text: a raw control byte means a corrupt or binary file\)$/,
    ],
  ])('LCOV refuses %s', async (_what, file, message) => {
    expect((await parseError(lcov, fixture(file))).message).toMatch(message);
  });

  it('LCOV refuses records outside a file and malformed DA', async () => {
    expect((await parseError(lcov, Buffer.from('TN:\nDA:1,1\n'))).message).toBe(
      'LCOV line 2: DA record outside a file record (no SF before it)',
    );
    expect(
      (await parseError(lcov, Buffer.from('SF:a\nDA:1\nend_of_record\n')))
        .message,
    ).toMatch(/^LCOV line 2: malformed DA record "DA:1"/);
    expect((await parseError(lcov, Buffer.from('TN:\n'))).message).toBe(
      'LCOV: the report has no SF records (no files)',
    );
  });

  it.each([
    [
      'JSON of another shape',
      'hostile/not-istanbul-shape.json',
      /^Istanbul coverage-summary JSON line 5: "total".functions must be an object, expected \{"total"/,
    ],
    [
      'malformed JSON',
      'hostile/malformed.json',
      /^Istanbul coverage-summary JSON line 3: invalid JSON: expected a string key, found "}"$/,
    ],
    [
      'an LCOV file',
      'real/jest-lcov.info',
      /^Istanbul coverage-summary JSON line 1: not a JSON document \(it starts with "TN"\)$/,
    ],
    [
      'an empty body',
      'hostile/empty.txt',
      /^Istanbul coverage-summary JSON: the report is empty$/,
    ],
    [
      'binary garbage',
      'hostile/binary-garbage.gz',
      /^Istanbul coverage-summary JSON line 1: not a JSON document/,
    ],
    [
      'a \\u0000 escape in a file name',
      'hostile/istanbul-summary-nul-escape.json',
      /^Istanbul coverage-summary JSON line 2: the escape "\\u0000" stands for the control character U\+0000, which reports must not contain$/,
    ],
  ])('Istanbul summary refuses %s', async (_what, file, message) => {
    expect((await parseError(summary, fixture(file))).message).toMatch(message);
  });

  it('Istanbul summary refuses missing total, missing metrics and truncated JSON', async () => {
    const metric = '{"total":1,"covered":1,"skipped":0,"pct":100}';
    const entry = `{"lines":${metric},"statements":${metric},"functions":${metric},"branches":${metric}}`;
    expect(
      (await parseError(summary, Buffer.from(`{"a.js":${entry}}`))).message,
    ).toMatch(/no "total" entry/);
    expect(
      (await parseError(summary, Buffer.from(`{"total":${entry}}`))).message,
    ).toBe('Istanbul coverage-summary JSON: the summary lists no files');
    expect(
      (
        await parseError(
          summary,
          Buffer.from(`{"total":{"lines":${metric}},"a.js":${entry}}`),
        )
      ).message,
    ).toMatch(/line 1: "total" has no branches, functions, statements/);
    expect(
      (
        await parseError(
          summary,
          Buffer.from(`{"total":${entry},\n"a.js":${entry.slice(0, 40)}`),
        )
      ).message,
    ).toMatch(/line 2: unexpected end of JSON inside a string/);
    expect(
      (await parseError(summary, Buffer.from(`{"total":${entry},\n"a.js":`)))
        .message,
    ).toMatch(/line 2: unexpected end of JSON inside an object/);
    expect(
      (
        await parseError(
          summary,
          Buffer.from(
            `{"total":${entry},"a.js":${entry.replace(
              '"covered":1',
              '"covered":-1',
            )}}`,
          ),
        )
      ).message,
    ).toMatch(/"a.js".lines.covered must be a non-negative integer, found -1/);
  });

  it('reads input given as strings too', async () => {
    async function* text() {
      yield 'SF:a\nDA:1,1\nend_of_';
      yield 'record\n';
    }
    const report = (await lcov.parse(
      text() as unknown as AsyncIterable<Buffer>,
    )) as ParsedCoverageReport;
    expect(report.totals.lines).toEqual(c(1, 1));
  });
});
