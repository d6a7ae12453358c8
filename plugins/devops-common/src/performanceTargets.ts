import { z } from 'zod';
import {
  PERFORMANCE_TARGET_KEYS,
  PerformanceTargetKey,
  PerformanceTargets,
} from './performance';
import { findControlCharacter } from './text';

/**
 * The rules of the performance targets, in one place for every reader: the entity's annotations,
 * `devops.performance.targets` in app-config, the targets API and the card's form.
 *
 * People write a target in its "written" unit (milliseconds, a percentage of requests, requests
 * per second); the API and the stored overrides carry the value (the error rate as a 0..1
 * fraction, the others as written).
 */
export interface PerformanceTargetRule {
  /** What a written value must be, for messages: `a positive number of milliseconds`. */
  expected: string;
  /** What the API's value must be, for messages. */
  expectedValue: string;
  /** What the card's form says of a wrong value. */
  formMessage: string;
  /** Whether a written number is acceptable. */
  accepts(written: number): boolean;
  /** The written number as the target's value (a percentage becomes a fraction). */
  toValue(written: number): number;
  /** The value as people write it. */
  toWritten(value: number): number;
}

const positive = (unit: string, formUnit: string): PerformanceTargetRule => ({
  expected: `a positive number of ${unit}`,
  expectedValue: `a positive number of ${unit}`,
  formMessage: `Enter a number of ${formUnit} above 0`,
  accepts: n => Number.isFinite(n) && n > 0,
  toValue: n => n,
  toWritten: v => v,
});

/** The rule of each target. @public */
export const PERFORMANCE_TARGET_RULES: Record<
  PerformanceTargetKey,
  PerformanceTargetRule
> = {
  p95Ms: positive('milliseconds', 'milliseconds'),
  p99Ms: positive('milliseconds', 'milliseconds'),
  errorRate: {
    expected: 'a percentage from 0 to 100',
    expectedValue: 'a fraction from 0 to 1',
    formMessage: 'Enter a percentage from 0 to 100',
    accepts: n => Number.isFinite(n) && n >= 0 && n <= 100,
    toValue: n => Number((n / 100).toPrecision(12)),
    toWritten: v => Number((v * 100).toPrecision(12)),
  },
  minThroughput: positive('requests per second', 'requests per second'),
};

/**
 * Reads a written target (an annotation's text such as `250`, `0.5%`, or a config number):
 * its value, or what it should have been.
 * @public
 */
export function readWrittenTarget(
  key: PerformanceTargetKey,
  written: string | number,
): { value: number } | { error: string } {
  const rule = PERFORMANCE_TARGET_RULES[key];
  const n =
    typeof written === 'number'
      ? written
      : (() => {
          const text = written.trim().replace(/%$/, '').trim();
          return text === '' ? NaN : Number(text);
        })();
  return rule.accepts(n)
    ? { value: rule.toValue(n) }
    : { error: `expected ${rule.expected}` };
}

const targetValueSchema = (key: PerformanceTargetKey) => {
  const rule = PERFORMANCE_TARGET_RULES[key];
  const message = `must be ${rule.expectedValue} or null`;
  return z
    .number({ error: message })
    .refine(v => rule.accepts(rule.toWritten(v)), message)
    .nullable()
    .optional();
};

/**
 * The body of a targets change (`PUT .../performance/targets`): values as the API carries them,
 * `null` removing an override, and an optional one-line-or-more comment.
 * @public
 */
export const performanceTargetsChangeSchema = z
  .object({
    changes: z
      .object(
        Object.fromEntries(
          PERFORMANCE_TARGET_KEYS.map(key => [key, targetValueSchema(key)]),
        ) as Record<PerformanceTargetKey, ReturnType<typeof targetValueSchema>>,
      )
      .strict()
      .refine(
        changes => Object.values(changes).some(v => v !== undefined),
        `at least one of ${PERFORMANCE_TARGET_KEYS.join(', ')} must be given`,
      ),
    comment: z
      .string()
      .max(1000, 'comment must be at most 1000 characters')
      .refine(
        s => !findControlCharacter(s, { multiline: true }),
        'comment must not contain control characters',
      )
      .optional(),
  })
  .strict();

/** A parsed targets change. @public */
export type PerformanceTargetsChangeRequest = {
  changes: Partial<Record<PerformanceTargetKey, number | null>>;
  comment?: string;
};

/** Built-in targets: the lowest precedence. @public */
export const DEFAULT_PERFORMANCE_TARGETS: PerformanceTargets = {
  p95Ms: 500,
  p99Ms: 1000,
  errorRate: 0.01,
  minThroughput: null,
};
