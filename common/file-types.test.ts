// The one rule for which plugin reads which file, with the hostile names a drop, a CLI
// argument or an upload can bring. The renderer, main and the worker all call these.
import { describe, expect, it } from 'vitest';
import {
  accepts,
  acceptsExtension,
  baseNameOf,
  describeAccepts,
  extensionList,
  extensionOf,
  MAX_EXTENSION_LENGTH,
  normalizeExtension,
  pluginsForFile,
  unsupportedFileMessage,
} from './file-types.js';

describe('extensionOf', () => {
  it.each([
    ['a plain name', 'a.png', 'png'],
    ['upper case', 'PHOTO.JPG', 'jpg'],
    ['mixed case', 'Notes.TxT', 'txt'],
    ['only the last suffix', 'archive.tar.gz', 'gz'],
    ['a POSIX path', '/home/me/a.wav', 'wav'],
    ['a Windows path', 'C:\\Users\\me\\a.WAV', 'wav'],
    ['a Windows folder with a dot, file without one', 'C:\\v1.2\\README', ''],
    ['a POSIX folder with a dot, file without one', '/srv/dir.d/noext', ''],
    ['mixed separators', 'C:/data\\v2.0/scan.tif', 'tif'],
    ['a UNC path', '\\\\server\\share\\doc.md', 'md'],
    ['no extension', 'README', ''],
    ['a dotfile', '.bashrc', ''],
    ['a dotfile in a folder', '/home/me/.profile', ''],
    ['a dotfile with an extension', '.config.json', 'json'],
    ['several leading dots', '..hidden', ''],
    ['dots only', '...', ''],
    ['a trailing dot', 'notes.', ''],
    ['a trailing dot after an extension', 'photo.png.', ''],
    ['a trailing space', 'report.pdf ', ''],
    ['a space inside the suffix', 'Version 1.2 final', ''],
    ['spaces in the name', 'my holiday photo.jpg', 'jpg'],
    ['a tab in the suffix', 'a.p\tng', ''],
    ['a newline in the suffix', 'a.png\n', ''],
    ['a NUL in the suffix', 'a.png\u0000', ''],
    ['a zero-width space in the suffix', 'a.pn\u200bg', ''],
    ['a right-to-left override in the suffix', 'a.gnp\u202e', ''],
    ['a unicode name', 'Фото отпуска.JPEG', 'jpeg'],
    ['a unicode extension, case-folded', 'x.ÄBC', 'äbc'],
    ['a decomposed accent composes', 'x.e\u0301', 'é'],
    ['an emoji name', '🎉.png', 'png'],
    ['an empty string', '', ''],
    ['a folder path', '/srv/data/', ''],
    ['a Windows folder path', 'C:\\v1.2\\', ''],
    ['a very long name', `${'a'.repeat(100_000)}.txt`, 'txt'],
    ['the longest extension', `a.${'x'.repeat(MAX_EXTENSION_LENGTH)}`, 'x'.repeat(MAX_EXTENSION_LENGTH)],
    ['a suffix too long to be an extension', `a.${'x'.repeat(MAX_EXTENSION_LENGTH + 1)}`, ''],
    ['a star in the name', 'x.*', '*'],
    ['a drive-relative Windows name', 'C:scan.png', 'png'],
  ])('%s: %j → %j', (_why, name, ext) => expect(extensionOf(name)).toBe(ext));
});

describe('baseNameOf', () => {
  it.each([
    ['a.png', 'a.png'],
    ['/x/y/a.png', 'a.png'],
    ['C:\\x\\a.png', 'a.png'],
    ['C:\\v1.2\\README', 'README'],
    ['/x/', ''],
    ['', ''],
  ])('%j → %j', (name, base) => expect(baseNameOf(name)).toBe(base));
});

describe('normalizeExtension (accept-list entries and remembered keys)', () => {
  it.each([
    ['png', 'png'],
    ['.PNG', 'png'],
    ['Tiff', 'tiff'],
    ['*', '*'],
    ['', undefined],
    ['.', undefined],
    ['tar.gz', undefined],
    [' png', undefined],
    ['png ', undefined],
    ['a/b', undefined],
    ['a\\b', undefined],
    ['x'.repeat(MAX_EXTENSION_LENGTH + 1), undefined],
  ])('%j → %j', (raw, expected) => expect(normalizeExtension(raw)).toBe(expected));
});

describe('accepts', () => {
  it.each([
    ['the listed extension', ['png'], 'a.png', true],
    ['case-folded', ['png'], 'A.PNG', true],
    ['an entry written with a dot and capitals', ['.PNG'], 'a.png', true],
    ['another extension', ['png'], 'a.jpg', false],
    ['the same letters without a dot', ['png'], 'png', false],
    ['a dotfile named like the extension', ['png'], '.png', false],
    ['a trailing dot', ['png'], 'a.png.', false],
    ['an empty list', [], 'a.png', false],
    ['"*" reads any file', ['*'], 'a.zzz', true],
    ['"*" reads a file without an extension', ['*'], 'README', true],
    ['"*" reads a Windows path without one', ['*'], 'C:\\v1.2\\README', true],
    ['"*" among others', ['png', '*'], 'x.bin', true],
    ['no entry reads a file without an extension but "*"', ['png', 'txt'], 'README', false],
    ['an empty entry does not mean "files without an extension"', [''], 'README', false],
    ['an entry that cannot be an extension reads nothing', ['tar.gz'], 'a.tar.gz', false],
    ['the last suffix counts', ['gz'], 'a.tar.gz', true],
    ['a unicode extension', ['äbc'], 'X.ÄBC', true],
  ])('%s', (_why, list, name, expected) => expect(accepts(list, name)).toBe(expected));

  it('answers the same for a list asked about again (the cache is keyed by the list)', () => {
    const list = ['wav'];
    expect(acceptsExtension(list, 'wav')).toBe(true);
    expect(acceptsExtension(list, 'wav')).toBe(true);
    expect(acceptsExtension(['mp3'], 'wav')).toBe(false);
  });
});

describe('pluginsForFile', () => {
  const plugins = [
    { id: 'vad', accepts: ['wav'] },
    { id: 'transcribe', accepts: ['wav', 'mp3'] },
    { id: 'any', accepts: ['*'] },
  ];
  it.each([
    ['every plugin that reads it, in list order', 'a.wav', {}, ['vad', 'transcribe', 'any']],
    ['the remembered one first', 'a.WAV', { wav: 'transcribe' }, ['transcribe', 'vad', 'any']],
    ['a remembered plugin that does not read it is ignored', 'a.mp3', { mp3: 'vad' }, ['transcribe', 'any']],
    ['a remembered plugin that is gone is ignored', 'a.wav', { wav: 'gone' }, ['vad', 'transcribe', 'any']],
    ['only "*" for a file without an extension', 'README', { '': 'vad' }, ['any']],
    ['an inherited key is not a remembered choice', 'x.constructor', {}, ['any']],
  ])('%s', (_why, name, remembered, expected) => expect(pluginsForFile(plugins, name, remembered)).toEqual(expected));
});

describe('messages', () => {
  it.each([
    [['png', 'jpg'], '.png, .jpg files'],
    [['.PNG', 'png'], '.png files'],
    [['*'], 'any file'],
    [['png', '*'], 'any file'],
    [[], 'no files'],
    [['tar.gz'], 'no files'],
  ])('describeAccepts(%j) → %j', (list, expected) => expect(describeAccepts(list)).toBe(expected));

  it('lists known extensions once, sorted when asked', () => {
    expect(extensionList(['wav', 'png', 'WAV', 'jpg'], 'sorted')).toBe('.jpg, .png, .wav');
    expect(extensionList(['wav', 'png'])).toBe('.wav, .png');
  });

  it.each([
    ['OCR', ['png'], '/x/notes.txt', 'OCR cannot read .txt files (notes.txt) — it reads .png files.'],
    ['OCR', ['png'], 'C:\\v1.2\\README', 'OCR cannot read files without an extension (README) — it reads .png files.'],
    ['Nothing', [], 'a.bin', 'Nothing cannot read .bin files (a.bin) — it reads no files.'],
  ])('%s refusing %j', (name, list, file, expected) => expect(unsupportedFileMessage(name, list, file)).toBe(expected));
});
