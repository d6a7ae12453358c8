import { ConfigReader } from '@backstage/config';
import { AllowedHosts } from './AllowedHosts';

const hosts = (allowedHosts?: unknown) =>
  AllowedHosts.fromConfig(
    new ConfigReader(
      allowedHosts === undefined ? {} : { devops: { allowedHosts } },
    ),
  );

describe('AllowedHosts', () => {
  it('allows every host when nothing is configured', () => {
    expect(hosts().check('http://169.254.169.254/latest')).toBeUndefined();
  });

  it('allows only matching hosts, ports and subdomains when configured', () => {
    const allowed = hosts([
      'localhost:7090',
      '*.svc.example.com',
      'metrics.example.org',
    ]);
    expect(allowed.check('http://localhost:7090/metrics')).toBeUndefined();
    expect(allowed.check('http://localhost:8080/metrics')).toBe(
      "host 'localhost:8080' is not in devops.allowedHosts",
    );
    expect(
      allowed.check('https://checkout.svc.example.com/metrics'),
    ).toBeUndefined();
    expect(allowed.check('https://svc.example.com/metrics')).toBeDefined();
    expect(allowed.check('https://evil-svc.example.com/metrics')).toBeDefined();
    expect(allowed.check('http://METRICS.example.org:9100/m')).toBeUndefined();
    expect(allowed.check('http://169.254.169.254/latest')).toBeDefined();
  });

  it('refuses a pattern that is not a host at start-up, naming the key', () => {
    expect(() => hosts(['localhost', 'http://x.example.com'])).toThrow(
      "devops.allowedHosts[1]: 'http://x.example.com' is not a host pattern (host, host:port or *.domain)",
    );
  });
});
