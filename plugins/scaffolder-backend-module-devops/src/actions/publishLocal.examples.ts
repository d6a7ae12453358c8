import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      'Publish the generated files as a local repository and register its catalog-info.yaml',
    example: yaml.stringify({
      steps: [
        {
          id: 'publish',
          action: 'devops:publish:local',
          name: 'Publish',
          input: { name: 'payments' },
        },
        {
          id: 'register',
          action: 'catalog:register',
          name: 'Register in the catalog',
          input: {
            catalogInfoUrl: '${{ steps.publish.output.catalogInfoUrl }}',
          },
        },
      ],
    }),
  },
  {
    description:
      'Publish one directory of the workspace again, replacing the earlier version',
    example: yaml.stringify({
      steps: [
        {
          id: 'publish',
          action: 'devops:publish:local',
          name: 'Publish the service',
          input: { name: 'payments', sourcePath: 'service', overwrite: true },
        },
      ],
    }),
  },
];
