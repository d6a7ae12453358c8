import {
  coreServices,
  createBackendPlugin,
  UrlReaderService,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { NotModifiedError } from '@backstage/errors';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { JsonObject } from '@backstage/types';
import {
  mkdirSync,
  mkdtempSync,
  rmSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import request from 'supertest';
import { createDevopsPublishLocalAction } from './actions/publishLocal';
import { devopsLocalRepositoriesUrlReader } from './localRepositories';

jest.setTimeout(60_000);

const catalogInfo = (name: string) =>
  [
    'apiVersion: backstage.io/v1alpha1',
    'kind: Component',
    'metadata:',
    `  name: ${name}`,
    '  annotations:',
    '    devops-growth.io/monitoring: deploy',
    'spec:',
    '  type: service',
    '  owner: group:default/team-a',
    '  lifecycle: experimental',
    '',
  ].join('\n');

/**
 * The UrlReaderService a plugin of the backend gets (the catalog's is built the same way):
 * backend-defaults' urlReader with this module's reader factory added by
 * `backend.add(devopsLocalRepositoriesUrlReader)`.
 */
async function backendUrlReader(config: JsonObject) {
  let reader: UrlReaderService | undefined;
  await startTestBackend({
    features: [
      devopsLocalRepositoriesUrlReader,
      mockServices.rootConfig.factory({ data: config }),
      createBackendPlugin({
        pluginId: 'probe',
        register(env) {
          env.registerInit({
            deps: { urlReader: coreServices.urlReader },
            async init({ urlReader }) {
              reader = urlReader;
            },
          });
        },
      }),
    ],
  });
  return reader!;
}

const url = (path: string) => pathToFileURL(path).href;

describe('devopsLocalRepositoriesUrlReader', () => {
  let base: string;
  let root: string;
  let reader: UrlReaderService;
  const config = () => ({
    scaffolder: { devops: { localRepositories: { directory: root } } },
  });

  beforeEach(async () => {
    base = mkdtempSync(join(tmpdir(), 'local-repositories-'));
    root = join(base, 'repositories');
    mkdirSync(join(root, 'payments', 'docs'), { recursive: true });
    mkdirSync(join(root, 'orders'), { recursive: true });
    writeFileSync(
      join(root, 'payments', 'catalog-info.yaml'),
      catalogInfo('payments'),
    );
    writeFileSync(join(root, 'payments', 'docs', 'index.md'), '# Payments\n');
    writeFileSync(
      join(root, 'orders', 'catalog-info.yaml'),
      catalogInfo('orders'),
    );
    writeFileSync(join(base, 'secret.txt'), 'outside the directory\n');
    reader = await backendUrlReader(config());
  });
  afterEach(() => rmSync(base, { recursive: true, force: true }));

  describe('readUrl', () => {
    it('reads a published file, answers NotModified for its etag, reads it again once it changed', async () => {
      const file = join(root, 'payments', 'catalog-info.yaml');
      const first = await reader.readUrl(url(file));
      expect((await first.buffer()).toString()).toBe(catalogInfo('payments'));
      expect(first.etag).toMatch(/^"[0-9a-z]+-[0-9a-z]+"$/);
      expect(first.lastModifiedAt).toBeInstanceOf(Date);

      await expect(
        reader.readUrl(url(file), { etag: first.etag }),
      ).rejects.toBeInstanceOf(NotModifiedError);
      await expect(
        reader.readUrl(url(file), {
          lastModifiedAfter: new Date(first.lastModifiedAt!.getTime() + 1000),
        }),
      ).rejects.toBeInstanceOf(NotModifiedError);

      writeFileSync(file, catalogInfo('payments-v2'));
      utimesSync(file, new Date(), new Date(Date.now() + 5000));
      const second = await reader.readUrl(url(file), { etag: first.etag });
      expect(second.etag).not.toBe(first.etag);
      expect((await second.buffer()).toString()).toContain('payments-v2');
    });

    it('answers NotFound for a missing file and a directory', async () => {
      await expect(
        reader.readUrl(url(join(root, 'payments', 'missing.yaml'))),
      ).rejects.toMatchObject({
        name: 'NotFoundError',
        message: `${url(
          join(root, 'payments', 'missing.yaml'),
        )} does not exist`,
      });
      await expect(
        reader.readUrl(url(join(root, 'payments'))),
      ).rejects.toMatchObject({ name: 'NotFoundError' });
    });

    it('refuses file:///etc/passwd, naming the directory and the config key', async () => {
      await expect(reader.readUrl('file:///etc/passwd')).rejects.toMatchObject({
        name: 'NotAllowedError',
        message: `file:///etc/passwd is outside the local repositories directory ${root} (scaffolder.devops.localRepositories.directory); only files published there can be read`,
      });
    });

    it.each([
      ['..', (r: string) => `file://${r}/../secret.txt`],
      ['encoded ..', (r: string) => `file://${r}/%2e%2e/secret.txt`],
      [
        '.. below a repository',
        (r: string) => `file://${r}/payments/../../secret.txt`,
      ],
      [
        'a sibling directory sharing the prefix',
        (r: string) => `file://${r}-other/x`,
      ],
    ])('refuses an escape by %s', async (_, make) => {
      mkdirSync(`${root}-other`);
      writeFileSync(`${root}-other/x`, 'x');
      await expect(reader.readUrl(make(root))).rejects.toMatchObject({
        name: 'NotAllowedError',
      });
    });

    it('refuses a host and an encoded slash', async () => {
      await expect(
        reader.readUrl(`file://example.com${root}/payments/catalog-info.yaml`),
      ).rejects.toMatchObject({ name: 'NotAllowedError' });
      await expect(
        reader.readUrl(`file://${root}/payments%2Fcatalog-info.yaml`),
      ).rejects.toMatchObject({ name: 'NotAllowedError' });
    });

    it('refuses symbolic links out of the directory, to a file or through a directory', async () => {
      symlinkSync(join(base, 'secret.txt'), join(root, 'payments', 'link.txt'));
      symlinkSync(base, join(root, 'escape'));
      await expect(
        reader.readUrl(url(join(root, 'payments', 'link.txt'))),
      ).rejects.toMatchObject({ name: 'NotAllowedError' });
      await expect(
        reader.readUrl(url(join(root, 'escape', 'secret.txt'))),
      ).rejects.toMatchObject({ name: 'NotAllowedError' });
    });
  });

  describe('search', () => {
    it("finds one file as the catalog's url locations read it, none when missing, NotModified for its etag", async () => {
      const target = url(join(root, 'payments', 'catalog-info.yaml'));
      const found = await reader.search(target);
      expect(found.files.map(f => f.url)).toEqual([target]);
      expect((await found.files[0].content()).toString()).toBe(
        catalogInfo('payments'),
      );
      await expect(
        reader.search(target, { etag: found.etag }),
      ).rejects.toBeInstanceOf(NotModifiedError);
      expect(
        await reader.search(url(join(root, 'payments', 'missing.yaml'))),
      ).toEqual({ files: [], etag: '' });
    });

    it('matches a glob over the repositories, skipping links', async () => {
      symlinkSync(base, join(root, 'escape'));
      writeFileSync(join(base, 'catalog-info.yaml'), 'outside');
      const found = await reader.search(`file://${root}/*/catalog-info.yaml`);
      expect(found.files.map(f => f.url)).toEqual([
        url(join(root, 'orders', 'catalog-info.yaml')),
        url(join(root, 'payments', 'catalog-info.yaml')),
      ]);
      await expect(
        reader.search(`file://${root}/*/catalog-info.yaml`, {
          etag: found.etag,
        }),
      ).rejects.toBeInstanceOf(NotModifiedError);
      await expect(
        reader.search(`file://${base}/*/catalog-info.yaml`),
      ).rejects.toMatchObject({ name: 'NotAllowedError' });
    });
  });

  describe('readTree', () => {
    it("reads a repository's files with a filter and an etag", async () => {
      const tree = await reader.readTree(url(join(root, 'payments')));
      const files = await tree.files();
      expect(files.map(f => f.path).sort()).toEqual([
        'catalog-info.yaml',
        'docs/index.md',
      ]);
      const docs = files.find(f => f.path === 'docs/index.md')!;
      expect((await docs.content()).toString()).toBe('# Payments\n');
      await expect(
        reader.readTree(url(join(root, 'payments')), { etag: tree.etag }),
      ).rejects.toBeInstanceOf(NotModifiedError);

      const filtered = await reader.readTree(url(join(root, 'payments')), {
        filter: path => path.endsWith('.md'),
      });
      expect((await filtered.files()).map(f => f.path)).toEqual([
        'docs/index.md',
      ]);
      await expect(reader.readTree(url(base))).rejects.toMatchObject({
        name: 'NotAllowedError',
      });
    });
  });

  it('reads no file URL when the directory is not configured', async () => {
    const unconfigured = await backendUrlReader({});
    await expect(
      unconfigured.readUrl(url(join(root, 'payments', 'catalog-info.yaml'))),
    ).rejects.toMatchObject({ name: 'NotAllowedError' });
  });

  it('the catalog registers what devops:publish:local published: a url location to its catalogInfoUrl', async () => {
    const workspace = join(base, 'workspace');
    mkdirSync(workspace);
    writeFileSync(join(workspace, 'catalog-info.yaml'), catalogInfo('billing'));
    const outputs: Record<string, unknown> = {};
    await createDevopsPublishLocalAction({
      config: mockServices.rootConfig({ data: config() }),
    }).handler({
      ...createMockActionContext({
        input: { name: 'billing' },
        workspacePath: workspace,
      }),
      output: (name: string, value: unknown) => {
        outputs[name] = value;
      },
    } as any);

    const { server } = await startTestBackend({
      features: [
        catalogPlugin,
        devopsLocalRepositoriesUrlReader,
        mockServices.rootConfig.factory({ data: config() }),
      ],
    });
    const auth = mockCredentials.user.header();
    const added = await request(server)
      .post('/api/catalog/locations')
      .set('Authorization', auth)
      .send({ type: 'url', target: outputs.catalogInfoUrl });
    expect(added.status).toBe(201);

    let entity: request.Response | undefined;
    for (let i = 0; i < 100; i++) {
      entity = await request(server)
        .get('/api/catalog/entities/by-name/component/default/billing')
        .set('Authorization', auth);
      if (entity.status === 200) break;
      await new Promise(r => setTimeout(r, 200));
    }
    expect(entity?.status).toBe(200);
    expect(entity?.body.metadata.annotations).toMatchObject({
      'backstage.io/managed-by-location': `url:${outputs.catalogInfoUrl}`,
      'devops-growth.io/monitoring': 'deploy',
    });

    // a location outside the directory is refused by the reader: an error on the location,
    // no entity
    const outside = await request(server)
      .post('/api/catalog/locations?dryRun=true')
      .set('Authorization', auth)
      .send({ type: 'url', target: url(join(base, 'secret.txt')) });
    expect(outside.status).toBeGreaterThanOrEqual(400);
    expect(JSON.stringify(outside.body)).toContain(
      'is outside the local repositories directory',
    );
  });
});
