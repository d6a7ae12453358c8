import {
  buildGithubActionsStep,
  buildSecurityUploadCommand,
} from './instructions';

const baseUrl = 'https://backstage.example.com/api/devops';

describe('buildSecurityUploadCommand', () => {
  it('uploads a SARIF file with the CI commit and branch, the entity readable', () => {
    expect(
      buildSecurityUploadCommand({
        baseUrl,
        entityRef: 'component:default/my service',
        format: 'sarif',
        file: 'results.sarif',
        contentType: 'application/json',
        withCommit: true,
      }),
    ).toBe(
      [
        'curl --fail-with-body -X POST \\',
        '  -H "Authorization: Bearer $BACKSTAGE_TOKEN" \\',
        '  -H "Content-Type: application/json" \\',
        '  --data-binary @results.sarif \\',
        `  "${baseUrl}/reports?entity=component:default/my%20service&format=sarif\\`,
        '&commit=$GIT_COMMIT&branch=$GIT_BRANCH"',
      ].join('\n'),
    );
  });

  it('pushes security events without a commit', () => {
    const command = buildSecurityUploadCommand({
      baseUrl,
      entityRef: 'component:default/payments',
      format: 'modsecurity',
      file: 'audit.log',
      contentType: 'application/json',
      withCommit: false,
    });
    expect(command.split('\n').at(-1)).toBe(
      `  "${baseUrl}/reports?entity=component:default/payments&format=modsecurity"`,
    );
    expect(command).not.toContain('commit');
  });
});

describe('buildGithubActionsStep', () => {
  it("uploads results.sarif with the workflow's commit and branch and the secret token", () => {
    const step = buildGithubActionsStep({
      baseUrl,
      entityRef: 'component:default/payments',
    });
    expect(step).toContain('BACKSTAGE_TOKEN: ${{ secrets.BACKSTAGE_TOKEN }}');
    expect(step).toContain('--data-binary @results.sarif');
    expect(step).toContain(
      `"${baseUrl}/reports?entity=component:default/payments&format=sarif&commit=$GITHUB_SHA&branch=$GITHUB_REF_NAME"`,
    );
    // a step of a job's steps list: every line indented under the first
    expect(
      step
        .split('\n')
        .slice(1)
        .every(line => line.startsWith('  ')),
    ).toBe(true);
  });
});
