import { makeComplianceDetail } from '../../__fixtures__/securitySummary';
import { toComplianceControls, toScoreHistory } from './compliance';

describe('toComplianceControls', () => {
  it('lists the failing, then the not-evaluated controls, each with its evidence, and counts the passed ones', () => {
    const controls = toComplianceControls(makeComplianceDetail());
    expect(controls.passed).toBe(1);
    expect(controls.failed.map(c => c.controlId)).toEqual(['CC7.1']);
    expect(controls.notEvaluated.map(c => c.controlId)).toEqual(['CC7.4']);
    const [failed] = controls.failed;
    // the check that failed the control first
    expect(failed.evidence.map(e => [e.title, e.statusLabel, e.value])).toEqual(
      [
        ['No open finding past its SLA', 'Failed', '2 findings past SLA'],
        ['A scan in the last 30 days', 'Passed', 'last scan 2025-03-10'],
      ],
    );
    expect(failed.evidence[0].when).not.toBe('');
  });

  it('puts the heaviest failing controls first, as they cost the score most', () => {
    const detail = makeComplianceDetail();
    const failed = detail.controls[1];
    detail.controls.push(
      { ...failed, controlId: 'A.1', weight: 1 },
      { ...failed, controlId: 'Z.9', weight: 5 },
    );
    expect(toComplianceControls(detail).failed.map(c => c.controlId)).toEqual([
      'Z.9',
      'CC7.1',
      'A.1',
    ]);
  });
});

describe('toScoreHistory', () => {
  it('gives the history with the current score, oldest first, one point per time, gaps kept', () => {
    const detail = makeComplianceDetail({
      history: [
        { at: '2025-03-09T11:00:00Z', score: null },
        { at: '2025-03-08T11:00:00Z', score: 60 },
        { at: 'not a date', score: 1 },
        // the current evaluation is also the last history entry
        { at: '2025-03-10T11:00:00Z', score: 72.5 },
      ],
    });
    expect(toScoreHistory(detail)).toEqual([
      { time: Date.parse('2025-03-08T11:00:00Z'), score: 60 },
      { time: Date.parse('2025-03-09T11:00:00Z'), score: null },
      { time: Date.parse('2025-03-10T11:00:00Z'), score: 72.5 },
    ]);
  });
});
