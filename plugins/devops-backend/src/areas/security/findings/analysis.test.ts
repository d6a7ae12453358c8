import { ParsedFinding } from '@devops-growth/backstage-plugin-devops-node';
import {
  checkStatusChange,
  DAY_MS,
  dedupeFindings,
  effectiveStatus,
  findingFingerprint,
  findingTrend,
  normalizeFindingPath,
  slaDueMs,
} from './analysis';

function codeFinding(overrides: Partial<ParsedFinding> = {}): ParsedFinding {
  return {
    ruleId: 'js/sql-injection',
    title: 'SQL injection',
    message: 'Query built from user input',
    category: 'code',
    severity: 'high',
    toolSeverity: 'error',
    location: { path: 'src/db.ts', line: 12 },
    ...overrides,
  };
}

function dependencyFinding(
  overrides: Partial<ParsedFinding> = {},
): ParsedFinding {
  return {
    ruleId: 'GHSA-35jh-r3h4-6jhm',
    title: 'Prototype pollution in lodash',
    message: 'lodash before 4.17.21 ...',
    category: 'dependency',
    severity: 'high',
    toolSeverity: 'high',
    location: null,
    package: { name: 'lodash', version: '4.17.15', fixedVersion: '4.17.21' },
    advisory: { id: 'CVE-2021-23337', url: null, cvssScore: 7.2 },
    ...overrides,
  };
}

describe('normalizeFindingPath', () => {
  it('uses forward slashes, drops leading ./ and doubled slashes, keeps case', () => {
    expect(normalizeFindingPath('.\\src\\Db.ts')).toBe('src/Db.ts');
    expect(normalizeFindingPath('././src//a.ts')).toBe('src/a.ts');
    expect(normalizeFindingPath('/abs/a.ts')).toBe('/abs/a.ts');
  });
});

describe('findingFingerprint', () => {
  it('is a sha256 in hex', () => {
    expect(findingFingerprint(codeFinding())).toMatch(/^[0-9a-f]{64}$/);
  });

  it('keeps the identity of a quoted snippet when lines above it move', () => {
    const snippet = '  db.query("SELECT * FROM t WHERE id=" + id);\n';
    const before = codeFinding({ snippet });
    const after = codeFinding({
      snippet: 'db.query("SELECT * FROM t WHERE id=" +   id);',
      location: { path: './src/db.ts', line: 40 },
    });
    expect(findingFingerprint(after)).toBe(findingFingerprint(before));
    expect(
      findingFingerprint(codeFinding({ snippet: 'db.query(other)' })),
    ).not.toBe(findingFingerprint(before));
  });

  it('uses the line without a snippet, so a moved finding is a new one', () => {
    expect(
      findingFingerprint(
        codeFinding({ location: { path: 'src/db.ts', line: 13 } }),
      ),
    ).not.toBe(findingFingerprint(codeFinding()));
    expect(
      findingFingerprint(
        codeFinding({ location: { path: 'src\\db.ts', line: 12 } }),
      ),
    ).toBe(findingFingerprint(codeFinding()));
  });

  it('reads partialFingerprints whatever their order, with the rule and path', () => {
    const a = codeFinding({
      partialFingerprints: {
        primaryLocationLineHash: '39fa2ee980eb94b0:1',
        primaryLocationStartColumnFingerprint: '4',
      },
    });
    const b = codeFinding({
      location: { path: 'src/db.ts', line: 99 },
      partialFingerprints: {
        primaryLocationStartColumnFingerprint: '4',
        primaryLocationLineHash: '39fa2ee980eb94b0:1',
      },
    });
    expect(findingFingerprint(b)).toBe(findingFingerprint(a));
    expect(findingFingerprint({ ...a, ruleId: 'js/xss' })).not.toBe(
      findingFingerprint(a),
    );
    expect(
      findingFingerprint({
        ...a,
        location: { path: 'src/other.ts', line: 12 },
      }),
    ).not.toBe(findingFingerprint(a));
    expect(
      findingFingerprint({
        ...a,
        partialFingerprints: { primaryLocationLineHash: '39fa2ee980eb94b0:2' },
      }),
    ).not.toBe(findingFingerprint(a));
  });

  it('keeps a dependency finding across a version bump that keeps the advisory', () => {
    const bumped = dependencyFinding({
      package: { name: 'lodash', version: '4.17.19', fixedVersion: '4.17.21' },
    });
    expect(findingFingerprint(bumped)).toBe(
      findingFingerprint(dependencyFinding()),
    );
    expect(
      findingFingerprint(
        dependencyFinding({
          package: { name: 'underscore', version: '1.0.0', fixedVersion: null },
        }),
      ),
    ).not.toBe(findingFingerprint(dependencyFinding()));
    expect(
      findingFingerprint(
        dependencyFinding({ location: { path: 'package-lock.json', line: 9 } }),
      ),
    ).toBe(findingFingerprint(dependencyFinding()));
  });

  it('falls back to rule and title without location or package', () => {
    const bare = codeFinding({ location: null });
    expect(findingFingerprint(bare)).toBe(findingFingerprint({ ...bare }));
    expect(findingFingerprint({ ...bare, title: 'Other' })).not.toBe(
      findingFingerprint(bare),
    );
  });
});

describe('dedupeFindings', () => {
  it('counts a fingerprint once, with its most severe report', () => {
    const map = dedupeFindings([
      codeFinding({ severity: 'medium' }),
      codeFinding({ severity: 'critical', title: 'second' }),
      codeFinding({ location: { path: 'src/x.ts', line: 1 } }),
    ]);
    expect(map.size).toBe(2);
    expect(map.get(findingFingerprint(codeFinding()))?.title).toBe('second');
  });
});

describe('SLA and status', () => {
  const sla = { critical: 1, high: 7, medium: 30, low: 90 };

  it('is due the SLA days after its base time', () => {
    expect(slaDueMs(1000, 'high', sla)).toBe(1000 + 7 * DAY_MS);
    expect(slaDueMs(0, 'low', sla)).toBe(90 * DAY_MS);
  });

  it('counts an expired acceptance as open', () => {
    expect(effectiveStatus('accepted', 100, 100)).toBe('open');
    expect(effectiveStatus('accepted', 101, 100)).toBe('accepted');
    expect(effectiveStatus('fixed', null, 100)).toBe('fixed');
  });

  const now = new Date('2026-12-02T12:00:00Z');
  it('accepts with an expiry in the future, at most a year ahead', () => {
    expect(
      checkStatusChange(
        'open',
        { status: 'accepted', reason: 'r', expiresAt: '2027-12-02T12:00:00Z' },
        now,
      ).acceptedUntil?.toISOString(),
    ).toBe('2027-12-02T12:00:00.000Z');
    expect(() =>
      checkStatusChange(
        'open',
        { status: 'accepted', reason: 'r', expiresAt: '2027-12-02T12:00:01Z' },
        now,
      ),
    ).toThrow(/more than a year ahead/);
    expect(() =>
      checkStatusChange(
        'open',
        { status: 'accepted', reason: 'r', expiresAt: '2026-12-02T12:00:00Z' },
        now,
      ),
    ).toThrow(/must lie in the future/);
  });

  it('refuses changes to fixed findings and no-op changes', () => {
    expect(() => checkStatusChange('fixed', { status: 'open' }, now)).toThrow(
      /fixed/,
    );
    expect(() => checkStatusChange('open', { status: 'open' }, now)).toThrow(
      /already open/,
    );
    expect(() =>
      checkStatusChange(
        'false-positive',
        { status: 'false-positive', reason: 'r' },
        now,
      ),
    ).toThrow(/already/);
    expect(
      checkStatusChange('accepted', { status: 'open' }, now).acceptedUntil,
    ).toBeNull();
  });
});

describe('findingTrend', () => {
  const day = Date.parse('2026-11-01T00:00:00Z');
  const counts = (critical: number, high = 0) => ({
    critical,
    high,
    medium: 0,
    low: 0,
  });

  it('sums the latest snapshot of each stream per scan day', () => {
    const points = findingTrend(
      [
        // Before the window: the stream's state carried into the window.
        { streamId: 'a', scannedMs: day - 5 * DAY_MS, open: counts(4) },
        { streamId: 'b', scannedMs: day + 3600_000, open: counts(0, 2) },
        { streamId: 'b', scannedMs: day + 7200_000, open: counts(0, 3) },
        { streamId: 'a', scannedMs: day + 2 * DAY_MS, open: counts(1) },
      ],
      day,
    );
    expect(points).toEqual([
      { at: '2026-11-01', ...counts(4, 3) },
      { at: '2026-11-03', ...counts(1, 3) },
    ]);
  });

  it('is empty without scans', () => {
    expect(findingTrend([], day)).toEqual([]);
  });
});
