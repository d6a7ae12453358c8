import {
  DeployMarker,
  DeployStatus,
} from '@devops-growth/backstage-plugin-devops-common';

/** A deploy drawn on the performance charts: a vertical line at its time, labelled with the version. */
export interface ChartMarker {
  deployId: string;
  /** Epoch ms. */
  time: number;
  label: string;
  /** Rolled back or failed: drawn in the error colour. */
  failed: boolean;
}

const FAILED: DeployStatus[] = ['rolled-back', 'failed'];

/**
 * The deploys of the shown environment within the chart's time range, oldest first; rollbacks say
 * so in their label.
 */
export function toChartMarkers(
  markers: DeployMarker[],
  environment: string | null,
  range: { first: number; last: number },
): ChartMarker[] {
  return markers
    .filter(m => environment === null || m.environment === environment)
    .map(m => ({ marker: m, time: Date.parse(m.at) }))
    .filter(({ time }) => time >= range.first && time <= range.last)
    .sort((a, b) => a.time - b.time)
    .map(({ marker, time }) => ({
      deployId: marker.deployId,
      time,
      label:
        marker.kind === 'rollback'
          ? `${marker.version} (rollback)`
          : marker.version,
      failed: FAILED.includes(marker.status),
    }));
}
