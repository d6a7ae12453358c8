import { AuthService } from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  DEVOPS_MONITORING_ANNOTATION,
  DevopsArea,
  isDevopsAreaEnabled,
} from '@devops-growth/backstage-plugin-devops-common';

/** The entity fields areas rely on: everything else is left out of the catalog reads. */
export const MONITORED_ENTITY_FIELDS = [
  'kind',
  'metadata.name',
  'metadata.namespace',
  'metadata.annotations',
];

/**
 * Reads, with the plugin's own service credentials, every catalog entity whose
 * `devops-growth.io/monitoring` annotation enables `area`, in pages of `pageSize` (a cursor
 * walk: one catalog round trip per page, never one per entity). `onPage` gets each page's
 * enabled entities as it arrives. Returns the number of pages read.
 */
export async function readMonitoredEntityPages(
  options: {
    catalog: CatalogService;
    auth: AuthService;
    area: DevopsArea;
    pageSize: number;
  },
  onPage: (entities: Entity[]) => void | Promise<void>,
): Promise<number> {
  const { catalog, auth, area, pageSize } = options;
  const credentials = await auth.getOwnServiceCredentials();
  let pages = 0;
  let cursor: string | undefined;
  do {
    const response = await catalog.queryEntities(
      cursor
        ? { cursor, fields: MONITORED_ENTITY_FIELDS, limit: pageSize }
        : {
            query: {
              [`metadata.annotations.${DEVOPS_MONITORING_ANNOTATION}`]: {
                $exists: true,
              },
            },
            fields: MONITORED_ENTITY_FIELDS,
            limit: pageSize,
            totalItems: 'exclude',
          },
      { credentials },
    );
    pages += 1;
    await onPage(response.items.filter(e => isDevopsAreaEnabled(e, area)));
    cursor = response.pageInfo.nextCursor;
  } while (cursor);
  return pages;
}
