// One esbuild set-up for every benchmark: bundles TypeScript of the DevOps backend into
// bench/out/<name>.cjs. Our workspace packages are compiled into the bundle; with `external`
// (the default), every other package (knex, pg, express, @backstage/*) stays an ordinary
// require() of node_modules.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

/** The directory of a workspace package. */
export const packageDir = name =>
  dirname(require.resolve(`${name}/package.json`));

/** A path under the backend's `src/`, quoted for an `export ... from` line. */
export function backendSrc(path) {
  return JSON.stringify(
    join(
      packageDir('@devops-growth/backstage-plugin-devops-backend'),
      'src',
      path,
    ),
  );
}

/**
 * Bundles `contents` (TypeScript `export ... from` lines) or one `entry` file into
 * out/<name>.cjs and returns its path.
 */
export async function bundle(name, { contents, entry, external = true }) {
  const esbuild = require('esbuild');
  const outfile = join(here, 'out', `${name}.cjs`);
  await esbuild.build({
    ...(entry
      ? { entryPoints: [entry] }
      : {
          stdin: {
            contents,
            resolveDir: here,
            loader: 'ts',
            sourcefile: 'entry.ts',
          },
        }),
    bundle: true,
    platform: 'node',
    target: 'node22',
    format: 'cjs',
    outfile,
    logLevel: 'warning',
    plugins: external
      ? [
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
        ]
      : [],
  });
  return outfile;
}
