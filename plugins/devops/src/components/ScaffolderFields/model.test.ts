import {
  makeDeploysSummary,
  makeDryRun,
  makeSummaryWithPreviews,
} from '../../__fixtures__/deploysSummary';
import { formatDateTime } from '../shared';
import {
  allowedText,
  blockedText,
  chosenEntity,
  environmentOptions,
  fieldValue,
  toGatesValue,
  versionChoice,
} from './model';

const versions = {
  environment: 'production',
  available: ['1.5.0', '1.4.2', '1.4.1'],
  succeeded: [
    { version: '1.4.1', deployId: 'd0', at: '2025-03-09T10:12:00Z' },
    { version: '1.4.2', deployId: 'd1', at: '2025-03-10T10:04:05Z' },
    { version: '1.3.9', deployId: 'd-2', at: '2025-03-01T08:00:00Z' },
  ],
};

describe('scaffolder fields model', () => {
  it('reads the other fields, also inside objects', () => {
    const values = { entity: 'component:default/payments', svc: { env: 'x' } };
    expect(fieldValue(values, 'entity')).toBe('component:default/payments');
    expect(fieldValue(values, 'svc.env')).toBe('x');
    expect(fieldValue(values, 'svc.missing.deeper')).toBeUndefined();
    expect(fieldValue(undefined, 'entity')).toBeUndefined();
  });

  it('takes the entity from an entity ref, defaulting kind and namespace, or says what is missing', () => {
    expect(
      chosenEntity({ entity: 'component:default/payments' }, 'entity'),
    ).toEqual({
      ref: { kind: 'component', namespace: 'default', name: 'payments' },
    });
    expect(chosenEntity({ service: 'payments' }, 'service')).toEqual({
      ref: { kind: 'component', namespace: 'default', name: 'payments' },
    });
    expect(chosenEntity({}, 'service')).toEqual({
      problem: "Choose the entity (field 'service') first.",
    });
    expect(chosenEntity({ entity: '  ' }, 'entity')).toEqual({
      problem: "Choose the entity (field 'entity') first.",
    });
    expect(chosenEntity({ entity: 'component:default/' }, 'entity')).toEqual({
      problem:
        "The field 'entity' holds 'component:default/', which is not an entity ref: Entity reference \"component:default/\" was not on the form [<kind>:][<namespace>/]<name>",
    });
  });

  it('offers the configured environments, then the active previews, never one tearing down', () => {
    expect(environmentOptions(makeSummaryWithPreviews())).toEqual([
      { value: 'staging', label: 'staging' },
      { value: 'production', label: 'production' },
      { value: 'pr-42', label: 'pr-42 (preview based on staging)' },
    ]);
    expect(
      environmentOptions(makeDeploysSummary({ environments: [] })),
    ).toEqual([]);
    // a template deleting one: the per-entity environments alone
    expect(environmentOptions(makeSummaryWithPreviews(), true)).toEqual([
      { value: 'pr-42', label: 'pr-42 (preview based on staging)' },
    ]);
    expect(environmentOptions(makeDeploysSummary(), true)).toEqual([]);
  });

  it("offers the provider's versions to deploy, free text when it lists none, or says it has none", () => {
    expect(versionChoice('deploy', versions, '1.4.2')).toEqual({
      kind: 'list',
      options: [
        { value: '1.5.0', label: '1.5.0' },
        { value: '1.4.2', label: '1.4.2' },
        { value: '1.4.1', label: '1.4.1' },
      ],
    });
    expect(
      versionChoice('deploy', { ...versions, available: null }, null),
    ).toEqual({ kind: 'free' });
    expect(
      versionChoice('deploy', { ...versions, available: [] }, null),
    ).toEqual({
      kind: 'none',
      problem: 'The provider lists no version to deploy to production.',
    });
  });

  it('offers the earlier good versions to roll back to, newest first, with date and deploy, without the running one', () => {
    expect(versionChoice('rollback', versions, '1.4.2')).toEqual({
      kind: 'list',
      options: [
        {
          value: '1.4.1',
          label: `1.4.1 (deployed ${formatDateTime(
            '2025-03-09T10:12:00Z',
          )}, deploy d0)`,
        },
        {
          value: '1.3.9',
          label: `1.3.9 (deployed ${formatDateTime(
            '2025-03-01T08:00:00Z',
          )}, deploy d-2)`,
        },
      ],
    });
    // nothing runs there: every good version is a target
    const all = versionChoice('rollback', versions, null);
    expect(all.kind === 'list' && all.options.map(o => o.value)).toEqual([
      '1.4.2',
      '1.4.1',
      '1.3.9',
    ]);
    expect(
      versionChoice(
        'rollback',
        { ...versions, succeeded: [versions.succeeded[1]] },
        '1.4.2',
      ),
    ).toEqual({
      kind: 'none',
      problem: 'production has no earlier successful version to roll back to.',
    });
  });

  it('turns the dry run into the value and says what blocks or allows the action', () => {
    const allowed = toGatesValue(makeDryRun());
    expect(allowed).toEqual({
      allowed: true,
      environment: 'production',
      version: '1.5.0',
      failed: [],
      activeDeployId: null,
    });
    expect(blockedText(allowed, 'deploy')).toBeNull();
    expect(allowedText(allowed, 'deploy')).toBe(
      'The gates allow this deploy of 1.5.0 to production.',
    );
    expect(allowedText({ ...allowed, version: null }, 'rollback')).toBe(
      'The gates allow this rollback of production to its previous good version.',
    );

    const blocked = toGatesValue(
      makeDryRun({
        allowed: false,
        gates: [
          { gate: 'coverage', status: 'failed', message: 'coverage 61 %' },
          { gate: 'freeze-window', status: 'passed', message: 'none open' },
          { gate: 'compliance', status: 'failed', message: 'SOC 2 at 70' },
        ],
      }),
    );
    expect(blocked.allowed).toBe(false);
    expect(blocked.failed).toEqual(['coverage', 'compliance']);
    expect(blockedText(blocked, 'rollback')).toBe(
      'Failed gates block this rollback in production: coverage, compliance. Fix them, or have someone with the permission devops.deploy.gate.override override them on the Deploys card.',
    );

    // a template that offers overrides after the field says where to give them
    expect(blockedText(blocked, 'deploy', { allowBlocked: true })).toBe(
      'Failed gates block this deploy in production unless overridden: coverage, compliance. Fix them, or override each one with a reason in the overrides below (needs the permission devops.deploy.gate.override).',
    );

    // every gate passes, but a deploy is in flight: a start would answer 409
    const busy = toGatesValue(makeDryRun({ activeDeployId: 'd9' }));
    expect(busy.allowed).toBe(false);
    expect(blockedText(busy, 'promote')).toBe(
      'Deploy d9 is in flight in production: wait for it to finish before you promote.',
    );
  });
});
