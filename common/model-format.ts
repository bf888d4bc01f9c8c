/** The model file formats Hearth reads: GGUF (llama.cpp and its kin) or whisper.cpp's ggml format. */
import { z } from 'zod';

export const ModelFormat = z.enum(['gguf', 'whisper-ggml']);
export type ModelFormat = z.infer<typeof ModelFormat>;
