import { createHash } from 'node:crypto';
import {
  SecuritySeverity,
  ThreatEventEvidence,
  ThreatEvidence,
  ThreatFigure,
  ThreatType,
} from '@devops-growth/backstage-plugin-devops-common';
import {
  ParsedSecurityEvent,
  SecurityEventType,
} from '@devops-growth/backstage-plugin-devops-node';
import { maxSeverity, raiseSeverity } from './metricDetectors';

/**
 * Event-based threats, from the events a WAF or IDS reported (pure): events are grouped by
 * environment and threat type into windows that a quiet gap closes; a window that meets an
 * existing threat of the same environment and type extends it instead of opening another.
 */

/** The detector id of event-based threats. */
export const EVENT_DETECTOR = 'waf-events';

/** Events quoted in a threat's evidence, the earliest first. */
export const EVIDENCE_EVENTS = 20;

export const EVENT_THREAT_TYPE: Record<SecurityEventType, ThreatType> = {
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
};

const TYPE_WORDS: Record<ThreatType, string> = {
  injection: 'Injection attempts',
  attack: 'Attacks',
  'brute-force': 'Failed logins',
  'traffic-flood': 'Request floods',
};

/** Figure labels, read back when a threat is extended. */
export const EVENT_FIGURES = {
  events: 'Events',
  blocked: 'Blocked',
  clients: 'Client addresses',
} as const;
const BY_TYPE_UNIT = 'events';

/**
 * The key an event is de-duplicated by within an entity: the producer's id when given (a
 * re-uploaded log is refused event by event), else a hash of what the event says (time,
 * source, client, request, rules, message), so that the same log without ids is refused too.
 */
export function eventKey(event: ParsedSecurityEvent): string {
  const hash = createHash('sha256');
  if (event.id) {
    hash.update(`id\0${event.source}\0${event.id}`);
  } else {
    hash.update(
      JSON.stringify([
        event.at.getTime(),
        event.source,
        event.clientIp,
        event.request,
        event.ruleIds,
        event.message,
        event.environment ?? null,
      ]),
    );
  }
  return hash.digest('hex');
}

export function eventEnvironment(event: ParsedSecurityEvent): string {
  const env = event.environment?.trim();
  return env ? env : 'default';
}

/** The event's severity, one step higher when the request was not blocked. */
export function eventSeverity(event: ParsedSecurityEvent): SecuritySeverity {
  return event.blocked ? event.severity : raiseSeverity(event.severity);
}

export function toEventEvidence(
  event: ParsedSecurityEvent,
): ThreatEventEvidence {
  return {
    at: event.at.toISOString(),
    source: event.source,
    clientIp: event.clientIp,
    request: event.request,
    ruleIds: event.ruleIds,
    message: event.message,
    blocked: event.blocked,
  };
}

/** An event-based threat as planning needs it. */
export interface EventThreatWindow {
  /** `null` until stored, for a window this report opens. */
  id: string | null;
  environment: string;
  type: ThreatType;
  severity: SecuritySeverity;
  startedAt: Date;
  lastSeenAt: Date;
  evidence: ThreatEvidence;
}

/** A window after planning, with the counts the report added. */
export interface PlannedWindow extends EventThreatWindow {
  isNew: boolean;
  counts: { events: number; blocked: number; byType: Map<string, number> };
  /** Indexes (into the planned events) of the events it took. */
  eventIndexes: number[];
}

function figureValue(evidence: ThreatEvidence, label: string): number {
  return evidence.figures.find(f => f.label === label)?.value ?? 0;
}

function startCounts(evidence: ThreatEvidence): PlannedWindow['counts'] {
  const byType = new Map<string, number>();
  for (const f of evidence.figures) {
    if (f.unit === BY_TYPE_UNIT) byType.set(f.label, f.value);
  }
  return {
    events: evidence.eventCount ?? figureValue(evidence, EVENT_FIGURES.events),
    blocked: figureValue(evidence, EVENT_FIGURES.blocked),
    byType,
  };
}

/**
 * Assigns each new event (already de-duplicated) to a threat window: the latest window of the
 * same environment and type whose span, widened by `gapMs` on both sides, holds the event;
 * else a new window. Events are taken in time order, so a report spanning several attacks
 * opens several threats, and one continuing an existing threat extends it.
 */
export function planEventThreats(
  existing: readonly EventThreatWindow[],
  events: readonly ParsedSecurityEvent[],
  gapMs: number,
): PlannedWindow[] {
  const windows = new Map<string, PlannedWindow[]>();
  const keyOf = (environment: string, type: ThreatType) =>
    JSON.stringify([environment, type]);
  for (const w of existing) {
    const list = windows.get(keyOf(w.environment, w.type)) ?? [];
    list.push({
      ...w,
      isNew: false,
      counts: startCounts(w.evidence),
      eventIndexes: [],
    });
    windows.set(keyOf(w.environment, w.type), list);
  }
  const order = events
    .map((event, index) => ({ event, index }))
    .sort((a, b) => a.event.at.getTime() - b.event.at.getTime());
  for (const { event, index } of order) {
    const environment = eventEnvironment(event);
    const type = EVENT_THREAT_TYPE[event.type];
    const key = keyOf(environment, type);
    const list = windows.get(key) ?? [];
    windows.set(key, list);
    const at = event.at.getTime();
    let target: PlannedWindow | undefined;
    for (const w of list) {
      if (
        at >= w.startedAt.getTime() - gapMs &&
        at <= w.lastSeenAt.getTime() + gapMs &&
        (!target || w.startedAt > target.startedAt)
      ) {
        target = w;
      }
    }
    if (!target) {
      target = {
        id: null,
        environment,
        type,
        severity: 'low',
        startedAt: event.at,
        lastSeenAt: event.at,
        evidence: { summary: '', figures: [], events: [] },
        isNew: true,
        counts: { events: 0, blocked: 0, byType: new Map() },
        eventIndexes: [],
      };
      list.push(target);
    }
    if (event.at < target.startedAt) target.startedAt = event.at;
    if (event.at > target.lastSeenAt) target.lastSeenAt = event.at;
    target.severity =
      target.isNew && target.eventIndexes.length === 0
        ? eventSeverity(event)
        : maxSeverity(target.severity, eventSeverity(event));
    target.counts.events += 1;
    if (event.blocked) target.counts.blocked += 1;
    target.counts.byType.set(
      event.type,
      (target.counts.byType.get(event.type) ?? 0) + 1,
    );
    target.eventIndexes.push(index);
  }
  const touched: PlannedWindow[] = [];
  for (const list of windows.values()) {
    for (const w of list) {
      if (w.eventIndexes.length === 0) continue;
      const quoted = [
        ...w.evidence.events,
        ...w.eventIndexes.map(i => toEventEvidence(events[i])),
      ]
        .sort((a, b) => Date.parse(a.at) - Date.parse(b.at))
        .slice(0, EVIDENCE_EVENTS);
      touched.push({ ...w, evidence: { ...w.evidence, events: quoted } });
    }
  }
  return touched;
}

/** The window's evidence once the distinct client addresses behind it are counted. */
export function finishEventEvidence(
  window: PlannedWindow,
  clientAddresses: number,
): ThreatEvidence {
  const { events, blocked, byType } = window.counts;
  const types = [...byType.entries()].sort((a, b) => b[1] - a[1]);
  const figures: ThreatFigure[] = [
    { label: EVENT_FIGURES.events, value: events },
    { label: EVENT_FIGURES.blocked, value: blocked },
    { label: EVENT_FIGURES.clients, value: clientAddresses },
    ...types.map(([label, value]) => ({ label, value, unit: BY_TYPE_UNIT })),
  ];
  const notBlocked = events - blocked;
  return {
    summary: `${TYPE_WORDS[window.type]} reported by the WAF/IDS (${types
      .map(([t]) => t)
      .join(', ')}): ${events} event${
      events === 1 ? '' : 's'
    } from ${clientAddresses} client address${
      clientAddresses === 1 ? '' : 'es'
    }, ${notBlocked === 0 ? 'all blocked' : `${notBlocked} not blocked`}`,
    figures,
    events: window.evidence.events,
    eventCount: events,
  };
}
