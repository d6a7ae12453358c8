import { ParsedCoverageReport } from '@devops-growth/backstage-plugin-devops-node';
import { CloverParser } from './clover';
import { CoberturaParser } from './cobertura';
import { IstanbulSummaryParser } from './istanbulSummary';
import { LcovParser } from './lcov';
import { fixture, parseBoth } from './testUtils';

const c = (covered: number, total: number) => ({ covered, total });

/**
 * One jest 30 run (`__fixtures__/README.md`: the default-parameter project) written by four
 * Istanbul reporters at once. Its default parameters put branches on lines that hold no
 * statement; Istanbul's Cobertura writer leaves those out of the per-line data (16/26 there)
 * while its root attributes count them. jest printed: Branches 26/37, Lines 22/25,
 * Functions 12/13.
 */
describe('one jest run in LCOV, json-summary, Cobertura and Clover', () => {
  const reports = async () =>
    Object.fromEntries(
      await Promise.all(
        (
          [
            ['lcov', new LcovParser(), 'jest30-defaults-lcov.info'],
            [
              'json-summary',
              new IstanbulSummaryParser(),
              'jest30-defaults-coverage-summary.json',
            ],
            [
              'cobertura',
              new CoberturaParser(),
              'jest30-defaults-cobertura.xml',
            ],
            ['clover', new CloverParser(), 'jest30-defaults-clover.xml'],
          ] as const
        ).map(async ([name, parser, file]) => [
          name,
          (await parseBoth(
            parser,
            fixture(`real/${file}`),
          )) as ParsedCoverageReport,
        ]),
      ),
    ) as Record<string, ParsedCoverageReport>;

  it('gives the branch, line and function totals jest printed, whatever the format', async () => {
    const all = await reports();
    for (const [name, report] of Object.entries(all)) {
      expect({
        name,
        lines: report.totals.lines,
        branches: report.totals.branches,
        functions: report.totals.functions,
      }).toEqual({
        name,
        lines: c(22, 25),
        branches: c(26, 37),
        functions: c(12, 13),
      });
    }
  });

  it('keeps per-file figures from the per-line data: Cobertura files sum below its own root', async () => {
    const { cobertura, lcov } = await reports();
    const sum = cobertura.files.reduce(
      (acc, f) => ({
        covered: acc.covered + f.branches!.covered,
        total: acc.total + f.branches!.total,
      }),
      c(0, 0),
    );
    expect(sum).toEqual(c(16, 26));
    // The other reporters of the run carry every branch per file.
    expect(lcov.files.map(f => [f.path, f.branches])).toEqual([
      ['src/format.js', c(14, 18)],
      ['src/stats.js', c(12, 19)],
    ]);
  });
});
