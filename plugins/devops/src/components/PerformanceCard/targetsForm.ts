/*
 * The targets dialog's form: initial values, hints, validation and the history in words.
 */
import {
  EffectivePerformanceTargets,
  PERFORMANCE_TARGET_KEYS,
  PERFORMANCE_TARGET_RULES,
  PerformanceTargetChange,
  PerformanceTargetKey,
} from '@devops-growth/backstage-plugin-devops-common';
import { formatTarget, TARGET_SOURCE_LABELS } from './format';

/** The form of the targets dialog: one text per target, the error rate in percent. */
export type TargetsForm = Record<PerformanceTargetKey, string>;

/** Units of the target fields, as shown in their labels. */
export const TARGET_FIELD_LABELS: Record<PerformanceTargetKey, string> = {
  p95Ms: 'P95 latency (ms)',
  p99Ms: 'P99 latency (ms)',
  errorRate: 'Error rate (%)',
  minThroughput: 'Minimum throughput (req/s)',
};

function toFieldValue(key: PerformanceTargetKey, value: number): string {
  return String(PERFORMANCE_TARGET_RULES[key].toWritten(value));
}

/**
 * The form's initial values: the overrides made in Backstage, which the form edits. Targets from
 * a default, app-config.yaml or an annotation start empty (they are no override).
 */
export function initialTargetsForm(
  targets: EffectivePerformanceTargets,
): TargetsForm {
  const form = {} as TargetsForm;
  for (const key of PERFORMANCE_TARGET_KEYS) {
    const value = targets.targets[key];
    form[key] =
      targets.sources[key] === 'api' && value !== null
        ? toFieldValue(key, value)
        : '';
  }
  return form;
}

/** What applies when a field is left empty, for its helper text. */
export function targetFieldHint(
  targets: EffectivePerformanceTargets,
  key: PerformanceTargetKey,
): string {
  const value = targets.targets[key];
  if (targets.sources[key] === 'api') {
    return 'Empty removes this override';
  }
  const effective = value === null ? 'no target' : formatTarget(key, value);
  return `Empty keeps ${effective} (${
    TARGET_SOURCE_LABELS[targets.sources[key]]
  })`;
}

/** The changes a submitted form makes, or what is wrong with it. */
export type TargetsFormResult =
  | { ok: true; changes: Partial<Record<PerformanceTargetKey, number | null>> }
  | { ok: false; errors: Partial<Record<PerformanceTargetKey, string>> };

/**
 * Turns the form into the `changes` of a targets update: a number sets an override (the error
 * rate converted from percent to a fraction), an emptied override becomes `null` (removed), and
 * fields equal to what is already in force are left out.
 */
export function toTargetChanges(
  form: TargetsForm,
  targets: EffectivePerformanceTargets,
): TargetsFormResult {
  const changes: Partial<Record<PerformanceTargetKey, number | null>> = {};
  const errors: Partial<Record<PerformanceTargetKey, string>> = {};
  for (const key of PERFORMANCE_TARGET_KEYS) {
    const text = form[key].trim();
    const isOverride = targets.sources[key] === 'api';
    if (text === '') {
      if (isOverride) {
        changes[key] = null;
      }
      continue;
    }
    const number = Number(text);
    if (!Number.isFinite(number)) {
      errors[key] = 'Enter a number';
      continue;
    }
    // the rules the backend applies to the same change (devops-common)
    const rule = PERFORMANCE_TARGET_RULES[key];
    if (!rule.accepts(number)) {
      errors[key] = rule.formMessage;
      continue;
    }
    const value = rule.toValue(number);
    if (isOverride && targets.targets[key] === value) {
      continue;
    }
    changes[key] = value;
  }
  return Object.keys(errors).length > 0
    ? { ok: false, errors }
    : { ok: true, changes };
}

const TARGET_NAMES: Record<PerformanceTargetKey, string> = {
  p95Ms: 'P95 latency',
  p99Ms: 'P99 latency',
  errorRate: 'error rate',
  minThroughput: 'minimum throughput',
};

/** A change of the targets' history, in words: `P95 latency 250 ms, error rate override removed`. */
export function describeTargetChange(change: PerformanceTargetChange): string {
  const parts = PERFORMANCE_TARGET_KEYS.flatMap(key => {
    if (!(key in change.changes)) {
      return [];
    }
    const value = change.changes[key];
    const name = TARGET_NAMES[key];
    return value === null || value === undefined
      ? [`${name} override removed`]
      : [`${name} ${formatTarget(key, value)}`];
  });
  return parts.join(', ') || 'no change';
}
