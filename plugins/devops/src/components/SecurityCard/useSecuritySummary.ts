import { CompoundEntityRef } from '@backstage/catalog-model';
import { useApi } from '@backstage/core-plugin-api';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { devopsApiRef } from '../../api';

/**
 * Loads the security summary of an entity for the selected branch (the backend's default branch
 * until one is picked; the summary says which branch it is). `retry` reloads it, after a status
 * change for example.
 */
export function useSecuritySummary(
  entityRef: CompoundEntityRef,
  branch: string | undefined,
) {
  const devopsApi = useApi(devopsApiRef);
  const { kind, namespace, name } = entityRef;
  return useAsyncRetry(
    () => devopsApi.getSecuritySummary({ kind, namespace, name }, { branch }),
    [devopsApi, kind, namespace, name, branch],
  );
}
