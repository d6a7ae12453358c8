import { chunks } from '../testUtils';
import { XmlHandler, XmlScanner, scanXml } from './XmlScanner';

const ATTRS = ['a', 'b', 'name', 'x.y', 'data-z', 'é'];

/** Scans `doc` and returns what a handler saw: opens with their attributes, text, closes. */
async function events(
  doc: Buffer | string[],
  options: { roots?: string[]; textIn?: string[] } = {},
): Promise<string[]> {
  const log: string[] = [];
  const handler: XmlHandler = {
    open(s: XmlScanner, name: string) {
      const attrs = ATTRS.filter(a => s.attr(a) !== undefined).map(
        a => `${a}=${JSON.stringify(s.attr(a))}`,
      );
      log.push(`open ${name} @${s.line()} ${attrs.join(' ')}`.trim());
      if (options.textIn?.includes(name)) s.wantText = true;
    },
    close(s: XmlScanner, name: string) {
      log.push(`close ${name}`);
      if (options.textIn?.includes(name)) s.wantText = false;
    },
    text(_s: XmlScanner, text: string) {
      // Text may arrive in pieces: join consecutive ones.
      const last = log.length - 1;
      if (log[last]?.startsWith('text ')) log[last] += text;
      else log.push(`text ${text}`);
    },
  };
  const input = Array.isArray(doc)
    ? (async function* strings() {
        yield* doc;
      })()
    : chunks(doc.length > 0 ? doc : Buffer.alloc(0), doc.length || 1);
  await scanXml(
    input as AsyncIterable<Buffer>,
    'Test XML',
    options.roots ?? ['r'],
    handler,
  );
  return log;
}

/** The same document cut into chunks of every size from 1 to 16 bytes. */
async function everyChunking(
  doc: Buffer,
  run: (input: AsyncIterable<Buffer>) => Promise<string[]>,
) {
  const whole = await run(chunks(doc));
  for (let size = 1; size <= 16; size++) {
    expect({ size, log: await run(chunks(doc, size)) }).toEqual({
      size,
      log: whole,
    });
  }
  return whole;
}

/**
 * The message of the refusal of `doc`, the same whole and in chunks of 1, 3 and 7 characters fed
 * straight to the scanner (bytes go through the decoder, which holds back the first 512 bytes).
 */
async function refusal(
  doc: Buffer | string,
  roots = ['r'],
  sizes = [1, 3, 7],
): Promise<string> {
  const messages = new Set<string>();
  for (const size of [doc.length || 1, ...sizes]) {
    let error: Error | undefined;
    try {
      if (typeof doc === 'string') {
        const scanner = new XmlScanner('Test XML', roots, {
          open(s) {
            s.wantText = true;
          },
          close() {},
          text() {},
        });
        for (let i = 0; i < doc.length; i += size)
          scanner.write(doc.slice(i, i + size));
        scanner.end();
      } else {
        await scanXml(chunks(doc, size), 'Test XML', roots, {
          open() {},
          close() {},
        });
      }
    } catch (e) {
      error = e as Error;
    }
    if (!error) throw new Error(`accepted with chunks of ${size}`);
    expect(error.name).toBe('InputError');
    messages.add(error.message);
  }
  expect([...messages]).toHaveLength(1);
  return [...messages][0];
}

const DOC = [
  '\ufeff<?xml version="1.0" encoding="UTF-8"?>',
  '<!DOCTYPE r PUBLIC "-//X//DTD R 1.0//EN" "r.dtd">',
  '<!-- a comment with <tags> & ampersands -- and dashes -->',
  '<r a="1" b = \'two &amp; &lt;three&gt;\' x.y="&#x41;&#66;">',
  '  <ünïcode-el name="日本語 €uro 😀" data-z="é&quot;&apos;"/>',
  '  <t>caf\u00e9 &amp; cr\u00e8me &#x1F600; <![CDATA[<raw> & ]] ]]]]><![CDATA[x]]>end</t>',
  '  <?pi some data?>',
  '  <t é="accent">multi\nline</t>',
  '</r>',
  '',
].join('\n');

describe('XmlScanner', () => {
  it('reports the same elements, attributes and text however the bytes are cut', async () => {
    const log = await everyChunking(Buffer.from(DOC), async input => {
      const out: string[] = [];
      await scanXml(input, 'Test XML', ['r'], {
        open(s, name) {
          out.push(
            `${name}@${s.line()} ${ATTRS.map(a => s.attr(a))
              .filter(v => v !== undefined)
              .join('|')}`,
          );
          if (name === 't') s.wantText = true;
        },
        close(s, name) {
          out.push(`/${name}`);
          if (name === 't') s.wantText = false;
        },
        text(_s, text) {
          if (out[out.length - 1].startsWith('text:'))
            out[out.length - 1] += text;
          else out.push(`text:${text}`);
        },
      });
      return out;
    });
    expect(log).toEqual([
      'r@4 1|two & <three>|AB',
      'ünïcode-el@5 日本語 €uro 😀|é"\'',
      '/ünïcode-el',
      't@6 ',
      'text:café & crème 😀 <raw> & ]] ]]xend',
      '/t',
      't@8 accent',
      'text:multi\nline',
      '/t',
      '/r',
    ]);
  });

  it('splits multi-byte characters at every byte, in names, attributes and text', async () => {
    const doc = Buffer.from(
      '<r><ünï a="€😀€" b="ü"><!--😀--><![CDATA[😀]]>😀€ü</ünï></r>',
    );
    for (let cut = 1; cut < doc.length; cut++) {
      const two = async function* split() {
        yield doc.subarray(0, cut);
        yield doc.subarray(cut);
      };
      const log: string[] = [];
      await scanXml(two(), 'Test XML', ['r'], {
        open(s, name) {
          log.push(`${name} ${s.attr('a') ?? ''} ${s.attr('b') ?? ''}`);
          s.wantText = true;
        },
        close() {},
        text(_s, text) {
          log.push(text);
        },
      });
      expect({ cut, text: log.join('') }).toEqual({
        cut,
        text: 'r  ünï €😀€ ü😀😀€ü',
      });
    }
  });

  it('accepts a surrogate pair split between two string chunks', async () => {
    expect(
      await events(['<r name="a\ud83d', '\ude00b"/>'], { textIn: ['r'] }),
    ).toEqual(['open r @1 name="a😀b"', 'close r']);
  });

  it.each([
    // Structure
    [
      '<r><a></r>',
      'Test XML line 1: mismatched tag: expected </a>, found </r>',
    ],
    ['</r>', 'Test XML line 1: closing tag </r> without a matching start tag'],
    [
      '<r/><r/>',
      'Test XML line 1: a second root element <r> after the end of the first',
    ],
    ['<s/>', 'Test XML line 1: expected <r> root element, found <s>'],
    ['<r/>\ntext', 'Test XML line 2: text after the root element'],
    [
      '<!-- c -->\nHTTP/1.1 200 OK\n<r/>',
      'Test XML line 2: text before the root element: "HTTP/1.1 200 OK"',
    ],
    [
      '{"json": true}',
      'Test XML line 1: not an XML document (it starts with "{"json": true}")',
    ],
    [
      '<!-- only a comment -->',
      'Test XML line 1: no root element, expected <r>',
    ],
    ['<r>\n<a>\n', 'Test XML line 3: unexpected end of document inside <a>'],
    [
      '<r><!-- open',
      'Test XML line 1: unexpected end of document inside a comment',
    ],
    [
      '<r><![CDATA[open',
      'Test XML line 1: unexpected end of document inside a CDATA section',
    ],
    ['<r', 'Test XML line 1: unexpected end of document inside a tag'],
    [
      '<![CDATA[x]]><r/>',
      'Test XML line 1: CDATA section outside the root element',
    ],
    ['<r><1a/></r>', 'Test XML line 1: invalid markup "<1a/></r>"'],
    ['<r><!FOO></r>', 'Test XML line 1: invalid markup "<!FOO></r>"'],
    // Attributes
    ['<r a="1" a="2"/>', 'Test XML line 1: duplicate attribute a'],
    [
      '<r a="1"b="2"/>',
      'Test XML line 1: malformed attribute in <r> near "b="2"/>"',
    ],
    ['<r a "1"/>', 'Test XML line 1: expected "=" after attribute a in <r>'],
    ['<r a=1/>', 'Test XML line 1: attribute a in <r> has no quoted value'],
    ['<r a="1" /x>', 'Test XML line 1: expected "/>" in <r>'],
    [
      '<r a="1>\n<b/>"</r>',
      'Test XML line 2: "<" in the value of attribute a (unterminated value?)',
    ],
    [
      `<r ${Array.from({ length: 257 }, (_, i) => `a${i}="1"`).join(' ')}/>`,
      'Test XML line 1: more than 256 attributes on one element',
    ],
    // Entities
    [
      '<r>&nbsp;</r>',
      'Test XML line 1: unknown entity "&nbsp;" (only &lt; &gt; &amp; &quot; &apos; and character references are allowed)',
    ],
    [
      '<r a="&nbsp;"/>',
      'Test XML line 1: unknown entity "&nbsp;" (only &lt; &gt; &amp; &quot; &apos; and character references are allowed)',
    ],
    [
      '<r>&amp no semicolon in this text at all </r>',
      'Test XML line 1: unterminated entity reference "&amp no semi"',
    ],
    [
      `<r>&${'x'.repeat(70)}`,
      'Test XML line 1: unterminated entity reference "&xxxxxxxxxxx"',
    ],
    [
      `<r>&${'y'.repeat(70)}</r>`,
      'Test XML line 1: unterminated entity reference "&yyyyyyyyyyy"',
    ],
    [
      '<r>\n&#0;</r>',
      'Test XML line 2: character reference "&#0;" (U+0000) is not a character XML allows',
    ],
    [
      '<r b="&#x1;"/>',
      'Test XML line 1: character reference "&#x1;" (U+0001) is not a character XML allows',
    ],
    [
      '<r>&#xFFFE;</r>',
      'Test XML line 1: character reference "&#xFFFE;" (U+FFFE) is not a character XML allows',
    ],
    [
      '<r>&#x110000;</r>',
      'Test XML line 1: character reference "&#x110000;" (out of range) is not a character XML allows',
    ],
    // Declarations
    [
      '<!DOCTYPE r [<!ENTITY a "b">]><r/>',
      'Test XML line 1: the DOCTYPE declares entities (<!ENTITY ...>): entity declarations are refused to prevent entity-expansion ("billion laughs") and external-entity (XXE) attacks',
    ],
    [
      '<!DOCTYPE r [%p;]><r/>',
      'Test XML line 1: the DOCTYPE uses parameter entities, which are refused',
    ],
    ['<!DOCTYPE r><!DOCTYPE r><r/>', 'Test XML line 1: a second DOCTYPE'],
    ['<r/><!DOCTYPE r>', 'Test XML line 1: DOCTYPE after the root element'],
    [
      '<!ENTITY a "b"><r/>',
      'Test XML line 1: entity declarations are refused (outside a DOCTYPE, too)',
    ],
    [
      '<r/>\n<?xml version="1.0"?>',
      'Test XML line 2: XML declaration not at the start of the document',
    ],
    [
      '<r><? x?></r>',
      'Test XML line 1: processing instruction without a target',
    ],
  ])('refuses %j', async (doc, message) => {
    expect(await refusal(doc)).toBe(message);
  });

  it.each([
    ['text', '<r>\nab\u0000c</r>', 2, 'U+0000'],
    ['an attribute value', '<r>\n<a b="x\u0001"/></r>', 2, 'U+0001'],
    ['a name', '<r>\n<a\u0002b/></r>', 2, 'U+0002'],
    ['CDATA', '<r>\n\n<![CDATA[\u001b[31m]]></r>', 3, 'U+001B'],
    ['a comment', '<r><!--\n\u0008--></r>', 2, 'U+0008'],
    ['the prolog', '<?xml version="1.0"?>\n<!-- \u000c -->\n<r/>', 2, 'U+000C'],
    ['text, as U+FFFF', '<r>\uffff</r>', 1, 'U+FFFF'],
  ])(
    'refuses a character outside XML Char in %s, with its line',
    async (_where, doc, line, char) => {
      expect(await refusal(doc)).toBe(
        `Test XML line ${line}: character ${char} is not allowed in XML (XML 1.0 allows tab, line feed, carriage return and characters from U+0020, except U+FFFE, U+FFFF and unpaired surrogates)`,
      );
    },
  );

  it('reports the first problem in document order, whatever the chunking', async () => {
    expect(await refusal('<r>\n<a></b>\n\u0000</r>')).toBe(
      'Test XML line 2: mismatched tag: expected </a>, found </b>',
    );
  });

  it('refuses unpaired surrogates in string input', async () => {
    await expect(events(['<r>\ud800x</r>'])).rejects.toThrow(
      'Test XML line 1: character U+D800 is not allowed in XML',
    );
    await expect(events(['<r>x\udc00</r>'])).rejects.toThrow(
      'Test XML line 1: character U+DC00 is not allowed in XML',
    );
    await expect(events(['<r>x\ud83d', 'y</r>'])).rejects.toThrow(
      'Test XML line 1: character U+D800-U+DBFF (an unpaired surrogate) is not allowed in XML',
    );
    await expect(events(['<r>x\ud83d'])).rejects.toThrow(
      'Test XML line 1: character U+D800-U+DBFF (an unpaired surrogate) is not allowed in XML',
    );
  });

  it('calls binary data not an XML document', async () => {
    expect(await refusal(Buffer.from([0x1f, 0x8b, 0x08, 0x00]))).toBe(
      'Test XML line 1: not an XML document (it starts with "\\u001f\ufffd\\u0008\\u0000")',
    );
  });

  it('bounds nesting and token length', async () => {
    expect(await refusal(`${'<r>'.repeat(513)}`, ['r'], [7])).toBe(
      'Test XML line 1: elements nested deeper than 512',
    );
    expect(
      await refusal(`<r a="${'x'.repeat(4 << 20)}`, ['r'], [1 << 16]),
    ).toBe('Test XML line 1: markup longer than 4194304 characters');
  });

  it('refuses UTF-16, undeclared encodings and empty bodies before scanning', async () => {
    expect(await refusal(Buffer.from('\ufeff<r/>', 'utf16le'))).toBe(
      'Test XML line 1: UTF-16/UTF-32 encoded reports are not supported, send UTF-8',
    );
    expect(
      await refusal(
        Buffer.from('<?xml version="1.0" encoding="EBCDIC-US"?><r/>'),
      ),
    ).toBe(
      'Test XML line 1: unsupported encoding "EBCDIC-US" in the XML declaration (UTF-8 or ISO-8859-1 expected)',
    );
    expect(await refusal(Buffer.from(' \n\t '))).toBe(
      'Test XML: the report is empty',
    );
  });
});
