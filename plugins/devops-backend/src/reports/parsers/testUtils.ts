import { readFileSync } from 'node:fs';
import { resolvePackagePath } from '@backstage/backend-plugin-api';
import {
  ParsedReport,
  ReportParser,
} from '@devops-growth/backstage-plugin-devops-node';

/** Reads a fixture under `__fixtures__/`. */
export function fixture(path: string): Buffer {
  return readFileSync(
    resolvePackagePath(
      '@devops-growth/backstage-plugin-devops-backend',
      'src/reports/parsers/__fixtures__',
      path,
    ),
  );
}

/** Yields `data` in chunks of `size` bytes (splitting multi-byte characters and tokens). */
export async function* chunks(
  data: Buffer,
  size = data.length || 1,
): AsyncGenerator<Buffer> {
  for (let i = 0; i < data.length; i += size) {
    yield data.subarray(i, i + size);
  }
}

/** Parses `data` in one chunk and in 7-byte chunks; both results must be equal. */
export async function parseBoth(
  parser: ReportParser,
  data: Buffer,
): Promise<ParsedReport> {
  const whole = await parser.parse(chunks(data));
  const small = await parser.parse(chunks(data, 7));
  expect(small).toEqual(whole);
  return whole;
}

/** Parses `data` in one chunk and in 7-byte chunks and returns the error of each (both must fail). */
export async function parseError(
  parser: ReportParser,
  data: Buffer,
): Promise<Error> {
  const errors: Error[] = [];
  for (const size of [data.length || 1, 7]) {
    try {
      await parser.parse(chunks(data, size));
    } catch (e) {
      errors.push(e as Error);
      continue;
    }
    throw new Error(
      `${parser.format} parser accepted the input (chunk size ${size})`,
    );
  }
  expect(errors[1].message).toBe(errors[0].message);
  expect(errors[0].name).toBe('InputError');
  return errors[0];
}
