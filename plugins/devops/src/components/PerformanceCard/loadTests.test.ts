import { ResponseError } from '@backstage/errors';
import { makeLoadTestRun } from '../../__fixtures__/performanceSummary';
import { describeActionError, toLoadTestView } from './loadTests';

describe('toLoadTestView', () => {
  it('shows pending figures of a running run', () => {
    expect(
      toLoadTestView(
        makeLoadTestRun({
          status: 'running',
          p95Ms: null,
          throughput: null,
          errors: null,
          requests: null,
        }),
      ),
    ).toMatchObject({
      statusLabel: 'Running',
      p95: '…',
      throughput: '…',
      errors: '…',
      who: 'jane.doe',
    });
  });

  it('keeps the reason of a failed run', () => {
    expect(
      toLoadTestView(
        makeLoadTestRun({
          status: 'failed',
          error: 'connect ECONNREFUSED',
          p95Ms: null,
          throughput: null,
          errors: null,
          requests: null,
        }),
      ),
    ).toMatchObject({
      statusLabel: 'Failed',
      p95: '–',
      error: 'connect ECONNREFUSED',
    });
  });
});

describe('describeActionError', () => {
  async function responseError(status: number, message: string) {
    return ResponseError.fromResponse(
      new Response(
        JSON.stringify({
          error: { name: 'Error', message },
          request: { method: 'PUT', url: '/targets' },
          response: { statusCode: status },
        }),
        { status, headers: { 'Content-Type': 'application/json' } },
      ),
    );
  }

  it("gives the backend's message", async () => {
    expect(
      describeActionError(
        await responseError(400, 'p95Ms must be positive'),
        'targets',
      ),
    ).toBe('p95Ms must be positive');
  });

  it('names the missing permission on a 403', async () => {
    expect(
      describeActionError(await responseError(403, 'Forbidden'), 'targets'),
    ).toBe(
      'You are not allowed to change the performance targets of this entity (permission devops.performance.targets.update).',
    );
  });
});
