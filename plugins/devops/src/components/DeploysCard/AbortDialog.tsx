import { useApi } from '@backstage/core-plugin-api';
import {
  Deploy,
  devopsDeployAbortPermission,
} from '@devops-growth/backstage-plugin-devops-common';
import { devopsApiRef } from '../../api';
import { ReasonDialog } from './ReasonDialog';

/** Aborts a deploy in flight (the engine rolls it back), with an optional reason. */
export function AbortDialog(props: {
  deploy: Deploy;
  onClose: () => void;
  onDone: (message: string) => void;
}) {
  const { deploy, onClose, onDone } = props;
  const devopsApi = useApi(devopsApiRef);
  return (
    <ReasonDialog
      id="devops-deploy-abort"
      title={`Abort: ${deploy.version} to ${deploy.environment}`}
      reasonHelp="Kept with the deploy and audited"
      submitLabel="Abort deploy"
      savingLabel="Aborting…"
      failureLabel="Could not abort"
      forbidden={{
        permission: devopsDeployAbortPermission.name,
        action: "abort this entity's deploys",
      }}
      run={async reason => {
        await devopsApi.abortDeploy(deploy.id, reason);
        return `Deploy of ${deploy.version} to ${deploy.environment} aborted; it is being rolled back.`;
      }}
      onClose={onClose}
      onDone={onDone}
    >
      The deploy stops where it is and {deploy.environment} goes back to{' '}
      {deploy.previousVersion ?? 'what it ran before'}.
    </ReasonDialog>
  );
}
