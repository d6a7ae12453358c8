import { useEffect, useRef, useState } from 'react';
import Box from '@material-ui/core/Box';
import FormLabel from '@material-ui/core/FormLabel';
import LinearProgress from '@material-ui/core/LinearProgress';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { useApi } from '@backstage/core-plugin-api';
import { deployVersionSchema } from '@devops-growth/backstage-plugin-devops-common';
import useAsync from 'react-use/esm/useAsync';
import useDebounce from 'react-use/esm/useDebounce';
import { DeployDryRunRequest, devopsApiRef } from '../../api';
import { GateList } from '../DeploysCard/GateList';
import {
  allowedText,
  blockedText,
  chosenEntity,
  DEFAULT_FIELDS,
  DeployGatesValue,
  GatesAction,
  stringValue,
  toGatesValue,
} from './model';
import { readProblem } from './requestProblem';
import { deployGatesSchema } from './schemas';

/** How long the field waits after the last change of the other fields before it asks again. */
export const GATES_DEBOUNCE_MS = 400;

/** The dry run to ask for, or why there is none yet. */
function dryRunFor(
  values: Record<string, unknown> | undefined,
  options: {
    entityField: string;
    environmentField: string;
    versionField: string;
    action: GatesAction;
  },
): { entityRef: string; request: DeployDryRunRequest } | { waiting: string } {
  const chosen = chosenEntity(values, options.entityField);
  if ('problem' in chosen) return { waiting: chosen.problem };
  const environment = stringValue(values, options.environmentField);
  if (!environment) {
    return {
      waiting: `Choose the environment (field '${options.environmentField}') first.`,
    };
  }
  const version = stringValue(values, options.versionField);
  if (version && !deployVersionSchema.safeParse(version).success) {
    return {
      waiting: `Choose a valid version (field '${options.versionField}') first.`,
    };
  }
  const entityRef = stringifyEntityRef(chosen.ref);
  if (options.action === 'deploy') {
    if (!version) {
      return {
        waiting: `Choose the version (field '${options.versionField}') first.`,
      };
    }
    return {
      entityRef,
      request: { action: 'deploy', environment, version },
    };
  }
  return {
    entityRef,
    request: {
      action: options.action,
      environment,
      ...(version ? { version } : {}),
    },
  };
}

/**
 * `ui:field: DevopsDeployGates`: read-only. Shows the safety gates a deploy, promotion or rollback
 * would meet (the backend's dry run) for the entity, environment and version chosen in other
 * fields, before the template runs, and a clear message when they block it. Its value is
 * `{ allowed, environment, version, failed, activeDeployId }`; by default the form does not go on
 * while the action is blocked (`ui:options.allowBlocked: true` lets it).
 */
export function DevopsDeployGates(props: typeof deployGatesSchema.TProps) {
  const { onChange, uiSchema, schema, idSchema } = props;
  const devopsApi = useApi(devopsApiRef);
  const options = uiSchema?.['ui:options'] ?? {};
  const action = options.action ?? 'deploy';
  const wanted = dryRunFor(props.formContext?.formData, {
    entityField: options.entityField ?? DEFAULT_FIELDS.entityField,
    environmentField:
      options.environmentField ?? DEFAULT_FIELDS.environmentField,
    versionField: options.versionField ?? DEFAULT_FIELDS.versionField,
    action,
  });
  const key = 'request' in wanted ? JSON.stringify(wanted) : null;

  // ask once the other fields settle (a version typed letter by letter)
  const [asked, setAsked] = useState<string | null>(null);
  useDebounce(() => setAsked(key), GATES_DEBOUNCE_MS, [key]);
  const dryRun = useAsync(async () => {
    if (!asked) return undefined;
    const { entityRef, request } = JSON.parse(asked) as {
      entityRef: string;
      request: DeployDryRunRequest;
    };
    return devopsApi.dryRunDeploy(parseEntityRef(entityRef), request);
  }, [devopsApi, asked]);

  const current = asked === key ? dryRun.value : undefined;
  const value: DeployGatesValue | undefined = current
    ? toGatesValue(current)
    : undefined;
  // the value follows the answer; the form's onChange may change on every render
  const serialized = value ? JSON.stringify(value) : undefined;
  const onChangeRef = useRef(onChange);
  onChangeRef.current = onChange;
  useEffect(() => {
    onChangeRef.current(serialized ? JSON.parse(serialized) : undefined);
  }, [serialized]);

  const label = schema.title ?? 'Safety gates';
  const labelId = `${idSchema.$id}-label`;
  const blocked = value
    ? blockedText(value, action, {
        allowBlocked: options.allowBlocked,
      })
    : null;
  const errors = props.rawErrors ?? [];
  let body;
  if ('waiting' in wanted) {
    body = (
      <Typography variant="body2" color="textSecondary">
        {wanted.waiting} The gates are checked then.
      </Typography>
    );
  } else if (asked !== key || dryRun.loading) {
    body = <LinearProgress aria-label="Checking the gates" />;
  } else if (dryRun.error) {
    const { entityRef } = wanted;
    body = (
      <Alert severity="error">
        {readProblem('the gates', entityRef, dryRun.error)}
      </Alert>
    );
  } else if (current) {
    body = (
      <>
        {current.gates.length > 0 ? (
          <GateList label={label} gates={current.gates} />
        ) : (
          <Typography variant="body2">
            No gate applies to this environment.
          </Typography>
        )}
        <Box mt={1}>
          {blocked ? (
            <Alert severity="error" role="status">
              {blocked}
            </Alert>
          ) : (
            <Alert severity="success" role="status">
              {allowedText(value!, action)}
            </Alert>
          )}
        </Box>
      </>
    );
  }

  return (
    <Box
      component="section"
      aria-labelledby={labelId}
      my={2}
      data-testid="devops-deploy-gates"
    >
      <FormLabel id={labelId} component="div">
        {label}
      </FormLabel>
      {schema.description && (
        <Typography variant="body2" color="textSecondary">
          {schema.description}
        </Typography>
      )}
      <Box mt={1}>{body}</Box>
      {errors.length > 0 && !blocked && (
        <Typography variant="body2" color="error">
          {errors[0]}
        </Typography>
      )}
    </Box>
  );
}

/**
 * The form goes on only once the gates were checked and allow the action, unless
 * `ui:options.allowBlocked` says otherwise.
 */
export function validateDeployGates(
  value: DeployGatesValue | undefined,
  validation: { addError: (message: string) => void },
  context: {
    uiSchema?: {
      'ui:options'?: { action?: GatesAction; allowBlocked?: boolean };
    };
  },
) {
  const options = context.uiSchema?.['ui:options'] ?? {};
  if (!value) {
    validation.addError(
      'The gates have not been checked yet: choose the entity, environment and version first.',
    );
    return;
  }
  const blocked = blockedText(value, options.action ?? 'deploy');
  if (blocked && !options.allowBlocked) validation.addError(blocked);
}
