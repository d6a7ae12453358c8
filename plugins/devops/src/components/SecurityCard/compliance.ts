/*
 * The compliance drill-down: a framework's controls to look at (failed, then not evaluated) with
 * their evidence, and its score history for the chart.
 */
import {
  ComplianceControlResult,
  ComplianceFrameworkDetail,
  ComplianceStatus,
} from '@devops-growth/backstage-plugin-devops-common';
import { formatDateTime } from '../shared';
import { COMPLIANCE_STATUS_LABELS } from './model';

/** A check of a control, ready to show. */
export interface EvidenceView {
  key: string;
  title: string;
  status: ComplianceStatus;
  statusLabel: string;
  value: string;
  when: string;
}

/** A control of the drill-down, ready to show. */
export interface ControlView {
  controlId: string;
  title: string;
  weight: number;
  status: ComplianceStatus;
  evidence: EvidenceView[];
}

/** The controls of a framework in the drill-down. */
export interface ComplianceControls {
  failed: ControlView[];
  notEvaluated: ControlView[];
  passed: number;
}

function toControlView(control: ComplianceControlResult): ControlView {
  const order: Record<ComplianceStatus, number> = {
    failed: 0,
    'not-evaluated': 1,
    passed: 2,
  };
  return {
    controlId: control.controlId,
    title: control.title,
    weight: control.weight,
    status: control.status,
    // the checks that made the verdict first
    evidence: control.evidence
      .map((check, index) => ({ check, index }))
      .sort(
        (a, b) =>
          order[a.check.status] - order[b.check.status] || a.index - b.index,
      )
      .map(({ check }) => ({
        key: check.checkId,
        title: check.title,
        status: check.status,
        statusLabel: COMPLIANCE_STATUS_LABELS[check.status],
        value: check.value,
        when: formatDateTime(check.checkedAt),
      })),
  };
}

/**
 * The controls to look at: failed ones (heaviest first, as they cost the score most), then the
 * not-evaluated ones, and how many passed.
 */
export function toComplianceControls(
  detail: ComplianceFrameworkDetail,
): ComplianceControls {
  const heaviestFirst = (a: ControlView, b: ControlView) =>
    b.weight - a.weight || a.controlId.localeCompare(b.controlId);
  const views = detail.controls.map(toControlView);
  return {
    failed: views.filter(c => c.status === 'failed').sort(heaviestFirst),
    notEvaluated: views
      .filter(c => c.status === 'not-evaluated')
      .sort(heaviestFirst),
    passed: views.filter(c => c.status === 'passed').length,
  };
}

/** A point of the score history chart; `score` is `null` where nothing could be evaluated. */
export interface ScoreHistoryPoint {
  time: number;
  score: number | null;
}

/** The history with the current score, oldest first, one point per evaluation time. */
export function toScoreHistory(
  detail: ComplianceFrameworkDetail,
): ScoreHistoryPoint[] {
  const byTime = new Map<number, number | null>();
  for (const point of [
    ...detail.history,
    { at: detail.evaluatedAt, score: detail.score },
  ]) {
    const time = Date.parse(point.at);
    if (Number.isFinite(time)) {
      byTime.set(time, point.score);
    }
  }
  return [...byTime.entries()]
    .map(([time, score]) => ({ time, score }))
    .sort((a, b) => a.time - b.time);
}
