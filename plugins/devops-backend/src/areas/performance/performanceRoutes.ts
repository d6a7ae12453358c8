import { stringifyEntityRef } from '@backstage/catalog-model';
import {
  devopsLoadTestCreatePermission,
  devopsPerformanceTargetsUpdatePermission,
  PERFORMANCE_WINDOWS,
  performanceTargetsChangeSchema,
} from '@devops-growth/backstage-plugin-devops-common';
import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import {
  auditedMutation,
  EntityRouteParams,
  environmentSchema,
  parseRequest,
} from '../../http';
import { AreaContext } from '../types';
import { PerformanceService } from './PerformanceService';

const summaryQuerySchema = z.object({
  window: z.enum(PERFORMANCE_WINDOWS).default('1h'),
  environment: environmentSchema.optional(),
});

const listQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

const jsonBody = express.json({ limit: '16kb' });

/**
 * The performance routes under `/entities/:kind/:namespace/:name/performance`: the card's
 * summary, the targets with their history, and load tests. HTTP mapping only.
 */
export function createPerformanceRouter(
  context: Pick<AreaContext, 'access' | 'auditor'>,
  service: PerformanceService,
): express.Router {
  const { access } = context;
  const router = Router();
  const base = '/entities/:kind/:namespace/:name/performance';
  const entityOf = (req: express.Request) =>
    stringifyEntityRef(req.params as unknown as EntityRouteParams);

  router.get(base, async (req, res) => {
    const query = parseRequest(
      summaryQuerySchema,
      req.query,
      'performance query',
    );
    const entity = await access.readAreaEntity(req, 'performance');
    res.json(await service.getSummary(entity, query));
  });

  router.get(`${base}/targets`, async (req, res) => {
    const entity = await access.readAreaEntity(req, 'performance');
    res.json(await service.getTargetsWithHistory(entity));
  });

  router.put(`${base}/targets`, jsonBody, async (req, res) => {
    const answer = await auditedMutation(
      context,
      req,
      {
        eventId: 'performance-targets-update',
        meta: { entityRef: entityOf(req), changes: req.body?.changes },
      },
      async credentials => {
        const body = parseRequest(
          performanceTargetsChangeSchema,
          req.body,
          'target change',
        );
        await access.authorize(
          credentials,
          devopsPerformanceTargetsUpdatePermission,
        );
        const entity = await access.loadAreaEntity(
          req.params,
          credentials,
          'performance',
        );
        const result = await service.changeTargets(
          entity,
          body,
          access.actorOf(credentials),
        );
        return {
          result,
          meta: { changeId: result.change.id, changes: result.change.changes },
        };
      },
    );
    res.json(answer);
  });

  router.get(`${base}/load-tests`, async (req, res) => {
    const query = parseRequest(
      listQuerySchema,
      req.query,
      'load test list query',
    );
    const entity = await access.readAreaEntity(req, 'performance');
    res.json({ items: await service.listLoadTests(entity, query) });
  });

  router.get(`${base}/load-tests/:id`, async (req, res) => {
    const entity = await access.readAreaEntity(req, 'performance');
    res.json(await service.getLoadTest(entity, req.params.id));
  });

  const limits = service.loadTestSettings;
  const loadTestBodySchema = z
    .object({
      environment: environmentSchema.optional(),
      durationSeconds: z
        .number()
        .int('durationSeconds must be a whole number of seconds')
        .min(1, 'durationSeconds must be at least 1')
        .max(
          limits.maxDurationSeconds,
          `durationSeconds must be at most ${limits.maxDurationSeconds} (devops.performance.loadTests.maxDuration)`,
        )
        .default(limits.defaultDurationSeconds),
      connections: z
        .number()
        .int('connections must be a whole number')
        .min(1, 'connections must be at least 1')
        .max(
          limits.maxConnections,
          `connections must be at most ${limits.maxConnections} (devops.performance.loadTests.maxConnections)`,
        )
        .default(limits.defaultConnections),
    })
    .strict();

  router.post(`${base}/load-tests`, jsonBody, async (req, res) => {
    const run = await auditedMutation(
      context,
      req,
      {
        eventId: 'load-test-start',
        meta: {
          entityRef: entityOf(req),
          environment: req.body?.environment,
          durationSeconds: req.body?.durationSeconds,
          connections: req.body?.connections,
        },
      },
      async credentials => {
        const body = parseRequest(
          loadTestBodySchema,
          req.body ?? {},
          'load test',
        );
        await access.authorize(credentials, devopsLoadTestCreatePermission);
        const entity = await access.loadAreaEntity(
          req.params,
          credentials,
          'performance',
        );
        const started = await service.startLoadTest(
          entity,
          body,
          access.actorOf(credentials),
        );
        return {
          result: started,
          meta: {
            runId: started.id,
            environment: started.environment,
            url: started.url,
          },
        };
      },
    );
    res.status(202).json({ run });
  });

  return router;
}
