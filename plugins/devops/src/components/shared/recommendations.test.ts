import { makeSummary } from '../../__fixtures__/coverageSummary';
import { sortRecommendations } from './recommendations';

describe('sortRecommendations', () => {
  it('puts the most urgent first and keeps the order within a priority', () => {
    const [low, high] = makeSummary().recommendations;
    const medium = { ...low, id: 'm', priority: 'medium' as const };
    const low2 = { ...low, id: 'low2' };
    expect(
      sortRecommendations([low, medium, high, low2]).map(r => r.id),
    ).toEqual(['tests.flaky', 'm', 'tests.slow', 'low2']);
  });
});
