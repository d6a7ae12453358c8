import { ConfigReader } from '@backstage/config';
import {
  DEFAULT_BASELINE,
  DEFAULT_BRUTE_FORCE,
  DEFAULT_TRAFFIC_FLOOD,
  readThreatSettings,
} from './settings';

const read = (threats: object) =>
  readThreatSettings(new ConfigReader({ devops: { security: { threats } } }));

describe('readThreatSettings', () => {
  it('has the documented defaults', () => {
    expect(readThreatSettings(new ConfigReader({}))).toEqual({
      detection: {
        frequency: { minutes: 1 },
        timeout: { minutes: 1 },
        batchSize: 200,
        pageSize: 500,
        staleAfterMs: 600_000,
      },
      baseline: DEFAULT_BASELINE,
      trafficFlood: DEFAULT_TRAFFIC_FLOOD,
      bruteForce: DEFAULT_BRUTE_FORCE,
      events: { gapMs: 900_000, retentionMs: 30 * 86_400_000 },
    });
    expect(DEFAULT_BASELINE.days).toBe(28);
  });

  it('reads overrides', () => {
    const settings = read({
      detection: { frequency: '30s', batchSize: 50 },
      baselineDays: 14,
      trafficFlood: { minRatio: 2.5, consecutiveTicks: 3, strongRatio: 0 },
      bruteForce: { minRps: 5, minShare: 0.5, criticalRps: 500 },
      events: { gap: '5m', retention: { days: 7 } },
    });
    expect(settings.detection.frequency).toEqual({ seconds: 30 });
    expect(settings.detection.timeout).toEqual({ seconds: 30 });
    expect(settings.detection.batchSize).toBe(50);
    expect(settings.baseline.days).toBe(14);
    expect(settings.trafficFlood).toMatchObject({
      minRatio: 2.5,
      consecutiveTicks: 3,
      strongRatio: 0,
    });
    expect(settings.bruteForce).toMatchObject({
      minRps: 5,
      minShare: 0.5,
      criticalRps: 500,
      highRps: 20,
    });
    expect(settings.events).toEqual({
      gapMs: 300_000,
      retentionMs: 7 * 86_400_000,
    });
  });

  it('refuses wrong values, naming the key', () => {
    expect(() => read({ trafficFlood: { minRatio: 1 } })).toThrow(
      'Invalid config at devops.security.threats.trafficFlood.minRatio: expected a ratio above 1, got 1',
    );
    expect(() => read({ bruteForce: { minShare: 2 } })).toThrow(
      'Invalid config at devops.security.threats.bruteForce.minShare',
    );
    expect(() =>
      read({ bruteForce: { highRps: 50, criticalRps: 10 } }),
    ).toThrow(
      'Invalid config at devops.security.threats.bruteForce.criticalRps: expected at least devops.security.threats.bruteForce.highRps (50), got 10',
    );
    expect(() => read({ trafficFlood: { consecutiveTicks: 0 } })).toThrow(
      'Invalid config at devops.security.threats.trafficFlood.consecutiveTicks',
    );
    expect(() => read({ baselineDays: 1 })).toThrow(
      'Invalid config at devops.security.threats.baselineDays',
    );
    expect(() => read({ events: { gap: 'soon' } })).toThrow(
      'Invalid config at devops.security.threats.events.gap',
    );
  });
});
