import { decodeChunks } from '../common';
import { chunks } from '../testUtils';
import {
  JsonHandler,
  JsonTokenizer,
  JsonTokenizerOptions,
} from './JsonTokenizer';

/** A handler that writes every event down, with its depth and line. */
function recorder(log: string[]): JsonHandler {
  const at = (t: JsonTokenizer) => `${t.depth()}:${t.line()}`;
  return {
    startObject: t => log.push(`{ ${at(t)}`),
    endObject: t => log.push(`} ${at(t)}`),
    startArray: t => log.push(`[ ${at(t)}`),
    endArray: t => log.push(`] ${at(t)}`),
    key: (t, k) => log.push(`key ${JSON.stringify(k)} ${at(t)}`),
    value: (t, v) => log.push(`value ${JSON.stringify(v)} ${at(t)}`),
  };
}

/** Tokenizes bytes in chunks of `size`, through the same decoder the parsers use. */
async function tokenize(
  data: Buffer,
  size: number,
  options?: JsonTokenizerOptions,
): Promise<string[]> {
  const log: string[] = [];
  const tokenizer = new JsonTokenizer('Test JSON', recorder(log), options);
  for await (const text of decodeChunks(chunks(data, size), 'Test JSON')) {
    tokenizer.write(text);
  }
  tokenizer.end();
  return log;
}

/** Refusal of `text` fed as strings, whole and in 1-, 2- and 5-character chunks: one message. */
function refusal(text: string, options?: JsonTokenizerOptions): string {
  const messages = new Set<string>();
  for (const size of [text.length || 1, 1, 2, 5]) {
    const tokenizer = new JsonTokenizer('Test JSON', recorder([]), options);
    try {
      for (let i = 0; i < text.length; i += size)
        tokenizer.write(text.slice(i, i + size));
      tokenizer.end();
    } catch (e) {
      expect((e as Error).name).toBe('InputError');
      messages.add((e as Error).message);
      continue;
    }
    throw new Error(`accepted with chunks of ${size}`);
  }
  expect([...messages]).toHaveLength(1);
  return [...messages][0];
}

const DOC = `{
  "caf\\u00e9 \\"quoted\\" \\\\ \\/": [1, -0, 12.5e+3, -1E-2, true, false, null],
  "日本語 😀": {"nested": [[], {}, [{"deep": "v\\tw\\nx"}]]},
  "\\ud83d\\ude00": ""
}
`;

describe('JsonTokenizer', () => {
  it('reports the same events however the bytes are cut, multi-byte characters and escapes included', async () => {
    const data = Buffer.from(DOC);
    const whole = await tokenize(data, data.length);
    for (let size = 1; size <= 16; size++) {
      expect({ size, log: await tokenize(data, size) }).toEqual({
        size,
        log: whole,
      });
    }
    expect(whole).toEqual([
      '{ 0:1',
      'key "café \\"quoted\\" \\\\ /" 1:2',
      '[ 1:2',
      'value 1 2:2',
      'value 0 2:2',
      'value 12500 2:2',
      'value -0.01 2:2',
      'value true 2:2',
      'value false 2:2',
      'value null 2:2',
      '] 1:2',
      'key "日本語 😀" 1:3',
      '{ 1:3',
      'key "nested" 2:3',
      '[ 2:3',
      '[ 3:3',
      '] 3:3',
      '{ 3:3',
      '} 3:3',
      '[ 3:3',
      '{ 4:3',
      'key "deep" 5:3',
      'value "v\\tw\\nx" 5:3',
      '} 4:3',
      '] 3:3',
      '] 2:3',
      '} 1:3',
      'key "😀" 1:4',
      'value "" 1:4',
      '} 0:5',
    ]);
  });

  it('splits every multi-byte character at every byte', async () => {
    const data = Buffer.from('["é€😀", {"ü": "日本"}]');
    for (let cut = 1; cut < data.length; cut++) {
      const log: string[] = [];
      const tokenizer = new JsonTokenizer('Test JSON', recorder(log));
      const two = async function* split() {
        yield data.subarray(0, cut);
        yield data.subarray(cut);
      };
      for await (const text of decodeChunks(two(), 'Test JSON'))
        tokenizer.write(text);
      tokenizer.end();
      expect({ cut, log: log.filter(l => /^(key|value)/.test(l)) }).toEqual({
        cut,
        log: ['value "é€😀" 1:1', 'key "ü" 2:1', 'value "日本" 2:1'],
      });
    }
  });

  it.each([
    // Grammar
    ['{"a" 1}', 'Test JSON line 1: invalid JSON: expected ":", found "1"'],
    [
      '[1 2]',
      'Test JSON line 1: invalid JSON: expected "," or the end of the container, found "2"',
    ],
    [
      '{,}',
      'Test JSON line 1: invalid JSON: expected a string key or "}", found ","',
    ],
    [
      '{"a":1,}',
      'Test JSON line 1: invalid JSON: expected a string key, found "}"',
    ],
    ['[1,]', 'Test JSON line 1: invalid JSON: expected a value, found "]"'],
    [
      '[}',
      'Test JSON line 1: invalid JSON: expected a value or "]", found "}"',
    ],
    [
      '{"a":1}\n{}',
      'Test JSON line 2: invalid JSON: expected the end of the document, found "{"',
    ],
    [
      '{"a":1}:',
      'Test JSON line 1: invalid JSON: expected the end of the document, found ":"',
    ],
    [
      '{1:2}',
      'Test JSON line 1: invalid JSON: expected a string key or "}", found "1"',
    ],
    [
      '["a" "b"]',
      'Test JSON line 1: invalid JSON: expected "," or the end of the container, found a string',
    ],
    ['[tru]', 'Test JSON line 1: invalid JSON: unexpected "tru"'],
    ['[01]', 'Test JSON line 1: invalid JSON: unexpected "01"'],
    ['[1.]', 'Test JSON line 1: invalid JSON: unexpected "1."'],
    [
      'TN:\nSF:a.js',
      'Test JSON line 1: not a JSON document (it starts with "TN")',
    ],
    // Truncation and bounds
    ['', 'Test JSON line 1: no JSON value'],
    ['{"a": [1, 2', 'Test JSON line 1: unexpected end of JSON inside an array'],
    ['{"a":\n', 'Test JSON line 2: unexpected end of JSON inside an object'],
    ['{"a": "open', 'Test JSON line 1: unexpected end of JSON inside a string'],
    [`${'['.repeat(257)}`, 'Test JSON line 1: JSON nested deeper than 256'],
    // Strings and escapes
    [
      '["a\u0001b"]',
      'Test JSON line 1: invalid JSON: control character U+0001 in a string (JSON requires it escaped)',
    ],
    [
      '["a\nb"]',
      'Test JSON line 1: invalid JSON: control character U+000A in a string (JSON requires it escaped)',
    ],
    [
      '["a\u0085b"]',
      'Test JSON line 1: control character U+0085 in a string, which reports must not contain',
    ],
    ['["\\u12G4"]', 'Test JSON line 1: invalid JSON: bad \\u escape'],
    ['["\\x41"]', 'Test JSON line 1: invalid JSON: bad escape "\\x"'],
    [
      '{"a\\u0000b": 1}',
      'Test JSON line 1: the escape "\\u0000" stands for the control character U+0000, which reports must not contain',
    ],
    [
      '["\\u001B[31m"]',
      'Test JSON line 1: the escape "\\u001B" stands for the control character U+001B, which reports must not contain',
    ],
    [
      '["\\u007f"]',
      'Test JSON line 1: the escape "\\u007f" stands for the control character U+007F, which reports must not contain',
    ],
    [
      '["a\\r\\nb"]',
      'Test JSON line 1: the escape "\\r" stands for the control character U+000D, which reports must not contain',
    ],
    [
      '["\\b"]',
      'Test JSON line 1: the escape "\\b" stands for the control character U+0008, which reports must not contain',
    ],
    [
      '["\\f"]',
      'Test JSON line 1: the escape "\\f" stands for the control character U+000C, which reports must not contain',
    ],
  ])('refuses %j', (text, message) => {
    expect(refusal(text)).toBe(message);
  });

  it('refuses a token longer than 1 MiB', () => {
    const tokenizer = new JsonTokenizer('Test JSON', recorder([]));
    tokenizer.write('["');
    expect(() => tokenizer.write('x'.repeat(1 << 20))).toThrow(
      'Test JSON line 1: JSON token longer than 1048576 characters',
    );
  });

  it('lets escaped tab and line feed through, and every control character when asked to', () => {
    const log: string[] = [];
    const strict = new JsonTokenizer('Test JSON', recorder(log));
    strict.write('["a\\tb\\nc"]');
    strict.end();
    expect(log).toContain('value "a\\tb\\nc" 1:1');

    const loose: string[] = [];
    const lenient = new JsonTokenizer('Test JSON', recorder(loose), {
      allowControlChars: true,
    });
    lenient.write('["\\u0000\\r\\b", "\u0085"]');
    lenient.end();
    expect(loose).toEqual([
      '[ 0:1',
      'value "\\u0000\\r\\b" 1:1',
      'value "\u0085" 1:1',
      '] 0:1',
    ]);
  });
});
