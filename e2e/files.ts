/** Test inputs: text rendered to PNG by ImageMagick (Debian's, not a stand-in), and drop simulation. */
import { execFileSync } from 'node:child_process';
import type { Page } from '@playwright/test';

export const CONVERT = '/usr/bin/convert';

export function textPng(lines: string[]): Buffer {
  return execFileSync(CONVERT, [
    '-size',
    '900x',
    '-background',
    'white',
    '-fill',
    'black',
    '-font',
    'DejaVu-Sans',
    '-pointsize',
    '36',
    `caption:${lines.join('\n')}`,
    '-bordercolor',
    'white',
    '-border',
    '30',
    'png:-',
  ]);
}

export interface DropFile {
  name: string;
  bytes: Buffer;
  type?: string;
}

/** Dispatches a real drop on the window: a DataTransfer built in the page from File objects. */
export async function dropFiles(page: Page, files: DropFile[]): Promise<void> {
  const dt = await page.evaluateHandle(
    (list) => {
      const transfer = new DataTransfer();
      for (const f of list) {
        const bin = atob(f.b64);
        const bytes = new Uint8Array(bin.length);
        for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
        transfer.items.add(new File([bytes], f.name, { type: f.type }));
      }
      return transfer;
    },
    files.map((f) => ({ name: f.name, b64: f.bytes.toString('base64'), type: f.type ?? 'application/octet-stream' })),
  );
  await page.dispatchEvent('main', 'dragenter', { dataTransfer: dt });
  await page.dispatchEvent('main', 'dragover', { dataTransfer: dt });
  await page.dispatchEvent('main', 'drop', { dataTransfer: dt });
}

export function slowFile(name: string, ticks: number, delayMs: number): DropFile {
  return { name, bytes: Buffer.from(JSON.stringify({ ticks, delayMs })) };
}
