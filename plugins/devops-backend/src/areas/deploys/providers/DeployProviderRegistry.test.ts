import { DeployProvider } from '@devops-growth/backstage-plugin-devops-node';
import { DeployProviderRegistry } from './DeployProviderRegistry';

function provider(
  id: string,
  strategies: DeployProvider['strategies'] = ['rolling'],
): DeployProvider {
  return {
    id,
    strategies,
    resumable: false,
    deploy: async () => {},
    rollback: async () => {},
    status: async () => ({ version: null, healthy: true }),
  };
}

describe('DeployProviderRegistry', () => {
  it('finds providers by id and lists the ids in registration order', () => {
    const registry = new DeployProviderRegistry();
    const command = provider('command');
    const argo = provider('argo-cd', ['canary']);
    registry.add(command);
    registry.add(argo);
    expect(registry.get('command')).toBe(command);
    expect(registry.get('argo-cd')).toBe(argo);
    expect(registry.get('kubernetes')).toBeUndefined();
    expect(registry.ids()).toEqual(['command', 'argo-cd']);
  });

  it('refuses a second provider with the same id, naming it, and keeps the first', () => {
    const registry = new DeployProviderRegistry();
    const first = provider('command');
    registry.add(first);
    expect(() => registry.add(provider('command'))).toThrow(
      "Deploy provider 'command' is registered twice: each provider id must be unique (is a module installed twice?)",
    );
    expect(() =>
      new DeployProviderRegistry().add(provider('helm'), provider('helm')),
    ).toThrow("Deploy provider 'helm' is registered twice");
    expect(registry.get('command')).toBe(first);
  });

  it('refuses a malformed id and a provider without strategies', () => {
    const registry = new DeployProviderRegistry();
    expect(() => registry.add(provider('Command'))).toThrow(
      "Deploy provider id 'Command' is invalid: use 1-63 lower-case letters, digits and dashes",
    );
    expect(() => registry.add(provider('a b'))).toThrow('is invalid');
    expect(() => registry.add(provider('empty', []))).toThrow(
      "Deploy provider 'empty' supports no strategy",
    );
    expect(registry.ids()).toEqual([]);
  });
});
