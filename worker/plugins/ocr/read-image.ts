import { readFile } from 'node:fs/promises';
import { PluginError, type PluginInput } from '../../sdk/index.js';
import { sniffImageType, type ImageType } from './image-type.js';
import { messageOf } from '../../../common/errors.js';

export interface ImageBytes {
  bytes: Uint8Array;
  type: ImageType;
  name: string;
}

/** Reads the job's image and checks it is one Tesseract can decode, with a message for the user if not. */
export async function readImage(input: PluginInput): Promise<ImageBytes> {
  if (input.kind === 'text') {
    throw new PluginError('UNSUPPORTED_INPUT', 'OCR needs an image file (PNG, JPEG, WebP, BMP or TIFF), not text');
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
      `${name} is not a readable image — OCR takes PNG, JPEG, WebP, BMP or TIFF files`,
      bytes.length === 0 ? 'the file is empty' : `first bytes: ${Buffer.from(bytes.subarray(0, 8)).toString('hex')}`,
    );
  }
  return { bytes, type, name };
}
