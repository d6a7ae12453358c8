// The entities of the Security card API benchmark: services with every area enabled and the
// four built-in compliance frameworks; every third has no system, every fifth a runbook link.
export const entityName = i => `svc-${String(i).padStart(4, '0')}`;

export function benchEntities(count) {
  const entities = [];
  for (let i = 1; i <= count; i++) {
    entities.push({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: {
        name: entityName(i),
        namespace: 'default',
        annotations: {
          'devops-growth.io/monitoring': 'enabled',
          'devops-growth.io/compliance-frameworks':
            'soc2,gdpr,iso27001,pci-dss',
        },
        ...(i % 5 === 0
          ? {
              links: [
                {
                  url: 'https://runbooks.example.com/x',
                  title: 'Runbook',
                  type: 'runbook',
                },
              ],
            }
          : {}),
      },
      spec: {
        type: 'service',
        owner: 'team-a',
        lifecycle: 'production',
        ...(i % 3 === 0 ? {} : { system: 'shop' }),
      },
    });
  }
  return entities;
}
