import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { CodeSnippet, EmptyState } from '@backstage/core-components';
import {
  COVERAGE_FORMATS,
  TEST_FORMATS,
} from '@devops-growth/backstage-plugin-devops-common';
import { useDevopsBaseUrl } from '../shared';
import { buildUploadCommand } from './model';

/** The empty state: no report was uploaded yet, and how CI can upload one. */
export function UploadInstructions(props: { entityRef: string }) {
  const { entityRef } = props;
  const url = useDevopsBaseUrl();
  const coverageCommand = buildUploadCommand({
    baseUrl: url,
    entityRef,
    format: 'lcov',
    file: 'coverage/lcov.info',
    name: 'unit',
  });
  const testsCommand = buildUploadCommand({
    baseUrl: url,
    entityRef,
    format: 'junit',
    file: 'reports/junit.xml',
    name: 'unit',
  });
  return (
    <EmptyState
      missing="data"
      title="No coverage or test reports yet"
      description={
        <>
          Upload reports from CI after the tests ran. Coverage formats:{' '}
          {COVERAGE_FORMATS.join(', ')}; test formats: {TEST_FORMATS.join(', ')}
          . Use the same report name (for example <code>unit</code> or{' '}
          <code>e2e</code>) for the coverage and the test report of one suite.
          The token needs the <code>devops.report.create</code> permission.
        </>
      }
      action={
        <Box maxWidth="100%">
          <Typography variant="subtitle2">Coverage (LCOV)</Typography>
          <CodeSnippet
            language="bash"
            text={coverageCommand}
            showCopyCodeButton
          />
          <Box mt={2}>
            <Typography variant="subtitle2">
              Test results (JUnit XML)
            </Typography>
            <CodeSnippet
              language="bash"
              text={testsCommand}
              showCopyCodeButton
            />
          </Box>
        </Box>
      }
    />
  );
}
