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
      timeout: { seconds: 50 },
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
