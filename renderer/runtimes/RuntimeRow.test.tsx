/** What the runtimes section shows in each state, rendered by React (to markup: no DOM here). */
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { RuntimeInfo } from '../../common/runtimes.js';
import { RuntimeRow } from './RuntimesSection.js';

const OFFER = 'Text generation can use your NVIDIA RTX A6000 with the CUDA build — a 319.5 MB download.';

function row(over: Partial<RuntimeInfo>): string {
  const info: RuntimeInfo = {
    id: 'cuda',
    name: 'CUDA build of llama.cpp',
    status: 'offered',
    text: OFFER,
    downloadBytes: 319_529_122,
    receivedBytes: 0,
    path: null,
    error: null,
    ...over,
  };
  return renderToStaticMarkup(<RuntimeRow r={info} onChange={() => undefined} />);
}

describe('RuntimeRow', () => {
  it('offers the download with the GPU and its size, and nothing else', () => {
    const html = row({});
    expect(html).toContain(OFFER);
    expect(html).toMatch(/<button[^>]*>Download<\/button>/);
    expect(html).not.toContain('Cancel');
    expect(html).not.toContain('role="progressbar"');
    expect(html).not.toContain('role="alert"');
  });

  it('shows progress and Cancel while downloading', () => {
    const html = row({
      status: 'downloading',
      receivedBytes: 156_000_000,
      text: 'Downloading the CUDA build — 156.0 MB of 319.5 MB',
    });
    expect(html).toMatch(/role="progressbar"[^>]*aria-valuenow="48"/);
    expect(html).toContain('156.0 MB of 319.5 MB');
    expect(html).toMatch(/<button[^>]*aria-label="Cancel download of the CUDA build of llama.cpp"[^>]*>Cancel<\/button>/);
    expect(html).not.toContain('>Download<');
  });

  it('says it is unpacking, without a percentage, once the bytes are in', () => {
    const html = row({ status: 'installing', receivedBytes: 319_529_122 });
    expect(html).toContain('Checking and unpacking…');
    expect(html).not.toContain('aria-valuenow');
    expect(html).not.toContain('Cancel');
  });

  it('offers it again after a failure, saying why and what to do', () => {
    const message = 'The server answered 503 Service Unavailable — the server has a problem — try again later';
    const html = row({ error: { code: 'DOWNLOAD_FAILED', message } });
    expect(html).toContain(`role="alert">The last download did not finish: ${message}</p>`);
    expect(html).toMatch(/>Download<\/button>/);
  });

  it('says when it is installed, with no button', () => {
    const html = row({
      status: 'installed',
      path: '/data/runtimes/node-llama-cpp/3.21.1',
      text: 'The CUDA build is downloaded.',
    });
    expect(html).toContain('>Installed</span>');
    expect(html).not.toContain('<button');
  });
});
