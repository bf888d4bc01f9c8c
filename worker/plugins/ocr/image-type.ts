/**
 * The file types OCR reads, told apart by their first bytes. Leptonica (inside the engine)
 * reads PNG, JPEG, WebP, BMP, PNM and some TIFFs itself; sharp decodes the rest (every TIFF
 * compression, GIF, HEIF/AVIF), and pdf.js reads PDF.
 */
export type ImageType = 'png' | 'jpeg' | 'webp' | 'bmp' | 'tiff' | 'gif' | 'pnm' | 'heif' | 'pdf';

const startsWith = (bytes: Uint8Array, sig: ReadonlyArray<number>, at = 0): boolean =>
  bytes.length >= at + sig.length && sig.every((b, i) => bytes[at + i] === b);

const ascii = (s: string): number[] => [...s].map((c) => c.charCodeAt(0));

/** ISO-BMFF brands of HEIF stills (HEVC-coded "heic", AV1-coded "avif", and the generic ones). */
const HEIF_BRANDS = new Set(['heic', 'heix', 'heim', 'heis', 'hevc', 'hevx', 'mif1', 'msf1', 'avif', 'avis']);

/** A PDF may carry a few bytes of junk before its header; readers look in the first kilobyte. */
const PDF_HEADER_WINDOW = 1024;

/**
 * Sniffs the format from magic numbers, not the extension: a file named .png that is
 * really text must fail with a clear message before it reaches a decoder.
 */
export function sniffImageType(bytes: Uint8Array): ImageType | null {
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'png';
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return 'jpeg';
  if (startsWith(bytes, ascii('RIFF')) && startsWith(bytes, ascii('WEBP'), 8)) return 'webp';
  if (startsWith(bytes, [0x42, 0x4d]) && bytes.length >= 26) return 'bmp';
  if (startsWith(bytes, [0x49, 0x49, 0x2a, 0x00]) || startsWith(bytes, [0x4d, 0x4d, 0x00, 0x2a])) return 'tiff';
  if (startsWith(bytes, ascii('GIF87a')) || startsWith(bytes, ascii('GIF89a'))) return 'gif';
  if (bytes.length >= 3 && bytes[0] === 0x50 && (bytes[1] ?? 0) >= 0x31 && (bytes[1] ?? 0) <= 0x36 && isSpace(bytes[2] ?? 0)) {
    return 'pnm';
  }
  if (startsWith(bytes, ascii('ftyp'), 4) && HEIF_BRANDS.has(String.fromCharCode(...bytes.subarray(8, 12)))) return 'heif';
  if (Buffer.from(bytes.subarray(0, PDF_HEADER_WINDOW)).includes('%PDF-')) return 'pdf';
  return null;
}

function isSpace(byte: number): boolean {
  return byte === 0x20 || byte === 0x09 || byte === 0x0a || byte === 0x0d;
}
