import { InputError } from '@backstage/errors';
import { FileCoverage } from '@devops-growth/backstage-plugin-devops-common';
import { posix } from 'node:path';

const MAX_PATH_LENGTH = 1024;

/**
 * Source file paths as stored and shown: forward slashes, no `.` segments, and relative to the
 * deepest directory the report's absolute paths share (CI workspace roots differ per runner).
 * Paths with control characters, or relative paths that climb out of the repository with `..`,
 * fail the whole report.
 */
export function normalizeCoveragePaths(files: FileCoverage[]): FileCoverage[] {
  const cleaned = files.map(file => {
    const raw = file.path;
    if (raw.length === 0) {
      throw new InputError('Report contains a file with an empty path');
    }
    if (raw.length > MAX_PATH_LENGTH) {
      throw new InputError(
        `Report contains a file path longer than ${MAX_PATH_LENGTH} characters: '${raw.slice(
          0,
          80,
        )}…'`,
      );
    }
    // eslint-disable-next-line no-control-regex
    if (/[\u0000-\u001f\u007f]/.test(raw)) {
      throw new InputError(
        `Report contains a file path with control characters: ${JSON.stringify(
          raw.slice(0, 120),
        )}`,
      );
    }
    let p = raw.replace(/\\/g, '/');
    if (/^[A-Za-z]:\//.test(p)) p = `/${p}`; // Windows drive letters: C:/x -> /C:/x
    if (p.startsWith('file://')) p = p.slice('file://'.length);
    const absolute = p.startsWith('/');
    const normalized = posix.normalize(p);
    if (!absolute && (normalized === '..' || normalized.startsWith('../'))) {
      throw new InputError(
        `Report contains a file path that escapes the repository root: '${raw}'`,
      );
    }
    return { ...file, path: normalized.replace(/^\.\//, '') };
  });

  const absolute = cleaned.filter(f => f.path.startsWith('/'));
  if (absolute.length === 0) return cleaned;
  let prefix = posix.dirname(absolute[0].path);
  for (const f of absolute) {
    while (prefix !== '/' && !f.path.startsWith(`${prefix}/`)) {
      prefix = posix.dirname(prefix);
    }
  }
  if (prefix === '/' || absolute.length !== cleaned.length) return cleaned;
  return cleaned.map(f => ({ ...f, path: f.path.slice(prefix.length + 1) }));
}
