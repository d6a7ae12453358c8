import {
  AuthService,
  BackstageCredentials,
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { InputError, NotAllowedError, NotFoundError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { Request } from 'express';
import {
  AuthorizeResult,
  BasicPermission,
  ResourcePermission,
} from '@backstage/plugin-permission-common';
import {
  DEVOPS_MONITORING_ANNOTATION,
  DevopsArea,
  devopsReadPermission,
  isDevopsAreaEnabled,
} from '@devops-growth/backstage-plugin-devops-common';

/** The route parameters of `/entities/:kind/:namespace/:name/...`. */
export interface EntityRouteParams {
  kind: string;
  namespace: string;
  name: string;
}

/**
 * Who may do what to which entity, shared by every area's routes: permission checks, entity
 * look-ups with the caller's credentials (so catalog permissions apply), and the actor name kept
 * with a change.
 */
export class EntityAccess {
  constructor(
    private readonly deps: {
      auth: AuthService;
      httpAuth: HttpAuthService;
      permissions: PermissionsService;
      catalog: CatalogService;
    },
  ) {}

  get httpAuth(): HttpAuthService {
    return this.deps.httpAuth;
  }

  async authorize(
    credentials: BackstageCredentials,
    permission: BasicPermission,
  ): Promise<void> {
    const [decision] = await this.deps.permissions.authorize([{ permission }], {
      credentials,
    });
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(`Not allowed: ${permission.name}`);
    }
  }

  /**
   * A resource permission on a catalog entity (`resourceType: 'catalog-entity'`), so a policy
   * can decide with the catalog's conditions (`isEntityOwner`, `hasAnnotation` ...). 403 naming
   * the permission and the entity when denied.
   */
  async authorizeEntity(
    credentials: BackstageCredentials,
    permission: ResourcePermission<'catalog-entity'>,
    entity: Entity,
  ): Promise<void> {
    const resourceRef = stringifyEntityRef(entity);
    const [decision] = await this.deps.permissions.authorize(
      [{ permission, resourceRef }],
      { credentials },
    );
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(
        `Not allowed: ${permission.name} on ${resourceRef}`,
      );
    }
  }

  /** The entity, read with the caller's credentials; 404 when the caller cannot see it. */
  async loadEntity(
    ref: string,
    credentials: BackstageCredentials,
  ): Promise<Entity> {
    const entity = await this.deps.catalog.getEntityByRef(ref, { credentials });
    if (!entity) {
      throw new NotFoundError(`Entity '${ref}' was not found in the catalog`);
    }
    return entity;
  }

  /** The entity of an `/entities/:kind/:namespace/:name/<area>` route, which must enable the area. */
  async loadAreaEntity(
    params: EntityRouteParams | string,
    credentials: BackstageCredentials,
    area: DevopsArea,
  ): Promise<Entity> {
    const ref =
      typeof params === 'string' ? params : stringifyEntityRef(params);
    const entity = await this.loadEntity(ref, credentials);
    if (!isDevopsAreaEnabled(entity, area)) {
      throw new InputError(
        `Entity '${stringifyEntityRef(
          entity,
        )}' does not enable the ${area} area: set the ` +
          `annotation ${DEVOPS_MONITORING_ANNOTATION} to 'enabled' or a list including '${area}'`,
      );
    }
    return entity;
  }

  /**
   * What every read of an area's entity route does: the caller's credentials, the read
   * permission, and the entity of `/entities/:kind/:namespace/:name/<area>`, which must enable
   * the area.
   */
  async readAreaEntity(request: Request, area: DevopsArea): Promise<Entity> {
    const credentials = await this.deps.httpAuth.credentials(request);
    await this.authorize(credentials, devopsReadPermission);
    return this.loadAreaEntity(
      request.params as unknown as EntityRouteParams,
      credentials,
      area,
    );
  }

  /** The user or service a change is recorded for. */
  actorOf(credentials: BackstageCredentials): string {
    if (this.deps.auth.isPrincipal(credentials, 'user')) {
      return credentials.principal.userEntityRef;
    }
    if (this.deps.auth.isPrincipal(credentials, 'service')) {
      return credentials.principal.subject;
    }
    return 'unknown';
  }
}
