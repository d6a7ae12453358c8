// What the cards must show for the uploaded reports, derived from the report files themselves
// (their own totals), never copied from the screen.

/** Sums of LCOV's per-file totals: `LF`/`LH` (lines), `BRF`/`BRH` (branches), `FNF`/`FNH`. */
export function lcovTotals(text) {
  const sums = { LF: 0, LH: 0, BRF: 0, BRH: 0, FNF: 0, FNH: 0 };
  for (const line of text.split('\n')) {
    const match = /^(LF|LH|BRF|BRH|FNF|FNH):(\d+)\s*$/.exec(line);
    if (match) sums[match[1]] += Number(match[2]);
  }
  if (!sums.LF) throw new Error('the LCOV fixture has no LF records');
  return {
    lines: { covered: sums.LH, total: sums.LF },
    branches: { covered: sums.BRH, total: sums.BRF },
    functions: { covered: sums.FNH, total: sums.FNF },
  };
}

/**
 * Outcomes of a JUnit XML file's `<testcase>` elements: failed with a `<failure>`, errored with
 * an `<error>`, skipped with a `<skipped>`, passed otherwise.
 */
export function junitCounts(xml) {
  const counts = { total: 0, passed: 0, failed: 0, errored: 0, skipped: 0 };
  const testcase = /<testcase\b[^>]*?(?:\/>|>([\s\S]*?)<\/testcase>)/g;
  for (const [, body = ''] of xml.matchAll(testcase)) {
    counts.total += 1;
    if (/<failure\b/.test(body)) counts.failed += 1;
    else if (/<error\b/.test(body)) counts.errored += 1;
    else if (/<skipped\b/.test(body)) counts.skipped += 1;
    else counts.passed += 1;
  }
  if (!counts.total) throw new Error('the JUnit fixture has no <testcase>');
  return counts;
}

/** A percentage as the cards print it: one decimal, `75.9%`. */
export function percent(covered, total) {
  return `${(Math.round((1000 * covered) / total) / 10).toFixed(1)}%`;
}

/**
 * Whether `shown` (a figure's text, for example `88 ms`, `1.2 s`, `2.84 req/s`, `0.53%`, `0%`) is
 * `value` rounded to the digits shown. `scale` converts the shown unit to the value's unit.
 */
export function showsValue(shown, value, units) {
  const match = /^\s*(-?\d+(?:\.(\d+))?)\s*(\S*)\s*$/.exec(shown);
  if (!match) return false;
  const scale = units[match[3]];
  if (scale === undefined) return false;
  const digits = match[2]?.length ?? 0;
  const halfStep = 0.5 * 10 ** -digits;
  return Math.abs(Number(match[1]) - value / scale) <= halfStep + 1e-9;
}

/** Results in a SARIF log, over all its runs. */
export function sarifResultCount(text) {
  const log = JSON.parse(text);
  const count = (log.runs ?? []).reduce(
    (sum, run) => sum + (run.results?.length ?? 0),
    0,
  );
  if (!count) throw new Error('the SARIF fixture has no results');
  return count;
}
