import { readJsonLines } from './jsonLines';
import { chunks } from './testUtils';

async function read(text: string | Buffer, size?: number, maxLineBytes = 10) {
  const out: [number, unknown][] = [];
  for await (const { line, value } of readJsonLines(
    chunks(typeof text === 'string' ? Buffer.from(text, 'utf8') : text, size),
    'test',
    { maxLineBytes, maxDepth: 3 },
  )) {
    out.push([line, value]);
  }
  return out;
}

describe('readJsonLines', () => {
  it.each([undefined, 1, 2, 3, 5])(
    'numbers lines, skips blank ones, drops CR (chunks of %s bytes)',
    async size => {
      expect(await read('1\r\n\n  \n"é"\n[2]', size)).toEqual([
        [1, 1],
        [4, 'é'],
        [5, [2]],
      ]);
    },
  );

  it('takes a line of exactly the limit, with or without CR, and refuses one byte more', async () => {
    expect(await read('"12345678"\n"12345678"\r\n', 3)).toEqual([
      [1, '12345678'],
      [2, '12345678'],
    ]);
    for (const size of [undefined, 3]) {
      await expect(read('1\n"123456789"\n', size)).rejects.toThrow(
        'test line 2: the line is longer than 0 kB',
      );
      await expect(read('1\n"123456789"', size)).rejects.toThrow(
        /^test line 2: the line is longer than/,
      );
    }
  });

  it('counts nesting outside strings only', async () => {
    expect(await read('[["[[[["]]', undefined, 100)).toEqual([[1, [['[[[[']]]]);
    await expect(read('[[[[1]]]]', undefined, 100)).rejects.toThrow(
      'test line 1: objects and arrays nested deeper than 3 levels',
    );
    expect(await read('["\\"[[[["]', undefined, 100)).toEqual([[1, ['"[[[[']]]);
  });

  it('refuses UTF-16 and an input of blank lines', async () => {
    await expect(read(Buffer.from('\ufeff1\n', 'utf16le'))).rejects.toThrow(
      'test line 1: UTF-16/UTF-32 encoded reports are not supported, send UTF-8',
    );
    await expect(read('\n \r\n')).rejects.toThrow('test: the report is empty');
    await expect(read('')).rejects.toThrow('test: the report is empty');
  });
});
