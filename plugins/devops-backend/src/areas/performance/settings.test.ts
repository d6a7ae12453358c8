import { ConfigReader } from '@backstage/config';
import {
  readPerformanceCollectionSettings,
  readPerformanceRetentionSettings,
} from './settings';

const config = (performance: object) =>
  new ConfigReader({ devops: { performance } });

describe('performance collection settings', () => {
  it('uses the documented defaults', () => {
    expect(readPerformanceCollectionSettings(config({}))).toEqual({
      frequency: { minutes: 1 },
      timeout: { minutes: 1 },
      shards: 1,
      pageSize: 500,
    });
    expect(readPerformanceRetentionSettings(config({}))).toEqual({
      raw: { days: 7 },
      rollups: { days: 90 },
      frequency: { minutes: 10 },
      batchSize: 5000,
    });
  });

  it('reads durations as strings or objects, and whole numbers', () => {
    expect(
      readPerformanceCollectionSettings(
        config({
          collection: {
            frequency: '30s',
            timeout: { seconds: 25 },
            shards: 4,
            pageSize: 200,
          },
        }),
      ),
    ).toEqual({
      frequency: { seconds: 30 },
      timeout: { seconds: 25 },
      shards: 4,
      pageSize: 200,
    });
    expect(
      readPerformanceRetentionSettings(
        config({
          retention: { raw: '3d', rollups: { days: 400 }, batchSize: 100 },
        }),
      ),
    ).toMatchObject({
      raw: { days: 3 },
      rollups: { days: 400 },
      batchSize: 100,
    });
  });

  it('defaults the timeout to the frequency, so that a dead replica holds its shards one interval', () => {
    expect(
      readPerformanceCollectionSettings(
        config({ collection: { frequency: '10s' } }),
      ),
    ).toMatchObject({ frequency: { seconds: 10 }, timeout: { seconds: 10 } });
    expect(
      readPerformanceCollectionSettings(
        config({ collection: { frequency: '10s', timeout: '20s' } }),
      ).timeout,
    ).toEqual({ seconds: 20 });
  });

  it('refuses a timeout longer than twice the frequency, naming the key', () => {
    expect(() =>
      readPerformanceCollectionSettings(
        config({ collection: { frequency: '10s', timeout: '21s' } }),
      ),
    ).toThrow(
      'Invalid config at devops.performance.collection.timeout: expected at most 2 times devops.performance.collection.frequency (20s): a replica that dies mid-tick holds its shards for the whole timeout, so collection would stop that long; raise devops.performance.collection.shards or devops.performance.collection.frequency for slow ticks, got "21s"',
    );
    // The former default timeout with a 10 s interval.
    expect(() =>
      readPerformanceCollectionSettings(
        config({ collection: { frequency: '10s', timeout: '50s' } }),
      ),
    ).toThrow('devops.performance.collection.timeout');
  });

  it.each([
    [{ collection: { shards: 0 } }, 'devops.performance.collection.shards'],
    [{ collection: { shards: 1.5 } }, 'devops.performance.collection.shards'],
    [
      { collection: { pageSize: 'many' } },
      'devops.performance.collection.pageSize',
    ],
    [
      { collection: { frequency: 'often' } },
      'devops.performance.collection.frequency',
    ],
    [
      { collection: { timeout: { seconds: 0 } } },
      'devops.performance.collection.timeout',
    ],
    [{ retention: { raw: '1h' } }, 'devops.performance.retention.raw'],
    [
      { retention: { rollups: 'forever' } },
      'devops.performance.retention.rollups',
    ],
    [
      { retention: { batchSize: -1 } },
      'devops.performance.retention.batchSize',
    ],
  ])('refuses %j naming %s', (performance, key) => {
    expect(() => {
      readPerformanceCollectionSettings(config(performance));
      readPerformanceRetentionSettings(config(performance));
    }).toThrow(key);
  });
});
