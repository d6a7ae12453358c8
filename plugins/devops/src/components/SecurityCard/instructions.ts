/*
 * The commands of the card's empty state: how CI uploads a SARIF file (curl and GitHub Actions)
 * and how a WAF's ModSecurity audit log is pushed.
 */

/** The upload formats the instructions name. */
export const SARIF_FORMAT = 'sarif';
export const MODSECURITY_FORMAT = 'modsecurity';

/** `component:default/x` for a query string, keeping `:` and `/` readable. */
function entityParam(entityRef: string): string {
  return encodeURIComponent(entityRef)
    .replace(/%3A/gi, ':')
    .replace(/%2F/gi, '/');
}

/**
 * The curl command uploading a report of `format` from `file` for the entity, with the commit and
 * branch of the CI run (`$GIT_COMMIT`, `$GIT_BRANCH`) and the token in `$BACKSTAGE_TOKEN`.
 */
export function buildSecurityUploadCommand(options: {
  /** The devops backend's base URL, for example `https://backstage.example.com/api/devops`. */
  baseUrl: string;
  entityRef: string;
  format: string;
  file: string;
  contentType: string;
  /** Add the commit and branch (scanner reports); security events have neither. */
  withCommit: boolean;
}): string {
  const { baseUrl, entityRef, format, file, contentType, withCommit } = options;
  const lines = [
    'curl --fail-with-body -X POST \\',
    '  -H "Authorization: Bearer $BACKSTAGE_TOKEN" \\',
    `  -H "Content-Type: ${contentType}" \\`,
    `  --data-binary @${file} \\`,
  ];
  const url = `${baseUrl}/reports?entity=${entityParam(
    entityRef,
  )}&format=${encodeURIComponent(format)}`;
  if (withCommit) {
    // Inside double quotes a backslash-newline is removed by the shell: one URL, two lines.
    lines.push(`  "${url}\\`, '&commit=$GIT_COMMIT&branch=$GIT_BRANCH"');
  } else {
    lines.push(`  "${url}"`);
  }
  return lines.join('\n');
}

/**
 * A GitHub Actions step uploading `results.sarif` for the entity, with the workflow's commit and
 * branch and the token from the repository secret `BACKSTAGE_TOKEN`.
 */
export function buildGithubActionsStep(options: {
  baseUrl: string;
  entityRef: string;
}): string {
  const url = `${options.baseUrl}/reports?entity=${entityParam(
    options.entityRef,
  )}&format=${SARIF_FORMAT}`;
  return [
    '- name: Upload the SARIF report to Backstage',
    '  if: always()',
    '  env:',
    '    BACKSTAGE_TOKEN: ${{ secrets.BACKSTAGE_TOKEN }}',
    '  run: |',
    '    curl --fail-with-body -X POST \\',
    '      -H "Authorization: Bearer $BACKSTAGE_TOKEN" \\',
    '      -H "Content-Type: application/json" \\',
    '      --data-binary @results.sarif \\',
    `      "${url}&commit=$GITHUB_SHA&branch=$GITHUB_REF_NAME"`,
  ].join('\n');
}
