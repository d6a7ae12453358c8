import { ChangeEvent, FormEvent, useEffect, useState } from 'react';
import Box from '@material-ui/core/Box';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import { CompoundEntityRef } from '@backstage/catalog-model';
import { useApi } from '@backstage/core-plugin-api';
import {
  Deploy,
  DeployDryRun,
  DeployGateResult,
  DeployRequest,
  PromoteRequest,
  RollbackRequest,
} from '@devops-growth/backstage-plugin-devops-common';
import useAsync from 'react-use/esm/useAsync';
import { devopsApiRef } from '../../api';
import { describeRequestError, FormDialog } from '../shared';
import {
  ACTION_LABELS,
  ActionForm,
  ActionFormErrors,
  GateAction,
  OVERRIDE_DENIED,
  toConfirmRequest,
  toDryRunRequest,
} from './actionForm';
import { GateList } from './GateList';
import { ReasonField } from './ReasonField';
import { EnvironmentView, strategyLabel } from './model';
import { ACTION_PERMISSIONS } from './permissions';

function newIdempotencyKey(): string {
  return (
    globalThis.crypto?.randomUUID?.() ??
    `${Date.now()}-${Math.random().toString(36).slice(2)}`
  );
}

const DONE: Record<GateAction, string> = {
  deploy: 'Deploy',
  promote: 'Promotion',
  rollback: 'Rollback',
};

function VersionField(props: {
  action: GateAction;
  value: string;
  error?: string;
  available: string[] | null | undefined;
  succeeded: Array<{ version: string; at: string }> | undefined;
  onChange: (value: string) => void;
}) {
  const { action, value, error, available, succeeded, onChange } = props;
  const change = (event: ChangeEvent<HTMLInputElement>) =>
    onChange(event.target.value);
  if (action === 'rollback') {
    return (
      <TextField
        select
        fullWidth
        size="small"
        variant="outlined"
        id="devops-deploy-version"
        label="Roll back to"
        value={value}
        SelectProps={{ native: true }}
        onChange={change}
        helperText="A version that succeeded in this environment before"
      >
        <option value="">The previous good version</option>
        {(succeeded ?? []).map(s => (
          <option key={`${s.version}-${s.at}`} value={s.version}>
            {s.version}
          </option>
        ))}
      </TextField>
    );
  }
  return (
    <>
      <TextField
        fullWidth
        size="small"
        variant="outlined"
        id="devops-deploy-version"
        label="Version"
        required
        value={value}
        error={Boolean(error)}
        helperText={
          error ??
          (available
            ? `Available: ${available.slice(0, 8).join(', ')}`
            : 'An image tag, a semantic version or a commit')
        }
        inputProps={{ list: 'devops-deploy-versions', autoComplete: 'off' }}
        onChange={change}
      />
      {available && (
        <datalist id="devops-deploy-versions">
          {available.map(v => (
            <option key={v} value={v} />
          ))}
        </datalist>
      )}
    </>
  );
}

/**
 * Deploy, promote or roll back one environment: the version, the gates' dry run (each gate with
 * its status and message; a failed gate takes an override with a reason from users allowed to
 * override), then the confirmation, which starts it. Shows the backend's refusal when it refuses.
 */
export function ActionDialog(props: {
  entityRef: CompoundEntityRef;
  action: GateAction;
  environment: EnvironmentView;
  canOverride: boolean;
  onClose: () => void;
  onDone: (message: string, deploy: Deploy) => void;
}) {
  const { entityRef, action, environment, canOverride, onClose, onDone } =
    props;
  const devopsApi = useApi(devopsApiRef);
  const [form, setForm] = useState<ActionForm>({
    version: action === 'promote' ? environment.promotable ?? '' : '',
    reason: '',
    overrides: {},
  });
  const [idempotencyKey] = useState(newIdempotencyKey);
  const [dryRun, setDryRun] = useState<DeployDryRun>();
  const [errors, setErrors] = useState<ActionFormErrors>({});
  const [blocked, setBlocked] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string>();
  const versions = useAsync(
    async () =>
      action === 'promote'
        ? undefined
        : devopsApi.getDeployVersions(entityRef, environment.name),
    [devopsApi, entityRef, environment.name, action],
  );

  const forbidden = {
    permission: ACTION_PERMISSIONS[action].name,
    action: `${ACTION_LABELS[action].toLowerCase()} this entity`,
  };

  const checkGates = async () => {
    const request = toDryRunRequest(action, environment.name, form);
    if (!request) {
      setErrors({ version: 'Enter a valid version first' });
      return;
    }
    setErrors({});
    setBusy(true);
    try {
      setDryRun(await devopsApi.dryRunDeploy(entityRef, request));
    } catch (error) {
      setFailure(describeRequestError(error as Error, forbidden));
    }
    setBusy(false);
  };

  // promotions and rollbacks need no input before the gates can be checked
  useEffect(() => {
    if (action !== 'deploy') {
      checkGates();
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  const confirm = async () => {
    if (!dryRun) return;
    const result = toConfirmRequest({
      action,
      environment: environment.name,
      form,
      dryRun,
      canOverride,
      idempotencyKey,
    });
    if (!result.ok) {
      setErrors(result.errors);
      setBlocked(result.blocked);
      return;
    }
    setErrors({});
    setBusy(true);
    try {
      let deploy: Deploy;
      if (action === 'deploy') {
        deploy = await devopsApi.startDeploy(
          entityRef,
          result.request as DeployRequest,
        );
      } else if (action === 'promote') {
        deploy = await devopsApi.promoteDeploy(
          entityRef,
          result.request as PromoteRequest,
        );
      } else {
        deploy = await devopsApi.rollbackDeploy(
          entityRef,
          result.request as RollbackRequest,
        );
      }
      onDone(
        `${DONE[action]} of ${deploy.version} to ${deploy.environment} started.`,
        deploy,
      );
    } catch (error) {
      setFailure(describeRequestError(error as Error, forbidden));
      setBusy(false);
    }
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setFailure(undefined);
    if (dryRun) {
      confirm();
    } else {
      checkGates();
    }
  };

  const update = (patch: Partial<ActionForm>) => {
    setForm(current => ({ ...current, ...patch }));
    if (patch.version !== undefined) {
      // another version: the gates must be checked again
      setDryRun(undefined);
      setBlocked(undefined);
    }
  };

  const failed = dryRun?.gates.filter(g => g.status === 'failed') ?? [];
  const cannotOverride = failed.length > 0 && !canOverride;
  const overrideField = (gate: DeployGateResult) =>
    gate.status === 'failed' && canOverride ? (
      <Box mt={1}>
        <ReasonField
          id={`devops-deploy-override-${gate.gate}`}
          label="Reason to override"
          required
          multiline={false}
          value={form.overrides[gate.gate] ?? ''}
          error={errors[gate.gate]}
          help="Kept with the deploy and audited"
          onChange={value =>
            setForm(current => ({
              ...current,
              overrides: { ...current.overrides, [gate.gate]: value },
            }))
          }
        />
      </Box>
    ) : null;

  return (
    <FormDialog
      id="devops-deploy-action"
      title={`${ACTION_LABELS[action]}: ${environment.name}`}
      onClose={onClose}
      onSubmit={submit}
      saving={busy}
      disabled={
        Boolean(dryRun) && (cannotOverride || Boolean(dryRun?.activeDeployId))
      }
      submitLabel={
        dryRun
          ? `Confirm ${ACTION_LABELS[action].toLowerCase()}`
          : 'Check gates'
      }
      savingLabel={dryRun ? 'Starting…' : 'Checking gates…'}
    >
      <Typography variant="body2" paragraph>
        {environment.name} runs {environment.running}.
        {action === 'promote' &&
          ` Promotes ${environment.promotable} from ${environment.previousInChain}.`}
      </Typography>
      {action !== 'promote' && (
        <Box mb={2}>
          <VersionField
            action={action}
            value={form.version}
            error={errors.version}
            available={versions.value?.available}
            succeeded={versions.value?.succeeded}
            onChange={version => update({ version })}
          />
        </Box>
      )}
      {action === 'rollback' && (
        <Box mb={2}>
          <ReasonField
            id="devops-deploy-reason"
            label="Reason"
            required
            value={form.reason}
            error={errors.reason}
            help="Kept with the rollback and audited"
            onChange={reason => update({ reason })}
          />
        </Box>
      )}
      {dryRun && (
        <section aria-label="Gate dry run">
          <Typography variant="subtitle2" component="h3">
            Gates for {dryRun.version} (
            {strategyLabel(dryRun.strategy, dryRun.steps)}, provider{' '}
            {dryRun.provider})
          </Typography>
          <GateList label="Gates" gates={dryRun.gates} extra={overrideField} />
          {dryRun.activeDeployId && (
            <Box mt={2}>
              <Alert severity="warning">
                Deploy {dryRun.activeDeployId} is in flight in{' '}
                {dryRun.environment}; wait for it or abort it first.
              </Alert>
            </Box>
          )}
          {(cannotOverride || blocked) && (
            <Box mt={2}>
              <Alert severity="error">{blocked ?? OVERRIDE_DENIED}</Alert>
            </Box>
          )}
        </section>
      )}
      {failure && (
        <Box mt={2}>
          <Alert severity="error">
            {dryRun ? 'Could not start' : 'Could not check the gates'}:{' '}
            {failure}
          </Alert>
        </Box>
      )}
    </FormDialog>
  );
}
