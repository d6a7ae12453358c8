import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      'A preview environment for a pull request, torn down after three days',
    example: yaml.stringify({
      steps: [
        {
          id: 'preview',
          action: 'devops:environment:create',
          name: 'Create the preview environment',
          input: {
            entityRef: 'component:default/checkout',
            name: 'pr-123',
            basedOn: 'staging',
            timeToLive: '3d',
          },
        },
      ],
    }),
  },
  {
    description: 'An environment kept until deleted, with its own target',
    example: yaml.stringify({
      steps: [
        {
          id: 'environment',
          action: 'devops:environment:create',
          name: 'Create the load-test environment',
          input: {
            entityRef: 'component:default/checkout',
            name: 'loadtest',
            target: 'checkout-loadtest',
          },
        },
      ],
    }),
  },
];
