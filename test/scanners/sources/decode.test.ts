import { describe, expect, it } from '@jest/globals';

import { decode, looksBinary, SNIFF_BYTES, utf8Body } from '../../../scanners/sources/decode.js';

function utf16be(text: string): Buffer {
  const le = Buffer.from(text, 'utf16le');
  return Buffer.from(le).swap16();
}

describe('decode', () => {
  it('reads UTF-8 and strips a UTF-8 BOM', () => {
    const bytes = Buffer.from('héllo\nwörld');
    expect(decode(bytes)).toEqual({ kind: 'text', text: 'héllo\nwörld', encoding: 'utf-8', utf8: bytes });
    const withBom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('key=1')]);
    const decoded = decode(withBom);
    expect(decoded).toMatchObject({ kind: 'text', text: 'key=1' });
    // The bytes handed on to the keyword scan are exactly the text's encoding, without the BOM.
    expect(decoded.kind === 'text' && Buffer.from(decoded.utf8 ?? []).toString()).toBe('key=1');
  });

  it('decodes UTF-16 LE and BE with a BOM despite their NUL bytes', () => {
    const text = 'line one\nligne dé deux\n';
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    const be = Buffer.concat([Buffer.from([0xfe, 0xff]), utf16be(text)]);
    expect(looksBinary(le)).toBe(false);
    expect(decode(le)).toEqual({ kind: 'text', text, encoding: 'utf-16le' });
    expect(decode(be)).toEqual({ kind: 'text', text, encoding: 'utf-16be' });
  });

  it('drops a dangling odd byte of UTF-16 instead of failing', () => {
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('ab', 'utf16le'), Buffer.from([0x41])]);
    expect(decode(le)).toMatchObject({ kind: 'text', text: 'ab' });
  });

  it('calls data with a NUL byte in the first 8 KiB binary, and only there', () => {
    const early = Buffer.from('text\u0000more');
    expect(decode(early)).toEqual({ kind: 'binary' });
    const late = Buffer.concat([Buffer.alloc(SNIFF_BYTES, 0x61), Buffer.from([0])]);
    expect(looksBinary(late)).toBe(false);
    expect(decode(late).kind).toBe('text');
  });

  it('replaces invalid UTF-8 sequences and keeps the rest of the text', () => {
    const bytes = Buffer.concat([
      Buffer.from('before '),
      Buffer.from([0xc3, 0x28, 0xff]),
      Buffer.from(' after'),
    ]);
    const decoded = decode(bytes);
    expect(decoded.kind).toBe('text');
    const text = decoded.kind === 'text' ? decoded.text : '';
    expect(text.startsWith('before ')).toBe(true);
    expect(text.endsWith(' after')).toBe(true);
    expect(text).toContain('\uFFFD');
  });

  it('hands UTF-8 on as bytes without the BOM, and nothing for UTF-16 or binary data', () => {
    const plain = Buffer.from('key=1\n');
    expect(utf8Body(plain)).toBe(plain);
    const once = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), plain]);
    expect(Buffer.from(utf8Body(once) ?? []).toString()).toBe('key=1\n');
    // Only the first BOM is a marker; a second one is text, as decode() keeps it.
    const twice = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf, 0xef, 0xbb, 0xbf]), plain]);
    expect(utf8Body(twice)?.length).toBe(plain.length + 3);
    expect(decode(twice)).toMatchObject({ text: '\uFEFFkey=1\n' });
    expect(utf8Body(Buffer.from([0xff, 0xfe, 0x41, 0x00]))).toBeUndefined();
    expect(utf8Body(Buffer.from('a\u0000b'))).toBeUndefined();
  });
});
