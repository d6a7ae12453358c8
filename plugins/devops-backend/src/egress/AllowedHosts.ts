import { Config } from '@backstage/config';

const KEY = 'devops.allowedHosts';
const PATTERN = /^(\*\.)?[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:\d{1,5})?$/;

/**
 * The hosts the backend may send requests to on an entity's behalf: the scrape provider's
 * `devops-growth.io/metrics-url` and load tests' `devops-growth.io/load-test-url`. Without
 * `devops.allowedHosts` every host is allowed (the catalog's annotations are then
 * trusted as they are); with it, only matching hosts: `host`, `host:port`, or `*.domain` for any
 * subdomain of `domain`. A pattern without a port matches every port.
 */
export class AllowedHosts {
  static fromConfig(config: Config): AllowedHosts {
    const patterns = config.getOptionalStringArray(KEY);
    if (patterns === undefined) {
      return new AllowedHosts(undefined);
    }
    return new AllowedHosts(
      patterns.map((raw, i) => {
        const pattern = raw.trim().toLowerCase();
        if (!PATTERN.test(pattern)) {
          throw new Error(
            `${KEY}[${i}]: '${raw}' is not a host pattern (host, host:port or *.domain)`,
          );
        }
        const [host, port] = pattern.split(':');
        return { host, port };
      }),
    );
  }

  private constructor(
    private readonly patterns:
      | Array<{ host: string; port?: string }>
      | undefined,
  ) {}

  /** Why the URL may not be requested, or `undefined` when it may. */
  check(url: string): string | undefined {
    if (!this.patterns) return undefined;
    const parsed = new URL(url);
    const hostname = parsed.hostname.toLowerCase();
    const port = parsed.port || (parsed.protocol === 'https:' ? '443' : '80');
    const allowed = this.patterns.some(
      pattern =>
        (pattern.port === undefined || pattern.port === port) &&
        (pattern.host.startsWith('*.')
          ? hostname.endsWith(pattern.host.slice(1))
          : hostname === pattern.host),
    );
    return allowed ? undefined : `host '${parsed.host}' is not in ${KEY}`;
  }
}
