/** How the scrape provider words its failures: never with response bytes. */

/** Media types a message may name; any other is 'another content type'. */
const NAMED_MEDIA_TYPES = new Set([
  'text/plain',
  'application/openmetrics-text',
  'text/html',
  'application/json',
  'application/xml',
  'text/xml',
  'application/octet-stream',
]);

/**
 * The media type of a Content-Type header, for messages: one of a fixed list, since the header
 * is response bytes too and those never leave the backend.
 */
export function describeContentType(contentType: string) {
  const media = contentType.split(';')[0].trim().toLowerCase();
  if (media === '') return 'no content type';
  return NAMED_MEDIA_TYPES.has(media)
    ? `content type ${media}`
    : 'another content type';
}

/**
 * A parse error of the exposition parser, for the card: its line number only. The parser's own
 * message quotes the offending text, which is response bytes, and those never leave the backend.
 */
export function describeParseError(error: Error, contentType: string) {
  const line = /^line (\d+):/.exec(error.message)?.[1];
  return `${
    line ? `line ${line}` : 'the body'
  } is not in the Prometheus text format (HTTP 200, ${describeContentType(
    contentType,
  )})`;
}

export function describeMs(ms: number) {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}
