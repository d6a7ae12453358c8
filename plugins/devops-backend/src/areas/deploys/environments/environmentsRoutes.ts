import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { ResourcePermission } from '@backstage/plugin-permission-common';
import { JsonObject } from '@backstage/types';
import {
  createEnvironmentRequestSchema,
  deleteEnvironmentRequestSchema,
  deployEnvironmentSchema,
  devopsDeployEnvironmentPermission,
  devopsEnvironmentCreatePermission,
  devopsEnvironmentDeletePermission,
  EntityEnvironment,
} from '@devops-growth/backstage-plugin-devops-common';
import express, { Request } from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import {
  auditedMutation,
  EntityRouteParams,
  jsonBody,
  parseRequest,
} from '../../../http';
import { AreaContext } from '../../types';
import { EnvironmentsService } from './EnvironmentsService';

const listQuerySchema = z.object({
  all: z
    .enum(['true', 'false'], { message: 'all must be true or false' })
    .optional()
    .transform(v => v === 'true'),
});

/** What every audit event of a per-entity environment keeps. */
function environmentMeta(
  environment: EntityEnvironment,
  actor: string,
): JsonObject {
  return {
    entityRef: environment.entityRef,
    environment: environment.name,
    basedOn: environment.basedOn,
    target: environment.target,
    expiresAt: environment.expiresAt,
    status: environment.status,
    actor,
  };
}

/**
 * The per-entity environment routes under `/entities/:kind/:namespace/:name/environments`:
 * list, create (and its dry run), get, delete. HTTP mapping only: parse, authorize on the
 * entity, call the service, audit, answer.
 */
export function createEnvironmentsRouter(
  context: Pick<AreaContext, 'access' | 'auditor'>,
  service: EnvironmentsService,
): express.Router {
  const { access } = context;
  const router = Router();
  const base = '/entities/:kind/:namespace/:name/environments';
  const params = (req: Request) => req.params as unknown as EntityRouteParams;
  const environmentName = (req: Request) =>
    parseRequest(
      deployEnvironmentSchema,
      req.params.environment,
      'environment',
    );

  async function authorizedEntity(
    req: Request,
    credentials: BackstageCredentials,
    permission: ResourcePermission<'catalog-entity'>,
  ): Promise<Entity> {
    const entity = await access.loadAreaEntity(
      params(req),
      credentials,
      'deploy',
    );
    await access.authorizeEntity(credentials, permission, entity);
    return entity;
  }

  /**
   * A per-entity environment changes what runs in its base's provider: creating or deleting one
   * also needs the base's `devops.deploy.environment.<base>`, as deploying into it does.
   */
  async function authorizeBase(
    credentials: BackstageCredentials,
    entity: Entity,
    basedOn: string | undefined,
  ) {
    if (basedOn === undefined) return;
    await access.authorizeEntity(
      credentials,
      devopsDeployEnvironmentPermission(basedOn),
      entity,
    );
  }

  /**
   * A create or dry-run request: its checked body and its entity, with the create permission
   * and the base environment's.
   */
  async function createRequest(
    req: Request,
    credentials: BackstageCredentials,
  ) {
    const body = parseRequest(
      createEnvironmentRequestSchema,
      req.body,
      'environment request',
    );
    const entity = await authorizedEntity(
      req,
      credentials,
      devopsEnvironmentCreatePermission,
    );
    await authorizeBase(credentials, entity, service.createBase(body));
    return { body, entity, actor: access.actorOf(credentials) };
  }

  router.get(base, async (req, res) => {
    const query = parseRequest(
      listQuerySchema,
      req.query,
      'environments query',
    );
    const entity = await access.readAreaEntity(req, 'deploy');
    res.json({ items: await service.list(entity, query) });
  });

  router.post(`${base}/dry-run`, jsonBody, async (req, res) => {
    const credentials = await access.httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const { body, entity, actor } = await createRequest(req, credentials);
    res.json(await service.dryRun(entity, body, actor));
  });

  router.post(base, jsonBody, async (req, res) => {
    const created = await auditedMutation(
      context,
      req,
      {
        eventId: 'environment-create',
        meta: {
          entityRef: stringifyEntityRef(params(req)),
          environment: req.body?.name ?? null,
          basedOn: req.body?.basedOn ?? null,
          target: req.body?.target ?? null,
          timeToLive: req.body?.timeToLive ?? null,
        },
      },
      async credentials => {
        const { body, entity, actor } = await createRequest(req, credentials);
        const result = await service.create(entity, body, actor);
        return {
          result,
          meta: {
            ...environmentMeta(result.environment, actor),
            created: result.created,
          },
        };
      },
    );
    res.status(created.created ? 201 : 200).json(created.environment);
  });

  router.get(`${base}/:environment`, async (req, res) => {
    const name = environmentName(req);
    const entity = await access.readAreaEntity(req, 'deploy');
    res.json(await service.get(entity, name));
  });

  router.delete(`${base}/:environment`, jsonBody, async (req, res) => {
    const deleted = await auditedMutation(
      context,
      req,
      {
        eventId: 'environment-delete',
        meta: {
          entityRef: stringifyEntityRef(params(req)),
          environment: req.params.environment,
          reason: req.body?.reason ?? null,
        },
      },
      async credentials => {
        const name = environmentName(req);
        const body = parseRequest(
          deleteEnvironmentRequestSchema,
          req.body ?? {},
          'delete request',
        );
        const entity = await authorizedEntity(
          req,
          credentials,
          devopsEnvironmentDeletePermission,
        );
        await authorizeBase(
          credentials,
          entity,
          await service.deleteBase(entity, name),
        );
        const actor = access.actorOf(credentials);
        const result = await service.delete(
          entity,
          name,
          actor,
          body.reason ?? null,
        );
        return {
          result,
          meta: {
            ...environmentMeta(result, actor),
            reason: body.reason ?? null,
          },
        };
      },
    );
    res.status(deleted.status === 'torn-down' ? 200 : 202).json(deleted);
  });

  return router;
}
