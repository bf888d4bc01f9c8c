// An upload's saved name keeps the extension the browser planned with: the core checks the
// saved path's extension again (common/file-types.ts), so a cut through it would refuse the job.
// The limit is in bytes: file systems allow 255 bytes a name, whatever the characters.
import { describe, expect, it } from 'vitest';
import { extensionOf } from '../../common/file-types.js';
import { safeUploadName } from './upload.js';

describe('safeUploadName', () => {
  it.each([
    ['a plain name', 'a.png', 'a.png'],
    ['a Windows path', 'C:\\Users\\me\\Scan.PNG', 'Scan.PNG'],
    ['a POSIX path', '/etc/passwd', 'passwd'],
    ['a dotfile loses its dots', '.bashrc', 'bashrc'],
    ['control characters', 'a\u0000b\u001f.txt', 'a_b_.txt'],
    ['reserved characters', 'a<b>:c".txt', 'a_b__c_.txt'],
    ['surrounding spaces', '  a.txt  ', 'a.txt'],
    ['nothing', '', undefined],
    ['only dots', '...', undefined],
    ['null', null, undefined],
    // Spaces before the dots once left a dotfile, "." or "..": the folder itself, or uploads/.
    ['a space then two dots', ' ..', undefined],
    ['a space then a dot', ' .', undefined],
    ['a space then a dotfile', ' .bashrc', 'bashrc'],
    ['an ideographic space then a dotfile', '\u3000.ssh', 'ssh'],
    ['dots and spaces in turn', '. . .profile', 'profile'],
    ['a no-break space and a BOM', '\u00a0\ufeff.env\u00a0', 'env'],
    ['trailing dots and spaces (Windows drops them)', 'a.png. . ', 'a.png'],
    ['a path ending in ..', 'x/ ..', undefined],
    ['a Windows device name', 'CON', '_CON'],
    ['a device name with an extension', 'nul.txt', '_nul.txt'],
    ['a device name in lower case with two extensions', 'com1.tar.gz', '_com1.tar.gz'],
    ['a device name before a space', 'LPT9 .png', '_LPT9 .png'],
    ['the console input device', 'CONIN$.log', '_CONIN$.log'],
    ['a name that only starts like a device', 'console.png', 'console.png'],
    ['a right-to-left override posing as a .png', 'invoice\u202Egnp.exe', 'invoice_gnp.exe'],
    ['an isolate and marks', 'a\u2066b\u2069\u200e\u200f.png', 'a_b___.png'],
  ])('%s: %j → %j', (_why, raw, expected) => expect(safeUploadName(raw)).toBe(expected));

  it.each([
    ['a long name', `${'a'.repeat(300)}.png`],
    ['a long unicode name', `${'ф'.repeat(300)}.JPEG`],
    ['a name long only in bytes', `${'é'.repeat(150)}.png`],
    ['a name of four-byte characters', `${'😀'.repeat(80)}.wav`],
    ['a long name with spaces before the extension', `${'a'.repeat(195)}      .wav`],
    ['a long name without an extension', 'b'.repeat(300)],
    ['a name of two-byte characters without an extension', 'é'.repeat(150)],
  ])('cuts %s to 200 bytes, never through the extension nor a character', (_why, raw) => {
    const name = safeUploadName(raw) ?? '';
    expect(Buffer.byteLength(name)).toBeLessThanOrEqual(200);
    expect(Buffer.byteLength(name)).toBeGreaterThan(190);
    expect(extensionOf(name)).toBe(extensionOf(raw));
    // Cut between characters: no lone surrogate, no replacement character.
    expect(name).toBe(Buffer.from(name).toString('utf8'));
    expect(raw.startsWith(name.slice(0, name.length - extensionOf(raw).length - 2))).toBe(true);
  });
});
