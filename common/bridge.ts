/**
 * The WebSocket protocol of `hearth serve`: the paths it answers and the frames on its socket.
 * The payloads inside are the HearthApi's (./api.ts); this file only wraps them.
 */
import { z } from 'zod';

export const BRIDGE = {
  /** The socket; the token rides in the `token` query parameter. */
  socketPath: '/api/socket',
  /** POST the raw bytes of one file, `?name=<file name>`; answers UploadReply. */
  uploadPath: '/api/upload',
  /** GET `/api/output/<jobId>`: a finished job's output as a download. */
  outputPath: '/api/output/',
  tokenHeader: 'x-hearth-token',
  tokenQuery: 'token',
  /**
   * The most one request may weigh, as the UTF-8 JSON it becomes (main/api/payload-limits.ts
   * checks it); the socket's frame limit is this plus the frame's own wrapping.
   */
  requestMaxBytes: 16 * 1024 * 1024,
  frameSlackBytes: 64 * 1024,
} as const;

export const BridgeRequest = z
  .object({ id: z.number().int().nonnegative(), name: z.string().max(100), payload: z.unknown() })
  .strict();
export type BridgeRequest = z.infer<typeof BridgeRequest>;

export const BridgeMessage = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('reply'), id: z.number().int().nonnegative(), outcome: z.unknown() }).strict(),
  z.object({ kind: z.literal('events'), events: z.array(z.unknown()) }).strict(),
]);
export type BridgeMessage = z.infer<typeof BridgeMessage>;

export const UploadReply = z.object({ path: z.string(), name: z.string(), size: z.number().int().nonnegative() }).strict();
export type UploadReply = z.infer<typeof UploadReply>;
