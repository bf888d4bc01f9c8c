/** Small fakes and fixtures shared by the OCR tests (a real engine, fake contexts at the edges). */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import type { LoadContext, PluginLogger, RunContext } from '../../sdk/index.js';

export const DEJAVU_SANS = '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf';

export interface Recorded {
  progress: Array<[number | null, string | undefined]>;
  devices: Array<[string, string | undefined]>;
  logs: string[];
}

function logger(into: string[]): PluginLogger {
  const at = (level: string) => (message: string) => void into.push(`${level}: ${message}`);
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

export function fakeLoadContext(): LoadContext & { recorded: Recorded } {
  const recorded: Recorded = { progress: [], devices: [], logs: [] };
  return {
    recorded,
    signal: new AbortController().signal,
    log: logger(recorded.logs),
    progress: (fraction, message) => void recorded.progress.push([fraction, message]),
    reportDevice: (device, note) => void recorded.devices.push([device, note]),
    dataDir: '/nonexistent-hearth-data',
  };
}

export function fakeRunContext(
  signal: AbortSignal = new AbortController().signal,
  params: Record<string, unknown> = {},
): RunContext & { recorded: Recorded } {
  const recorded: Recorded = { progress: [], devices: [], logs: [] };
  return {
    recorded,
    signal,
    params,
    jobId: `job-${Math.random().toString(36).slice(2)}`,
    log: logger(recorded.logs),
    progress: (fraction, message) => void recorded.progress.push([fraction, message]),
  };
}

/** Renders lines of text to an image with ImageMagick (Debian's, not the stand-in) and DejaVu Sans. */
export function renderText(dir: string, name: string, lines: string[], pointsize = 40): string {
  const out = join(dir, name);
  const height = 60 + lines.length * pointsize * 1.8;
  const args = ['-size', `1000x${Math.round(height)}`, 'xc:white', '-font', DEJAVU_SANS, '-pointsize', String(pointsize), '-fill', 'black'];
  lines.forEach((line, i) => args.push('-annotate', `+30+${Math.round(30 + pointsize * 1.2 + i * pointsize * 1.8)}`, line));
  execFileSync('/usr/bin/convert', [...args, out]);
  return out;
}

/** Case and whitespace do not count: Tesseract may join or split spaces differently. */
export function normalise(text: string): string {
  return text.toLowerCase().replace(/\s+/g, ' ').trim();
}
