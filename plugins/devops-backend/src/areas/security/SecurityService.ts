import { LoggerService } from '@backstage/backend-plugin-api';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { InputError, NotFoundError } from '@backstage/errors';
import {
  ComplianceFrameworkDetail,
  FindingStatus,
  FindingStatusChange,
  SecurityFinding,
  SecurityScanReceipt,
  SecuritySeverity,
  SecuritySummary,
  SecurityThreat,
  ThreatStatusChange,
} from '@devops-growth/backstage-plugin-devops-common';
import { RequestBody } from '../../reports/body';
import { parseUpload } from '../../reports/parseUpload';
import { commitOf, ReportUpload } from '../../reports/ReportSink';
import type { SecurityGateReader } from '../deploys/types';
import { recommend } from './analysis';
import { CompliancePart, FindingsPart, ThreatsPart } from './types';

/**
 * The security area's domain logic, composed of its three parts: scanner findings, runtime
 * threats and compliance. What the routes, the report sink and the deploy gates call.
 */
export class SecurityService {
  constructor(
    private readonly parts: {
      findings: FindingsPart;
      threats: ThreatsPart;
      compliance: CompliancePart;
    },
    private readonly logger: LoggerService,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  /**
   * Parses a security report as it streams in and records it in one transaction (findings or
   * security events); then re-evaluates the entity's compliance, which reads them.
   */
  async ingest(
    upload: ReportUpload,
    body: RequestBody,
  ): Promise<SecurityScanReceipt> {
    const parsed = await parseUpload(upload, body);
    const received = {
      entity: upload.entity,
      format: upload.parser.format,
      sizeBytes: body.state.bytes,
      receivedAt: this.clock(),
    };
    let receipt: SecurityScanReceipt;
    if (parsed.kind === 'findings') {
      receipt = await this.parts.findings.recordScan(
        { ...received, ...commitOf(upload) },
        parsed,
      );
    } else if (parsed.kind === 'security-events') {
      receipt = await this.parts.threats.recordEvents(
        { ...received, commitSha: upload.commitSha, branch: upload.branch },
        parsed,
      );
    } else {
      throw new InputError(
        `The ${upload.parser.format} report holds ${parsed.kind}, not scanner findings or security events`,
      );
    }
    await this.reevaluate(upload.entity);
    return receipt;
  }

  async summary(
    entity: Entity,
    options: { branch?: string },
  ): Promise<SecuritySummary> {
    const now = this.clock();
    const [findings, threats, compliance] = await Promise.all([
      this.parts.findings.summary(entity, { branch: options.branch, now }),
      this.parts.threats.summary(entity, now),
      this.parts.compliance.scores(entity),
    ]);
    const { branch, branches, invalidSlaAnnotation, ...findingFigures } =
      findings;
    const summary: Omit<SecuritySummary, 'recommendations'> = {
      entityRef: stringifyEntityRef(entity),
      branch,
      branches,
      findings: findingFigures,
      threats,
      compliance,
    };
    return {
      ...summary,
      recommendations: [
        ...recommend(summary, now, { invalidSlaAnnotation }),
        ...this.parts.compliance.recommendations(entity),
      ],
    };
  }

  /**
   * What the deploys area's security and compliance gates read (`SecurityGateReader`): critical
   * findings open past their SLA (on the branch of the latest scan, as the card shows them), open
   * critical threats (acknowledged ones included), the time of the latest scan, how many threat
   * detectors monitor the entity, and each applicable framework's latest compliance score. One
   * read of each part, in parallel.
   */
  async deployGateFacts(
    entity: Entity,
    now: Date,
  ): ReturnType<SecurityGateReader['deployGateFacts']> {
    const entityRef = stringifyEntityRef(entity);
    const [findings, threats, scores] = await Promise.all([
      this.parts.findings.facts([entityRef], now),
      this.parts.threats.facts([entityRef], now),
      this.parts.compliance.scores(entity),
    ]);
    const found = findings.get(entityRef);
    const watched = threats.get(entityRef);
    return {
      criticalFindingsPastSla: found?.pastSla.critical ?? 0,
      openCriticalThreats: watched?.openThreats.critical ?? 0,
      lastScanAt: found?.lastScanAt ?? null,
      threatDetectorsMonitoring:
        watched?.monitoring.filter(m => m.state === 'monitored').length ?? 0,
      complianceScores: scores.map(s => ({
        framework: s.frameworkId,
        title: s.title,
        score: s.score,
      })),
    };
  }

  listFindings(
    entity: Entity,
    query: {
      branch?: string;
      status?: FindingStatus[];
      severity?: SecuritySeverity[];
      limit: number;
      offset: number;
    },
  ) {
    return this.parts.findings.list(entity, query);
  }

  complianceDetail(
    entity: Entity,
    frameworkId: string,
  ): Promise<ComplianceFrameworkDetail> {
    return this.parts.compliance.detail(entity, frameworkId);
  }

  async getFinding(id: string): Promise<SecurityFinding> {
    const finding = await this.parts.findings.get(id);
    if (!finding) {
      throw new NotFoundError(`Finding '${id}' was not found`);
    }
    return finding;
  }

  async getThreat(id: string): Promise<SecurityThreat> {
    const threat = await this.parts.threats.get(id);
    if (!threat) {
      throw new NotFoundError(`Threat '${id}' was not found`);
    }
    return threat;
  }

  async changeFindingStatus(
    entity: Entity,
    finding: SecurityFinding,
    change: FindingStatusChange,
    actor: string,
  ): Promise<SecurityFinding> {
    const changed = await this.parts.findings.changeStatus(
      finding,
      change,
      actor,
      this.clock(),
    );
    await this.reevaluate(entity);
    return changed;
  }

  async changeThreatStatus(
    entity: Entity,
    threat: SecurityThreat,
    change: ThreatStatusChange,
    actor: string,
  ): Promise<SecurityThreat> {
    const changed = await this.parts.threats.changeStatus(
      threat,
      change,
      actor,
      this.clock(),
    );
    await this.reevaluate(entity);
    return changed;
  }

  /**
   * Compliance reads findings and threats: after a change it is evaluated again for the entity.
   * A failure here must not undo the change that was stored; the scheduled evaluation catches up.
   */
  private async reevaluate(entity: Entity) {
    try {
      await this.parts.compliance.evaluate([entity], this.clock());
    } catch (error) {
      this.logger.warn(
        `Compliance evaluation of ${stringifyEntityRef(
          entity,
        )} failed after a security change; the scheduled evaluation will retry: ${error}`,
      );
    }
  }
}
