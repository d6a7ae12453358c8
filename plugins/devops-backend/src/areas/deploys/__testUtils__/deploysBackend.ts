import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  AuthorizeResult,
  EvaluatePermissionRequest,
} from '@backstage/plugin-permission-common';
import { SignalPayload } from '@backstage/plugin-signals-node';
import { DeployProvider } from '@devops-growth/backstage-plugin-devops-node';
import { Knex } from 'knex';
import { Server } from 'node:http';
import { EntityAccess } from '../../../http';
import { createRouter } from '../../../router';
import { DatabaseDeployStore } from '../DatabaseDeployStore';
import { DeploysService } from '../DeploysService';
import { createDeploySignalPublisher } from '../deploySignals';
import { createDeploysRouter } from '../deploysRoutes';
import { computeDora } from '../dora';
import { DatabaseEnvironmentStore } from '../environments/DatabaseEnvironmentStore';
import { EnvironmentDirectory } from '../environments/EnvironmentDirectory';
import { EnvironmentsService } from '../environments/EnvironmentsService';
import { EnvironmentTeardownRunner } from '../environments/teardown';
import { createDeployGates } from '../gates';
import { DeployProviderRegistry } from '../providers';
import { readDeploySettings } from '../settings';

/** An audit event as the tests see it. */
export interface SeenAuditEvent {
  eventId: string;
  severityLevel?: string;
  meta: any;
  outcome?: 'success' | 'fail';
  result?: any;
}

/** A component of team-a that monitors deploys, with more annotations if given. */
export function deployableEntity(
  name: string,
  annotations: Record<string, string> = {},
): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name,
      namespace: 'default',
      annotations: { 'devops-growth.io/monitoring': 'deploy', ...annotations },
    },
    spec: { type: 'service', owner: 'team-a', lifecycle: 'production' },
  };
}

/** A provider the tests drive: lists versions, supports rolling and canary, records calls. */
export function testProvider(versions: string[] | undefined): DeployProvider {
  return {
    id: 'test',
    strategies: ['rolling', 'canary'],
    resumable: false,
    listVersions: async () => versions,
    deploy: async () => {},
    setWeight: async () => {},
    rollback: async () => {},
    status: async () => ({ version: null, healthy: true }),
  };
}

/**
 * A backend with the deploys routes over the real store (on the given database), the real
 * gates, service and signal publisher, a test provider, and no engine: deploys stay `queued`,
 * so conflicts are deterministic; `wakes` counts the engine wake-ups the service asked for.
 * The per-entity environment routes run over the real environment store; `teardown` is the
 * real teardown runner, whose kicks after a delete `teardownKicks` counts (it is not run by
 * itself: a test runs it).
 */
export async function startDeploysBackend(options: {
  knex: Knex;
  entities: Entity[];
  deploys: object;
  provider?: DeployProvider;
  denied?: string[];
}): Promise<{
  server: Server;
  audit: SeenAuditEvent[];
  signals: SignalPayload[];
  engine: { wakes: number };
  permissionRequests: EvaluatePermissionRequest[];
  teardown: EnvironmentTeardownRunner;
  teardownKicks: { count: number };
}> {
  const audit: SeenAuditEvent[] = [];
  const signals: SignalPayload[] = [];
  const permissionRequests: EvaluatePermissionRequest[] = [];
  const engine = { wakes: 0, wake: () => engine.wakes++ };
  const teardownKicks = { count: 0 };
  let teardown: EnvironmentTeardownRunner | undefined;
  const auditor = mockServices.auditor.mock({
    createEvent: jest.fn(async (o: any) => {
      const event: SeenAuditEvent = {
        eventId: o.eventId,
        severityLevel: o.severityLevel,
        meta: o.meta,
      };
      audit.push(event);
      return {
        success: jest.fn(async (s?: any) => {
          event.outcome = 'success';
          event.result = s?.meta;
        }),
        fail: jest.fn(async (f: any) => {
          event.outcome = 'fail';
          event.result = f.error.message;
        }),
      };
    }),
  });
  const plugin = createBackendPlugin({
    pluginId: 'devops',
    register(env) {
      env.registerInit({
        deps: {
          config: coreServices.rootConfig,
          logger: coreServices.logger,
          auth: coreServices.auth,
          httpAuth: coreServices.httpAuth,
          httpRouter: coreServices.httpRouter,
          permissions: coreServices.permissions,
          auditor: coreServices.auditor,
          catalog: catalogServiceRef,
        },
        async init(deps) {
          const settings = readDeploySettings(deps.config);
          const store = new DatabaseDeployStore(options.knex);
          const providers = new DeployProviderRegistry();
          providers.add(options.provider ?? testProvider(undefined));
          const environmentStore = new DatabaseEnvironmentStore(options.knex);
          const environments = new EnvironmentDirectory({
            settings,
            store: environmentStore,
          });
          teardown = new EnvironmentTeardownRunner({
            settings,
            config: deps.config,
            store: environmentStore,
            deploys: store,
            providers,
            logger: deps.logger,
          });
          const environmentsService = new EnvironmentsService({
            settings,
            store: environmentStore,
            deploys: store,
            providers,
            teardown: { kick: () => teardownKicks.count++ },
            logger: deps.logger,
          });
          const service = new DeploysService({
            settings,
            config: deps.config,
            store,
            environments,
            providers,
            gates: createDeployGates({ settings, store }),
            engine,
            computeDora,
            notify: createDeploySignalPublisher(
              {
                publish: async s => {
                  signals.push(s as SignalPayload);
                },
              },
              deps.logger,
            ),
            logger: deps.logger,
          });
          const access = new EntityAccess(deps);
          deps.httpRouter.use(
            createRouter([
              createDeploysRouter(
                { access, auditor: deps.auditor },
                service,
                environmentsService,
              ),
            ]),
          );
        },
      });
    },
  });
  const backend = await startTestBackend({
    features: [
      plugin,
      auditor.factory,
      catalogServiceMock.factory({ entities: options.entities }),
      mockServices.rootConfig.factory({
        data: { devops: { deploys: options.deploys } },
      }),
      mockServices.permissions.mock({
        // Decisions by permission name; every request is recorded.
        authorize: async requests => {
          permissionRequests.push(...(requests as EvaluatePermissionRequest[]));
          return requests.map(r => ({
            result: options.denied?.includes(r.permission.name)
              ? AuthorizeResult.DENY
              : AuthorizeResult.ALLOW,
          }));
        },
      }).factory,
    ],
  });
  return {
    server: backend.server,
    audit,
    signals,
    engine,
    permissionRequests,
    teardown: teardown!,
    teardownKicks,
  };
}
