/** The move of the userData folder Electron named after the package ("hearth") to the product's name ("Hearth"). */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { adoptLegacyDataFolder } from './legacy-data.js';

let appData: string;
const logs: string[] = [];
beforeEach(() => {
  appData = mkdtempSync(join(tmpdir(), 'hearth-appdata-'));
  logs.length = 0;
});
afterEach(() => rmSync(appData, { recursive: true, force: true }));

describe('the old userData folder', () => {
  it("is moved to the new name when only it exists and it is Hearth's", () => {
    const legacy = join(appData, 'hearth');
    mkdirSync(legacy);
    writeFileSync(join(legacy, 'settings.json'), '{"version":1}');
    adoptLegacyDataFolder(join(appData, 'Hearth'), legacy, (m) => logs.push(m));
    expect(readFileSync(join(appData, 'Hearth', 'settings.json'), 'utf8')).toBe('{"version":1}');
    expect(existsSync(legacy)).toBe(false);
    expect(logs).toEqual([expect.stringContaining('moved')]);
  });

  it("is left alone when the new folder exists, or when it holds nothing of Hearth's", () => {
    const legacy = join(appData, 'hearth');
    mkdirSync(legacy);
    writeFileSync(join(legacy, 'settings.json'), 'old');
    mkdirSync(join(appData, 'Hearth'));
    adoptLegacyDataFolder(join(appData, 'Hearth'), legacy, (m) => logs.push(m));
    expect(existsSync(join(legacy, 'settings.json'))).toBe(true);
    expect(existsSync(join(appData, 'Hearth', 'settings.json'))).toBe(false);

    const other = join(appData, 'other');
    mkdirSync(other);
    writeFileSync(join(other, 'notes.txt'), 'not ours');
    adoptLegacyDataFolder(join(appData, 'Other'), other, (m) => logs.push(m));
    expect(existsSync(join(appData, 'Other'))).toBe(false);
    expect(logs).toEqual([]);
  });
});
