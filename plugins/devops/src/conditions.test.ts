import { isDevopsCoverageAvailable } from './conditions';
import { makeEntity } from './__fixtures__/qualitySummary';

describe('isDevopsCoverageAvailable', () => {
  it.each([
    ['coverage', true],
    ['deploy, coverage', true],
    ['enabled', true],
    ['deploy', false],
    ['', false],
  ])('is %p -> %p', (monitoring, expected) => {
    expect(isDevopsCoverageAvailable(makeEntity(monitoring))).toBe(expected);
  });

  it('is false without the annotation', () => {
    expect(isDevopsCoverageAvailable(makeEntity())).toBe(false);
  });
});
