import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      'Deploy a version to staging and wait until it has succeeded (the step fails if it is rolled back)',
    example: yaml.stringify({
      steps: [
        {
          id: 'deploy',
          action: 'devops:deploy',
          name: 'Deploy to staging',
          input: {
            entityRef: 'component:default/checkout',
            environment: 'staging',
            version: '1.4.2',
            commitSha: '4f1c2a9e0b7d3c5a8e6f1d2b3c4a5e6f7a8b9c0d',
          },
        },
      ],
    }),
  },
  {
    description:
      'Start a hotfix in production without waiting, overriding the promotion chain gate (it has not run in staging)',
    example: yaml.stringify({
      steps: [
        {
          id: 'deploy',
          action: 'devops:deploy',
          name: 'Start the production hotfix',
          input: {
            entityRef: 'component:default/checkout',
            environment: 'production',
            version: '1.4.3-hotfix.1',
            strategy: 'rolling',
            wait: false,
            overrides: [
              {
                gate: 'promotion-chain',
                reason:
                  'CHG-1234: checkout is down in production, no time for staging',
              },
            ],
          },
        },
      ],
    }),
  },
];
