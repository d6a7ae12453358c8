// Bundles the threat detectors (TypeScript of the DevOps backend's security area) into
// out/threats.cjs with esbuild, as bench/build.mjs does for the parsers: our workspace packages
// are compiled into the bundle, every other package stays a require() of node_modules.
import { join } from 'node:path';
import { bundle, packageDir } from '../bundle.mjs';

export async function buildThreats() {
  const backend = packageDir('@devops-growth/backstage-plugin-devops-backend');
  const src = path =>
    JSON.stringify(join(backend, 'src', 'areas', 'security', 'threats', path));
  const contents = `
export { hourlyBaseline, hourStart } from ${src('detectors.ts')};
export { evaluateTrafficFlood, evaluateBruteForce } from ${src(
    'metricDetectors.ts',
  )};
export { planMetricThreat } from ${src('lifecycle.ts')};
export { DEFAULT_BASELINE, DEFAULT_TRAFFIC_FLOOD, DEFAULT_BRUTE_FORCE } from ${src(
    'settings.ts',
  )};
`;
  return bundle('threats', { contents });
}
