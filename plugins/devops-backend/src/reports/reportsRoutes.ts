import { stringifyEntityRef } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import {
  DEVOPS_MONITORING_ANNOTATION,
  devopsReportCreatePermission,
  isDevopsAreaEnabled,
} from '@devops-growth/backstage-plugin-devops-common';
import { ReportParser } from '@devops-growth/backstage-plugin-devops-node';
import express, { Request } from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import { AreaContext } from '../areas/types';
import {
  auditedMutation,
  entityRefSchema,
  parseRequest,
  textSchema,
} from '../http';
import { requestBody } from './body';
import { ReportParserRegistry } from './ReportParserRegistry';
import { ReportSink } from './ReportSink';

/** Report names: 1-100 letters, digits, dots, dashes or underscores. */
export const reportNameSchema = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/,
    'name must be 1-100 letters, digits, dots, dashes or underscores',
  );

/** A branch name as reports carry it. */
export const branchSchema = textSchema('branch', { max: 255 });

const commitSchema = z
  .string()
  .regex(
    /^[0-9a-fA-F]{7,64}$/,
    'commit must be a hexadecimal commit sha of 7 to 64 characters',
  )
  .transform(s => s.toLowerCase());

const uploadQuerySchema = z.object({
  entity: entityRefSchema,
  format: z.string({ error: 'format is required' }),
  // Required for every kind but security events (a WAF log belongs to no commit): checked
  // once the format's sink is known.
  commit: commitSchema.optional(),
  branch: branchSchema.optional(),
  name: reportNameSchema.optional(),
});

/**
 * `POST /reports` (every format, every area) and `GET /formats`. The parser of the format
 * decides the kind, the kind decides the area that stores it.
 */
export function createReportsRouter(
  context: Pick<AreaContext, 'access' | 'auditor'>,
  options: {
    parsers: ReportParserRegistry;
    sinks: ReportSink[];
    maxBodySize: number;
  },
): express.Router {
  const { access } = context;
  const { parsers } = options;
  const router = Router();

  const sinkByKind = new Map<string, ReportSink>();
  for (const sink of options.sinks) {
    for (const kind of sink.kinds) {
      sinkByKind.set(kind, sink);
    }
  }

  function parserFor(format: string): {
    parser: ReportParser;
    sink: ReportSink;
  } {
    const parser = parsers.get(format);
    const sink = parser && sinkByKind.get(parser.kind);
    if (!parser || !sink) {
      throw new InputError(
        `Unknown report format '${format}'; known formats: ${formats().join(
          ', ',
        )}`,
      );
    }
    return { parser, sink };
  }

  function formats(): string[] {
    return parsers.formats().filter(f => sinkByKind.has(parsers.get(f)!.kind));
  }

  router.get('/formats', async (req, res) => {
    await access.httpAuth.credentials(req);
    res.json({ formats: formats() });
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
        const { parser, sink } = parserFor(query.format);
        if (sink.commitRequired !== false) {
          const missing = [
            query.commit === undefined &&
              'commit: commit is required (the commit sha the report was produced from)',
            query.branch === undefined &&
              'branch: branch is required (the branch the report was produced on)',
          ].filter(Boolean);
          if (missing.length > 0) {
            throw new InputError(
              `Invalid report upload query: ${missing.join('; ')}`,
            );
          }
        }
        await access.authorize(credentials, devopsReportCreatePermission);
        const entity = await access.loadEntity(query.entity, credentials);
        if (!isDevopsAreaEnabled(entity, sink.area)) {
          throw new InputError(
            `Entity '${stringifyEntityRef(entity)}' does not enable the ${
              sink.area
            } area: set the annotation ${DEVOPS_MONITORING_ANNOTATION} to 'enabled' or a list including '${
              sink.area
            }'`,
          );
        }
        const stored = await sink.ingest(
          {
            entity,
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

  return router;
}
