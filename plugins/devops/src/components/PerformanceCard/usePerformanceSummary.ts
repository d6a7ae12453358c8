import { CompoundEntityRef } from '@backstage/catalog-model';
import { useApi } from '@backstage/core-plugin-api';
import { PerformanceWindow } from '@devops-growth/backstage-plugin-devops-common';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { devopsApiRef } from '../../api';
import { loadOpeningSummary } from './window';

/**
 * Loads the performance summary of an entity for the selected window and environment. Without a
 * window, the shortest one holding a few points (see `loadOpeningSummary`); the summary says
 * which window it is.
 */
export function usePerformanceSummary(
  entityRef: CompoundEntityRef,
  selection: { window?: PerformanceWindow; environment?: string },
) {
  const devopsApi = useApi(devopsApiRef);
  const { kind, namespace, name } = entityRef;
  const { window, environment } = selection;
  return useAsyncRetry(() => {
    const load = (w: PerformanceWindow) =>
      devopsApi.getPerformanceSummary(
        { kind, namespace, name },
        { window: w, environment },
      );
    return window ? load(window) : loadOpeningSummary(load);
  }, [devopsApi, kind, namespace, name, window, environment]);
}
