import { Entity } from '@backstage/catalog-model';
import { CodeSnippet, InfoCard } from '@backstage/core-components';
import { MissingAnnotationEmptyState } from '@backstage/plugin-catalog-react';
import Typography from '@material-ui/core/Typography';
import {
  DEVOPS_MONITORING_ANNOTATION,
  DevopsArea,
} from '@devops-growth/backstage-plugin-devops-common';

/** The monitoring annotation's value once it enables `area` as well. */
export function enablingValue(current: string | undefined, area: DevopsArea) {
  const words = (current ?? '')
    .split(',')
    .map(w => w.trim())
    .filter(Boolean);
  return [...words, area].join(',');
}

/**
 * A card's state for an entity whose `devops-growth.io/monitoring` annotation does not enable its
 * area: what the annotation says now, the line that enables the area, and Backstage's
 * missing-annotation state.
 */
export function MissingAreaAnnotation(props: {
  entity: Entity;
  area: DevopsArea;
  title: string;
}) {
  const { entity, area, title } = props;
  const value = entity.metadata.annotations?.[DEVOPS_MONITORING_ANNOTATION];
  return (
    <InfoCard title={title}>
      {value !== undefined && (
        <>
          <Typography variant="body2" gutterBottom>
            The annotation <code>{DEVOPS_MONITORING_ANNOTATION}</code> is set to{' '}
            <code>{value}</code>, which does not enable the <code>{area}</code>{' '}
            area. Add <code>{area}</code> to the list or set it to{' '}
            <code>enabled</code>:
          </Typography>
          <CodeSnippet
            language="yaml"
            text={`metadata:\n  annotations:\n    ${DEVOPS_MONITORING_ANNOTATION}: ${enablingValue(
              value,
              area,
            )}`}
          />
        </>
      )}
      <MissingAnnotationEmptyState annotation={DEVOPS_MONITORING_ANNOTATION} />
    </InfoCard>
  );
}
