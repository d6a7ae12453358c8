import { ConfigReader } from '@backstage/config';
import {
  formatByteSize,
  readOptionalByteSize,
  readOptionalDuration,
  readOptionalEnum,
  readOptionalPercentage,
  readOptionalWholeNumber,
} from './config';

const config = (data: object) => new ConfigReader({ devops: data });

describe('config readers', () => {
  it('reads durations as strings or objects, with the fallback when absent', () => {
    expect(
      readOptionalDuration(config({ d: '45s' }), 'devops.d', {
        fallback: { minutes: 1 },
      }),
    ).toEqual({ seconds: 45 });
    expect(
      readOptionalDuration(config({}), 'devops.d', {
        fallback: { minutes: 1 },
      }),
    ).toEqual({ minutes: 1 });
  });

  it('refuses a wrong or too short duration, naming the key and the value', () => {
    expect(() =>
      readOptionalDuration(config({ d: 'often' }), 'devops.d', {
        fallback: { minutes: 1 },
      }),
    ).toThrow(
      'Invalid config at devops.d: expected a duration such as 30s, 5m or { minutes: 5 }, got "often"',
    );
    expect(() =>
      readOptionalDuration(config({ d: '30m' }), 'devops.d', {
        fallback: { hours: 2 },
        min: { hours: 1 },
      }),
    ).toThrow(
      'Invalid config at devops.d: expected a duration of at least {"hours":1}, got "30m"',
    );
  });

  it('writes byte sizes in the units it reads', () => {
    expect(formatByteSize(1536 * 1024 + 56)).toBe('1.5 MB');
    expect(formatByteSize(100 * 1024 * 1024)).toBe('100 MB');
    expect(formatByteSize(80)).toBe('80 B');
    expect(readOptionalByteSize(config({ s: '100 MB' }), 'devops.s', 1)).toBe(
      100 * 1024 * 1024,
    );
  });

  it('reads byte sizes the way Express body limits do', () => {
    expect(readOptionalByteSize(config({ s: '64mb' }), 'devops.s', 1)).toBe(
      64 * 1024 * 1024,
    );
    expect(readOptionalByteSize(config({ s: '1.5kb' }), 'devops.s', 1)).toBe(
      1536,
    );
    expect(readOptionalByteSize(config({ s: 2048 }), 'devops.s', 1)).toBe(2048);
    expect(readOptionalByteSize(config({}), 'devops.s', '10mb')).toBe(
      10 * 1024 * 1024,
    );
    for (const wrong of ['lots', '-5mb', 0, 1.5, '']) {
      expect(() =>
        readOptionalByteSize(config({ s: wrong }), 'devops.s', 1),
      ).toThrow(
        `Invalid config at devops.s: expected a whole number of bytes or a size such as '64mb', got ${JSON.stringify(
          wrong,
        )}`,
      );
    }
  });

  it('reads whole numbers, percentages and enums within their bounds', () => {
    const n = (value: unknown) =>
      readOptionalWholeNumber(config({ n: value }), 'devops.n', {
        fallback: 5,
        min: 1,
        max: 10,
      });
    expect(n(10)).toBe(10);
    expect(() => n(0)).toThrow(
      'Invalid config at devops.n: expected a whole number from 1 to 10, got 0',
    );
    expect(() => n(2.5)).toThrow('devops.n');
    expect(readOptionalPercentage(config({ p: 12.5 }), 'devops.p')).toBe(12.5);
    expect(readOptionalPercentage(config({}), 'devops.p')).toBeUndefined();
    expect(() =>
      readOptionalPercentage(config({ p: 101 }), 'devops.p'),
    ).toThrow(
      'Invalid config at devops.p: expected a percentage from 0 to 100, got 101',
    );
    expect(
      readOptionalEnum(config({ e: 'b' }), 'devops.e', ['a', 'b'], 'a'),
    ).toBe('b');
    expect(() =>
      readOptionalEnum(config({ e: 'c' }), 'devops.e', ['a', 'b'], 'a'),
    ).toThrow('Invalid config at devops.e: expected one of a, b, got "c"');
  });
});
