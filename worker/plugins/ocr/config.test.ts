import { describe, expect, it } from 'vitest';
import { jobConfig, OcrConfig } from './config.js';

const loaded = OcrConfig.parse({ model: 'standard' });

describe('ocr per-job settings', () => {
  it('lays params over the loaded settings, keeping what they leave out', () => {
    expect(jobConfig(loaded, {})).toEqual({ ok: true, value: loaded });
    expect(jobConfig(loaded, { pageSegMode: 'single-line' })).toEqual({
      ok: true,
      value: { ...loaded, pageSegMode: 'single-line' },
    });
    expect(jobConfig(loaded, { model: 'standard', language: 'eng' })).toEqual({ ok: true, value: loaded });
  });

  it.each([
    [{ pageSegMode: 'sideways' }, /pageSegMode/],
    [{ pageSegMode: 7 }, /pageSegMode/],
    [{ model: 'best' }, /model cannot change for a single job/],
    [{ model: 'fast' }, /model/],
    [{ language: 'deu' }, /language/],
    [{ lang: 'eng' }, /lang/],
  ])('rejects %j', (params, message) => {
    const out = jobConfig(loaded, params);
    expect(!out.ok && out.error.message).toMatch(message);
  });
});
