/*
 * The security area's row on the DevOps summary card.
 */
import {
  SECURITY_SEVERITIES,
  SecuritySummary,
} from '@devops-growth/backstage-plugin-devops-common';
import {
  AreaSummary,
  formatPercent,
  sortRecommendations,
  SummaryArea,
} from '../shared';
import { hasSecurityData, THREAT_TYPE_LABELS } from './model';

function plural(count: number, one: string, many: string) {
  return `${count} ${count === 1 ? one : many}`;
}

/**
 * The security area: active threats, then findings past their SLA, then critical or high open
 * findings; the open findings and the lowest compliance score as the key figure; the worst of an
 * active threat, a recommendation or the oldest breached finding as the problem.
 */
export function summarizeSecurity(summary: SecuritySummary): AreaSummary {
  const { findings, threats } = summary;
  const [threat] = threats.active;
  const [worst] = sortRecommendations(summary.recommendations);
  const breached = findings.oldest.find(
    f => f.status === 'open' && f.slaBreached,
  );
  let problem: string | null = null;
  if (threat) {
    problem = `${THREAT_TYPE_LABELS[threat.type]}: ${threat.evidence.summary}`;
  } else if (worst) {
    problem = worst.title;
  } else if (breached) {
    problem = `${breached.title} (${breached.tool}) past its SLA`;
  }

  const open = SECURITY_SEVERITIES.reduce(
    (sum, severity) => sum + findings.open[severity],
    0,
  );
  const figures: string[] = [];
  if (findings.scans.length > 0) {
    figures.push(plural(open, 'open finding', 'open findings'));
  }
  const scored = summary.compliance.filter(c => c.score !== null);
  if (scored.length > 0) {
    const lowest = scored.reduce((a, b) => (b.score! < a.score! ? b : a));
    figures.push(`${lowest.title} ${formatPercent(lowest.score!)}`);
  }
  const figure = figures.length > 0 ? figures.join(', ') : null;

  if (!hasSecurityData(summary)) {
    return { state: 'No scan yet', tone: 'neutral', figure, problem };
  }
  const active = threats.active.filter(t => t.status === 'open').length;
  if (active > 0) {
    return {
      state: plural(active, 'open threat', 'open threats'),
      tone: 'error',
      figure,
      problem,
    };
  }
  if (findings.slaBreaches > 0) {
    return {
      state: `${plural(findings.slaBreaches, 'finding', 'findings')} past SLA`,
      tone: 'error',
      figure,
      problem,
    };
  }
  const severe = findings.open.critical + findings.open.high;
  if (severe > 0) {
    return {
      state: `${severe} critical or high`,
      tone: 'warning',
      figure,
      problem,
    };
  }
  return {
    state: open === 0 ? 'No open findings' : 'Within SLA',
    tone: 'ok',
    figure,
    problem,
  };
}

/** The security area on the summary card: the same summary the card reads (default branch). */
export const securitySummaryArea: SummaryArea<SecuritySummary> = {
  area: 'security',
  title: 'Security',
  load: (api, entityRef) => api.getSecuritySummary(entityRef),
  summarize: summarizeSecurity,
};
