import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { CodeSnippet, EmptyState } from '@backstage/core-components';
import {
  DEVOPS_METRICS_SOURCE_ANNOTATION,
  DEVOPS_METRICS_URL_ANNOTATION,
  DEVOPS_MONITORING_ANNOTATION,
} from '@devops-growth/backstage-plugin-devops-common';

/** The annotations that let the embedded scrape provider collect for an entity. */
export function metricsAnnotationSnippet(monitoring: string): string {
  return [
    'metadata:',
    '  annotations:',
    `    ${DEVOPS_MONITORING_ANNOTATION}: ${monitoring}`,
    '    # one URL, or environment=url pairs separated by commas',
    `    ${DEVOPS_METRICS_URL_ANNOTATION}: production=https://my-service.example.com/metrics,staging=https://my-service.staging.example.com/metrics`,
  ].join('\n');
}

/**
 * The empty state: no sample was collected yet. Without a source no provider can collect for the
 * entity, so it says how to declare one; with one, the first collection is still to come.
 */
export function MetricsInstructions(props: {
  source: string | null;
  monitoring: string;
}) {
  if (props.source !== null) {
    return (
      <EmptyState
        missing="data"
        title="No performance samples yet"
        description={
          <>
            The <code>{props.source}</code> metrics provider collects for this
            entity on a schedule; the figures appear after its first successful
            collection.
          </>
        }
      />
    );
  }
  return (
    <EmptyState
      missing="field"
      title="No metrics provider can collect for this entity"
      description={
        <>
          The built-in scrape provider reads the Prometheus text exposition (
          <code>/metrics</code>) the service serves, at the URL in the{' '}
          <code>{DEVOPS_METRICS_URL_ANNOTATION}</code> annotation. With a
          metrics module installed (for example Prometheus), name it in{' '}
          <code>{DEVOPS_METRICS_SOURCE_ANNOTATION}</code> instead.
        </>
      }
      action={
        <Box maxWidth="100%">
          <Typography variant="subtitle2">catalog-info.yaml</Typography>
          <CodeSnippet
            language="yaml"
            text={metricsAnnotationSnippet(props.monitoring)}
            showCopyCodeButton
          />
        </Box>
      }
    />
  );
}
