import { Entity } from '@backstage/catalog-model';
import {
  DevopsArea,
  ReportKind,
} from '@devops-growth/backstage-plugin-devops-common';
import { ReportParser } from '@devops-growth/backstage-plugin-devops-node';
import { InputError } from '@backstage/errors';
import { RequestBody } from './body';

/** An upload to `POST /reports`, after the query was parsed and the entity loaded. */
export interface ReportUpload {
  entity: Entity;
  /** The format's parser; what it returns has been checked by the registry. */
  parser: ReportParser;
  /** Report name (coverage and tests); areas that keep no names ignore it. */
  name?: string;
  /** Present for every kind whose sink requires it (all but security events). */
  commitSha?: string;
  branch?: string;
}

/**
 * Where reports of some kinds go: the area that stores them. The reports route picks the sink
 * by the parser's kind, checks that the entity enables the sink's area, and hands it the
 * streaming body; the sink parses and stores in one transaction, or stores nothing.
 */
export interface ReportSink {
  /** The area the entity must enable (`devops-growth.io/monitoring`). */
  area: DevopsArea;
  kinds: ReportKind[];
  /** False when reports of these kinds belong to no commit or branch (WAF logs); default true. */
  commitRequired?: boolean;
  ingest(
    upload: ReportUpload,
    body: RequestBody,
  ): Promise<{ id: string; itemCount: number }>;
}

/** The commit and branch of an upload whose sink requires them. */
export function commitOf(upload: ReportUpload): {
  commitSha: string;
  branch: string;
} {
  if (upload.commitSha === undefined || upload.branch === undefined) {
    throw new InputError(
      `A ${upload.parser.format} report needs the commit and branch it was produced from`,
    );
  }
  return { commitSha: upload.commitSha, branch: upload.branch };
}
