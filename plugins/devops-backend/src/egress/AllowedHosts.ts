import { lookup as dnsLookup } from 'node:dns/promises';
import { BlockList, isIP, LookupFunction } from 'node:net';
import { familyOf, specialRangeOf } from './addressRanges';
import { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';

const KEY = 'devops.allowedHosts';
const NAME = /^(\*\.)?[a-z0-9]([a-z0-9.-]*[a-z0-9])?$/;
const PORT = /^\d{1,5}$/;

/** Resolves a host name to all its addresses (`dns.lookup` with `all: true` by default). */
export type HostResolver = (
  hostname: string,
) => Promise<Array<{ address: string; family: number }>>;

type Pattern =
  | {
      raw: string;
      type: 'name';
      host: string;
      wildcard: boolean;
      port?: string;
    }
  | { raw: string; type: 'address'; list: BlockList; port?: string };

function parsePattern(raw: string, index: number): Pattern {
  const text = raw.trim().toLowerCase();
  const invalid = () =>
    new Error(
      `${KEY}[${index}]: '${raw}' is not a host pattern (host, host:port, *.domain, an IP address such as 10.0.0.5, 10.0.0.5:9100 or [fd00::5]:9100, or a CIDR range such as 10.0.0.0/8)`,
    );
  const cidr = /^([^/]+)\/(\d{1,3})$/.exec(text);
  if (cidr) {
    const family = isIP(cidr[1]);
    const prefix = Number(cidr[2]);
    if (!family || prefix > (family === 4 ? 32 : 128)) throw invalid();
    const list = new BlockList();
    list.addSubnet(cidr[1], prefix, family === 4 ? 'ipv4' : 'ipv6');
    return { raw, type: 'address', list };
  }
  let host = text;
  let port: string | undefined;
  const bracketed = /^\[([^\]]+)\](?::(\d{1,5}))?$/.exec(text);
  if (bracketed) {
    [, host, port] = bracketed;
    if (isIP(host) !== 6) throw invalid();
  } else if (isIP(text) !== 6) {
    const colon = text.lastIndexOf(':');
    if (colon >= 0) {
      host = text.slice(0, colon);
      port = text.slice(colon + 1);
      if (!PORT.test(port)) throw invalid();
    }
  }
  if (port !== undefined && Number(port) > 65535) throw invalid();
  if (isIP(host)) {
    const list = new BlockList();
    list.addAddress(host, familyOf(host));
    return { raw, type: 'address', list, port };
  }
  if (!NAME.test(host)) throw invalid();
  const wildcard = host.startsWith('*.');
  return {
    raw,
    type: 'name',
    host: wildcard ? host.slice(1) : host,
    wildcard,
    port,
  };
}

/** An admitted request target: the URL and the one checked address to connect to. */
export interface EgressTarget {
  url: URL;
  /** The URL's host name, without brackets or a trailing dot. */
  hostname: string;
  port: number;
  /** The first checked address; connect to checked addresses only. */
  address: string;
  family: 4 | 6;
  /** Every address of the host the list admits, in resolver order (`address` first). */
  addresses: Array<{ address: string; family: 4 | 6 }>;
}

/**
 * The hosts the backend may send requests to on an entity's behalf: the scrape provider's
 * `devops-growth.io/metrics-url`, load tests' `devops-growth.io/load-test-url` and, later,
 * deploy providers. Any catalog author can write those annotations, so:
 *
 * - Deny by default: without `devops.allowedHosts` no entity-declared host is reachable.
 * - Entries: `host`, `host:port`, `*.domain` (any subdomain of `domain`), an IP address
 *   (`10.0.0.5`, `10.0.0.5:9100`, `[fd00::5]:9100`, `::1`) or a CIDR range (`10.0.0.0/8`, any
 *   port). An entry without a port matches every port.
 * - The address is checked after DNS resolution, and the connection goes to that checked
 *   address ({@link EgressTarget.address}, pinned with {@link pinnedLookup}): no second lookup,
 *   no DNS-rebinding window.
 * - A host-name entry admits the name's public addresses. Loopback, private (10/8, 172.16/12,
 *   192.168/16, fc00::/7) and CGNAT (100.64/10) addresses are admitted by an exact host-name entry
 *   (`localhost:7090`, not `*.example.com`) or an IP/CIDR entry containing them. Link-local
 *   (169.254/16, fe80::/10), cloud metadata, unspecified, reserved, multicast and IPv4-embedding
 *   IPv6 addresses are admitted only by an IP/CIDR entry containing them. IPv4-mapped IPv6 forms
 *   count as their IPv4 address.
 */
export class AllowedHosts {
  static fromConfig(
    config: Config,
    options: { resolve?: HostResolver } = {},
  ): AllowedHosts {
    const patterns = config.getOptionalStringArray(KEY);
    return new AllowedHosts(
      patterns?.map(parsePattern),
      options.resolve ??
        (hostname => dnsLookup(hostname, { all: true, order: 'verbatim' })),
    );
  }

  private constructor(
    private readonly patterns: Pattern[] | undefined,
    private readonly resolver: HostResolver,
  ) {}

  /**
   * Why the URL may not be requested, or `undefined` when it may be, pending the address check
   * of {@link AllowedHosts.resolve}. Sends nothing and resolves nothing.
   */
  check(url: string): string | undefined {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return 'not a URL';
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
      return `only http and https URLs are requested, not ${parsed.protocol}`;
    }
    const { hostname, port } = this.split(parsed);
    const display = `${parsed.host}`;
    if (!this.patterns) {
      return `host '${display}' may not be requested: ${KEY} is not set, and without it the backend requests no host a catalog entity declares. Allow it with this line in app-config.yaml: devops: { allowedHosts: ['${this.suggestion(
        parsed,
      )}'] }`;
    }
    const literal = isIP(hostname) !== 0;
    const possible = this.patterns.some(pattern =>
      pattern.type === 'name'
        ? !literal && this.nameMatches(pattern, hostname, port)
        : portMatches(pattern.port, port) &&
          (!literal || pattern.list.check(hostname, familyOf(hostname))),
    );
    return possible
      ? undefined
      : `host '${display}' is not in ${KEY}; add '${this.suggestion(
          parsed,
        )}' to it to allow it`;
  }

  /**
   * Checks the URL, resolves its host once and returns the addresses the list admits; the caller
   * connects to those only. Throws an `InputError` saying why otherwise (never
   * naming the resolved addresses, which are the operator's to know).
   */
  async resolve(url: string): Promise<EgressTarget> {
    const refused = this.check(url);
    if (refused) throw new InputError(refused);
    const parsed = new URL(url);
    const { hostname, port } = this.split(parsed);
    let addresses: Array<{ address: string; family: number }>;
    if (isIP(hostname)) {
      addresses = [{ address: hostname, family: isIP(hostname) }];
    } else {
      try {
        addresses = await this.resolver(hostname);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        throw new InputError(
          `host '${hostname}' could not be resolved${code ? ` (${code})` : ''}`,
        );
      }
    }
    const refusals = new Set<string>();
    const admitted: EgressTarget['addresses'] = [];
    for (const { address } of addresses) {
      const refusal = this.refusal(address, hostname, port);
      if (refusal) refusals.add(refusal);
      else admitted.push({ address, family: isIP(address) === 6 ? 6 : 4 });
    }
    if (admitted.length > 0) {
      return {
        url: parsed,
        hostname,
        port,
        ...admitted[0],
        addresses: admitted,
      };
    }
    if (refusals.size === 0) {
      throw new InputError(`host '${hostname}' resolved to no address`);
    }
    throw new InputError([...refusals].join('; '));
  }

  /** Why `address`, resolved from `hostname`, may not be connected to. */
  private refusal(
    address: string,
    hostname: string,
    port: number,
  ): string | undefined {
    const patterns = this.patterns ?? [];
    if (
      patterns.some(
        p =>
          p.type === 'address' &&
          portMatches(p.port, port) &&
          p.list.check(address, familyOf(address)),
      )
    ) {
      return undefined;
    }
    const literal = isIP(hostname) !== 0;
    const names = literal
      ? []
      : patterns.filter(
          (p): p is Extract<Pattern, { type: 'name' }> =>
            p.type === 'name' && this.nameMatches(p, hostname, port),
        );
    const special = specialRangeOf(address);
    if (!special) {
      return names.length > 0
        ? undefined
        : `host '${hostname}' is not in ${KEY}`;
    }
    if (special.byName && names.some(p => !p.wildcard)) return undefined;
    const subject = literal ? `${hostname} is` : `'${hostname}' resolves to`;
    return special.byName
      ? `${subject} ${special.kind}, which only an exact host entry ('${hostname}' or '${hostname}:${port}', not *.domain) or an IP/CIDR entry in ${KEY} admits`
      : `${subject} ${special.kind}, which only an IP or CIDR entry in ${KEY} naming it admits`;
  }

  private nameMatches(
    pattern: Extract<Pattern, { type: 'name' }>,
    hostname: string,
    port: number,
  ) {
    return (
      portMatches(pattern.port, port) &&
      (pattern.wildcard
        ? hostname.endsWith(pattern.host) &&
          hostname.length > pattern.host.length
        : hostname === pattern.host)
    );
  }

  private split(url: URL): { hostname: string; port: number } {
    let hostname = url.hostname.toLowerCase();
    if (hostname.startsWith('[')) hostname = hostname.slice(1, -1);
    if (hostname.endsWith('.')) hostname = hostname.slice(0, -1);
    const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
    return { hostname, port };
  }

  private suggestion(url: URL) {
    return url.port ? url.host : url.hostname;
  }
}

function portMatches(patternPort: string | undefined, port: number) {
  return patternPort === undefined || Number(patternPort) === port;
}

/**
 * A `lookup` for `http.request`/`net.connect` that answers the checked addresses only: the
 * socket connects where {@link AllowedHosts.resolve} looked, never to a second resolution's
 * answer. Asked for all addresses (Node's happy-eyeballs connect), it gives every admitted one,
 * so a `localhost` that resolves to ::1 and 127.0.0.1 reaches a service on either.
 */
export function pinnedLookup(target: EgressTarget): LookupFunction {
  return ((
    hostname: string,
    options: { all?: boolean },
    callback: (...args: unknown[]) => void,
  ) => {
    const normalised = hostname.toLowerCase().replace(/\.$/, '');
    if (normalised !== target.hostname) {
      callback(
        new Error(`refusing to resolve '${hostname}': not the checked host`),
      );
    } else if (options?.all) {
      callback(null, target.addresses);
    } else {
      callback(null, target.address, target.family);
    }
  }) as unknown as LookupFunction;
}
