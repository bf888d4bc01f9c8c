/**
 * Character error rate and time per page of Hearth's OCR on real scans with ground truth
 * (test/fixtures/ocr-corpus, Tesseract's own test pages), against tesseract.js called directly
 * with its defaults on the same decoded pixels. Run: `node --import tsx bench/ocr-corpus.ts`
 * (`--runs N`, default 3; `--json`).
 *
 * Hearth runs through the plugin itself (load, run, unload, as the worker does), so decoding,
 * orientation checks and settings all count. CER is the edit distance between the text read and
 * the ground truth over the ground truth's length, both with runs of whitespace folded to one
 * space (line breaks are layout, not characters read). One more page is made at bench time from
 * phototest.tif: the same page as a phone sees it, unevenly lit and soft (issue 12).
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import Tesseract from 'tesseract.js';
import type { LoadContext, PluginInput, RunContext } from '../worker/sdk/index.js';
import ocr from '../worker/plugins/ocr/index.js';
import { OcrConfig } from '../worker/plugins/ocr/config.js';
import { createOcrEngine, languageDataPath } from '../worker/plugins/ocr/engine.js';

const CORPUS = fileURLToPath(new URL('../test/fixtures/ocr-corpus/', import.meta.url));

/** Levenshtein distance, two rows. */
export function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  let cur = new Array<number>(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const sub = (prev[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      cur[j] = Math.min((prev[j] ?? 0) + 1, (cur[j - 1] ?? 0) + 1, sub);
    }
    [prev, cur] = [cur, prev];
  }
  return prev[b.length] ?? 0;
}

const fold = (text: string) => text.replace(/\s+/g, ' ').trim();
export function cer(read: string, truth: string): number {
  return editDistance(fold(read), fold(truth)) / fold(truth).length;
}

interface Page {
  name: string;
  path: string;
  truth: string;
}

/** The page as a phone sees it in a dim room lit from the right; the same transform as engine.test.ts. */
async function unevenlyLit(from: string, to: string): Promise<void> {
  const { data, info } = await sharp(from).resize(1280).greyscale().raw().toBuffer({ resolveWithObject: true });
  const { width, height } = info;
  const out = Buffer.alloc(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const light = 0.35 + 0.65 * (x / width) * (0.6 + (0.4 * y) / height);
      out[y * width + x] = Math.round(255 * light * (0.25 + (0.75 * (data[y * width + x] ?? 255)) / 255));
    }
  }
  await sharp(out, { raw: { width, height, channels: 1 } })
    .blur(1.2)
    .jpeg({ quality: 70 })
    .toFile(to);
}

async function corpus(tmp: string): Promise<Page[]> {
  const pages: Page[] = [];
  for (const file of (await readdir(CORPUS)).filter((f) => f.endsWith('.tif')).sort()) {
    const name = basename(file, '.tif');
    pages.push({ name, path: join(CORPUS, file), truth: await readFile(join(CORPUS, `${name}.txt`), 'utf8') });
  }
  const photo = join(tmp, 'phototest-phone.jpg');
  await unevenlyLit(join(CORPUS, 'phototest.tif'), photo);
  const truth = pages.find((p) => p.name === 'phototest')?.truth ?? '';
  pages.push({ name: 'phototest-phone (derived)', path: photo, truth });
  return pages;
}

type Reader = (page: Page) => Promise<string>;
interface Variant {
  name: string;
  open: () => Promise<{ read: Reader; close: () => Promise<void> }>;
}

const quiet = () => {};
const log = { debug: quiet, info: quiet, warn: quiet, error: quiet };

function hearth(name: string, config: Record<string, unknown>): Variant {
  return {
    name,
    async open() {
      const loadCtx: LoadContext = {
        signal: new AbortController().signal,
        log,
        progress: quiet,
        reportDevice: quiet,
        dataDir: tmpdir(),
      };
      const instance = await ocr.load(OcrConfig.parse(config), loadCtx);
      const read: Reader = async (page) => {
        const input: PluginInput = {
          kind: 'path',
          path: page.path,
          name: basename(page.path),
          ext: page.path.split('.').pop() ?? '',
        };
        const ctx: RunContext = { signal: new AbortController().signal, params: {}, jobId: 'bench', log, progress: quiet };
        const gen = instance.run(input, ctx);
        if (!(Symbol.asyncIterator in gen)) throw new Error('the OCR plugin must stream');
        for (;;) {
          const step = await gen.next();
          if (step.done) return step.value?.text ?? '';
        }
      };
      return {
        read,
        close: async () => {
          await instance.unload();
        },
      };
    },
  };
}

/** tesseract.js as its README shows it (LSTM, page mode auto, Otsu), on the same pixels decoded to PNG. */
const direct: Variant = {
  name: 'tesseract.js direct, defaults',
  async open() {
    const worker = await Tesseract.createWorker('eng', undefined, { langPath: languageDataPath('best'), cacheMethod: 'none' });
    await worker.setParameters({ debug_file: '/dev/null' });
    const read: Reader = async (page) => (await worker.recognize(await sharp(page.path).png().toBuffer())).data.text;
    return { read, close: async () => void (await worker.terminate()) };
  },
};

const VARIANTS: Variant[] = [
  direct,
  hearth('Hearth before (pageSegMode auto, no preprocessing)', { preprocess: 'none' }),
  hearth('Hearth after (defaults: auto, adaptive-threshold)', {}),
  hearth('Hearth, single-block, adaptive-threshold', { pageSegMode: 'single-block' }),
  hearth('Hearth, model standard', { model: 'standard' }),
];

interface Cell {
  cer: number[];
  ms: number[];
}

async function measure(pages: Page[], runs: number) {
  const table = new Map<string, Map<string, Cell>>();
  for (let run = 0; run < runs; run++) {
    for (const variant of VARIANTS) {
      const { read, close } = await variant.open();
      const row = table.get(variant.name) ?? new Map<string, Cell>();
      table.set(variant.name, row);
      for (const page of pages) {
        const start = performance.now();
        const text = await read(page);
        const ms = performance.now() - start;
        const cell = row.get(page.name) ?? { cer: [], ms: [] };
        cell.cer.push(cer(text, page.truth));
        cell.ms.push(ms);
        row.set(page.name, cell);
      }
      await close();
    }
  }
  return table;
}

/** Load time and memory of one engine, in a fresh process so nothing else is counted. */
async function loadCost(model: 'best' | 'standard', language: string) {
  const before = process.memoryUsage().rss;
  const start = performance.now();
  const engine = await createOcrEngine(OcrConfig.pick({ model: true, language: true }).parse({ model, language }), quiet, quiet);
  const ms = performance.now() - start;
  const rss = process.memoryUsage().rss - before;
  await engine.terminate();
  return { ms, rssMiB: rss / 2 ** 20 };
}

const LOADS: Array<['best' | 'standard', string]> = [
  ['best', 'eng'],
  ['standard', 'eng'],
  ['best', 'deu'],
  ['best', 'fra'],
  ['best', 'spa'],
  ['best', 'eng+deu'],
];

function range(values: number[], digits: number): string {
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  return lo.toFixed(digits) === hi.toFixed(digits) ? lo.toFixed(digits) : `${lo.toFixed(digits)}–${hi.toFixed(digits)}`;
}

async function main() {
  const args = process.argv.slice(2);
  if (args[0] === '--load') {
    const [model, language] = [args[1] === 'standard' ? 'standard' : 'best', args[2] ?? 'eng'] as const;
    process.stdout.write(JSON.stringify(await loadCost(model, language)));
    return;
  }
  const runsAt = args.indexOf('--runs');
  const runs = runsAt >= 0 ? Number(args[runsAt + 1]) : 3;
  const tmp = await mkdtemp(join(tmpdir(), 'hearth-ocr-corpus-'));
  try {
    const pages = await corpus(tmp);
    const table = await measure(pages, runs);
    const loads = LOADS.map(([model, language]) => {
      const samples = Array.from({ length: runs }, () => {
        const child = spawnSync(
          process.execPath,
          [...process.execArgv, fileURLToPath(import.meta.url), '--load', model, language],
          {
            encoding: 'utf8',
          },
        );
        if (child.status !== 0) throw new Error(`load of ${model} ${language} failed: ${child.stderr}`);
        return JSON.parse(child.stdout) as { ms: number; rssMiB: number };
      });
      return { model, language, ms: samples.map((s) => s.ms), rssMiB: samples.map((s) => s.rssMiB) };
    });
    if (args.includes('--json')) {
      const out = { runs, table: Object.fromEntries([...table].map(([v, row]) => [v, Object.fromEntries(row)])), loads };
      process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
      return;
    }
    console.log(`OCR corpus, ${runs} run(s): CER (range) / ms per page (range)`);
    console.log(`| variant | ${pages.map((p) => p.name).join(' | ')} |`);
    console.log(`|---|${pages.map(() => '---').join('|')}|`);
    for (const [variant, row] of table) {
      const cells = pages.map((p) => {
        const cell = row.get(p.name);
        return cell ? `${range(cell.cer, 3)} / ${range(cell.ms, 0)} ms` : '—';
      });
      console.log(`| ${variant} | ${cells.join(' | ')} |`);
    }
    console.log('\nEngine load (fresh process each): ms (range) / RSS growth MiB (range)');
    for (const l of loads) console.log(`${l.model} ${l.language}: ${range(l.ms, 0)} ms / ${range(l.rssMiB, 0)} MiB`);
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

await main();
