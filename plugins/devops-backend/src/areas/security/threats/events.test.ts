import { ParsedSecurityEvent } from '@devops-growth/backstage-plugin-devops-node';
import {
  EVENT_THREAT_TYPE,
  eventEnvironment,
  eventKey,
  eventSeverity,
  EVIDENCE_EVENTS,
  planEventThreats,
} from './events';

const T0 = Date.parse('2026-12-02T10:00:00Z');
const MIN = 60_000;

function event(
  minute: number,
  over: Partial<ParsedSecurityEvent> = {},
): ParsedSecurityEvent {
  return {
    id: `tx-${minute}`,
    at: new Date(T0 + minute * MIN),
    source: 'modsecurity',
    type: 'xss',
    severity: 'medium',
    blocked: true,
    clientIp: '198.51.100.4',
    request: 'GET /?q=<script>alert(1)</script>',
    ruleIds: ['941100'],
    message: 'XSS Attack Detected via libinjection',
    ...over,
  };
}

describe('event threats', () => {
  it('maps event types to threat types as documented', () => {
    expect(EVENT_THREAT_TYPE).toEqual({
      'sql-injection': 'injection',
      xss: 'injection',
      'command-injection': 'injection',
      'path-traversal': 'injection',
      'file-inclusion': 'injection',
      'code-injection': 'injection',
      scanner: 'attack',
      'protocol-violation': 'attack',
      other: 'attack',
      'auth-failure': 'brute-force',
    });
  });

  it('keys events by producer id, else by content', () => {
    expect(eventKey(event(1))).toBe(
      eventKey(event(1, { message: 'other text' })),
    );
    expect(eventKey(event(1))).not.toBe(eventKey(event(2)));
    expect(eventKey(event(1))).not.toBe(
      eventKey(event(1, { source: 'suricata' })),
    );
    const anonymous = event(1, { id: null });
    expect(eventKey(anonymous)).toBe(eventKey({ ...anonymous }));
    expect(eventKey(anonymous)).not.toBe(
      eventKey({ ...anonymous, clientIp: '198.51.100.5' }),
    );
    expect(eventKey(event(1))).toMatch(/^[0-9a-f]{64}$/);
  });

  it('raises the severity of an event that was not blocked', () => {
    expect(eventSeverity(event(0))).toBe('medium');
    expect(eventSeverity(event(0, { blocked: false }))).toBe('high');
    expect(
      eventSeverity(event(0, { blocked: false, severity: 'critical' })),
    ).toBe('critical');
    expect(eventEnvironment(event(0, { environment: '  ' }))).toBe('default');
  });

  it('splits events at quiet gaps and extends a threat the events continue', () => {
    const existing = {
      id: 'known',
      environment: 'default',
      type: 'injection' as const,
      severity: 'low' as const,
      startedAt: new Date(T0 - 30 * MIN),
      lastSeenAt: new Date(T0 - 10 * MIN),
      evidence: {
        summary: '',
        figures: [
          { label: 'Events', value: 4 },
          { label: 'Blocked', value: 4 },
          { label: 'xss', value: 4, unit: 'events' },
        ],
        events: [],
        eventCount: 4,
      },
    };
    const events = [
      ...Array.from({ length: 30 }, (_, i) => event(i)),
      event(60, { type: 'sql-injection' }),
      event(61, { type: 'scanner' }),
    ];
    const windows = planEventThreats([existing], events, 15 * MIN);
    expect(
      windows.map(w => [
        w.id,
        w.type,
        w.isNew,
        w.counts.events,
        w.eventIndexes.length,
      ]),
    ).toEqual([
      ['known', 'injection', false, 34, 30],
      [null, 'injection', true, 1, 1],
      [null, 'attack', true, 1, 1],
    ]);
    expect(windows[0].severity).toBe('medium');
    expect(windows[0].lastSeenAt).toEqual(new Date(T0 + 29 * MIN));
    expect(windows[0].evidence.events).toHaveLength(EVIDENCE_EVENTS);
    expect(windows[0].counts.byType.get('xss')).toBe(34);
  });
});
