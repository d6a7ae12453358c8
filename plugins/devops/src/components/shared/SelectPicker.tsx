import { ChangeEvent } from 'react';
import TextField from '@material-ui/core/TextField';
import { makeStyles } from '@material-ui/core/styles';

const useStyles = makeStyles({ picker: { minWidth: 160 } });

/** A labelled native select of a card (report, branch, environment). */
export function SelectPicker(props: {
  id: string;
  label: string;
  value: string;
  options: string[];
  onChange: (value: string) => void;
}) {
  const classes = useStyles();
  return (
    <TextField
      select
      size="small"
      variant="outlined"
      label={props.label}
      className={classes.picker}
      value={props.value}
      SelectProps={{ native: true }}
      id={props.id}
      onChange={(event: ChangeEvent<HTMLInputElement>) =>
        props.onChange(event.target.value)
      }
    >
      {props.options.map(name => (
        <option key={name} value={name}>
          {name}
        </option>
      ))}
    </TextField>
  );
}
