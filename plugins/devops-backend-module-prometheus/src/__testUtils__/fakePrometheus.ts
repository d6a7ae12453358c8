import { createServer, IncomingMessage, Server } from 'node:http';
import { AddressInfo } from 'node:net';

/** A request the fake server received. */
export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  /** The form-encoded body's fields. */
  form: Record<string, string>;
}

/** What the fake answers: a JSON body (object), a raw body (string), optionally delayed. */
export interface FakeAnswer {
  status?: number;
  body: object | string;
  delayMs?: number;
}

/**
 * A local HTTP server that answers like the Prometheus HTTP API (`POST /api/v1/query`) and
 * records every request. `answer` decides the response to each query.
 */
export async function startFakePrometheus(
  answer: (query: string, request: RecordedRequest) => FakeAnswer,
): Promise<{
  baseUrl: string;
  requests: RecordedRequest[];
  setAnswer(next: typeof answer): void;
  close(): Promise<void>;
}> {
  const requests: RecordedRequest[] = [];
  let current = answer;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', c => chunks.push(c));
    req.on('end', () => {
      const form = Object.fromEntries(
        new URLSearchParams(Buffer.concat(chunks).toString('utf8')),
      );
      const recorded: RecordedRequest = {
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        form,
      };
      requests.push(recorded);
      if (req.method !== 'POST' || req.url !== '/api/v1/query') {
        res.writeHead(404, { 'content-type': 'text/plain' });
        res.end('404 page not found');
        return;
      }
      const {
        status = 200,
        body,
        delayMs = 0,
      } = current(form.query ?? '', recorded);
      const timer = setTimeout(() => {
        const text = typeof body === 'string' ? body : JSON.stringify(body);
        res.writeHead(status, {
          'content-type':
            typeof body === 'string' ? 'text/plain' : 'application/json',
        });
        res.end(text);
      }, delayMs);
      res.on('close', () => clearTimeout(timer));
    });
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    requests,
    setAnswer(next) {
      current = next;
    },
    close: () =>
      new Promise<void>(resolve => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A successful instant-vector response. */
export function vector(
  result: { metric: Record<string, string>; value: number | string }[],
): FakeAnswer {
  return {
    body: {
      status: 'success',
      data: {
        resultType: 'vector',
        result: result.map(r => ({
          metric: r.metric,
          value: [1700000000, String(r.value)],
        })),
      },
    },
  };
}

/** Which metric a query of the default prom-client templates is for. */
export function metricOf(query: string): string {
  if (query.includes('histogram_quantile(0.5,')) return 'p50Ms';
  if (query.includes('histogram_quantile(0.95,')) return 'p95Ms';
  if (query.includes('histogram_quantile(0.99,')) return 'p99Ms';
  if (query.includes('=~"401|403"')) return 'authFailureRps';
  if (query.includes('=~"429"')) return 'rateLimitedRps';
  if (query.includes('=~"5.."')) return 'errorRate';
  if (query.includes('process_cpu_seconds_total')) return 'cpuCores';
  if (query.includes('process_resident_memory_bytes')) return 'memoryBytes';
  return 'throughput';
}

/** The service names of a `service=~"a|b"` matcher, unescaped (PromQL string, then regex). */
export function servicesOf(query: string, label = 'service'): string[] {
  const match = new RegExp(`${label}=~"((?:[^"\\\\]|\\\\.)*)"`).exec(query);
  if (!match) return [];
  const regex = match[1].replace(/\\(.)/g, '$1');
  return regex.split('|').map(n => n.replace(/\\(.)/g, '$1'));
}
