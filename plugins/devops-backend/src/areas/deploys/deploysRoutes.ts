import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { InputError, NotFoundError } from '@backstage/errors';
import { ResourcePermission } from '@backstage/plugin-permission-common';
import { JsonObject } from '@backstage/types';
import {
  abortRequestSchema,
  Deploy,
  deployEnvironmentSchema,
  deployRequestSchema,
  devopsDeployAbortPermission,
  devopsDeployEnvironmentPermission,
  devopsDeployCreatePermission,
  devopsDeployGateOverridePermission,
  devopsDeployPromotePermission,
  devopsDeployRecordPermission,
  devopsDeployRollbackPermission,
  devopsReadPermission,
  incidentSchema,
  promoteRequestSchema,
  pushedDeploySchema,
  rollbackRequestSchema,
} from '@devops-growth/backstage-plugin-devops-common';
import express, { Request } from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import {
  auditedMutation,
  EntityRouteParams,
  jsonBody,
  parseRequest,
  withAudit,
} from '../../http';
import { AreaContext } from '../types';
import { DeploysService, StartedDeploy } from './DeploysService';
import { createEnvironmentsRouter } from './environments/environmentsRoutes';
import { EnvironmentsService } from './environments/EnvironmentsService';

const historyQuerySchema = z.object({
  environment: deployEnvironmentSchema.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});
const versionsQuerySchema = z.object({ environment: deployEnvironmentSchema });
const MAX_MARKER_SPAN_MS = 366 * 86_400_000;
const markersQuerySchema = z
  .object({
    from: z
      .string()
      .datetime({ offset: true, message: 'from must be an ISO 8601 time' }),
    to: z
      .string()
      .datetime({ offset: true, message: 'to must be an ISO 8601 time' }),
  })
  .transform(q => ({ from: new Date(q.from), to: new Date(q.to) }))
  .refine(q => q.to.getTime() > q.from.getTime(), 'to must be after from')
  .refine(
    q => q.to.getTime() - q.from.getTime() <= MAX_MARKER_SPAN_MS,
    'from and to must be at most 366 days apart',
  );
const dryRunSchema = z.discriminatedUnion('action', [
  deployRequestSchema.extend({ action: z.literal('deploy') }),
  promoteRequestSchema.extend({ action: z.literal('promote') }),
  rollbackRequestSchema.partial({ reason: true }).extend({
    action: z.literal('rollback'),
  }),
]);
const deployIdSchema = z.string().uuid('id must be a deploy id');

/** The permission each action of a deploy request needs on the entity. */
const ACTION_PERMISSIONS = {
  deploy: devopsDeployCreatePermission,
  promote: devopsDeployPromotePermission,
  rollback: devopsDeployRollbackPermission,
} as const;

/** The body with the `Idempotency-Key` header as its key when the body has none. */
function withIdempotencyKey(req: Request): unknown {
  const header = req.header('idempotency-key');
  const body = req.body;
  if (header === undefined || !body || typeof body !== 'object') return body;
  return { idempotencyKey: header, ...body };
}

/** What every audit event of a deploy keeps. */
function deployMeta(deploy: Deploy, actor: string): JsonObject {
  return {
    entityRef: deploy.entityRef,
    environment: deploy.environment,
    version: deploy.version,
    deployId: deploy.id,
    actor,
  };
}

/**
 * The deploys routes (see the API in the backend README): the card's summary, history,
 * versions and markers, dry runs, starts, promotions, rollbacks, pushed deploys and incidents
 * under `/entities/:kind/:namespace/:name/deploys`, a deploy and its abort under `/deploys/:id`,
 * and the per-entity environments under `/entities/:kind/:namespace/:name/environments`.
 * HTTP mapping only: parse, authorize on the entity, call the service, audit, answer.
 */
export function createDeploysRouter(
  context: Pick<AreaContext, 'access' | 'auditor'>,
  service: DeploysService,
  environments?: EnvironmentsService,
): express.Router {
  const { access, auditor } = context;
  const router = Router();
  if (environments) {
    router.use(createEnvironmentsRouter(context, environments));
  }
  const base = '/entities/:kind/:namespace/:name/deploys';
  const params = (req: Request) => req.params as unknown as EntityRouteParams;

  /**
   * The entity of a route, with the action's permission, the environment's
   * (`devops.deploy.environment.<name>`, when the action is in one) and, for overrides, the
   * override one.
   */
  async function authorizedEntity(
    req: Request,
    credentials: BackstageCredentials,
    permission: ResourcePermission<'catalog-entity'>,
    environment: string | undefined,
    overrides?: unknown[],
  ): Promise<Entity> {
    const entity = await access.loadAreaEntity(
      params(req),
      credentials,
      'deploy',
    );
    await access.authorizeEntity(credentials, permission, entity);
    if (environment !== undefined) {
      await authorizeEnvironment(credentials, entity, environment);
    }
    await authorizeOverrides(credentials, entity, overrides);
    return entity;
  }

  /** The environment's permission on the entity (a per-entity environment: its base's). */
  async function authorizeEnvironment(
    credentials: BackstageCredentials,
    entity: Entity,
    environment: string,
  ) {
    await access.authorizeEntity(
      credentials,
      devopsDeployEnvironmentPermission(
        await service.permissionEnvironment(entity, environment),
      ),
      entity,
    );
  }

  /** Gate overrides need the override permission on the entity as well. */
  async function authorizeOverrides(
    credentials: BackstageCredentials,
    entity: Entity,
    overrides: unknown[] | undefined,
  ) {
    if (!overrides?.length) return;
    await access.authorizeEntity(
      credentials,
      devopsDeployGateOverridePermission,
      entity,
    );
  }

  /** One audit event per overridden gate of a new deploy (severity high). */
  async function auditOverrides(req: Request, deploy: Deploy, actor: string) {
    for (const gate of deploy.gates) {
      if (gate.status !== 'overridden' || !gate.override) continue;
      await withAudit(
        auditor,
        {
          eventId: 'deploy-gate-override',
          request: req,
          severityLevel: 'high',
          meta: {
            ...deployMeta(deploy, actor),
            gate: gate.gate,
            reason: gate.override.reason,
            message: gate.message,
            ...(gate.override.expiresAt
              ? { expiresAt: gate.override.expiresAt }
              : {}),
          },
        },
        async () => ({ result: undefined }),
      );
    }
  }

  /** `POST base[/promote|/rollback]`: a new deploy through the engine, audited, 201 or 200 for a used key. */
  function startRoute<T extends object>(route: {
    path: string;
    eventId: string;
    what: string;
    schema: z.ZodType<T>;
    permission: ResourcePermission<'catalog-entity'>;
    /** Whether the body's environment's permission is asked too (not for records of the past). */
    inEnvironment: boolean;
    start: (entity: Entity, body: T, actor: string) => Promise<StartedDeploy>;
  }) {
    router.post(route.path, jsonBody, async (req, res) => {
      const started = await auditedMutation(
        context,
        req,
        {
          eventId: route.eventId,
          meta: {
            entityRef: stringifyEntityRef(params(req)),
            environment: req.body?.environment ?? null,
            version: req.body?.version ?? null,
          },
        },
        async credentials => {
          const body = parseRequest(
            route.schema,
            withIdempotencyKey(req),
            route.what,
          );
          const entity = await authorizedEntity(
            req,
            credentials,
            route.permission,
            route.inEnvironment
              ? (body as { environment: string }).environment
              : undefined,
          );
          const actor = access.actorOf(credentials);
          // A retry answers the first deploy: no planning, gates or override check again.
          const key = (body as { idempotencyKey?: string }).idempotencyKey;
          const earlier = await service.earlierDeploy(entity, key);
          if (!earlier && 'overrides' in body) {
            await authorizeOverrides(
              credentials,
              entity,
              body.overrides as unknown[] | undefined,
            );
          }
          const result = earlier ?? (await route.start(entity, body, actor));
          if (result.created) await auditOverrides(req, result.deploy, actor);
          return {
            result,
            meta: {
              ...deployMeta(result.deploy, actor),
              created: result.created,
            },
          };
        },
      );
      res.status(started.created ? 201 : 200).json(started.deploy);
    });
  }

  router.get(base, async (req, res) => {
    const entity = await access.readAreaEntity(req, 'deploy');
    res.json(await service.summary(entity));
  });

  router.get(`${base}/history`, async (req, res) => {
    const query = parseRequest(historyQuerySchema, req.query, 'history query');
    const entity = await access.readAreaEntity(req, 'deploy');
    res.json(await service.listHistory(entity, query));
  });

  router.get(`${base}/versions`, async (req, res) => {
    const query = parseRequest(
      versionsQuerySchema,
      req.query,
      'versions query',
    );
    const entity = await access.readAreaEntity(req, 'deploy');
    res.json(await service.versions(entity, query.environment));
  });

  router.get(`${base}/markers`, async (req, res) => {
    const query = parseRequest(markersQuerySchema, req.query, 'markers query');
    const entity = await access.readAreaEntity(req, 'deploy');
    res.json({ markers: await service.markers(entity, query.from, query.to) });
  });

  router.post(`${base}/dry-run`, jsonBody, async (req, res) => {
    const credentials = await access.httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const body = parseRequest(dryRunSchema, req.body, 'dry run request');
    const entity = await authorizedEntity(
      req,
      credentials,
      ACTION_PERMISSIONS[body.action],
      body.environment,
      body.overrides,
    );
    res.json(await service.dryRun(entity, body, access.actorOf(credentials)));
  });

  startRoute({
    path: base,
    eventId: 'deploy-create',
    what: 'deploy request',
    schema: deployRequestSchema,
    permission: devopsDeployCreatePermission,
    inEnvironment: true,
    start: (entity, body, actor) =>
      service.start(entity, { ...body, kind: 'deploy' }, actor),
  });

  startRoute({
    path: `${base}/promote`,
    eventId: 'deploy-promote',
    what: 'promote request',
    schema: promoteRequestSchema,
    permission: devopsDeployPromotePermission,
    inEnvironment: true,
    start: (entity, body, actor) => service.promote(entity, body, actor),
  });

  startRoute({
    path: `${base}/rollback`,
    eventId: 'deploy-rollback',
    what: 'rollback request',
    schema: rollbackRequestSchema,
    permission: devopsDeployRollbackPermission,
    inEnvironment: true,
    start: (entity, body, actor) => service.rollback(entity, body, actor),
  });

  startRoute({
    path: `${base}/pushed`,
    eventId: 'deploy-record',
    what: 'pushed deploy',
    schema: pushedDeploySchema,
    permission: devopsDeployRecordPermission,
    inEnvironment: false,
    start: (entity, body, actor) => service.recordPushed(entity, body, actor),
  });

  router.post(`${base}/incidents`, jsonBody, async (req, res) => {
    const recorded = await auditedMutation(
      context,
      req,
      {
        eventId: 'deploy-incident',
        meta: { environment: req.body?.environment ?? null },
      },
      async credentials => {
        const body = parseRequest(
          incidentSchema,
          withIdempotencyKey(req),
          'incident report',
        );
        // a record of what happened: the environment's permission is not asked
        const entity = await authorizedEntity(
          req,
          credentials,
          devopsDeployRecordPermission,
          undefined,
        );
        const actor = access.actorOf(credentials);
        const result = await service.recordIncident(entity, body, actor);
        const { incident } = result;
        return {
          result,
          meta: {
            entityRef: incident.entityRef,
            environment: incident.environment,
            deployId: incident.deployId,
            incidentId: incident.id,
            actor,
            created: result.created,
          },
        };
      },
    );
    res.status(recorded.created ? 201 : 200).json(recorded.incident);
  });

  /** A deploy whose entity the caller can see; otherwise the same 404 as an unknown id. */
  async function visibleDeploy(id: string, credentials: BackstageCredentials) {
    const deployId = parseRequest(deployIdSchema, id, 'deploy id');
    const notFound = () =>
      new NotFoundError(`Deploy '${deployId}' was not found`);
    const deploy = await service.get(deployId).catch(error => {
      throw error instanceof NotFoundError ? notFound() : error;
    });
    try {
      const entity = await access.loadAreaEntity(
        deploy.entityRef,
        credentials,
        'deploy',
      );
      return { deploy, entity };
    } catch (error) {
      if (error instanceof NotFoundError) throw notFound();
      if (error instanceof InputError) throw notFound();
      throw error;
    }
  }

  router.get('/deploys/:id', async (req, res) => {
    const credentials = await access.httpAuth.credentials(req);
    await access.authorize(credentials, devopsReadPermission);
    const { deploy } = await visibleDeploy(req.params.id, credentials);
    res.json(await service.detail(deploy));
  });

  router.post('/deploys/:id/abort', jsonBody, async (req, res) => {
    const aborted = await auditedMutation(
      context,
      req,
      { eventId: 'deploy-abort', meta: { deployId: req.params.id } },
      async credentials => {
        const body = parseRequest(
          abortRequestSchema,
          req.body ?? {},
          'abort request',
        );
        const { deploy, entity } = await visibleDeploy(
          req.params.id,
          credentials,
        );
        await access.authorizeEntity(
          credentials,
          devopsDeployAbortPermission,
          entity,
        );
        await authorizeEnvironment(credentials, entity, deploy.environment);
        const actor = access.actorOf(credentials);
        const result = await service.abort(deploy, actor, body.reason ?? null);
        return {
          result,
          meta: { ...deployMeta(result, actor), reason: body.reason ?? null },
        };
      },
    );
    res.status(202).json(aborted);
  });

  return router;
}
