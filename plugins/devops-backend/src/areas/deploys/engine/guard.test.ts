import { formatDuration, guarded, Interrupted, sleep } from './guard';

describe('guarded', () => {
  it('settles with a timeout even when the call ignores its signal', async () => {
    let seen: AbortSignal | undefined;
    const started = Date.now();
    const error = await guarded(
      signal => {
        seen = signal;
        return new Promise(() => {});
      },
      { sources: [], timeoutMs: 50, timeoutMessage: () => 'too slow' },
    ).catch(e => e);
    expect(error).toBeInstanceOf(Interrupted);
    expect(error).toMatchObject({ kind: 'timeout', message: 'too slow' });
    expect(seen?.aborted).toBe(true);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('answers the interrupt, not the error the call throws once aborted', async () => {
    const source = new AbortController();
    const running = guarded(
      signal =>
        new Promise((_, reject) =>
          signal.addEventListener('abort', () => reject(new Error('killed'))),
        ),
      { sources: [source.signal], timeoutMs: 5000, timeoutMessage: () => '' },
    );
    source.abort(new Interrupted('abort', 'aborted by user:default/bob'));
    await expect(running).rejects.toMatchObject({
      kind: 'abort',
      message: 'aborted by user:default/bob',
    });
  });

  it('passes the call result and its own errors through', async () => {
    const options = { sources: [], timeoutMs: 1000, timeoutMessage: () => '' };
    await expect(guarded(async () => 42, options)).resolves.toBe(42);
    await expect(
      guarded(async () => {
        throw new Error('exit code 3');
      }, options),
    ).rejects.toThrow('exit code 3');
  });

  it('does not start a call when a source is already aborted', async () => {
    const source = new AbortController();
    source.abort(new Interrupted('stop', 'the backend is stopping'));
    const call = jest.fn(async () => 1);
    await expect(
      guarded(call, {
        sources: [source.signal],
        timeoutMs: 1000,
        timeoutMessage: () => '',
      }),
    ).rejects.toMatchObject({ kind: 'stop' });
    expect(call).not.toHaveBeenCalled();
  });
});

describe('sleep', () => {
  it('ends early with the interrupt', async () => {
    const source = new AbortController();
    const waiting = sleep(10_000, source.signal);
    source.abort(new Interrupted('lease-lost', 'another replica'));
    await expect(waiting).rejects.toMatchObject({ kind: 'lease-lost' });
  });
});

describe('formatDuration', () => {
  it.each([
    [250, '250 ms'],
    [1500, '1.5 s'],
    [30_000, '30 s'],
    [600_000, '10 min'],
  ])('%p ms reads %p', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});
