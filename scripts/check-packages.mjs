#!/usr/bin/env node
// Builds and packs every publishable plugin package (plugins/*) as a release would, and checks each
// tarball: what `backstage-cli package prepack` writes (main/types/module/exports into dist/), the
// metadata a registry and Backstage need, migrations and the compiled config schema inside where the
// package has them, no `workspace:` ranges, no sources or tests, and dependencies that match what the
// packed code imports (nothing missing, nothing unused). Fails naming the package and what is wrong.
// Leaves the working tree as it found it: package.json is compared before and after `yarn pack`
// (and restored if the pack's postpack did not), dist/ is removed again where it did not exist.
//
// Usage: node scripts/check-packages.mjs [--keep <dir>] [package-dir ...]
//   --keep <dir>  keep the tarballs in <dir> (scripts/try-in-fresh-app.sh installs them from there)
// Needs the repository's dist-types (run `yarn tsc` first; scripts/test.sh does).
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
  mkdirSync,
  statSync,
} from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
let keepDir;
const only = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--keep') keepDir = args[++i];
  else only.push(args[i].replace(/\/$/, ''));
}

const packageDirs = (
  only.length
    ? only.map(d => join(root, d))
    : readdirSync(join(root, 'plugins')).map(d => join(root, 'plugins', d))
).filter(d => existsSync(join(d, 'package.json')));

const PLUGIN_PACKAGES_ROLES = [
  'frontend-plugin',
  'backend-plugin',
  'common-library',
  'web-library',
  'node-library',
];
const MODULE_ROLES = ['backend-plugin-module', 'frontend-plugin-module'];
const builtins = new Set(builtinModules.flatMap(m => [m, `node:${m}`]));

function run(cmd, cmdArgs, cwd) {
  const result = spawnSync(cmd, cmdArgs, { cwd, encoding: 'utf8' });
  return {
    ok: result.status === 0,
    output: `${result.stdout ?? ''}${result.stderr ?? ''}`.trim(),
  };
}

function listFiles(dir, prefix = '') {
  return readdirSync(dir, { withFileTypes: true }).flatMap(e =>
    e.isDirectory()
      ? listFiles(join(dir, e.name), `${prefix}${e.name}/`)
      : [`${prefix}${e.name}`],
  );
}

/** Every string leaf of package.json's exports (conditions included). */
function exportTargets(exp) {
  if (typeof exp === 'string') return [exp];
  if (exp && typeof exp === 'object')
    return Object.values(exp).flatMap(exportTargets);
  return [];
}

/** The package a module specifier names: `@scope/name/sub` -> `@scope/name`, `name/sub` -> `name`. */
function packageOf(specifier) {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/** Bare module specifiers imported or required by the given JavaScript / TypeScript files. */
function importedPackages(files, dir) {
  const found = new Map(); // package -> first file importing it
  const patterns = [
    // `import … from '…'` and `export … from '…'`, over several lines; not the word "from" in a
    // string ('to must be after from').
    /^\s*(?:import|export)\b[^'"`;]*?\bfrom\s*['"]([^'"]+)['"]/gm,
    /\bimport\s*['"]([^'"]+)['"]/g,
    /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g,
    /\brequire\(\s*['"]([^'"]+)['"]\s*\)/g,
  ];
  for (const file of files) {
    if (!/\.(c|m)?js$|\.tsx?$/.test(file)) continue;
    const text = readFileSync(join(dir, file), 'utf8');
    for (const pattern of patterns) {
      for (const match of text.matchAll(pattern)) {
        const spec = match[1];
        if (spec.startsWith('.') || spec.startsWith('/') || builtins.has(spec))
          continue;
        const pkg = packageOf(spec);
        if (builtins.has(pkg)) continue;
        if (!found.has(pkg)) found.set(pkg, file);
      }
    }
  }
  return found;
}

function checkTarball(sourceDir, sourcePkg, unpacked, problems, warnings) {
  const files = listFiles(unpacked);
  const has = p => files.includes(p.replace(/^\.\//, ''));
  const pkg = JSON.parse(readFileSync(join(unpacked, 'package.json'), 'utf8'));
  const role = pkg.backstage?.role;

  // Metadata
  if (pkg.private) problems.push('"private": true (cannot be published)');
  for (const field of ['description', 'license', 'repository', 'homepage']) {
    if (!pkg[field]) problems.push(`no "${field}" in package.json`);
  }
  if (!pkg.keywords?.includes('backstage'))
    problems.push('"keywords" does not include "backstage"');
  if (pkg.repository && typeof pkg.repository === 'object') {
    const expected = relative(root, sourceDir);
    if (pkg.repository.directory !== expected)
      problems.push(
        `repository.directory is "${pkg.repository.directory}", expected "${expected}"`,
      );
  }
  if (!role) problems.push('no "backstage.role"');
  if (
    role !== 'common-library' &&
    role !== 'node-library' &&
    !pkg.backstage?.pluginId
  )
    problems.push('no "backstage.pluginId"');
  if (PLUGIN_PACKAGES_ROLES.includes(role) && pkg.backstage?.pluginId) {
    if (!pkg.backstage.pluginPackages?.includes(pkg.name))
      problems.push(
        '"backstage.pluginPackages" missing or does not list the package itself (run `yarn backstage-cli repo fix --publish`)',
      );
  }
  if (MODULE_ROLES.includes(role) && !pkg.backstage?.pluginPackage)
    problems.push(
      '"backstage.pluginPackage" missing (run `yarn backstage-cli repo fix --publish`)',
    );

  // What prepack writes: every entry point in dist/ and present in the tarball
  const entries = [
    ...['main', 'module', 'types', 'browser']
      .filter(f => typeof pkg[f] === 'string')
      .map(f => [f, pkg[f]]),
    ...exportTargets(pkg.exports)
      .filter(t => t.startsWith('.'))
      .map(t => ['exports', t]),
    ...Object.values(pkg.typesVersions?.['*'] ?? {})
      .flat()
      .map(t => ['typesVersions', t]),
  ];
  if (!pkg.main) problems.push('no "main"');
  if (!pkg.types) problems.push('no "types"');
  for (const [field, target] of entries) {
    const path = target.replace(/^\.\//, '');
    if (path === 'package.json') continue;
    if (!path.startsWith('dist/'))
      problems.push(
        `${field} points to "${target}", not into dist/ (prepack did not rewrite it)`,
      );
    else if (!has(path))
      problems.push(
        `${field} points to "${target}", which is not in the tarball`,
      );
  }

  // Migrations and the config schema
  const migrationsDir = join(sourceDir, 'migrations');
  if (existsSync(migrationsDir)) {
    for (const m of listFiles(migrationsDir).filter(f => /\.js$/.test(f))) {
      if (!has(`migrations/${m}`))
        problems.push(`migration migrations/${m} is not in the tarball`);
    }
  }
  if (existsSync(join(sourceDir, 'config.d.ts')) && !sourcePkg.configSchema)
    problems.push('has config.d.ts but no "configSchema" in package.json');
  if (sourcePkg.configSchema) {
    if (!pkg.configSchema || !has(pkg.configSchema)) {
      problems.push(
        `configSchema "${pkg.configSchema}" is not in the tarball (files must include it)`,
      );
    } else if (pkg.configSchema.endsWith('.json')) {
      const schema = JSON.parse(
        readFileSync(join(unpacked, pkg.configSchema), 'utf8'),
      );
      if (!schema.properties || Object.keys(schema.properties).length === 0)
        problems.push(`${pkg.configSchema} declares no configuration`);
    }
  }

  // Nothing but the build, migrations, schema, README and package.json
  for (const f of files) {
    if (
      /(^|\/)src\//.test(f) ||
      /\.test\.|\.spec\.|(^|\/)__fixtures__\/|(^|\/)__mocks__\/|(^|\/)__snapshots__\//.test(
        f,
      ) ||
      /^(dev|bench|coverage)\//.test(f) ||
      (/\.tsx?$/.test(f) && !f.endsWith('.d.ts')) ||
      f === 'package.json-prepack' ||
      /\.tsbuildinfo$/.test(f)
    ) {
      problems.push(`${f} should not be packed`);
    }
  }

  // Dependencies: no workspace: ranges; exactly the packages the packed code imports
  for (const field of [
    'dependencies',
    'peerDependencies',
    'optionalDependencies',
    'devDependencies',
  ]) {
    for (const [name, range] of Object.entries(pkg[field] ?? {})) {
      if (String(range).startsWith('workspace:'))
        problems.push(
          `${field}.${name} is "${range}" in the packed package.json`,
        );
    }
  }
  const declared = new Set([
    ...Object.keys(pkg.dependencies ?? {}),
    ...Object.keys(pkg.peerDependencies ?? {}),
    ...Object.keys(pkg.optionalDependencies ?? {}),
  ]);
  const packedJs = importedPackages(
    files.filter(f => !f.endsWith('.d.ts')),
    unpacked,
  );
  const packedTypes = importedPackages(
    files.filter(f => f.endsWith('.d.ts')),
    unpacked,
  );
  for (const [name, file] of packedJs) {
    if (name !== pkg.name && !declared.has(name))
      problems.push(
        `${file} imports "${name}", which is not in dependencies or peerDependencies`,
      );
  }
  for (const [name, file] of packedTypes) {
    // Backstage's own packages do this too (types of a dependency's dependency, e.g.
    // @backstage/filter-predicates in plugin-org's alpha.d.ts): resolved through hoisting.
    if (
      name !== pkg.name &&
      !declared.has(name) &&
      !declared.has(`@types/${name}`) &&
      !packedJs.has(name)
    )
      warnings.push(
        `${file} refers to types of "${name}", which is not a dependency`,
      );
  }
  // Unused: neither the packed code nor the production sources (type-only imports) use it
  const sources = existsSync(join(sourceDir, 'src'))
    ? listFiles(join(sourceDir, 'src'), 'src/').filter(
        f =>
          !/\.test\.|(^|\/)__fixtures__\/|(^|\/)__mocks__\/|setupTests\./.test(
            f,
          ),
      )
    : [];
  const sourceImports = importedPackages(sources, sourceDir);
  for (const name of Object.keys(pkg.dependencies ?? {})) {
    const typesOf = name.startsWith('@types/')
      ? name.slice(7).replace(/^(.*)__/, '@$1/')
      : undefined;
    const used = [name, typesOf].some(
      n => n && (packedJs.has(n) || packedTypes.has(n) || sourceImports.has(n)),
    );
    if (!used)
      problems.push(
        `dependencies.${name} is imported neither by the packed code nor by src/ (unused dependency)`,
      );
  }
  return files.length;
}

const tmp = mkdtempSync(join(tmpdir(), 'devops-packages-'));
const hadDist = new Map(packageDirs.map(d => [d, existsSync(join(d, 'dist'))]));
// All of them: one `backstage-cli repo build` (every non-bundled package, in parallel) is cheaper
// than a CLI start per package.
let builtAll;
if (only.length === 0) {
  const t0 = Date.now();
  builtAll = run('yarn', ['backstage-cli', 'repo', 'build'], root);
  console.log(
    `[packages] backstage-cli repo build: ${builtAll.ok ? 'ok' : 'FAILED'} (${(
      (Date.now() - t0) /
      1000
    ).toFixed(1)} s)`,
  );
  if (!builtAll.ok) {
    console.error(builtAll.output);
    builtAll = { ok: false, output: '(see the repo build output above)' };
  }
}
if (keepDir) mkdirSync(keepDir, { recursive: true });
const failures = [];
const started = Date.now();
try {
  for (const dir of packageDirs) {
    const pkgJsonPath = join(dir, 'package.json');
    const before = readFileSync(pkgJsonPath, 'utf8');
    const sourcePkg = JSON.parse(before);
    const name = sourcePkg.name;
    const t0 = Date.now();
    const problems = [];
    const warnings = [];
    const tarball = join(keepDir ?? tmp, `${basename(dir)}.tgz`);
    let fileCount = 0;
    try {
      const build =
        builtAll ?? run('yarn', ['backstage-cli', 'package', 'build'], dir);
      if (!build.ok) {
        problems.push(`backstage-cli build failed:\n${build.output}`);
      } else {
        const pack = run('yarn', ['pack', '--out', tarball], dir);
        if (!pack.ok) problems.push(`yarn pack failed:\n${pack.output}`);
        const after = readFileSync(pkgJsonPath, 'utf8');
        if (after !== before) {
          writeFileSync(pkgJsonPath, before);
          problems.push(
            'package.json was left changed after yarn pack (restored it)',
          );
        }
        if (existsSync(join(dir, 'package.json-prepack'))) {
          rmSync(join(dir, 'package.json-prepack'));
          problems.push(
            'package.json-prepack was left behind after yarn pack (removed it)',
          );
        }
        if (pack.ok) {
          const unpackDir = join(tmp, basename(dir));
          mkdirSync(unpackDir, { recursive: true });
          const untar = run(
            'tar',
            ['xzf', tarball, '-C', unpackDir, '--strip-components=1'],
            dir,
          );
          if (!untar.ok)
            problems.push(`cannot unpack ${tarball}: ${untar.output}`);
          else
            fileCount = checkTarball(
              dir,
              sourcePkg,
              unpackDir,
              problems,
              warnings,
            );
        }
      }
    } finally {
      if (
        !hadDist.get(dir) &&
        existsSync(join(dir, 'dist')) &&
        statSync(join(dir, 'dist')).isDirectory()
      )
        rmSync(join(dir, 'dist'), { recursive: true, force: true });
    }
    const secs = ((Date.now() - t0) / 1000).toFixed(1);
    if (problems.length) {
      failures.push(name);
      console.error(`[packages] FAIL ${name} (${secs} s):`);
      for (const p of problems) console.error(`  - ${p}`);
    } else {
      console.log(`[packages] ok   ${name}: ${fileCount} files (${secs} s)`);
    }
    for (const w of warnings) console.log(`  note: ${w}`);
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
const total = ((Date.now() - started) / 1000).toFixed(0);
if (failures.length) {
  console.error(
    `[packages] ${failures.length} of ${packageDirs.length} packages cannot be published as they are (${total} s)`,
  );
  process.exit(1);
}
console.log(
  `[packages] ${packageDirs.length} packages build, pack and check clean (${total} s)`,
);
