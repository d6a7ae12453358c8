import {
  devopsSecurityFindingUpdatePermission,
  devopsSecurityThreatUpdatePermission,
  FINDING_STATUSES,
  findingStatusChangeSchema,
  SECURITY_SEVERITIES,
  threatStatusChangeSchema,
} from '@devops-growth/backstage-plugin-devops-common';
import { BackstageCredentials } from '@backstage/backend-plugin-api';
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

  router.post('/security/findings/:id/status', jsonBody, async (req, res) => {
    const finding = await auditedMutation(
      context,
      req,
      {
        eventId: 'security-finding-status',
        meta: { findingId: req.params.id, status: req.body?.status },
      },
      async credentials => {
        const id = parseRequest(idSchema, req.params.id, 'finding id');
        const change = parseRequest(
          findingStatusChangeSchema,
          req.body,
          'finding status change',
        );
        const current = await service.getFinding(id);
        // 404 when the caller cannot see the finding's entity.
        const entity = await visibleEntityOf(
          current.entityRef,
          credentials,
          `Threat '${id}' was not found`,
        );
        await access.authorizeEntity(
          credentials,
          devopsSecurityFindingUpdatePermission,
          entity,
        );
        const result = await service.changeFindingStatus(
          entity,
          current,
          change,
          access.actorOf(credentials),
        );
        return {
          result,
          meta: {
            entityRef: result.entityRef,
            ruleId: result.ruleId,
            from: current.status,
            to: result.status,
            reason: result.statusReason,
            acceptedUntil: result.acceptedUntil,
          },
        };
      },
    );
    res.json({ finding });
  });

  router.post('/security/threats/:id/status', jsonBody, async (req, res) => {
    const threat = await auditedMutation(
      context,
      req,
      {
        eventId: 'security-threat-status',
        meta: { threatId: req.params.id, status: req.body?.status },
      },
      async credentials => {
        const id = parseRequest(idSchema, req.params.id, 'threat id');
        const change = parseRequest(
          threatStatusChangeSchema,
          req.body,
          'threat status change',
        );
        const current = await service.getThreat(id);
        const entity = await visibleEntityOf(
          current.entityRef,
          credentials,
          `Threat '${id}' was not found`,
        );
        await access.authorizeEntity(
          credentials,
          devopsSecurityThreatUpdatePermission,
          entity,
        );
        const result = await service.changeThreatStatus(
          entity,
          current,
          change,
          access.actorOf(credentials),
        );
        return {
          result,
          meta: {
            entityRef: result.entityRef,
            environment: result.environment,
            type: result.type,
            from: current.status,
            to: result.status,
            reason: result.statusReason,
          },
        };
      },
    );
    res.json({ threat });
  });

  return router;
}
