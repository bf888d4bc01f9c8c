/** What the browser binding refuses to send: a request over hearth serve's frame limit gets a reason, not a closed socket. */
import { describe, expect, it } from 'vitest';
import { BRIDGE } from '../../common/bridge.js';
import { tooLargeToSend } from './web-binding.js';

describe('tooLargeToSend', () => {
  it('lets a request within the limit through', () => {
    expect(tooLargeToSend('submit', JSON.stringify({ files: [{ path: '/u/a.png', pluginId: 'ocr' }] }))).toBeUndefined();
    expect(tooLargeToSend('submit', 'x'.repeat(BRIDGE.requestMaxBytes))).toBeUndefined();
  });

  it('answers one over it, counted in UTF-8 bytes, with what to do', () => {
    // 9 million é: 9 million UTF-16 units, under the limit as characters, 18 000 000 bytes as UTF-8.
    const out = tooLargeToSend('submit', 'é'.repeat(9_000_000));
    expect(out).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(out && !out.ok && out.error.message).toMatch(
      /submit request is 17\.2 MB, more than hearth serve takes at once \(16 MB\) — add fewer files/,
    );
  });
});
