import { CustomErrorBase, InputError } from '@backstage/errors';
import { Request } from 'express';
import { createGunzip } from 'node:zlib';
import { Readable } from 'node:stream';

/** 413: the body is larger than `devops.reports.maxBodySize`. */
export class PayloadTooLargeError extends CustomErrorBase {
  name = 'PayloadTooLargeError' as const;
  statusCode = 413;
}

function describe(bytes: number) {
  return bytes >= 1024 ** 2
    ? `${Math.round((bytes / 1024 ** 2) * 10) / 10} MB`
    : `${Math.round(bytes / 1024)} kB`;
}

/**
 * The request body as a stream of chunks, decompressed when `Content-Encoding: gzip`, failing with
 * 413 as soon as more than `limit` bytes (compressed or not) arrive. Counts the bytes read.
 */
export function requestBody(req: Request, limit: number) {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    throw new PayloadTooLargeError(
      `Report body of ${describe(declared)} exceeds the limit of ${describe(
        limit,
      )} (devops.reports.maxBodySize)`,
    );
  }
  const encoding = (
    req.headers['content-encoding'] ?? 'identity'
  ).toLowerCase();
  if (encoding !== 'identity' && encoding !== 'gzip') {
    throw new InputError(
      `Unsupported Content-Encoding '${encoding}': send the report as is or gzip-compressed`,
    );
  }
  const state = { bytes: 0 };
  const source: Readable = encoding === 'gzip' ? req.pipe(createGunzip()) : req;
  if (encoding === 'gzip') {
    req.on('error', e => source.destroy(e));
  }

  async function* chunks(): AsyncGenerator<Buffer> {
    try {
      // Leave the request open when the parser stops early: the error response still has to go out.
      for await (const chunk of source.iterator({ destroyOnReturn: false })) {
        const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk);
        state.bytes += buf.length;
        if (state.bytes > limit) {
          throw new PayloadTooLargeError(
            `Report body exceeds the limit of ${describe(
              limit,
            )} (devops.reports.maxBodySize)`,
          );
        }
        yield buf;
      }
    } catch (error) {
      if ((error as { code?: string }).code?.startsWith('Z_')) {
        throw new InputError(
          `The gzip-compressed body is corrupt: ${(error as Error).message}`,
        );
      }
      throw error;
    } finally {
      if (!req.complete) {
        // Discard the rest of a body we gave up on.
        req.unpipe();
        req.resume();
      }
    }
  }

  return { chunks: chunks(), state };
}

/** An uploaded body being read: its chunks, and how many bytes have arrived. */
export type RequestBody = ReturnType<typeof requestBody>;
