import {
  isDevopsContentAvailable,
  isDevopsCoverageAvailable,
  isDevopsPerformanceAvailable,
  isDevopsSecurityAvailable,
} from './conditions';
import { makeEntity } from './__fixtures__/coverageSummary';

describe('isDevopsCoverageAvailable', () => {
  it.each([
    ['coverage', true],
    ['deploy, coverage', true],
    ['enabled', true],
    ['deploy', false],
    ['performance', false],
    ['', false],
  ])('is %p -> %p', (monitoring, expected) => {
    expect(isDevopsCoverageAvailable(makeEntity(monitoring))).toBe(expected);
  });

  it('is false without the annotation', () => {
    expect(isDevopsCoverageAvailable(makeEntity())).toBe(false);
  });
});

describe('isDevopsPerformanceAvailable', () => {
  it.each([
    ['performance', true],
    ['coverage, Performance', true],
    ['enabled', true],
    ['coverage', false],
    ['', false],
  ])('is %p -> %p', (monitoring, expected) => {
    expect(isDevopsPerformanceAvailable(makeEntity(monitoring))).toBe(expected);
  });

  it('is false without the annotation', () => {
    expect(isDevopsPerformanceAvailable(makeEntity())).toBe(false);
  });
});

describe('isDevopsSecurityAvailable', () => {
  it.each([
    ['security', true],
    ['coverage, Security', true],
    ['enabled', true],
    ['coverage,performance', false],
    ['', false],
  ])('is %p -> %p', (monitoring, expected) => {
    expect(isDevopsSecurityAvailable(makeEntity(monitoring))).toBe(expected);
  });

  it('is false without the annotation', () => {
    expect(isDevopsSecurityAvailable(makeEntity())).toBe(false);
  });
});

describe('isDevopsContentAvailable', () => {
  it.each([
    ['performance', true],
    ['coverage', true],
    ['security', true],
    ['enabled', true],
    ['deploy', true],
    ['', false],
  ])('is %p -> %p', (monitoring, expected) => {
    expect(isDevopsContentAvailable(makeEntity(monitoring))).toBe(expected);
  });

  it('is false without the annotation', () => {
    expect(isDevopsContentAvailable(makeEntity())).toBe(false);
  });
});
