import { Config } from '@backstage/config';
import { durationToMilliseconds, HumanDuration } from '@backstage/types';
import {
  invalidConfig,
  readOptionalDuration,
  readOptionalWholeNumber,
} from '@devops-growth/backstage-plugin-devops-node';
import { z } from 'zod';
import { controlSchema, FRAMEWORK_ID_PATTERN, issuePath } from './frameworks';

/**
 * A framework entry of `devops.security.compliance.frameworks`: a new framework (with `title`
 * and `controls`), or an override of a known one by id: `title`, `version` and `controls`
 * replace the known ones, `controlOverrides` change or add single controls, `disabledControls`
 * leave controls out.
 */
export interface ComplianceFrameworkConfig {
  id: string;
  title?: string;
  version?: string;
  controls?: Array<z.infer<typeof controlSchema>>;
  controlOverrides?: Array<{
    id: string;
    title?: string;
    weight?: number;
    checks?: string[];
  }>;
  disabledControls?: string[];
  /** The config key of the entry, for messages (`devops.security.compliance.frameworks[2]`). */
  key: string;
}

/** What the built-in checks read from the config. */
export interface ComplianceCheckSettings {
  /** `checks.scanMaxAge`: the newest scan must be at most this old. */
  scanMaxAgeMs: number;
}

/** The compliance part's settings, read once from `devops.security.compliance`. */
export interface ComplianceSettings {
  /** Frameworks of entities without `devops-growth.io/compliance-frameworks`. */
  defaultFrameworks: string[];
  frameworks: ComplianceFrameworkConfig[];
  checks: ComplianceCheckSettings;
  evaluation: {
    frequency: HumanDuration;
    timeout: HumanDuration;
    /** Entities per facts read and per bulk write. */
    batchSize: number;
    /** Entities per catalog page. */
    pageSize: number;
  };
  history: {
    /** A point is written when the score changed, or when the last one is this old. */
    intervalMs: number;
    /** Points and results older than this are deleted. */
    retention: HumanDuration;
  };
}

export const COMPLIANCE_CONFIG_KEY = 'devops.security.compliance';

/** The frameworks that apply when neither the annotation nor the config says otherwise. */
export const DEFAULT_COMPLIANCE_FRAMEWORKS = ['soc2'];

const frameworkConfigSchema = z
  .object({
    id: z.string().regex(FRAMEWORK_ID_PATTERN, {
      message: 'expected lower-case letters, digits and dashes',
    }),
    title: z.string().trim().min(1).max(200).optional(),
    version: z.string().trim().min(1).max(100).optional(),
    controls: z.array(controlSchema).min(1).optional(),
    controlOverrides: z
      .array(
        z
          .object({
            id: z.string().trim().min(1).max(100),
            title: z.string().trim().min(1).max(200).optional(),
            weight: z.number().positive().max(1000).optional(),
            checks: z.array(z.string().min(1)).min(1).optional(),
          })
          .strict(),
      )
      .optional(),
    disabledControls: z.array(z.string().trim().min(1)).optional(),
  })
  .strict();

function readFrameworks(config: Config): ComplianceFrameworkConfig[] {
  const key = `${COMPLIANCE_CONFIG_KEY}.frameworks`;
  const raw = config.getOptional(key);
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) {
    throw invalidConfig(key, 'a list of frameworks', raw);
  }
  return raw.map((entry, index) => {
    const entryKey = `${key}[${index}]`;
    const parsed = frameworkConfigSchema.safeParse(entry);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const path = issuePath(issue);
      const at = issue.path.reduce<unknown>(
        (value, p) =>
          value && typeof value === 'object'
            ? (value as Record<string | number, unknown>)[p as string]
            : undefined,
        entry,
      );
      // zod's messages say what was expected in their own words ("Too small: expected ...").
      throw new Error(
        `Invalid config at ${entryKey}${path}: ${issue.message}, got ${
          at === undefined ? 'nothing' : JSON.stringify(at)
        }`,
      );
    }
    return { ...parsed.data, key: entryKey };
  });
}

function readDefaultFrameworks(config: Config): string[] {
  const key = `${COMPLIANCE_CONFIG_KEY}.defaultFrameworks`;
  const raw = config.getOptional(key);
  if (raw === undefined) return DEFAULT_COMPLIANCE_FRAMEWORKS;
  if (
    !Array.isArray(raw) ||
    raw.some(v => typeof v !== 'string' || !FRAMEWORK_ID_PATTERN.test(v))
  ) {
    throw invalidConfig(
      key,
      'a list of framework ids (lower-case letters, digits and dashes), or [] for none',
      raw,
    );
  }
  return [...new Set(raw as string[])];
}

/** Reads `devops.security.compliance`; every error names the key to change. */
export function readComplianceSettings(config: Config): ComplianceSettings {
  const key = (k: string) => `${COMPLIANCE_CONFIG_KEY}.${k}`;
  const frequency = readOptionalDuration(config, key('evaluation.frequency'), {
    fallback: { hours: 1 },
    min: { minutes: 1 },
  });
  const timeout = readOptionalDuration(config, key('evaluation.timeout'), {
    fallback: frequency,
    min: { seconds: 10 },
  });
  return {
    defaultFrameworks: readDefaultFrameworks(config),
    frameworks: readFrameworks(config),
    checks: {
      scanMaxAgeMs: durationToMilliseconds(
        readOptionalDuration(config, key('checks.scanMaxAge'), {
          fallback: { days: 7 },
          min: { hours: 1 },
        }),
      ),
    },
    evaluation: {
      frequency,
      timeout,
      batchSize: readOptionalWholeNumber(config, key('evaluation.batchSize'), {
        fallback: 500,
        min: 1,
        max: 5000,
      }),
      pageSize: readOptionalWholeNumber(config, key('evaluation.pageSize'), {
        fallback: 500,
        min: 1,
        max: 10000,
      }),
    },
    history: {
      intervalMs: durationToMilliseconds(
        readOptionalDuration(config, key('history.interval'), {
          fallback: { days: 1 },
          min: { minutes: 1 },
        }),
      ),
      retention: readOptionalDuration(config, key('history.retention'), {
        fallback: { days: 400 },
        min: { days: 1 },
      }),
    },
  };
}
