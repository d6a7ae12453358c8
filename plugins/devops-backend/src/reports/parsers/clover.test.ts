import { ParsedCoverageReport } from '@devops-growth/backstage-plugin-devops-node';
import { CloverParser } from './clover';
import { fixture, parseBoth, parseError } from './testUtils';

const clover = new CloverParser();
const c = (covered: number, total: number) => ({ covered, total });

async function read(file: string | Buffer) {
  return (await parseBoth(
    clover,
    typeof file === 'string' ? fixture(file) : file,
  )) as ParsedCoverageReport;
}

// Expected figures: the tools' own summaries (see __fixtures__/README.md).
describe('Clover XML on real reports', () => {
  it('jest 30 (Istanbul clover): the figures jest printed; statements are not reported', async () => {
    const report = await read('real/jest30-defaults-clover.xml');
    // jest text-summary: Lines 22/25, Branches 26/37, Functions 12/13 (Statements 27/31, which
    // Clover does not carry: its statements="25" are the lines).
    expect(report.totals).toEqual({
      lines: c(22, 25),
      branches: c(26, 37),
      functions: c(12, 13),
      statements: null,
    });
    // jest's per-file table: format.js 83.33 % lines, 77.77 % branches, 100 % functions;
    // stats.js 92.3 %, 63.15 %, 87.5 %.
    expect(report.files).toEqual([
      {
        path: '/tmp/fx2/src/format.js',
        lines: c(10, 12),
        branches: c(14, 18),
        functions: c(5, 5),
        statements: null,
      },
      {
        path: '/tmp/fx2/src/stats.js',
        lines: c(12, 13),
        branches: c(12, 19),
        functions: c(7, 8),
        statements: null,
      },
    ]);
  });

  it('PHPUnit (php-code-coverage Clover, path coverage): metrics after the lines, method lines are not lines', async () => {
    const report = await read('real/phpunit-clover-BankAccount-path.xml');
    // 8 stmt lines, 5 with count > 0; conditionals 3/7 and methods 3/4 from <metrics>.
    expect(report.totals).toEqual({
      lines: c(5, 8),
      branches: c(3, 7),
      functions: c(3, 4),
      statements: null,
    });
    expect(report.files.map(f => f.path)).toEqual(['/app/src/BankAccount.php']);
  });

  it('PHPUnit in a package, and the OpenClover layout (project metrics first) give the same figures', async () => {
    const namespaced = await read(
      'real/phpunit-clover-NamespacedBankAccount.xml',
    );
    expect(namespaced.files).toEqual([
      {
        path: '/app/src/NamespacedBankAccount.php',
        lines: c(5, 8),
        branches: c(0, 0),
        functions: c(3, 4),
        statements: null,
      },
    ]);
    const openClover = await read(
      'real/phpunit-openclover-BankAccount-path.xml',
    );
    const phpunit = await read('real/phpunit-clover-BankAccount-path.xml');
    expect(openClover).toEqual(phpunit);
  });

  it('skips OpenClover test sources and sums the files when the project has no metrics', async () => {
    const report = await read(
      Buffer.from(
        `<coverage><project>
<file name="A.java" path="src/A.java"><metrics conditionals="2" coveredconditionals="1" methods="1" coveredmethods="1"/>
<line num="3" count="0" type="stmt"/><line num="3" count="4" type="stmt"/><line num="4" count="1" type="cond" truecount="3" falsecount="1"/></file>
</project><testproject><file name="ATest.java" path="test/ATest.java"><metrics methods="9" coveredmethods="9"/><line num="1" count="1" type="stmt"/></file></testproject></coverage>`,
      ),
    );
    expect(report.totals).toEqual({
      lines: c(2, 2),
      branches: c(1, 2),
      functions: c(1, 1),
      statements: null,
    });
    expect(report.files.map(f => f.path)).toEqual(['src/A.java']);
  });
});

describe('hostile and malformed Clover input', () => {
  it.each([
    [
      'a truncated report',
      'hostile/truncated-clover.xml',
      /^Clover XML line 14: unexpected end of document inside <file>$/,
    ],
    [
      'a raw ESC in a file path',
      'hostile/clover-control-char-path.xml',
      /^Clover XML line 20: character U\+001B is not allowed in XML/,
    ],
    [
      'more covered conditionals than conditionals',
      'hostile/clover-covered-over-total.xml',
      /^Clover XML line 4: <metrics> needs whole numbers coveredconditionals <= conditionals \(coveredconditionals="38" conditionals="37"\)$/,
    ],
    [
      'a file without metrics',
      'hostile/clover-file-without-metrics.xml',
      /^Clover XML line 34: <file> "\/tmp\/fx2\/src\/stats.js" has no <metrics> \(Clover writes statements, conditionals and methods there\)$/,
    ],
    [
      'a Cobertura report',
      'real/jest30-defaults-cobertura.xml',
      /^Clover XML line 4: <coverage> holds <sources> where Clover writes <project>: not a Clover report \(a Cobertura report has a <coverage> root too: send it as format=cobertura\)$/,
    ],
    [
      'a JaCoCo report',
      'real/jacoco.xml',
      /^Clover XML line 1: expected <coverage> root element, found <report>$/,
    ],
    [
      'binary garbage',
      'hostile/binary-garbage.gz',
      /^Clover XML line 1: not an XML document/,
    ],
    [
      'entity declarations',
      'hostile/billion-laughs.xml',
      /^Clover XML line 2: the DOCTYPE declares entities/,
    ],
  ])('refuses %s', async (_what, file, message) => {
    expect((await parseError(clover, fixture(file))).message).toMatch(message);
  });

  it('refuses lines it cannot read, with the line', async () => {
    const doc = (line: string) =>
      Buffer.from(
        `<coverage><project>\n<file path="a.js"><metrics methods="0" coveredmethods="0"/>\n${line}\n</file></project></coverage>`,
      );
    expect(
      (await parseError(clover, doc('<line num="1" count="1" type="x"/>')))
        .message,
    ).toBe(
      'Clover XML line 3: <line num="1"> has type="x" (stmt, cond or method expected)',
    );
    expect(
      (await parseError(clover, doc('<line num="-1" count="1" type="stmt"/>')))
        .message,
    ).toBe('Clover XML line 3: invalid line num="-1"');
    expect(
      (await parseError(clover, doc('<line num="2" type="stmt"/>'))).message,
    ).toBe('Clover XML line 3: <line num="2"> without a count attribute');
    expect(
      (
        await parseError(
          clover,
          Buffer.from(
            '<coverage><project><line num="1"/></project></coverage>',
          ),
        )
      ).message,
    ).toBe('Clover XML line 1: <line> outside <file>');
  });
});
