/**
 * Sizes for people, in one place for every face. Files in decimal units, as download pages
 * and file managers show them ("147.9 MB"); memory (RAM, VRAM) in binary units, as drivers
 * and `nvidia-smi` count it ("24 GiB", "3.7 GiB").
 */

/** "4.1 GB", "147.9 MB", "512 B". */
export function fileSize(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit += 1;
  }
  return unit === 0 ? `${Math.round(value)} B` : `${value.toFixed(1)} ${units[unit]}`;
}

const GIB = 1024 ** 3;
const MIB = 1024 ** 2;

/** "380 MiB" below a GiB, else GiB to one decimal, dropped when whole: "24 GiB", "9.1 GiB". */
export function memorySize(bytes: number): string {
  if (bytes < GIB) return `${Math.max(1, Math.round(bytes / MIB))} MiB`;
  const tenths = Math.round((bytes / GIB) * 10) / 10;
  return `${Number.isInteger(tenths) ? tenths.toFixed(0) : tenths.toFixed(1)} GiB`;
}
