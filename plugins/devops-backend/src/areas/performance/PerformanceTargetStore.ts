import {
  PerformanceTargetChange,
  PerformanceTargetKey,
  PerformanceTargets,
} from '@devops-growth/backstage-plugin-devops-common';

/** Storage of the target overrides set through the API and their history. */
export interface PerformanceTargetStore {
  /** The entity's overrides set through the API. */
  getOverrides(entityRef: string): Promise<Partial<PerformanceTargets>>;
  /** The entity's target changes, newest first. */
  listTargetChanges(
    entityRef: string,
    options?: { limit?: number },
  ): Promise<PerformanceTargetChange[]>;
  /** Records a change and applies it to the overrides, in one transaction. */
  applyTargetChange(change: {
    entityRef: string;
    changes: Partial<Record<PerformanceTargetKey, number | null>>;
    actor: string;
    comment: string | null;
    at?: Date;
  }): Promise<PerformanceTargetChange>;
}
