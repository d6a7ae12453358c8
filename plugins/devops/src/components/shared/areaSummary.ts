import { CompoundEntityRef } from '@backstage/catalog-model';
import { DevopsArea } from '@devops-growth/backstage-plugin-devops-common';
import { DevopsApi } from '../../api';
import { StatusTone } from './colors';

/** An area's row on the DevOps summary card of the entity's Overview. */
export interface AreaSummary {
  /** For example `Gate passed`, `2 targets breached`, `No reports yet`. */
  state: string;
  tone: StatusTone;
  /** The area's key figure, for example `Lines 85.3%` or `P95 180 ms`; `null` without data. */
  figure: string | null;
  /** The most urgent problem in words; `null` when there is none. */
  problem: string | null;
}

/**
 * What the summary card needs of an area: its name, how to load what its card reads (the same
 * API call) and how to sum that up in one row. Each area's card folder exports one; a new area
 * adds one to the summary card's list.
 */
export interface SummaryArea<T = unknown> {
  area: DevopsArea;
  /** The area's card title, for example `Performance`. */
  title: string;
  load(api: DevopsApi, entityRef: CompoundEntityRef): Promise<T>;
  summarize(value: T): AreaSummary;
}
