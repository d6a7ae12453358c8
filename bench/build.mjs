// Bundles the DevOps backend's report parsers (TypeScript) into out/parsers.cjs with esbuild.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

export async function buildParsers() {
  const esbuild = require('esbuild');
  const backend = dirname(
    require.resolve(
      '@devops-growth/backstage-plugin-devops-backend/package.json',
    ),
  );
  const outfile = join(here, 'out', 'parsers.cjs');
  await esbuild.build({
    entryPoints: [join(backend, 'src', 'reports', 'parsers', 'index.ts')],
    bundle: true,
    platform: 'node',
    target: 'node22',
    format: 'cjs',
    outfile,
    logLevel: 'warning',
  });
  return outfile;
}
