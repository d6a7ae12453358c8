import { ChangeEvent, FormEvent, useEffect, useState } from 'react';
import Box from '@material-ui/core/Box';
import Grid from '@material-ui/core/Grid';
import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import ListItemText from '@material-ui/core/ListItemText';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import { CompoundEntityRef } from '@backstage/catalog-model';
import { Progress } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import {
  PERFORMANCE_TARGET_KEYS,
  PerformanceTargetKey,
} from '@devops-growth/backstage-plugin-devops-common';
import useAsync from 'react-use/esm/useAsync';
import { devopsApiRef } from '../../api';
import { formatDateTime, FormDialog } from '../shared';
import { formatActor } from './format';
import { describeActionError } from './loadTests';
import {
  describeTargetChange,
  initialTargetsForm,
  TARGET_FIELD_LABELS,
  targetFieldHint,
  TargetsForm,
  toTargetChanges,
} from './targetsForm';

const HISTORY_SHOWN = 5;

/**
 * Edits the entity's target overrides: a number overrides the target, an empty field removes the
 * override (the annotation, app-config or built-in default applies again). Loads the targets in
 * force and their history when it opens; calls `onSaved` after a successful change.
 */
export function TargetsDialog(props: {
  entityRef: CompoundEntityRef;
  onClose: () => void;
  onSaved: () => void;
}) {
  const { entityRef, onClose, onSaved } = props;
  const devopsApi = useApi(devopsApiRef);
  const { kind, namespace, name } = entityRef;
  const loaded = useAsync(
    () => devopsApi.getPerformanceTargets({ kind, namespace, name }),
    [devopsApi, kind, namespace, name],
  );
  const [form, setForm] = useState<TargetsForm>();
  const [comment, setComment] = useState('');
  const [fieldErrors, setFieldErrors] = useState<
    Partial<Record<PerformanceTargetKey, string>>
  >({});
  const [saving, setSaving] = useState(false);
  const [saveError, setSaveError] = useState<string>();
  const [nothingChanged, setNothingChanged] = useState(false);

  const targets = loaded.value?.targets;
  useEffect(() => {
    if (targets) {
      setForm(initialTargetsForm(targets));
    }
  }, [targets]);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!form || !targets) {
      return;
    }
    const result = toTargetChanges(form, targets);
    if (!result.ok) {
      setFieldErrors(result.errors);
      return;
    }
    setFieldErrors({});
    if (Object.keys(result.changes).length === 0) {
      setNothingChanged(true);
      return;
    }
    setSaving(true);
    setSaveError(undefined);
    try {
      await devopsApi.updatePerformanceTargets(entityRef, {
        changes: result.changes,
        ...(comment.trim() ? { comment: comment.trim() } : {}),
      });
      onSaved();
    } catch (error) {
      setSaveError(describeActionError(error as Error, 'targets'));
      setSaving(false);
    }
  };

  let content;
  if (loaded.error) {
    content = (
      <Alert severity="error">
        Could not load the targets: {loaded.error.message}
      </Alert>
    );
  } else if (!form || !targets) {
    content = <Progress />;
  } else {
    const history = loaded.value?.history.slice(0, HISTORY_SHOWN) ?? [];
    content = (
      <>
        <Typography variant="body2" color="textSecondary" paragraph>
          A value overrides the target for this entity. Leave a field empty to
          use the target from the entity's annotations, app-config.yaml or the
          built-in default.
        </Typography>
        <Grid container spacing={2}>
          {PERFORMANCE_TARGET_KEYS.map(key => (
            <Grid item xs={12} sm={6} key={key}>
              <TextField
                fullWidth
                variant="outlined"
                size="small"
                id={`devops-target-${key}`}
                label={TARGET_FIELD_LABELS[key]}
                value={form[key]}
                inputProps={{ inputMode: 'decimal' }}
                error={Boolean(fieldErrors[key])}
                helperText={fieldErrors[key] ?? targetFieldHint(targets, key)}
                onChange={(event: ChangeEvent<HTMLInputElement>) => {
                  const value = event.target.value;
                  setNothingChanged(false);
                  setForm(current => current && { ...current, [key]: value });
                }}
              />
            </Grid>
          ))}
          <Grid item xs={12}>
            <TextField
              fullWidth
              variant="outlined"
              size="small"
              id="devops-target-comment"
              label="Comment"
              helperText="Why the targets change; kept in their history"
              value={comment}
              onChange={(event: ChangeEvent<HTMLInputElement>) =>
                setComment(event.target.value)
              }
            />
          </Grid>
        </Grid>
        {nothingChanged && (
          <Box mt={2}>
            <Alert severity="info">Nothing changed.</Alert>
          </Box>
        )}
        {saveError && (
          <Box mt={2}>
            <Alert severity="error">
              Could not save the targets: {saveError}
            </Alert>
          </Box>
        )}
        {history.length > 0 && (
          <Box mt={2}>
            <Typography variant="subtitle2">Recent changes</Typography>
            <List dense disablePadding aria-label="Target changes">
              {history.map(change => (
                <ListItem key={change.id} disableGutters>
                  <ListItemText
                    primary={describeTargetChange(change)}
                    secondary={`${formatActor(change.actor)}, ${formatDateTime(
                      change.at,
                    )}${change.comment ? ` — ${change.comment}` : ''}`}
                  />
                </ListItem>
              ))}
            </List>
          </Box>
        )}
      </>
    );
  }

  return (
    <FormDialog
      id="devops-targets-dialog"
      title="Performance targets"
      onClose={onClose}
      onSubmit={submit}
      saving={saving}
      disabled={!form}
    >
      {content}
    </FormDialog>
  );
}
