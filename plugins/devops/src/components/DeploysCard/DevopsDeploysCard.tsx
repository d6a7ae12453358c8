import { useEffect, useMemo, useState } from 'react';
import Typography from '@material-ui/core/Typography';
import {
  CompoundEntityRef,
  Entity,
  getCompoundEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { InfoCard } from '@backstage/core-components';
import {
  DEVOPS_DEPLOY_ENVIRONMENTS_ANNOTATION,
  DeploysSummary,
} from '@devops-growth/backstage-plugin-devops-common';
import {
  AreaCard,
  AsyncCardContent,
  RecommendationsSection,
  Section,
  useCardNotice,
  useCardStyles,
} from '../shared';
import { AbortDialog } from './AbortDialog';
import { ActionDialog } from './ActionDialog';
import { ActiveDeploy } from './ActiveDeploy';
import { GateAction } from './actionForm';
import { DeleteEnvironmentDialog } from './DeleteEnvironmentDialog';
import { DeployDetailDialog } from './DeployDetailDialog';
import { DeployHistory } from './DeployHistory';
import { DoraTiles } from './DoraTiles';
import { Environments } from './Environments';
import {
  activeDeploys,
  DeployAction,
  EnvironmentView,
  lastConfiguredEnvironment,
  PreviewView,
  toEnvironmentViews,
} from './model';
import { useDeployPermissions } from './permissions';
import { useDeploysSummary } from './useDeploysSummary';

const TITLE = 'Deploys';

/** What a dialog of the card acts on. */
type DialogTarget =
  | { kind: 'action'; action: GateAction; environment: EnvironmentView }
  | { kind: 'abort'; environment: EnvironmentView }
  | { kind: 'delete'; environment: EnvironmentView & { preview: PreviewView } }
  | { kind: 'detail'; deployId: string };

function NoEnvironments() {
  return (
    <Typography variant="body2">
      No deploy environment is configured for this entity. List them under{' '}
      <code>devops.deploys.environments</code> in <code>app-config.yaml</code>{' '}
      (and narrow them per entity with the annotation{' '}
      <code>{DEVOPS_DEPLOY_ENVIRONMENTS_ANNOTATION}</code>).
    </Typography>
  );
}

function DeploysDetails(props: {
  entityRef: CompoundEntityRef;
  summary: DeploysSummary;
  onDialog: (target: DialogTarget) => void;
}) {
  const { entityRef, summary, onDialog } = props;
  const permissions = useDeployPermissions(stringifyEntityRef(entityRef));
  // the durations of deploys in flight, times to live and next teardown attempts count to the
  // last answer
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => setNow(Date.now()), [summary]);
  const environments = useMemo(
    () => toEnvironmentViews(summary, now),
    [summary, now],
  );
  const active = activeDeploys(summary);
  if (environments.length === 0) {
    return <NoEnvironments />;
  }
  const onAction = (action: DeployAction, environment: EnvironmentView) => {
    if (action === 'abort') {
      onDialog({ kind: 'abort', environment });
    } else if (action === 'delete') {
      if (environment.preview) {
        onDialog({
          kind: 'delete',
          environment: { ...environment, preview: environment.preview },
        });
      }
    } else {
      onDialog({ kind: 'action', action, environment });
    }
  };
  return (
    <>
      <Section title="Environments">
        <Environments
          environments={environments}
          entityRef={stringifyEntityRef(entityRef)}
          permissions={permissions.actions}
          onAction={onAction}
        />
      </Section>
      {active.length > 0 && (
        <Section title="In flight">
          {active.map(deploy => (
            <ActiveDeploy key={deploy.id} deploy={deploy} />
          ))}
        </Section>
      )}
      <Section title="DORA metrics">
        <DoraTiles
          dora={summary.dora}
          initialEnvironment={lastConfiguredEnvironment(summary)?.name}
        />
      </Section>
      <Section title="History">
        <DeployHistory
          history={summary.history}
          now={now}
          onDetails={deployId => onDialog({ kind: 'detail', deployId })}
        />
      </Section>
      <RecommendationsSection recommendations={summary.recommendations} />
    </>
  );
}

function DeploysCardBody(props: { entity: Entity }) {
  const entityRef = useMemo(
    () => getCompoundEntityRef(props.entity),
    [props.entity],
  );
  const classes = useCardStyles();
  const [dialog, setDialog] = useState<DialogTarget>();
  const notice = useCardNotice();
  const state = useDeploysSummary(entityRef);
  const permissions = useDeployPermissions(stringifyEntityRef(entityRef));
  const { retry } = state;

  const done = (message: string) => {
    setDialog(undefined);
    notice.announce(message);
    retry();
  };

  return (
    <InfoCard
      title={TITLE}
      subheader={
        state.value && !state.live
          ? 'Refreshes every 5 seconds while a deploy is in flight'
          : undefined
      }
      className={classes.card}
    >
      {notice.element}
      <AsyncCardContent state={state}>
        {summary => (
          <DeploysDetails
            entityRef={entityRef}
            summary={summary}
            onDialog={target => {
              notice.announce('');
              setDialog(target);
            }}
          />
        )}
      </AsyncCardContent>
      {dialog?.kind === 'action' && (
        <ActionDialog
          entityRef={entityRef}
          action={dialog.action}
          environment={dialog.environment}
          canOverride={permissions.override.allowed}
          onClose={() => setDialog(undefined)}
          onDone={done}
        />
      )}
      {dialog?.kind === 'abort' && dialog.environment.active && (
        <AbortDialog
          deploy={dialog.environment.active}
          onClose={() => setDialog(undefined)}
          onDone={done}
        />
      )}
      {dialog?.kind === 'delete' && (
        <DeleteEnvironmentDialog
          entityRef={entityRef}
          environment={dialog.environment}
          onClose={() => setDialog(undefined)}
          onDone={done}
        />
      )}
      {dialog?.kind === 'detail' && (
        <DeployDetailDialog
          deployId={dialog.deployId}
          onClose={() => setDialog(undefined)}
        />
      )}
    </InfoCard>
  );
}

/**
 * The "Deploys" card: the version each environment runs and its strategy, the deploy in flight
 * with its canary steps and analysis verdicts (live through Backstage signals), DORA figures with
 * their tier and trend, the history with each deploy's events, and Deploy, Promote, Abort and Roll
 * back with the gates' dry run before confirming, for users with the permissions. Per-entity
 * environments (previews) show their base, target, time to live or teardown, with Delete; an open
 * drift shows on its environment's row with its evidence.
 */
export function DevopsDeploysCard() {
  return (
    <AreaCard area="deploy" title={TITLE}>
      {entity => (
        <DeploysCardBody key={stringifyEntityRef(entity)} entity={entity} />
      )}
    </AreaCard>
  );
}
