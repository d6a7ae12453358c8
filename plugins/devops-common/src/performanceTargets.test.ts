import {
  PERFORMANCE_TARGET_RULES,
  performanceTargetsChangeSchema,
  readWrittenTarget,
} from './performanceTargets';
import { findControlCharacter } from './text';

describe('performance target rules', () => {
  it('reads written targets as annotations and config write them', () => {
    expect(readWrittenTarget('p95Ms', ' 250 ')).toEqual({ value: 250 });
    expect(readWrittenTarget('errorRate', '0.5%')).toEqual({ value: 0.005 });
    expect(readWrittenTarget('errorRate', 0)).toEqual({ value: 0 });
    expect(readWrittenTarget('minThroughput', 'soon')).toEqual({
      error: 'expected a positive number of requests per second',
    });
    expect(readWrittenTarget('errorRate', '120')).toEqual({
      error: 'expected a percentage from 0 to 100',
    });
    expect(readWrittenTarget('p99Ms', '')).toEqual({
      error: 'expected a positive number of milliseconds',
    });
  });

  it('converts between written and API values', () => {
    const rule = PERFORMANCE_TARGET_RULES.errorRate;
    expect(rule.toValue(1.1)).toBe(0.011);
    expect(rule.toWritten(0.011)).toBe(1.1);
  });

  it('validates a targets change as the API receives it', () => {
    expect(
      performanceTargetsChangeSchema.safeParse({
        changes: { p95Ms: 200, errorRate: null },
        comment: 'after the cache\nline two',
      }).success,
    ).toBe(true);
    const wrong = performanceTargetsChangeSchema.safeParse({
      changes: { errorRate: 5, p99Ms: -1 },
    });
    expect(wrong.success).toBe(false);
    expect(
      wrong.error!.issues.map(i => `${i.path.join('.')}: ${i.message}`),
    ).toEqual([
      'changes.p99Ms: must be a positive number of milliseconds or null',
      'changes.errorRate: must be a fraction from 0 to 1 or null',
    ]);
    expect(
      performanceTargetsChangeSchema.safeParse({ changes: {} }).error!.issues[0]
        .message,
    ).toBe(
      'at least one of p95Ms, p99Ms, errorRate, minThroughput must be given',
    );
    expect(
      performanceTargetsChangeSchema.safeParse({
        changes: { p95Ms: 1 },
        comment: 'a\u0000b',
      }).error!.issues[0].message,
    ).toBe('comment must not contain control characters');
  });
});

describe('findControlCharacter', () => {
  it('refuses C0 controls and DEL; tab and line feed only in multi-line text', () => {
    expect(findControlCharacter('main')).toBeUndefined();
    expect(findControlCharacter('ma\u0000in')).toEqual({
      index: 2,
      char: '\u0000',
    });
    expect(findControlCharacter('a\tb')).toEqual({ index: 1, char: '\t' });
    expect(
      findControlCharacter('a\tb\nc', { multiline: true }),
    ).toBeUndefined();
    expect(findControlCharacter('a\rb', { multiline: true })).toEqual({
      index: 1,
      char: '\r',
    });
    expect(findControlCharacter('x\u007f', { multiline: true })?.index).toBe(1);
  });
});
