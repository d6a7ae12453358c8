import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      'Roll staging back to the previous good version and wait until it runs again',
    example: yaml.stringify({
      steps: [
        {
          id: 'rollback',
          action: 'devops:rollback',
          name: 'Roll staging back',
          input: {
            entityRef: 'component:default/checkout',
            environment: 'staging',
            reason: 'INC-42: checkout errors since 1.4.2',
          },
        },
      ],
    }),
  },
  {
    description: 'Roll back to a named version',
    example: yaml.stringify({
      steps: [
        {
          id: 'rollback',
          action: 'devops:rollback',
          name: 'Back to 1.4.0',
          input: {
            entityRef: 'component:default/checkout',
            environment: 'staging',
            version: '1.4.0',
            reason: 'INC-43: 1.4.1 leaks memory too',
          },
        },
      ],
    }),
  },
];
