import {
  createExtensionPoint,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import { Entity } from '@backstage/catalog-model';
import {
  DeployColour,
  DeployKind,
  DeployStrategy,
} from '@devops-growth/backstage-plugin-devops-common';

/**
 * Where the provider deploys: the environment's configuration block
 * (`devops.deploys.environments[].<provider id>`, for example `command:`) and the entity's
 * target name (`devops-growth.io/deploy-target`, default the entity's name). Both come from the
 * config and the catalog, never from a request.
 * @public
 */
export interface DeployTarget {
  environment: string;
  /** The entity's target in that environment: a service, deployment or application name. */
  name: string;
  /** The provider's own configuration for the environment; an empty config when absent. */
  config: Config;
  /**
   * For a per-entity environment (a preview): the configured environment it is based on, whose
   * block `config` is. Absent for a configured environment.
   */
  basedOn?: string;
}

/** One operation on a deploy, as the engine hands it to the provider. @public */
export interface DeployOperation {
  deployId: string;
  /** Increases each time the engine takes the deploy up again after a restart. */
  attempt: number;
  entity: Entity;
  entityRef: string;
  kind: DeployKind;
  target: DeployTarget;
  version: string;
  /** What ran before; the rollback target. `null` for a first deploy. */
  previousVersion: string | null;
  commitSha: string | null;
  strategy: DeployStrategy;
  /** Canary: the current step (0-based) and its traffic weight in per cent. */
  step: number | null;
  weight: number | null;
  /**
   * Blue-green: the colour the new version goes on (deploy), the colour that takes the traffic
   * (switch), or the colour serving when a rollback starts (rollback: the provider moves the
   * traffic to the colour that runs `previousVersion`).
   */
  colour: DeployColour | null;
}

/** What the engine gives every provider call. @public */
export interface DeployProviderContext {
  /**
   * Aborted when the user aborts the deploy, the phase times out, or the backend stops: stop
   * what is running (the `command` provider kills the process group) and throw.
   */
  signal: AbortSignal;
  /** The phase's time budget in milliseconds; the engine aborts `signal` when it runs out. */
  timeoutMs: number;
  /** Records a line of provider output in the deploy's events (kept bounded by the engine). */
  log(line: string, stream?: 'stdout' | 'stderr'): void;
  logger: LoggerService;
}

/** What a provider reports of an environment. @public */
export interface DeployProviderStatus {
  /** The version serving (most of) the traffic, `null` when nothing is deployed or unknown. */
  version: string | null;
  /** True when the new version's instances are up and pass their health checks. */
  healthy: boolean;
  /** Blue-green: the colour serving traffic. */
  colour?: DeployColour | null;
  /** Canary: the version of the canary and its traffic weight, when one runs. */
  canary?: { version: string; weight: number } | null;
  /** Anything the provider wants shown as evidence ("2/2 replicas ready"). */
  message?: string;
}

/**
 * Where the canary analysis reads the metrics of the new version (`canary`) and of the version
 * it is compared with (`baseline`): annotation overrides the entity's metrics provider reads
 * (for the scrape provider `devops-growth.io/metrics-url`, for Prometheus
 * `devops-growth.io/prometheus-selector`), and the metrics environment. Hosts still go through
 * `devops.allowedHosts`.
 * @public
 */
export interface CanaryMetricsLocation {
  environment: string;
  annotations: Record<string, string>;
}

/**
 * A deploy provider: puts versions out in environments with the three strategies.
 *
 * Every method may be called again for the same operation after a restart (`attempt` grows):
 * make them idempotent (setting weight 25 twice is fine; deploying the same version onto the
 * same colour twice must not start two copies). Long operations watch `context.signal`.
 * @public
 */
export interface DeployProvider {
  /** Unique id, for example `command`; environments name it in `devops.deploys.environments[].provider`. */
  readonly id: string;
  /** The strategies it implements. */
  readonly strategies: readonly DeployStrategy[];
  /**
   * True when a deploy interrupted by a backend restart can be taken up again where it was (the
   * provider's state survives the restart and `status` tells where it stands). Otherwise the
   * engine rolls an interrupted deploy back.
   */
  readonly resumable: boolean;

  /**
   * What the provider supports for one target when that depends on the target's configuration
   * (the `command` provider supports a strategy only when its commands are configured for the
   * environment, and resumes only with a `status` command). Narrows `strategies` and `resumable`
   * for that target; without it they hold for every target.
   */
  capabilities?(target: DeployTarget): {
    strategies: readonly DeployStrategy[];
    resumable: boolean;
    /**
     * False when `status` cannot see what runs in the target (the `command` provider without a
     * `status` command): the drift sweep then skips the target instead of reading its
     * `version: null` as "nothing runs". True when absent.
     */
    reportsStatus?: boolean;
  };

  /**
   * Versions that may be deployed to the target, newest first; `undefined` when the provider
   * cannot tell (then any well-formed version is accepted). A version not listed gets a 400.
   */
  listVersions?(
    target: DeployTarget,
    context: DeployProviderContext,
  ): Promise<string[] | undefined>;

  /**
   * Puts the version out: rolling replaces the running version; blue-green deploys onto
   * `operation.colour` (the idle one) without moving traffic; canary starts the canary beside
   * the baseline with no traffic.
   */
  deploy(
    operation: DeployOperation,
    context: DeployProviderContext,
  ): Promise<void>;
  /** Canary: sends `operation.weight` per cent of the traffic to the canary. */
  setWeight?(
    operation: DeployOperation,
    context: DeployProviderContext,
  ): Promise<void>;
  /** Blue-green: moves all traffic to `operation.colour`; the other colour stays for an instant rollback. */
  switchColour?(
    operation: DeployOperation,
    context: DeployProviderContext,
  ): Promise<void>;
  /**
   * Makes the new version the stable one: canary replaces the baseline with it and removes the
   * canary; blue-green and rolling have nothing left to do (optional).
   */
  promote?(
    operation: DeployOperation,
    context: DeployProviderContext,
  ): Promise<void>;
  /**
   * Returns the traffic to `operation.previousVersion` and removes the new version (canary: weight
   * 0 and the canary stopped; blue-green: the traffic back to the colour that runs
   * `previousVersion`, whether or not the switch happened; rolling: redeploy the previous
   * version). Called after an abort or a failed phase too, so it must work from any
   * point of a deploy.
   */
  rollback(
    operation: DeployOperation,
    context: DeployProviderContext,
  ): Promise<void>;
  /** Stops whatever the provider runs for the operation now (the engine then rolls back). */
  abort?(
    operation: DeployOperation,
    context: DeployProviderContext,
  ): Promise<void>;
  /** What runs in the target now: health checks, resume after a restart, drift. */
  status(
    target: DeployTarget,
    context: DeployProviderContext,
  ): Promise<DeployProviderStatus>;
  /** Removes everything the provider runs for the target (preview environments). */
  teardown?(
    target: DeployTarget,
    context: DeployProviderContext,
  ): Promise<void>;
  /**
   * Where the canary and baseline metrics are for this operation (canary and blue-green), or
   * `undefined` when the provider cannot tell: then the analysis compares the environment's
   * metrics after the change against those before it.
   */
  metricsLocations?(
    operation: DeployOperation,
  ):
    | { canary: CanaryMetricsLocation; baseline: CanaryMetricsLocation }
    | undefined;
}

/**
 * Adds deploy providers to the DevOps backend. The built-in `command` provider registers through
 * the same registry; two providers with the same id fail at start-up.
 * @public
 */
export interface DevopsDeployProvidersExtensionPoint {
  addProvider(...providers: DeployProvider[]): void;
}

/** @public */
export const devopsDeployProvidersExtensionPoint =
  createExtensionPoint<DevopsDeployProvidersExtensionPoint>({
    id: 'devops.deploy-providers',
  });
