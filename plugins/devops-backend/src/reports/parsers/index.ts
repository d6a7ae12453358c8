import { ReportParser } from '@devops-growth/backstage-plugin-devops-node';
import { CloverParser } from './clover';
import { CoberturaParser } from './cobertura';
import { IstanbulSummaryParser } from './istanbulSummary';
import { JacocoParser } from './jacoco';
import { JunitParser } from './junit';
import { LcovParser } from './lcov';

export { CloverParser } from './clover';
export { CoberturaParser } from './cobertura';
export { IstanbulSummaryParser } from './istanbulSummary';
export { JacocoParser } from './jacoco';
export { JunitParser } from './junit';
export { LcovParser } from './lcov';

/**
 * The report parsers built into the DevOps backend: `lcov`, `cobertura`, `jacoco`, `clover`,
 * `istanbul-summary` (coverage) and `junit` (tests). Each reads the body as a stream of chunks and
 * keeps only per-file summaries or per-test results; malformed or hostile input is refused with
 * an `InputError`.
 */
export function builtInReportParsers(): ReportParser[] {
  return [
    new LcovParser(),
    new CoberturaParser(),
    new JacocoParser(),
    new CloverParser(),
    new IstanbulSummaryParser(),
    new JunitParser(),
  ];
}
