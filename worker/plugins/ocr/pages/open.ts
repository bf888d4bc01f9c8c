import type { ImageType } from '../image-type.js';
import { pdfPages } from './pdf.js';
import { rasterPages } from './raster.js';
import type { PageSource } from './types.js';

/** The document's pages, by what the file is. */
export function openPages(bytes: Uint8Array, type: ImageType, name: string): Promise<PageSource> {
  return type === 'pdf' ? pdfPages(bytes, name) : rasterPages(bytes, type, name);
}
