import { Entity } from '@backstage/catalog-model';
import {
  DEVOPS_TARGET_ERROR_RATE_ANNOTATION,
  DEVOPS_TARGET_MIN_THROUGHPUT_ANNOTATION,
  DEVOPS_TARGET_P95_ANNOTATION,
  DEVOPS_TARGET_P99_ANNOTATION,
  DEFAULT_PERFORMANCE_TARGETS,
  EffectivePerformanceTargets,
  PERFORMANCE_TARGET_KEYS,
  PERFORMANCE_TARGET_RULES,
  PerformanceTargetKey,
  PerformanceTargets,
  PerformanceTargetSource,
  readWrittenTarget,
} from '@devops-growth/backstage-plugin-devops-common';
import { ConfiguredPerformanceTargets } from './settings';

/** The annotation of each target. */
const TARGET_ANNOTATIONS: Record<PerformanceTargetKey, string> = {
  p95Ms: DEVOPS_TARGET_P95_ANNOTATION,
  p99Ms: DEVOPS_TARGET_P99_ANNOTATION,
  errorRate: DEVOPS_TARGET_ERROR_RATE_ANNOTATION,
  minThroughput: DEVOPS_TARGET_MIN_THROUGHPUT_ANNOTATION,
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
    const annotation = TARGET_ANNOTATIONS[key];
    const raw = annotations[annotation];
    if (raw === undefined) continue;
    const read = readWrittenTarget(key, raw);
    if ('value' in read) {
      targets[key] = read.value;
    } else {
      invalid.push({
        target: key,
        annotation,
        value: raw,
        expected: PERFORMANCE_TARGET_RULES[key].expected,
      });
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
