import { CompoundEntityRef } from '@backstage/catalog-model';
import { useApi } from '@backstage/core-plugin-api';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { devopsApiRef, PerformanceSummaryOptions } from '../../api';

/** Loads the performance summary of an entity for the selected window and environment. */
export function usePerformanceSummary(
  entityRef: CompoundEntityRef,
  selection: PerformanceSummaryOptions,
) {
  const devopsApi = useApi(devopsApiRef);
  const { kind, namespace, name } = entityRef;
  const { window, environment } = selection;
  return useAsyncRetry(
    () =>
      devopsApi.getPerformanceSummary(
        { kind, namespace, name },
        { window, environment },
      ),
    [devopsApi, kind, namespace, name, window, environment],
  );
}
