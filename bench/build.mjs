// Bundles the DevOps backend's report parsers (TypeScript) into out/parsers.cjs with esbuild.
import { join } from 'node:path';
import { bundle, packageDir } from './bundle.mjs';

export async function buildParsers() {
  const backend = packageDir('@devops-growth/backstage-plugin-devops-backend');
  return bundle('parsers', {
    entry: join(backend, 'src', 'reports', 'parsers', 'index.ts'),
    external: false,
  });
}
