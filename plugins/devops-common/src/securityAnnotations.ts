import { SECURITY_SEVERITIES, SecuritySeverity, SecuritySla } from './security';

/**
 * The compliance frameworks that apply to the entity, by id, comma separated (for example
 * `soc2,gdpr`), or `none`. Without it, `devops.security.compliance.defaultFrameworks` applies.
 * Built-in ids: `soc2`, `gdpr`, `iso27001`, `pci-dss`.
 * @public
 */
export const DEVOPS_COMPLIANCE_FRAMEWORKS_ANNOTATION =
  'devops-growth.io/compliance-frameworks';

/**
 * Per-entity SLA for fixing findings, in days per severity, for example `critical=2,high=14`.
 * Severities not named keep the config or default value.
 * @public
 */
export const DEVOPS_SECURITY_SLA_ANNOTATION = 'devops-growth.io/security-sla';

/**
 * Reads `devops-growth.io/security-sla`: `severity=days` pairs separated by commas, days a whole
 * number from 1 to 3650. Throws an `Error` naming the problem for a malformed value.
 * @public
 */
export function parseSecuritySlaAnnotation(
  value: string,
): Partial<SecuritySla> {
  const result: Partial<SecuritySla> = {};
  const parts = value
    .split(',')
    .map(p => p.trim())
    .filter(Boolean);
  if (parts.length === 0) {
    throw new Error('no severity=days pair given');
  }
  for (const part of parts) {
    const match = /^([A-Za-z]+)\s*=\s*(\d{1,4})$/.exec(part);
    if (!match) {
      throw new Error(
        `'${part}' is not a severity=days pair (for example critical=2)`,
      );
    }
    const severity = match[1].toLowerCase() as SecuritySeverity;
    if (!SECURITY_SEVERITIES.includes(severity)) {
      throw new Error(
        `'${match[1]}' is not a severity (${SECURITY_SEVERITIES.join(', ')})`,
      );
    }
    const days = Number(match[2]);
    if (days < 1 || days > 3650) {
      throw new Error(
        `${severity}=${match[2]}: days must be a whole number from 1 to 3650`,
      );
    }
    if (result[severity] !== undefined) {
      throw new Error(`severity '${severity}' is given twice`);
    }
    result[severity] = days;
  }
  return result;
}

/**
 * Reads `devops-growth.io/compliance-frameworks`: framework ids separated by commas, or `none`
 * (an empty list). Ids are lower-case letters, digits and dashes. Throws an `Error` naming the
 * problem for a malformed value; whether the ids are known is up to the backend.
 * @public
 */
export function parseComplianceFrameworksAnnotation(value: string): string[] {
  const words = value
    .split(',')
    .map(w => w.trim().toLowerCase())
    .filter(Boolean);
  if (words.length === 1 && words[0] === 'none') {
    return [];
  }
  if (words.length === 0) {
    throw new Error("no framework id given (use 'none' for no framework)");
  }
  for (const word of words) {
    if (!/^[a-z0-9][a-z0-9-]{0,62}$/.test(word)) {
      throw new Error(
        `'${word}' is not a framework id (lower-case letters, digits and dashes)`,
      );
    }
  }
  return [...new Set(words)];
}
