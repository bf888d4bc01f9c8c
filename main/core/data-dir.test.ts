import { describe, expect, it } from 'vitest';
import { resolveDataDir } from './data-dir.js';

describe('resolveDataDir', () => {
  it.each<[string, Parameters<typeof resolveDataDir>[0], string]>([
    ['the flag wins', { flag: '/x/flag', env: { HEARTH_DATA_DIR: '/x/env' } }, '/x/flag'],
    ['then HEARTH_DATA_DIR', { env: { HEARTH_DATA_DIR: '/x/env' } }, '/x/env'],
    ['Linux with XDG_DATA_HOME', { env: { XDG_DATA_HOME: '/x/xdg' }, platform: 'linux', home: '/home/u' }, '/x/xdg/hearth'],
    ['Linux without', { env: {}, platform: 'linux', home: '/home/u' }, '/home/u/.local/share/hearth'],
    ['macOS', { env: {}, platform: 'darwin', home: '/Users/u' }, '/Users/u/Library/Application Support/Hearth'],
    ['Windows', { env: { APPDATA: '/c/AppData/Roaming' }, platform: 'win32', home: '/c/u' }, '/c/AppData/Roaming/Hearth'],
  ])('%s', (_name, inputs, expected) => {
    expect(resolveDataDir(inputs)).toBe(expected);
  });
});
