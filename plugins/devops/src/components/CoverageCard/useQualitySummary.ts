import { CompoundEntityRef } from '@backstage/catalog-model';
import { useApi } from '@backstage/core-plugin-api';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { devopsApiRef, QualitySummaryOptions } from '../../api';

/** Loads the quality summary of an entity for the selected report name and branch. */
export function useQualitySummary(
  entityRef: CompoundEntityRef,
  selection: QualitySummaryOptions,
) {
  const devopsApi = useApi(devopsApiRef);
  const { kind, namespace, name } = entityRef;
  const { report, branch } = selection;
  return useAsyncRetry(
    () =>
      devopsApi.getQualitySummary(
        { kind, namespace, name },
        { report, branch },
      ),
    [devopsApi, kind, namespace, name, report, branch],
  );
}
