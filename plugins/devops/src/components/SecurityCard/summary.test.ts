import {
  makeEmptySecuritySummary,
  makeSecuritySummary,
  makeThreat,
} from '../../__fixtures__/securitySummary';
import { summarizeSecurity } from './summary';

describe('summarizeSecurity', () => {
  it('puts an open threat first, with the open findings and the lowest score', () => {
    expect(summarizeSecurity(makeSecuritySummary())).toEqual({
      state: '1 open threat',
      tone: 'error',
      figure: '11 open findings, SOC 2 72.5%',
      problem: 'Brute force: 401/403 responses at 14 times their usual rate',
    });
  });

  it('then the findings past their SLA, with the worst recommendation', () => {
    const summary = makeSecuritySummary();
    summary.threats.active = [];
    expect(summarizeSecurity(summary)).toMatchObject({
      state: '2 findings past SLA',
      tone: 'error',
      problem: 'Fix the findings past their SLA',
    });
  });

  it('then critical or high findings within their SLA, naming a breached finding without a recommendation', () => {
    const summary = makeSecuritySummary({ recommendations: [] });
    summary.threats.active = [makeThreat({ status: 'acknowledged' })];
    summary.findings.slaBreaches = 0;
    expect(summarizeSecurity(summary)).toMatchObject({
      state: '4 critical or high',
      tone: 'warning',
    });
    summary.threats.active = [];
    expect(summarizeSecurity(summary).problem).toBe(
      'eval with argument of type Identifier (ESLint) past its SLA',
    );
  });

  it('is ok without open findings', () => {
    const summary = makeSecuritySummary({ recommendations: [] });
    summary.threats.active = [];
    summary.findings.slaBreaches = 0;
    summary.findings.oldest = [];
    summary.findings.open = { critical: 0, high: 0, medium: 0, low: 0 };
    expect(summarizeSecurity(summary)).toEqual({
      state: 'No open findings',
      tone: 'ok',
      figure: '0 open findings, SOC 2 72.5%',
      problem: null,
    });
  });

  it('says no scan yet before the first scan, with the compliance score computed from the catalog', () => {
    expect(summarizeSecurity(makeEmptySecuritySummary())).toEqual({
      state: 'No scan yet',
      tone: 'neutral',
      figure: 'SOC 2 72.5%',
      problem: null,
    });
  });
});
