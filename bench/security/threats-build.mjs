// Bundles the threat detectors (TypeScript of the DevOps backend's security area) into
// out/threats.cjs with esbuild, as bench/build.mjs does for the parsers: our workspace packages
// are compiled into the bundle, every other package stays a require() of node_modules.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

export async function buildThreats() {
  const esbuild = require('esbuild');
  const backend = dirname(
    require.resolve(
      '@devops-growth/backstage-plugin-devops-backend/package.json',
    ),
  );
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
  const outfile = join(here, '..', 'out', 'threats.cjs');
  await esbuild.build({
    stdin: { contents, resolveDir: here, loader: 'ts', sourcefile: 'entry.ts' },
    bundle: true,
    platform: 'node',
    target: 'node22',
    format: 'cjs',
    outfile,
    logLevel: 'warning',
    plugins: [
      {
        name: 'external-node-modules',
        setup(build) {
          build.onResolve({ filter: /^[^./]/ }, args =>
            args.path.startsWith('@devops-growth/')
              ? undefined
              : { path: args.path, external: true },
          );
        },
      },
    ],
  });
  return outfile;
}
