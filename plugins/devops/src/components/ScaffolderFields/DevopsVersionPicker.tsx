import { ChangeEvent, useEffect, useMemo } from 'react';
import TextField from '@material-ui/core/TextField';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { useApi } from '@backstage/core-plugin-api';
import { deployVersionSchema } from '@devops-growth/backstage-plugin-devops-common';
import useAsync from 'react-use/esm/useAsync';
import { devopsApiRef } from '../../api';
import { FieldSelect } from './FieldSelect';
import {
  chosenEntity,
  DEFAULT_FIELDS,
  stringValue,
  versionChoice,
} from './model';
import { readProblem } from './requestProblem';
import { versionPickerSchema } from './schemas';

/**
 * `ui:field: DevopsVersionPicker`: the version to deploy or roll back to, for the entity and
 * environment chosen in other fields (`ui:options.entityField`, `environmentField`).
 * `mode: deploy` offers the provider's available versions (free text, checked, when the provider
 * cannot list them); `mode: rollback` the versions that succeeded in the environment, newest first,
 * with their date and deploy id, without the one running now.
 */
export function DevopsVersionPicker(props: typeof versionPickerSchema.TProps) {
  const { formData, onChange, uiSchema, schema, idSchema } = props;
  const devopsApi = useApi(devopsApiRef);
  const options = uiSchema?.['ui:options'] ?? {};
  const entityField = options.entityField ?? DEFAULT_FIELDS.entityField;
  const environmentField =
    options.environmentField ?? DEFAULT_FIELDS.environmentField;
  const mode = options.mode ?? 'deploy';
  const values = props.formContext?.formData;
  const chosen = chosenEntity(values, entityField);
  const entityRef = 'ref' in chosen ? stringifyEntityRef(chosen.ref) : null;
  const environment = stringValue(values, environmentField);

  const versions = useAsync(async () => {
    if (!entityRef || !environment) return undefined;
    const ref = parseEntityRef(entityRef);
    const [list, summary] = await Promise.all([
      devopsApi.getDeployVersions(ref, environment),
      mode === 'rollback' ? devopsApi.getDeploysSummary(ref) : undefined,
    ]);
    const running =
      summary?.environments.find(e => e.name === environment)?.running
        ?.version ?? null;
    return versionChoice(mode, list, running);
  }, [devopsApi, entityRef, environment, mode]);
  const choice = versions.value;
  const listed = useMemo(
    () => (choice?.kind === 'list' ? choice.options : []),
    [choice],
  );

  // another entity or environment: forget a version it does not offer
  useEffect(() => {
    if (
      choice?.kind === 'list' &&
      formData &&
      !listed.some(o => o.value === formData)
    ) {
      onChange(undefined);
    }
  }, [choice, listed, formData, onChange]);

  let problem: string | undefined;
  if ('problem' in chosen) {
    problem = chosen.problem;
  } else if (!environment) {
    problem = `Choose the environment (field '${environmentField}') first.`;
  } else if (versions.error) {
    problem = readProblem(
      `the versions of ${environment}`,
      entityRef!,
      versions.error,
    );
  } else if (choice?.kind === 'none') {
    problem = choice.problem;
  }
  const errors = props.rawErrors ?? [];
  const label =
    schema.title ??
    (mode === 'rollback' ? 'Version to roll back to' : 'Version');

  if (choice?.kind === 'free') {
    const parsed = formData ? deployVersionSchema.safeParse(formData) : null;
    const invalid =
      parsed && !parsed.success ? parsed.error.issues[0].message : undefined;
    return (
      <TextField
        fullWidth
        margin="normal"
        variant="outlined"
        id={idSchema.$id}
        label={label}
        required={props.required}
        disabled={props.disabled}
        value={formData ?? ''}
        error={Boolean(invalid) || errors.length > 0}
        helperText={
          invalid ??
          errors[0] ??
          schema.description ??
          `The provider of ${environment} does not list versions: type the version to deploy.`
        }
        FormHelperTextProps={{ id: `${idSchema.$id}-helper-text` }}
        onChange={(event: ChangeEvent<HTMLInputElement>) =>
          onChange(event.target.value.trim() || undefined)
        }
      />
    );
  }

  let helperText = problem ?? errors[0] ?? schema.description;
  if (!problem && versions.loading) {
    helperText = `Loading the versions of ${environment}…`;
  }
  return (
    <FieldSelect
      id={idSchema.$id}
      label={label}
      placeholder="Choose a version"
      value={formData}
      options={listed}
      required={props.required}
      disabled={props.disabled || versions.loading || listed.length === 0}
      helperText={helperText}
      error={Boolean(problem) || errors.length > 0}
      onChange={onChange}
    />
  );
}

/** A free-text version must be one the backend accepts. */
export function validateVersion(
  value: string | undefined,
  validation: { addError: (message: string) => void },
) {
  if (!value) return;
  const parsed = deployVersionSchema.safeParse(value);
  if (!parsed.success) validation.addError(parsed.error.issues[0].message);
}
