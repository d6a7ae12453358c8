/*
 * A real Backstage backend for the deploys reliability tests, started by them as a separate
 * Node process (bundled first by backendProcess.ts) and killed with SIGKILL: the DevOps plugin,
 * the permission framework with the allow-all policy, and whatever database and external access
 * token the config names. The catalog is the one thing outside the project replaced: an
 * in-memory catalog serving the entities of the config's `reliability.entities`, so a start
 * costs no catalog migrations, processing loop or location ingestion. The root logger does not
 * look for secrets to redact: that loads and compiles the config schema of every package (the
 * TypeScript compiler included), seconds of CPU per start on a small machine.
 */
import { createBackend } from '@backstage/backend-defaults';
import { WinstonLogger } from '@backstage/backend-defaults/rootLogger';
import {
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import { InMemoryCatalogClient } from '@backstage/catalog-client/testUtils';
import {
  CatalogService,
  catalogServiceRef,
} from '@backstage/plugin-catalog-node';
import permissionPlugin from '@backstage/plugin-permission-backend';
import allowAllPolicy from '@backstage/plugin-permission-backend-module-allow-all-policy';
import devopsPlugin from '../../../../index';

const catalogFromConfig = createServiceFactory({
  service: catalogServiceRef,
  deps: { config: coreServices.rootConfig },
  factory({ config }) {
    const entities = config.get('reliability.entities') as Entity[];
    // The in-memory client answers CatalogService's calls; it ignores the credentials.
    return new InMemoryCatalogClient({
      entities,
    }) as unknown as CatalogService;
  },
});

const rootLogger = createServiceFactory({
  service: coreServices.rootLogger,
  deps: {},
  factory: () => WinstonLogger.create({ meta: { service: 'backstage' } }),
});

const backend = createBackend();
backend.add(rootLogger);
backend.add(catalogFromConfig);
backend.add(permissionPlugin);
backend.add(allowAllPolicy);
backend.add(devopsPlugin);
backend.start();
