import {
  AuthService,
  BackstageCredentials,
  DiscoveryService,
} from '@backstage/backend-plugin-api';
import {
  CompoundEntityRef,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { Config } from '@backstage/config';
import {
  AuthenticationError,
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
  ResponseError,
} from '@backstage/errors';
import {
  CreateEnvironmentRequest,
  DEPLOY_GATES,
  Deploy,
  DeployDetail,
  DeployDryRun,
  DeployGateOverride,
  DeployRequest,
  EntityEnvironment,
  RollbackRequest,
} from '@devops-growth/backstage-plugin-devops-common';

/** The body of `POST .../deploys/dry-run`: the action a start would take, checked only. @public */
export type DeployDryRunRequest =
  | ({ action: 'deploy' } & DeployRequest)
  | ({ action: 'rollback' } & Omit<RollbackRequest, 'reason'> & {
        reason?: string;
      });

/** `POST .../environments/dry-run`: the environment a create would make, and whether it exists. @public */
export interface EnvironmentDryRun {
  environment: EntityEnvironment;
  exists: boolean;
}

/** What a request is about, for error messages that say what to change. */
interface RequestContext {
  entity?: CompoundEntityRef;
  /** The permission the route checks, named when the backend answers 403 without it. */
  permission?: string;
  /** The user the request is made for. */
  credentials: BackstageCredentials;
}

/**
 * The DevOps backend's deploys and environments API, called the way Backstage plugins call each
 * other: the base URL from discovery and, for every request, a plugin request token issued on
 * behalf of the user who runs the template, so the backend's permission checks and audit log
 * name that user. Error answers become `@backstage/errors` errors whose message says what the
 * template author can change.
 * @public
 */
export class DevopsClient {
  private constructor(
    private readonly discovery: DiscoveryService,
    private readonly auth: AuthService,
    private readonly appBaseUrl: string,
  ) {}

  static create(options: {
    config: Config;
    discovery: DiscoveryService;
    auth: AuthService;
  }): DevopsClient {
    return new DevopsClient(
      options.discovery,
      options.auth,
      options.config.getString('app.baseUrl').replace(/\/+$/, ''),
    );
  }

  /**
   * An entity reference as templates write it (`component:default/checkout`, or `checkout` for
   * a component in the default namespace); InputError naming the field when it is not one.
   */
  static parseEntityRef(entityRef: string): CompoundEntityRef {
    try {
      return parseEntityRef(entityRef, {
        defaultKind: 'component',
        defaultNamespace: 'default',
      });
    } catch (error) {
      throw new InputError(
        `entityRef '${entityRef}' is not an entity reference: write <kind>:<namespace>/<name>, such as component:default/checkout (${
          (error as Error).message
        })`,
      );
    }
  }

  /**
   * The entity's DevOps tab as a path of the Backstage app (`/catalog/<ns>/<kind>/<name>/devops`):
   * what a template's output link uses, so that the task page navigates in place (an absolute
   * URL opens a new tab and reloads the app).
   */
  cardPath(entity: CompoundEntityRef): string {
    const kind = encodeURIComponent(entity.kind.toLocaleLowerCase('en-US'));
    const namespace = encodeURIComponent(entity.namespace);
    const name = encodeURIComponent(entity.name);
    return `/catalog/${namespace}/${kind}/${name}/devops`;
  }

  /** The entity's DevOps tab in the Backstage app, where its Deploys card is (absolute, for logs and messages). */
  cardUrl(entity: CompoundEntityRef): string {
    return `${this.appBaseUrl}${this.cardPath(entity)}`;
  }

  /** `POST .../deploys/dry-run`: the gates, strategy and previous version; nothing starts. */
  async dryRunDeploy(
    entity: CompoundEntityRef,
    request: DeployDryRunRequest,
    credentials: BackstageCredentials,
  ): Promise<DeployDryRun> {
    const { body } = await this.request<DeployDryRun>(
      'POST',
      `${entityPath(entity)}/deploys/dry-run`,
      {
        body: request,
        context: {
          entity,
          credentials,
          permission:
            request.action === 'rollback'
              ? 'devops.deploy.rollback'
              : 'devops.deploy.create',
        },
      },
    );
    return body;
  }

  /** `POST .../deploys`: starts a deploy, or answers the one started with the same key (`created: false`). */
  async startDeploy(
    entity: CompoundEntityRef,
    request: DeployRequest & { idempotencyKey: string },
    credentials: BackstageCredentials,
  ): Promise<{ deploy: Deploy; created: boolean }> {
    const { status, body } = await this.request<Deploy>(
      'POST',
      `${entityPath(entity)}/deploys`,
      {
        body: request,
        idempotencyKey: request.idempotencyKey,
        context: { entity, credentials, permission: 'devops.deploy.create' },
      },
    );
    return { deploy: body, created: status === 201 };
  }

  /** `POST .../deploys/rollback`: starts a rollback, or answers the one started with the same key. */
  async startRollback(
    entity: CompoundEntityRef,
    request: RollbackRequest & { idempotencyKey: string },
    credentials: BackstageCredentials,
  ): Promise<{ deploy: Deploy; created: boolean }> {
    const { status, body } = await this.request<Deploy>(
      'POST',
      `${entityPath(entity)}/deploys/rollback`,
      {
        body: request,
        idempotencyKey: request.idempotencyKey,
        context: { entity, credentials, permission: 'devops.deploy.rollback' },
      },
    );
    return { deploy: body, created: status === 201 };
  }

  /** `GET /deploys/:id`: a deploy with its events. */
  async getDeploy(
    id: string,
    credentials: BackstageCredentials,
  ): Promise<DeployDetail> {
    const { body } = await this.request<DeployDetail>(
      'GET',
      `/deploys/${encodeURIComponent(id)}`,
      { context: { credentials, permission: 'devops.read' } },
    );
    return body;
  }

  /** `POST .../environments/dry-run`: the environment a create would make; nothing is stored. */
  async dryRunEnvironment(
    entity: CompoundEntityRef,
    request: CreateEnvironmentRequest,
    credentials: BackstageCredentials,
  ): Promise<EnvironmentDryRun> {
    const { body } = await this.request<EnvironmentDryRun>(
      'POST',
      `${entityPath(entity)}/environments/dry-run`,
      {
        body: request,
        context: {
          entity,
          credentials,
          permission: 'devops.environment.create',
        },
      },
    );
    return body;
  }

  /** `POST .../environments`: creates it (201), or answers the same one created before (200). */
  async createEnvironment(
    entity: CompoundEntityRef,
    request: CreateEnvironmentRequest,
    credentials: BackstageCredentials,
  ): Promise<{ environment: EntityEnvironment; created: boolean }> {
    const { status, body } = await this.request<EntityEnvironment>(
      'POST',
      `${entityPath(entity)}/environments`,
      {
        body: request,
        context: {
          entity,
          credentials,
          permission: 'devops.environment.create',
        },
      },
    );
    return { environment: body, created: status === 201 };
  }

  /** `GET .../environments/:name`. */
  async getEnvironment(
    entity: CompoundEntityRef,
    name: string,
    credentials: BackstageCredentials,
  ): Promise<EntityEnvironment> {
    const { body } = await this.request<EntityEnvironment>(
      'GET',
      `${entityPath(entity)}/environments/${encodeURIComponent(name)}`,
      { context: { entity, credentials, permission: 'devops.read' } },
    );
    return body;
  }

  /** `DELETE .../environments/:name`: starts the teardown (202) and answers the environment. */
  async deleteEnvironment(
    entity: CompoundEntityRef,
    name: string,
    reason: string | undefined,
    credentials: BackstageCredentials,
  ): Promise<EntityEnvironment> {
    const { body } = await this.request<EntityEnvironment>(
      'DELETE',
      `${entityPath(entity)}/environments/${encodeURIComponent(name)}`,
      {
        body: reason ? { reason } : {},
        context: {
          entity,
          credentials,
          permission: 'devops.environment.delete',
        },
      },
    );
    return body;
  }

  private async request<T>(
    method: 'GET' | 'POST' | 'DELETE',
    path: string,
    options: {
      body?: unknown;
      idempotencyKey?: string;
      context: RequestContext;
    },
  ): Promise<{ status: number; body: T }> {
    const { credentials } = options.context;
    const [baseUrl, { token }] = await Promise.all([
      this.discovery.getBaseUrl('devops'),
      this.auth.getPluginRequestToken({
        onBehalfOf: credentials,
        targetPluginId: 'devops',
      }),
    ]);
    const headers: Record<string, string> = {
      Authorization: `Bearer ${token}`,
    };
    if (options.body !== undefined) {
      headers['Content-Type'] = 'application/json';
    }
    if (options.idempotencyKey) {
      headers['Idempotency-Key'] = options.idempotencyKey;
    }
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers,
      body:
        options.body === undefined ? undefined : JSON.stringify(options.body),
    });
    if (!response.ok) {
      throw this.explain(await ResponseError.fromResponse(response), options);
    }
    return { status: response.status, body: (await response.json()) as T };
  }

  /**
   * The backend's error, said in terms of the step's input: what to change, or whom to ask.
   * The remote message is kept whole and the error carries no cause: `@backstage/errors` would
   * append "caused by ResponseError: Request failed with 400" to what the template author reads.
   */
  private explain(
    error: ResponseError,
    options: { body?: unknown; context: RequestContext },
  ): Error {
    const { entity, permission, credentials } = options.context;
    const remote = error.cause?.message || error.message;
    const entityRef = entity ? stringifyEntityRef(entity) : undefined;
    switch (error.statusCode) {
      case 400: {
        if (/blocked by \d+ failed gate/.test(remote)) {
          const gates = DEPLOY_GATES.filter(g => remote.includes(`${g}: `));
          const example: DeployGateOverride[] = (
            gates.length ? gates : ['<gate>' as (typeof DEPLOY_GATES)[number]]
          ).map(gate => ({ gate, reason: '<why it is safe to deploy>' }));
          return new InputError(
            `${remote}. To deploy anyway, give the step's input overrides: ${JSON.stringify(
              example,
            )}; the user running the template needs the permission devops.deploy.gate.override on ${entityRef}`,
          );
        }
        if (remote.startsWith('Unknown environment')) {
          return new InputError(
            `${remote}. Set the step's environment to one of them`,
          );
        }
        return new InputError(remote);
      }
      case 401:
        return new AuthenticationError(
          `The DevOps backend did not accept the credentials of ${userOf(
            credentials,
          )} (${remote}). The scaffolder acts with the token the user had when the task started, which expires (an hour after sign-in by default): a step that waits longer stops here`,
        );
      case 403: {
        const named = /Not allowed: ([\w.-]+)/.exec(remote)?.[1] ?? permission;
        return new NotAllowedError(
          `${remote}. The user running the template (${userOf(
            credentials,
          )}) needs the permission ${named}${
            entityRef ? ` on ${entityRef}` : ''
          }: ask an administrator to grant it in the permission policy`,
        );
      }
      case 404: {
        if (entityRef && /entity/i.test(remote)) {
          return new NotFoundError(
            `${remote}. Check the step's entityRef '${entityRef}': it must name an entity in the catalog that ${userOf(
              credentials,
            )} can see`,
          );
        }
        return new NotFoundError(remote);
      }
      case 409: {
        const running = /^Deploy ([0-9a-f-]{36}) /.exec(remote)?.[1];
        if (running && entity) {
          return new ConflictError(
            `${remote}. Wait for it to finish or abort it on the entity's DevOps tab (${this.cardUrl(
              entity,
            )}, deploy ${running}; aborting needs devops.deploy.abort), then run the step again`,
          );
        }
        return new ConflictError(remote);
      }
      default:
        return error;
    }
  }
}

function entityPath(entity: CompoundEntityRef): string {
  return `/entities/${[
    entity.kind.toLocaleLowerCase('en-US'),
    entity.namespace,
    entity.name,
  ]
    .map(encodeURIComponent)
    .join('/')}`;
}

function userOf(credentials: BackstageCredentials): string {
  const principal = credentials.principal as {
    type?: string;
    userEntityRef?: string;
    subject?: string;
  };
  return principal.userEntityRef ?? principal.subject ?? 'unknown';
}
