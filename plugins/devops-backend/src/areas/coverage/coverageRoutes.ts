import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { NotFoundError } from '@backstage/errors';
import {
  devopsReadPermission,
  ReportSummary,
} from '@devops-growth/backstage-plugin-devops-common';
import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import { entityRefSchema, parseRequest } from '../../http';
import { branchSchema, reportNameSchema } from '../../reports/reportsRoutes';
import { AreaContext } from '../types';
import { CoverageService } from './CoverageService';

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
 * The coverage area's routes: report listing (`/reports`; uploads go through the shared
 * reports route to the area's report sink), and the card's summary
 * (`/entities/:kind/:namespace/:name/coverage`). HTTP mapping only; the service does the work.
 */
export function createCoverageRouter(
  context: Pick<AreaContext, 'access'>,
  service: CoverageService,
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
