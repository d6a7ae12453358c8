import { DeployStrategy } from '@devops-growth/backstage-plugin-devops-common';

/*
 * The kill -9 cases: one deploy per strategy, phase and kind of environment, each held in its
 * phase (a parked script, an unhealthy status, unavailable metrics) when the backend is killed.
 */

/** `resumable` has a status command, `stateless` none. */
export type EnvironmentKind = 'resumable' | 'stateless';

/** Where the deploy is held when the backend is killed. */
export type Hold =
  /** Started just before the kill: queued, or claimed and barely started. */
  | 'queued'
  | 'deploy'
  | 'health'
  | 'analysis'
  | 'set-weight-50'
  | 'set-weight-100'
  | 'switch'
  | 'promote'
  /** The deploy command fails and the rollback is held. */
  | 'rollback';

export interface KillCase {
  /** The entity's name, also the deploy target. */
  entity: string;
  strategy: DeployStrategy;
  environment: EnvironmentKind;
  hold: Hold;
  /** The phase the database must show at the kill (`undefined`: queued or just claimed). */
  phase: string | undefined;
}

const PHASE_OF: Record<Hold, string | undefined> = {
  queued: undefined,
  deploy: 'deploy',
  health: 'health',
  analysis: 'analysis',
  'set-weight-50': 'step',
  'set-weight-100': 'step',
  switch: 'switch',
  promote: 'promote',
  rollback: 'rollback',
};

const HOLDS: Record<DeployStrategy, Hold[]> = {
  rolling: ['deploy', 'health', 'analysis', 'promote', 'rollback', 'queued'],
  'blue-green': ['deploy', 'health', 'analysis', 'switch'],
  canary: [
    'deploy',
    'health',
    'set-weight-50',
    'analysis',
    'set-weight-100',
    'promote',
  ],
};

/**
 * Without a status command every interrupted deploy rolls back the same way whatever its phase;
 * what differs is what the rollback undoes (a canary's weight, a blue-green switch, a rolling
 * replacement), so these cover each strategy once, and the phases around the analysis.
 */
const STATELESS: Array<[DeployStrategy, Hold]> = [
  ['rolling', 'deploy'],
  ['rolling', 'rollback'],
  ['rolling', 'queued'],
  ['blue-green', 'switch'],
  ['canary', 'set-weight-50'],
  ['canary', 'analysis'],
];

/**
 * Every strategy in every phase it has with a status command (resumable), and the
 * {@link STATELESS} cases without one (the health check cannot be held there: the provider
 * reports healthy at once).
 */
export function killCases(): KillCase[] {
  const make = (
    strategy: DeployStrategy,
    hold: Hold,
    environment: EnvironmentKind,
  ): KillCase => ({
    entity: `${strategy}-${hold}-${environment}`.slice(0, 63),
    strategy,
    environment,
    hold,
    phase: PHASE_OF[hold],
  });
  return [
    ...(Object.keys(HOLDS) as DeployStrategy[]).flatMap(strategy =>
      HOLDS[strategy].map(hold => make(strategy, hold, 'resumable')),
    ),
    ...STATELESS.map(([strategy, hold]) => make(strategy, hold, 'stateless')),
  ];
}

/**
 * Splits the cases into groups, each run by its own backend: the engine works on at most 10
 * deploys at once per backend and a held deploy keeps its slot; the analysis holds (metrics
 * unavailable for the whole backend) get a group of their own, with the queued cases.
 */
export function groupCases(cases: KillCase[], maxPerGroup = 8): KillCase[][] {
  const analysis = cases.filter(
    c => c.hold === 'analysis' || c.hold === 'queued',
  );
  const rest = cases.filter(c => !analysis.includes(c));
  const groups: KillCase[][] = [analysis];
  const count = Math.ceil(rest.length / maxPerGroup);
  for (let i = 0; i < count; i++) groups.push([]);
  rest.forEach((c, i) => groups[1 + (i % count)].push(c));
  return groups;
}
