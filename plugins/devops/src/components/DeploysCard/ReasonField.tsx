import { ChangeEvent } from 'react';
import TextField from '@material-ui/core/TextField';

/** A multi-line reason kept with a deploy (a rollback's, an abort's, a gate override's). */
export function ReasonField(props: {
  id: string;
  label: string;
  required?: boolean;
  value: string;
  error?: string;
  help: string;
  multiline?: boolean;
  onChange: (value: string) => void;
}) {
  return (
    <TextField
      fullWidth
      multiline={props.multiline ?? true}
      minRows={props.multiline === false ? undefined : 2}
      size="small"
      variant="outlined"
      id={props.id}
      label={props.label}
      required={props.required}
      value={props.value}
      error={Boolean(props.error)}
      helperText={props.error ?? props.help}
      onChange={(event: ChangeEvent<HTMLInputElement>) =>
        props.onChange(event.target.value)
      }
    />
  );
}
