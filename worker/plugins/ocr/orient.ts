/**
 * Pages the right way up (issue 12). tesseract.js 7 ships no osd.traineddata, so Tesseract's
 * own orientation detection is out of reach offline; instead a page that reads badly upright
 * is read small in each of the four rotations, and the rotation Tesseract is surest of wins.
 * The cost stays bounded: a page that reads well upright costs nothing more, and one that
 * does not costs four reads of a small render and one more full read.
 */
import type Tesseract from 'tesseract.js';
import type { DocPage } from './pages/types.js';
import { loadSharp } from './pages/sharp.js';

/** Degrees the page was turned clockwise to read it upright. */
export type Rotation = 0 | 90 | 180 | 270;
const ROTATIONS: readonly Rotation[] = [0, 90, 180, 270];

/**
 * Clean upright print reads at 90 or more; upside-down text can come back as confident-looking
 * nonsense in the 70s, so anything below this is checked.
 */
export const CHECK_BELOW_CONFIDENCE = 85;
/** The long side of the orientation trials' render: enough for body text, a fraction of a page's cost. */
export const TRIAL_SIDE = 1400;
/** A rotation that yields almost no letters is no reading, whatever the confidence of those few. */
const MIN_LETTERS = 4;

export type PageRead = (bytes: Uint8Array, stage: 'page' | 'orientation') => Promise<Tesseract.Page>;

export interface TurnedRead {
  page: Tesseract.Page;
  rotation: Rotation;
}

/** How much a read is worth: its mean confidence, or nothing when it found hardly any letters. */
export function scoreOf(page: Pick<Tesseract.Page, 'text' | 'confidence'>): number {
  const letters = page.text.replace(/[^\p{L}\p{N}]/gu, '').length;
  return letters < MIN_LETTERS || !Number.isFinite(page.confidence) ? 0 : page.confidence;
}

export async function readUpright(image: Extract<DocPage, { kind: 'image' }>, read: PageRead): Promise<TurnedRead> {
  const upright = await read(image.bytes, 'page');
  if (!image.turnable || scoreOf(upright) >= CHECK_BELOW_CONFIDENCE) return { page: upright, rotation: 0 };
  const sharp = await loadSharp();
  const small = await sharp(image.bytes)
    .autoOrient()
    .resize({ width: TRIAL_SIDE, height: TRIAL_SIDE, fit: 'inside', withoutEnlargement: true })
    .png({ compressionLevel: 1 })
    .toBuffer();
  let best: { rotation: Rotation; score: number } = { rotation: 0, score: -1 };
  for (const rotation of ROTATIONS) {
    const trial = rotation === 0 ? small : await sharp(small).rotate(rotation).png({ compressionLevel: 1 }).toBuffer();
    const score = scoreOf(await read(trial, 'orientation'));
    if (score > best.score) best = { rotation, score };
  }
  if (best.rotation === 0) return { page: upright, rotation: 0 };
  const turned = await sharp(image.bytes).autoOrient().rotate(best.rotation).png({ compressionLevel: 1 }).toBuffer();
  const page = await read(turned, 'page');
  // The small render is a guess; the full page has the last word.
  return scoreOf(page) > scoreOf(upright) ? { page, rotation: best.rotation } : { page: upright, rotation: 0 };
}
