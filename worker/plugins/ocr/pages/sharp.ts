/** sharp, imported on first use so that listing plugins never loads libvips. */
import type Sharp from 'sharp';

export type SharpFactory = typeof Sharp;

let loaded: Promise<SharpFactory> | undefined;

export function loadSharp(): Promise<SharpFactory> {
  loaded ??= import('sharp').then((m) => m.default);
  return loaded;
}
