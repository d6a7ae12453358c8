import { LoggerService } from '@backstage/backend-plugin-api';
import {
  Deploy,
  deploySignalChannel,
  DeploySignal,
} from '@devops-growth/backstage-plugin-devops-common';
import { SignalsService } from '@backstage/plugin-signals-node';
import { DeployListener } from './types';

/**
 * Publishes every change of a deploy on `deploySignalChannel(entityRef)` to all users: the
 * card re-reads the deploy with its own credentials, so the signal carries only its id,
 * environment, status and phase. A failed publish is logged; the deploy goes on.
 */
export function createDeploySignalPublisher(
  signals: SignalsService,
  logger: LoggerService,
): DeployListener {
  return (deploy: Deploy) => {
    const message: DeploySignal = {
      deployId: deploy.id,
      environment: deploy.environment,
      status: deploy.status,
      phase: deploy.phase,
    };
    signals
      .publish({
        recipients: { type: 'broadcast' },
        channel: deploySignalChannel(deploy.entityRef),
        message: { ...message },
      })
      .catch(error =>
        logger.warn(
          `Could not publish the signal of deploy ${deploy.id}: ${
            (error as Error).message
          }`,
        ),
      );
  };
}
