import { readFile } from 'node:fs/promises';
import { PluginError, type PluginInput } from '../../sdk/index.js';
import { sniffImageType, type ImageType } from './image-type.js';
import { messageOf } from '../../../common/errors.js';

/** For messages: what a person can drop. */
const READABLE = 'PDF, PNG, JPEG, WebP, TIFF, GIF, BMP, PBM/PGM/PPM or AVIF/HEIF';

export interface ImageBytes {
  bytes: Uint8Array;
  type: ImageType;
  name: string;
}

/** Reads the job's file and checks it is one OCR can decode, with a message for the user if not. */
export async function readImage(input: PluginInput): Promise<ImageBytes> {
  if (input.kind === 'text') {
    throw new PluginError('UNSUPPORTED_INPUT', `OCR needs an image or a PDF (${READABLE}), not text`);
  }
  const name = input.name;
  let bytes: Uint8Array;
  if (input.kind === 'bytes') {
    bytes = input.bytes;
  } else {
    try {
      bytes = await readFile(input.path);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      const why = code === 'ENOENT' ? 'it does not exist' : code === 'EISDIR' ? 'it is a folder' : messageOf(e);
      throw new PluginError('INVALID_INPUT', `Cannot read ${input.path}: ${why}`);
    }
  }
  const type = sniffImageType(bytes);
  if (!type) {
    throw new PluginError(
      'INVALID_INPUT',
      `${name} is not a readable image or PDF — OCR takes ${READABLE} files`,
      bytes.length === 0 ? 'the file is empty' : `first bytes: ${Buffer.from(bytes.subarray(0, 8)).toString('hex')}`,
    );
  }
  return { bytes, type, name };
}
