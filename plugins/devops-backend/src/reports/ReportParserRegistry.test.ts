import {
  ParsedReport,
  ReportParser,
} from '@devops-growth/backstage-plugin-devops-node';
import { builtInReportParsers } from './parsers';
import { chunks, fixture } from './parsers/testUtils';
import { ReportParserRegistry } from './ReportParserRegistry';

/** A module parser that returns `report` whatever it is given. */
function returning(
  report: unknown,
  kind: 'coverage' | 'tests' = 'coverage',
): ReportParser {
  return {
    format: 'module-format',
    kind,
    parse: async () => report as ParsedReport,
  };
}

async function parseWith(parser: ReportParser) {
  const registry = new ReportParserRegistry();
  registry.add(parser);
  return registry.get(parser.format)!.parse(chunks(Buffer.from('x')));
}

const counter = { covered: 1, total: 2 };
const file = (path: string, extra: object = {}) => ({
  path,
  lines: counter,
  branches: null,
  functions: null,
  statements: null,
  ...extra,
});
const totals = {
  lines: counter,
  branches: null,
  functions: null,
  statements: null,
};

describe('ReportParserRegistry', () => {
  it('refuses bad format names and a format registered twice', () => {
    const registry = new ReportParserRegistry();
    expect(() => registry.add({ ...returning({}), format: 'Clover' })).toThrow(
      "Invalid report format name 'Clover': use lower-case letters, digits and dashes",
    );
    registry.add(returning({}));
    expect(() => registry.add(returning({}))).toThrow(
      "A parser for report format 'module-format' is already registered",
    );
    expect(registry.formats()).toEqual(['module-format']);
  });

  it('hands back what a built-in parser read from a real report, unchanged', async () => {
    const registry = new ReportParserRegistry();
    registry.add(...builtInReportParsers());
    const junit = builtInReportParsers().find(p => p.format === 'junit')!;
    const data = fixture('real/pytest-junit.xml');
    expect(await registry.get('junit')!.parse(chunks(data))).toEqual(
      await junit.parse(chunks(data)),
    );
  });

  it('lets tab and line feed through in test names and messages', async () => {
    const report = {
      kind: 'tests',
      cases: [
        {
          suite: 's',
          name: 'a\tb',
          outcome: 'failed',
          durationMs: null,
          message: 'expected 1\n  got 2',
        },
      ],
    };
    expect(await parseWith(returning(report, 'tests'))).toEqual(report);
  });

  it.each([
    [
      'a NUL in a test suite',
      'tests',
      {
        kind: 'tests',
        cases: [
          { suite: 'a\u0000', name: 'n', outcome: 'passed', durationMs: 1 },
        ],
      },
      'The module-format report: test case 1 holds the control character U+0000 in its suite ("a\\u0000"); reports must not contain control characters other than tab and line feed',
    ],
    [
      'a carriage return in a message',
      'tests',
      {
        kind: 'tests',
        cases: [
          {
            suite: 's',
            name: 'n',
            outcome: 'failed',
            durationMs: 1,
            message: 'a\r\nb',
          },
        ],
      },
      'The module-format report: test case 1 holds the control character U+000D in its message ("a\\u000d\\u000ab"); reports must not contain control characters other than tab and line feed',
    ],
    [
      'a C1 control (NEL) in a file path',
      'coverage',
      { kind: 'coverage', totals, files: [file('src/a\u0085.js')] },
      'The module-format report: file 1 holds the control character U+0085 in its path ("src/a\\u0085.js"); reports must not contain control characters other than tab and line feed',
    ],
    [
      'an unknown outcome',
      'tests',
      {
        kind: 'tests',
        cases: [{ suite: 's', name: 'n', outcome: 'flaky', durationMs: 1 }],
      },
      "The module-format report: test case 1 has the outcome 'flaky' (passed, failed, errored or skipped expected)",
    ],
    [
      'a negative duration',
      'tests',
      {
        kind: 'tests',
        cases: [{ suite: 's', name: 'n', outcome: 'passed', durationMs: -5 }],
      },
      'The module-format report: test case 1 has the duration -5 ms (a non-negative number or null expected)',
    ],
    [
      'more covered than total',
      'coverage',
      {
        kind: 'coverage',
        totals,
        files: [file('a.js', { branches: { covered: 3, total: 2 } })],
      },
      'The module-format report: file 1 ("a.js") has branches {"covered":3,"total":2} (whole numbers with 0 <= covered <= total, or null, expected)',
    ],
    [
      'a fractional total',
      'coverage',
      {
        kind: 'coverage',
        totals: { ...totals, lines: { covered: 1, total: 2.5 } },
        files: [],
      },
      'The module-format report: totals has lines {"covered":1,"total":2.5} (whole numbers with 0 <= covered <= total, or null, expected)',
    ],
    [
      'a missing metric',
      'coverage',
      { kind: 'coverage', totals, files: [{ path: 'a.js', lines: counter }] },
      'The module-format report: file 1 ("a.js") has branches undefined (whole numbers with 0 <= covered <= total, or null, expected)',
    ],
    [
      'a report of the other kind',
      'coverage',
      { kind: 'tests', cases: [] },
      "The module-format report was read as a 'tests' report, but the format is registered for 'coverage'",
    ],
  ] as const)(
    'refuses %s from any parser, with a 400 naming the place',
    async (_what, kind, report, message) => {
      const error = await parseWith(returning(report, kind)).catch(e => e);
      expect(error.name).toBe('InputError');
      expect(error.message).toBe(message);
    },
  );
});
