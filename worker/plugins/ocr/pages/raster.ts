/**
 * Image files as pages: sharp (libvips, whose binaries ship inside its npm packages) decodes
 * what Leptonica cannot — every TIFF compression and every page of a multi-page TIFF, GIF,
 * HEIF/AVIF — to PNG; formats Leptonica reads go to the engine as they are, after a size check.
 */
import { PluginError } from '../../../sdk/index.js';
import type { ImageType } from '../image-type.js';
import { tooLarge } from '../limits.js';
import type { DocPage, PageSource } from './types.js';
import { headerSize } from './header-size.js';
import { loadSharp } from './sharp.js';
import { messageOf } from '../../../../common/errors.js';

/** Read by the engine as they are, when they need no turning. */
const ENGINE_READS = new Set<ImageType>(['png', 'jpeg', 'webp']);
/** Only the engine reads these; sharp's prebuilt libvips has no BMP or PNM loader. */
const ENGINE_ONLY = new Set<ImageType>(['bmp', 'pnm']);

export async function rasterPages(bytes: Uint8Array, type: ImageType, name: string): Promise<PageSource> {
  if (ENGINE_ONLY.has(type)) return engineOnly(bytes, type, name);
  const sharp = await loadSharp();
  let pages: number;
  try {
    const meta = await sharp(bytes, { limitInputPixels: false }).metadata();
    // Frames of an animated GIF or WebP are not pages: only a TIFF's pages are read one by one.
    pages = type === 'tiff' ? Math.max(1, meta.pages ?? 1) : 1;
  } catch (e) {
    throw undecodable(name, type, e);
  }
  return {
    count: pages,
    async page(index) {
      let png: Uint8Array;
      try {
        const meta = await sharp(bytes, { page: index, limitInputPixels: false }).metadata();
        const refused = tooLarge(pages > 1 ? `Page ${index + 1} of ${name}` : name, meta.width, meta.height);
        if (refused) throw new PluginError('INVALID_INPUT', refused);
        // The engine does not apply EXIF orientation: a turned photo goes through sharp, which does.
        const upright = meta.orientation === undefined || meta.orientation === 1;
        if (pages === 1 && upright && ENGINE_READS.has(type)) return { kind: 'image', bytes, turnable: true };
        png = await sharp(bytes, { page: index, limitInputPixels: false })
          .autoOrient()
          .flatten({ background: '#ffffff' })
          .png({ compressionLevel: 1 })
          .toBuffer();
      } catch (e) {
        if (e instanceof PluginError) throw e;
        throw undecodable(name, type, e);
      }
      return { kind: 'image', bytes: png, turnable: true };
    },
    async close() {},
  };
}

function engineOnly(bytes: Uint8Array, type: ImageType, name: string): PageSource {
  const size = headerSize(bytes, type);
  const refused = size && tooLarge(name, size.width, size.height);
  if (refused) throw new PluginError('INVALID_INPUT', refused);
  return { count: 1, page: async (): Promise<DocPage> => ({ kind: 'image', bytes, turnable: false }), close: async () => {} };
}

function undecodable(name: string, type: ImageType, e: unknown): PluginError {
  const why = messageOf(e);
  const hint = /HEVC|compression format has not been built in/i.test(why)
    ? ' — it is an HEVC-coded HEIC photo, and the decoder that ships with Hearth reads only AVIF-coded HEIF; export it as JPEG or PNG'
    : ' — the file looks damaged or truncated';
  return new PluginError('INVALID_INPUT', `Could not decode the ${type.toUpperCase()} image ${name}${hint}`, why);
}
