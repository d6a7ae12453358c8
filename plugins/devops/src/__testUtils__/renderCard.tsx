import { ReactElement } from 'react';
import { Entity } from '@backstage/catalog-model';
import { discoveryApiRef } from '@backstage/core-plugin-api';
import {
  EntityProvider,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import {
  mockApis,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import { DevopsApi, devopsApiRef } from '../api';

/**
 * Renders a card for `entity` in a test app with the given DevOps API, the discovery API of
 * `https://backstage.example.com`, and a user who lacks the `denied` permissions and has every
 * other one. Entity pages are mounted at `/catalog/:namespace/:kind/:name`.
 */
export async function renderCard(
  card: ReactElement,
  entity: Entity,
  devopsApi: DevopsApi,
  denied: string[] = [],
) {
  return renderInTestApp(
    <TestApiProvider
      apis={[
        [devopsApiRef, devopsApi],
        [
          discoveryApiRef,
          mockApis.discovery({ baseUrl: 'https://backstage.example.com' }),
        ],
        [
          permissionApiRef,
          mockApis.permission({
            authorize: request =>
              denied.includes(request.permission.name)
                ? AuthorizeResult.DENY
                : AuthorizeResult.ALLOW,
          }),
        ],
      ]}
    >
      <EntityProvider entity={entity}>{card}</EntityProvider>
    </TestApiProvider>,
    {
      mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
    },
  );
}
