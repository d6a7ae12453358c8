import { useMemo, useState } from 'react';
import Box from '@material-ui/core/Box';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import {
  Entity,
  getCompoundEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { InfoCard } from '@backstage/core-components';
import { CoverageSummary } from '@devops-growth/backstage-plugin-devops-common';
import { CoverageSummaryOptions } from '../../api';
import {
  AreaCard,
  AsyncCardContent,
  formatDateTime,
  RecommendationsSection,
  Section,
  shortSha,
  useCardStyles,
} from '../shared';
import { CoverageFigures } from './CoverageFigures';
import { CoverageTrendChart } from './CoverageTrendChart';
import { FlakyTests } from './FlakyTests';
import { QualityGateBadge } from './QualityGateBadge';
import { ReportPickers } from './ReportPickers';
import { SlowestTests } from './SlowestTests';
import { LeastCoveredFiles } from './LeastCoveredFiles';
import { PassRateTrendChart } from './PassRateTrendChart';
import { TestRunSummary } from './TestRunSummary';
import { UploadInstructions } from './UploadInstructions';
import {
  hasAnyReport,
  toCoverageFigures,
  toFlakyTestViews,
  toTestRunView,
} from './model';
import { useCoverageSummary } from './useCoverageSummary';

const TITLE = 'Coverage & tests';

function CoverageDetails(props: {
  summary: CoverageSummary;
  onSelect: (selection: CoverageSummaryOptions) => void;
}) {
  const { summary, onSelect } = props;
  const figures = useMemo(
    () => toCoverageFigures(summary.coverage),
    [summary.coverage],
  );
  const testRun = useMemo(() => toTestRunView(summary.tests), [summary.tests]);
  const flaky = useMemo(
    () => toFlakyTestViews(summary.tests.flaky),
    [summary.tests.flaky],
  );
  const latestCoverage = summary.coverage.latest;

  return (
    <>
      <Box
        display="flex"
        flexWrap="wrap"
        justifyContent="space-between"
        alignItems="center"
        style={{ gap: 16 }}
      >
        <ReportPickers summary={summary} onChange={onSelect} />
        <QualityGateBadge gate={summary.coverage.gate} />
      </Box>

      <Section title="Coverage">
        {latestCoverage ? (
          <>
            <Typography variant="body2" color="textSecondary" gutterBottom>
              Latest report: commit{' '}
              <code>{shortSha(latestCoverage.commitSha)}</code> on{' '}
              {latestCoverage.branch},{' '}
              {formatDateTime(latestCoverage.createdAt)}
            </Typography>
            <CoverageFigures figures={figures} />
          </>
        ) : (
          <Typography variant="body2" color="textSecondary">
            No coverage report yet.
          </Typography>
        )}
      </Section>

      <Section title="Coverage trend">
        <CoverageTrendChart
          trend={summary.coverage.trend}
          threshold={summary.coverage.gate.threshold}
        />
      </Section>

      <Grid container spacing={3}>
        <Grid item xs={12} md={6}>
          <Section title="Latest test run">
            <TestRunSummary run={testRun} />
            <PassRateTrendChart trend={summary.tests.trend} />
          </Section>
        </Grid>
        <Grid item xs={12} md={6}>
          <RecommendationsSection recommendations={summary.recommendations} />
        </Grid>
        <Grid item xs={12} md={6}>
          <Section title="Flaky tests">
            <FlakyTests
              tests={flaky}
              runsExamined={summary.tests.runsExamined}
            />
          </Section>
        </Grid>
        <Grid item xs={12} md={6}>
          <Section title="Slowest tests">
            <SlowestTests tests={summary.tests.slowest} />
          </Section>
        </Grid>
        {latestCoverage && (
          <Grid item xs={12}>
            <Section title="Least covered files">
              <LeastCoveredFiles files={summary.coverage.leastCoveredFiles} />
            </Section>
          </Grid>
        )}
      </Grid>
    </>
  );
}

function CoverageCardBody(props: { entity: Entity }) {
  const entityRef = getCompoundEntityRef(props.entity);
  const [selection, setSelection] = useState<CoverageSummaryOptions>({});
  const state = useCoverageSummary(entityRef, selection);
  const classes = useCardStyles();
  const { value } = state;
  const subheader =
    value && !state.error && hasAnyReport(value)
      ? `Report "${value.reportName}" on ${value.branch}`
      : undefined;
  return (
    <InfoCard title={TITLE} subheader={subheader} className={classes.card}>
      <AsyncCardContent state={state}>
        {summary =>
          hasAnyReport(summary) ? (
            <CoverageDetails summary={summary} onSelect={setSelection} />
          ) : (
            <UploadInstructions entityRef={stringifyEntityRef(entityRef)} />
          )
        }
      </AsyncCardContent>
    </InfoCard>
  );
}

/**
 * The "Coverage & tests" card: coverage figures with their change, the coverage trend, the
 * quality gate, the latest test run, flaky and slow tests and recommendations.
 */
export function DevopsCoverageCard() {
  return (
    <AreaCard area="coverage" title={TITLE}>
      {entity => (
        <CoverageCardBody key={stringifyEntityRef(entity)} entity={entity} />
      )}
    </AreaCard>
  );
}
