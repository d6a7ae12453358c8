import { FormEvent, ReactNode } from 'react';
import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogTitle from '@material-ui/core/DialogTitle';

/**
 * A card's dialog around a form: the title (which names the dialog), the content, and Cancel and
 * Save (a submit button reading "Saving…" while `saving`; other words through `submitLabel` and
 * `savingLabel`).
 */
export function FormDialog(props: {
  /** Unique on the page: the id of the title. */
  id: string;
  title: string;
  onClose: () => void;
  onSubmit: (event: FormEvent) => void;
  saving: boolean;
  /** Save disabled besides while saving, for example until the form loaded. */
  disabled?: boolean;
  /** The submit button's words instead of "Save" and, while `saving`, "Saving…". */
  submitLabel?: string;
  savingLabel?: string;
  children: ReactNode;
}) {
  const { id, title, onClose, onSubmit, saving, disabled } = props;
  const { submitLabel = 'Save', savingLabel = 'Saving…' } = props;
  return (
    <Dialog
      open
      onClose={onClose}
      maxWidth="sm"
      fullWidth
      aria-labelledby={`${id}-title`}
    >
      <form onSubmit={onSubmit} noValidate>
        <DialogTitle id={`${id}-title`}>{title}</DialogTitle>
        <DialogContent>{props.children}</DialogContent>
        <DialogActions>
          <Button onClick={onClose}>Cancel</Button>
          <Button
            type="submit"
            color="primary"
            variant="contained"
            disabled={disabled || saving}
          >
            {saving ? savingLabel : submitLabel}
          </Button>
        </DialogActions>
      </form>
    </Dialog>
  );
}
