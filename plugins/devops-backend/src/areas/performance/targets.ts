import { Entity } from '@backstage/catalog-model';
import {
  DEVOPS_TARGET_ERROR_RATE_ANNOTATION,
  DEVOPS_TARGET_MIN_THROUGHPUT_ANNOTATION,
  DEVOPS_TARGET_P95_ANNOTATION,
  DEVOPS_TARGET_P99_ANNOTATION,
  EffectivePerformanceTargets,
  PERFORMANCE_TARGET_KEYS,
  PerformanceTargetKey,
  PerformanceTargets,
  PerformanceTargetSource,
} from '@devops-growth/backstage-plugin-devops-common';
import { ConfiguredPerformanceTargets } from './analysisSettings';

/** Built-in targets: the lowest precedence. */
export const DEFAULT_PERFORMANCE_TARGETS: PerformanceTargets = {
  p95Ms: 500,
  p99Ms: 1000,
  errorRate: 0.01,
  minThroughput: null,
};

/** The annotation of each target, how to read it, and what it must be. */
const TARGET_ANNOTATIONS: Record<
  PerformanceTargetKey,
  { annotation: string; expected: string; read: (n: number) => number | null }
> = {
  p95Ms: {
    annotation: DEVOPS_TARGET_P95_ANNOTATION,
    expected: 'a positive number of milliseconds',
    read: n => (n > 0 ? n : null),
  },
  p99Ms: {
    annotation: DEVOPS_TARGET_P99_ANNOTATION,
    expected: 'a positive number of milliseconds',
    read: n => (n > 0 ? n : null),
  },
  errorRate: {
    annotation: DEVOPS_TARGET_ERROR_RATE_ANNOTATION,
    expected: 'a percentage from 0 to 100',
    read: n => (n >= 0 && n <= 100 ? n / 100 : null),
  },
  minThroughput: {
    annotation: DEVOPS_TARGET_MIN_THROUGHPUT_ANNOTATION,
    expected: 'a positive number of requests per second',
    read: n => (n > 0 ? n : null),
  },
};

/** An annotation whose value could not be used as a target. */
export interface InvalidTargetAnnotation {
  target: PerformanceTargetKey;
  annotation: string;
  value: string;
  expected: string;
}

/**
 * The targets the entity's annotations set. An invalid value is ignored for that target (the
 * config or default applies) and returned in `invalid`, so the summary can say so through a
 * recommendation instead of failing the whole card.
 */
export function readTargetAnnotations(entity: Entity): {
  targets: Partial<PerformanceTargets>;
  invalid: InvalidTargetAnnotation[];
} {
  const annotations = entity.metadata.annotations ?? {};
  const targets: Partial<PerformanceTargets> = {};
  const invalid: InvalidTargetAnnotation[] = [];
  for (const key of PERFORMANCE_TARGET_KEYS) {
    const { annotation, expected, read } = TARGET_ANNOTATIONS[key];
    const raw = annotations[annotation];
    if (raw === undefined) continue;
    const text = raw.trim().replace(/%$/, '').trim();
    const n = text === '' ? NaN : Number(text);
    const value = Number.isFinite(n) ? read(n) : null;
    if (value === null) {
      invalid.push({ target: key, annotation, value: raw, expected });
    } else {
      targets[key] = value;
    }
  }
  return { targets, invalid };
}

/**
 * The effective targets, lowest precedence first: built-in defaults, `devops.performance.targets`
 * in app-config, the entity's annotations, overrides set through the API.
 */
export function resolvePerformanceTargets(options: {
  entity: Entity;
  configured: ConfiguredPerformanceTargets;
  overrides: Partial<PerformanceTargets>;
}): EffectivePerformanceTargets & { invalid: InvalidTargetAnnotation[] } {
  const annotated = readTargetAnnotations(options.entity);
  const targets = { ...DEFAULT_PERFORMANCE_TARGETS };
  const sources = {} as Record<PerformanceTargetKey, PerformanceTargetSource>;
  const layers: Array<[PerformanceTargetSource, Partial<PerformanceTargets>]> =
    [
      ['config', options.configured],
      ['annotation', annotated.targets],
      ['api', options.overrides],
    ];
  for (const key of PERFORMANCE_TARGET_KEYS) {
    sources[key] = 'default';
    for (const [source, layer] of layers) {
      const value = layer[key];
      if (typeof value === 'number') {
        targets[key] = value;
        sources[key] = source;
      }
    }
  }
  return { targets, sources, invalid: annotated.invalid };
}
