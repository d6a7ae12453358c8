/**
 * Why the engine stopped a call: the user aborted the deploy, the phase ran out of time, the
 * backend is stopping, or another replica took the deploy over (the lease was lost).
 */
export type InterruptKind = 'abort' | 'timeout' | 'stop' | 'lease-lost';

/** Thrown into a running phase when the engine interrupts it. */
export class Interrupted extends Error {
  constructor(readonly kind: InterruptKind, message: string) {
    super(message);
    this.name = 'Interrupted';
  }
}

/** A phase that failed: its message becomes the deploy's outcome. */
export class PhaseFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PhaseFailure';
  }
}

/** The reason a signal was aborted with, as an {@link Interrupted}. */
export function interruptOf(signal: AbortSignal): Interrupted {
  const reason = signal.reason;
  return reason instanceof Interrupted
    ? reason
    : new Interrupted('stop', String(reason ?? 'interrupted'));
}

/** `ms` as people read it: 250 ms, 1.5 s, 2 min. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 120_000) return `${Number((ms / 1000).toFixed(1))} s`;
  return `${Number((ms / 60_000).toFixed(1))} min`;
}

/**
 * Runs `call` with a signal that aborts when any of `sources` aborts or after `timeoutMs`, and
 * settles as soon as that happens, even when the call ignores its signal (a hanging provider
 * must not hold the deploy). The rejection is the {@link Interrupted} that stopped it.
 */
export async function guarded<T>(
  call: (signal: AbortSignal) => Promise<T>,
  options: {
    sources: AbortSignal[];
    timeoutMs: number;
    timeoutMessage: () => string;
  },
): Promise<T> {
  const controller = new AbortController();
  let fail: (error: Interrupted) => void = () => {};
  const interrupted = new Promise<never>((_, reject) => {
    fail = reject;
  });
  interrupted.catch(() => {});
  const stop = (error: Interrupted) => {
    if (controller.signal.aborted) return;
    controller.abort(error);
    fail(error);
  };
  const listeners = options.sources.map(source => {
    const listener = () => stop(interruptOf(source));
    source.addEventListener('abort', listener, { once: true });
    return () => source.removeEventListener('abort', listener);
  });
  const timer = setTimeout(
    () => stop(new Interrupted('timeout', options.timeoutMessage())),
    options.timeoutMs,
  );
  try {
    const already = options.sources.find(s => s.aborted);
    if (already) throw interruptOf(already);
    const running = call(controller.signal);
    running.catch(() => {});
    return await Promise.race([running, interrupted]);
  } catch (error) {
    // A call that threw because its signal aborted: the interrupt is the reason.
    if (controller.signal.aborted) throw interruptOf(controller.signal);
    throw error;
  } finally {
    clearTimeout(timer);
    listeners.forEach(remove => remove());
  }
}

/** Waits `ms`, or rejects with the interrupt when `signal` aborts first. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(interruptOf(signal));
      return;
    }
    let timer: ReturnType<typeof setTimeout> | undefined = undefined;
    const onAbort = () => {
      clearTimeout(timer);
      reject(interruptOf(signal));
    };
    timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** The message of anything thrown. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
