import { Entity } from '@backstage/catalog-model';
import { Config } from '@backstage/config';
import { HumanDuration } from '@backstage/types';
import {
  DEFAULT_SECURITY_SLA,
  DEVOPS_SECURITY_SLA_ANNOTATION,
  parseSecuritySlaAnnotation,
  SECURITY_SEVERITIES,
  SecuritySeverity,
  SecuritySla,
  SecuritySlaSource,
} from '@devops-growth/backstage-plugin-devops-common';
import {
  readOptionalDuration,
  readOptionalWholeNumber,
} from '@devops-growth/backstage-plugin-devops-node';

/** Findings settings, read once from `devops.security`. */
export interface FindingsSettings {
  /** `devops.security.sla.<severity>`: only the severities set in config. */
  sla: Partial<SecuritySla>;
  /** `devops.security.retention`: fixed findings and scans older than this are deleted. */
  retention: HumanDuration;
  /** How often expired acceptances are reopened and retention runs. */
  maintenanceFrequency: HumanDuration;
}

const PREFIX = 'devops.security';

/** Reads the findings settings, refusing invalid values with a message naming the key. */
export function readFindingsSettings(config: Config): FindingsSettings {
  const sla: Partial<SecuritySla> = {};
  for (const severity of SECURITY_SEVERITIES) {
    const key = `${PREFIX}.sla.${severity}`;
    if (config.has(key)) {
      sla[severity] = readOptionalWholeNumber(config, key, {
        fallback: DEFAULT_SECURITY_SLA[severity],
        min: 1,
        max: 3650,
      });
    }
  }
  return {
    sla,
    retention: readOptionalDuration(config, `${PREFIX}.retention`, {
      fallback: { days: 365 },
      min: { days: 1 },
      expected: 'a duration of at least one day, such as 365d',
    }),
    maintenanceFrequency: { hours: 1 },
  };
}

/** The SLA annotation of an entity could not be read; config and defaults apply. */
export interface InvalidSlaAnnotation {
  annotation: string;
  value: string;
  problem: string;
}

/** The SLA in force for an entity, where each value comes from, and a malformed annotation. */
export interface EffectiveSla {
  sla: SecuritySla;
  sources: Record<SecuritySeverity, SecuritySlaSource>;
  invalid: InvalidSlaAnnotation | null;
}

/**
 * The entity's SLA, lowest precedence first: built-in defaults, `devops.security.sla`, the
 * `devops-growth.io/security-sla` annotation. A malformed annotation is ignored as a whole (the
 * config or default applies) and returned in `invalid`, so the card can say so instead of failing.
 */
export function resolveSla(
  entity: Entity,
  configured: Partial<SecuritySla>,
): EffectiveSla {
  const raw = entity.metadata.annotations?.[DEVOPS_SECURITY_SLA_ANNOTATION];
  let annotated: Partial<SecuritySla> = {};
  let invalid: InvalidSlaAnnotation | null = null;
  if (raw !== undefined) {
    try {
      annotated = parseSecuritySlaAnnotation(raw);
    } catch (error) {
      invalid = {
        annotation: DEVOPS_SECURITY_SLA_ANNOTATION,
        value: raw,
        problem: (error as Error).message,
      };
    }
  }
  const sla = { ...DEFAULT_SECURITY_SLA };
  const sources = {} as Record<SecuritySeverity, SecuritySlaSource>;
  const layers: Array<[SecuritySlaSource, Partial<SecuritySla>]> = [
    ['config', configured],
    ['annotation', annotated],
  ];
  for (const severity of SECURITY_SEVERITIES) {
    sources[severity] = 'default';
    for (const [source, layer] of layers) {
      const days = layer[severity];
      if (typeof days === 'number') {
        sla[severity] = days;
        sources[severity] = source;
      }
    }
  }
  return { sla, sources, invalid };
}
