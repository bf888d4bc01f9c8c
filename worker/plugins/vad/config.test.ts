import { describe, expect, it } from 'vitest';
import { jobConfig, VadConfig } from './config.js';

const loaded = VadConfig.parse({ threshold: 0.7, device: 'cpu' });

describe('vad per-job settings', () => {
  it('lays params over the loaded settings, keeping what they leave out', () => {
    expect(jobConfig(loaded, {})).toEqual({ ok: true, value: loaded });
    expect(jobConfig(loaded, { padMs: 5, threshold: 0.4 })).toEqual({ ok: true, value: { ...loaded, padMs: 5, threshold: 0.4 } });
    expect(jobConfig(loaded, { device: 'cpu' })).toEqual({ ok: true, value: loaded });
  });

  it.each([
    [{ thresold: 0.4 }, /thresold/],
    [{ threshold: 2 }, /threshold/],
    [{ threshold: '0.4' }, /threshold/],
    [{ minSpeechMs: 1.5 }, /minSpeechMs/],
    [{ padMs: -1 }, /padMs/],
    [{ device: 'cuda' }, /device cannot change for a single job/],
    [{ device: 'tpu' }, /device/],
  ])('rejects %j', (params, message) => {
    const out = jobConfig(loaded, params);
    expect(!out.ok && out.error.message).toMatch(message);
  });
});
