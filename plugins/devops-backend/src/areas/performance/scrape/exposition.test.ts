import fs from 'node:fs';
import path from 'node:path';
import { ExpositionParser, MetricFamily, parseExposition } from './exposition';
import { Gauge, Registry } from 'prom-client';
import { isKeptFamily } from './derive';

const fixture = (name: string) =>
  fs.readFileSync(path.join(__dirname, '__fixtures__', name), 'utf8');

const family = (families: MetricFamily[], name: string) => {
  const found = families.find(f => f.name === name);
  if (!found) throw new Error(`no family ${name}`);
  return found;
};

const value = (
  f: MetricFamily,
  name: string,
  labels: Record<string, string> = {},
) =>
  f.samples.find(
    s =>
      s.name === name &&
      Object.entries(labels).every(([k, v]) => s.labels[k] === v) &&
      Object.keys(s.labels).length === Object.keys(labels).length,
  )?.value;

describe('parseExposition on real output', () => {
  it('reads prom-client 15 (text 0.0.4)', () => {
    const families = parseExposition(fixture('real/prom-client-15.txt'));
    const cpu = family(families, 'process_cpu_seconds_total');
    expect(cpu.type).toBe('counter');
    expect(cpu.help).toBe('Total user and system CPU time spent in seconds.');
    expect(value(cpu, 'process_cpu_seconds_total')).toBe(0.108336);
    expect(
      value(
        family(families, 'process_resident_memory_bytes'),
        'process_resident_memory_bytes',
      ),
    ).toBe(66670592);
    const info = family(families, 'nodejs_version_info');
    expect(info.samples[0].labels).toEqual({
      version: 'v22.23.3',
      major: '22',
      minor: '23',
      patch: '3',
    });
    const http = family(families, 'http_request_duration_seconds');
    expect(http.type).toBe('histogram');
    // 4 series (GET /api/prices 200, GET /fail 503, POST /api/orders 200, GET /missing 404),
    // each 12 buckets + _sum + _count.
    expect(http.samples).toHaveLength(4 * 14);
    const prices = { method: 'GET', route: '/api/prices', status_code: '200' };
    expect(
      value(http, 'http_request_duration_seconds_bucket', {
        le: '0.025',
        ...prices,
      }),
    ).toBe(7);
    expect(
      value(http, 'http_request_duration_seconds_bucket', {
        le: '+Inf',
        ...prices,
      }),
    ).toBe(20);
    expect(value(http, 'http_request_duration_seconds_sum', prices)).toBe(
      0.670946988,
    );
    expect(
      value(http, 'http_request_duration_seconds_count', {
        method: 'GET',
        route: '/fail',
        status_code: '503',
      }),
    ).toBe(3);
  });

  it('reads prom-client 15 in OpenMetrics, with exemplars and # EOF', () => {
    const families = parseExposition(
      fixture('real/prom-client-15-openmetrics.txt'),
    );
    // OpenMetrics declares counters without `_total`; the sample keeps it.
    const cpu = family(families, 'process_cpu_seconds');
    expect(cpu.type).toBe('counter');
    expect(value(cpu, 'process_cpu_seconds_total')).toBe(0.067472);
    expect(families.some(f => f.name === 'process_cpu_seconds_total')).toBe(
      false,
    );
    const http = family(families, 'http_request_duration_seconds');
    // The bucket line carrying the exemplar `# {traceId="trace-3"} 0.024238494 1795643414.145`.
    expect(
      value(http, 'http_request_duration_seconds_bucket', {
        le: '0.025',
        method: 'GET',
        route: '/api/prices',
        status_code: '200',
      }),
    ).toBe(3);
    expect(
      value(http, 'http_request_duration_seconds_count', {
        method: 'GET',
        route: '/fail',
        status_code: '500',
      }),
    ).toBe(1);
  });

  it('reads the Prometheus 2.42 server’s own metrics: exponents, NaN, summaries', () => {
    const families = parseExposition(fixture('real/prometheus-2.42.txt'));
    expect(families.length).toBeGreaterThan(100);
    expect(
      value(
        family(families, 'process_resident_memory_bytes'),
        'process_resident_memory_bytes',
      ),
    ).toBe(46252032);
    expect(
      value(
        family(families, 'process_virtual_memory_max_bytes'),
        'process_virtual_memory_max_bytes',
      ),
    ).toBe(1.8446744073709552e19);
    const query = family(families, 'prometheus_engine_query_duration_seconds');
    expect(query.type).toBe('summary');
    expect(
      value(query, 'prometheus_engine_query_duration_seconds', {
        slice: 'result_sort',
        quantile: '0.5',
      }),
    ).toBeNaN();
    const http = family(families, 'prometheus_http_request_duration_seconds');
    expect(
      value(http, 'prometheus_http_request_duration_seconds_bucket', {
        handler: '/api/v1/query',
        le: '+Inf',
      }),
    ).toBe(10);
    expect(
      value(http, 'prometheus_http_request_duration_seconds_sum', {
        handler: '/metrics',
      }),
    ).toBe(0.007017966);
  });

  it('reads the OpenTelemetry JS Prometheus exporter, with # UNIT and unsuffixed names', () => {
    const families = parseExposition(
      fixture('real/otel-exporter-prometheus-0.301.txt'),
    );
    const stable = family(families, 'http_server_request_duration');
    expect(stable.type).toBe('histogram');
    expect(stable.unit).toBe('s');
    expect(
      value(stable, 'http_server_request_duration_count', {
        http_request_method: 'GET',
        http_route: '/fail',
        http_response_status_code: '502',
        url_scheme: 'http',
        otel_scope_name: 'demo',
      }),
    ).toBe(2);
    const legacy = family(families, 'http_server_duration');
    expect(legacy.unit).toBe('ms');
    expect(
      value(legacy, 'http_server_duration_sum', {
        http_method: 'GET',
        http_route: '/api/prices',
        http_status_code: '200',
        http_scheme: 'http',
        otel_scope_name: 'demo',
      }),
    ).toBe(491.218532);
  });

  it('keeps only the families asked for', () => {
    const families = parseExposition(fixture('real/prometheus-2.42.txt'), {
      keep: isKeptFamily,
    });
    expect(families.map(f => f.name).sort()).toEqual([
      'process_cpu_seconds_total',
      'process_resident_memory_bytes',
    ]);
  });

  it('gives the same result whatever the chunking', () => {
    const text = fixture('real/prom-client-15.txt').replace(/\n/g, '\r\n');
    const whole = parseExposition(text);
    const parser = new ExpositionParser();
    for (let i = 0; i < text.length; i += 7) {
      parser.push(text.slice(i, i + 7));
    }
    expect(parser.end()).toEqual(whole);
    expect(whole).toEqual(parseExposition(fixture('real/prom-client-15.txt')));
  });
});

describe('parseExposition details', () => {
  it('unescapes label values and help text, reads special values and exponents', () => {
    const families = parseExposition(
      [
        '# HELP weird_metric A help with a \\\\ backslash\\nand a newline',
        '# TYPE weird_metric gauge',
        'weird_metric{path="C:\\\\dir",quote="say \\"hi\\"",nl="a\\nb",empty=""} +Inf',
        'weird_metric{path="x",} -Inf 1700000000000',
        '',
        'weird_metric { path = "y" } NaN',
        'weird_metric{path="z"} -1.5E-3',
        'untyped_metric 42',
      ].join('\n'),
    );
    const weird = family(families, 'weird_metric');
    expect(weird.help).toBe('A help with a \\ backslash\nand a newline');
    expect(weird.samples[0].labels).toEqual({
      path: 'C:\\dir',
      quote: 'say "hi"',
      nl: 'a\nb',
      empty: '',
    });
    expect(weird.samples.map(s => s.value)).toEqual([
      Infinity,
      -Infinity,
      NaN,
      -0.0015,
    ]);
    expect(family(families, 'untyped_metric').type).toBe('untyped');
  });

  it('reads NaN and Inf in any letter case, as Prometheus does (prom-client writes Nan)', async () => {
    // A gauge prom-client has no value for: its text output says `Nan`.
    const registry = new Registry();
    // eslint-disable-next-line no-new
    new Gauge({
      name: 'queue_lag_seconds',
      help: 'lag',
      registers: [registry],
      collect() {
        this.set(NaN);
      },
    });
    const text = await registry.metrics();
    expect(text).toContain('queue_lag_seconds Nan');
    expect(
      family(parseExposition(text), 'queue_lag_seconds').samples[0].value,
    ).toBeNaN();
    const values = family(
      parseExposition(
        ['nan', 'NAN', 'inf', '+INF', '-inf', 'Infinity', '-infinity']
          .map(v => `x ${v}`)
          .join('\n'),
      ),
      'x',
    ).samples.map(s => s.value);
    expect(values).toEqual([
      NaN,
      NaN,
      Infinity,
      Infinity,
      -Infinity,
      Infinity,
      -Infinity,
    ]);
    expect(() => parseExposition('x -nan\n')).toThrow(
      /line 1: invalid value "-nan"/,
    );
  });

  it('keeps a label named __proto__ as a label', () => {
    const [f] = parseExposition('m{__proto__="x"} 1');
    expect(Object.keys(f.samples[0].labels)).toEqual(['__proto__']);
    expect(
      Object.getOwnPropertyDescriptor(f.samples[0].labels, '__proto__')?.value,
    ).toBe('x');
    expect(Object.getPrototypeOf(f.samples[0].labels)).toBeNull();
  });
});

describe('parseExposition on hostile input', () => {
  it.each([
    [
      'hostile/html-error-page.html',
      /^line 1: expected a metric name, found "<html>"$/,
    ],
    ['hostile/truncated-prom-client.txt', /^line 175: unterminated label set$/],
    [
      'hostile/unterminated-label-value.txt',
      /^line 3: unterminated value of label "route"$/,
    ],
    ['hostile/invalid-value.txt', /^line 5: invalid value "0,25"$/],
    ['hostile/absurd-line.txt', /^line 2: longer than 65536 characters$/],
  ])('rejects %s with the line number', (name, message) => {
    expect(() => parseExposition(fixture(name))).toThrow(message);
    // The same when only the needed families are kept: their lines are still checked.
    expect(() =>
      parseExposition(fixture(name), { keep: isKeptFamily }),
    ).toThrow(message);
  });

  it('rejects a line too long before its end has arrived', () => {
    const parser = new ExpositionParser({ maxLineLength: 100 });
    parser.push('ok_metric 1\n');
    expect(() => parser.push(`m{a="${'x'.repeat(200)}`)).toThrow(
      'line 2: longer than 100 characters',
    );
  });

  it('rejects more samples than the cap', () => {
    const text = [
      '# TYPE http_request_duration_seconds histogram',
      ...Array.from(
        { length: 20 },
        (_, i) => `http_request_duration_seconds_count{route="/r${i}"} 1`,
      ),
    ].join('\n');
    expect(() =>
      parseExposition(text, { keep: isKeptFamily, maxSamples: 10 }),
    ).toThrow('line 12: more than 10 samples in the metric families read');
    // Families that are not kept do not count.
    expect(() =>
      parseExposition(text.replace(/http_request/g, 'other'), {
        keep: isKeptFamily,
        maxSamples: 10,
      }),
    ).not.toThrow();
  });

  it.each([
    [
      'm 1 2 3',
      'line 1: expected a value and an optional timestamp, found "1 2 3"',
    ],
    ['m 0x1F', 'line 1: invalid value "0x1F"'],
    ['m 1 yesterday', 'line 1: invalid timestamp "yesterday"'],
    ['m{a="1",a="2"} 1', 'line 1: label "a" given twice'],
    ['m{a="\\t"} 1', `line 1: invalid escape sequence '\\t' in label "a"`],
    [
      'm{a="1" b="2"} 1',
      `line 1: expected ',' or '}' after the value of label "a"`,
    ],
    [
      'm{1a="1"} 1',
      'line 1: expected a label name at column 3, found "1a=\\"1\\"} 1"',
    ],
    ['m{a=1} 1', `line 1: expected '"' to open the value of label "a"`],
    ['m', 'line 1: sample "m" has no value'],
    ['# TYPE m histogramm', 'line 1: unknown metric type "histogramm"'],
    ['m 1\n# EOF\nm 2', `line 3: content after '# EOF': "m 2"`],
    ['m 1 # not an exemplar', 'line 1: invalid exemplar "# not an exemplar"'],
  ])('rejects %j', (text, message) => {
    expect(() => parseExposition(text)).toThrow(message);
  });
});
