import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import knexFactory from 'knex';
import {
  DeployDetail,
  isActiveDeployStatus,
} from '@devops-growth/backstage-plugin-devops-common';
import { BackendProcess, freePort, startBackend } from './backendProcess';
import { KillPoint } from './invocationChecks';
import { KillCase } from './killCases';
import { ApiClient, Scenario } from './scenario';

/*
 * One group of kill cases run by one backend on its own SQLite directory: start, hold every
 * deploy in its phase, SIGKILL, read where each deploy stood from the database file, release
 * the holds, start a new backend on the same database and wait until every deploy is final.
 */

export const OLD_VERSION = '1.0.0';
export const NEW_VERSION = '2.0.0';

/** What a group run leaves for the assertions. */
export interface KillGroupResult {
  scenario: Scenario;
  deployIds: Map<string, string>;
  kills: Map<string, KillPoint>;
  finals: Map<string, DeployDetail>;
  /** Cases that could not be set up (not held in their phase, refused), with the reason. */
  setupErrors: Map<string, string>;
  killed?: BackendProcess;
  restarted?: BackendProcess;
  timings: Record<string, number>;
}

const HOLD_TIMEOUT_MS = 90_000;
const FINAL_TIMEOUT_MS = 240_000;

function holdReached(
  scenario: Scenario,
  c: KillCase,
  deployId: string,
  detail: DeployDetail | undefined,
): boolean {
  if (c.hold === 'health' || c.hold === 'analysis') {
    return detail?.phase === c.hold;
  }
  return scenario
    .invocations()
    .some(
      r =>
        r.event === 'parked' &&
        r.deployId === deployId &&
        r.parkedAt === c.hold,
    );
}

function describeDeploy(detail: DeployDetail | undefined): string {
  if (!detail) return 'not found';
  const events = (detail.events ?? [])
    .slice(-6)
    .map(e => `${e.type}: ${e.message}`)
    .join(' | ');
  return `status ${detail.status}, phase ${detail.phase}, outcome ${detail.outcome}; last events: ${events}`;
}

async function readKillPoints(
  sqliteDir: string,
  ids: string[],
): Promise<Map<string, Omit<KillPoint, 'killedBackend' | 'restartedBackend'>>> {
  const knex = knexFactory({
    client: 'better-sqlite3',
    connection: { filename: join(sqliteDir, 'devops.sqlite') },
    useNullAsDefault: true,
  });
  try {
    const rows = await knex('devops_deploys')
      .whereIn('id', ids)
      .select('id', 'status', 'phase', 'step_index', 'steps', 'attempt');
    return new Map(
      rows.map(row => [
        row.id,
        {
          status: row.status,
          phase: row.phase,
          stepIndex: row.step_index,
          steps: JSON.parse(row.steps),
          attempt: row.attempt,
        },
      ]),
    );
  } finally {
    await knex.destroy();
  }
}

async function waitFinal(
  client: ApiClient,
  ids: string[],
  deadline: number,
): Promise<Map<string, DeployDetail>> {
  const finals = new Map<string, DeployDetail>();
  for (;;) {
    for (const id of ids.filter(i => !finals.has(i))) {
      const answer = await client.deploy(id);
      if (answer.status === 200 && !isActiveDeployStatus(answer.body.status)) {
        finals.set(id, answer.body);
      }
    }
    if (finals.size === ids.length || Date.now() > deadline) return finals;
    await sleep(500);
  }
}

/** Runs one group; never throws for a single case, only for a backend that does not start. */
export async function runKillGroup(options: {
  name: string;
  dir: string;
  bundle: string;
  cases: KillCase[];
}): Promise<KillGroupResult> {
  const { name, cases, bundle } = options;
  const scenario = Scenario.create(options.dir);
  const result: KillGroupResult = {
    scenario,
    deployIds: new Map(),
    kills: new Map(),
    finals: new Map(),
    setupErrors: new Map(),
    timings: {},
  };
  const t0 = Date.now();
  await scenario.metrics.start();
  const entities = scenario.entities(
    cases.map(c => ({
      name: c.entity,
      strategy: c.strategy,
      environments: [c.environment],
      performance: c.strategy === 'rolling',
    })),
  );
  const port = await freePort();
  const sqliteDir = join(options.dir, 'sqlite');
  const configFile = scenario.writeConfig({
    name,
    port,
    database: {
      client: 'better-sqlite3',
      connection: { directory: sqliteDir },
    },
    entities,
    environments: [
      { name: 'resumable', withStatus: true },
      { name: 'stateless', withStatus: false },
    ],
  });
  const start = (suffix: string) =>
    startBackend({
      name: `${name}-${suffix}`,
      bundle,
      configFile,
      port,
      logDir: options.dir,
    });

  scenario.log(`${name}: starting the first backend`);
  const first = await start('first');
  scenario.log(`${name}: first backend ${first.pid} answers`);
  result.killed = first;
  result.timings.firstStartMs = Date.now() - t0;
  const client = scenario.client(first.url);
  try {
    // Every deploy has something to roll back to: 1.0.0 pushed as succeeded, and running.
    for (const c of cases) {
      scenario.seedState(c.environment, c.entity, OLD_VERSION);
      const pushed = await client.recordPushed(
        c.entity,
        c.environment,
        OLD_VERSION,
      );
      if (pushed.status !== 201) {
        result.setupErrors.set(
          c.entity,
          `recording ${OLD_VERSION} as pushed answered ${
            pushed.status
          }: ${JSON.stringify(pushed.body)}`,
        );
      }
      if (c.hold === 'rollback') {
        scenario.fail(c.environment, c.entity, 'deploy');
        scenario.park(c.environment, c.entity, 'rollback');
      } else if (c.hold !== 'queued' && c.hold !== 'analysis') {
        scenario.park(c.environment, c.entity, c.hold);
      }
    }

    // A rolling deploy's analysis compares the performance samples after its change with those
    // before it: let the performance area collect a few first. The analysis is held by metrics
    // answering 503.
    const rolling = cases.filter(c => c.strategy === 'rolling');
    const samplesDeadline = Date.now() + 60_000;
    while (
      Date.now() < samplesDeadline &&
      rolling.some(
        c =>
          scenario.metrics.scrapes(c.environment, 'service') <
          4 * rolling.length,
      )
    ) {
      await sleep(500);
    }
    scenario.log(`${name}: performance samples collected`);
    if (cases.some(c => c.hold === 'analysis')) scenario.metrics.park();

    const startDeploy = async (c: KillCase) => {
      const answer = await client.startDeploy(c.entity, {
        environment: c.environment,
        version: NEW_VERSION,
      });
      if (answer.status === 201) result.deployIds.set(c.entity, answer.body.id);
      else {
        result.setupErrors.set(
          c.entity,
          `POST deploy answered ${answer.status}: ${JSON.stringify(
            answer.body,
          )}`,
        );
      }
    };
    const held = cases.filter(c => c.hold !== 'queued');
    await Promise.all(held.map(startDeploy));
    scenario.log(
      `${name}: started ${[...result.deployIds]
        .map(([entity, id]) => `${entity}=${id}`)
        .join(' ')}`,
    );

    // Wait until every deploy is held where it should be.
    const waiting = new Set(held.filter(c => result.deployIds.has(c.entity)));
    const holdDeadline = Date.now() + HOLD_TIMEOUT_MS;
    while (waiting.size > 0) {
      for (const c of [...waiting]) {
        const id = result.deployIds.get(c.entity)!;
        const answer = await client.deploy(id);
        const detail = answer.status === 200 ? answer.body : undefined;
        if (holdReached(scenario, c, id, detail)) {
          scenario.log(`${name}: ${c.entity} held at ${c.hold}`);
          waiting.delete(c);
        } else if (detail && !isActiveDeployStatus(detail.status)) {
          result.setupErrors.set(
            c.entity,
            `the deploy ended before it was held at ${c.hold}: ${describeDeploy(
              detail,
            )}`,
          );
          waiting.delete(c);
        } else if (Date.now() > holdDeadline) {
          result.setupErrors.set(
            c.entity,
            `not held at ${c.hold} within ${
              HOLD_TIMEOUT_MS / 1000
            } s: ${describeDeploy(detail)}`,
          );
          waiting.delete(c);
        }
      }
      if (waiting.size > 0) await sleep(300);
    }
    result.timings.heldMs = Date.now() - t0;

    // The queued cases start now, and the backend dies at once.
    await Promise.all(cases.filter(c => c.hold === 'queued').map(startDeploy));
  } finally {
    await first.kill();
  }
  result.timings.killedMs = Date.now() - t0;
  scenario.log(`${name}: killed ${first.pid}`);

  const ids = [...result.deployIds.values()];
  const points = await readKillPoints(sqliteDir, ids);
  scenario.unparkAll();
  scenario.metrics.unparkAll();

  const second = await start('restarted');
  result.restarted = second;
  scenario.log(`${name}: restarted backend ${second.pid} answers`);
  result.timings.restartedMs = Date.now() - t0;
  for (const [id, point] of points) {
    result.kills.set(id, {
      ...point,
      killedBackend: first.pid,
      restartedBackend: second.pid,
    });
  }
  try {
    result.finals = await waitFinal(
      scenario.client(second.url),
      ids,
      Date.now() + FINAL_TIMEOUT_MS,
    );
    // Unfinished ones as they are, for the failure message.
    for (const id of ids.filter(i => !result.finals.has(i))) {
      const answer = await scenario.client(second.url).deploy(id);
      if (answer.status === 200) result.finals.set(id, answer.body);
    }
  } finally {
    await second.stop();
    await scenario.metrics.stop();
  }
  result.timings.doneMs = Date.now() - t0;
  scenario.log(`${name}: done, ${result.finals.size} deploys read`);
  return result;
}
