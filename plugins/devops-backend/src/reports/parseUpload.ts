import { InputError } from '@backstage/errors';
import { ParsedReport } from '@devops-growth/backstage-plugin-devops-node';
import { RequestBody } from './body';
import { ReportUpload } from './ReportSink';

/**
 * Parses an upload's body as it streams in with the format's (checked) parser; an empty body is
 * refused. What every report sink does before it stores.
 */
export async function parseUpload(
  upload: ReportUpload,
  body: RequestBody,
): Promise<ParsedReport> {
  const parsed = await upload.parser.parse(body.chunks);
  if (body.state.bytes === 0) {
    throw new InputError('The report body is empty');
  }
  return parsed;
}
