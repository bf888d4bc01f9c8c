import { describe, expect, it } from 'vitest';
import { outputName, safeName } from './naming.js';

describe('outputName', () => {
  it.each([
    ['scan-004.png', 'ocr', 'txt', 'scan-004.ocr.txt'],
    ['/home/ann/scans/scan-004.png', 'ocr', 'json', 'scan-004.ocr.json'],
    ['C:\\Users\\Ann\\interview.wav', 'transcribe', 'srt', 'interview.srt'],
    ['interview.wav', 'transcribe', 'vtt', 'interview.vtt'],
    ['interview.wav', 'transcribe', 'txt', 'interview.transcribe.txt'],
    ['talk.mp3', 'vad', 'csv', 'talk.vad.csv'],
    ['my.holiday.notes.wav', 'vad', 'txt', 'my.holiday.notes.vad.txt'],
    ['archive.tar.gz', 'mine', 'json', 'archive.tar.mine.json'],
    ['Summarise this', 'llm', 'md', 'Summarise this.llm.md'],
    ['folder/', 'ocr', 'txt', 'folder.ocr.txt'],
    ['', 'ocr', 'txt', 'output.ocr.txt'],
    ['...', 'ocr', 'txt', 'output.ocr.txt'],
    ['.env', 'llm', 'txt', 'env.llm.txt'],
    ['../../etc/passwd', 'ocr', 'txt', 'passwd.ocr.txt'],
    ['a:b*c?"d"<e>|f.png', 'ocr', 'txt', 'a_b_c__d__e__f.ocr.txt'],
    ['tab\there\u0000nul.wav', 'vad', 'csv', 'tab_here_nul.vad.csv'],
    ['trailing. . .png', 'ocr', 'txt', 'trailing.ocr.txt'],
    ['CON.png', 'ocr', 'txt', 'CON_.ocr.txt'],
    ['nul', 'transcribe', 'srt', 'nul_.srt'],
    ['com1.wav', 'vad', 'csv', 'com1_.vad.csv'],
    ['lpt9.report.png', 'ocr', 'txt', 'lpt9_.report.ocr.txt'],
    ['console.png', 'ocr', 'txt', 'console.ocr.txt'],
    ['scan.png', 'evil/../plugin', 'txt', 'scan.evil_.._plugin.txt'],
    ['scan.png', 'ocr', '../txt', 'scan.ocr._txt'],
  ])('%j + %s/%s → %j', (source, pluginId, format, expected) => {
    expect(outputName(source, pluginId, format)).toBe(expected);
  });

  it('keeps a long name under the file systems’ 255 bytes without splitting a character', () => {
    const name = outputName(`${'日本語'.repeat(100)}.png`, 'transcribe', 'json');
    expect(new TextEncoder().encode(name).length).toBeLessThanOrEqual(255 - ' (9999)'.length);
    expect(name).toMatch(/^(日本語)+日?本?\.transcribe\.json$/);
    expect(name).not.toContain('\uFFFD');
  });

  it('writes accented names in one Unicode form (NFC), as macOS and Linux then agree', () => {
    expect(outputName('Cafe\u0301.png', 'ocr', 'txt')).toBe('Caf\u00e9.ocr.txt');
  });
});

describe('safeName', () => {
  it.each([
    ['normal', 'normal'],
    ['  spaced  ', 'spaced'],
    ['a/b\\c', 'a_b_c'],
    ['aux', 'aux_'],
    ['AUX.tar', 'AUX_.tar'],
    ['conout$', 'conout$_'],
    ['COM¹', 'COM¹_'],
    ['name. ', 'name'],
    ['\u007f', '_'],
  ])('%j → %j', (input, expected) => {
    expect(safeName(input)).toBe(expected);
  });
});
