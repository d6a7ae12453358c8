import { ReactNode, useMemo, useState } from 'react';
import Box from '@material-ui/core/Box';
import Grid from '@material-ui/core/Grid';
import LinearProgress from '@material-ui/core/LinearProgress';
import Typography from '@material-ui/core/Typography';
import {
  Entity,
  getCompoundEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import {
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import {
  MissingAnnotationEmptyState,
  useEntity,
} from '@backstage/plugin-catalog-react';
import {
  DEVOPS_MONITORING_ANNOTATION,
  QualitySummary,
} from '@devops-growth/backstage-plugin-devops-common';
import { QualitySummaryOptions } from '../../api';
import { isDevopsCoverageAvailable } from '../../conditions';
import { CoverageFigures } from './CoverageFigures';
import { CoverageTrendChart } from './CoverageTrendChart';
import { FlakyTests } from './FlakyTests';
import { QualityGateBadge } from './QualityGateBadge';
import { Recommendations } from './Recommendations';
import { ReportPickers } from './ReportPickers';
import { SlowestTests } from './SlowestTests';
import { LeastCoveredFiles } from './LeastCoveredFiles';
import { PassRateTrendChart } from './PassRateTrendChart';
import { TestRunSummary } from './TestRunSummary';
import { UploadInstructions } from './UploadInstructions';
import {
  formatDateTime,
  hasAnyReport,
  shortSha,
  sortRecommendations,
  toCoverageFigures,
  toFlakyTestViews,
  toTestRunView,
} from './model';
import { useQualitySummary } from './useQualitySummary';

const TITLE = 'Coverage & tests';

function Section(props: { title: string; children: ReactNode }) {
  return (
    <Box mt={3}>
      <Typography variant="h6" component="h3" gutterBottom>
        {props.title}
      </Typography>
      {props.children}
    </Box>
  );
}

function MissingAnnotation(props: { entity: Entity }) {
  const value =
    props.entity.metadata.annotations?.[DEVOPS_MONITORING_ANNOTATION];
  return (
    <InfoCard title={TITLE}>
      {value !== undefined && (
        <Typography variant="body2" gutterBottom>
          The annotation <code>{DEVOPS_MONITORING_ANNOTATION}</code> is set to{' '}
          <code>{value}</code>, which does not enable the <code>coverage</code>{' '}
          area. Add <code>coverage</code> to the list or set it to{' '}
          <code>enabled</code>.
        </Typography>
      )}
      <MissingAnnotationEmptyState annotation={DEVOPS_MONITORING_ANNOTATION} />
    </InfoCard>
  );
}

function QualityDetails(props: {
  summary: QualitySummary;
  onSelect: (selection: QualitySummaryOptions) => void;
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
  const recommendations = useMemo(
    () => sortRecommendations(summary.recommendations),
    [summary.recommendations],
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
          <Section title="Recommendations">
            <Recommendations recommendations={recommendations} />
          </Section>
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

function QualityCard(props: { entity: Entity }) {
  const entityRef = getCompoundEntityRef(props.entity);
  const [selection, setSelection] = useState<QualitySummaryOptions>({});
  const { value, loading, error } = useQualitySummary(entityRef, selection);

  let content: ReactNode;
  let subheader: string | undefined;
  if (error) {
    content = <ResponseErrorPanel error={error} />;
  } else if (!value) {
    content = <Progress />;
  } else if (!hasAnyReport(value)) {
    content = <UploadInstructions entityRef={stringifyEntityRef(entityRef)} />;
  } else {
    subheader = `Report "${value.reportName}" on ${value.branch}`;
    content = (
      <>
        {loading && <LinearProgress aria-label="Refreshing" />}
        <QualityDetails summary={value} onSelect={setSelection} />
      </>
    );
  }
  return (
    <InfoCard title={TITLE} subheader={subheader}>
      {content}
    </InfoCard>
  );
}

/**
 * The "Coverage & tests" card: coverage figures with their change, the coverage trend, the
 * quality gate, the latest test run, flaky and slow tests and recommendations.
 */
export function DevopsCoverageCard() {
  const { entity } = useEntity();
  if (!isDevopsCoverageAvailable(entity)) {
    return <MissingAnnotation entity={entity} />;
  }
  return <QualityCard key={stringifyEntityRef(entity)} entity={entity} />;
}
