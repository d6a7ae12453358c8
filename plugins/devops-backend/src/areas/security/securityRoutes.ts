import {
  devopsSecurityFindingUpdatePermission,
  devopsSecurityThreatUpdatePermission,
  FINDING_STATUSES,
  findingStatusChangeSchema,
  SECURITY_SEVERITIES,
  threatStatusChangeSchema,
} from '@devops-growth/backstage-plugin-devops-common';
import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import { ResourcePermission } from '@backstage/plugin-permission-common';
import { JsonObject } from '@backstage/types';
import { NotFoundError } from '@backstage/errors';
import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import { auditedMutation, jsonBody, parseRequest } from '../../http';
import { branchSchema } from '../../reports/reportsRoutes';
import { AreaContext } from '../types';
import { SecurityService } from './SecurityService';

const summaryQuerySchema = z.object({ branch: branchSchema.optional() });

/** `a,b,c` in a query, each word one of `values`. */
function listOf<T extends string>(field: string, values: readonly T[]) {
  return z
    .string()
    .transform((s, ctx) => {
      const words = s
        .split(',')
        .map(w => w.trim())
        .filter(Boolean);
      const unknown = words.filter(w => !values.includes(w as T));
      if (unknown.length > 0) {
        ctx.addIssue({
          code: 'custom',
          message: `${field} '${unknown.join(',')}' is not one of ${values.join(
            ', ',
          )}`,
        });
        return z.NEVER;
      }
      return words as T[];
    })
    .optional();
}

const findingsQuerySchema = z.object({
  branch: branchSchema.optional(),
  status: listOf('status', FINDING_STATUSES),
  severity: listOf('severity', SECURITY_SEVERITIES),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});

const idSchema = z
  .string()
  .regex(/^[A-Za-z0-9-]{1,64}$/, 'id must be 1-64 letters, digits or dashes');

/**
 * The security routes: the card's summary, findings, a framework's controls under
 * `/entities/:kind/:namespace/:name/security`, and status changes of findings and threats under
 * `/security`. HTTP mapping only.
 */
export function createSecurityRouter(
  context: Pick<AreaContext, 'access' | 'auditor'>,
  service: SecurityService,
): express.Router {
  const { access } = context;
  const router = Router();
  const base = '/entities/:kind/:namespace/:name/security';

  /**
   * The entity of a finding or threat, read with the caller's credentials. A caller who cannot
   * see the entity gets the same 404 as for an unknown id: ids do not reveal entities.
   */
  async function visibleEntityOf(
    entityRef: string,
    credentials: BackstageCredentials,
    notFound: string,
  ) {
    try {
      return await access.loadAreaEntity(entityRef, credentials, 'security');
    } catch (error) {
      if (error instanceof NotFoundError) {
        throw new NotFoundError(notFound);
      }
      throw error;
    }
  }

  router.get(base, async (req, res) => {
    const query = parseRequest(summaryQuerySchema, req.query, 'security query');
    const entity = await access.readAreaEntity(req, 'security');
    res.json(await service.summary(entity, query));
  });

  router.get(`${base}/findings`, async (req, res) => {
    const query = parseRequest(
      findingsQuerySchema,
      req.query,
      'finding list query',
    );
    const entity = await access.readAreaEntity(req, 'security');
    res.json(await service.listFindings(entity, query));
  });

  router.get(`${base}/compliance/:framework`, async (req, res) => {
    const entity = await access.readAreaEntity(req, 'security');
    res.json(await service.complianceDetail(entity, req.params.framework));
  });

  /**
   * `POST /security/<things>/:id/status`: the id, the body's schema, the item (404 when unknown
   * or its entity is invisible to the caller), the resource permission on its entity, the
   * change, all inside the audit event.
   */
  function statusRoute<
    T extends {
      entityRef: string;
      status: string;
      statusReason: string | null;
    },
    C,
  >(route: {
    thing: 'finding' | 'threat';
    schema: z.ZodType<C>;
    permission: ResourcePermission<'catalog-entity'>;
    get: (id: string) => Promise<T>;
    change: (
      entity: Entity,
      current: T,
      change: C,
      actor: string,
    ) => Promise<T>;
    /** What the audit event keeps of the changed item, besides entity, statuses and reason. */
    meta: (changed: T) => JsonObject;
  }) {
    const { thing } = route;
    router.post(
      `/security/${thing}s/:id/status`,
      jsonBody,
      async (req, res) => {
        const result = await auditedMutation(
          context,
          req,
          {
            eventId: `security-${thing}-status`,
            meta: { [`${thing}Id`]: req.params.id, status: req.body?.status },
          },
          async credentials => {
            const id = parseRequest(idSchema, req.params.id, `${thing} id`);
            const change = parseRequest(
              route.schema,
              req.body,
              `${thing} status change`,
            );
            const current = await route.get(id);
            const entity = await visibleEntityOf(
              current.entityRef,
              credentials,
              `${
                thing === 'finding' ? 'Finding' : 'Threat'
              } '${id}' was not found`,
            );
            await access.authorizeEntity(credentials, route.permission, entity);
            const changed = await route.change(
              entity,
              current,
              change,
              access.actorOf(credentials),
            );
            return {
              result: changed,
              meta: {
                entityRef: changed.entityRef,
                ...route.meta(changed),
                from: current.status,
                to: changed.status,
                reason: changed.statusReason,
              },
            };
          },
        );
        res.json({ [thing]: result });
      },
    );
  }

  statusRoute({
    thing: 'finding',
    schema: findingStatusChangeSchema,
    permission: devopsSecurityFindingUpdatePermission,
    get: id => service.getFinding(id),
    change: (...args) => service.changeFindingStatus(...args),
    meta: f => ({ ruleId: f.ruleId, acceptedUntil: f.acceptedUntil }),
  });

  statusRoute({
    thing: 'threat',
    schema: threatStatusChangeSchema,
    permission: devopsSecurityThreatUpdatePermission,
    get: id => service.getThreat(id),
    change: (...args) => service.changeThreatStatus(...args),
    meta: t => ({ environment: t.environment, type: t.type }),
  });

  return router;
}
