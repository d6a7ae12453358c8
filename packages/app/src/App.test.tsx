import { render, screen, waitFor } from '@testing-library/react';
import { discoverAvailableFeatures } from '@backstage/frontend-defaults';
import { mockApis } from '@backstage/frontend-test-utils';
import * as devopsIndex from '@devops-growth/backstage-plugin-devops';
import devopsAlpha from '@devops-growth/backstage-plugin-devops/alpha';
import devopsPackageJson from '@devops-growth/backstage-plugin-devops/package.json';
import appPackageJson from '../package.json';
import App from './App';

const DISCOVERY_GLOBAL = '__@backstage/discovered__';
const DEVOPS_PACKAGE = '@devops-growth/backstage-plugin-devops';

/**
 * What the CLI's package detection writes for the DevOps package when `app.packages` is `all`:
 * the default export of the main entry point and, because the package exports `./alpha`, the
 * default export of that one too.
 */
function simulateDevopsDiscovery() {
  const modules: Array<{ name: string; export?: string; default: unknown }> = [
    {
      name: DEVOPS_PACKAGE,
      default: (devopsIndex as Record<string, unknown>).default,
    },
  ];
  if ('./alpha' in devopsPackageJson.exports) {
    modules.push({
      name: DEVOPS_PACKAGE,
      export: './alpha',
      default: devopsAlpha,
    });
  }
  (window as unknown as Record<string, unknown>)[DISCOVERY_GLOBAL] = {
    modules,
  };
}

function setAppConfig(app: Record<string, unknown>) {
  process.env = {
    NODE_ENV: 'test',
    APP_CONFIG: [
      {
        data: {
          app: { title: 'Test', ...app },
          backend: { baseUrl: 'http://localhost:7007' },
          techdocs: {
            storageUrl: 'http://localhost:7007/api/techdocs/static/docs',
          },
        },
        context: 'test',
      },
    ] as any,
  };
}

describe('App', () => {
  afterEach(() => {
    delete (window as unknown as Record<string, unknown>)[DISCOVERY_GLOBAL];
  });

  it('should render', async () => {
    setAppConfig({});

    const rendered = render(App.createRoot());

    await waitFor(() => {
      expect(rendered.baseElement).toBeInTheDocument();
    });
  });

  it('discovers the DevOps plugin exactly once, from its alpha entry point', () => {
    expect(Object.keys(appPackageJson.dependencies)).toContain(DEVOPS_PACKAGE);
    expect(devopsPackageJson.backstage.role).toBe('frontend-plugin');
    simulateDevopsDiscovery();

    const { features } = discoverAvailableFeatures(
      mockApis.config({ data: { app: { packages: 'all' } } }),
    );

    expect(features).toEqual([devopsAlpha]);
  });

  it('starts with discovered packages, the DevOps plugin included', async () => {
    setAppConfig({ packages: 'all' });
    simulateDevopsDiscovery();

    render(App.createRoot());

    // the app tree was built without errors when it reaches the sign-in page
    expect(
      await screen.findByText(/Enter as a Guest User/, undefined, {
        timeout: 10_000,
      }),
    ).toBeInTheDocument();
  });
});
