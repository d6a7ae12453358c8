import { ParsedTestReport } from '@devops-growth/backstage-plugin-devops-node';
import {
  TestCaseResult,
  TestOutcome,
} from '@devops-growth/backstage-plugin-devops-common';
import { JunitParser, MAX_MESSAGE_LENGTH, parseDurationMs } from './junit';
import { CoberturaParser } from './cobertura';
import { fixture, parseBoth, parseError } from './testUtils';

const junit = new JunitParser();

async function cases(file: string | Buffer): Promise<TestCaseResult[]> {
  const report = (await parseBoth(
    junit,
    typeof file === 'string' ? fixture(file) : file,
  )) as ParsedTestReport;
  expect(report.kind).toBe('tests');
  return report.cases;
}

function outcomes(list: TestCaseResult[]): Record<TestOutcome, number> {
  const counts = { passed: 0, failed: 0, errored: 0, skipped: 0 };
  for (const c of list) counts[c.outcome]++;
  return counts;
}

// Expected counts come from each tool's own console summary (see __fixtures__/README.md), not
// from the count attributes of the files.
describe('JUnit XML on real reports', () => {
  it('jest-junit 17: testcases, not the tests="10" attribute; the suite that failed to load', async () => {
    const list = await cases('real/jest-junit.xml');
    // jest: 1 failed, 1 skipped, 1 todo, 8 passed (todo has no <skipped> in jest-junit), plus the
    // test file that failed to load, written as one <error> testcase and one <failure> testcase.
    expect(list).toHaveLength(13);
    expect(outcomes(list)).toEqual({
      passed: 9,
      failed: 2,
      errored: 1,
      skipped: 1,
    });
    expect(list[0]).toEqual({
      suite: 'calc adds',
      name: 'calc adds',
      outcome: 'passed',
      durationMs: 5,
    });
    const failed = list.find(c => c.name === 'calc fails on purpose')!;
    expect(failed.outcome).toBe('failed');
    expect(failed.message).toMatch(
      /^Error: expect\(received\)\.toBe\(expected\) \/\/ Object\.is equality\n\nExpected: 5\nReceived: 4/,
    );
    expect(failed.message!.length).toBeLessThanOrEqual(MAX_MESSAGE_LENGTH);
    const errored = list.find(c => c.outcome === 'errored')!;
    expect(errored).toMatchObject({
      suite: 'Test suite failed to run',
      name: 'test/broken.test.js',
    });
    expect(errored.message).toMatch(
      /^● Test suite failed to run\n\n\s+Cannot find module '..\/src\/does-not-exist'/,
    );
  });

  it('Node 22\'s --test-reporter=junit (counts only in comments, classname "test")', async () => {
    const list = await cases('real/node-test-junit.xml');
    // node: tests 8, pass 5, fail 1, skipped 1, todo 1
    expect(outcomes(list)).toEqual({
      passed: 5,
      failed: 1,
      errored: 0,
      skipped: 2,
    });
    expect(list.map(c => c.suite)).toEqual(Array(8).fill('test'));
    expect(list.find(c => c.outcome === 'failed')).toMatchObject({
      name: 'fails on purpose',
      message: 'Expected values to be strictly equal:4 !== 5',
      durationMs: 1.396, // time="0.001396"
    });
  });

  it('mocha-junit-reporter 2.2 (skipped tests counted but not written)', async () => {
    const list = await cases('real/mocha-junit-reporter.xml');
    // mocha: 2 passing, 2 pending, 3 failing; only 5 <testcase> are written
    expect(outcomes(list)).toEqual({
      passed: 2,
      failed: 3,
      errored: 0,
      skipped: 0,
    });
    expect(list.find(c => c.suite === 'throws an error')!.message).toBe(
      'boom <&> "quoted"',
    );
  });

  it('mocha 12\'s xunit reporter (<failure> under failures="0" errors="3")', async () => {
    const list = await cases('real/mocha-xunit.xml');
    expect(outcomes(list)).toEqual({
      passed: 2,
      failed: 3,
      errored: 0,
      skipped: 2,
    });
    expect(list.find(c => c.name === 'throws an error')!.message).toMatch(
      /^boom <&> "quoted"\nTypeError: boom <&> "quoted"/,
    );
    expect(list.find(c => c.name.startsWith('"before all"'))).toMatchObject({
      suite: 'hooks',
      outcome: 'failed',
    });
  });

  it('pytest 9 --junitxml (skip and xfail as <skipped>, fixture error as <error>)', async () => {
    const list = await cases('real/pytest-junit.xml');
    // pytest: 2 failed, 3 passed, 1 skipped, 1 xfailed, 1 error
    expect(outcomes(list)).toEqual({
      passed: 3,
      failed: 2,
      errored: 1,
      skipped: 2,
    });
    expect(list.find(c => c.name === 'test_fails')).toEqual({
      suite: 'test_sample',
      name: 'test_fails',
      outcome: 'failed',
      durationMs: 1,
      message:
        'AssertionError: lists differ\nassert [1, 2] == [1, 3]\n  \n  At index 1 diff: 2 != 3\n  Use -v to get more diff',
    });
    expect(list.find(c => c.outcome === 'errored')).toMatchObject({
      name: 'test_fixture_error',
      message: 'failed on setup with "RuntimeError: fixture exploded"',
    });
    expect(list.filter(c => c.suite === 'test_sample.TestGroup')).toHaveLength(
      3,
    );
  });

  it('JUnit 5.9 console launcher: the Jupiter file, and the Vintage file with zero tests', async () => {
    const list = await cases('real/junit5-jupiter.xml');
    // console launcher: 9 tests found, 1 skipped, 6 successful, 2 failed (one of them an error)
    expect(outcomes(list)).toEqual({
      passed: 6,
      failed: 1,
      errored: 1,
      skipped: 1,
    });
    expect(list.find(c => c.outcome === 'errored')!.message).toBe(
      'unexpected state <&>',
    );
    expect(await cases('real/junit5-vintage-zero-tests.xml')).toEqual([]);
  });

  it('Maven Surefire 2.22 (one file per test class)', async () => {
    const list = await cases('real/surefire-TEST-CalculatorTest.xml');
    // mvn: Tests run: 4, Failures: 1, Errors: 1, Skipped: 1 (+ MemoryTest: 1 run)
    expect(outcomes(list)).toEqual({
      passed: 1,
      failed: 1,
      errored: 1,
      skipped: 1,
    });
    expect(list.find(c => c.outcome === 'failed')).toEqual({
      suite: 'com.example.calc.CalculatorTest',
      name: 'failsOnPurpose',
      outcome: 'failed',
      durationMs: 2,
      message: 'two plus two expected:<5> but was:<4>',
    });
    expect(await cases('real/surefire-TEST-MemoryTest.xml')).toEqual([
      {
        suite: 'com.example.calc.MemoryTest',
        name: 'remembers',
        outcome: 'passed',
        durationMs: 0,
      },
    ]);
  });
});

describe('JUnit rules', () => {
  it('a test case with both <error> and <failure> is errored; flaky reruns do not change the outcome', async () => {
    const xml = `<testsuite name="s">
  <testcase name="both" classname=""><failure message="f"/><error>  load error text  </error></testcase>
  <testcase name="flaky" classname="C" time="0.5"><flakyFailure message="first try"/></testcase>
  <testcase name="no time" time="abc"/>
  <testcase name="big" time="1,234.5"><failure type="AssertionError"/></testcase>
</testsuite>`;
    expect(await cases(Buffer.from(xml))).toEqual([
      {
        suite: 's',
        name: 'both',
        outcome: 'errored',
        durationMs: null,
        message: 'load error text',
      },
      { suite: 'C', name: 'flaky', outcome: 'passed', durationMs: 500 },
      { suite: 's', name: 'no time', outcome: 'passed', durationMs: null },
      {
        suite: 's',
        name: 'big',
        outcome: 'failed',
        durationMs: 1234500,
        message: 'AssertionError',
      },
    ]);
  });

  it('keeps the first 500 characters of a long message text', async () => {
    const long = 'x'.repeat(2000);
    const list = await cases(
      Buffer.from(
        `<testsuites><testsuite name="s"><testcase name="t"><failure><![CDATA[${long}]]></failure></testcase></testsuite></testsuites>`,
      ),
    );
    expect(list[0].message).toBe('x'.repeat(MAX_MESSAGE_LENGTH));
  });

  it('converts durations', () => {
    expect(parseDurationMs('0.003')).toBe(3);
    expect(parseDurationMs('12')).toBe(12000);
    expect(parseDurationMs('-1')).toBeNull();
    expect(parseDurationMs(undefined)).toBeNull();
  });
});

describe('hostile and malformed JUnit input', () => {
  it.each([
    [
      'XXE to a file',
      'hostile/xxe-file.xml',
      /^JUnit XML line 2: the DOCTYPE declares entities \(<!ENTITY \.\.\.>\): entity declarations are refused/,
    ],
    [
      'billion laughs',
      'hostile/billion-laughs.xml',
      /^JUnit XML line 2: the DOCTYPE declares entities/,
    ],
    [
      'an unknown entity',
      'hostile/unknown-entity.xml',
      /^JUnit XML line 4: unknown entity "&nbsp;"/,
    ],
    [
      'text after the root',
      'hostile/text-after-root.xml',
      /^JUnit XML line 5: text after the root element$/,
    ],
    [
      'a Cobertura file',
      'real/c8-cobertura.xml',
      /^JUnit XML line 3: expected <testsuites> or <testsuite> root element, found <coverage>$/,
    ],
    [
      'binary garbage',
      'hostile/binary-garbage.gz',
      /^JUnit XML line 1: not an XML document/,
    ],
    ['an empty body', 'hostile/empty.txt', /^JUnit XML: the report is empty$/],
    [
      'a NUL byte in a test name',
      'hostile/junit-nul-in-test-name.xml',
      /^JUnit XML line 5: character U\+0000 is not allowed in XML \(XML 1\.0 allows tab, line feed, carriage return and characters from U\+0020, except U\+FFFE, U\+FFFF and unpaired surrogates\)$/,
    ],
    [
      'a NUL character reference in a test name',
      'hostile/junit-nul-char-ref.xml',
      /^JUnit XML line 4: character reference "&#0;" \(U\+0000\) is not a character XML allows$/,
    ],
    [
      'an escape character (terminal colours) in CDATA',
      'hostile/junit-control-char-in-cdata.xml',
      /^JUnit XML line 6: character U\+001B is not allowed in XML/,
    ],
  ])('refuses %s', async (_what, file, message) => {
    expect((await parseError(junit, fixture(file))).message).toMatch(message);
  });

  it('refuses a truncated document and an unterminated attribute with the line', async () => {
    expect(
      (
        await parseError(
          junit,
          Buffer.from(
            '<testsuites>\n<testsuite name="s">\n<testcase name="a"/>\n',
          ),
        )
      ).message,
    ).toBe('JUnit XML line 4: unexpected end of document inside <testsuite>');
    expect(
      (
        await parseError(
          junit,
          Buffer.from(
            '<testsuites>\n<testsuite name="s>\n<testcase name="a"/>\n</testsuite></testsuites>',
          ),
        )
      ).message,
    ).toMatch(/^JUnit XML line 3: "<" in the value of attribute name/);
    expect(
      (
        await parseError(
          new CoberturaParser(),
          Buffer.from('<coverage>\n<!-- unterminated comment'),
        )
      ).message,
    ).toBe('Cobertura XML line 2: unexpected end of document inside a comment');
  });

  it('refuses an encoding it cannot decode and accepts ISO-8859-1', async () => {
    expect(
      (
        await parseError(
          junit,
          Buffer.from(
            '<?xml version="1.0" encoding="Shift_JIS"?><testsuites/>',
          ),
        )
      ).message,
    ).toMatch(/unsupported encoding "Shift_JIS"/);
    const latin1 = Buffer.from(
      '<?xml version="1.0" encoding="ISO-8859-1"?><testsuite name="caf\u00e9"><testcase name="t"/></testsuite>',
      'latin1',
    );
    expect((await cases(latin1))[0].suite).toBe('caf\u00e9');
  });

  it('stores line ends as \\n: CRLF text and &#13;&#10; in attributes (Windows tools)', async () => {
    const list = await cases(
      Buffer.from(
        '<testsuite name="s">\r\n<testcase classname="c" name="a">\r\n<failure>expected 1\r\n  got 2\r\n</failure></testcase>\r\n' +
          '<testcase classname="c" name="b"><error message="boom&#13;&#10;at line 3&#13;"/></testcase></testsuite>',
      ),
    );
    expect(list.map(c => c.message)).toEqual([
      'expected 1\n  got 2',
      'boom\nat line 3',
    ]);
  });

  it('decodes multi-byte UTF-8 characters split across chunks', async () => {
    const list = await cases(
      Buffer.from(
        '\ufeff<testsuite name="s"><testcase classname="日本語のテスト" name="über €"/></testsuite>',
      ),
    );
    expect(list[0]).toMatchObject({ suite: '日本語のテスト', name: 'über €' });
  });
});
