import { discoveryApiRef, useApi } from '@backstage/core-plugin-api';
import useAsync from 'react-use/esm/useAsync';

const FALLBACK_BASE_URL = 'https://<your-backstage>/api/devops';

/**
 * The devops backend's base URL for the upload commands of the cards' empty states, as the
 * discovery API gives it; a placeholder until it answered (or if it cannot).
 */
export function useDevopsBaseUrl(): string {
  const discoveryApi = useApi(discoveryApiRef);
  const { value } = useAsync(
    () => discoveryApi.getBaseUrl('devops'),
    [discoveryApi],
  );
  return value ?? FALLBACK_BASE_URL;
}
