import '@testing-library/jest-dom';
import { configure } from '@testing-library/react';

/*
 * Recharts' ResponsiveContainer sizes charts with a ResizeObserver, which jsdom lacks, and jsdom
 * lays nothing out (every element measures 0 x 0, so nothing would be drawn). This observer
 * reports a fixed size as soon as an element is observed, so charts render in tests.
 */
class FixedSizeResizeObserver {
  constructor(private readonly callback: ResizeObserverCallback) {}

  observe(target: Element) {
    const entry = {
      target,
      contentRect: { width: 800, height: 260 },
    } as unknown as ResizeObserverEntry;
    this.callback([entry], this as unknown as ResizeObserver);
  }

  unobserve() {}

  disconnect() {}
}

if (!('ResizeObserver' in window)) {
  Object.defineProperty(window, 'ResizeObserver', {
    value: FixedSizeResizeObserver,
    writable: true,
    configurable: true,
  });
}

/*
 * Cards and tabs load lazily and the first render compiles a lot; on a busy two-core CI machine
 * with a cold transform cache that exceeds testing-library's default 1 s wait.
 */
configure({ asyncUtilTimeout: 15_000 });
jest.setTimeout(60_000);
