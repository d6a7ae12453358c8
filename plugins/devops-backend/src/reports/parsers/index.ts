import { ReportParser } from '@devops-growth/backstage-plugin-devops-node';
import { CloverParser } from './clover';
import { CoberturaParser } from './cobertura';
import { IstanbulSummaryParser } from './istanbulSummary';
import { JacocoParser } from './jacoco';
import { JunitParser } from './junit';
import { LcovParser } from './lcov';
import { ModsecurityParser } from './modsecurity';
import { NpmAuditParser } from './npmAudit';
import { SarifParser } from './sarif';
import { SecurityEventsParser } from './securityEvents';
import { TrivyParser } from './trivy';

export { CloverParser } from './clover';
export { CoberturaParser } from './cobertura';
export { IstanbulSummaryParser } from './istanbulSummary';
export { JacocoParser } from './jacoco';
export { JunitParser } from './junit';
export { LcovParser } from './lcov';
export { ModsecurityParser } from './modsecurity';
export { NpmAuditParser } from './npmAudit';
export { SarifParser } from './sarif';
export { SecurityEventsParser } from './securityEvents';
export { TrivyParser } from './trivy';

/**
 * The report parsers built into the DevOps backend: `lcov`, `cobertura`, `jacoco`, `clover`,
 * `istanbul-summary` (coverage), `junit` (tests), `sarif`, `npm-audit`, `trivy` (scanner
 * findings), `modsecurity` and `devops-security-events` (security events). Each reads the body as a stream of chunks and
 * keeps only per-file summaries, per-test results, bounded findings or events; malformed or hostile input is refused with
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
    new SarifParser(),
    new NpmAuditParser(),
    new TrivyParser(),
    new ModsecurityParser(),
    new SecurityEventsParser(),
  ];
}
