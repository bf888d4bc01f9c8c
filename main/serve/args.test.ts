import { describe, expect, it } from 'vitest';
import { DEFAULT_MAX_UPLOAD_BYTES, parseServeArgs } from './args.js';
import { isLoopbackHost } from './loopback.js';

describe('parseServeArgs', () => {
  it('defaults to loopback, a free port and the 2 GiB cap', () => {
    expect(parseServeArgs([])).toEqual({
      ok: true,
      value: { host: '127.0.0.1', port: 0, dataDir: undefined, maxUploadBytes: DEFAULT_MAX_UPLOAD_BYTES, hostGiven: false },
    });
  });
  it('reads every flag, in both spellings', () => {
    const r = parseServeArgs(['--host=0.0.0.0', '--port', '8080', '--data-dir', '/d', '--max-upload-mb=5']);
    expect(r).toEqual({
      ok: true,
      value: { host: '0.0.0.0', port: 8080, dataDir: '/d', maxUploadBytes: 5 * 1024 * 1024, hostGiven: true },
    });
  });
  it.each([
    [['--port', '70000']],
    [['--port', '-1']],
    [['--port', '1e3']],
    [['--port']],
    [['--host']],
    [['--data-dir']],
    [['--max-upload-mb', '0']],
    [['--max-upload-mb', 'lots']],
    [['--bogus']],
    [['extra-positional']],
  ])('refuses %j', (argv) => {
    expect(parseServeArgs(argv).ok).toBe(false);
  });
  it('answers a mistyped flag with the one it is close to', () => {
    const r = parseServeArgs(['--prot', '80']);
    expect(r.ok ? '' : r.error.message.split('\n')[0]).toBe('hearth serve: unknown option --prot — did you mean --port?');
  });
});

describe('isLoopbackHost', () => {
  it.each([
    ['127.0.0.1', true],
    ['127.1.2.3', true],
    ['localhost', true],
    ['::1', true],
    ['[::1]', true],
    ['0.0.0.0', false],
    ['192.168.1.5', false],
    ['::', false],
    ['localhost.evil.com', false],
    ['127.0.0.1.nip.io', false],
  ])('%s → %s', (host, expected) => expect(isLoopbackHost(host)).toBe(expected));
});
