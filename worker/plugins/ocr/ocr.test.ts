import { mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { drain, failureOf, fakeLoadContext, fakeRunContext, pathInput, streamOf } from '../../../test/support/plugin-harness.js';
import { PluginError, type PluginInput, type PluginInstance, type RunContext } from '../../sdk/index.js';
import ocr, { type OcrChunk, type OcrResult } from './index.js';
import { normalise, renderText } from '../../../test/support/ocr-images.js';
import sharp from 'sharp';

const LINES = ['Hearth reads this line.', 'The quick brown fox jumps', 'over 12 lazy dogs.'];

let dir: string;
let instance: PluginInstance<OcrResult, OcrChunk>;
/** How many engines tesseract.js has been asked for, observed on the real module. */
let createWorkerCalls: () => number;
const loadCtx = fakeLoadContext();

function tiffOf(lines: string[]): string {
  const tif = join(dir, 'cut.tif');
  execFileSync('/usr/bin/convert', [renderText(dir, 'cut.png', lines), '-compress', 'Zip', tif]);
  return tif;
}

/** A job on the loaded engine; OCR must stream. */
function generatorOf(input: PluginInput, ctx?: RunContext) {
  return streamOf(instance, input, ctx);
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'hearth-ocr-'));
  const tesseract = (await import('tesseract.js')).default;
  const spy = vi.spyOn(tesseract, 'createWorker');
  createWorkerCalls = () => spy.mock.calls.length;
  instance = await ocr.load(ocr.configSchema.parse({}), loadCtx);
});

afterAll(async () => {
  await instance?.unload();
  rmSync(dir, { recursive: true, force: true });
});

describe('ocr definition', () => {
  it('has a settings schema where every field has a default', () => {
    expect(ocr.configSchema.parse({})).toEqual({
      model: 'best',
      pageSegMode: 'auto',
      language: 'eng',
      preprocess: 'adaptive-threshold',
    });
    const schema = z.toJSONSchema(ocr.configSchema, { io: 'input' }) as { properties: Record<string, { default?: unknown }> };
    for (const [key, prop] of Object.entries(schema.properties)) expect(prop.default, key).toBeDefined();
  });

  it.each([{ model: 'fast' }, { pageSegMode: '3' }, { language: 'ita' }, { colour: 'red' }])('rejects config %j', (bad) => {
    expect(ocr.configSchema.safeParse(bad).success).toBe(false);
  });

  it('reports that it runs on the CPU through WASM', () => {
    expect(loadCtx.recorded.devices).toEqual([{ device: 'cpu (WASM)', note: undefined }]);
    expect(loadCtx.recorded.progress.length).toBeGreaterThan(0);
  });
});

describe('ocr run', () => {
  it('reads rendered text, streaming one chunk per line before it returns', async () => {
    const png = renderText(dir, 'lines.png', LINES);
    const ctx = fakeRunContext();
    const gen = generatorOf(pathInput(png), ctx);
    const first = await gen.next();
    expect(first.done).toBe(false);
    expect(normalise((first.value as OcrChunk).text)).toBe(normalise(LINES[0] ?? ''));
    const rest = await drain(gen);
    const chunks = [first.value as OcrChunk, ...rest.chunks];
    expect(chunks.map((c) => normalise(c.text))).toEqual(LINES.map(normalise));
    // Appended as they arrive, the chunks print as lines.
    expect(chunks.every((c) => c.text.endsWith('\n'))).toBe(true);
    expect(normalise(rest.result?.text ?? '')).toBe(normalise(LINES.join('\n')));
    expect(rest.result?.confidence).toBeGreaterThan(60);
    expect(ctx.recorded.progress.at(-1)?.[0]).toBe(1);
  });

  it('gives each line its own confidence and place on the page, the lines joined being the text', async () => {
    const png = renderText(dir, 'per-line.png', LINES);
    const { chunks, result } = await drain(generatorOf(pathInput(png)));
    const lines = result?.lines ?? [];
    expect(lines.map((l) => normalise(l.text))).toEqual(LINES.map(normalise));
    expect(lines.map((l) => l.text).join('\n')).toBe(
      result?.text
        .split('\n')
        .map((l) => l.trim())
        .filter(Boolean)
        .join('\n'),
    );
    // The stream is unchanged: one chunk per line, the line's text.
    expect(chunks.map((c) => c.text)).toEqual(lines.map((l) => `${l.text}\n`));
    for (const line of lines) {
      expect(typeof line.confidence).toBe('number');
      expect(line.confidence).toBeGreaterThanOrEqual(0);
      expect(line.confidence).toBeLessThanOrEqual(100);
    }
    // Clean rendered text reads with high confidence; the boxes go down the page in order.
    expect(Math.min(...lines.map((l) => l.confidence))).toBeGreaterThan(60);
    const tops = lines.map((l) => l.bbox?.y0 ?? -1);
    expect(tops.every((y, i) => y >= 0 && (i === 0 || y > (tops[i - 1] ?? 0)))).toBe(true);
  });

  it('marks a smudged line with a lower confidence than a clean one', async () => {
    const clean = renderText(dir, 'clean.png', ['Clearly printed words']);
    const smudged = join(dir, 'smudged.png');
    // Blur and noise: Tesseract still reads something, and says it is less sure.
    execFileSync('/usr/bin/convert', [clean, '-seed', '7', '-blur', '0x3', '-attenuate', '0.6', '+noise', 'Gaussian', smudged]);
    const a = (await drain(generatorOf(pathInput(clean)))).result?.lines ?? [];
    const b = (await drain(generatorOf(pathInput(smudged)))).result?.lines ?? [];
    expect(a.length).toBeGreaterThan(0);
    const worst = Math.min(...b.map((l) => l.confidence), 100);
    expect(worst).toBeLessThan(Math.min(...a.map((l) => l.confidence)));
  });

  it('reuses the loaded engine for the next job, from bytes as well as paths', async () => {
    const jpg = join(dir, 'again.jpg');
    execFileSync('/usr/bin/convert', [renderText(dir, 'again.png', ['Second job here']), jpg]);
    const before = createWorkerCalls();
    const { result } = await drain(generatorOf({ kind: 'bytes', bytes: readFileSync(jpg), name: 'again.jpg', ext: 'jpg' }));
    expect(normalise(result?.text ?? '')).toBe('second job here');
    expect(createWorkerCalls()).toBe(before);
  });

  // LZW TIFF the engine reads itself; Deflate and JPEG TIFF, GIF, AVIF go through sharp; BMP and PNM only the engine reads.
  it.each([
    ['webp', []],
    ['bmp', []],
    ['tif', ['-compress', 'LZW']],
    ['tif', ['-compress', 'Zip']],
    ['tif', ['-compress', 'JPEG']],
    ['gif', []],
    ['pbm', []],
    ['pgm', []],
    ['ppm', []],
  ])('reads %s images %j', async (ext, options) => {
    const out = join(dir, `format-${options.join('')}.${ext}`);
    execFileSync('/usr/bin/convert', [renderText(dir, `format-${ext}.png`, ['Format check']), ...options, out]);
    const { result } = await drain(generatorOf(pathInput(out)));
    expect(normalise(result?.text ?? '')).toBe('format check');
    expect(result?.pages).toEqual([{ page: 1, text: result?.text, confidence: result?.confidence, source: 'ocr' }]);
  });

  it('reads AVIF (HEIF) images through sharp', async () => {
    const out = join(dir, 'format.avif');
    await sharp(renderText(dir, 'format-avif.png', ['Format check']))
      .avif({ quality: 90 })
      .toFile(out);
    const { result } = await drain(generatorOf(pathInput(out)));
    expect(normalise(result?.text ?? '')).toBe('format check');
  });

  it('honours a per-job page segmentation mode, for that job only, and rejects an unknown one', async () => {
    const png = renderText(dir, 'modes.png', LINES);
    // Read as one line, three lines of text cannot come out right: proof the mode reached the engine.
    const asLine = await drain(generatorOf(pathInput(png), fakeRunContext(undefined, { pageSegMode: 'single-line' })));
    expect(normalise(asLine.result?.text ?? '')).not.toBe(normalise(LINES.join(' ')));
    const asPage = await drain(generatorOf(pathInput(png)));
    expect(normalise(asPage.result?.text ?? '')).toBe(normalise(LINES.join(' ')));
    const e = await failureOf(drain(generatorOf(pathInput(png), fakeRunContext(undefined, { pageSegMode: 'sideways' }))));
    expect(e.code).toBe('INVALID_CONFIG');
  });

  const corrupt: Array<[string, () => Uint8Array]> = [
    ['text named .png', () => new TextEncoder().encode('definitely not an image')],
    ['empty file', () => new Uint8Array(0)],
    ['truncated PNG', () => readFileSync(renderText(dir, 'whole.png', ['cut short'])).subarray(0, 120)],
    ['truncated TIFF', () => readFileSync(tiffOf(['cut short'])).subarray(0, 300)],
    ['damaged PDF', () => new TextEncoder().encode('%PDF-1.4\n1 0 obj << /Type /Catalog >> nonsense')],
  ];
  it.each(corrupt)('rejects a %s as INVALID_INPUT with a clear message', async (label, make) => {
    const path = join(dir, `corrupt-${label.replace(/\W+/g, '-')}.png`);
    writeFileSync(path, make());
    const e = await failureOf(drain(generatorOf(pathInput(path))));
    expect(e.code).toBe('INVALID_INPUT');
    expect(e.message).toContain(basename(path));
  });

  it('says so when the file is missing, or the input is text', async () => {
    expect((await failureOf(drain(generatorOf(pathInput(join(dir, 'nope.png')))))).code).toBe('INVALID_INPUT');
    expect(await failureOf(drain(generatorOf({ kind: 'text', text: 'hi' })))).toMatchObject({ code: 'UNSUPPORTED_INPUT' });
  });

  it('stops while recognising when the job is cancelled, and the engine still works after', async () => {
    const png = renderText(dir, 'cancel.png', LINES);
    const controller = new AbortController();
    const ctx = fakeRunContext(controller.signal);
    // Cancel once the engine says it is part-way through this very page.
    ctx.progress = (fraction, message) => {
      if (message === 'recognizing text' && fraction !== null && fraction > 0) controller.abort();
    };
    const e = await failureOf(drain(generatorOf(pathInput(png), ctx)));
    expect(controller.signal.aborted).toBe(true);
    expect(e.code).toBe('CANCELLED');
    const { result } = await drain(generatorOf(pathInput(png)));
    expect(normalise(result?.text ?? '')).toBe(normalise(LINES.join(' ')));
  });

  it('stops between lines when the job is cancelled mid-stream', async () => {
    const png = renderText(dir, 'cancel2.png', LINES);
    const controller = new AbortController();
    const gen = generatorOf(pathInput(png), fakeRunContext(controller.signal));
    expect((await gen.next()).done).toBe(false);
    controller.abort();
    expect((await failureOf(gen.next())).code).toBe('CANCELLED');
  });

  it('reads the bundled sample image shown to new users', async () => {
    const sample = fileURLToPath(new URL('../../../assets/sample.png', import.meta.url));
    const { result } = await drain(generatorOf(pathInput(sample)));
    expect(normalise(result?.text ?? '')).toBe('welcome to hearth. this text was read on your own machine, and nothing left it.');
  });

  it('created exactly one engine for all of the above', () => {
    expect(createWorkerCalls()).toBe(1);
  });

  it('frees the engine on unload and refuses to run after', async () => {
    const other = await ocr.load(ocr.configSchema.parse({ model: 'standard' }), fakeLoadContext());
    const png = renderText(dir, 'std.png', ['Standard model']);
    const { result } = await drain(streamOf(other, pathInput(png)));
    expect(normalise(result?.text ?? '')).toBe('standard model');
    await other.unload();
    expect(() => other.run(pathInput(png), fakeRunContext())).toThrow(PluginError);
  });
});
