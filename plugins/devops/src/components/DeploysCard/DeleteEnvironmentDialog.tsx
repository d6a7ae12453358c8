import { CompoundEntityRef } from '@backstage/catalog-model';
import { useApi } from '@backstage/core-plugin-api';
import { devopsEnvironmentDeletePermission } from '@devops-growth/backstage-plugin-devops-common';
import { devopsApiRef } from '../../api';
import { EnvironmentView, PreviewView } from './model';
import { ReasonDialog } from './ReasonDialog';

/**
 * Deletes a per-entity environment after confirmation, with an optional reason: the backend
 * marks it tearing down and its teardown task removes it through its provider.
 */
export function DeleteEnvironmentDialog(props: {
  entityRef: CompoundEntityRef;
  environment: EnvironmentView & { preview: PreviewView };
  onClose: () => void;
  onDone: (message: string) => void;
}) {
  const { entityRef, environment, onClose, onDone } = props;
  const devopsApi = useApi(devopsApiRef);
  return (
    <ReasonDialog
      id="devops-environment-delete"
      title={`Delete environment ${environment.name}`}
      reasonHelp="Kept with the teardown and audited"
      submitLabel="Delete environment"
      savingLabel="Deleting…"
      failureLabel="Could not delete"
      forbidden={{
        permission: devopsEnvironmentDeletePermission.name,
        action: "delete this entity's environments",
      }}
      run={async reason => {
        await devopsApi.deleteEnvironment(entityRef, environment.name, reason);
        return `${environment.name} is being torn down; the card shows how the teardown goes.`;
      }}
      onClose={onClose}
      onDone={onDone}
    >
      {environment.name} (target {environment.preview.target}, based on{' '}
      {environment.preview.basedOn}) is torn down through its provider; no
      deploy can go to it any more. A failed teardown is retried and shown on
      this card.
    </ReasonDialog>
  );
}
