import { describe, expect, it } from 'vitest';
import { isIgnoredName } from './file-filter.js';

describe('isIgnoredName', () => {
  it.each([
    ['.DS_Store', true],
    ['.hidden.png', true],
    ['scan.png.part', true],
    ['movie.mp4.crdownload', true],
    ['notes.txt~', true],
    ['report.docx.TMP', true],
    ['~$report.docx', true],
    ['.notes.txt.swp', true],
    ['state.json.tmp-1234', true],
    ['/in/folder/.git', true],
    ['scan.png', false],
    ['/in/folder/scan-004.PNG', false],
    ['party.wav', false],
    ['tmp.txt', false],
    ['no-extension', false],
  ])('%s → %s', (name, ignored) => {
    expect(isIgnoredName(name)).toBe(ignored);
  });
});
