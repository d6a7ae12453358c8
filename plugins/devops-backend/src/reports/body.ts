import { CustomErrorBase, InputError } from '@backstage/errors';
import { describeByteSize } from '@devops-growth/backstage-plugin-devops-node';
import busboy from 'busboy';
import { Request } from 'express';
import { Readable, Transform } from 'node:stream';
import { createGunzip } from 'node:zlib';

/** 413: the body is larger than `devops.reports.maxBodySize`. */
export class PayloadTooLargeError extends CustomErrorBase {
  name = 'PayloadTooLargeError' as const;
  statusCode = 413;
}

const MULTIPART_EXPECTED =
  "a multipart/form-data upload must hold exactly one file part and nothing else (curl -F 'file=@lcov.info')";

/** Per request: settles when the whole multipart body was read, rejecting on a wrong shape. */
const multipartDone = new WeakMap<Request, Promise<void>>();

/** An uploaded body being read: its chunks, and how many bytes of the report have arrived. */
export interface RequestBody {
  chunks: AsyncGenerator<Buffer>;
  state: { bytes: number };
}

/**
 * The report in a request, as a stream of chunks, however it was sent: the raw body (optionally
 * `Content-Encoding: gzip`), or the single file part of a `multipart/form-data` body
 * (`curl -F file=@lcov.info`; a gzip-compressed file part is recognised by its magic bytes).
 * Fails with 413 as soon as more than `limit` bytes arrive, declared or streamed, compressed or
 * not, and with 400 for any other multipart shape. Counts the report's bytes.
 */
export function requestBody(req: Request, limit: number): RequestBody {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    throw new PayloadTooLargeError(
      `Report body of ${describeByteSize(
        declared,
      )} exceeds the limit of ${describeByteSize(
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
  let source: Readable = req;
  if (encoding === 'gzip') {
    source = req.pipe(createGunzip());
    req.on('error', e => source.destroy(e));
  }
  const multipart = /^multipart\/form-data\b/i.test(
    req.headers['content-type'] ?? '',
  );
  const state = { bytes: 0 };

  async function* chunks(): AsyncGenerator<Buffer> {
    try {
      const report = multipart ? singleFilePart(req, source, limit) : source;
      // Leave the request open when the parser stops early: the error response still has to go out.
      for await (const chunk of report.iterator({ destroyOnReturn: false })) {
        const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk);
        state.bytes += buf.length;
        if (state.bytes > limit) {
          throw new PayloadTooLargeError(
            `Report body exceeds the limit of ${describeByteSize(
              limit,
            )} (devops.reports.maxBodySize)`,
          );
        }
        yield buf;
      }
      if (multipart) {
        await multipartDone.get(req);
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

/**
 * The one file part of a multipart body, as a stream. Any text field, a second part, or no file
 * part at all is an InputError; so is a malformed body. The body after the file part is still
 * read to the end (see `multipartDone`) so that a second part is noticed before anything is stored.
 */
function singleFilePart(req: Request, source: Readable, limit: number) {
  const out = new Readable({ read() {} });
  let parser: busboy.Busboy;
  try {
    parser = busboy({
      headers: req.headers,
      // busboy emits partsLimit once the limit-th part is complete: 2 means a second part came.
      limits: { parts: 2, fileSize: limit + 1 },
    });
  } catch (error) {
    throw new InputError(
      `Invalid multipart/form-data upload: ${
        (error as Error).message
      }; ${MULTIPART_EXPECTED}`,
    );
  }
  let files = 0;
  let failure: Error | undefined;
  const fail = (error: Error) => {
    if (failure) return;
    failure = error;
    out.destroy(error);
  };
  const done = new Promise<void>((resolve, reject) => {
    parser.on('close', () => {
      if (failure) reject(failure);
      else if (files === 0) {
        const error = new InputError(
          `The multipart/form-data upload has no file part; ${MULTIPART_EXPECTED}`,
        );
        fail(error);
        reject(error);
      } else resolve();
    });
    parser.on('error', (error: Error) => {
      const wrapped = new InputError(
        `Invalid multipart/form-data upload: ${error.message}; ${MULTIPART_EXPECTED}`,
      );
      fail(wrapped);
      reject(wrapped);
    });
  });
  // Nobody may await it (the parser failed first): keep an unhandled rejection out of the log.
  done.catch(() => {});
  multipartDone.set(req, done);

  parser.on('file', (_name: string, file: Readable) => {
    files += 1;
    if (files > 1) {
      fail(
        new InputError(
          `The multipart/form-data upload has more than one part; ${MULTIPART_EXPECTED}`,
        ),
      );
      file.resume();
      return;
    }
    let first = true;
    let target: Transform | undefined;
    file.on('data', (chunk: Buffer) => {
      if (first) {
        first = false;
        // A gzip-compressed file (`-F file=@lcov.info.gz`): 1f 8b, which no text report starts with.
        if (chunk[0] === 0x1f && chunk[1] === 0x8b) {
          const gunzip = createGunzip();
          gunzip.on('data', (data: Buffer) => out.push(data));
          gunzip.on('end', () => out.push(null));
          gunzip.on('error', (error: Error) => fail(error));
          target = gunzip;
        }
      }
      if (target) target.write(chunk);
      else out.push(chunk);
    });
    file.on('limit', () =>
      fail(
        new PayloadTooLargeError(
          `Report body exceeds the limit of ${describeByteSize(
            limit,
          )} (devops.reports.maxBodySize)`,
        ),
      ),
    );
    file.on('end', () => {
      if (target) target.end();
      else out.push(null);
    });
    file.on('error', (error: Error) => fail(error));
  });
  parser.on('field', (name: string) =>
    fail(
      new InputError(
        `The multipart/form-data upload has a text field '${name}'; ${MULTIPART_EXPECTED}; ` +
          'pass entity, format, commit and branch in the query string',
      ),
    ),
  );
  parser.on('partsLimit', () =>
    fail(
      new InputError(
        `The multipart/form-data upload has more than one part; ${MULTIPART_EXPECTED}`,
      ),
    ),
  );
  source.pipe(parser);
  source.on('error', (error: Error) => fail(error));
  return out;
}
