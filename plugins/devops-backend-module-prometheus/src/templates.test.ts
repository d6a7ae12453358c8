import {
  checkBalance,
  DEFAULT_TEMPLATES,
  renderTemplate,
  validateTemplate,
} from './templates';
import { parseLabelMatchers, isPromDuration } from './promql';

describe('templates', () => {
  it.each(Object.entries(DEFAULT_TEMPLATES))(
    'has valid %s defaults for every metric',
    (_convention, templates) => {
      expect(Object.keys(templates)).toHaveLength(9);
      for (const template of Object.values(templates)) {
        expect(validateTemplate(template)).toEqual([]);
      }
    },
  );

  it('renders the selector inside the braces and the errorRate as 0 when nothing failed', () => {
    expect(
      renderTemplate(DEFAULT_TEMPLATES['prom-client'].errorRate, {
        selector: 'service=~"a|b"',
        groupBy: 'service',
        range: '1m',
      }),
    ).toBe(
      '(sum by (service) (rate(http_request_duration_seconds_count{service=~"a|b",status_code=~"5.."}[1m])) or ' +
        'sum by (service) (rate(http_request_duration_seconds_count{service=~"a|b"}[1m])) * 0) / ' +
        'sum by (service) (rate(http_request_duration_seconds_count{service=~"a|b"}[1m]))',
    );
  });

  it('renders the 401/403 rate as 0 for labelled requests without such a status, absent without the label', () => {
    expect(
      renderTemplate(DEFAULT_TEMPLATES.opentelemetry.authFailureRps, {
        selector: 'service=~"a"',
        groupBy: 'service, env',
        range: '5m',
      }),
    ).toBe(
      'sum by (service, env) (rate(http_server_request_duration_seconds_count{service=~"a",http_response_status_code=~"401|403"}[5m])) or ' +
        'sum by (service, env) (rate(http_server_request_duration_seconds_count{service=~"a",http_response_status_code=~".+"}[5m])) * 0',
    );
    expect(DEFAULT_TEMPLATES['prom-client'].rateLimitedRps).toContain(
      'status_code=~"429"',
    );
  });

  it('ignores brackets inside strings and comments', () => {
    expect(checkBalance('sum(x{a="(", b=\'}\', c=`[`}) # )')).toBeUndefined();
    expect(checkBalance('sum(x{a="\\""})')).toBeUndefined();
    expect(checkBalance('sum(x))')).toBe("unbalanced ')' at character 7");
  });
});

describe('parseLabelMatchers', () => {
  it('accepts every matcher operator and quote style', () => {
    expect(
      parseLabelMatchers(' {app="a\\"b", ns!=\'x\', env=~`prod.*`, k!~"z"} '),
    ).toEqual([
      { label: 'app', op: '=', literal: '"a\\"b"' },
      { label: 'ns', op: '!=', literal: "'x'" },
      { label: 'env', op: '=~', literal: '`prod.*`' },
      { label: 'k', op: '!~', literal: '"z"' },
    ]);
  });

  it.each([
    ['', 'no label matcher given'],
    ['app', 'expected a label matcher'],
    ['app="x" or vector(1)', "expected ',' between label matchers"],
    ['app="x",,b="y"', 'expected a label matcher'],
    ['app="unterminated', 'expected a label matcher'],
    ['1app="x"', 'expected a label matcher'],
  ])('refuses %j', (text, message) => {
    expect(() => parseLabelMatchers(text)).toThrow(message);
  });
});

describe('isPromDuration', () => {
  it.each(['5m', '1h30m', '90s', '500ms', '1y2w3d4h5m6s7ms'])('accepts %s', d =>
    expect(isPromDuration(d)).toBe(true),
  );
  it.each(['', '5', 'm', '5 m', '30m1h', '0s', '-5m', '1.5h'])(
    'refuses %j',
    d => expect(isPromDuration(d)).toBe(false),
  );
});
