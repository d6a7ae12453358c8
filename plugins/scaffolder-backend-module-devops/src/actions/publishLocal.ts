import { resolveSafeChildPath } from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import {
  formatByteSize,
  readOptionalByteSize,
  readOptionalWholeNumber,
} from '@devops-growth/backstage-plugin-devops-node';
import { ConflictError, InputError, NotAllowedError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import {
  lstat,
  mkdir,
  open,
  readdir,
  realpath,
  rename,
  rm,
  writeFile,
} from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  LOCAL_REPOSITORIES_CONFIG_KEY,
  readLocalRepositoriesDirectory,
} from '../localRepositories';
import { examples } from './publishLocal.examples';
import { checkpointKey } from './shared';

/** The config keys of the publish limits, and their defaults. */
const MAX_SIZE_KEY = 'scaffolder.devops.localRepositories.maxSize';
const MAX_FILES_KEY = 'scaffolder.devops.localRepositories.maxFiles';
const DEFAULT_MAX_SIZE = '100mb';
const DEFAULT_MAX_FILES = 10_000;

/** A local repository's name: one directory below the local repositories directory. */
export const LOCAL_REPOSITORY_NAME = /^[a-z0-9][a-z0-9._-]{0,62}$/;

/** What the copy takes: directories and regular files, relative, forward slashes. */
interface SourceTree {
  directories: string[];
  files: { path: string; size: number }[];
}

/**
 * The workspace's files below `dir`; InputError for a symbolic link or a special file (a link
 * would publish what it points to, possibly outside the workspace).
 */
async function listSource(dir: string): Promise<SourceTree> {
  const tree: SourceTree = { directories: [], files: [] };
  const visit = async (path: string) => {
    const entries = await readdir(path, { withFileTypes: true });
    for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      const child = join(path, entry.name);
      const rel = relative(dir, child).split(sep).join('/');
      if (entry.isDirectory()) {
        tree.directories.push(rel);
        await visit(child);
      } else if (entry.isFile()) {
        tree.files.push({ path: rel, size: (await lstat(child)).size });
      } else {
        throw new InputError(
          `${rel} in the workspace is ${
            entry.isSymbolicLink() ? 'a symbolic link' : 'not a regular file'
          }: devops:publish:local copies directories and regular files only, so that nothing outside the workspace is published`,
        );
      }
    }
  };
  await visit(dir);
  return tree;
}

/** Copies the tree into `target`, which must not exist; files are never followed links. */
async function copyTree(source: string, tree: SourceTree, target: string) {
  await mkdir(target);
  for (const d of tree.directories) await mkdir(join(target, d));
  for (const f of tree.files) {
    const handle = await open(
      join(source, f.path),
      constants.O_RDONLY | constants.O_NOFOLLOW,
    );
    try {
      await writeFile(join(target, f.path), await handle.readFile(), {
        flag: 'wx',
      });
    } finally {
      await handle.close();
    }
  }
}

const exists = async (path: string) => {
  try {
    return await lstat(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
};

/**
 * `devops:publish:local`: copies the workspace into a directory of its own below
 * `scaffolder.devops.localRepositories.directory`, the stand-in for a repository host on a
 * machine without one; `catalog:register` then reads the published catalog-info.yaml through
 * the module's `file://` URL reader (`devopsLocalRepositoriesUrlReader`).
 * @public
 */
export function createDevopsPublishLocalAction(options: { config: Config }) {
  const { config } = options;
  // Read at start-up, so that a wrong limit stops the backend with the key's name.
  const maxSize = readOptionalByteSize(config, MAX_SIZE_KEY, DEFAULT_MAX_SIZE);
  const maxFiles = readOptionalWholeNumber(config, MAX_FILES_KEY, {
    fallback: DEFAULT_MAX_FILES,
    min: 1,
    max: 10_000_000,
  });
  return createTemplateAction({
    id: 'devops:publish:local',
    description: `Publishes the workspace (or a directory of it) as a local repository: a directory of its own below ${LOCAL_REPOSITORIES_CONFIG_KEY} on the backend's machine, readable through file:// URLs, so that catalog:register can register its catalog-info.yaml without a repository host. Symbolic links and special files are refused, and so is a directory over ${MAX_SIZE_KEY} (default ${DEFAULT_MAX_SIZE}) or ${MAX_FILES_KEY} (default ${DEFAULT_MAX_FILES}); an existing repository is replaced only with overwrite.`,
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        name: z =>
          z
            .string({
              description:
                'The repository: 1-63 lower-case letters, digits, dots, dashes or underscores, starting with a letter or digit (payments). Its directory is <localRepositories.directory>/<name>.',
            })
            .regex(LOCAL_REPOSITORY_NAME),
        sourcePath: z =>
          z
            .string({
              description:
                'The directory of the workspace to publish, relative to it. Default: the whole workspace.',
            })
            .optional(),
        overwrite: z =>
          z
            .boolean({
              description:
                'Replace a repository of the same name (its files are removed). Default: false, and an existing one fails the step.',
            })
            .optional(),
      },
      output: {
        path: z =>
          z.string({
            description: "The repository's directory on the backend's machine.",
          }),
        repoContentsUrl: z =>
          z.string({
            description: "The repository's directory as a file:// URL.",
          }),
        catalogInfoUrl: z =>
          z.string({
            description:
              "The repository's catalog-info.yaml as a file:// URL, for catalog:register.",
          }),
      },
    },
    async handler(ctx) {
      const { name, sourcePath, overwrite = false } = ctx.input;
      if (!LOCAL_REPOSITORY_NAME.test(name)) {
        throw new InputError(
          `name '${name}' is not a local repository name: 1-63 lower-case letters, digits, dots, dashes or underscores, starting with a letter or digit`,
        );
      }
      const root = readLocalRepositoriesDirectory(config);
      if (!root) {
        throw new InputError(
          `devops:publish:local has nowhere to publish: set ${LOCAL_REPOSITORIES_CONFIG_KEY} in the backend's app-config (a directory, relative to the backend's working directory)`,
        );
      }
      const source = sourcePath
        ? resolveSafeChildPath(ctx.workspacePath, sourcePath)
        : ctx.workspacePath;
      const sourceInfo = await exists(source);
      if (!sourceInfo?.isDirectory()) {
        throw new InputError(
          `sourcePath '${
            sourcePath ?? '.'
          }' is not a directory of the workspace`,
        );
      }
      const path = join(root, name);
      const repoContentsUrl = `${pathToFileURL(path).href}/`;
      const catalogInfoUrl = pathToFileURL(
        join(path, 'catalog-info.yaml'),
      ).href;
      const tree = await listSource(source);
      const total = tree.files.reduce((sum, f) => sum + f.size, 0);
      if (total > maxSize || tree.files.length > maxFiles) {
        throw new InputError(
          `The directory to publish (${sourcePath ?? 'the workspace'}) holds ${
            tree.files.length
          } files of ${formatByteSize(total)}, more than ${
            total > maxSize
              ? `${MAX_SIZE_KEY} (${formatByteSize(maxSize)})`
              : `${MAX_FILES_KEY} (${maxFiles})`
          }: publish a smaller directory with sourcePath, or raise the limit in the backend's app-config`,
        );
      }
      const conflict = async () => {
        const current = await exists(path);
        if (current?.isSymbolicLink()) {
          throw new NotAllowedError(
            `${path} is a symbolic link: devops:publish:local does not write through links; remove it by hand`,
          );
        }
        if (current && !overwrite) {
          throw new ConflictError(
            `The local repository '${name}' exists (${path}): choose another name, or set overwrite: true to replace it`,
          );
        }
        return Boolean(current);
      };
      if (!tree.files.some(f => f.path === 'catalog-info.yaml')) {
        ctx.logger.warn(
          `The published files have no catalog-info.yaml at their top: ${catalogInfoUrl} will not be found`,
        );
      }

      if (ctx.isDryRun) {
        const replaces = await conflict();
        const shown = tree.files.slice(0, 20).map(f => f.path);
        ctx.logger.info(
          `Dry run: would ${replaces ? 'replace' : 'create'} ${path} with ${
            tree.files.length
          } files (${shown.join(', ')}${
            tree.files.length > shown.length ? ', ...' : ''
          }); nothing was written`,
        );
      } else {
        const replaced = await ctx.checkpoint({
          key: checkpointKey(ctx, 'devops.publish.local'),
          fn: async () => {
            await mkdir(root, { recursive: true });
            const realRoot = await realpath(root);
            const replaces = await conflict();
            // copied beside it first, then renamed into place: a failed copy leaves nothing
            // half-written, a replaced repository is never half old and half new
            const suffix = randomBytes(6).toString('hex');
            const staging = join(realRoot, `.${name}.publishing-${suffix}`);
            const old = join(realRoot, `.${name}.replaced-${suffix}`);
            const target = join(realRoot, name);
            let movedAway = false;
            try {
              await copyTree(source, tree, staging);
              if (replaces) {
                await rename(target, old);
                movedAway = true;
              }
              await rename(staging, target);
            } catch (error) {
              if (movedAway) await rename(old, target); // the old one stays
              if ((error as NodeJS.ErrnoException).code === 'ENOTEMPTY') {
                throw new ConflictError(
                  `The local repository '${name}' was created meanwhile (${path}); run the step again with overwrite: true to replace it`,
                );
              }
              throw error;
            } finally {
              await rm(staging, { recursive: true, force: true });
            }
            if (movedAway) await rm(old, { recursive: true, force: true });
            return replaces;
          },
        });
        ctx.logger.info(
          `${replaced ? 'Replaced' : 'Published'} ${path} with ${
            tree.files.length
          } files; its catalog-info.yaml: ${catalogInfoUrl}`,
        );
      }
      ctx.output('path', path);
      ctx.output('repoContentsUrl', repoContentsUrl);
      ctx.output('catalogInfoUrl', catalogInfoUrl);
    },
  });
}
