// Bundles the code under test (TypeScript of the DevOps backend and its Prometheus module) into
// out/performance.cjs with esbuild. Our workspace packages are compiled into the bundle; every
// other package (knex, pg, express, @backstage/*) stays an ordinary require() of node_modules.
import { join } from 'node:path';
import { bundle, packageDir } from '../bundle.mjs';

export async function buildPerformance() {
  const backend = packageDir('@devops-growth/backstage-plugin-devops-backend');
  const prometheus = packageDir(
    '@devops-growth/backstage-plugin-devops-backend-module-prometheus',
  );
  const src = (dir, path) => JSON.stringify(join(dir, 'src', path));
  const contents = `
export { PrometheusMetricsProvider } from ${src(prometheus, 'index.ts')};
export { DatabasePerformanceSampleStore } from ${src(
    backend,
    'areas/performance/DatabasePerformanceSampleStore.ts',
  )};
export { MetricsCollector } from ${src(
    backend,
    'areas/performance/tasks/MetricsCollector.ts',
  )};
export { MetricsProviderRegistry } from ${src(
    backend,
    'areas/performance/MetricsProviderRegistry.ts',
  )};
export { readPerformanceCollectionSettings } from ${src(
    backend,
    'areas/performance/settings.ts',
  )};
export { migrateToLatest } from ${src(backend, 'database/migrations.ts')};
export { createRouter } from ${src(backend, 'router.ts')};
export { AllowedHosts } from ${src(backend, 'egress/AllowedHosts.ts')};
export { EntityAccess } from ${src(backend, 'http/index.ts')};
export { ReportParserRegistry } from ${src(
    backend,
    'reports/ReportParserRegistry.ts',
  )};
export { builtInReportParsers } from ${src(
    backend,
    'reports/parsers/index.ts',
  )};
export { createCoverageArea } from ${src(backend, 'areas/coverage/index.ts')};
export { createPerformanceArea } from ${src(
    backend,
    'areas/performance/index.ts',
  )};
`;
  return bundle('performance', { contents });
}
