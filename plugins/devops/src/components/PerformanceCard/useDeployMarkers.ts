import { CompoundEntityRef } from '@backstage/catalog-model';
import { useApi } from '@backstage/core-plugin-api';
import useAsync from 'react-use/esm/useAsync';
import { devopsApiRef } from '../../api';

/**
 * The entity's deploys between `first` and `last` (epoch ms), for the markers on the charts;
 * nothing when the entity does not enable the deploy area. A failed request leaves the charts
 * without markers rather than failing the card.
 */
export function useDeployMarkers(
  entityRef: CompoundEntityRef,
  enabled: boolean,
  first: number | undefined,
  last: number | undefined,
) {
  const devopsApi = useApi(devopsApiRef);
  const { kind, namespace, name } = entityRef;
  const { value } = useAsync(async () => {
    if (!enabled || first === undefined || last === undefined) {
      return [];
    }
    const { markers } = await devopsApi.getDeployMarkers(
      { kind, namespace, name },
      { from: new Date(first), to: new Date(last) },
    );
    return markers;
  }, [devopsApi, kind, namespace, name, enabled, first, last]);
  return value ?? [];
}
