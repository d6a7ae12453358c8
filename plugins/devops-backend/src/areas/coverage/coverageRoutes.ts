import {
  AuditorService,
  BackstageCredentials,
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import {
  Entity,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { InputError, NotAllowedError, NotFoundError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  AuthorizeResult,
  BasicPermission,
} from '@backstage/plugin-permission-common';
import {
  devopsReadPermission,
  devopsReportCreatePermission,
  isDevopsAreaEnabled,
  ReportSummary,
  DEVOPS_MONITORING_ANNOTATION,
} from '@devops-growth/backstage-plugin-devops-common';
import express, { Request } from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import { DevopsStore } from '../database';
import {
  PerformanceRouteOptions,
  registerPerformanceRoutes,
} from '../performance/performanceRoutes';
import { requestBody } from '../reports/body';
import { normalizeCoveragePaths } from './paths';
import { DEFAULT_REPORT_NAME, QualityService } from './QualityService';
import { ReportParserRegistry } from '../reports/ReportParserRegistry';

export interface RouterOptions {
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  auditor: AuditorService;
  catalog: CatalogService;
  store: DevopsStore;
  parsers: ReportParserRegistry;
  quality: QualityService;
  maxBodySize: number;
  /** The performance area's services; without them its routes are not mounted. */
  performance?: Pick<
    PerformanceRouteOptions,
    'service' | 'targetStore' | 'runner' | 'allowedHosts'
  >;
}

// eslint-disable-next-line no-control-regex
const noControlChars = (s: string) => !/[\u0000-\u001f\u007f]/.test(s);

const entityRefSchema = z
  .string({
    error:
      'entity is required (an entity ref such as component:default/my-service)',
  })
  .min(
    1,
    'entity is required (an entity ref such as component:default/my-service)',
  )
  .transform((value, ctx) => {
    try {
      return stringifyEntityRef(
        parseEntityRef(value, { defaultKind: 'component' }),
      );
    } catch (e) {
      ctx.addIssue({
        code: 'custom',
        message: `entity '${value}' is not a valid entity ref`,
      });
      return z.NEVER;
    }
  });

const reportNameSchema = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/,
    'name must be 1-100 letters, digits, dots, dashes or underscores',
  );

const branchSchema = z
  .string()
  .min(1, 'branch must not be empty')
  .max(255, 'branch must be at most 255 characters')
  .refine(noControlChars, 'branch must not contain control characters');

const uploadQuerySchema = z.object({
  entity: entityRefSchema,
  format: z.string({ error: 'format is required' }),
  commit: z
    .string({
      error: 'commit is required (the commit sha the report was produced from)',
    })
    .regex(
      /^[0-9a-fA-F]{7,64}$/,
      'commit must be a hexadecimal commit sha of 7 to 64 characters',
    )
    .transform(s => s.toLowerCase()),
  branch: branchSchema,
  name: reportNameSchema.optional(),
});

const listQuerySchema = z.object({
  entity: entityRefSchema,
  kind: z.enum(['coverage', 'tests']).optional(),
  name: reportNameSchema.optional(),
  branch: branchSchema.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});

const qualityQuerySchema = z.object({
  report: reportNameSchema.optional(),
  branch: branchSchema.optional(),
});

const filesQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  offset: z.coerce.number().int().min(0).default(0),
});

function parse<T extends z.ZodTypeAny>(
  schema: T,
  value: unknown,
  what: string,
): z.output<T> {
  const result = schema.safeParse(value);
  if (!result.success) {
    const details = result.error.issues
      .map(i =>
        i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message,
      )
      .join('; ');
    throw new InputError(`Invalid ${what}: ${details}`);
  }
  return result.data;
}

export async function createRouter(
  options: RouterOptions,
): Promise<express.Router> {
  const { httpAuth, permissions, auditor, catalog, store, parsers, quality } =
    options;
  const router = Router();

  async function authorize(
    credentials: BackstageCredentials,
    permission: BasicPermission,
  ) {
    const [decision] = await permissions.authorize([{ permission }], {
      credentials,
    });
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(`Not allowed: ${permission.name}`);
    }
  }

  /** The entity, read with the caller's credentials so catalog permissions apply. */
  async function loadEntity(
    ref: string,
    credentials: BackstageCredentials,
  ): Promise<Entity> {
    const entity = await catalog.getEntityByRef(ref, { credentials });
    if (!entity) {
      throw new NotFoundError(`Entity '${ref}' was not found in the catalog`);
    }
    return entity;
  }

  /** A stored report, if its entity is visible to the caller. */
  async function loadReport(
    id: string,
    credentials: BackstageCredentials,
  ): Promise<ReportSummary> {
    const report = await store.getReport(id);
    if (!report) {
      throw new NotFoundError(`Report '${id}' was not found`);
    }
    await loadEntity(report.entityRef, credentials);
    return report;
  }

  router.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });

  router.get('/formats', async (req, res) => {
    await httpAuth.credentials(req);
    res.json({ formats: parsers.formats() });
  });

  router.post('/reports', async (req: Request, res) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const auditorEvent = await auditor.createEvent({
      eventId: 'report-upload',
      severityLevel: 'medium',
      request: req,
      meta: {
        entityRef: req.query.entity,
        format: req.query.format,
        name: req.query.name,
        commit: req.query.commit,
        branch: req.query.branch,
      },
    });
    try {
      const query = parse(uploadQuerySchema, req.query, 'report upload query');
      const parser = parsers.get(query.format);
      if (!parser) {
        throw new InputError(
          `Unknown report format '${query.format}'; known formats: ${parsers
            .formats()
            .join(', ')}`,
        );
      }
      await authorize(credentials, devopsReportCreatePermission);
      const entity = await loadEntity(query.entity, credentials);
      if (!isDevopsAreaEnabled(entity, 'coverage')) {
        throw new InputError(
          `Entity '${query.entity}' does not enable the coverage area: set the annotation ` +
            `${DEVOPS_MONITORING_ANNOTATION} to 'enabled' or a list including 'coverage'`,
        );
      }

      const body = requestBody(req, options.maxBodySize);
      const parsed = await parser.parse(body.chunks);
      if (body.state.bytes === 0) {
        throw new InputError('The report body is empty');
      }
      const meta = {
        // The catalog's spelling of the ref, whatever case the caller used.
        entityRef: stringifyEntityRef(entity),
        format: parser.format,
        name: query.name ?? DEFAULT_REPORT_NAME,
        commitSha: query.commit,
        branch: query.branch,
        sizeBytes: body.state.bytes,
      };
      const report =
        parsed.kind === 'coverage'
          ? await store.insertCoverageReport(meta, {
              ...parsed,
              files: normalizeCoveragePaths(parsed.files),
            })
          : await store.insertTestReport(meta, parsed);

      await auditorEvent.success({
        meta: { reportId: report.id, items: report.itemCount },
      });
      res.status(201).json({ report });
    } catch (error) {
      await auditorEvent.fail({ error: error as Error });
      throw error;
    }
  });

  router.get('/reports', async (req, res) => {
    const credentials = await httpAuth.credentials(req);
    const query = parse(listQuerySchema, req.query, 'report list query');
    await authorize(credentials, devopsReadPermission);
    const entity = await loadEntity(query.entity, credentials);
    const items = await store.listReports({
      ...query,
      entityRef: stringifyEntityRef(entity),
    });
    res.json({ items });
  });

  router.get('/reports/:id', async (req, res) => {
    const credentials = await httpAuth.credentials(req);
    await authorize(credentials, devopsReadPermission);
    res.json(await loadReport(req.params.id, credentials));
  });

  router.get('/reports/:id/files', async (req, res) => {
    const credentials = await httpAuth.credentials(req);
    const query = parse(filesQuerySchema, req.query, 'file list query');
    await authorize(credentials, devopsReadPermission);
    const report = await loadReport(req.params.id, credentials);
    if (report.kind !== 'coverage') {
      throw new InputError(
        `Report '${report.id}' is a test report; it has no files`,
      );
    }
    res.json({ items: await store.listCoverageFiles(report.id, query) });
  });

  router.get('/entities/:kind/:namespace/:name/quality', async (req, res) => {
    const credentials = await httpAuth.credentials(req);
    const query = parse(qualityQuerySchema, req.query, 'quality query');
    await authorize(credentials, devopsReadPermission);
    const { kind, namespace, name } = req.params;
    const entity = await loadEntity(
      stringifyEntityRef({ kind, namespace, name }),
      credentials,
    );
    res.json(await quality.getSummary(entity, query));
  });

  if (options.performance) {
    registerPerformanceRoutes(router, {
      ...options.performance,
      httpAuth,
      auditor,
      authorize,
      loadEntity,
      parse,
    });
  }

  return router;
}
