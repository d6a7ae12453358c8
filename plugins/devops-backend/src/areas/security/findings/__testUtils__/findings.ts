import { ParsedFinding } from '@devops-growth/backstage-plugin-devops-node';
import { Knex } from 'knex';
import { dedupeFindings } from '../analysis';
import { ScanInput } from '../FindingStore';
import { EVENTS, FINDINGS, SCANS, STREAMS } from '../findingRows';

/** The findings tables, children first (the order they can be emptied or dropped in). */
export const FINDING_TABLES = [EVENTS, SCANS, FINDINGS, STREAMS];

/** Empties the findings tables between tests. */
export async function clearFindingTables(knex: Knex): Promise<void> {
  for (const table of FINDING_TABLES) {
    await knex(table).delete();
  }
}

/** A code finding of the rule, at `src/<rule>.ts:3`. */
export function parsedFinding(
  rule: string,
  severity: ParsedFinding['severity'],
): ParsedFinding {
  return {
    ruleId: rule,
    title: rule,
    message: rule,
    category: 'code',
    severity,
    toolSeverity: severity,
    location: { path: `src/${rule}.ts`, line: 3 },
    snippet: `call(${rule})`,
  };
}

/** A scan of `component:default/a` on main by one tool, with the default SLA. */
export function scanInput(
  atMs: number,
  findings: ParsedFinding[],
  tool = 'Semgrep',
): ScanInput {
  return {
    entityRef: 'component:default/a',
    branch: 'main',
    commitSha: `c${atMs}`,
    format: 'sarif',
    sizeBytes: 1,
    scannedAt: new Date(atMs),
    sla: { critical: 1, high: 7, medium: 30, low: 90 },
    runs: [
      {
        tool,
        toolVersion: null,
        category: '',
        findings: dedupeFindings(findings),
        toolErrorCount: 0,
      },
    ],
  };
}
