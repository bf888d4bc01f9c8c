import { describe, expect, it } from 'vitest';
import type { RuntimeInfo, RuntimeStatus } from '../../common/runtimes.js';
import { isRunning, progressText, runtimePercent, shownRuntimes } from './offer.js';

function info(status: RuntimeStatus, receivedBytes = 0, downloadBytes = 319_529_122): RuntimeInfo {
  return { id: 'cuda', name: 'CUDA build of llama.cpp', status, text: '', downloadBytes, receivedBytes, path: null, error: null };
}

describe('the runtimes section', () => {
  it.each([
    ['not-needed', false, false],
    ['bundled', false, false],
    ['offered', true, false],
    ['downloading', true, true],
    ['installing', true, true],
    ['installed', true, false],
  ] as const)('%s: shown %s, asks again %s', (status, shown, running) => {
    expect(shownRuntimes([info(status)]).length === 1).toBe(shown);
    expect(isRunning(info(status))).toBe(running);
  });

  it.each([
    [0, 100, 0],
    [50, 100, 50],
    [99.9, 100, 99],
    [150, 100, 100],
    [-5, 100, 0],
    [10, 0, null],
  ])('%d of %d bytes is %s%', (received, total, percent) => {
    expect(runtimePercent(info('downloading', received, total))).toBe(percent);
  });

  it('says how much of the download has come, then that it is being unpacked', () => {
    expect(progressText(info('downloading', 142_850_036))).toBe('142.9 MB of 319.5 MB');
    expect(progressText(info('installing', 319_529_122))).toBe('Checking and unpacking…');
  });
});
