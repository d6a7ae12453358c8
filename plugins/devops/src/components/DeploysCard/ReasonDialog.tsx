import { FormEvent, ReactNode, useState } from 'react';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import { describeRequestError, FormDialog } from '../shared';
import { ReasonField } from './ReasonField';

/**
 * A confirmation with an optional reason (Abort, Delete): `run` sends the request with the trimmed
 * reason (`undefined` when empty) and resolves with the card's notice; a refusal stays in the
 * dialog, a 403 naming the missing permission.
 */
export function ReasonDialog(props: {
  /** Unique on the page: the dialog's title and reason field derive their ids from it. */
  id: string;
  title: string;
  /** What confirming does. */
  children: ReactNode;
  reasonHelp: string;
  submitLabel: string;
  savingLabel: string;
  /** "Could not abort", "Could not delete". */
  failureLabel: string;
  forbidden: { permission: string; action: string };
  run: (reason: string | undefined) => Promise<string>;
  onClose: () => void;
  onDone: (message: string) => void;
}) {
  const { id, run, onClose, onDone, forbidden } = props;
  const [reason, setReason] = useState('');
  const [saving, setSaving] = useState(false);
  const [failure, setFailure] = useState<string>();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setFailure(undefined);
    setSaving(true);
    try {
      onDone(await run(reason.trim() || undefined));
    } catch (error) {
      setFailure(describeRequestError(error as Error, forbidden));
      setSaving(false);
    }
  };

  return (
    <FormDialog
      id={id}
      title={props.title}
      onClose={onClose}
      onSubmit={submit}
      saving={saving}
      submitLabel={props.submitLabel}
      savingLabel={props.savingLabel}
    >
      <Typography variant="body2" paragraph>
        {props.children}
      </Typography>
      <ReasonField
        id={`${id}-reason`}
        label="Reason (optional)"
        value={reason}
        help={props.reasonHelp}
        onChange={setReason}
      />
      {failure && (
        <Box mt={2}>
          <Alert severity="error">
            {props.failureLabel}: {failure}
          </Alert>
        </Box>
      )}
    </FormDialog>
  );
}
