import { ComponentType, useState } from 'react';
import { render } from '@testing-library/react';
import { ThemeProvider } from '@material-ui/core/styles';
import { lightTheme } from '@backstage/theme';
import { TestApiProvider } from '@backstage/test-utils';
import { DevopsApi, devopsApiRef } from '../api';

/** What a DevOps scaffolder field gets from the form, as the scaffolder passes it. */
export interface FieldSetup {
  /** The other fields' values (`formContext.formData`). */
  values: Record<string, unknown>;
  uiOptions?: Record<string, unknown>;
  title?: string;
  initial?: unknown;
  rawErrors?: string[];
}

/**
 * Renders a scaffolder field as the scaffolder's form does: its own value kept by the form (every
 * `onChange` is recorded in `onChange` and fed back as `formData`), the other fields' values in
 * `formContext.formData`, `ui:options` in the uiSchema. `rerender` changes the other fields.
 */
export function renderScaffolderField(
  Field: ComponentType<any>,
  api: DevopsApi,
  setup: FieldSetup,
) {
  const onChange = jest.fn();
  function FormStandIn(props: FieldSetup) {
    const [formData, setFormData] = useState(props.initial);
    return (
      <Field
        name="field"
        formData={formData}
        onChange={(value: unknown) => {
          onChange(value);
          setFormData(value);
        }}
        formContext={{ formData: { ...props.values, field: formData } }}
        uiSchema={{ 'ui:options': props.uiOptions ?? {} }}
        schema={{ title: props.title }}
        idSchema={{ $id: 'root_field' }}
        rawErrors={props.rawErrors ?? []}
        required
        disabled={false}
        readonly={false}
        registry={{}}
      />
    );
  }
  const ui = (next: FieldSetup) => (
    <ThemeProvider theme={lightTheme}>
      <TestApiProvider apis={[[devopsApiRef, api]]}>
        <FormStandIn {...next} />
      </TestApiProvider>
    </ThemeProvider>
  );
  const result = render(ui(setup));
  return {
    onChange,
    rerender: (next: FieldSetup) => result.rerender(ui(next)),
    unmount: () => result.unmount(),
  };
}
