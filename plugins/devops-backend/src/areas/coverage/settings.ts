import { Config } from '@backstage/config';
import { HumanDuration } from '@backstage/types';
import {
  readOptionalDuration,
  readOptionalDurationMs,
  readOptionalPercentage,
  readOptionalWholeNumber,
} from '@devops-growth/backstage-plugin-devops-node';

/** How long reports are kept: `devops.coverage.retention`. */
export interface CoverageRetentionSettings {
  maxAge: HumanDuration;
  maxReportsPerSeries: number;
  frequency: HumanDuration;
}

/** The coverage area's settings, read once from `devops.coverage`. */
export interface CoverageSettings {
  /** `devops.coverage.gate.lines`: the line-coverage gate, in percent. */
  gateLines: number | undefined;
  trendLength: number;
  flakyWindow: number;
  slowestCount: number;
  slowTestThresholdMs: number;
  retention: CoverageRetentionSettings;
}

const PREFIX = 'devops.coverage';

export function readCoverageSettings(config: Config): CoverageSettings {
  const atLeastOne = (key: string, fallback: number) =>
    readOptionalWholeNumber(config, `${PREFIX}.${key}`, { fallback, min: 1 });
  return {
    gateLines: readOptionalPercentage(config, `${PREFIX}.gate.lines`),
    trendLength: atLeastOne('trendLength', 30),
    flakyWindow: atLeastOne('tests.flakyWindow', 10),
    slowestCount: atLeastOne('tests.slowestCount', 5),
    slowTestThresholdMs: readOptionalDurationMs(
      config,
      `${PREFIX}.tests.slowTestThreshold`,
      { fallback: { seconds: 10 } },
    ),
    retention: {
      maxAge: readOptionalDuration(config, `${PREFIX}.retention.maxAge`, {
        fallback: { days: 180 },
      }),
      maxReportsPerSeries: readOptionalWholeNumber(
        config,
        `${PREFIX}.retention.maxReportsPerSeries`,
        { fallback: 500, min: 2 },
      ),
      frequency: readOptionalDuration(config, `${PREFIX}.retention.frequency`, {
        fallback: { hours: 1 },
      }),
    },
  };
}
