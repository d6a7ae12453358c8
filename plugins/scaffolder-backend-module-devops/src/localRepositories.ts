import {
  createServiceFactory,
  isChildPath,
  UrlReaderService,
  UrlReaderServiceReadTreeOptions,
  UrlReaderServiceReadTreeResponse,
  UrlReaderServiceReadUrlOptions,
  UrlReaderServiceReadUrlResponse,
  UrlReaderServiceSearchOptions,
  UrlReaderServiceSearchResponse,
} from '@backstage/backend-plugin-api';
import {
  ReaderFactory,
  ReadTreeResponseFactory,
  urlReaderFactoriesServiceRef,
} from '@backstage/backend-defaults/urlReader';
import { Config } from '@backstage/config';
import {
  InputError,
  NotAllowedError,
  NotFoundError,
  NotModifiedError,
} from '@backstage/errors';
import { minimatch } from 'minimatch';
import { createHash } from 'node:crypto';
import { constants } from 'node:fs';
import { open, readdir, realpath, stat } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath, pathToFileURL } from 'node:url';

/**
 * The config key of the local repositories' directory: where `devops:publish:local` writes and
 * the only place the `file://` URL reader reads. Relative to the backend's working directory.
 * @public
 */
export const LOCAL_REPOSITORIES_CONFIG_KEY =
  'scaffolder.devops.localRepositories.directory';

/**
 * The local repositories' directory as an absolute path (resolved against the backend's
 * working directory), or undefined when it is not configured.
 * @public
 */
export function readLocalRepositoriesDirectory(
  config: Config,
): string | undefined {
  const directory = config.getOptionalString(LOCAL_REPOSITORIES_CONFIG_KEY);
  if (directory === undefined) return undefined;
  if (directory.trim() === '') {
    throw new Error(
      `Invalid config at ${LOCAL_REPOSITORIES_CONFIG_KEY}: an empty string; give a directory or remove the key`,
    );
  }
  return resolve(process.cwd(), directory);
}

/** A file's content identity: modification time in nanoseconds and size. */
const fileEtag = (mtimeNs: bigint, size: bigint) =>
  `"${mtimeNs.toString(36)}-${size.toString(36)}"`;

const GLOB = /[*?[\]{}]/;

interface FoundFile {
  /** The path as the URL names it (under the configured directory, not resolved). */
  path: string;
  /** Relative to the walked directory, with forward slashes. */
  relativePath: string;
  size: number;
  mtimeNs: bigint;
  lastModifiedAt: Date;
}

/**
 * Reads `file://` URLs inside the local repositories directory
 * (`scaffolder.devops.localRepositories.directory`), what `devops:publish:local` publishes
 * there, so that `catalog:register` and url locations can read a published catalog-info.yaml
 * on a machine without a repository host. Nothing outside the directory is read: the real
 * path of every file (symbolic links resolved) must be inside the directory's real path, and
 * symbolic links met while listing a tree or a glob are skipped.
 * @public
 */
export class LocalRepositoriesUrlReader implements UrlReaderService {
  /** One reader for `file:` URLs when the directory is configured; none otherwise. */
  static factory: ReaderFactory = ({ config, treeResponseFactory }) => {
    const root = readLocalRepositoriesDirectory(config);
    if (!root) return [];
    const reader = new LocalRepositoriesUrlReader({
      root,
      treeResponseFactory,
    });
    return [{ reader, predicate: url => url.protocol === 'file:' }];
  };

  readonly #root: string;
  readonly #treeResponseFactory: ReadTreeResponseFactory;

  constructor(options: {
    /** The local repositories directory, absolute. */
    root: string;
    treeResponseFactory: ReadTreeResponseFactory;
  }) {
    this.#root = resolve(options.root);
    this.#treeResponseFactory = options.treeResponseFactory;
  }

  async readUrl(
    url: string,
    options?: UrlReaderServiceReadUrlOptions,
  ): Promise<UrlReaderServiceReadUrlResponse> {
    const { real } = await this.#inside(url);
    // O_NOFOLLOW: a file swapped for a link after the check is not followed
    const handle = await open(real, constants.O_RDONLY | constants.O_NOFOLLOW);
    try {
      const info = await handle.stat({ bigint: true });
      if (!info.isFile()) {
        throw new NotFoundError(`${url} is not a file`);
      }
      const etag = fileEtag(info.mtimeNs, info.size);
      const lastModifiedAt = new Date(Number(info.mtimeMs));
      if (options?.etag !== undefined && options.etag === etag) {
        throw new NotModifiedError();
      }
      if (
        options?.lastModifiedAfter &&
        lastModifiedAt <= options.lastModifiedAfter
      ) {
        throw new NotModifiedError();
      }
      const data = await handle.readFile();
      return {
        buffer: async () => data,
        stream: () => Readable.from(data),
        etag,
        lastModifiedAt,
      };
    } finally {
      await handle.close();
    }
  }

  async readTree(
    url: string,
    options?: UrlReaderServiceReadTreeOptions,
  ): Promise<UrlReaderServiceReadTreeResponse> {
    const { path, real } = await this.#inside(url);
    if (!(await stat(real)).isDirectory()) {
      throw new NotFoundError(`${url} is not a directory`);
    }
    const files = await this.#walk(path, real);
    const etag = treeEtag(files);
    if (options?.etag !== undefined && options.etag === etag) {
      throw new NotModifiedError();
    }
    const wanted = files.filter(
      f => !options?.filter || options.filter(f.relativePath, { size: f.size }),
    );
    const response = await this.#treeResponseFactory.fromReadableArray(
      await Promise.all(
        wanted.map(async f => ({
          data: Readable.from(await this.#read(f.path)),
          path: f.relativePath,
          lastModifiedAt: f.lastModifiedAt,
        })),
      ),
    );
    return {
      files: () => response.files(),
      archive: () => response.archive(),
      dir: dirOptions => response.dir(dirOptions),
      etag,
    };
  }

  /**
   * One file (NotFound: no files), or a glob (`*`, `**`, `{a,b}`) over the files below its
   * first literal directories, as the catalog's url locations use it.
   */
  async search(
    url: string,
    options?: UrlReaderServiceSearchOptions,
  ): Promise<UrlReaderServiceSearchResponse> {
    const pattern = this.#path(url);
    const segments = pattern.split('/');
    const firstGlob = segments.findIndex(s => GLOB.test(s));
    if (firstGlob < 0) {
      try {
        const file = await this.readUrl(url, { etag: options?.etag });
        const data = await file.buffer();
        return {
          files: [
            {
              url,
              content: async () => data,
              lastModifiedAt: file.lastModifiedAt,
            },
          ],
          etag: file.etag ?? '',
        };
      } catch (error) {
        if ((error as Error).name === 'NotFoundError') {
          return { files: [], etag: '' };
        }
        throw error;
      }
    }
    const base = segments.slice(0, firstGlob).join('/') || '/';
    let real: string;
    try {
      ({ real } = await this.#inside(pathToFileURL(base).href));
    } catch (error) {
      if ((error as Error).name === 'NotFoundError') {
        return { files: [], etag: '' };
      }
      throw error;
    }
    const files = (await this.#walk(base, real)).filter(f =>
      minimatch(f.path, pattern),
    );
    const etag = treeEtag(files);
    if (options?.etag !== undefined && options.etag === etag) {
      throw new NotModifiedError();
    }
    return {
      files: files.map(f => ({
        url: pathToFileURL(f.path).href,
        content: () => this.#read(f.path),
        lastModifiedAt: f.lastModifiedAt,
      })),
      etag,
    };
  }

  toString() {
    return `devops-local-repositories{root=${this.#root}}`;
  }

  /** The URL's path; InputError for what is not a local file URL. */
  #path(url: string): string {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new InputError(`${url} is not a URL`);
    }
    if (parsed.protocol !== 'file:') {
      throw new InputError(`${url} is not a file:// URL`);
    }
    try {
      // refuses a host other than localhost and encoded slashes
      return fileURLToPath(parsed);
    } catch (error) {
      throw new NotAllowedError(
        `${url} is not a local file URL: ${(error as Error).message}`,
      );
    }
  }

  /**
   * The URL's path and real path, refused unless the real path is inside the real path of the
   * directory (`..`, links out of it); NotFound when it does not exist.
   */
  async #inside(url: string): Promise<{ path: string; real: string }> {
    const path = this.#path(url);
    const outside = () =>
      new NotAllowedError(
        `${url} is outside the local repositories directory ${
          this.#root
        } (${LOCAL_REPOSITORIES_CONFIG_KEY}); only files published there can be read`,
      );
    if (path !== this.#root && !isChildPath(this.#root, path)) throw outside();
    let realRoot: string;
    let real: string;
    try {
      realRoot = await realpath(this.#root);
      real = await realpath(path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        throw new NotFoundError(`${url} does not exist`);
      }
      throw error;
    }
    if (real !== realRoot && !isChildPath(realRoot, real)) throw outside();
    return { path, real };
  }

  /** Every regular file below a directory that is inside the root; links are skipped. */
  async #walk(dir: string, realDir: string): Promise<FoundFile[]> {
    const found: FoundFile[] = [];
    const visit = async (path: string, real: string) => {
      const entries = await readdir(real, { withFileTypes: true });
      for (const entry of entries.sort((a, b) =>
        a.name.localeCompare(b.name),
      )) {
        const childPath = join(path, entry.name);
        const childReal = join(real, entry.name);
        if (entry.isDirectory()) {
          await visit(childPath, childReal);
        } else if (entry.isFile()) {
          const info = await stat(childReal, { bigint: true });
          found.push({
            path: childPath,
            relativePath: relative(dir, childPath).split(sep).join('/'),
            size: Number(info.size),
            mtimeNs: info.mtimeNs,
            lastModifiedAt: new Date(Number(info.mtimeMs)),
          });
        }
      }
    };
    await visit(dir, realDir);
    return found;
  }

  async #read(path: string): Promise<Buffer> {
    return (await this.readUrl(pathToFileURL(path).href)).buffer();
  }
}

function treeEtag(files: FoundFile[]): string {
  const hash = createHash('sha256');
  for (const f of files) {
    hash.update(`${f.relativePath}\0${f.mtimeNs}\0${f.size}\n`);
  }
  return hash.digest('hex').slice(0, 40);
}

/**
 * The `file://` URL reader of the local repositories directory, for every plugin's UrlReader
 * (the catalog's above all): `backend.add(devopsLocalRepositoriesUrlReader)`. Reads nothing
 * until `scaffolder.devops.localRepositories.directory` is configured.
 * @public
 */
export const devopsLocalRepositoriesUrlReader = createServiceFactory({
  service: urlReaderFactoriesServiceRef,
  deps: {},
  async factory() {
    return LocalRepositoriesUrlReader.factory;
  },
});
