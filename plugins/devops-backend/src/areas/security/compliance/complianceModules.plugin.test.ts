import { createBackendModule } from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  ComplianceCheck,
  ComplianceFramework,
  devopsComplianceExtensionPoint,
} from '@devops-growth/backstage-plugin-devops-node';
import request from 'supertest';
import { devopsPlugin } from '../../../plugin';

jest.setTimeout(60_000);

const payments: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'payments',
    namespace: 'default',
    annotations: {
      'devops-growth.io/monitoring': 'security',
      'devops-growth.io/compliance-frameworks': 'acme-policy,soc2',
      'acme.com/data-class': 'confidential',
    },
  },
  spec: { type: 'service', owner: 'group:default/team-a' },
};

/** The docs' example module: a check and a framework through the extension point. */
const classification: ComplianceCheck = {
  id: 'acme.data-classification',
  title: 'A data classification is recorded in the catalog',
  evaluate: ({ entity }) => {
    const value = entity.metadata.annotations?.['acme.com/data-class'];
    return value
      ? { status: 'passed', value: `data class ${value}` }
      : { status: 'failed', value: 'no acme.com/data-class annotation' };
  },
};
const acmePolicy: ComplianceFramework = {
  id: 'acme-policy',
  title: 'ACME security policy (automated evidence)',
  version: '2026.1',
  controls: [
    {
      id: 'SP-1',
      title: 'Data is classified and owned',
      weight: 2,
      checks: ['acme.data-classification', 'catalog.owner'],
    },
    {
      id: 'SP-2',
      title: 'Weaknesses are fixed in time',
      checks: ['security.scan-fresh', 'security.findings-within-sla'],
    },
  ],
};

function moduleWith(
  moduleId: string,
  add: { checks?: ComplianceCheck[]; frameworks?: ComplianceFramework[] },
) {
  return createBackendModule({
    pluginId: 'devops',
    moduleId,
    register(reg) {
      reg.registerInit({
        deps: { compliance: devopsComplianceExtensionPoint },
        async init({ compliance }) {
          compliance.addCheck(...(add.checks ?? []));
          compliance.addFramework(...(add.frameworks ?? []));
        },
      });
    },
  });
}

describe('compliance frameworks and checks of modules', () => {
  it('are evaluated like the built-in ones and served with their evidence', async () => {
    const backend = await startTestBackend({
      features: [
        devopsPlugin,
        moduleWith('acme-compliance', {
          checks: [classification],
          frameworks: [acmePolicy],
        }),
        catalogServiceMock.factory({ entities: [payments] }),
        mockServices.rootConfig.factory({ data: {} }),
      ],
    });
    const res = await request(backend.server).get(
      '/api/devops/entities/component/default/payments/security/compliance/acme-policy',
    );
    expect(res.status).toBe(200);
    // SP-1 passes (classified and owned); SP-2: no scan was ever uploaded, so the scan check
    // fails and the SLA check is not evaluated.
    expect(res.body).toMatchObject({
      frameworkId: 'acme-policy',
      title: 'ACME security policy (automated evidence)',
      score: 66.7,
      passed: 1,
      failed: 1,
      notEvaluated: 0,
    });
    expect(
      res.body.controls[0].evidence.map((e: any) => [
        e.checkId,
        e.status,
        e.value,
      ]),
    ).toEqual([
      ['acme.data-classification', 'passed', 'data class confidential'],
      ['catalog.owner', 'passed', 'owner group:default/team-a'],
    ]);
    expect(res.body.history).toHaveLength(1);
    await backend.stop();
  });

  it('fail the start-up when two modules register the same check', async () => {
    await expect(
      startTestBackend({
        features: [
          devopsPlugin,
          moduleWith('one', { checks: [classification] }),
          moduleWith('two', { checks: [classification] }),
          catalogServiceMock.factory({ entities: [payments] }),
          mockServices.rootConfig.factory({ data: {} }),
        ],
      }),
    ).rejects.toThrow(
      "Compliance check 'acme.data-classification' is registered twice",
    );
  });
});
