import {
  ComplianceCheck,
  ComplianceControl,
  ComplianceFramework,
} from '@devops-growth/backstage-plugin-devops-node';
import { builtInComplianceChecks } from './checks';
import { builtInFrameworks, parseFramework } from './frameworks';
import {
  COMPLIANCE_CONFIG_KEY,
  ComplianceFrameworkConfig,
  ComplianceSettings,
} from './settings';

/**
 * The frameworks and checks compliance evaluates: the built-in ones, then those of modules
 * (through `devopsComplianceExtensionPoint`), then the config's additions and overrides. Every
 * problem fails at start-up with a message naming its source: two modules registering one
 * framework or check id, a module check reusing a built-in check id, a control naming an
 * unknown check, a config entry naming an unknown control, a default framework nobody defines.
 */
export class ComplianceRegistry {
  private readonly ids: ReadonlySet<string>;

  private constructor(
    private readonly frameworkList: ComplianceFramework[],
    private readonly checkMap: Map<string, ComplianceCheck>,
  ) {
    this.ids = new Set(frameworkList.map(f => f.id));
  }

  static create(options: {
    settings: Pick<
      ComplianceSettings,
      'checks' | 'frameworks' | 'defaultFrameworks'
    >;
    moduleFrameworks?: ComplianceFramework[];
    moduleChecks?: ComplianceCheck[];
  }): ComplianceRegistry {
    const { settings } = options;
    const checks = new Map<string, ComplianceCheck>();
    for (const check of builtInComplianceChecks(settings.checks)) {
      checks.set(check.id, check);
    }
    for (const check of options.moduleChecks ?? []) {
      if (
        !check ||
        typeof check.id !== 'string' ||
        check.id === '' ||
        typeof check.evaluate !== 'function'
      ) {
        throw new Error(
          `A module registered a compliance check without an id or an evaluate function (${JSON.stringify(
            check?.id,
          )})`,
        );
      }
      if (checks.has(check.id)) {
        throw new Error(
          `Compliance check '${check.id}' is registered twice (a built-in check or another module has this id); give the module's check another id`,
        );
      }
      checks.set(check.id, check);
    }

    const frameworks = new Map<string, ComplianceFramework>();
    const sources = new Map<string, string>();
    for (const framework of builtInFrameworks()) {
      frameworks.set(framework.id, framework);
      sources.set(framework.id, `the built-in ${framework.id} catalogue`);
    }
    const fromModules = new Set<string>();
    for (const data of options.moduleFrameworks ?? []) {
      const source = `module framework '${(data as { id?: unknown })?.id}'`;
      const framework = parseFramework(data, source);
      if (fromModules.has(framework.id)) {
        throw new Error(
          `Compliance framework '${framework.id}' is registered by two modules; only one may define it`,
        );
      }
      // A module framework with a built-in id replaces the built-in one.
      fromModules.add(framework.id);
      frameworks.set(framework.id, framework);
      sources.set(framework.id, source);
    }
    for (const entry of settings.frameworks) {
      const known = frameworks.get(entry.id);
      frameworks.set(entry.id, applyConfig(known, entry));
      sources.set(entry.id, entry.key);
    }

    for (const framework of frameworks.values()) {
      for (const control of framework.controls) {
        for (const checkId of control.checks) {
          if (!checks.has(checkId)) {
            throw new Error(
              `Compliance control '${control.id}' of framework '${
                framework.id
              }' (from ${sources.get(
                framework.id,
              )}) names the unknown check '${checkId}'; known checks: ${[
                ...checks.keys(),
              ].join(', ')}`,
            );
          }
        }
      }
    }
    for (const id of settings.defaultFrameworks) {
      if (!frameworks.has(id)) {
        throw new Error(
          `Invalid config at ${COMPLIANCE_CONFIG_KEY}.defaultFrameworks: no framework has the id '${id}'; known frameworks: ${[
            ...frameworks.keys(),
          ].join(', ')}`,
        );
      }
    }
    return new ComplianceRegistry([...frameworks.values()], checks);
  }

  frameworks(): ComplianceFramework[] {
    return this.frameworkList;
  }

  framework(id: string): ComplianceFramework | undefined {
    return this.frameworkList.find(f => f.id === id);
  }

  frameworkIds(): ReadonlySet<string> {
    return this.ids;
  }

  check(id: string): ComplianceCheck | undefined {
    return this.checkMap.get(id);
  }

  checks(): ComplianceCheck[] {
    return [...this.checkMap.values()];
  }

  /** The checks the given frameworks name, each once. */
  checksOf(frameworkIds: Iterable<string>): ComplianceCheck[] {
    const ids = new Set<string>();
    for (const id of frameworkIds) {
      for (const control of this.framework(id)?.controls ?? []) {
        control.checks.forEach(c => ids.add(c));
      }
    }
    return [...ids].map(id => this.checkMap.get(id)!);
  }
}

/** A config entry applied to the framework of its id (or a new framework when none has it). */
function applyConfig(
  known: ComplianceFramework | undefined,
  entry: ComplianceFrameworkConfig,
): ComplianceFramework {
  if (!known && (!entry.title || !entry.controls)) {
    throw new Error(
      `Invalid config at ${entry.key}: no framework has the id '${entry.id}', so the entry adds one and needs a title and controls`,
    );
  }
  let controls: ComplianceControl[] = entry.controls ?? known!.controls;
  for (const [index, override] of (entry.controlOverrides ?? []).entries()) {
    const key = `${entry.key}.controlOverrides[${index}]`;
    const at = controls.findIndex(c => c.id === override.id);
    if (at >= 0) {
      const merged: ComplianceControl = { ...controls[at] };
      if (override.title !== undefined) merged.title = override.title;
      if (override.weight !== undefined) merged.weight = override.weight;
      if (override.checks !== undefined) merged.checks = override.checks;
      controls = controls.map((c, i) => (i === at ? merged : c));
    } else if (override.title && override.checks) {
      controls = [
        ...controls,
        {
          id: override.id,
          title: override.title,
          weight: override.weight,
          checks: override.checks,
        },
      ];
    } else {
      throw new Error(
        `Invalid config at ${key}: framework '${entry.id}' has no control '${override.id}'; to add it, give its title and checks`,
      );
    }
  }
  for (const [index, id] of (entry.disabledControls ?? []).entries()) {
    if (!controls.some(c => c.id === id)) {
      throw new Error(
        `Invalid config at ${entry.key}.disabledControls[${index}]: framework '${entry.id}' has no control '${id}'`,
      );
    }
  }
  const disabled = new Set(entry.disabledControls ?? []);
  const result = {
    id: entry.id,
    title: entry.title ?? known!.title,
    version: entry.version ?? known?.version,
    controls: controls.filter(c => !disabled.has(c.id)),
  };
  if (result.version === undefined) delete result.version;
  if (result.controls.length === 0) {
    throw new Error(
      `Invalid config at ${entry.key}: every control of framework '${entry.id}' is disabled; list it nowhere instead`,
    );
  }
  return parseFramework(result, entry.key);
}
