import { mockServices } from '@backstage/backend-test-utils';
import { ConflictError, InputError, NotAllowedError } from '@backstage/errors';
import { JsonObject, JsonValue } from '@backstage/types';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import yaml from 'yaml';
import { stepContext, StepOptions } from '../__testUtils__/devopsBackend';
import { createDevopsPublishLocalAction } from './publishLocal';
import { examples } from './publishLocal.examples';

const CATALOG_INFO = 'apiVersion: backstage.io/v1alpha1\nkind: Component\n';

describe('devops:publish:local', () => {
  let base: string;
  let workspace: string;
  let root: string;

  beforeEach(() => {
    base = mkdtempSync(join(tmpdir(), 'publish-local-'));
    workspace = join(base, 'workspace');
    root = join(base, 'repositories');
    mkdirSync(join(workspace, '.github', 'workflows'), { recursive: true });
    writeFileSync(join(workspace, 'catalog-info.yaml'), CATALOG_INFO);
    writeFileSync(
      join(workspace, '.github', 'workflows', 'devops.yaml'),
      'on: push\n',
    );
  });
  afterEach(() => rmSync(base, { recursive: true, force: true }));

  /** null: not configured; `limits`: maxSize and maxFiles beside the directory */
  const action = (directory: string | null = root, limits: JsonObject = {}) =>
    createDevopsPublishLocalAction({
      config: mockServices.rootConfig({
        data:
          directory === null
            ? {}
            : {
                scaffolder: {
                  devops: { localRepositories: { directory, ...limits } },
                },
              },
      }),
    });

  /** A step run in the test's workspace (the shared step context, made in a temporary one). */
  function step(input: JsonObject, options: StepOptions = {}) {
    const run = stepContext(input, options);
    return { ...run, ctx: { ...run.ctx, workspacePath: workspace } };
  }

  const published = (name: string) => {
    const files: string[] = [];
    const walk = (dir: string, prefix: string) => {
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        if (e.isDirectory()) walk(join(dir, e.name), `${prefix}${e.name}/`);
        else files.push(`${prefix}${e.name}`);
      }
    };
    walk(join(root, name), '');
    return files.sort();
  };

  it("runs its first example: copies the workspace into the repository's directory", async () => {
    const input = yaml.parse(examples[0].example).steps[0].input;
    const run = step(input);
    await action().handler(run.ctx);

    expect(published('payments')).toEqual([
      '.github/workflows/devops.yaml',
      'catalog-info.yaml',
    ]);
    expect(
      readFileSync(join(root, 'payments', 'catalog-info.yaml'), 'utf8'),
    ).toBe(CATALOG_INFO);
    expect(run.outputs).toEqual({
      path: join(root, 'payments'),
      repoContentsUrl: `file://${root}/payments/`,
      catalogInfoUrl: `file://${root}/payments/catalog-info.yaml`,
    });
    // nothing but the repository is left in the directory (no staging copy)
    expect(readdirSync(root)).toEqual(['payments']);
    expect(run.logs).toContain(
      `info Published ${join(
        root,
        'payments',
      )} with 2 files; its catalog-info.yaml: file://${root}/payments/catalog-info.yaml`,
    );
  });

  it('refuses an existing repository without overwrite and leaves it as it was', async () => {
    await action().handler(step({ name: 'payments' }).ctx);
    writeFileSync(join(workspace, 'catalog-info.yaml'), 'changed\n');

    const again = step({ name: 'payments' });
    const error = await action()
      .handler(again.ctx)
      .catch(e => e);
    expect(error).toBeInstanceOf(ConflictError);
    expect(error.message).toBe(
      `The local repository 'payments' exists (${join(
        root,
        'payments',
      )}): choose another name, or set overwrite: true to replace it`,
    );
    expect(
      readFileSync(join(root, 'payments', 'catalog-info.yaml'), 'utf8'),
    ).toBe(CATALOG_INFO);
    expect(again.outputs).toEqual({});
  });

  it('runs its second example: replaces the repository with one directory of the workspace', async () => {
    await action().handler(step({ name: 'payments' }).ctx);
    mkdirSync(join(workspace, 'service'));
    writeFileSync(join(workspace, 'service', 'catalog-info.yaml'), 'new\n');

    const input = yaml.parse(examples[1].example).steps[0].input;
    expect(input).toEqual({
      name: 'payments',
      sourcePath: 'service',
      overwrite: true,
    });
    const run = step(input);
    await action().handler(run.ctx);
    expect(published('payments')).toEqual(['catalog-info.yaml']);
    expect(
      readFileSync(join(root, 'payments', 'catalog-info.yaml'), 'utf8'),
    ).toBe('new\n');
    expect(readdirSync(root)).toEqual(['payments']);
    expect(run.logs[0]).toMatch(/^info Replaced /);
  });

  it('dry run: writes nothing and says what it would copy', async () => {
    const run = step({ name: 'payments' }, { dryRun: true });
    await action().handler(run.ctx);
    expect(existsSync(root)).toBe(false);
    expect(run.outputs).toEqual({
      path: join(root, 'payments'),
      repoContentsUrl: `file://${root}/payments/`,
      catalogInfoUrl: `file://${root}/payments/catalog-info.yaml`,
    });
    expect(run.logs).toEqual([
      `info Dry run: would create ${join(
        root,
        'payments',
      )} with 2 files (.github/workflows/devops.yaml, catalog-info.yaml); nothing was written`,
    ]);
  });

  it('dry run: fails as the real run would on an existing repository, and says replace with overwrite', async () => {
    await action().handler(step({ name: 'payments' }).ctx);
    await expect(
      action().handler(step({ name: 'payments' }, { dryRun: true }).ctx),
    ).rejects.toBeInstanceOf(ConflictError);
    const run = step({ name: 'payments', overwrite: true }, { dryRun: true });
    await action().handler(run.ctx);
    expect(run.logs[0]).toMatch(/^info Dry run: would replace /);
  });

  it('a retried step returns its checkpoint instead of failing on the repository it published', async () => {
    const checkpoints = new Map<string, JsonValue | void>();
    await action().handler(step({ name: 'payments' }, { checkpoints }).ctx);
    const retry = step({ name: 'payments' }, { checkpoints });
    await action().handler(retry.ctx);
    expect(retry.outputs.catalogInfoUrl).toBe(
      `file://${root}/payments/catalog-info.yaml`,
    );
  });

  it('refuses to publish when the directory is not configured, naming the key', async () => {
    await expect(
      action(null).handler(step({ name: 'payments' }).ctx),
    ).rejects.toThrow(
      new InputError(
        "devops:publish:local has nowhere to publish: set scaffolder.devops.localRepositories.directory in the backend's app-config (a directory, relative to the backend's working directory)",
      ),
    );
  });

  it.each([['../escape'], ['Payments'], ['.hidden'], ['a/b'], ['']])(
    'refuses the name %j',
    async name => {
      await expect(action().handler(step({ name }).ctx)).rejects.toThrow(
        InputError,
      );
      expect(existsSync(root)).toBe(false);
      expect(existsSync(join(base, 'escape'))).toBe(false);
    },
  );

  it('refuses a directory over maxSize or maxFiles before writing anything, dry run included', async () => {
    // The workspace: catalog-info.yaml (47 bytes) and .github/workflows/devops.yaml (9 bytes).
    writeFileSync(join(workspace, 'bundle.bin'), Buffer.alloc(1536 * 1024));
    for (const dryRun of [false, true]) {
      await expect(
        action(root, { maxSize: '1mb' }).handler(
          step({ name: 'payments' }, { dryRun }).ctx,
        ),
      ).rejects.toThrow(
        new InputError(
          "The directory to publish (the workspace) holds 3 files of 1.5 MB, more than scaffolder.devops.localRepositories.maxSize (1 MB): publish a smaller directory with sourcePath, or raise the limit in the backend's app-config",
        ),
      );
    }
    await expect(
      action(root, { maxFiles: 1 }).handler(
        step({ name: 'payments', sourcePath: '.github' }).ctx,
      ),
    ).resolves.toBeUndefined();
    await expect(
      action(root, { maxFiles: 2 }).handler(step({ name: 'docs' }).ctx),
    ).rejects.toThrow(
      "The directory to publish (the workspace) holds 3 files of 1.5 MB, more than scaffolder.devops.localRepositories.maxFiles (2): publish a smaller directory with sourcePath, or raise the limit in the backend's app-config",
    );
    expect(readdirSync(root)).toEqual(['payments']);
  });

  it('stops at start-up on a limit that is not one, naming the key', () => {
    expect(() => action(root, { maxSize: 'a lot' })).toThrow(
      /scaffolder\.devops\.localRepositories\.maxSize/,
    );
    expect(() => action(root, { maxFiles: 0 })).toThrow(
      /scaffolder\.devops\.localRepositories\.maxFiles/,
    );
  });

  it('refuses a sourcePath outside the workspace', async () => {
    await expect(
      action().handler(step({ name: 'payments', sourcePath: '..' }).ctx),
    ).rejects.toThrow(/outside/);
    expect(existsSync(root)).toBe(false);
  });

  it('refuses a symbolic link in the workspace and writes nothing', async () => {
    writeFileSync(join(base, 'secret'), 'not to be published');
    symlinkSync(join(base, 'secret'), join(workspace, 'linked'));
    const error = await action()
      .handler(step({ name: 'payments' }).ctx)
      .catch(e => e);
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toBe(
      'linked in the workspace is a symbolic link: devops:publish:local copies directories and regular files only, so that nothing outside the workspace is published',
    );
    expect(existsSync(join(root, 'payments'))).toBe(false);
  });

  it('does not write through a symbolic link in place of the repository, even with overwrite', async () => {
    const elsewhere = join(base, 'elsewhere');
    mkdirSync(elsewhere);
    mkdirSync(root);
    symlinkSync(elsewhere, join(root, 'payments'));
    await expect(
      action().handler(step({ name: 'payments', overwrite: true }).ctx),
    ).rejects.toThrow(NotAllowedError);
    expect(readdirSync(elsewhere)).toEqual([]);
  });

  it('warns when the published files have no catalog-info.yaml', async () => {
    rmSync(join(workspace, 'catalog-info.yaml'));
    const run = step({ name: 'docs' });
    await action().handler(run.ctx);
    expect(run.logs[0]).toBe(
      `warn The published files have no catalog-info.yaml at their top: file://${root}/docs/catalog-info.yaml will not be found`,
    );
  });
});
