import {
  AuditorService,
  BackstageCredentials,
  HttpAuthService,
} from '@backstage/backend-plugin-api';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { InputError, NotFoundError } from '@backstage/errors';
import { BasicPermission } from '@backstage/plugin-permission-common';
import {
  DEVOPS_LOAD_TEST_URL_ANNOTATION,
  DEVOPS_MONITORING_ANNOTATION,
  devopsLoadTestCreatePermission,
  devopsPerformanceTargetsUpdatePermission,
  devopsReadPermission,
  isDevopsAreaEnabled,
  PERFORMANCE_WINDOWS,
} from '@devops-growth/backstage-plugin-devops-common';
import express, { Request } from 'express';
import { z } from 'zod';
import { AllowedHosts } from './allowedHosts';
import { PerformanceTargetStore } from './DatabasePerformanceTargetStore';
import { LoadTestRunner } from './LoadTestRunner';
import {
  declaredLoadTestUrls,
  defaultEnvironment,
  PerformanceService,
} from './PerformanceService';

/** What the performance routes need: their services and the router's shared helpers. */
export interface PerformanceRouteOptions {
  httpAuth: HttpAuthService;
  auditor: AuditorService;
  service: PerformanceService;
  targetStore: PerformanceTargetStore;
  runner: LoadTestRunner;
  /** Hosts load tests may target (`devops.performance.allowedHosts`). */
  allowedHosts: AllowedHosts;
  authorize(
    credentials: BackstageCredentials,
    permission: BasicPermission,
  ): Promise<void>;
  loadEntity(ref: string, credentials: BackstageCredentials): Promise<Entity>;
  parse<T extends z.ZodTypeAny>(
    schema: T,
    value: unknown,
    what: string,
  ): z.output<T>;
}

/** Printable text; tabs and line breaks allowed. */
const noControlChars = (s: string) =>
  ![...s].some(c => {
    const code = c.charCodeAt(0);
    return (
      (code < 0x20 && c !== '\t' && c !== '\n' && c !== '\r') || code === 0x7f
    );
  });

const environmentSchema = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/,
    'environment must be 1-63 letters, digits, dots, dashes or underscores',
  );

const summaryQuerySchema = z.object({
  window: z.enum(PERFORMANCE_WINDOWS).default('1h'),
  environment: environmentSchema.optional(),
});

const latencyTarget = z
  .number({ error: 'must be a number of milliseconds or null' })
  .positive('must be a positive number of milliseconds')
  .nullable()
  .optional();

const targetsBodySchema = z
  .object({
    changes: z
      .object({
        p95Ms: latencyTarget,
        p99Ms: latencyTarget,
        errorRate: z
          .number({ error: 'must be a fraction from 0 to 1 or null' })
          .min(0, 'must be a fraction from 0 to 1')
          .max(1, 'must be a fraction from 0 to 1')
          .nullable()
          .optional(),
        minThroughput: z
          .number({ error: 'must be a number of requests per second or null' })
          .positive('must be a positive number of requests per second')
          .nullable()
          .optional(),
      })
      .strict()
      .refine(
        changes => Object.values(changes).some(v => v !== undefined),
        'at least one of p95Ms, p99Ms, errorRate, minThroughput must be given',
      ),
    comment: z
      .string()
      .max(1000, 'comment must be at most 1000 characters')
      .refine(noControlChars, 'comment must not contain control characters')
      .optional(),
  })
  .strict();

const listQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

const jsonBody = express.json({ limit: '16kb' });

function actorOf(credentials: BackstageCredentials): string {
  const principal = credentials.principal as {
    type?: string;
    userEntityRef?: string;
    subject?: string;
  };
  if (principal.type === 'user' && principal.userEntityRef) {
    return principal.userEntityRef;
  }
  return principal.subject ?? principal.type ?? 'unknown';
}

/**
 * The performance routes under `/entities/:kind/:namespace/:name/performance`: the card's
 * summary, the targets with their history, and load tests.
 */
export function registerPerformanceRoutes(
  router: express.Router,
  options: PerformanceRouteOptions,
) {
  const {
    httpAuth,
    auditor,
    service,
    targetStore,
    runner,
    allowedHosts,
    authorize,
    loadEntity,
    parse,
  } = options;
  const base = '/entities/:kind/:namespace/:name/performance';

  /** The entity of the route, which must enable the performance area. */
  async function loadPerformanceEntity(
    req: Request,
    credentials: BackstageCredentials,
  ): Promise<Entity> {
    const { kind, namespace, name } = req.params;
    const entity = await loadEntity(
      stringifyEntityRef({ kind, namespace, name }),
      credentials,
    );
    if (!isDevopsAreaEnabled(entity, 'performance')) {
      throw new InputError(
        `Entity '${stringifyEntityRef(
          entity,
        )}' does not enable the performance area: set the ` +
          `annotation ${DEVOPS_MONITORING_ANNOTATION} to 'enabled' or a list including 'performance'`,
      );
    }
    return entity;
  }

  router.get(base, async (req, res) => {
    const credentials = await httpAuth.credentials(req);
    const query = parse(summaryQuerySchema, req.query, 'performance query');
    await authorize(credentials, devopsReadPermission);
    const entity = await loadPerformanceEntity(req, credentials);
    res.json(await service.getSummary(entity, query));
  });

  router.get(`${base}/targets`, async (req, res) => {
    const credentials = await httpAuth.credentials(req);
    await authorize(credentials, devopsReadPermission);
    const entity = await loadPerformanceEntity(req, credentials);
    res.json(await service.getTargetsWithHistory(entity));
  });

  router.put(`${base}/targets`, jsonBody, async (req, res) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const { kind, namespace, name } = req.params;
    const auditorEvent = await auditor.createEvent({
      eventId: 'performance-targets-update',
      severityLevel: 'medium',
      request: req,
      meta: {
        entityRef: stringifyEntityRef({ kind, namespace, name }),
        changes: req.body?.changes,
      },
    });
    try {
      const body = parse(targetsBodySchema, req.body, 'target change');
      await authorize(credentials, devopsPerformanceTargetsUpdatePermission);
      const entity = await loadPerformanceEntity(req, credentials);
      const change = await targetStore.applyTargetChange({
        entityRef: stringifyEntityRef(entity),
        changes: body.changes,
        actor: actorOf(credentials),
        comment: body.comment ?? null,
      });
      const { invalid: _invalid, ...targets } = await service.getTargets(
        entity,
      );
      await auditorEvent.success({
        meta: { changeId: change.id, changes: change.changes },
      });
      res.json({ targets, change });
    } catch (error) {
      await auditorEvent.fail({ error: error as Error });
      throw error;
    }
  });

  router.get(`${base}/load-tests`, async (req, res) => {
    const credentials = await httpAuth.credentials(req);
    const query = parse(listQuerySchema, req.query, 'load test list query');
    await authorize(credentials, devopsReadPermission);
    const entity = await loadPerformanceEntity(req, credentials);
    res.json({
      items: await targetStore.listLoadTests(stringifyEntityRef(entity), query),
    });
  });

  router.get(`${base}/load-tests/:id`, async (req, res) => {
    const credentials = await httpAuth.credentials(req);
    await authorize(credentials, devopsReadPermission);
    const entity = await loadPerformanceEntity(req, credentials);
    const run = await targetStore.getLoadTest(
      stringifyEntityRef(entity),
      req.params.id,
    );
    if (!run) {
      throw new NotFoundError(
        `Load test '${req.params.id}' of '${stringifyEntityRef(
          entity,
        )}' was not found`,
      );
    }
    res.json(run);
  });

  const loadTests = runner.settings;
  const loadTestBodySchema = z
    .object({
      environment: environmentSchema.optional(),
      durationSeconds: z
        .number()
        .int('durationSeconds must be a whole number of seconds')
        .min(1, 'durationSeconds must be at least 1')
        .max(
          loadTests.maxDurationSeconds,
          `durationSeconds must be at most ${loadTests.maxDurationSeconds} (devops.performance.loadTests.maxDuration)`,
        )
        .default(loadTests.defaultDurationSeconds),
      connections: z
        .number()
        .int('connections must be a whole number')
        .min(1, 'connections must be at least 1')
        .max(
          loadTests.maxConnections,
          `connections must be at most ${loadTests.maxConnections} (devops.performance.loadTests.maxConnections)`,
        )
        .default(loadTests.defaultConnections),
    })
    .strict();

  router.post(`${base}/load-tests`, jsonBody, async (req, res) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const { kind, namespace, name } = req.params;
    const auditorEvent = await auditor.createEvent({
      eventId: 'load-test-start',
      severityLevel: 'medium',
      request: req,
      meta: {
        entityRef: stringifyEntityRef({ kind, namespace, name }),
        environment: req.body?.environment,
        durationSeconds: req.body?.durationSeconds,
        connections: req.body?.connections,
      },
    });
    try {
      const body = parse(loadTestBodySchema, req.body ?? {}, 'load test');
      await authorize(credentials, devopsLoadTestCreatePermission);
      const entity = await loadPerformanceEntity(req, credentials);
      const entityRef = stringifyEntityRef(entity);
      const declared = declaredLoadTestUrls(entity);
      if (declared.error) {
        throw new InputError(
          `The annotation ${DEVOPS_LOAD_TEST_URL_ANNOTATION} of '${entityRef}' is invalid: ${declared.error}`,
        );
      }
      const environment =
        body.environment ?? defaultEnvironment([...declared.urls.keys()]);
      const url = environment ? declared.urls.get(environment) : undefined;
      if (!environment || !url) {
        const declaredFor =
          environment && declared.urls.size > 0
            ? ` for the environment '${environment}' (declared: ${[
                ...declared.urls.keys(),
              ].join(', ')})`
            : '';
        throw new InputError(
          `'${entityRef}' declares no load-test endpoint${declaredFor}: set the annotation ${DEVOPS_LOAD_TEST_URL_ANNOTATION}`,
        );
      }
      const refused = allowedHosts.check(url);
      if (refused) {
        throw new InputError(
          `The load-test endpoint of '${entityRef}' for '${environment}' (${url}) may not be loaded: ${refused}`,
        );
      }
      const run = await runner.start({
        entityRef,
        environment,
        url,
        startedBy: actorOf(credentials),
        durationSeconds: body.durationSeconds,
        connections: body.connections,
      });
      await auditorEvent.success({
        meta: { runId: run.id, environment, url },
      });
      res.status(202).json({ run });
    } catch (error) {
      await auditorEvent.fail({ error: error as Error });
      throw error;
    }
  });
}
