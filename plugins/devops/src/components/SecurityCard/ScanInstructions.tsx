import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { CodeSnippet, EmptyState } from '@backstage/core-components';
import { devopsReportCreatePermission } from '@devops-growth/backstage-plugin-devops-common';
import { useDevopsBaseUrl } from '../shared';
import {
  buildGithubActionsStep,
  buildSecurityUploadCommand,
  MODSECURITY_FORMAT,
  SARIF_FORMAT,
} from './instructions';

/**
 * The empty state: no scan was uploaded for the entity yet. How CI uploads a SARIF file (curl and
 * a GitHub Actions step) and how a WAF's ModSecurity audit log is pushed.
 */
export function ScanInstructions(props: { entityRef: string }) {
  const { entityRef } = props;
  const url = useDevopsBaseUrl();
  return (
    <EmptyState
      missing="data"
      title="No security scan yet"
      description={
        <>
          Upload the SARIF 2.1.0 file of any scanner (CodeQL, Semgrep, Trivy,
          ESLint's SARIF formatter …) from CI after it ran;{' '}
          <code>npm-audit</code> (<code>npm audit --json</code>) and{' '}
          <code>trivy</code> (Trivy's JSON) are accepted too. Findings are
          tracked per branch, tool and scan category. The token needs the{' '}
          <code>{devopsReportCreatePermission.name}</code> permission.
        </>
      }
      action={
        <Box maxWidth="100%">
          <Typography variant="subtitle2">SARIF from CI (curl)</Typography>
          <CodeSnippet
            language="bash"
            text={buildSecurityUploadCommand({
              baseUrl: url,
              entityRef,
              format: SARIF_FORMAT,
              file: 'results.sarif',
              contentType: 'application/json',
              withCommit: true,
            })}
            showCopyCodeButton
          />
          <Box mt={2}>
            <Typography variant="subtitle2">GitHub Actions step</Typography>
            <CodeSnippet
              language="yaml"
              text={buildGithubActionsStep({ baseUrl: url, entityRef })}
              showCopyCodeButton
            />
          </Box>
          <Box mt={2}>
            <Typography variant="subtitle2">
              WAF events (ModSecurity JSON audit log)
            </Typography>
            <Typography variant="body2" color="textSecondary">
              Injection attempts and other attacks come from the events a WAF or
              IDS pushes, for example ModSecurity with{' '}
              <code>SecAuditLogFormat JSON</code>:
            </Typography>
            <CodeSnippet
              language="bash"
              text={buildSecurityUploadCommand({
                baseUrl: url,
                entityRef,
                format: MODSECURITY_FORMAT,
                file: '/var/log/apache2/modsec_audit.log',
                contentType: 'application/json',
                withCommit: false,
              })}
              showCopyCodeButton
            />
          </Box>
        </Box>
      }
    />
  );
}
