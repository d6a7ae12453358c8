import {
  AuditorService,
  AuthService,
  LifecycleService,
  LoggerService,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { Permission } from '@backstage/plugin-permission-common';
import express from 'express';
import { Knex } from 'knex';
import { AllowedHosts } from '../egress/AllowedHosts';
import { EntityAccess } from '../http';
import { ReportSink } from '../reports/ReportSink';

/** What every area is built from: core services, the migrated database, the shared HTTP kit. */
export interface AreaContext {
  config: Config;
  logger: LoggerService;
  /** The plugin's database, migrated once at start-up. */
  knex: Knex;
  auth: AuthService;
  auditor: AuditorService;
  catalog: CatalogService;
  lifecycle: LifecycleService;
  /** Permission checks and entity look-ups with the caller's credentials. */
  access: EntityAccess;
  /** Hosts the backend may reach on an entity's behalf (`devops.allowedHosts`). */
  allowedHosts: AllowedHosts;
}

/** Scheduled work of an area: collection, roll-ups, retention, sweeps. */
export interface AreaTask {
  schedule(scheduler: SchedulerService): Promise<void>;
}

/** An area as the plugin composes it: its routes and its scheduled work. */
export interface DevopsAreaParts {
  router: express.Router;
  tasks: AreaTask[];
  /** The report kinds the area stores, if it takes reports through `POST /reports`. */
  reportSinks?: ReportSink[];
  /** Permissions the area declares from its config (the per-environment deploy permissions). */
  permissions?: Permission[];
}
