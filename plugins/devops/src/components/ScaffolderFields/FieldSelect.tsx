import { ChangeEvent } from 'react';
import TextField from '@material-ui/core/TextField';
import { FieldOption } from './model';

/**
 * The select of a DevOps scaffolder field: a native select (keyboard and screen reader friendly)
 * with the field's title, a placeholder until something is chosen, and the description or the
 * problem below it.
 */
export function FieldSelect(props: {
  id: string;
  label: string;
  placeholder: string;
  value: string | undefined;
  options: FieldOption[];
  required?: boolean;
  disabled?: boolean;
  /** Shown below, in the error colour when `error`. */
  helperText?: string;
  error?: boolean;
  onChange: (value: string | undefined) => void;
}) {
  const { id, value, options } = props;
  return (
    <TextField
      select
      fullWidth
      margin="normal"
      variant="outlined"
      id={id}
      label={props.label}
      required={props.required}
      disabled={props.disabled}
      value={value ?? ''}
      error={props.error}
      helperText={props.helperText}
      FormHelperTextProps={{ id: `${id}-helper-text` }}
      SelectProps={{ native: true }}
      InputLabelProps={{ shrink: true }}
      onChange={(event: ChangeEvent<HTMLInputElement>) =>
        props.onChange(event.target.value || undefined)
      }
    >
      <option value="">{props.placeholder}</option>
      {options.map(option => (
        <option key={option.value} value={option.value}>
          {option.label}
        </option>
      ))}
    </TextField>
  );
}
