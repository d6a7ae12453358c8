import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description: 'Delete a preview environment once its pull request is merged',
    example: yaml.stringify({
      steps: [
        {
          id: 'teardown',
          action: 'devops:environment:delete',
          name: 'Delete the preview environment',
          input: {
            entityRef: 'component:default/checkout',
            name: 'pr-123',
            reason: 'pull request 123 merged',
          },
        },
      ],
    }),
  },
  {
    description:
      'Delete an environment and wait until its provider has removed it',
    example: yaml.stringify({
      steps: [
        {
          id: 'teardown',
          action: 'devops:environment:delete',
          name: 'Tear the load-test environment down',
          input: {
            entityRef: 'component:default/checkout',
            name: 'loadtest',
            wait: true,
            timeout: '10m',
          },
        },
      ],
    }),
  },
];
