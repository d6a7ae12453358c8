import { PrometheusInstance } from './config';

/** One element of an instant vector, its value parsed (`null` for NaN and infinities). */
export interface VectorElement {
  metric: Record<string, string>;
  value: number | null;
}

/** Parses a Prometheus sample value; NaN, +Inf and -Inf become `null`. */
export function parseSampleValue(text: unknown): number | null {
  if (typeof text !== 'string') {
    return null;
  }
  const value = Number(text);
  return Number.isFinite(value) ? value : null;
}

function formatMs(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}

/**
 * Runs an instant query with `POST /api/v1/query` (form-encoded, so long queries fit) and returns
 * the vector. Throws an `Error` whose message says what went wrong (without the instance's name;
 * the caller adds it).
 */
export async function queryVector(options: {
  instance: PrometheusInstance;
  query: string;
  time: Date;
  /** Aborts the request; its reason is used in the message when it is an `Error`. */
  signal: AbortSignal;
}): Promise<VectorElement[]> {
  const { instance, query, time } = options;
  const timeout = AbortSignal.timeout(instance.timeoutMs);
  const signal = AbortSignal.any([options.signal, timeout]);
  const url = `${instance.baseUrl}/api/v1/query`;

  let response: Response;
  let text: string;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: {
        ...instance.headers,
        'content-type': 'application/x-www-form-urlencoded',
        accept: 'application/json',
      },
      body: new URLSearchParams({
        query,
        time: (time.getTime() / 1000).toFixed(3),
      }).toString(),
      signal,
    });
    text = await response.text();
  } catch (error) {
    if (timeout.aborted) {
      throw new Error(
        `POST ${url} timed out after ${formatMs(instance.timeoutMs)}`,
      );
    }
    if (options.signal.aborted) {
      const reason = options.signal.reason;
      throw new Error(
        `POST ${url} was aborted${
          reason instanceof Error && reason.message ? `: ${reason.message}` : ''
        }`,
      );
    }
    const cause = (error as { cause?: { code?: string; message?: string } })
      .cause;
    throw new Error(
      `POST ${url} failed: ${
        cause?.code ?? cause?.message ?? (error as Error).message
      }`,
    );
  }

  let body: any;
  try {
    body = JSON.parse(text);
  } catch {
    throw new Error(
      `POST ${url} answered HTTP ${
        response.status
      } with a body that is not JSON: ${snippet(text)}`,
    );
  }
  if (body?.status === 'error') {
    throw new Error(
      `query failed with HTTP ${response.status}, ${
        body.errorType ?? 'error'
      }: ${body.error ?? 'no message'}`,
    );
  }
  if (!response.ok) {
    throw new Error(`POST ${url} answered HTTP ${response.status}`);
  }
  if (body?.status !== 'success' || typeof body.data !== 'object') {
    throw new Error(
      `POST ${url} answered JSON that is not a Prometheus API response: ${snippet(
        text,
      )}`,
    );
  }
  if (body.data.resultType !== 'vector') {
    throw new Error(
      `query returned a ${String(
        body.data.resultType,
      )} where an instant vector was expected`,
    );
  }
  if (!Array.isArray(body.data.result)) {
    throw new Error(`query returned a vector without a result array`);
  }
  return body.data.result.map((element: any) => ({
    metric:
      element && typeof element.metric === 'object' && element.metric
        ? element.metric
        : {},
    value: parseSampleValue(
      Array.isArray(element?.value) ? element.value[1] : undefined,
    ),
  }));
}

function snippet(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (!flat) {
    return '(empty)';
  }
  return flat.length > 120 ? `'${flat.slice(0, 120)}…'` : `'${flat}'`;
}
