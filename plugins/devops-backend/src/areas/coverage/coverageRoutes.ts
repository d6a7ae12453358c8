import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { NotFoundError } from '@backstage/errors';
import {
  devopsReadPermission,
  devopsReportCreatePermission,
  ReportSummary,
} from '@devops-growth/backstage-plugin-devops-common';
import express, { Request } from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import {
  entityRefSchema,
  parseRequest,
  textSchema,
  auditedMutation,
} from '../../http';
import { requestBody } from '../../reports/body';
import { AreaContext } from '../types';
import { CoverageService } from './CoverageService';

const reportNameSchema = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/,
    'name must be 1-100 letters, digits, dots, dashes or underscores',
  );

const branchSchema = textSchema('branch', { max: 255 });

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

const summaryQuerySchema = z.object({
  report: reportNameSchema.optional(),
  branch: branchSchema.optional(),
});

const filesQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  offset: z.coerce.number().int().min(0).default(0),
});

/**
 * The coverage area's routes: report upload and listing (`/reports`), and the card's summary
 * (`/entities/:kind/:namespace/:name/coverage`). HTTP mapping only; the service does the work.
 */
export function createCoverageRouter(
  context: Pick<AreaContext, 'access' | 'auditor'>,
  service: CoverageService,
  options: { maxBodySize: number },
): express.Router {
  const { access } = context;
  const { httpAuth } = access;
  const router = Router();

  /** A stored report, if its entity is visible to the caller. */
  async function loadReport(
    id: string,
    credentials: BackstageCredentials,
  ): Promise<ReportSummary> {
    const report = await service.getReport(id);
    if (!report) {
      throw new NotFoundError(`Report '${id}' was not found`);
    }
    await access.loadEntity(report.entityRef, credentials);
    return report;
  }

  router.get('/formats', async (req, res) => {
    await httpAuth.credentials(req);
    res.json({ formats: service.formats() });
  });

  router.post('/reports', async (req: Request, res) => {
    const report = await auditedMutation(
      context,
      req,
      {
        eventId: 'report-upload',
        meta: {
          entityRef: String(req.query.entity ?? ''),
          format: String(req.query.format ?? ''),
          name: String(req.query.name ?? ''),
          commit: String(req.query.commit ?? ''),
          branch: String(req.query.branch ?? ''),
        },
      },
      async credentials => {
        const query = parseRequest(
          uploadQuerySchema,
          req.query,
          'report upload query',
        );
        const parser = service.parserFor(query.format);
        await access.authorize(credentials, devopsReportCreatePermission);
        const entity = await access.loadEntity(query.entity, credentials);
        const stored = await service.ingest(
          entity,
          {
            parser,
            name: query.name,
            commitSha: query.commit,
            branch: query.branch,
          },
          requestBody(req, options.maxBodySize),
        );
        return {
          result: stored,
          meta: { reportId: stored.id, items: stored.itemCount },
        };
      },
    );
    res.status(201).json({ report });
  });

  router.get('/reports', async (req, res) => {
    const credentials = await httpAuth.credentials(req);
    const query = parseRequest(listQuerySchema, req.query, 'report list query');
    await access.authorize(credentials, devopsReadPermission);
    const entity = await access.loadEntity(query.entity, credentials);
    const items = await service.listReports({
      ...query,
      entityRef: stringifyEntityRef(entity),
    });
    res.json({ items });
  });

  router.get('/reports/:id', async (req, res) => {
    const credentials = await httpAuth.credentials(req);
    await access.authorize(credentials, devopsReadPermission);
    res.json(await loadReport(req.params.id, credentials));
  });

  router.get('/reports/:id/files', async (req, res) => {
    const credentials = await httpAuth.credentials(req);
    const query = parseRequest(filesQuerySchema, req.query, 'file list query');
    await access.authorize(credentials, devopsReadPermission);
    const report = await loadReport(req.params.id, credentials);
    res.json({ items: await service.listCoverageFiles(report, query) });
  });

  router.get('/entities/:kind/:namespace/:name/coverage', async (req, res) => {
    const credentials = await httpAuth.credentials(req);
    const query = parseRequest(summaryQuerySchema, req.query, 'coverage query');
    await access.authorize(credentials, devopsReadPermission);
    const entity = await access.loadEntity(
      stringifyEntityRef(req.params),
      credentials,
    );
    res.json(await service.getSummary(entity, query));
  });

  return router;
}
