import Typography from '@material-ui/core/Typography';
import {
  Entity,
  getCompoundEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { InfoCard, Progress } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { useEntity, useEntityRefLink } from '@backstage/plugin-catalog-react';
import { isDevopsAreaEnabled } from '@devops-growth/backstage-plugin-devops-common';
import useAsync from 'react-use/esm/useAsync';
import { devopsApiRef } from '../../api';
import {
  AreaSummary,
  CardRoot,
  MissingAreaAnnotation,
  ResponsiveTable,
  StatusLabel,
  SummaryArea,
  TableColumn,
  useCardStyles,
} from '../shared';
import { SUMMARY_AREAS } from './areas';

const TITLE = 'DevOps';

type Row = { area: SummaryArea; summary: AreaSummary };

const COLUMNS: TableColumn<Row>[] = [
  { key: 'area', title: 'Area', render: row => row.area.title },
  {
    key: 'state',
    title: 'State',
    render: row => (
      <StatusLabel
        tone={row.summary.tone}
        label={row.summary.state}
        data={{ 'data-area-state': row.summary.tone }}
      />
    ),
  },
  {
    key: 'figure',
    title: 'Key figure',
    render: row => row.summary.figure ?? '–',
  },
  {
    key: 'problem',
    title: 'Worst problem',
    render: row => row.summary.problem ?? 'None',
  },
];

/** Loads every area's summary at once; an area that fails gets a row saying so. */
function useAreaRows(entity: Entity, areas: SummaryArea[]) {
  const devopsApi = useApi(devopsApiRef);
  const ref = stringifyEntityRef(entity);
  return useAsync(async () => {
    const entityRef = getCompoundEntityRef(entity);
    const settled = await Promise.allSettled(
      areas.map(area => area.load(devopsApi, entityRef)),
    );
    return settled.map((result, index): Row => {
      const area = areas[index];
      if (result.status === 'fulfilled') {
        return { area, summary: area.summarize(result.value) };
      }
      return {
        area,
        summary: {
          state: 'Could not load',
          tone: 'warning',
          figure: null,
          problem: (result.reason as Error)?.message ?? String(result.reason),
        },
      };
    });
    // the entity's ref names it; the entity object changes on every catalog refresh
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [devopsApi, ref]);
}

/**
 * The DevOps summary for the entity's Overview: one row per area the entity's monitoring
 * annotation enables (its state, key figure and worst problem) and a link to the DevOps tab,
 * where the full cards are.
 */
export function DevopsSummaryCard() {
  const { entity } = useEntity();
  const classes = useCardStyles();
  const entityLink = useEntityRefLink();
  const areas = SUMMARY_AREAS.filter(area =>
    isDevopsAreaEnabled(entity, area.area),
  );
  const rows = useAreaRows(entity, areas);
  if (areas.length === 0) {
    return (
      <CardRoot name="summary">
        <MissingAreaAnnotation
          entity={entity}
          area={SUMMARY_AREAS[0].area}
          title={TITLE}
        />
      </CardRoot>
    );
  }
  let content;
  if (rows.error) {
    content = (
      <Typography variant="body2" color="error">
        {rows.error.message}
      </Typography>
    );
  } else if (!rows.value) {
    content = <Progress />;
  } else {
    content = (
      <ResponsiveTable
        label="DevOps areas"
        columns={COLUMNS}
        rows={rows.value}
        rowKey={row => row.area.area}
        rowProps={row => ({ 'data-area': row.area.area })}
        stackBelow={560}
      />
    );
  }
  return (
    <CardRoot name="summary">
      <InfoCard
        title={TITLE}
        className={classes.card}
        deepLink={{
          title: 'Open the DevOps tab',
          link: `${entityLink(entity)}/devops`,
        }}
      >
        {content}
      </InfoCard>
    </CardRoot>
  );
}
