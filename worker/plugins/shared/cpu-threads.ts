/**
 * The default number of CPU threads for llama.cpp and whisper.cpp. Their threads spin-wait at
 * every step, so a thread that shares a core with anything else stalls them all: measured with
 * the tests' tiny GGUF on a 2-core machine (README § Text generation), 2 threads gave 216 tokens/s
 * against 890–917 for 1 thread when idle, and 21–33 against 516–658 with one busy core. So the
 * default is the physical cores (hyper-threads share one) less one, left for main, the other
 * workers and the system; at least 1.
 */
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';

/** Physical cores in a /proc/cpuinfo text: distinct (physical id, core id) pairs; undefined when it does not say. */
export function physicalCoresIn(cpuinfo: string): number | undefined {
  const cores = new Set<string>();
  let physical = '0';
  for (const line of cpuinfo.split('\n')) {
    const [key, value] = line.split(':').map((s) => s.trim());
    if (key === 'physical id' && value !== undefined) physical = value;
    else if (key === 'core id' && value !== undefined) cores.add(`${physical}:${value}`);
    else if (key === 'processor') physical = '0';
  }
  return cores.size > 0 ? cores.size : undefined;
}

/** This machine's physical cores: from /proc/cpuinfo on Linux, else the logical count. */
export function physicalCores(): number {
  const logical = availableParallelism();
  if (process.platform !== 'linux') return logical;
  try {
    return Math.min(logical, physicalCoresIn(readFileSync('/proc/cpuinfo', 'utf8')) ?? logical);
  } catch {
    return logical;
  }
}

export function defaultThreads(cores: number = physicalCores()): number {
  return Math.max(1, cores - 1);
}
