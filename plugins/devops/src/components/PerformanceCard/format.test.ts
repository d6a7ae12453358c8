import {
  formatActor,
  formatBytes,
  formatErrorRate,
  formatMs,
  formatThroughput,
} from './format';

describe('formatting', () => {
  it.each([
    [formatMs(4.25), '4.3 ms'],
    [formatMs(180.4), '180 ms'],
    [formatThroughput(1234.4), '1234 req/s'],
    [formatThroughput(12.34), '12.3 req/s'],
    [formatThroughput(0.5), '0.50 req/s'],
    [formatErrorRate(0), '0%'],
    [formatErrorRate(0.0123), '1.23%'],
    [formatErrorRate(0.125), '12.5%'],
    [formatBytes(512), '512 B'],
    [formatBytes(256 * 1024 * 1024), '256 MiB'],
    [formatBytes(1.5 * 1024 ** 3), '1.5 GiB'],
    [formatActor('user:default/jane.doe'), 'jane.doe'],
    [formatActor('user:ops/sam'), 'ops/sam'],
    [formatActor('plugin:scaffolder'), 'plugin:scaffolder'],
  ])('%p is %p', (actual, expected) => {
    expect(actual).toBe(expected);
  });
});
