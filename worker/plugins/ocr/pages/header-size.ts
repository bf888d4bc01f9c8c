import type { ImageType } from '../image-type.js';

/**
 * Width and height from the header of the formats only the engine decodes (BMP, PNM), so an
 * oversized one is refused before it reaches the engine; null when the header says nothing
 * clear (the engine then reports the file as unreadable itself).
 */
export function headerSize(bytes: Uint8Array, type: ImageType): { width: number; height: number } | null {
  if (type === 'bmp') {
    if (bytes.length < 26) return null;
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    // BITMAPINFOHEADER: width and height are signed 32-bit at 18 and 22 (a negative height is top-down).
    return { width: Math.abs(view.getInt32(18, true)), height: Math.abs(view.getInt32(22, true)) };
  }
  if (type === 'pnm') {
    // "P5 <width> <height> ...", with # comments allowed between the fields.
    const head = Buffer.from(bytes.subarray(0, 512))
      .toString('latin1')
      .replace(/#[^\n]*\n/g, ' ');
    const m = /^P[1-6]\s+(\d+)\s+(\d+)/.exec(head);
    return m ? { width: Number(m[1]), height: Number(m[2]) } : null;
  }
  return null;
}
