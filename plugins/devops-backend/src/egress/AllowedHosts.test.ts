import { ConfigReader } from '@backstage/config';
import { specialRangeOf } from './addressRanges';
import { AllowedHosts, HostResolver, pinnedLookup } from './AllowedHosts';

/** A DNS of the test's own: names map to fixed addresses; every other name is NXDOMAIN. */
function fakeDns(records: Record<string, string[]>): HostResolver & {
  asked: string[];
} {
  const asked: string[] = [];
  const resolve = async (hostname: string) => {
    asked.push(hostname);
    const addresses = records[hostname];
    if (!addresses) {
      throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), {
        code: 'ENOTFOUND',
      });
    }
    return addresses.map(address => ({
      address,
      family: address.includes(':') ? 6 : 4,
    }));
  };
  return Object.assign(resolve, { asked });
}

const hosts = (allowedHosts?: unknown, resolve?: HostResolver) =>
  AllowedHosts.fromConfig(
    new ConfigReader(
      allowedHosts === undefined ? {} : { devops: { allowedHosts } },
    ),
    { resolve },
  );

describe('AllowedHosts', () => {
  it('denies every entity-declared host when devops.allowedHosts is not set, naming the line to add', async () => {
    const dns = fakeDns({ 'metrics.example.com': ['93.184.216.34'] });
    const unset = hosts(undefined, dns);
    expect(unset.check('http://metrics.example.com:9100/metrics')).toBe(
      "host 'metrics.example.com:9100' may not be requested: devops.allowedHosts is not set, and without it the backend requests no host a catalog entity declares. Allow it with this line in app-config.yaml: devops: { allowedHosts: ['metrics.example.com:9100'] }",
    );
    expect(unset.check('https://169.254.169.254/latest/meta-data/')).toContain(
      "devops: { allowedHosts: ['169.254.169.254'] }",
    );
    await expect(
      unset.resolve('http://metrics.example.com:9100/metrics'),
    ).rejects.toThrow('devops.allowedHosts is not set');
    // Refused before any lookup.
    expect(dns.asked).toEqual([]);
  });

  it('matches hosts, ports and subdomains', () => {
    const allowed = hosts([
      'localhost:7090',
      '*.svc.example.com',
      'metrics.example.org',
    ]);
    expect(allowed.check('http://localhost:7090/metrics')).toBeUndefined();
    expect(allowed.check('http://localhost.:7090/metrics')).toBeUndefined();
    expect(allowed.check('http://localhost:8080/metrics')).toBe(
      "host 'localhost:8080' is not in devops.allowedHosts; add 'localhost:8080' to it to allow it",
    );
    expect(
      allowed.check('https://checkout.svc.example.com/metrics'),
    ).toBeUndefined();
    expect(allowed.check('https://svc.example.com/metrics')).toBeDefined();
    expect(allowed.check('https://evil-svc.example.com/metrics')).toBeDefined();
    expect(allowed.check('http://METRICS.example.org:9100/m')).toBeUndefined();
    expect(allowed.check('http://169.254.169.254/latest')).toBeDefined();
    expect(allowed.check('ftp://localhost:7090/')).toBe(
      'only http and https URLs are requested, not ftp:',
    );
  });

  it('classifies loopback, private, link-local, CGNAT, metadata and IPv4-mapped addresses', () => {
    const kinds = (addresses: string[]) =>
      addresses.map(a => specialRangeOf(a)?.kind.split(' ')[1] ?? 'public');
    expect(
      kinds([
        '127.0.0.1',
        '::1',
        '::ffff:127.0.0.1',
        '10.0.0.5',
        '172.16.0.1',
        '172.31.255.255',
        '192.168.1.1',
        'fd12::1',
        '::ffff:a00:5',
        '169.254.169.254',
        'fe80::1',
        '::ffff:a9fe:a9fe',
        '100.64.0.1',
        '0.0.0.0',
        '::',
        'fd00:ec2::254',
        '168.63.129.16',
        '64:ff9b::a00:5',
      ]),
    ).toEqual([
      'loopback',
      'loopback',
      'loopback',
      'private',
      'private',
      'private',
      'private',
      'private',
      'private',
      'link-local',
      'link-local',
      'link-local',
      'shared',
      'unspecified',
      'unspecified',
      'cloud',
      'cloud',
      'IPv6',
    ]);
    expect(
      kinds(['8.8.8.8', '172.32.0.1', '::ffff:8.8.8.8', '2606:4700::1111']),
    ).toEqual(['public', 'public', 'public', 'public']);
  });

  it('admits a name matched by *.domain only at its public addresses', async () => {
    const dns = fakeDns({
      'web.svc.example.com': ['93.184.216.34'],
      'internal.svc.example.com': ['10.0.0.5'],
      'sneaky.svc.example.com': ['::ffff:10.0.0.5'],
      'both.svc.example.com': ['10.0.0.6', '93.184.216.35'],
      'metadata.svc.example.com': ['169.254.169.254'],
    });
    const allowed = hosts(['*.svc.example.com'], dns);
    await expect(
      allowed.resolve('http://web.svc.example.com/metrics'),
    ).resolves.toMatchObject({ address: '93.184.216.34', port: 80 });
    // Resolve once, connect to checked addresses only: the public one of the two.
    await expect(
      allowed.resolve('http://both.svc.example.com/metrics'),
    ).resolves.toMatchObject({
      address: '93.184.216.35',
      addresses: [{ address: '93.184.216.35', family: 4 }],
    });
    await expect(
      allowed.resolve('http://internal.svc.example.com:9100/metrics'),
    ).rejects.toThrow(
      "'internal.svc.example.com' resolves to a private address, which only an exact host entry ('internal.svc.example.com' or 'internal.svc.example.com:9100', not *.domain) or an IP/CIDR entry in devops.allowedHosts admits",
    );
    await expect(
      allowed.resolve('http://sneaky.svc.example.com/metrics'),
    ).rejects.toThrow('resolves to a private address');
    const metadata = allowed.resolve('http://metadata.svc.example.com/');
    await expect(metadata).rejects.toThrow(
      "'metadata.svc.example.com' resolves to a link-local address (where cloud metadata services answer), which only an IP or CIDR entry in devops.allowedHosts naming it admits",
    );
    // The error never names the resolved address.
    await expect(metadata).rejects.not.toThrow('169.254');
  });

  it('admits private addresses by an exact host entry or an IP/CIDR entry, link-local only by an IP entry', async () => {
    const dns = fakeDns({
      localhost: ['127.0.0.1'],
      'metrics.internal': ['10.0.0.5'],
      'metadata.google.internal': ['169.254.169.254'],
      'nowhere.internal': ['93.184.216.34'],
    });
    const allowed = hosts(
      [
        'localhost:7090',
        'metadata.google.internal',
        '10.0.0.0/8',
        '[::1]:7090',
        '169.254.170.2',
      ],
      dns,
    );
    await expect(
      allowed.resolve('http://localhost:7090/metrics'),
    ).resolves.toMatchObject({ address: '127.0.0.1', hostname: 'localhost' });
    await expect(
      allowed.resolve('http://metrics.internal:9100/metrics'),
    ).resolves.toMatchObject({ address: '10.0.0.5' });
    await expect(
      allowed.resolve('http://[::1]:7090/metrics'),
    ).resolves.toMatchObject({ address: '::1', family: 6 });
    await expect(
      allowed.resolve('http://169.254.170.2/v2/metadata'),
    ).resolves.toMatchObject({ address: '169.254.170.2' });
    // An exact name does not vouch for a link-local address.
    await expect(
      allowed.resolve('http://metadata.google.internal/computeMetadata/v1/'),
    ).rejects.toThrow('only an IP or CIDR entry');
    // Literal addresses are matched by IP entries only.
    await expect(
      allowed.resolve('http://127.0.0.1:7090/metrics'),
    ).rejects.toThrow(
      "host '127.0.0.1:7090' is not in devops.allowedHosts; add '127.0.0.1:7090' to it to allow it",
    );
    await expect(
      allowed.resolve('http://169.254.169.254/latest/meta-data/'),
    ).rejects.toThrow("host '169.254.169.254' is not in devops.allowedHosts");
    // WHATWG URL normalises other spellings of an address before the check.
    await expect(allowed.resolve('http://0x7f.1:7090/')).rejects.toThrow(
      "host '127.0.0.1:7090' is not in devops.allowedHosts",
    );
    // A CIDR entry admits a name by its address: a public one outside it is refused.
    await expect(allowed.resolve('http://nowhere.internal/')).rejects.toThrow(
      "host 'nowhere.internal' is not in devops.allowedHosts",
    );
  });

  it('says when a listed name does not resolve', async () => {
    const allowed = hosts(['metrics.example.com'], fakeDns({}));
    await expect(
      allowed.resolve('http://metrics.example.com/metrics'),
    ).rejects.toThrow(
      "host 'metrics.example.com' could not be resolved (ENOTFOUND)",
    );
  });

  it('refuses a pattern that is not a host at start-up, naming the key', () => {
    expect(() => hosts(['localhost', 'http://x.example.com'])).toThrow(
      "devops.allowedHosts[1]: 'http://x.example.com' is not a host pattern",
    );
    for (const bad of ['10.0.0.0/33', 'localhost:99999', '[localhost]:80']) {
      expect(() => hosts([bad])).toThrow(`devops.allowedHosts[0]: '${bad}'`);
    }
  });
});

describe('pinnedLookup', () => {
  it('answers the checked addresses for the checked host, and nothing for another', async () => {
    const allowed = AllowedHosts.fromConfig(
      new ConfigReader({ devops: { allowedHosts: ['localhost:7090'] } }),
      {
        resolve: async () => [
          { address: '::1', family: 6 },
          { address: '127.0.0.1', family: 4 },
        ],
      },
    );
    const target = await allowed.resolve('http://localhost:7090/metrics');
    const lookup = pinnedLookup(target) as unknown as (
      hostname: string,
      options: { all?: boolean },
      callback: (...args: unknown[]) => void,
    ) => void;
    const ask = (hostname: string, all: boolean) =>
      new Promise<unknown[]>(resolve =>
        lookup(hostname, { all }, (...args) => resolve(args)),
      );
    expect(await ask('localhost', true)).toEqual([
      null,
      [
        { address: '::1', family: 6 },
        { address: '127.0.0.1', family: 4 },
      ],
    ]);
    expect(await ask('LOCALHOST.', false)).toEqual([null, '::1', 6]);
    const [error] = await ask('evil.example.com', false);
    expect(String(error)).toContain('not the checked host');
  });
});
