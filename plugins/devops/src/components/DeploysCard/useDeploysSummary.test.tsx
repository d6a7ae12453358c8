import { ReactNode } from 'react';
import { renderHook, waitFor } from '@testing-library/react';
import { TestApiProvider } from '@backstage/test-utils';
import {
  makeDeploysSummary,
  makeSummaryWithPreviews,
} from '../../__fixtures__/deploysSummary';
import { deploysApiWith } from '../../__testUtils__/renderDeploysCard';
import { DevopsApi, devopsApiRef } from '../../api';
import { useDeploysSummary } from './useDeploysSummary';

const payments = { kind: 'Component', namespace: 'default', name: 'payments' };

function wrapperWith(api: DevopsApi) {
  return ({ children }: { children: ReactNode }) => (
    <TestApiProvider apis={[[devopsApiRef, api]]}>{children}</TestApiProvider>
  );
}

describe('useDeploysSummary', () => {
  it('re-reads while a per-entity environment tears down, so its attempt and next try stay current', async () => {
    const api = deploysApiWith(makeSummaryWithPreviews(Date.now()));
    renderHook(() => useDeploysSummary(payments, 60_000, 50), {
      wrapper: wrapperWith(api),
    });

    await waitFor(() =>
      expect(api.getDeploysSummary.mock.calls.length).toBeGreaterThan(2),
    );
  });

  it('does not re-read on its own when nothing is in flight or tearing down', async () => {
    const api = deploysApiWith(makeDeploysSummary());
    const { result } = renderHook(() => useDeploysSummary(payments, 50, 50), {
      wrapper: wrapperWith(api),
    });

    await waitFor(() => expect(result.current.value).toBeDefined());
    await new Promise(resolve => setTimeout(resolve, 300));
    expect(api.getDeploysSummary).toHaveBeenCalledTimes(1);
  });
});
