import { describe, expect, it } from 'vitest';
import { jobConfig, OcrConfig } from './config.js';

const loaded = OcrConfig.parse({ model: 'standard' });

describe('ocr settings', () => {
  it('defaults to the settings the corpus chose', () => {
    expect(OcrConfig.parse({})).toEqual({
      model: 'best',
      pageSegMode: 'auto',
      language: 'eng',
      preprocess: 'adaptive-threshold',
    });
  });

  it.each(['eng', 'deu', 'fra', 'spa', 'eng+deu', 'eng+fra', 'eng+spa'])('accepts language %s', (language) => {
    expect(OcrConfig.parse({ language }).language).toBe(language);
  });

  it.each([
    { language: 'ita' },
    { language: 'deu+eng' },
    { language: 'eng+' },
    { language: 'ENG' },
    { preprocess: 'sauvola' },
    { preprocess: true },
    { model: 'fast' },
    { pageSegMode: '3' },
  ])('rejects %j', (bad) => {
    expect(OcrConfig.safeParse(bad).success).toBe(false);
  });
});

describe('ocr per-job settings', () => {
  it('lays params over the loaded settings, keeping what they leave out', () => {
    expect(jobConfig(loaded, {})).toEqual({ ok: true, value: loaded });
    expect(jobConfig(loaded, { pageSegMode: 'single-line' })).toEqual({
      ok: true,
      value: { ...loaded, pageSegMode: 'single-line' },
    });
    expect(jobConfig(loaded, { preprocess: 'none' })).toEqual({ ok: true, value: { ...loaded, preprocess: 'none' } });
    expect(jobConfig(loaded, { model: 'standard', language: 'eng' })).toEqual({ ok: true, value: loaded });
  });

  it.each([
    [{ pageSegMode: 'sideways' }, /pageSegMode/],
    [{ pageSegMode: 7 }, /pageSegMode/],
    [{ preprocess: 'blur' }, /preprocess/],
    [{ model: 'best' }, /model cannot change for a single job/],
    [{ model: 'fast' }, /model/],
    [{ language: 'deu' }, /language cannot change for a single job/],
    [{ language: 'klingon' }, /language/],
    [{ lang: 'eng' }, /lang/],
  ])('rejects %j', (params, message) => {
    const out = jobConfig(loaded, params);
    expect(!out.ok && out.error.message).toMatch(message);
  });
});
