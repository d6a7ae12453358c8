import { useEffect, useMemo } from 'react';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { useApi } from '@backstage/core-plugin-api';
import useAsync from 'react-use/esm/useAsync';
import { devopsApiRef } from '../../api';
import { FieldSelect } from './FieldSelect';
import { chosenEntity, DEFAULT_FIELDS, environmentOptions } from './model';
import { readProblem } from './requestProblem';
import { environmentPickerSchema } from './schemas';

/**
 * `ui:field: DevopsEnvironmentPicker`: a select of the deploy environments of the entity chosen in
 * another field (`ui:options.entityField`, default `entity`): the configured ones its annotation
 * allows and its active per-entity environments (only those with `ui:options.onlyPerEntity`), read
 * from the deploys summary. Says why there is
 * nothing to choose (no entity yet, deploys not enabled for it, no environment).
 */
export function DevopsEnvironmentPicker(
  props: typeof environmentPickerSchema.TProps,
) {
  const { formData, onChange, uiSchema, schema, idSchema } = props;
  const devopsApi = useApi(devopsApiRef);
  const entityField =
    uiSchema?.['ui:options']?.entityField ?? DEFAULT_FIELDS.entityField;
  const onlyPerEntity = uiSchema?.['ui:options']?.onlyPerEntity ?? false;
  const chosen = chosenEntity(props.formContext?.formData, entityField);
  const entityRef = 'ref' in chosen ? stringifyEntityRef(chosen.ref) : null;

  const summary = useAsync(
    async () =>
      entityRef
        ? devopsApi.getDeploysSummary(parseEntityRef(entityRef))
        : undefined,
    [devopsApi, entityRef],
  );
  const options = useMemo(
    () =>
      summary.value ? environmentOptions(summary.value, onlyPerEntity) : [],
    [summary.value, onlyPerEntity],
  );

  // another entity: forget an environment it does not have
  useEffect(() => {
    if (summary.value && formData && !options.some(o => o.value === formData)) {
      onChange(undefined);
    }
  }, [summary.value, options, formData, onChange]);

  let problem: string | undefined;
  if ('problem' in chosen) {
    problem = chosen.problem;
  } else if (summary.error) {
    problem = readProblem('the deploy environments', entityRef!, summary.error);
  } else if (summary.value && options.length === 0 && onlyPerEntity) {
    problem = `${entityRef} has no environment created for it (only those can be chosen here).`;
  } else if (summary.value && options.length === 0) {
    problem = `${entityRef} has no deploy environment: list them under devops.deploys.environments in app-config.yaml (and allow them with its annotation devops-growth.io/deploy-environments).`;
  }
  const errors = props.rawErrors ?? [];
  let helperText = problem ?? errors[0] ?? schema.description;
  if (!problem && summary.loading) {
    helperText = `Loading the environments of ${entityRef}…`;
  }

  return (
    <FieldSelect
      id={idSchema.$id}
      label={schema.title ?? 'Environment'}
      placeholder="Choose an environment"
      value={formData}
      options={options}
      required={props.required}
      disabled={props.disabled || summary.loading || options.length === 0}
      helperText={helperText}
      error={Boolean(problem) || errors.length > 0}
      onChange={onChange}
    />
  );
}
