import { ChangeEvent, FormEvent, useState } from 'react';
import Box from '@material-ui/core/Box';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import { useApi } from '@backstage/core-plugin-api';
import {
  devopsSecurityFindingUpdatePermission,
  devopsSecurityThreatUpdatePermission,
  FindingStatusChange,
  ThreatStatus,
  ThreatStatusChange,
} from '@devops-growth/backstage-plugin-devops-common';
import { devopsApiRef } from '../../api';
import { describeRequestError, FormDialog } from '../shared';
import {
  FINDING_ACTION_LABELS,
  FINDING_STATUS_LABELS,
  FindingAction,
  THREAT_ACTION_LABELS,
  THREAT_STATUS_LABELS,
} from './model';
import {
  DEFAULT_ACCEPTANCE_DAYS,
  expiryBounds,
  initialStatusForm,
  reasonRequired,
  StatusForm,
  toFindingStatusChange,
  toThreatStatusChange,
} from './statusChange';

/** What the dialog changes: a finding or a threat, and the status it moves to. */
export type StatusTarget =
  | { kind: 'finding'; id: string; title: string; action: FindingAction }
  | { kind: 'threat'; id: string; title: string; action: ThreatStatus };

function heading(target: StatusTarget): string {
  return target.kind === 'finding'
    ? `${FINDING_ACTION_LABELS[target.action]}: finding`
    : `${THREAT_ACTION_LABELS[target.action]}: threat`;
}

/** The sentence announced once the change is saved. */
function doneMessage(target: StatusTarget): string {
  const status =
    target.kind === 'finding'
      ? FINDING_STATUS_LABELS[target.action]
      : THREAT_STATUS_LABELS[target.action];
  return `${target.kind === 'finding' ? 'Finding' : 'Threat'} “${
    target.title
  }” is now ${status.toLowerCase()}.`;
}

/**
 * Changes the status of a finding (accept the risk with a reason and an expiry, 30 days ahead by
 * default; mark a false positive with a reason; reopen) or of a threat (reason optional). Shows
 * the backend's message when it refuses; calls `onChanged` with a sentence to announce.
 */
export function StatusDialog(props: {
  target: StatusTarget;
  onClose: () => void;
  onChanged: (message: string) => void;
}) {
  const { target, onClose, onChanged } = props;
  const devopsApi = useApi(devopsApiRef);
  const [now] = useState(() => Date.now());
  const [form, setForm] = useState<StatusForm>(() => initialStatusForm(now));
  const [errors, setErrors] = useState<
    Partial<Record<keyof StatusForm, string>>
  >({});
  const [saving, setSaving] = useState(false);
  const [saveError, setSaveError] = useState<string>();
  const required = target.kind === 'finding' && reasonRequired(target.action);
  const accepting = target.kind === 'finding' && target.action === 'accepted';
  const bounds = expiryBounds(now);

  /** The request the form makes, or what is wrong with the form. */
  const request = (): { run: () => Promise<unknown> } | undefined => {
    const result =
      target.kind === 'finding'
        ? toFindingStatusChange(target.action, form, Date.now())
        : toThreatStatusChange(target.action, form);
    if (!result.ok) {
      setErrors(result.errors);
      return undefined;
    }
    setErrors({});
    const { change } = result;
    return {
      run: () =>
        target.kind === 'finding'
          ? devopsApi.updateFindingStatus(
              target.id,
              change as FindingStatusChange,
            )
          : devopsApi.updateThreatStatus(
              target.id,
              change as ThreatStatusChange,
            ),
    };
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setSaveError(undefined);
    const next = request();
    if (!next) {
      return;
    }
    setSaving(true);
    try {
      await next.run();
      onChanged(doneMessage(target));
    } catch (error) {
      setSaveError(
        describeRequestError(
          error as Error,
          target.kind === 'finding'
            ? {
                permission: devopsSecurityFindingUpdatePermission.name,
                action: "change the status of this entity's findings",
              }
            : {
                permission: devopsSecurityThreatUpdatePermission.name,
                action: "change the status of this entity's threats",
              },
        ),
      );
      setSaving(false);
    }
  };

  const update =
    (field: keyof StatusForm) => (event: ChangeEvent<HTMLInputElement>) => {
      const value = event.target.value;
      setForm(current => ({ ...current, [field]: value }));
    };

  return (
    <FormDialog
      id="devops-security-status"
      title={heading(target)}
      onClose={onClose}
      onSubmit={submit}
      saving={saving}
    >
      <Typography variant="body2" paragraph>
        {target.title}
      </Typography>
      {accepting && (
        <Typography variant="body2" color="textSecondary" paragraph>
          The finding stops counting as open until the date you pick (
          {DEFAULT_ACCEPTANCE_DAYS} days from now unless you change it); then it
          reopens by itself.
        </Typography>
      )}
      <TextField
        fullWidth
        multiline
        minRows={2}
        variant="outlined"
        size="small"
        id="devops-security-status-reason"
        label={required ? 'Reason' : 'Reason (optional)'}
        required={required}
        value={form.reason}
        error={Boolean(errors.reason)}
        helperText={errors.reason ?? 'Kept with the status and audited'}
        onChange={update('reason')}
      />
      {accepting && (
        <Box mt={2}>
          <TextField
            type="date"
            variant="outlined"
            size="small"
            id="devops-security-status-expiry"
            label="Accepted until"
            required
            value={form.expiresOn}
            InputLabelProps={{ shrink: true }}
            inputProps={{ min: bounds.min, max: bounds.max }}
            error={Boolean(errors.expiresOn)}
            helperText={
              errors.expiresOn ?? 'The finding reopens after this day'
            }
            onChange={update('expiresOn')}
          />
        </Box>
      )}
      {saveError && (
        <Box mt={2}>
          <Alert severity="error">
            Could not change the status: {saveError}
          </Alert>
        </Box>
      )}
    </FormDialog>
  );
}
