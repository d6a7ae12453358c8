import {
  AuthenticationError,
  ServiceUnavailableError,
} from '@backstage/errors';
import { stepContext } from '../__testUtils__/devopsBackend';
import { parseTimeout, readWhileWaiting, stepIdempotencyKey } from './shared';

const options = { what: 'the deploy d-1', pollMs: 1, cardUrl: 'http://card' };

describe('readWhileWaiting', () => {
  it('reads again after a passing failure, saying so', async () => {
    const { ctx, logs } = stepContext({});
    const answers: Array<Error | string> = [
      new ServiceUnavailableError('backend restarting'),
      new TypeError('fetch failed'),
      'the deploy',
    ];
    const read = jest.fn(async () => {
      const next = answers.shift()!;
      if (next instanceof Error) throw next;
      return next;
    });
    await expect(readWhileWaiting(ctx, options, read)).resolves.toBe(
      'the deploy',
    );
    expect(read).toHaveBeenCalledTimes(3);
    expect(logs).toEqual([
      'warn Could not read the deploy d-1 (backend restarting); trying again (1 of 3)',
      'warn Could not read the deploy d-1 (fetch failed); trying again (2 of 3)',
    ]);
  });

  it('stops at once on a lasting error, and after the fourth failure in a row', async () => {
    const { ctx } = stepContext({});
    const expired = jest.fn(async () => {
      throw new AuthenticationError('token expired');
    });
    await expect(readWhileWaiting(ctx, options, expired)).rejects.toThrow(
      'Stopped following the deploy d-1, which goes on in the DevOps backend (http://card): token expired',
    );
    expect(expired).toHaveBeenCalledTimes(1);

    const down = jest.fn(async () => {
      throw new ServiceUnavailableError('down');
    });
    await expect(readWhileWaiting(ctx, options, down)).rejects.toThrow(
      'Stopped following the deploy d-1, which goes on in the DevOps backend (http://card): down',
    );
    expect(down).toHaveBeenCalledTimes(4);
  });
});

describe('parseTimeout', () => {
  it('reads seconds, minutes and hours up to a day', () => {
    expect(parseTimeout('90s')).toBe(90_000);
    expect(parseTimeout('30m')).toBe(1_800_000);
    expect(parseTimeout(' 24h ')).toBe(86_400_000);
    for (const bad of ['25h', '0m', '1.5h', '30', '3d', '']) {
      expect(() => parseTimeout(bad)).toThrow(
        `timeout '${bad}' is not a duration`,
      );
    }
  });
});

describe('stepIdempotencyKey', () => {
  it('is the task and step, and the item of an each loop', () => {
    expect(
      stepIdempotencyKey(
        { task: { id: 't1' }, step: { id: 'deploy' } },
        'devops:deploy',
      ),
    ).toBe('scaffolder:t1:deploy');
    expect(
      stepIdempotencyKey(
        {
          task: { id: 't1' },
          step: { id: 'deploy' },
          each: { key: 2, value: 'eu' },
        },
        'devops:deploy',
      ),
    ).toBe('scaffolder:t1:deploy:2');
    expect(stepIdempotencyKey({ task: { id: 't1' } }, 'devops:rollback')).toBe(
      'scaffolder:t1:devops:rollback',
    );
    expect(
      stepIdempotencyKey({ task: { id: 'x'.repeat(300) } }, 'devops:deploy'),
    ).toHaveLength(200);
  });
});
