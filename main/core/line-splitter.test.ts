import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { LineSplitter, readLines } from './line-splitter.js';

/** Feeds `text` as UTF-8 bytes cut at the given byte offsets, then ends the stream. */
function split(text: string, cuts: number[]): string[] {
  const bytes = Buffer.from(text, 'utf8');
  const lines: string[] = [];
  const splitter = new LineSplitter((line) => lines.push(line));
  let from = 0;
  for (const cut of [...cuts, bytes.length]) {
    splitter.write(bytes.subarray(from, cut));
    from = cut;
  }
  splitter.end();
  return lines;
}

/** Every way of cutting `text` in two, so each byte boundary inside a character is tried. */
function everyCut(text: string): number[][] {
  const length = Buffer.byteLength(text, 'utf8');
  return Array.from({ length: length + 1 }, (_, i) => [i]);
}

describe('LineSplitter', () => {
  it.each(everyCut('café\n'))("'café\\n' cut at byte %i is one line 'café'", (cut) => {
    expect(split('café\n', [cut])).toEqual(['café']);
  });

  it.each(everyCut('ok 🎉 done\n'))('a 4-byte emoji cut at byte %i comes out whole', (cut) => {
    expect(split('ok 🎉 done\n', [cut])).toEqual(['ok 🎉 done']);
  });

  it('survives a character fed one byte at a time', () => {
    const text = 'é€🎉\nπ\n';
    const cuts = Array.from({ length: Buffer.byteLength(text) - 1 }, (_, i) => i + 1);
    expect(split(text, cuts)).toEqual(['é€🎉', 'π']);
  });

  it.each([
    ['several lines in one chunk', 'a\nb\nc\n', [], ['a', 'b', 'c']],
    ['a last line without a newline, flushed at the end', 'a\nlast', [], ['a', 'last']],
    ['a last line that ends inside a cut character', 'x\ncafé', [6], ['x', 'café']],
    ['CRLF, also when cut between \\r and \\n', 'a\r\nb\r\n', [2], ['a', 'b']],
    ['a lone \\r at the very end', 'a\r', [], ['a']],
    ['empty lines kept', 'a\n\nb\n', [], ['a', '', 'b']],
    ['nothing at all', '', [], []],
  ] as const)('%s', (_label, text, cuts, expected) => {
    expect(split(text, [...cuts])).toEqual(expected);
  });

  it('passes strings through (a stream with setEncoding) and ignores writes after end', () => {
    const lines: string[] = [];
    const splitter = new LineSplitter((line) => lines.push(line));
    splitter.write('caf');
    splitter.write('é\ntail');
    splitter.end();
    splitter.write('late\n');
    splitter.end();
    expect(lines).toEqual(['café', 'tail']);
  });
});

describe('readLines', () => {
  it('resolves once the stream has ended, after every line including the last', async () => {
    const stream = new PassThrough();
    const lines: string[] = [];
    let resolved = false;
    const done = readLines(stream, (line) => lines.push(line)).then(() => (resolved = true));
    const bytes = Buffer.from('café\n🎉', 'utf8');
    stream.write(bytes.subarray(0, 4));
    stream.write(bytes.subarray(4, 8));
    await new Promise((r) => setImmediate(r));
    expect(lines).toEqual(['café']);
    expect(resolved).toBe(false);
    stream.end(bytes.subarray(8));
    await done;
    expect(lines).toEqual(['café', '🎉']);
  });

  it('resolves on an error or a destroy, and at once without a stream', async () => {
    const broken = new PassThrough();
    const a = readLines(broken, () => {});
    broken.destroy(new Error('EPIPE'));
    await a;
    const destroyed = new PassThrough();
    const b = readLines(destroyed, () => {});
    destroyed.destroy();
    await b;
    await readLines(null, () => {});
  });
});
