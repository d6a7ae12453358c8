// Small stand-ins for the Backstage services the DevOps router needs, shared by the benchmarks'
// API servers (bench/performance/api-server.mjs, bench/security/api-server.mjs): a quiet logger,
// httpAuth answering a fixed user, permissions allowing everything, a no-op auditor, auth that
// knows that user, and a catalog answering from a Map of entities.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

export function backstageStandIns(entities) {
  const { stringifyEntityRef } = require('@backstage/catalog-model');
  const { AuthorizeResult } = require('@backstage/plugin-permission-common');
  const logger = {
    error: (message, error) =>
      process.stderr.write(
        `error: ${message}${error instanceof Error ? `: ${error.stack}` : ''}\n`,
      ),
    warn: (...a) => process.stderr.write(`warn: ${a[0]}\n`),
    info: () => {},
    debug: () => {},
    child: () => logger,
  };
  const credentials = {
    $$type: '@backstage/BackstageCredentials',
    principal: { type: 'user', userEntityRef: 'user:default/bench' },
  };
  const allow = async requests =>
    requests.map(() => ({ result: AuthorizeResult.ALLOW }));
  const refOf = ref =>
    typeof ref === 'string' ? ref : stringifyEntityRef(ref);
  return {
    logger,
    httpAuth: {
      credentials: async () => credentials,
      issueUserCookie: async () => ({
        expiresAt: new Date(Date.now() + 3600e3),
      }),
    },
    permissions: { authorize: allow, authorizeConditional: allow },
    auditor: {
      createEvent: async () => ({
        success: async () => {},
        fail: async () => {},
      }),
    },
    auth: {
      isPrincipal: (c, type) => c.principal.type === type,
      getOwnServiceCredentials: async () => credentials,
    },
    catalog: {
      getEntityByRef: async ref => entities.get(refOf(ref)),
      getEntitiesByRefs: async ({ entityRefs }) => ({
        items: entityRefs.map(ref => entities.get(ref)),
      }),
    },
    lifecycle: { addShutdownHook: () => {}, addStartupHook: () => {} },
  };
}
