/**
 * Which ffmpeg Hearth runs for audio it does not read itself. An ffmpeg the user installed
 * wins (it is usually newer and may carry more codecs); otherwise the static build from
 * @ffmpeg-installer/ffmpeg, which ships inside registry packages for Linux, Windows and
 * macOS, so non-WAV audio works with nothing to install. README § "Built-in plugins" notes
 * its GPL licence.
 */
import { accessSync, constants, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { delimiter, join } from 'node:path';

export interface FoundFfmpeg {
  path: string;
  /** `path`: found on the PATH (or a Homebrew folder); `bundled`: the build Hearth ships. */
  source: 'path' | 'bundled';
}

export interface LookupEnv {
  PATH?: string;
  PATHEXT?: string;
}

function isExecutableFile(candidate: string, platform: NodeJS.Platform): boolean {
  try {
    // Windows has no execute bit: any regular file whose extension is in PATHEXT runs.
    if (platform !== 'win32') accessSync(candidate, constants.X_OK);
    return statSync(candidate).isFile();
  } catch {
    return false;
  }
}

/** Homebrew's folders (Apple silicon, then Intel): Finder-started apps do not get them on the PATH. */
export const HOMEBREW_DIRS = ['/opt/homebrew/bin', '/usr/local/bin'];

/** The folders searched, in order: the PATH (split the platform's way), then Homebrew's on macOS. */
export function searchDirs(env: LookupEnv, platform: NodeJS.Platform): string[] {
  const sep = platform === 'win32' ? ';' : platform === process.platform ? delimiter : ':';
  const dirs = (env.PATH ?? '').split(sep).filter(Boolean);
  return platform === 'darwin' ? [...dirs, ...HOMEBREW_DIRS.filter((d) => !dirs.includes(d))] : dirs;
}

/**
 * The first executable called `name` on `env.PATH`. On Windows each PATHEXT extension is
 * tried (`ffmpeg` is `ffmpeg.exe` there); on macOS the Homebrew folders come after the PATH,
 * because an app started from Finder gets a PATH without them.
 */
export function findExecutable(name: string, env: LookupEnv, platform: NodeJS.Platform = process.platform): string | null {
  const dirs = searchDirs(env, platform);
  // A bare `ffmpeg` does not run on Windows: only names ending in a PATHEXT extension do.
  const names =
    platform === 'win32'
      ? (env.PATHEXT ?? '.COM;.EXE;.BAT;.CMD')
          .split(';')
          .filter(Boolean)
          .map((ext) => name + ext.toLowerCase())
      : [name];
  for (const dir of dirs) {
    for (const file of names) {
      const candidate = join(dir, file);
      if (isExecutableFile(candidate, platform)) return candidate;
    }
  }
  return null;
}

/** The ffmpeg binary inside @ffmpeg-installer's package for this platform, or null when it is missing. */
export function bundledFfmpeg(): string | null {
  try {
    // Resolved from this module (the built worker sits in dist/, beside node_modules' parent).
    const installer = createRequire(import.meta.url)('@ffmpeg-installer/ffmpeg') as { path?: unknown };
    const path = typeof installer.path === 'string' ? installer.path : null;
    // Inside a packaged app the binary lives in app.asar.unpacked, not in the archive.
    const real = path?.replace(/app\.asar([\\/])/, 'app.asar.unpacked$1') ?? null;
    return real && isExecutableFile(real, process.platform) ? real : null;
  } catch {
    // The installer throws when no build exists for this platform and architecture.
    return null;
  }
}

/** The ffmpeg to use: the user's, else the bundled one, else null (only WAV can be read). */
export function locateFfmpeg(env: LookupEnv = process.env, bundled: () => string | null = bundledFfmpeg): FoundFfmpeg | null {
  const installed = findExecutable('ffmpeg', env);
  if (installed) return { path: installed, source: 'path' };
  const shipped = bundled();
  return shipped ? { path: shipped, source: 'bundled' } : null;
}
