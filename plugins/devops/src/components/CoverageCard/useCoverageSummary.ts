import { CompoundEntityRef } from '@backstage/catalog-model';
import { useApi } from '@backstage/core-plugin-api';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { devopsApiRef, CoverageSummaryOptions } from '../../api';

/** Loads the coverage summary of an entity for the selected report name and branch. */
export function useCoverageSummary(
  entityRef: CompoundEntityRef,
  selection: CoverageSummaryOptions,
) {
  const devopsApi = useApi(devopsApiRef);
  const { kind, namespace, name } = entityRef;
  const { report, branch } = selection;
  return useAsyncRetry(
    () =>
      devopsApi.getCoverageSummary(
        { kind, namespace, name },
        { report, branch },
      ),
    [devopsApi, kind, namespace, name, report, branch],
  );
}
